/**
 * The ingest step of every command: read the inputs the command needs (each file once), with the
 * rejects file, the unknown-customer report and the row account; resolve the observation window.
 */
import type { PaymentsParallelSettings } from '../payments/payments-parallel.js';
import type { Command } from 'commander';
import { dayToIso, type Day } from '../core/days.js';
import type { PeriodUnit } from '../core/types.js';
import { InputError, renderSettings, UsageError } from '../errors.js';
import { loadInputs, type LoadedData } from '../ingest/load.js';
import type { ParallelSettings } from '../ingest/parallel/parallel.js';
import type { FitParallelSettings } from '../value/fit-parallel.js';
import type { InputKind } from '../ingest/schema.js';
import { ledgerEnd } from '../payments/invoices.js';
import type { RejectSink } from '../ingest/table.js';
import { parsePeriod, type SummaryWindow } from '../accumulate/summary.js';
import { csvLine } from '../report/csv/line.js';
import { fileSink, type Sink } from '../report/output.js';
import { ingestOptions, parseDateOption, unknownPolicy } from './options.js';
import type { Io } from './io.js';
import { progressReporter } from './progress.js';
import { unknownCustomers } from '../analysis/accounting.js';
import { describeAccount } from '../report/text/accounts.js';

type Json = Record<string, unknown>;

export interface InputsResult {
  data: LoadedData;
  /** Resolved window; undefined when the command read no sales. */
  window?: SummaryWindow;
  /** The as-of day and the rule it came from; undefined when no input has dates (customers only). */
  asOf?: AsOfResolution;
}

/**
 * Where the as-of day came from. One rule for every command: `--as-of` when given; else, with sales read, the
 * last sale date; else the last date of the inputs read (the payments: the last invoice or payment date).
 */
export type AsOfRule = '--as-of' | 'last sale date' | 'last invoice or payment date (no sales given)';

/** The as-of day of a run and the rule that gave it. */
export interface AsOfResolution {
  day: Day;
  rule: AsOfRule;
}

/** The rule of each run's data, for {@link inputsMeta} (the commands pass only `data` to it). */
const asOfRules = new WeakMap<LoadedData, AsOfRule>();

/**
 * The as-of day of a run by the one rule of every command (see {@link AsOfRule}). Undefined when nothing is
 * given and no input has dates.
 */
export function resolveAsOf(given: Day | undefined, data: Pick<LoadedData, 'sales' | 'payments'>): AsOfResolution | undefined {
  if (given !== undefined) return { day: given, rule: '--as-of' };
  if (data.sales && data.sales.customers.size > 0) return { day: data.sales.maxDay, rule: 'last sale date' };
  if (data.payments && data.payments.length > 0) return { day: ledgerEnd(data.payments), rule: 'last invoice or payment date (no sales given)' };
  return undefined;
}

export { excludeRows } from '../analysis/accounting.js';

/** Which inputs a command takes. */
export type InputNeeds = Partial<Record<InputKind, 'required' | 'optional'>>;

function rejectsSink(sink: Sink): RejectSink & { flush(): Promise<void> } {
  let pending: Promise<void> = Promise.resolve();
  let header = false;
  return {
    reject(file, line, column, reason, fields) {
      if (!header) {
        header = true;
        pending = pending.then(() => sink.write(csvLine(['file', 'line', 'column', 'reason', 'record'])));
      }
      // Rectangular: the rejected record's fields, written back as one CSV line, are one column (formula-safe:
      // a spreadsheet opens it; the fields were made safe one by one, then the cell as a whole).
      // (A record that could not be split, a quoting error, is already one field: its text as read.)
      const record = fields.length === 1 ? fields[0] : csvLine(fields, true).replace(/\n$/, '');
      const text = csvLine([file, line, column ?? '', renderSettings(reason, 'cli'), record], true);
      pending = pending.then(() => sink.write(text));
    },
    flush: () => pending,
  };
}

/** A whole number >= 0 from the environment, or undefined when unset or not one. */
function envInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The parallel ingest's settings (sales and payments) from the environment: CRM_THREADS, CRM_PARALLEL_MIN_BYTES. */
export function parallelSettings(env: NodeJS.ProcessEnv): ParallelSettings {
  const threads = envInteger(env, 'CRM_THREADS');
  const minBytes = envInteger(env, 'CRM_PARALLEL_MIN_BYTES');
  return { ...(threads !== undefined ? { threads } : {}), ...(minBytes !== undefined ? { minBytes } : {}) };
}

/** CRM_THREADS and one threshold from the environment, for the settings of a worker thread. */
function workerSettings<K extends string>(env: NodeJS.ProcessEnv, name: string, key: K): { threads?: number } & Partial<Record<K, number>> {
  const threads = envInteger(env, 'CRM_THREADS');
  const least = envInteger(env, name);
  return { ...(threads !== undefined ? { threads } : {}), ...(least !== undefined ? { [key]: least } : {}) } as { threads?: number } & Partial<Record<K, number>>;
}

