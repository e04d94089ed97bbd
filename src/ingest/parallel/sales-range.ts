/**
 * The worker side of the parallel sales ingest (parallel.ts): reads one byte range of a plain sales file (a
 * later part of it, starting after a newline) and turns every line into a row of a log (customer, day, amount,
 * margin, how its order relates to the customer's previous rows of the range) that the main thread adds to its
 * accumulator in file order. The log is posted in chunks, one per piece of the file read (about 1 MiB), each
 * covering whole lines. Only lines that the sequential fast path (load.ts) takes are handled: at the first
 * other line (a quote, a line the fast path would decline) the worker stops, and the main thread reads the
 * file sequentially from the first byte not covered by a posted chunk, so that quoted records, errors and odd
 * formats are handled by the usual code.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { ORDER_FIRST, ORDER_NEW, ORDER_NONE, ORDER_RETURN, ORDER_SAME } from '../../accumulate/sales.js';
import { DEFAULT_INGEST, LineFields } from '../table.js';
import { own, sameText, solid } from '../chars.js';
import { ROW_AFTER, ROW_BYTES, ROW_MARGIN, segmentOf, type LogChunk, type LogSegment, type RangeColumns, type RangeJob } from './protocol.js';

/** Folds the lines of one range into log chunks; see the module comment. */
export class RangeLog {
  private readonly fields: LineFields;
  private readonly asOf: number;
  private readonly latest: number;
  private readonly maxField: number;
  private readonly withMargin: boolean;
  /** The delimiter's character code. */
  private readonly delimiter: number;
  // Customers of the range.
  private readonly index = new Map<string, number>();
  readonly ids: string[] = [];
  private readonly lastOrderIds: string[] = [];
  private lastOrderDays = new Float64Array(1024);
  private purchased = new Uint8Array(1024);
  /** The chunk in which each customer's last order last changed (+1; 0 = never). */
  private touchedIn = new Int32Array(1024);
  private touched: number[] = [];
  private chunkNumber = 1;
  private postedIds = 0;
  /** The customer of the previous line (its id is compared in place before the map is asked). */
  private lastId = '';
  private lastCustomer = -1;
  /**
   * The last order id of customer `pending` is `pendingText.slice(pendingStart, pendingEnd)`, not yet copied
   * into lastOrderIds (copied when another customer's order or another text comes): the lines of one
   * customer are often consecutive, and this compares and copies an order id once per customer, not per line.
   */
  private pending = -1;
  private pendingText = '';
  private pendingStart = 0;
  private pendingEnd = 0;
  // The segment being filled: the chunk being filled is its rows `from` to `next`.
  private readonly segmentRows: number;
  private segmentNumber = -1;
  private buffer!: SharedArrayBuffer;
  /** Segments posted and not released by the main thread, by number; released ones, to reuse. */
  private readonly held = new Map<number, SharedArrayBuffer>();
  private readonly free: SharedArrayBuffer[] = [];
  private sent = true;
  private segment!: LogSegment;
  private from = 0;
  private next = 0;
  private firstOrders: string[] = [];

  constructor(
    private readonly columns: RangeColumns,
    job: Pick<RangeJob, 'dateFormat' | 'decimal' | 'asOf' | 'segmentRows'> & Partial<Pick<RangeJob, 'latest' | 'maxField'>>,
    private readonly emit: (chunk: LogChunk) => void,
  ) {
    if (columns.delimiter.length !== 1) throw new Error('the range reader takes a one-character delimiter');
    this.fields = new LineFields(columns.count, columns.delimiter, { ...DEFAULT_INGEST, dateFormat: job.dateFormat, decimal: job.decimal });
    this.delimiter = columns.delimiter.charCodeAt(0);
    this.asOf = job.asOf ?? Infinity;
    this.latest = job.latest ?? Infinity;
    this.maxField = job.maxField ?? Infinity;
    this.withMargin = columns.cost >= 0 || columns.margin >= 0;
    this.segmentRows = Math.max(1, job.segmentRows);
    this.newSegment();
  }

