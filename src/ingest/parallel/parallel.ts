/**
 * The parallel ingest of the sales and payments files (docs/performance.md): a large plain file is split at
 * newlines into byte ranges. The main thread reads the first range with the sequential code (readTable with
 * the usual convert, consume and fast path), while worker threads (worker.ts, range.ts) turn the lines of the
 * other ranges into logs of parsed rows: for the sales (sales-range.ts) interned customer, day, amount, margin,
 * and how the row's order relates to the customer's earlier rows of its range; for the payments
 * (payments-range.ts) the fields of a ledger row, with the invoice ids as bytes. Once its range is read, the
 * main thread adds the logged rows in file order as they come: the sales to its accumulator with the
 * arithmetic of the sequential fold, row by row, so floating-point sums are added in the same order and the
 * result (customer order, day entries and amounts, transactions across a split, margins, row accounts,
 * unknown customers) is the sequential one exactly; the payments to the ledger, each row as the sequential
 * fast path adds it (same customers in the same order, same fields, file lines).
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
import { paymentColumns } from '../payment-line.js';
import { DEFAULT_MAX_FIELD } from '../records.js';
import {
  PAYMENT_ROW,
  ROW_AFTER,
  ROW_MARGIN,
  ROW_ORDER,
  rowBytes,
  SALES_ROW,
  segmentOf,
  type HeaderColumns,
  type LogChunk,
  type PaymentChunk,
  type RangeColumns,
  type RangeJob,
  type RangeKind,
  type RangeMessage,
  type RangeOrder,
  type RowLayout,
  type SalesChunk,
  type Segment,
} from './protocol.js';
import { latestDay, readTable, type FastRows, type FieldReader, type IngestOptions, type ResolvedColumns, type RowAccount, type TableIo } from '../table.js';

/**
 * Settings of the parallel ingest of the sales and payments files; undefined fields take the defaults (library
 * code reads no environment).
 */
export interface ParallelSettings {
  /** Threads for each of the two inputs (1 = sequential). Default min(cores, 2); the CLI takes CRM_THREADS. */
  threads?: number;
  /**
   * The compiled worker module (worker.js). Default: the one beside this module in dist/; code that runs
   * this module from its TypeScript source (the tests) gives a compiled copy.
   */
  workerUrl?: URL;
  /** Smallest file read in parallel. Default 32 MiB; the CLI takes CRM_PARALLEL_MIN_BYTES. */
  minBytes?: number;
  /**
   * Share of the file read by the main thread, which also adds the rows of the other ranges (and reads its
   * range with the general code, slower than the workers' reader). Default 0.6 / threads: 0.3 with two
   * threads, about where both threads finish together on the benchmark files (docs/performance.md). The
   * payments' default is 0.76 / threads (0.38 with two threads), the main thread adding a payment row faster.
   */
  firstShare?: number;
  /**
   * Bytes a worker reads at a time, and so the bytes of one log chunk. Default 960 KiB: below the size from
   * which Node makes external strings, whose memory the allocator keeps after they are freed (peak RSS of the
   * 1M-customer summary 830 -> 730 MB).
   */
  readBytes?: number;
  /** Rows of a worker's log segment (default 2 Mi rows: 50 MiB of sales rows, 80 MiB of payment rows). */
  segmentRows?: number;
  /**
   * Rows a worker may log ahead of the main thread (rounded up to segments) before it waits: bounds the memory
   * of the logs to about this plus one segment (default 4 Mi rows: 100 MiB, and 50 MiB, per worker).
   */
  aheadRows?: number;
  /** Where to split, as byte offsets (each moved to just after the next newline); for tests. */
  at?: number[];
}

/** How the sales or payments file was read. */
export interface IngestInfo {
  /** The number of byte ranges read at once (1 = sequentially). */
  ranges: number;
  /** Why (the rest of) the file was read sequentially; undefined when the ranges were read to their ends. */
  sequential?: string;
  /** The byte from which the file was read sequentially (when `sequential`). */
  sequentialFrom?: number;
}

/** How the sales file was read. */
export type SalesIngestInfo = IngestInfo;

const DEFAULT_MIN_BYTES = 32 * 1024 * 1024;
const MAX_THREADS = 16;

