/**
 * Reads a BG/BB patterns file (`crm fit --model bgbb --summary FILE`): one row per pattern of a discrete-time
 * history, `frequency` (transactions), `recency` (the opportunity of the last one, 0 when none), `periods`
 * (opportunities observed) and optional `weights` (customers with the pattern, default 1), as in the
 * donations data of Fader, Hardie and Shang (2010). Through the one reader of every input (readTable):
 * quoting, delimiter detection, stdin `-`, .gz, encodings, column mapping, file:line:column errors, the row
 * account.
 */
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { shownValue } from '../core/strings.js';
import { readTable, RowError, type FieldReader, type IngestOptions, type RejectSink, type RowAccount } from './table.js';

/** The patterns as columns (the input of bg-bb.ts). */
export interface Patterns {
  frequency: number[];
  recency: number[];
  periods: number[];
  weights: number[];
}

function number(reader: FieldReader, col: number, name: string, { integer, positive }: { integer: boolean; positive: boolean }): number {
  const text = reader.requiredText(col);
  const value = Number(text);
  const ok = text !== '' && Number.isFinite(value) && (positive ? value > 0 : value >= 0) && (!integer || Number.isInteger(value));
  if (!ok) {
    const expected = `${integer ? 'a whole number' : 'a number'} ${positive ? '> 0' : '>= 0'}`;
    throw new RowError(`invalid ${name} ${shownValue(text)}: expected ${expected}`, `invalid ${name}`, col + 1);
  }
  return value;
}

/**
 * Reads the patterns of `path` (`-` for stdin). A row whose recency or frequency exceeds its periods, or with
 * transactions but recency 0, is a bad row. @throws {InputError} for a bad row (or rejects it with
 * skipInvalid), and when the file has no pattern
 */
export async function readPatterns(path: string, options: IngestOptions, io: { stdin: Readable; rejects?: RejectSink }): Promise<{ patterns: Patterns; account: RowAccount }> {
  const patterns: Patterns = { frequency: [], recency: [], periods: [], weights: [] };
  const { account } = await readTable(
    path,
    'patterns',
    options,
    io,
    (reader, c) => {
      const ix = c.index;
      const frequency = number(reader, ix.frequency, 'frequency', { integer: true, positive: false });
      const recency = number(reader, ix.recency, 'recency', { integer: true, positive: false });
      const periods = number(reader, ix.periods, 'periods', { integer: true, positive: true });
      const weights = ix.weights >= 0 ? number(reader, ix.weights, 'weights', { integer: false, positive: true }) : 1;
      if (frequency > periods || recency > periods) throw new RowError(`frequency ${frequency} and recency ${recency} cannot exceed periods ${periods}`, 'pattern beyond its periods', ix.periods + 1);
      if (frequency > 0 && recency === 0) throw new RowError(`frequency ${frequency} with recency 0: the last transaction's opportunity is at least 1`, 'transactions without recency', ix.recency + 1);
      if (frequency > recency) throw new RowError(`frequency ${frequency} is more than recency ${recency}: at most one transaction per opportunity`, 'frequency above recency', ix.frequency + 1);
      return { frequency, recency, periods, weights };
    },
    (row) => {
      patterns.frequency.push(row.frequency);
      patterns.recency.push(row.recency);
      patterns.periods.push(row.periods);
      patterns.weights.push(row.weights);
    },
  );
  if (patterns.frequency.length === 0) throw new InputError({ file: account.file }, 'no patterns in the file');
  return { patterns, account };
}
