/**
 * The data the models read: from sales (through the summary and its options) or from a ready summary file
 * (`--summary FILE`). One place, shared by fit, value and validate.
 */
import type { Command } from 'commander';
import { dayToIso } from '../core/days.js';
import type { CustomerSummary } from '../core/types.js';
import { summarizeColumns, parsePeriod, type SummaryWindow } from '../accumulate/summary.js';
import { modelInputInPeriod, type ModelInput } from '../accumulate/model-input.js';
import type { RecordList } from '../core/record-columns.js';
import { UsageError } from '../errors.js';
import type { LoadedData } from '../ingest/load.js';
import { readSummaryFile } from '../ingest/summary-file.js';
import { ingestOptions } from './options.js';
import { inputsMeta, readInputs, type InputNeeds } from './inputs.js';
import { accountLines } from '../report/text/accounts.js';
import type { Io } from './io.js';

type Json = Record<string, unknown>;

export interface ModelData {
  input: ModelInput;
  /** Present when read from sales. */
  data: LoadedData | null;
  /** Stored by column (a million summaries as objects are about 180 MB). */
  summaries: RecordList<CustomerSummary> | null;
  window: SummaryWindow | null;
  period: { name: string; days: number };
  meta: Json;
  notes: string[];
}

/** Reads --summary FILE or --sales (plus whatever else `needs` asks for). @throws UsageError, InputError */
export async function loadModelData(cmd: Command, options: Json, config: Json, io: Io, needs: InputNeeds = {}, { holdout = true } = {}): Promise<ModelData> {
  const period = parsePeriod(String(options.period ?? 'day'));
  if (options.summary !== undefined) {
    if (options.sales !== undefined) throw new UsageError('give --sales or --summary, not both');
    if (options.calibrationEnd !== undefined || options.asOf !== undefined) {
      throw new UsageError('--calibration-end and --as-of apply to --sales; a summary file is already cut', { hint: 'crm summary --calibration-end ... > summary.csv' });
    }
    const { input, account } = await readSummaryFile(String(options.summary), ingestOptions(options, config, cmd).summary, { stdin: io.stdin });
    return {
      input,
      data: null,
      summaries: null,
      window: null,
      period,
      meta: { inputs: [account], period },
      notes: [`summary ${account.file}: read ${account.read}, used ${account.used}, rejected ${account.rejected}`],
    };
  }
  if (options.sales === undefined) throw new UsageError('missing --sales FILE or --summary FILE', { hint: `crm ${cmd.name()} --help` });
  const { data, window } = await readInputs(cmd, options, config, io, { sales: 'required', ...needs }, { holdout });
  const { customers, exclusions } = summarizeColumns(data.sales!, window!);
  return {
    input: modelInputInPeriod(customers, window!, window!.period),
    data,
    summaries: customers,
    window: window!,
    period: window!.period,
    meta: {
      asOf: dayToIso(window!.asOf),
      calibrationEnd: window!.holdout ? dayToIso(window!.calibrationEnd) : null,
      period: window!.period,
      ...inputsMeta(data),
      customersExcluded: exclusions,
    },
    notes: accountLines(data),
  };
}