/** The number of threads for the parallel ingest of one file. */
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
export async function planRanges(path: string, options: IngestOptions, settings: ParallelSettings = {}, firstShare = 0.6): Promise<RangePlan | string> {
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
  const first = settings.firstShare ?? firstShare / threads;
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
  return new URL('./worker.js', import.meta.url);
}

/** One range read by a worker: its log chunks as they come, and its customers. */
class Range<L extends RowLayout, C extends LogChunk> {
  readonly worker: Worker;
  private readonly queue: (C | undefined)[] = [];
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
  /** The main thread's index of each customer of the range; -1 = not added yet. */
  index = new Int32Array(1024).fill(-1);
  /** The log segments not yet added, by number. */
  readonly segments = new Map<number, Segment<L>>();
  /** The end of the chunks added so far: the first byte and line (within the range) still to add. */
  resumeByte: number;
  resumeLine = 0;
  private readonly rowBytes: number;
  private wake: (() => void) | null = null;

  constructor(
    job: RangeJob,
    private readonly layout: L,
    private readonly known: Map<string, unknown> | undefined,
    private readonly refuseUnknown: boolean,
    private readonly onProgress: () => void,
    workerUrl: URL,
  ) {
    this.resumeByte = job.start;
    this.rowBytes = rowBytes(layout);
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
  next(): C | undefined {
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
        const buffer = m.chunk.buffer;
        if (buffer) this.segments.set(m.chunk.segment, segmentOf(this.layout, buffer, buffer.byteLength / this.rowBytes));
        if (this.ids.length > this.index.length) {
          const index = new Int32Array(Math.max(this.ids.length, this.index.length * 2)).fill(-1);
          index.set(this.index);
          this.index = index;
        }
        this.queue.push(m.chunk as C);
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

  configure(columns: HeaderColumns | null): void {
    this.worker.postMessage(columns satisfies RangeOrder);
  }

  /** The segment of `chunk`, after releasing the segments before it (done with). */
  segmentOf(chunk: C): Segment<L> {
    for (const n of this.segments.keys()) if (n < chunk.segment) this.release(n);
    return this.segments.get(chunk.segment)!;
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

/** What loadInputs gives to readTable for one input, and what the replay of the logged rows needs. */
export interface InputParts<T> {
  convert: (reader: FieldReader, columns: ResolvedColumns) => T;
  consume: (row: T, line: number) => string | void;
  fast: FastRows;
  /** Attributes by customer id when a customers file is read. */
  known?: Map<string, unknown>;
  unknown: 'keep' | 'drop' | 'error';
  /** The unknown-customer tracker's note. */
  note: (id: string) => void;
}

/** The sales part of loadInputs. */
export interface SalesParts<T> extends InputParts<T> {
  sales: SalesAccumulator;
}

/** What the replay needs of the ledger (payments/ledger.ts's PaymentLedger, a layer above). */
export interface LedgerRows {
  intern(customerId: string): number;
  addRow(
    c: number,
    idSource: Uint8Array,
    idStart: number,
    idEnd: number,
    wideId: string | undefined,
    invoiceDate: number,
    dueDate: number,
    amount: number,
    paidDate: number,
    paidAmount: number,
    file: string,
    line: number,
  ): void;
}

/** The payments part of loadInputs. */
export interface PaymentParts<T> extends InputParts<T> {
  payments: LedgerRows;
  /** The file name of the rows (inputName). */
  file: string;
  /** Rows after this day are errors (latestDay); undefined = none. */
  latest?: number;
}

/** What differs between the inputs read in parallel. */
interface KindReader<L extends RowLayout, C extends LogChunk> {
  kind: RangeKind;
  layout: L;
  /** The sales' as-of day (rows after it are excluded) and the latest day allowed. */
  asOf: number | null;
  latest: number | null;
  /** The resolved header as the worker needs it. */
  columns: (columns: ResolvedColumns, delimiter: string) => HeaderColumns;
  /** Whether the replay needs the file lines of the rows (then the lines of the first range are counted). */
  lines: boolean;
  /** Adds the rows of one chunk of `range`, whose line 0 is line `firstLine` of the file, in order. */
  replay: (range: Range<L, C>, chunk: C, account: RowAccount, firstLine: number) => void;
}

/** The number of quote characters in `bytes`. */
function countQuotes(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x22); i >= 0; i = bytes.indexOf(0x22, i + 1)) n++;
  return n;
}

/** The number of line ends in `bytes`. */
function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * Reads a sales or payments file as planned: the first range with readTable and the given functions, the
 * others by workers, whose rows are added as they come once the first range is read. When a range stops
 * early, the rest of the file is read sequentially by the same readTable from the first byte not added, after
 * as many empty lines as were added (so that line numbers in messages are those of the file). Same result as
 * readTable with the same functions on the whole file.
 */
async function readParallel<T, L extends RowLayout, C extends LogChunk>(
  path: string,
  options: IngestOptions,
  io: TableIo,
  plan: RangePlan,
  parts: InputParts<T>,
  reader: KindReader<L, C>,
  settings: ParallelSettings,
): Promise<{ account: RowAccount; info: IngestInfo }> {
  const { size, splits } = plan;
  const file = inputName(path);
  const account: RowAccount = { file, kind: reader.kind, read: 0, used: 0, rejected: 0, rejectedByReason: {}, excluded: {} };
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
  const segmentRows = settings.segmentRows ?? 1 << 21;
  const ranges = splits.map(
    (start, k) =>
      new Range<L, C>(
        {
          kind: reader.kind,
          path,
          start,
          end: k + 1 < splits.length ? splits[k + 1] : size,
          dateFormat: options.dateFormat,
          decimal: options.decimal,
          asOf: reader.asOf,
          latest: reader.latest,
          maxField: options.maxField ?? DEFAULT_MAX_FIELD,
          readBytes: settings.readBytes ?? 960 * 1024,
          segmentRows,
          maxSegments: Math.max(1, Math.ceil((settings.aheadRows ?? 1 << 22) / segmentRows)),
        },
        reader.layout,
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
      const message = reader.columns(columns, delimiter);
      for (const r of ranges) r.configure(message);
    }
    return parts.fast(columns, delimiter);
  };
  // The first range; then the rows of the other ranges, or the rest of the file from where they stop.
  async function* bytes(): AsyncIterable<Buffer> {
    // Quotes are counted until the first worker stops at its first piece (then the count does not matter).
    let quotes = 0;
    /** The line ends before the range being added. */
    let lineEnds = 0;
    for await (const chunk of openRange(path, 0, splits[0])) {
      if (quotes >= 0) quotes = ranges[0].state === 'declined' && ranges[0].received === 0 ? -1 : quotes + countQuotes(chunk);
      if (reader.lines) lineEnds += countLines(chunk);
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
          if (chunk) {
            reader.replay(r, chunk, account, lineEnds + 1);
            r.resumeByte = chunk.endByte;
            r.resumeLine = chunk.endLine;
          } else if (r.state === 'running') await r.wait();
          else break;
        }
        if (r.state === 'declined') {
          sequential = r.reason;
          resume = r.resumeByte;
          lines += r.resumeLine;
          break;
        }
        lines += r.lines;
        lineEnds += r.lines;
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
    await readTable(path, reader.kind, options, tableIo, parts.convert, parts.consume, fast);
  } finally {
    for (const r of ranges) {
      if (!configured) r.configure(null);
      r.stop();
    }
  }
  return { account, info: { ranges: ranges.length + 1, sequential, sequentialFrom } };
}

/**
 * Whether the row of customer `b` of a range is an unknown customer's not kept: the sequential check (the
 * tracker notes the customer; a row not kept is counted as excluded).
 */
function unknownExcluded(range: Range<RowLayout, LogChunk>, b: number, parts: Pick<InputParts<unknown>, 'known' | 'unknown' | 'note'>, account: RowAccount): boolean {
  if (parts.known === undefined || range.unknown[b] !== 1) return false;
  parts.note(range.ids[b]);
  if (parts.unknown === 'keep') return false;
  account.excluded['unknown customer'] = (account.excluded['unknown customer'] ?? 0) + 1;
  return true;
}

/** Reads the sales file as planned (see readParallel): the same result as readTable with the parts' functions. */
export function readSalesParallel<T>(
  path: string,
  options: IngestOptions,
  io: TableIo,
  plan: RangePlan,
  parts: SalesParts<T>,
  settings: ParallelSettings = {},
): Promise<{ account: RowAccount; info: IngestInfo }> {
  const sales = parts.sales;
  const reader: KindReader<typeof SALES_ROW, SalesChunk> = {
    kind: 'sales',
    layout: SALES_ROW,
    asOf: sales.window.asOf ?? null,
    latest: latestDay(options, sales.window.asOf) ?? null,
    lines: false,
    columns: (columns, delimiter): RangeColumns => {
      const ix = columns.index;
      return {
        count: columns.headers.length,
        delimiter,
        customerId: ix.customer_id,
        date: ix.date,
        amount: ix.amount,
        cost: ix.cost,
        margin: ix.margin,
        orderId: ix.order_id,
      };
    },
    // Adds the rows of one log chunk, in order, as the sequential fast path adds them.
    replay: (range, chunk, account) => {
      const { customer, day, amount, margin, flags } = range.segmentOf(chunk);
      const firstOrders = chunk.firstOrders;
      let first = 0;
      let used = 0;
      for (let i = chunk.from; i < chunk.from + chunk.rows; i++) {
        const f = flags[i];
        const order = f & ROW_ORDER;
        const firstOrder = order === ORDER_FIRST ? firstOrders[first++] : '';
        const b = customer[i];
        if (unknownExcluded(range, b, parts, account)) continue;
        if (f & ROW_AFTER) {
          account.excluded['after as-of'] = (account.excluded['after as-of'] ?? 0) + 1;
          continue;
        }
        let c = range.index[b];
        if (c < 0) c = range.index[b] = sales.intern(range.ids[b]);
        sales.addRelated(c, day[i], amount[i], margin[i], (f & ROW_MARGIN) !== 0, order, firstOrder);
        used++;
      }
      account.read += chunk.rows;
      account.used += used;
      const { updated, lastOrderIds, lastOrderDays } = chunk;
      for (let i = 0; i < updated.length; i++) {
        const c = range.index[updated[i]];
        if (c >= 0) sales.setLastOrder(c, lastOrderIds[i], lastOrderDays[i]);
      }
    },
  };
  return readParallel(path, options, io, plan, parts, reader, settings);
}

/** The payments' default share of the first range (over the threads): see ParallelSettings.firstShare. */
export const PAYMENTS_FIRST_SHARE = 0.76;

/** Reads the payments file as planned (see readParallel): the same ledger and account as readTable with the parts' functions. */
export function readPaymentsParallel<T>(
  path: string,
  options: IngestOptions,
  io: TableIo,
  plan: RangePlan,
  parts: PaymentParts<T>,
  settings: ParallelSettings = {},
): Promise<{ account: RowAccount; info: IngestInfo }> {
  const ledger = parts.payments;
  const file = parts.file;
  const reader: KindReader<typeof PAYMENT_ROW, PaymentChunk> = {
    kind: 'payments',
    layout: PAYMENT_ROW,
    asOf: null,
    latest: parts.latest ?? null,
    lines: true,
    columns: paymentColumns,
    // Adds the rows of one log chunk to the ledger, in order, as the sequential fast path adds them.
    replay: (range, chunk, account, firstLine) => {
      const { customer, invoiceDate, dueDate, amount, paidDate, paidAmount, line, idEnd } = range.segmentOf(chunk);
      const { idBytes, wideRows, wideIds } = chunk;
      let wide = 0;
      let idStart = 0;
      let used = 0;
      for (let i = chunk.from, k = 0; k < chunk.rows; i++, k++) {
        const wideId = wide < wideRows.length && wideRows[wide] === k ? wideIds[wide++] : undefined;
        const b = customer[i];
        if (!unknownExcluded(range, b, parts, account)) {
          let c = range.index[b];
          if (c < 0) c = range.index[b] = ledger.intern(range.ids[b]);
          ledger.addRow(c, idBytes, idStart, idEnd[i], wideId, invoiceDate[i], dueDate[i], amount[i], paidDate[i], paidAmount[i], file, firstLine + line[i]);
          used++;
        }
        idStart = idEnd[i];
      }
      account.read += chunk.rows;
      account.used += used;
    },
  };
  return readParallel(path, options, io, plan, parts, reader, settings);
}
