/**
 * The worker side of the parallel ingest (parallel.ts): reads one byte range of a plain file (a later part of
 * it, starting after a newline) and turns every line into a row of a log that the main thread adds in file
 * order. The log is posted in chunks, one per piece of the file read (about 1 MiB), each covering whole lines.
 * Only lines that the sequential fast path (load.ts) takes are handled: at the first other line (a quote, a
 * line the fast path would decline) the worker stops, and the main thread reads the file sequentially from
 * the first byte not covered by a posted chunk, so that quoted records, errors and odd formats are handled by
 * the usual code. This module has the reading loop and what every log shares (the field scan, the customers
 * of the range, the segments); sales-range.ts and payments-range.ts make the rows of their input.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { DEFAULT_INGEST, LineFields } from '../table.js';
import { own, sameText } from '../chars.js';
import { rowBytes, segmentOf, type HeaderColumns, type LogChunk, type RangeJob, type RowLayout, type Segment } from './protocol.js';

/** What readRange needs of a log (see RangeLog). */
export interface LineLog {
  line(text: string, start: number, end: number, line?: number): boolean;
  asciiLines(bytes: Uint8Array, text: string, final: boolean, firstLine?: number): number;
  settle(): void;
  flush(startByte: number, endByte: number, startLine: number, endLine: number): void;
  release(n: number): void;
  segmentsHeld(): number;
}

/** Folds the lines of one range into log chunks of rows of layout `L`; see the module comment. */
export abstract class RangeLog<L extends RowLayout, C extends LogChunk> implements LineLog {
  protected readonly fields: LineFields;
  private readonly maxField: number;
  /** The delimiter's character code. */
  private readonly delimiter: number;
  /** The line (0-based within the range) of the row being read. */
  protected lineNumber = 0;
  // Customers of the range.
  private readonly index = new Map<string, number>();
  readonly ids: string[] = [];
  private postedIds = 0;
  /** The customer of the previous line (its id is compared in place before the map is asked). */
  private lastId = '';
  private lastCustomer = -1;
  // The segment being filled: the chunk being filled is its rows `from` to `next`.
  private readonly rowBytes: number;
  private readonly segmentRows: number;
  private segmentNumber = -1;
  private buffer!: SharedArrayBuffer;
  /** Segments posted and not released by the main thread, by number; released ones, to reuse. */
  private readonly held = new Map<number, SharedArrayBuffer>();
  private readonly free: SharedArrayBuffer[] = [];
  private sent = true;
  protected segment!: Segment<L>;
  protected from = 0;
  protected next = 0;

  constructor(
    private readonly layout: L,
    columns: HeaderColumns,
    job: Pick<RangeJob, 'dateFormat' | 'decimal' | 'segmentRows'> & Partial<Pick<RangeJob, 'maxField'>>,
    private readonly emit: (chunk: C) => void,
  ) {
    if (columns.delimiter.length !== 1) throw new Error('the range reader takes a one-character delimiter');
    this.fields = new LineFields(columns.count, columns.delimiter, { ...DEFAULT_INGEST, dateFormat: job.dateFormat, decimal: job.decimal });
    this.delimiter = columns.delimiter.charCodeAt(0);
    this.maxField = job.maxField ?? Infinity;
    this.rowBytes = rowBytes(layout);
    this.segmentRows = Math.max(1, job.segmentRows);
    this.newSegment();
  }

  /** Reads the row of the line whose fields are in `fields`; false when the sequential fast path would decline it. */
  protected abstract row(text: string): boolean;

  /** What the kind's chunks carry besides the rows, for the rows since the last chunk (and starts anew). */
  protected abstract extras(): Omit<C, keyof LogChunk>;

  /** Called at the end of every text (pieces of the file are read as texts, one after the other). */
  settle(): void {}

  /** Called when a customer is first seen, with its index. */
  protected customerAdded(_b: number): void {}

  /** The index within the range of the customer in field `col` of the line (trimmed); -1 when it is empty. */
  protected customer(text: string, col: number): number {
    const f = this.fields;
    const is = f.starts[col];
    const ie = f.ends[col];
    const lastId = this.lastId;
    if (ie - is === lastId.length && lastId !== '' && sameText(text, is, lastId)) return this.lastCustomer;
    const id = own(f.requiredText(col));
    if (id === '') return -1;
    let b = this.index.get(id);
    if (b === undefined) {
      b = this.ids.length;
      this.ids.push(id);
      this.index.set(id, b);
      this.customerAdded(b);
    }
    this.lastId = id;
    this.lastCustomer = b;
    return b;
  }

