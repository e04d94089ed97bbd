/**
 * The parallel sales ingest (docs/performance.md): a large plain sales file is split at newlines into byte
 * ranges. The main thread reads the first range with the sequential code (readTable with the usual convert,
 * consume and fast path), while worker threads (sales-worker.ts, sales-range.ts) turn the lines of the other
 * ranges into logs of parsed rows: interned customer, day, amount, margin, and how the row's order relates to
 * the customer's earlier rows of its range. Once its range is read, the main thread adds the logged rows to
 * its accumulator in file order as they come, with the arithmetic of the sequential fold, row by row, so
 * floating-point sums are added in the same order and the result (customer order, day entries and amounts,
 * transactions across a split, margins, row accounts, unknown customers) is the sequential one exactly.
 *
 * A worker stops at the first piece of its range it cannot read with certainty (a quote, a line the
 * sequential fast path would not take: bad values, odd formats), a chunk with a customer missing from the
 * customers file under `--unknown error` is refused, and a split inside a quoted field (an odd number of
 * quotes before it) uses nothing of the workers. In every case the main thread goes on reading the file with
 * the same sequential readTable from the first byte whose rows were not added, after as many empty lines as
 * were added: the rows, errors (file:line:column) and accounts are then those of the sequential path.
 */
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ORDER_FIRST, type SalesAccumulator } from '../../accumulate/sales.js';
import { inputName, notCsv, openRange } from '../source.js';
import { DEFAULT_MAX_FIELD } from '../records.js';
import { ROW_AFTER, ROW_MARGIN, ROW_ORDER, segmentOf, type LogChunk, type LogSegment, type RangeColumns, type RangeJob, type RangeMessage, type RangeOrder } from './protocol.js';
import { latestDay, readTable, type FastRows, type FieldReader, type IngestOptions, type ResolvedColumns, type RowAccount, type TableIo } from '../table.js';

/** Settings of the parallel ingest; undefined fields take the defaults (library code reads no environment). */
export interface ParallelSettings {
  /** Threads for the sales ingest (1 = sequential). Default min(cores, 2); the CLI takes CRM_THREADS. */
  threads?: number;
  /**
   * The compiled worker module (sales-worker.js). Default: the one beside this module in dist/; code that runs
   * this module from its TypeScript source (the tests) gives a compiled copy.
   */
  workerUrl?: URL;
  /** Smallest file read in parallel. Default 32 MiB; the CLI takes CRM_PARALLEL_MIN_BYTES. */
  minBytes?: number;
  /**
   * Share of the file read by the main thread, which also adds the rows of the other ranges (and reads its
   * range with the general code, slower than the workers' reader). Default 0.6 / threads: 0.3 with two
   * threads, about where both threads finish together on the benchmark files (docs/performance.md).
   */
  firstShare?: number;
  /**
   * Bytes a worker reads at a time, and so the bytes of one log chunk. Default 960 KiB: below the size from
   * which Node makes external strings, whose memory the allocator keeps after they are freed (peak RSS of the
   * 1M-customer summary 830 -> 730 MB).
   */
  readBytes?: number;
  /** Rows of a worker's log segment (default 2 Mi rows, 50 MiB). */
  segmentRows?: number;
  /**
   * Rows a worker may log ahead of the main thread (rounded up to segments) before it waits: bounds the memory
   * of the logs to about this plus one segment (default 4 Mi rows: 100 MiB, and 50 MiB, per worker).
   */
  aheadRows?: number;
  /** Where to split, as byte offsets (each moved to just after the next newline); for tests. */
  at?: number[];
}

/** How the sales file was read. */
export interface SalesIngestInfo {
  /** The number of byte ranges read at once (1 = sequentially). */
  ranges: number;
  /** Why (the rest of) the file was read sequentially; undefined when the ranges were read to their ends. */
  sequential?: string;
  /** The byte from which the file was read sequentially (when `sequential`). */
  sequentialFrom?: number;
}

const DEFAULT_MIN_BYTES = 32 * 1024 * 1024;
const MAX_THREADS = 16;

/** The number of threads for the sales ingest. */
export function salesThreads(settings: ParallelSettings = {}): number {
  const n = settings.threads ?? Math.min(availableParallelism(), 2);
  return Math.max(1, Math.min(MAX_THREADS, n));
}

/** Where the file is split: `splits[k]` is the first byte of range k + 1. */
export interface RangePlan {
  size: number;
  splits: number[];
}

