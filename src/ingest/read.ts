/**
 * Reading the inputs from a program (the library's entry to ingest): {@link readInputFiles} with plain
 * options and the ingest defaults of the command line, so a caller does not build a request per input kind.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { Day } from '../core/days.js';
import { createDateParser } from './dates.js';
import { loadInputs, type LoadedData, type UnknownPolicy } from './load.js';
import type { ParallelSettings } from './parallel/parallel.js';
import { FIELDS, type InputKind } from './schema.js';
import type { IngestOptions, RejectSink } from './table.js';

/** The ingest options of the command line's defaults (header row, detected delimiter, ISO dates, `.` decimals, stop at the first bad row), with `overrides`. */
export function ingestDefaults(overrides: Partial<IngestOptions> = {}): IngestOptions {
  return { header: true, map: {}, decimal: '.', skipInvalid: false, ...overrides };
}

export interface ReadInputsOptions {
  customers?: string;
  sales?: string;
  payments?: string;
  /** End of observation: a day number or an ISO date; rows after it are left out (accounted as excluded). */
  asOf?: Day | string;
  /** End of calibration for a holdout split. */
  calibrationEnd?: Day | string;
  /** Ingest options for every input (column mapping, date format, decimal mark, skipInvalid, encoding...). */
  ingest?: Partial<IngestOptions>;
  /** Per input kind, on top of `ingest`. */
  perInput?: Partial<Record<InputKind, Partial<IngestOptions>>>;
  /** Sales or payments of customers missing from `customers`: keep (default), drop or error. */
  unknown?: UnknownPolicy;
  /** Where rejected rows go with `skipInvalid`. */
  rejects?: RejectSink;
  /** Standard input, for an input named `-`. */
  stdin?: Readable;
  /** Threads of the parallel sales ingest (default: up to 2) and the smallest file read in parallel. */
  parallel?: ParallelSettings;
}

/**
 * Reads the named inputs (each once, streaming) into per-customer state, with the account of every row.
 *
 * @throws {InputError} naming file, line and column of the first bad row (unless `skipInvalid`)
 * @example
 * const data = await readInputFiles({ sales: 'fixtures/sales.csv' });
 * data.accounts[0].used; // => 2370
 */
export async function readInputFiles(options: ReadInputsOptions): Promise<LoadedData> {
  const day = (value: Day | string | undefined): Day | undefined => (typeof value === 'string' ? createDateParser()(value) : value);
  const kinds = Object.keys(FIELDS) as InputKind[];
  const ingest = Object.fromEntries(kinds.map((kind) => [kind, ingestDefaults({ ...options.ingest, ...options.perInput?.[kind] })])) as Record<InputKind, IngestOptions>;
  const stdin = options.stdin ?? new PassThrough().end();
  return loadInputs(
    {
      customers: options.customers,
      sales: options.sales,
      payments: options.payments,
      ingest,
      window: { asOf: day(options.asOf), calibrationEnd: day(options.calibrationEnd) },
      unknown: options.unknown ?? 'keep',
      parallel: options.parallel,
    },
    { stdin, rejects: options.rejects },
  );
}
