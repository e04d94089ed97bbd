/** `crm value`: CLV as the NPV of expected future contributions, customer equity, segments, baseline, what-if. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { parsePeriod } from '../../accumulate/summary.js';
import { UsageError } from '../../errors.js';
import { PURCHASE_MODEL_NAMES, PURCHASE_MODELS, type PurchaseModelName } from '../../models/registry.js';
import { writeSvgFolder } from '../plots.js';
import { clvIntervalChart, frequencyRecencyHeatmap } from '../../report/html/diagnostics.js';
import { frequencyRecencyMatrix } from '../../value/diagnostics.js';
import type { ValueResult } from '../../value/types.js';
import { writeCsv, writeJson, writeNdjson } from '../../report/records.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, addWindowOptions, numberOption, outputFormat, resolveOptions, textStyle } from '../options.js';
import { fitProse } from '../../report/table.js';
import { diagnostics, withOutput } from '../output.js';
import { loadModelData, type ModelData } from '../model-input.js';
import { fitParallelSettings } from '../inputs.js';
import { readSavedModel } from '../saved-model.js';
import { analyseValue, type ValueData } from '../../analysis/value.js';
import { valueFromOptions } from '../settings.js';
import { valueColumns } from '../../report/columns.js';
import { renderValue } from '../../report/text/value.js';
import { trace } from '../trace.js';

export interface ValueRun {
  result: ValueResult;
  loaded: ModelData;
  notes: string[];
  /** The valuation's own notes (model choice, caveats), without the row accounting. */
  valuationNotes: string[];
}

/** Fits (or reads) the models and values the portfolio: shared by `crm value` and `crm report`. */
export async function runValue(cmd: Command, options: Record<string, unknown>, config: Record<string, unknown>, io: Io): Promise<ValueRun> {
  const saved = options.modelFile !== undefined ? readSavedModel(String(options.modelFile), 'model file') : null;
  if (saved && options.period === undefined && saved.period) options = { ...options, period: saved.period.name === 'day' || saved.period.name === 'week' || saved.period.name === 'month' || saved.period.name === 'year' ? saved.period.name : String(saved.period.days) };
  const settings = valueFromOptions(options, saved);
  const loaded = await loadModelData(cmd, options, config, io, { customers: 'optional', payments: settings.collected ? 'required' : 'optional' }, { holdout: false });
  trace('read inputs, summaries');
  if (saved && parsePeriod(String(options.period ?? 'day')).days !== saved.period.days) {
    throw new UsageError(`the model was fitted in ${saved.period.name}s but --period is ${loaded.period.name}`, { hint: `--period ${saved.period.name}` });
  }
  if (saved && !saved.model) throw new UsageError(`${String(options.modelFile)} is not a model saved by crm fit --save`);
  if (saved && saved.model !== 'gammagamma' && !PURCHASE_MODEL_NAMES.includes(saved.model as PurchaseModelName)) {
    throw new UsageError(`crm value needs a purchase model (bgnbd, paretonbd, mbgnbd), not ${saved.model}`);
  }
  const { result, notes } = analyseValue(valueData(loaded), { ...settings, fitParallel: fitParallelSettings(io.env) }, trace);
  // The output needs the input's meta and notes only: the per-customer data (summaries, sales, payments)
  // are let go before it is written.
  loaded.data = null;
  return { result, loaded, notes: [...loaded.notes, ...notes], valuationNotes: notes };
}

/**
 * The valuation's data; the summaries are handed over (taken from `loaded`), and the valuation lets them go
 * once it has the segments. A function of its own so that no local of the caller holds them meanwhile.
 */
function valueData(loaded: ModelData): ValueData {
  const summaries = loaded.summaries;
  loaded.summaries = null;
  return { input: loaded.input, period: loaded.period, asOf: String(loaded.meta.asOf ?? ''), summaries, sales: loaded.data?.sales, payments: loaded.data?.payments, window: loaded.window };
}