/**
 * Decides whether `path` is read in parallel and where it is split (just after a newline). Returns the plan,
 * or why the file is read sequentially.
 */
export async function planRanges(path: string, options: IngestOptions, settings: ParallelSettings = {}): Promise<RangePlan | string> {
  const threads = salesThreads(settings);
  if (threads < 2) return 'one thread';
  if (path === '-' || path.endsWith('.gz')) return 'not a plain file';
  const utf8 = options.encoding === undefined || options.encoding === 'utf8';
  if (!options.header || options.skipInvalid || (options.parser ?? 'fast') !== 'fast' || options.delimiter === 'whitespace' || !utf8) {
    return 'ingest options';
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return 'not a plain file';
    size = info.size;
  } catch {
    return 'cannot stat the file';
  }
  if (size < (settings.minBytes ?? DEFAULT_MIN_BYTES)) return 'small file';
  const first = settings.firstShare ?? 0.6 / threads;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    if ((head[0] === 0x1f && head[1] === 0x8b) || notCsv(head)) return 'not a plain file';
    // UTF-16 (by its byte-order mark, as the sequential reader decides): the workers read UTF-8 only.
    if (options.encoding === undefined && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return 'UTF-16';
    const splits: number[] = [];
    const block = Buffer.alloc(1 << 16);
    const points = settings.at ?? Array.from({ length: threads - 1 }, (_, k) => Math.floor(size * (first + ((1 - first) * k) / (threads - 1))));
    for (let at of points) {
      // The first byte after the next newline at or after `at`.
      let split = -1;
      while (at < size && split < 0) {
        const { bytesRead } = await handle.read(block, 0, block.length, at);
        if (bytesRead <= 0) break;
        const nl = block.subarray(0, bytesRead).indexOf(0x0a);
        if (nl >= 0) split = at + nl + 1;
        else at += bytesRead;
      }
      if (split < 0 || split >= size) break;
      if (splits.length === 0 || split > splits[splits.length - 1]) splits.push(split);
    }
    return splits.length === 0 ? 'no line end to split at' : { size, splits };
  } finally {
    await handle.close();
  }
}

/** The compiled worker module beside this one (in dist/). */
function defaultWorkerUrl(): URL {
  return new URL('./sales-worker.js', import.meta.url);
}

/** One range read by a worker: its log chunks as they come, and its customers. */
class Range {
  readonly worker: Worker;
  private readonly queue: (LogChunk | undefined)[] = [];
  private head = 0;
  state: 'running' | 'done' | 'declined' = 'running';
  reason = '';
  /** Lines of the range (when done). */
  lines = 0;
  /** Chunks received. */
  received = 0;
  /** Bytes read by the worker so far. */
  bytes = 0;
  /** Customers of the range, in order of first sight; whether each is missing from the customers file. */
  readonly ids: string[] = [];
  readonly unknown: number[] = [];
  /** The accumulator's index of each customer of the range; -1 = not added yet. */
  index = new Int32Array(1024).fill(-1);
  /** The log segments not yet added, by number. */
  readonly segments = new Map<number, LogSegment>();
  /** The end of the chunks added so far: the first byte and line (within the range) still to add. */
  resumeByte: number;
  resumeLine = 0;
  private wake: (() => void) | null = null;

  constructor(
    job: RangeJob,
    private readonly known: Map<string, unknown> | undefined,
    private readonly refuseUnknown: boolean,
    private readonly onProgress: () => void,
    workerUrl: URL,
  ) {
    this.resumeByte = job.start;
    this.worker = new Worker(workerUrl, { workerData: job });
    this.worker.on('message', (m: RangeMessage) => this.receive(m));
    this.worker.on('error', (err) => this.end('declined', `error in the worker: ${err.message}`));
    this.worker.on('exit', () => this.end('declined', 'the worker stopped'));
  }

