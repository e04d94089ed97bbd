/**
 * Reads a ready per-customer summary (`--summary FILE`): the output of `crm summary`, of `crm sql summary`
 * run in a warehouse, or of another tool, with column mapping (`--map T=age,frequency=x`).
 */
import type { Readable } from 'node:stream';
import type { ModelInput } from '../accumulate/model-input.js';
import { InputError } from '../errors.js';
import { shownValue } from '../core/strings.js';
import { readTable, RowError, type FieldReader, type IngestOptions, type RowAccount } from './table.js';

function nonNegative(reader: FieldReader, col: number, name: string): number {
  const text = reader.requiredText(col);
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new RowError(`invalid ${name} ${shownValue(text)}: expected a number >= 0`, `invalid ${name}`, col + 1);
  }
  return value;
}

/** Reads a summary file. @throws InputError for bad rows (or rejects them with skipInvalid) */
export async function readSummaryFile(
  path: string,
  options: IngestOptions,
  io: { stdin: Readable },
): Promise<{ input: ModelInput; account: RowAccount }> {
  const ids: string[] = [];
  const cols = { frequency: [] as number[], recency: [] as number[], T: [] as number[], monetary: [] as number[], revenue: [] as number[], fh: [] as number[], mh: [] as number[] };
  let hasMonetary = false;
  let hasRevenue = false;
  let hasHoldout = false;
  let duration = 0;
  const { account } = await readTable(
    path,
    'summary',
    options,
    io,
    (reader, c) => {
      const ix = c.index;
      hasMonetary = ix.monetary_value >= 0;
      hasRevenue = ix.revenue >= 0;
      hasHoldout = ix.frequency_holdout >= 0 && ix.duration_holdout >= 0;
      const row = {
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
          'frequency counts repeat purchase days; is T in another unit? --period week|month|...',
        );
      }
      if (row.frequency === 0 && row.recency > 0) {
        throw new RowError(`recency ${row.recency} with frequency 0 (must be 0)`, 'recency without repeat', ix.recency + 1);
      }
      return row;
    },
    (row) => {
      ids.push(row.id);
      cols.frequency.push(row.frequency);
      cols.recency.push(row.recency);
      cols.T.push(row.T);
      cols.monetary.push(row.monetary);
      cols.revenue.push(row.revenue);
      cols.fh.push(row.fh);
      cols.mh.push(row.mh);
      duration = row.duration;
    },
  );
  if (ids.length === 0) throw new InputError({ file: account.file }, 'no customers in the summary file');
  return {
    account,
    input: {
      ids,
      frequency: Float64Array.from(cols.frequency),
      recency: Float64Array.from(cols.recency),
      T: Float64Array.from(cols.T),
      monetaryValue: Float64Array.from(cols.monetary),
      revenue: hasRevenue ? Float64Array.from(cols.revenue) : null,
      margin: null,
      holdout: hasHoldout ? { frequency: Float64Array.from(cols.fh), monetaryValue: Float64Array.from(cols.mh), duration } : null,
    },
  };
}
