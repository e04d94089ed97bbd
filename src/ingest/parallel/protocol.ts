/**
 * The messages and shared log of the parallel ingest: what the main thread (parallel.ts) sends a worker
 * (worker.ts), what the worker's range reader (range.ts, with sales-range.ts or payments-range.ts) sends back,
 * and the layout of the log rows in shared memory.
 */
/** The inputs read in parallel byte ranges. */
export type RangeKind = 'sales' | 'payments';

/** What the worker is started with (workerData). */
export interface RangeJob {
  kind: RangeKind;
  path: string;
  start: number;
  end: number;
  dateFormat?: string;
  decimal: '.' | ',';
  /** Rows after this day are excluded by the accumulator (null = none; sales only). */
  asOf: number | null;
  /** Rows after this day are errors (a future date, see table.ts latestDay); null = none. */
  latest: number | null;
  /** Lines longer than this (in bytes or characters) are left to the sequential reader, which checks --max-field. */
  maxField: number;
  /** Bytes read at a time (one log chunk per read). */
  readBytes: number;
  /** Rows of a log segment. */
  segmentRows: number;
  /** Segments the worker may hold (posted and not yet released by the main thread) before it waits. */
  maxSegments: number;
}

/** The header as resolved by the main thread, sent once it is known: the field count, delimiter and columns. */
export interface HeaderColumns {
  /** Number of fields of the header. */
  count: number;
  delimiter: string;
  customerId: number;
}

/** The sales columns (-1 when absent). */
export interface RangeColumns extends HeaderColumns {
  date: number;
  amount: number;
  cost: number;
  margin: number;
  orderId: number;
}

/** The payments columns (-1 when absent). */
export interface PaymentColumns extends HeaderColumns {
  invoiceId: number;
  invoiceDate: number;
  dueDate: number;
  amount: number;
  paidDate: number;
  paidAmount: number;
}

/** Flags of a sales log row. */
export const ROW_MARGIN = 8;
export const ROW_AFTER = 16;
export const ROW_ORDER = 7;

/** The columns of a log row and their types; 8-byte columns first (so that every column is aligned). */
export type RowLayout = Record<string, 'f64' | 'i32' | 'u8'>;

/**
 * The rows of the log, column by column, in a segment: one SharedArrayBuffer of `rows` rows that the worker
 * fills and the main thread reads. Segments are large (always their own memory mapping), so that their memory
 * goes back to the system as soon as both threads are done with them, instead of staying in the allocator.
 */
export type Segment<L extends RowLayout> = { rows: number } & {
  [K in keyof L]: L[K] extends 'f64' ? Float64Array : L[K] extends 'i32' ? Int32Array : Uint8Array;
};

/**
 * A sales row: customer index within the range (in order of first sight), day, amount, margin (written only
 * when the sales have a cost or margin column), flags (ROW_ORDER bits: the ORDER_* relation, ORDER_RETURN for
 * excluded rows; ROW_MARGIN, ROW_AFTER).
 */
export const SALES_ROW = { amount: 'f64', margin: 'f64', customer: 'i32', day: 'i32', flags: 'u8' } as const;
export type LogSegment = Segment<typeof SALES_ROW>;

/**
 * A payment row: the fields of a ledger row (paid date NO_DATE when none), the customer index within the
 * range, the line within the range (0-based), and the end of the invoice id's bytes in the chunk's `idBytes`
 * (it starts where the previous row's ends, at 0 for a chunk's first row).
 */
export const PAYMENT_ROW = {
  amount: 'f64',
  paidAmount: 'f64',
  customer: 'i32',
  invoiceDate: 'i32',
  dueDate: 'i32',
  paidDate: 'i32',
  line: 'i32',
  idEnd: 'i32',
} as const;
export type PaymentSegment = Segment<typeof PAYMENT_ROW>;

const WIDTH = { f64: 8, i32: 4, u8: 1 } as const;

/** Bytes per row of a layout. */
export function rowBytes(layout: RowLayout): number {
  let n = 0;
  for (const type of Object.values(layout)) n += WIDTH[type];
  return n;
}

/** The columns of a segment buffer of `rows` rows. */
export function segmentOf<L extends RowLayout>(layout: L, buffer: SharedArrayBuffer, rows: number): Segment<L> {
  const segment: Record<string, unknown> = { rows };
  let at = 0;
  for (const [name, type] of Object.entries(layout)) {
    segment[name] = type === 'f64' ? new Float64Array(buffer, at, rows) : type === 'i32' ? new Int32Array(buffer, at, rows) : new Uint8Array(buffer, at, rows);
    at += WIDTH[type] * rows;
  }
  return segment as Segment<L>;
}

/**
 * A piece of the log: the rows of the lines `startLine` (0-based within the range) to `endLine` (exclusive),
 * which are the bytes `startByte` to `endByte` of the file; chunks follow each other without gaps. The rows
 * are rows `from` to `from + rows` of segment `segment` (numbered from 0; `buffer` comes with the first chunk
 * in it).
 */
export interface LogChunk {
  startByte: number;
  endByte: number;
  startLine: number;
  endLine: number;
  segment: number;
  buffer?: SharedArrayBuffer;
  from: number;
  rows: number;
  /** Ids of the customers first seen in this chunk, in order. */
  newIds: string[];
}

/** A chunk of sales rows. */
export interface SalesChunk extends LogChunk {
  /** Order ids of the ORDER_FIRST rows of this chunk, in order. */
  firstOrders: string[];
  /** The customers whose last order changed in this chunk, with their last order id ('' = none) and day. */
  updated: number[];
  lastOrderIds: string[];
  lastOrderDays: number[];
}

/** A chunk of payment rows. */
export interface PaymentChunk extends LogChunk {
  /** The invoice ids of the rows, as Latin-1 bytes one after the other (see PAYMENT_ROW's idEnd). */
  idBytes: Uint8Array;
  /**
   * The rows whose invoice id has a character beyond Latin-1 (and no bytes), in order, as row numbers within
   * the chunk (0 = its first row, the segment's row `from`), and their ids.
   */
  wideRows: number[];
  wideIds: string[];
}

/** Messages to the worker: the resolved header (once; null = stop), then released segments. */
export type RangeOrder = HeaderColumns | null | { release: number };

/** Messages from the worker. */
export type RangeMessage =
  | { type: 'chunk'; chunk: LogChunk }
  | { type: 'progress'; bytes: number }
  | { type: 'done'; lines: number }
  | { type: 'declined'; reason: string };