  private end(state: 'done' | 'declined', reason: string): void {
    if (this.state !== 'running') return;
    this.state = state;
    this.reason = reason;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Resolves when something comes from the worker. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** The next chunk to add, if one has come. */
  next(): LogChunk | undefined {
    if (this.head === this.queue.length) return undefined;
    const chunk = this.queue[this.head];
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return chunk;
  }

  private receive(m: RangeMessage): void {
    if (this.state !== 'running') return;
    switch (m.type) {
      case 'chunk': {
        const first = this.ids.length;
        for (const id of m.chunk.newIds) {
          const unknown = this.known !== undefined && !this.known.has(id);
          if (unknown && this.refuseUnknown) {
            // Read sequentially from this chunk on: the sequential path stops at the row with the message.
            this.ids.length = first;
            this.unknown.length = first;
            void this.worker.terminate();
            this.end('declined', 'a customer not in the customers file');
            return;
          }
          this.ids.push(id);
          this.unknown.push(unknown ? 1 : 0);
        }
        if (m.chunk.buffer) this.segments.set(m.chunk.segment, segmentOf(m.chunk.buffer, m.chunk.buffer.byteLength / 25));
        if (this.ids.length > this.index.length) {
          const index = new Int32Array(Math.max(this.ids.length, this.index.length * 2)).fill(-1);
          index.set(this.index);
          this.index = index;
        }
        this.queue.push(m.chunk);
        this.received++;
        this.notify();
        break;
      }
      case 'progress':
        this.bytes = m.bytes;
        this.onProgress();
        break;
      case 'done':
        this.lines = m.lines;
        this.end('done', '');
        break;
      case 'declined':
        this.end('declined', m.reason);
        break;
    }
  }

  configure(columns: RangeColumns | null): void {
    this.worker.postMessage(columns satisfies RangeOrder);
  }

  /** The rows of segment `n` are added: the worker may fill it again. */
  release(n: number): void {
    this.segments.delete(n);
    if (this.state === 'running') this.worker.postMessage({ release: n } satisfies RangeOrder);
  }

  /** Ends the worker and drops the rows not added. */
  stop(): void {
    void this.worker.terminate();
    this.queue.length = 0;
    this.head = 0;
    this.segments.clear();
  }
}

/** What the sales part of loadInputs gives to readTable, and what the replay needs. */
export interface SalesParts<T> {
  convert: (reader: FieldReader, columns: ResolvedColumns) => T;
  consume: (row: T, line: number) => string | void;
  fast: FastRows;
  sales: SalesAccumulator;
  /** Attributes by customer id when a customers file is read. */
  known?: Map<string, unknown>;
  unknown: 'keep' | 'drop' | 'error';
  /** The unknown-customer tracker's note. */
  note: (id: string) => void;
}

/** The number of quote characters in `bytes`. */
function countQuotes(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x22); i >= 0; i = bytes.indexOf(0x22, i + 1)) n++;
  return n;
}

/**
 * Reads the sales file as planned: the first range with readTable and the given functions, the others by
 * workers, whose rows are added as they come once the first range is read. When a range stops early, the
 * rest of the file is read sequentially by the same readTable from the first byte not added, after as many
 * empty lines as were added (so that line numbers in messages are those of the file). Same result as
 * readTable with the same functions on the whole file.
 */
