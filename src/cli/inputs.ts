/**
 * The ingest step of every command: read the inputs the command needs (each file once), with the
 * rejects file, the unknown-customer report and the row account; resolve the observation window.
 */
import type { Command } from 'commander';
import { dayToIso, type Day } from '../core/days.js';
import type { PeriodUnit } from '../core/types.js';
import { InputError, UsageError } from '../errors.js';
import { loadInputs, type LoadedData, type UnknownCustomers } from '../ingest/load.js';
import type { InputKind } from '../ingest/schema.js';
import type { RejectSink, RowAccount } from '../ingest/table.js';
import { parsePeriod, type SummaryWindow } from '../accumulate/summary.js';
import { csvLine } from '../report/csv.js';
import { fileSink, type Sink } from '../report/output.js';
import { ingestOptions, parseDateOption, unknownPolicy } from './options.js';
import type { Io } from './io.js';
import { progressReporter } from './progress.js';

type Json = Record<string, unknown>;

export interface InputsResult {
  data: LoadedData;
  /** Resolved window; undefined when the command read no sales. */
  window?: SummaryWindow;
}

/** Which inputs a command takes. */
export type InputNeeds = Partial<Record<InputKind, 'required' | 'optional'>>;

function rejectsSink(sink: Sink): RejectSink & { flush(): Promise<void> } {
  let pending: Promise<void> = Promise.resolve();
  let header = false;
  return {
    reject(file, line, column, reason, fields) {
      if (!header) {
        header = true;
        pending = pending.then(() => sink.write(csvLine(['file', 'line', 'column', 'reason', 'fields'])));
      }
      const text = csvLine([file, line, column ?? '', reason, ...fields], false);
      pending = pending.then(() => sink.write(text));
    },
    flush: () => pending,
  };
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
        ingest,
        window: { asOf, calibrationEnd },
        unknown: unknownPolicy(options),
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
  return { data, window };
}

/** `read 6919: used 6900, rejected 19 (invalid date 19), excluded 0` */
export function describeAccount(a: RowAccount): string {
  const parts = [`read ${a.read}`, `used ${a.used}`];
  const reasons = Object.entries(a.rejectedByReason).map(([r, n]) => `${r} ${n}`);
  parts.push(`rejected ${a.rejected}${reasons.length ? ` (${reasons.join(', ')})` : ''}`);
  for (const [reason, n] of Object.entries(a.excluded)) parts.push(`excluded ${n} (${reason})`);
  return parts.join(', ');
}

/** Lines for stderr: the row account per input and the unknown customers. */
export function accountLines(data: LoadedData): string[] {
  const lines = data.accounts.map((a) => `${a.kind} ${a.file}: ${describeAccount(a)}`);
  const unknown = (what: string, u: UnknownCustomers | undefined): void => {
    if (u && u.rows > 0) {
      lines.push(
        `warning: ${u.rows} ${what} rows of ${u.customers} customer(s) not in the customers file (e.g. ${u.examples.map((e) => `"${e}"`).join(', ')})`,
      );
    }
  };
  unknown('sales', data.unknownSales);
  unknown('payments', data.unknownPayments);
  return lines;
}

/** The `inputs` part of a JSON `meta`: one row account per file, and unknown customers. */
export function inputsMeta(data: LoadedData): Json {
  return {
    inputs: data.accounts,
    unknownCustomers: {
      ...(data.unknownSales ? { sales: data.unknownSales } : {}),
      ...(data.unknownPayments ? { payments: data.unknownPayments } : {}),
    },
  };
}
