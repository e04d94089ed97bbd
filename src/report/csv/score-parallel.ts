/**
 * The per-customer scores file on two threads (docs/performance.md, "The scores file on two threads"): the CSV
 * text of the last rows of the table is made by a worker thread (score-worker.ts) while the main thread makes
 * and writes the first rows; the main thread then writes the worker's text. At 1M customers the text of the
 * 24 columns takes about 3 s on one thread, most of it turning numbers into text.
 *
 * The worker is sent the values of its rows column by column (numbers in Float64Arrays on SharedArrayBuffers,
 * read in place; other values copied) and makes each line with the same `csvLine` from the same values, so the
 * file is the one written on one thread, byte for byte. A number column holds NaN where the value is null or
 * undefined: `csvField` writes the three alike (an empty field). When the worker cannot be used (one thread,
 * few rows, module missing, a failure) the main thread makes the text of those rows itself from the same
 * columns.
 */
import { availableParallelism } from 'node:os';
import { startBlockingWorker, workerModuleExists, type BlockingJob } from '../../core/blocking-worker.js';
import { csvLine, type CsvValue } from './line.js';
import type { ScoreTable } from './report.js';

/** Settings of the scores file on two threads; undefined fields take the defaults. */
export interface ScoreParallelSettings {
  /** Threads (1 = the main thread writes every row). Default min(cores, 2); the CLI takes CRM_THREADS. */
  threads?: number;
  /** The compiled worker module (score-worker.js). Default: the one beside this module in dist/. */
  workerUrl?: URL;
  /** Fewest rows shared with a worker. Default {@link SCORE_PARALLEL_MIN_ROWS}. */
  minRows?: number;
  /** Share of the rows the worker makes (the last ones). Default 0.5. */
  workerShare?: number;
}

/** Default of {@link ScoreParallelSettings.minRows}: 50,000 rows take about 0.15 s on one thread. */
export const SCORE_PARALLEL_MIN_ROWS = 50_000;

/** One column of the worker's rows: numbers (NaN for null or undefined), or the values as they are. */
export type ScoreColumn = { numbers: Float64Array } | { values: CsvValue[] };

/** The job of the worker (its workerData). */
export interface ScoreJob extends BlockingJob {
  columns: ScoreColumn[];
  length: number;
  formulaSafe: boolean;
}

/** The worker's reply: the text of its rows in pieces, or why it could not make it. */
export type ScoreReply = { threadId: number; pieces: string[] } | { threadId: number; failed: string };

/** Rows [from, to) of the table, column by column (the numbers on SharedArrayBuffers). */
export function scoreColumns(table: ScoreTable, from: number, to: number): ScoreColumn[] {
  return table.columns.map((read) => {
    const numbers = new Float64Array(new SharedArrayBuffer(8 * (to - from)));
    for (let i = from; i < to; i++) {
      const v = read(i);
      if (typeof v === 'number') numbers[i - from] = v;
      else if (v === null || v === undefined) numbers[i - from] = Number.NaN;
      else {
        // not a number column: its values as they are
        const values: CsvValue[] = new Array(to - from);
        for (let k = from; k < to; k++) values[k - from] = read(k);
        return { values };
      }
    }
    return { numbers };
  });
}

/** Pieces of text of about this many characters. */
const PIECE = 1 << 16;

/** The CSV text of `length` rows given by their columns, in pieces of about 64 KB. */
export function scoreText(columns: ScoreColumn[], length: number, formulaSafe: boolean): string[] {
  const pieces: string[] = [];
  const row: CsvValue[] = new Array(columns.length);
  let piece = '';
  for (let i = 0; i < length; i++) {
    for (let j = 0; j < columns.length; j++) {
      const column = columns[j];
      row[j] = 'numbers' in column ? column.numbers[i] : column.values[i];
    }
    piece += csvLine(row, formulaSafe);
    if (piece.length >= PIECE) {
      pieces.push(piece);
      piece = '';
    }
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}

/** The text of the last rows of a score table, made on a second thread when it pays (see the file comment). */
export interface ScoreTail {
  /** The first row of the tail: the caller writes the rows before it. */
  from: number;
  /** The text of rows from..length, in pieces (blocks until the worker has made it). */
  pieces(): string[];
  /** Diagnostic: the thread that made the text (once taken); undefined when this one. */
  readonly thread?: number;
}

/**
 * Starts making the text of the last rows of `table` on a worker thread when it pays (two threads, at least
 * `minRows` rows, the worker module present); null when it does not (the caller writes every row).
 */
export function scoreTailAhead(table: ScoreTable, formulaSafe: boolean, settings: ScoreParallelSettings = {}): ScoreTail | null {
  const threads = Math.max(1, Math.min(2, settings.threads ?? Math.min(availableParallelism(), 2)));
  const n = table.length;
  if (threads < 2 || n < (settings.minRows ?? SCORE_PARALLEL_MIN_ROWS)) return null;
  const url = settings.workerUrl ?? new URL('./score-worker.js', import.meta.url);
  if (!workerModuleExists(url)) return null;
  const from = Math.min(n, Math.max(0, Math.round(n * (1 - (settings.workerShare ?? 0.5)))));
  const columns = scoreColumns(table, from, n);
  const job: Omit<ScoreJob, keyof BlockingJob> = { columns, length: n - from, formulaSafe };
  const worker = startBlockingWorker<typeof job, ScoreReply>(url, job);
  const local = (): string[] => scoreText(columns, n - from, formulaSafe);
  const tail = {
    from,
    thread: undefined as number | undefined,
    pieces(): string[] {
      const reply = worker?.reply() ?? null;
      if (reply === null || !('pieces' in reply)) return local();
      tail.thread = reply.threadId;
      return reply.pieces;
    },
  };
  return tail;
}