export async function readSalesParallel<T>(
  path: string,
  options: IngestOptions,
  io: TableIo,
  plan: RangePlan,
  parts: SalesParts<T>,
  settings: ParallelSettings = {},
): Promise<{ account: RowAccount; info: SalesIngestInfo }> {
  const { size, splits } = plan;
  const file = inputName(path);
  const account: RowAccount = { file, kind: 'sales', read: 0, used: 0, rejected: 0, rejectedByReason: {}, excluded: {} };
  const progress = io.progress;
  /** Bytes given to readTable, and what to add to them for the position in the file once reading on. */
  let given = 0;
  let shift = 0;
  let continued = false;
  let sequential: string | undefined;
  let sequentialFrom: number | undefined;
  const report = (): void => {
    if (!progress || continued) return;
    let bytes = given;
    for (const r of ranges) bytes += r.bytes;
    progress(file, Math.min(bytes, size), size, false);
  };
  const ranges = splits.map(
    (start, k) =>
      new Range(
        {
          path,
          start,
          end: k + 1 < splits.length ? splits[k + 1] : size,
          dateFormat: options.dateFormat,
          decimal: options.decimal,
          asOf: parts.sales.window.asOf ?? null,
          latest: latestDay(options, parts.sales.window.asOf) ?? null,
          maxField: options.maxField ?? DEFAULT_MAX_FIELD,
          readBytes: settings.readBytes ?? 960 * 1024,
          segmentRows: settings.segmentRows ?? 1 << 21,
          maxSegments: Math.max(1, Math.ceil((settings.aheadRows ?? 1 << 22) / (settings.segmentRows ?? 1 << 21))),
        },
        parts.known,
        parts.unknown === 'error',
        report,
        settings.workerUrl ?? defaultWorkerUrl(),
      ),
  );
  let configured = false;
  const fast: FastRows = (columns, delimiter) => {
    if (!configured && delimiter.length === 1) {
      configured = true;
      const ix = columns.index;
      const message: RangeColumns = {
        count: columns.headers.length,
        delimiter,
        customerId: ix.customer_id,
        date: ix.date,
        amount: ix.amount,
        cost: ix.cost,
        margin: ix.margin,
        orderId: ix.order_id,
      };
      for (const r of ranges) r.configure(message);
    }
    return parts.fast(columns, delimiter);
  };
  // The first range; then the rows of the other ranges, or the rest of the file from where they stop.
  async function* bytes(): AsyncIterable<Buffer> {
    // Quotes are counted until the first worker stops at its first piece (then the count does not matter).
    let quotes = 0;
    for await (const chunk of openRange(path, 0, splits[0])) {
      if (quotes >= 0) quotes = ranges[0].state === 'declined' && ranges[0].received === 0 ? -1 : quotes + countQuotes(chunk);
      yield chunk;
    }
    // Here every record of the first range has been taken. With an odd number of quotes before the split
    // (the first range being well formed, or it would have failed), the split is inside a quoted field.
    let resume = splits[0];
    let lines = 0;
    if (!configured) sequential = 'no plain row in the first range';
    else if (quotes < 0) sequential = ranges[0].reason;
    else if (quotes % 2 === 1) sequential = 'a quoted field across the split';
    else {
      for (const r of ranges) {
        for (;;) {
          const chunk = r.next();
          if (chunk) replay(r, chunk, account, parts);
          else if (r.state === 'running') await r.wait();
          else break;
        }
        if (r.state === 'declined') {
          sequential = r.reason;
          resume = r.resumeByte;
          lines += r.resumeLine;
          break;
        }
        lines += r.lines;
      }
    }
    if (sequential === undefined) return;
    continued = true;
    sequentialFrom = resume;
    for (const r of ranges) r.stop();
    shift = resume - given - lines;
    if (lines > 0) yield Buffer.alloc(lines, 0x0a);
    yield* openRange(path, resume, size);
  }
  const tableIo: TableIo = {
    ...io,
    chunks: bytes(),
    account,
    progress:
      progress &&
      ((name, read, total, done) => {
        if (continued) progress(name, read + shift, total, done);
        else if (done) progress(name, size, size, true);
        else {
          given = read;
          report();
        }
      }),
  };
  try {
    await readTable(path, 'sales', options, tableIo, parts.convert, parts.consume, fast);
  } finally {
    for (const r of ranges) {
      if (!configured) r.configure(null);
      r.stop();
    }
  }
  return { account, info: { ranges: ranges.length + 1, sequential, sequentialFrom } };
}

/** Adds the rows of one log chunk, in order, as the sequential fast path adds them. */
function replay<T>(range: Range, chunk: LogChunk, account: RowAccount, parts: SalesParts<T>): void {
  const sales = parts.sales;
  const { ids, unknown, index } = range;
  const known = parts.known !== undefined;
  const keep = parts.unknown === 'keep';
  // Segments before this chunk's are done with.
  for (const n of range.segments.keys()) if (n < chunk.segment) range.release(n);
  const { customer, day, amount, margin, flags } = range.segments.get(chunk.segment)!;
  const firstOrders = chunk.firstOrders;
  let first = 0;
  let used = 0;
  for (let i = chunk.from; i < chunk.from + chunk.rows; i++) {
    const b = customer[i];
    const f = flags[i];
    const order = f & ROW_ORDER;
    const firstOrder = order === ORDER_FIRST ? firstOrders[first++] : '';
    if (known && unknown[b] === 1) {
      parts.note(ids[b]);
      if (!keep) {
        account.excluded['unknown customer'] = (account.excluded['unknown customer'] ?? 0) + 1;
        continue;
      }
    }
    if (f & ROW_AFTER) {
      account.excluded['after as-of'] = (account.excluded['after as-of'] ?? 0) + 1;
      continue;
    }
    let c = index[b];
    if (c < 0) c = index[b] = sales.intern(ids[b]);
    sales.addRelated(c, day[i], amount[i], margin[i], (f & ROW_MARGIN) !== 0, order, firstOrder);
    used++;
  }
  account.read += chunk.rows;
  account.used += used;
  const { updated, lastOrderIds, lastOrderDays } = chunk;
  for (let i = 0; i < updated.length; i++) {
    const c = index[updated[i]];
    if (c >= 0) sales.setLastOrder(c, lastOrderIds[i], lastOrderDays[i]);
  }
  range.resumeByte = chunk.endByte;
  range.resumeLine = chunk.endLine;
}
