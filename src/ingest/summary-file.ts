/**
 * Reads a ready per-customer summary (`--summary FILE`): the output of `crm summary`, of `crm sql summary`
 * run in a warehouse, or of another tool, with column mapping (`--map T=age,frequency=x`); or a PostgreSQL table
 * or query (`postgres://host/db?table=shop.summary`, database.ts), read with a server-side cursor.
 */
import type { Readable } from 'node:stream';
import type { ModelInput } from '../accumulate/model-input.js';
import { InputError, setting } from '../errors.js';
import { shownValue } from '../core/strings.js';
import { openInput } from './source.js';
import { databaseSource, isDatabaseUrl, readDatabaseTable, type DatabaseSource } from './database.js';
import { readTable, RowError, type FieldReader, type IngestOptions, type RejectSink, type ResolvedColumns, type RowAccount } from './table.js';

function nonNegative(reader: FieldReader, col: number, name: string): number {
  const text = reader.requiredText(col);
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new RowError(`invalid ${name} ${shownValue(text)}: expected a number >= 0`, `invalid ${name}`, col + 1);
  }
  return value;
}

/** One row of a summary, checked. */
export interface SummaryRow {
  id: string;
  frequency: number;
  recency: number;
  T: number;
  monetary: number;
  revenue: number;
  fh: number;
  mh: number;
  duration: number;
}

/** Which optional columns a summary has. */
export interface SummaryShape {
  hasMonetary: boolean;
  hasRevenue: boolean;
  hasHoldout: boolean;
}

/**
 * The conversion of one summary record into a checked row (the same checks for a file and a database table);
 * `shape` is filled in from the columns. @throws RowError
 */
export function summaryRowReader(options: IngestOptions, shape: SummaryShape): (reader: FieldReader, c: ResolvedColumns) => SummaryRow {
  return (reader, c) => {
    const ix = c.index;
    const hasMonetary = (shape.hasMonetary = ix.monetary_value >= 0);
    const hasRevenue = (shape.hasRevenue = ix.revenue >= 0);
    const hasHoldout = (shape.hasHoldout = ix.frequency_holdout >= 0 && ix.duration_holdout >= 0);
    const row: SummaryRow = {
      id: reader.requiredText(ix.customer_id),
      frequency: nonNegative(reader, ix.frequency, 'frequency'),
      recency: nonNegative(reader, ix.recency, 'recency'),
      T: nonNegative(reader, ix.T, 'T'),
      monetary: hasMonetary ? reader.amount(ix.monetary_value) : 0,
      revenue: hasRevenue ? reader.amount(ix.revenue) : 0,
      fh: hasHoldout ? nonNegative(reader, ix.frequency_holdout, 'frequency_holdout') : 0,
      mh: hasHoldout && ix.monetary_value_holdout >= 0 ? reader.amount(ix.monetary_value_holdout) : 0,
      duration: hasHoldout ? nonNegative(reader, ix.duration_holdout, 'duration_holdout') : 0,
    };
    if (!Number.isInteger(row.frequency)) {
      throw new RowError(`frequency ${row.frequency} is not a whole number`, 'invalid frequency', ix.frequency + 1);
    }
    if (row.recency > row.T + 1e-9) {
      throw new RowError(`recency ${row.recency} is greater than T ${row.T}`, 'recency > T', ix.recency + 1, 'recency and T must be in the same unit, from the same first purchase');
    }
    // Frequency counts repeat purchase days (or periods), all within the T periods since the first purchase:
    // more of them than days in T is impossible (half a period allowed for T rounded in the file).
    const days = options.periodDays ?? 1;
    const most = Math.floor(row.T * days + days / 2 + 1e-9);
    if (row.frequency > most) {
      const span = days === 1 ? `T ${row.T} days` : `T ${row.T} x ${Number(days.toFixed(4))} days`;
      throw new RowError(
        `customer ${shownValue(row.id)}: frequency ${row.frequency} is more than the ${most} days of ${span} (one repeat purchase a day at most)`,
        'frequency > T',
        ix.frequency + 1,
        `frequency counts repeat purchase days; is T in another unit? ${setting('period', 'week|month|...')}`,
      );
    }
    if (row.frequency === 0 && row.recency > 0) {
      throw new RowError(`recency ${row.recency} with frequency 0 (must be 0)`, 'recency without repeat', ix.recency + 1);
    }
    return row;
  };
}