  /** The row of the segment to write the next row to. */
  protected nextRow(): number {
    if (this.next === this.segment.rows) this.newSegment();
    return this.next++;
  }

  /** Starts a new segment, moving the rows of the chunk being filled to its start. */
  private newSegment(): void {
    const old = this.segment;
    // A segment no chunk was posted from is unknown to the main thread: it can be reused at once (after
    // its rows are moved).
    const unknownToMain = old !== undefined && !this.sent ? this.segmentNumber : -1;
    const n = this.next - this.from;
    const rows = Math.max(this.segmentRows, 2 * n);
    const reuse = this.free.length > 0 && this.free[this.free.length - 1].byteLength >= rows * this.rowBytes;
    this.buffer = reuse ? this.free.pop()! : new SharedArrayBuffer(rows * this.rowBytes);
    this.segment = segmentOf(this.layout, this.buffer, this.buffer.byteLength / this.rowBytes);
    this.segmentNumber++;
    this.held.set(this.segmentNumber, this.buffer);
    this.sent = false;
    if (old && n > 0) {
      const to = this.segment as unknown as Record<string, Float64Array | Int32Array | Uint8Array>;
      const from = old as unknown as Record<string, Float64Array | Int32Array | Uint8Array>;
      for (const name of Object.keys(this.layout)) to[name].set(from[name].subarray(this.from, this.next) as never);
    }
    this.from = 0;
    this.next = n;
    if (unknownToMain >= 0) {
      this.free.push(this.held.get(unknownToMain)!);
      this.held.delete(unknownToMain);
    }
  }

  /** Posts the rows since the last chunk as the chunk of the given bytes and lines. */
  flush(startByte: number, endByte: number, startLine: number, endLine: number): void {
    this.settle();
    this.emit({
      startByte,
      endByte,
      startLine,
      endLine,
      segment: this.segmentNumber,
      buffer: this.sent ? undefined : this.buffer,
      from: this.from,
      rows: this.next - this.from,
      newIds: this.ids.slice(this.postedIds),
      ...this.extras(),
    } as C);
    this.sent = true;
    this.postedIds = this.ids.length;
    this.from = this.next;
  }

  /** The main thread is done with segment `n`: it can be filled again. */
  release(n: number): void {
    const buffer = this.held.get(n);
    if (buffer === undefined || n === this.segmentNumber) return;
    this.held.delete(n);
    this.free.push(buffer);
  }

  /** The number of segments posted or being filled and not released. */
  segmentsHeld(): number {
    return this.held.size;
  }

  /**
   * Takes the unquoted line `text.slice(start, end)` (not empty, no line end), line `line` of the range.
   * Returns false when the sequential fast path would decline it (the worker then stops). Lines of one text
   * come in order, and `settle()` is called before another text.
   */
  line(text: string, start: number, end: number, line = 0): boolean {
    if (end - start > this.maxField) return false;
    this.lineNumber = line;
    return this.fields.scanCode(text, start, end, this.delimiter) && this.row(text);
  }

  /**
   * Takes the lines of an ASCII piece of the file, `bytes` (the same characters as `text`, at the same
   * indexes), the first being line `firstLine` of the range, as `line` would take them one by one, finding the
   * line ends and the fields in one pass over the bytes. Returns the number of lines (empty ones included), or
   * -1 at a line the fast path would decline. All lines end with '\n' except the last one when `final`.
   */
  asciiLines(bytes: Uint8Array, text: string, final: boolean, firstLine = 0): number {
    const f = this.fields;
    const starts = f.starts;
    const ends = f.ends;
    f.text = text;
    const d = this.delimiter;
    const last = f.count - 1;
    const n = bytes.length;
    let lines = 0;
    let start = 0;
    while (start < n) {
      let field = 0;
      let s = start;
      let i = start;
      let extra = false;
      for (; i < n; i++) {
        const c = bytes[i];
        if (c === 10) break;
        if (c === d) {
          if (field === last) extra = true;
          else {
            starts[field] = s;
            ends[field] = i;
            field++;
            s = i + 1;
          }
        }
      }
      if (i === n && !final) break;
      let end = i;
      if (end > start && bytes[end - 1] === 13) end--;
      if (end > start) {
        if (extra || field !== last || s > end || end - start > this.maxField) return -1;
        starts[last] = s;
        ends[last] = end;
        this.lineNumber = firstLine + lines;
        if (!this.row(text)) return -1;
      }
      lines++;
      start = i + 1;
    }
    return lines;
  }
}

