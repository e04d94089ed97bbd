/**
 * The messages and shared log of the parallel sales ingest: what the main thread (parallel.ts) sends a worker
 * (sales-worker.ts), what the worker's range reader (sales-range.ts) sends back, and the layout of the log
 * rows in shared memory.
 */
/** What the worker is started with (workerData). */
export interface RangeJob {
  path: string;
  start: number;
  end: number;
  dateFormat?: string;
  decimal: '.' | ',';
  /** Rows after this day are excluded by the accumulator (null = none). */
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

/** The header as resolved by the main thread, sent once it is known. */
export interface RangeColumns {
  /** Number of fields of the header. */
  count: number;
  delimiter: string;
  customerId: number;
  date: number;
  amount: number;
  /** -1 when absent. */
  cost: number;
  margin: number;
  orderId: number;
}

/** Flags of a log row. */
export const ROW_MARGIN = 8;
export const ROW_AFTER = 16;
export const ROW_ORDER = 7;

/**
 * The rows of the log, column by column, in a segment: one SharedArrayBuffer of `rows` rows that the worker
 * fills and the main thread reads. Segments are large (always their own memory mapping), so that their memory
 * goes back to the system as soon as both threads are done with them, instead of staying in the allocator.
 */
export interface LogSegment {
  rows: number;
  /** Customer index within the range (in order of first sight). */
  customer: Int32Array;
  day: Int32Array;
  amount: Float64Array;
  /** Written only when the sales have a cost or margin column. */
  margin: Float64Array;
  /** ROW_ORDER bits: the ORDER_* relation (ORDER_RETURN for excluded rows); ROW_MARGIN, ROW_AFTER. */
  flags: Uint8Array;
}

/** Bytes per row of a segment. */
export const ROW_BYTES = 25;

/** The columns of a segment buffer of `rows` rows. */
export function segmentOf(buffer: SharedArrayBuffer, rows: number): LogSegment {
  return {
    rows,
    amount: new Float64Array(buffer, 0, rows),
    margin: new Float64Array(buffer, 8 * rows, rows),
    customer: new Int32Array(buffer, 16 * rows, rows),
    day: new Int32Array(buffer, 20 * rows, rows),
    flags: new Uint8Array(buffer, 24 * rows, rows),
  };
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
  /** Order ids of the ORDER_FIRST rows of this chunk, in order. */
  firstOrders: string[];
  /** The customers whose last order changed in this chunk, with their last order id ('' = none) and day. */
  updated: number[];
  lastOrderIds: string[];
  lastOrderDays: number[];
}

/** Messages to the worker: the resolved header (once; null = stop), then released segments. */
export type RangeOrder = RangeColumns | null | { release: number };

/** Messages from the worker. */
export type RangeMessage =
  | { type: 'chunk'; chunk: LogChunk }
  | { type: 'progress'; bytes: number }
  | { type: 'done'; lines: number }
  | { type: 'declined'; reason: string };