/**
 * The settings of the candidate purchase fits on two threads from the environment: CRM_THREADS=1 fits them one
 * after another; CRM_FIT_MIN_CUSTOMERS is the fewest customers whose fits are shared with a worker.
 */
export function fitParallelSettings(env: NodeJS.ProcessEnv): FitParallelSettings {
  return workerSettings(env, 'CRM_FIT_MIN_CUSTOMERS', 'minCustomers');
}

/**
 * The settings of the payments analysis on a second thread from the environment: CRM_THREADS=1 runs it on the
 * main thread; CRM_PAYMENTS_MIN_ROWS is the fewest ledger rows analysed on a second thread.
 */
export function paymentsParallelSettings(env: NodeJS.ProcessEnv): PaymentsParallelSettings {
  return workerSettings(env, 'CRM_PAYMENTS_MIN_ROWS', 'minRows');
}

/** Reads the inputs and resolves the window. @throws UsageError, InputError */
export async function readInputs(
  cmd: Command,
  options: Json,
  config: Json,
  io: Io,
  needs: InputNeeds,
  { holdout = true }: { holdout?: boolean } = {},
): Promise<InputsResult> {
  for (const [kind, need] of Object.entries(needs)) {
    if (need === 'required' && (options[kind] === undefined || options[kind] === '')) {
      throw new UsageError(`missing --${kind} FILE`, { hint: `crm ${cmd.name()} --help` });
    }
  }
  const asOf = parseDateOption(options.asOf, '--as-of');
  const calibrationEnd = holdout ? parseDateOption(options.calibrationEnd, '--calibration-end') : undefined;
  if (asOf !== undefined && calibrationEnd !== undefined && calibrationEnd >= asOf) {
    throw new UsageError(`--calibration-end ${dayToIso(calibrationEnd)} must be before --as-of ${dayToIso(asOf)}`);
  }
  const period: PeriodUnit = parsePeriod(String(options.period ?? 'day'));
  const ingest = ingestOptions(options, config, cmd);
  if (options.rejects !== undefined && !options.skipInvalid) {
    throw new UsageError('--rejects needs --skip-invalid', { hint: 'without --skip-invalid the first bad row stops the run' });
  }
  const sink = options.rejects !== undefined ? fileSink(String(options.rejects)) : undefined;
  const rejects = sink ? rejectsSink(sink) : undefined;
  let data: LoadedData;
  try {
    data = await loadInputs(
      {
        customers: needs.customers ? (options.customers as string | undefined) : undefined,
        sales: needs.sales ? (options.sales as string | undefined) : undefined,
        payments: needs.payments ? (options.payments as string | undefined) : undefined,
        contacts: needs.contacts ? (options.contacts as string | undefined) : undefined,
        costs: needs.costs ? (options.costs as string | undefined) : undefined,
        ingest,
        window: { asOf, calibrationEnd },
        unknown: unknownPolicy(options),
        parallel: parallelSettings(io.env),
      },
      { stdin: io.stdin, rejects, progress: progressReporter(io, options.quiet) },
    );
    if (rejects && sink) {
      await rejects.flush();
      await sink.close();
    }
  } catch (err) {
    await sink?.abort();
    throw err;
  }
  let window: SummaryWindow | undefined;
  if (data.sales) {
    const sales = data.sales;
    if (sales.customers.size === 0) {
      const account = data.accounts.find((a) => a.kind === 'sales')!;
      throw new InputError({ file: account.file }, account.read === 0 ? 'no data rows' : 'no usable sales rows', {
        hint: account.read === 0 ? undefined : describeAccount(account),
      });
    }
    const end: Day = asOf ?? sales.maxDay;
    if (calibrationEnd !== undefined && calibrationEnd >= end) {
      throw new UsageError(`--calibration-end ${dayToIso(calibrationEnd)} leaves no holdout: the data end on ${dayToIso(end)}`, { hint: '--as-of' });
    }
    window = { asOf: end, calibrationEnd: calibrationEnd ?? end, holdout: calibrationEnd !== undefined, period };
  }
  const resolved = resolveAsOf(asOf, data);
  if (resolved) asOfRules.set(data, resolved.rule);
  return { data, window, asOf: resolved };
}

/**
 * The `inputs` part of a JSON `meta`: the rule the as-of day came from (`asOfRule`, see {@link AsOfRule}), one
 * row account per file, and unknown customers.
 */
export function inputsMeta(data: LoadedData): Json {
  const rule = asOfRules.get(data);
  return {
    ...(rule !== undefined ? { asOfRule: rule } : {}),
    inputs: data.accounts,
    unknownCustomers: unknownCustomers(data),
  };
}