  /** Starts a new segment, moving the rows of the chunk being filled to its start. */
  private newSegment(): void {
    const old = this.segment;
    // A segment no chunk was posted from is unknown to the main thread: it can be reused at once (after
    // its rows are moved).
    const unknownToMain = old !== undefined && !this.sent ? this.segmentNumber : -1;
    const n = this.next - this.from;
    const rows = Math.max(this.segmentRows, 2 * n);
    const reuse = this.free.length > 0 && this.free[this.free.length - 1].byteLength >= rows * ROW_BYTES;
    this.buffer = reuse ? this.free.pop()! : new SharedArrayBuffer(rows * ROW_BYTES);
    this.segment = segmentOf(this.buffer, this.buffer.byteLength / ROW_BYTES);
    this.segmentNumber++;
    this.held.set(this.segmentNumber, this.buffer);
    this.sent = false;
    if (old && n > 0) {
      const to = this.segment;
      const a = this.from;
      const b = this.next;
      to.amount.set(old.amount.subarray(a, b));
      to.margin.set(old.margin.subarray(a, b));
      to.customer.set(old.customer.subarray(a, b));
      to.day.set(old.day.subarray(a, b));
      to.flags.set(old.flags.subarray(a, b));
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
    const updated = this.touched;
    const lastOrderDays: number[] = new Array(updated.length);
    const lastOrderIds: string[] = new Array(updated.length);
    for (let i = 0; i < updated.length; i++) {
      lastOrderIds[i] = this.lastOrderIds[updated[i]];
      lastOrderDays[i] = this.lastOrderDays[updated[i]];
    }
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
      firstOrders: this.firstOrders,
      updated,
      lastOrderIds,
      lastOrderDays,
    });
    this.sent = true;
    this.postedIds = this.ids.length;
    this.from = this.next;
    this.firstOrders = [];
    this.touched = [];
    this.chunkNumber++;
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

  /** Copies the pending order id (see `pending`); called at the end of every text. */
  settle(): void {
    if (this.pending >= 0) {
      this.lastOrderIds[this.pending] = own(this.pendingText.slice(this.pendingStart, this.pendingEnd));
      this.pending = -1;
      this.pendingText = '';
    }
  }

  private addCustomer(id: string): number {
    const b = this.ids.length;
    if (b === this.purchased.length) {
      const days = new Float64Array(b * 2);
      days.set(this.lastOrderDays);
      this.lastOrderDays = days;
      const purchased = new Uint8Array(b * 2);
      purchased.set(this.purchased);
      this.purchased = purchased;
      const touchedIn = new Int32Array(b * 2);
      touchedIn.set(this.touchedIn);
      this.touchedIn = touchedIn;
    }
    this.ids.push(id);
    this.lastOrderIds.push('');
    this.index.set(id, b);
    return b;
  }

  /**
   * Takes the unquoted line `text.slice(start, end)` (not empty, no line end). Returns false when the
   * sequential fast path would decline it (the worker then stops). Lines of one text come in order, and
   * `settle()` is called before another text.
   */
  line(text: string, start: number, end: number): boolean {
    if (end - start > this.maxField) return false;
    return this.fields.scanCode(text, start, end, this.delimiter) && this.row(text);
  }