/**
 * Reads `job.path` from `job.start` to `job.end` into `log`, line by line as FastCsvReader splits them (on
 * '\n', without a '\r' before it; empty lines skipped), and posts one chunk per read. Lines are cut from the
 * bytes, so that a piece of text always ends at a line end: pure ASCII pieces are taken as Latin-1 (the same
 * characters, without the cost of UTF-8 decoding), others are decoded as UTF-8 when they are valid UTF-8 (the
 * characters are then those of the sequential decoder, whatever its chunks) and left to the sequential reader
 * otherwise. Returns the number of lines of the range, or why the worker stopped (the rows of the piece being
 * read are then not posted).
 */
export async function readRange(
  job: RangeJob,
  log: LineLog,
  progress: (bytes: number) => void,
  released: () => Promise<void> = async () => {},
): Promise<number | string> {
  let line = 0;
  /** Takes the lines of the bytes `piece`, each ending with '\n' (and the last one without, when `final`). */
  const take = (piece: Buffer, final: boolean): string | null => {
    if (piece.indexOf(0x22) >= 0) return 'a quote';
    if (isAscii(piece)) {
      const taken = log.asciiLines(piece, piece.toString('latin1'), final, line);
      log.settle();
      if (taken < 0) return 'a line that is not a plain row';
      line += taken;
      return null;
    }
    // Valid UTF-8 has one decoding (a U+FEFF is a character here, as after the first byte for the sequential
    // reader); malformed bytes are left to the sequential reader and its decoder.
    if (!isUtf8(piece)) return 'bytes that are not UTF-8';
    const text = piece.toString('utf8');
    let start = 0;
    const n = text.length;
    while (start < n) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) {
        if (!final) break;
        nl = n;
      }
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      if (end > start && !log.line(text, start, end, line)) return 'a line that is not a plain row';
      line++;
      start = nl + 1;
    }
    log.settle();
    return null;
  };
  let stop: string | null;
  let carry: Buffer | null = null;
  /** File offset of the first byte not yet in a posted chunk, and its line. */
  let posted = job.start;
  let postedLine = 0;
  let bytes = 0;
  let shown = 0;
  // One buffer for all reads: no allocation per read (whose memory the allocator would keep).
  const handle = await open(job.path, 'r');
  const buffer = Buffer.allocUnsafeSlow(job.readBytes);
  try {
    for (;;) {
      // Far enough ahead of the main thread: wait until it releases a segment.
      while (log.segmentsHeld() > job.maxSegments) await released();
      const want = Math.min(buffer.length, job.end - job.start - bytes);
      const { bytesRead } = want > 0 ? await handle.read(buffer, 0, want, job.start + bytes) : { bytesRead: 0 };
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      bytes += chunk.length;
      let from = 0;
      if (carry !== null) {
        const nl = chunk.indexOf(0x0a);
        if (nl < 0) {
          carry = Buffer.concat([carry, chunk]);
          if (carry.length > job.maxField) return 'a line longer than the longest field allowed (maxField)';
          continue;
        }
        if ((stop = take(Buffer.concat([carry, chunk.subarray(0, nl + 1)]), false)) !== null) return stop;
        carry = null;
        from = nl + 1;
      }
      const last = chunk.lastIndexOf(0x0a);
      if (last >= from) {
        if ((stop = take(chunk.subarray(from, last + 1), false)) !== null) return stop;
        from = last + 1;
      }
      const end = job.start + bytes - (chunk.length - from);
      if (end > posted) {
        log.flush(posted, end, postedLine, line);
        posted = end;
        postedLine = line;
      }
      if (from < chunk.length) carry = Buffer.from(chunk.subarray(from));
      if (bytes - shown >= 1 << 23) {
        shown = bytes;
        progress(bytes);
      }
    }
    if (carry !== null) {
      if ((stop = take(carry, true)) !== null) return stop;
      log.flush(posted, job.start + bytes, postedLine, line);
    }
  } finally {
    await handle.close();
  }
  return line;
}