/** The io of a summary read: stdin for `-`, rejected rows, a database connection for a URL. */
export interface SummaryIo {
  stdin: Readable;
  rejects?: RejectSink;
}

/**
 * Streams a summary file (or stdin, `-`) row by row: `consume` gets each checked row; `drain` is awaited
 * before each chunk of input is read (about 1 MiB), so a consumer that writes output keeps memory bounded
 * by one chunk's rows. @throws InputError for bad rows (or rejects them with skipInvalid)
 */
export async function streamSummaryFile(
  path: string | DatabaseSource,
  options: IngestOptions,
  io: SummaryIo,
  consume: (row: SummaryRow, line: number) => void,
  drain: () => Promise<void>,
): Promise<{ account: RowAccount; shape: SummaryShape }> {
  const shape: SummaryShape = { hasMonetary: false, hasRevenue: false, hasHoldout: false };
  if (typeof path !== 'string' || isDatabaseUrl(path)) {
    const source = typeof path === 'string' ? databaseSource(path) : path;
    const { account } = await readDatabaseTable(source, 'summary', options, io, summaryRowReader(options, shape), consume, drain);
    return { account, shape };
  }
  const opened = await openInput(path, io.stdin);
  async function* paced(): AsyncIterable<Buffer> {
    for await (const chunk of opened) {
      await drain();
      yield chunk;
    }
  }
  const { account } = await readTable(path, 'summary', options, { stdin: io.stdin, rejects: io.rejects, chunks: paced() }, summaryRowReader(options, shape), consume);
  return { account, shape };
}

/** Reads a summary file. @throws InputError for bad rows (or rejects them with skipInvalid) */
export async function readSummaryFile(
  path: string,
  options: IngestOptions,
  io: { stdin: Readable },
): Promise<{ input: ModelInput; account: RowAccount }> {
  const ids: string[] = [];
  const cols = { frequency: [] as number[], recency: [] as number[], T: [] as number[], monetary: [] as number[], revenue: [] as number[], fh: [] as number[], mh: [] as number[] };
  const shape: SummaryShape = { hasMonetary: false, hasRevenue: false, hasHoldout: false };
  let duration = 0;
  const consume = (row: SummaryRow): void => {
    ids.push(row.id);
    cols.frequency.push(row.frequency);
    cols.recency.push(row.recency);
    cols.T.push(row.T);
    cols.monetary.push(row.monetary);
    cols.revenue.push(row.revenue);
    cols.fh.push(row.fh);
    cols.mh.push(row.mh);
    duration = row.duration;
  };
  const { account } = isDatabaseUrl(path)
    ? await readDatabaseTable(databaseSource(path), 'summary', options, {}, summaryRowReader(options, shape), consume)
    : await readTable(path, 'summary', options, io, summaryRowReader(options, shape), consume);
  if (ids.length === 0) throw new InputError({ file: account.file }, 'no customers in the summary file');
  return {
    account,
    input: {
      ids,
      frequency: Float64Array.from(cols.frequency),
      recency: Float64Array.from(cols.recency),
      T: Float64Array.from(cols.T),
      monetaryValue: Float64Array.from(cols.monetary),
      revenue: shape.hasRevenue ? Float64Array.from(cols.revenue) : null,
      margin: null,
      holdout: shape.hasHoldout ? { frequency: Float64Array.from(cols.fh), monetaryValue: Float64Array.from(cols.mh), duration } : null,
    },
  };
}