  /**
   * Takes the lines of an ASCII piece of the file, `bytes` (the same characters as `text`, at the same
   * indexes), as `line` would take them one by one, finding the line ends and the fields in one pass over the
   * bytes. Returns the number of lines (empty ones included), or -1 at a line the fast path would decline.
   * All lines end with '\n' except the last one when `final`.
   */
  asciiLines(bytes: Uint8Array, text: string, final: boolean): number {
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
        if (!this.row(text)) return -1;
      }
      lines++;
      start = i + 1;
    }
    return lines;
  }

  /** The fields of a line are in `fields.starts` and `fields.ends`: the same steps as the fast path of load.ts. */
  private row(text: string): boolean {
    const f = this.fields;
    const starts = f.starts;
    const ends = f.ends;
    const cols = this.columns;
    let b: number;
    const is = starts[cols.customerId];
    const ie = ends[cols.customerId];
    const lastId = this.lastId;
    if (ie - is === lastId.length && lastId !== '' && sameText(text, is, lastId)) b = this.lastCustomer;
    else {
      const id = own(f.requiredText(cols.customerId));
      if (id === '') return false;
      const known = this.index.get(id);
      b = known === undefined ? this.addCustomer(id) : known;
      this.lastId = id;
      this.lastCustomer = b;
    }
    const day = f.date(cols.date);
    if (day !== day || (day | 0) !== day || day > this.latest) return false;
    const amount = f.amount(cols.amount);
    if (amount !== amount) return false;
    let margin = 0;
    let flags = 0;
    if (cols.cost >= 0 && !f.empty(cols.cost)) {
      const cost = f.amount(cols.cost);
      if (cost !== cost) return false;
      margin = amount - cost;
      flags = ROW_MARGIN;
    } else if (cols.margin >= 0 && !f.empty(cols.margin)) {
      margin = f.amount(cols.margin);
      if (margin !== margin) return false;
      flags = ROW_MARGIN;
    }
    if (day > this.asOf) flags |= ROW_AFTER;
    else if (amount >= 0) flags |= this.order(b, day, text);
    else flags |= ORDER_RETURN;
    if (this.next === this.segment.rows) this.newSegment();
    const r = this.next;
    const seg = this.segment;
    seg.customer[r] = b;
    seg.day[r] = day;
    seg.amount[r] = amount;
    if (this.withMargin) seg.margin[r] = margin;
    seg.flags[r] = flags;
    this.next = r + 1;
    return true;
  }

  /** Notes that customer `b`'s last order changes in this chunk. */
  private touch(b: number): void {
    if (this.touchedIn[b] !== this.chunkNumber) {
      this.touchedIn[b] = this.chunkNumber;
      this.touched.push(b);
    }
  }

  /**
   * SalesAccumulator.addLine's order logic for a purchase row of customer `b`, on the range's own state;
   * the customer's first purchase row with an order id is left to the main thread (ORDER_FIRST), which knows
   * whether it continues the last order before the range.
   */
  private order(b: number, day: number, text: string): number {
    const first = this.purchased[b] === 0;
    this.purchased[b] = 1;
    const column = this.columns.orderId;
    const f = this.fields;
    const os = column < 0 ? 0 : f.starts[column];
    const oe = column < 0 ? 0 : f.ends[column];
    if (os === oe) {
      if (this.pending === b) this.pending = -1;
      this.lastOrderIds[b] = '';
      this.touch(b);
      return ORDER_NONE;
    }
    if (solid(text.charCodeAt(os)) && solid(text.charCodeAt(oe - 1))) {
      // The order id in place: compared with the pending one or the copied one.
      let same: boolean;
      if (this.pending === b) {
        const ps = this.pendingStart;
        same = this.pendingEnd - ps === oe - os && this.lastOrderDays[b] === day;
        for (let i = 0; same && i < oe - os; i++) same = text.charCodeAt(ps + i) === text.charCodeAt(os + i);
      } else {
        const last = this.lastOrderIds[b];
        same = last !== '' && last.length === oe - os && this.lastOrderDays[b] === day && sameText(text, os, last);
      }
      if (same) return ORDER_SAME;
      this.lastOrderDays[b] = day;
      this.touch(b);
      if (first) {
        const id = own(text.slice(os, oe));
        this.lastOrderIds[b] = id;
        this.firstOrders.push(id);
        return ORDER_FIRST;
      }
      if (this.pending !== b) this.settle();
      this.pending = b;
      this.pendingText = text;
      this.pendingStart = os;
      this.pendingEnd = oe;
      return ORDER_NEW;
    }
    // An order id with spaces around it: as a trimmed string.
    if (this.pending === b) this.settle();
    const orderId = own(text.slice(os, oe).trim());
    this.touch(b);
    if (orderId === '') {
      this.lastOrderIds[b] = '';
      return ORDER_NONE;
    }
    const last = this.lastOrderIds[b];
    if (last !== '' && last === orderId && this.lastOrderDays[b] === day) return ORDER_SAME;
    this.lastOrderIds[b] = orderId;
    this.lastOrderDays[b] = day;
    if (first) {
      this.firstOrders.push(orderId);
      return ORDER_FIRST;
    }
    return ORDER_NEW;
  }
}

/**
 * Reads `job.path` from `job.start` to `job.end` into `log`, line by line as FastCsvReader splits them (on
 * '\n', without a '\r' before it; empty lines skipped), and posts one chunk per read. Lines are cut from the
 * bytes, so that a piece of text always ends at a line end: pure ASCII pieces are taken as Latin-1 (the same
 * characters, without the cost of UTF-8 decoding), others are decoded as UTF-8 when they are valid UTF-8 (the
 * characters are then those of the sequential decoder, whatever its chunks) and left to the sequential reader
 * otherwise. Returns the number of lines of the
 * range, or why the worker stopped (the rows of the piece being read are then not posted).
 */
export async function readRange(
  job: RangeJob,
  log: RangeLog,
  progress: (bytes: number) => void,
  released: () => Promise<void> = async () => {},
): Promise<number | string> {
  let line = 0;
  /** Takes the lines of the bytes `piece`, each ending with '\n' (and the last one without, when `final`). */
  const take = (piece: Buffer, final: boolean): string | null => {
    if (piece.indexOf(0x22) >= 0) return 'a quote';
    if (isAscii(piece)) {
      const taken = log.asciiLines(piece, piece.toString('latin1'), final);
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
      if (end > start && !log.line(text, start, end)) return 'a line that is not a plain row';
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