export function addValueOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--model <model>', 'purchase model (default auto: the trusted fit of lowest BIC)').choices([...PURCHASE_MODEL_NAMES, 'auto']))
    .option('--model-file <file>', 'use a model saved by crm fit --save instead of fitting')
    .option('--no-spend-model', 'value transactions at the mean repeat spend instead of the Gamma-Gamma model')
    .option('--horizon <n>', 'number of future steps (default 12)')
    .option('--horizon-unit <unit>', 'step: day, week, month, quarter or year (default month)')
    .option('--discount-rate <rate>', 'annual discount rate, converted to the step (default 0.1)')
    .option('--margin <share>', 'contribution margin as a share of spend (default: from cost in the sales, else 1)')
    .option('--collected', 'discount each CLV by the customer\'s observed collection rate (needs --payments)')
    .option('--retention-uplift <points>', 'what-if: equity with retention this much higher, e.g. 0.05');
}

export function registerValue(program: Command, io: Io): void {
  const cmd = program
    .command('value')
    .description('customer lifetime value (NPV of expected contributions), customer equity, deciles, value by segment, baseline and what-if')
    .option('--summary <file>', 'a ready summary CSV instead of --sales')
    .option('--top <n>', 'top customers shown (default 10)')
    .option('--interval <level>', 'intervals of P(alive), expected transactions, spend, CLV and equity from parameter uncertainty at this level (default 0.9; 0: none)')
    .option('--within <days>', 'P(at least one purchase within these days), e.g. 30,90, and the median days to the next purchase')
    .option('--alive-at <days>', 'P(alive) this many days after as-of, e.g. 90d')
    .option('--plots <dir>', 'also write SVG charts into this folder: CLV ranked with its intervals, and P(alive) by frequency and recency');
  addValueOptions(cmd);
  addInputOptions(cmd, ['customers', 'sales', 'payments']);
  addWindowOptions(cmd, { holdout: false });
  addOutputOptions(cmd);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    const { result, loaded, notes, valuationNotes } = await runValue(cmd, options, config, io);
    const columns = valueColumns(result.purchaseModel.model === 'paretonbd', {
      interval: result.intervals !== undefined,
      withinDays: result.shortHorizon?.withinDays ?? [],
      aliveAtDays: result.shortHorizon?.aliveAtDays ?? [],
    });
    const top = numberOption(options.top, '--top', 0, 1e6, 10);
    if (options.plots !== undefined) await writeSvgFolder(String(options.plots), valueCharts(result, notes), '--plots');
    await withOutput(options.output, io, async (sink) => {
      if (format === 'csv') await writeCsv(sink, columns, result.customers);
      else if (format === 'ndjson') await writeNdjson(sink, columns, result.customers);
      else if (format === 'json') {
        const { customers, ...rest } = result;
        await writeJson(sink, { command: 'value', ...loaded.meta }, 'customers', columns, customers, { ...rest, notes: valuationNotes });
      } else {
        await sink.write(renderValue(result, top, textStyle(options, io)));
        for (const n of notes) await sink.write(fitProse(`${n}\n`, textStyle(options, io)));
      }
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
  });
}

/** The charts of `crm value --plots`: CLV with its intervals (when computed) and the P(alive) matrix. */
function valueCharts(result: ValueResult, notes: string[]): Map<string, string> {
  const charts = new Map<string, string>();
  const iv = result.intervals;
  if (iv?.available) {
    const customers = result.customers.map((c) => ({ customerId: c.customerId, clv: c.clv, low: c.clvLow ?? c.clv, high: c.clvHigh ?? c.clv }));
    charts.set('clv-intervals.svg', clvIntervalChart(customers, iv.level));
  } else notes.push('note: clv-intervals.svg not written: no intervals (--interval 0, or the model has no covariance)');
  const name = result.purchaseModel.model as PurchaseModelName;
  const T = result.customers.reduce((m, c) => Math.max(m, c.T), 0);
  const maxFrequency = result.customers.reduce((m, c) => Math.max(m, c.frequency), 0);
  const matrix = frequencyRecencyMatrix(PURCHASE_MODELS[name], result.purchaseModel, T, maxFrequency, 1);
  charts.set(`${name}-p-alive.svg`, frequencyRecencyHeatmap(matrix, 'pAlive', result.period.name));
  return charts;
}
