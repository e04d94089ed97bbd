/** `crm validate`: fit on the calibration period, predict the holdout, compare (grouped, totals, tracking). */
import type { Command } from 'commander';
import { Option } from 'commander';
import { compareIds } from '../../accumulate/summary.js';
import { histories } from '../../accumulate/sales.js';
import { ModelError, UsageError } from '../../errors.js';
import { PURCHASE_MODELS, PURCHASE_MODEL_NAMES, type PurchaseModelName } from '../../models/registry.js';
import { tracking, validatePurchases, validateSpend, type ModelValidation, type SpendValidation } from '../../value/validate.js';
import { jsonReplacer } from '../../report/format.js';
import { csvLine } from '../../report/csv/line.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, addWindowOptions, outputFormat, resolveOptions, textStyle } from '../options.js';
import { diagnostics, withOutput } from '../output.js';
import { writeSvgFolder } from '../plots.js';
import { calibrationChart, frequencyRecencyHeatmap, trackingChart } from '../../report/html/diagnostics.js';
import { frequencyRecencyMatrix, incrementalTracking } from '../../value/diagnostics.js';
import type { ModelInput } from '../../accumulate/model-input.js';
import { loadModelData } from '../model-input.js';
import { fitPurchaseModels, fitSpendModel, untrustedReason } from '../../value/fit-valuation.js';
import { renderValidation } from '../../report/text/validate.js';

export function registerValidate(program: Command, io: Io): void {
  const cmd = program
    .command('validate')
    .description('calibration/holdout validation: predicted vs actual holdout transactions by calibration frequency, MAE, RMSE, tracking, spend (needs --calibration-end, or --summary with holdout columns)')
    .option('--model <list>', `purchase models to validate, comma-separated (${PURCHASE_MODEL_NAMES.join(', ')}; default bgnbd,paretonbd)`)
    .addOption(new Option('--models <list>', 'the former name of --model').hideHelp())
    .option('--summary <file>', 'a ready summary CSV with holdout columns (frequency_holdout, duration_holdout) instead of --sales')
    .option('--plots <dir>', 'also write diagnostic plots as SVG files into this folder, per model: calibration vs holdout, tracking (cumulative, weekly), expected purchases and P(alive) by frequency and recency');
  addInputOptions(cmd, ['sales']);
  addWindowOptions(cmd);
  addOutputOptions(cmd);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    if (options.summary === undefined && options.calibrationEnd === undefined) throw new UsageError('crm validate needs --calibration-end DATE', { hint: 'the holdout runs from it to --as-of' });
    const names = String(options.model ?? options.models ?? 'bgnbd,paretonbd').split(',').map((s) => s.trim()) as PurchaseModelName[];
    for (const n of names) if (!PURCHASE_MODEL_NAMES.includes(n)) throw new UsageError(`unknown model "${n}"`, { hint: PURCHASE_MODEL_NAMES.join(', ') });
    const loaded = await loadModelData(cmd, options, config, io);
    if (!loaded.input.holdout) throw new UsageError('the summary has no holdout columns (frequency_holdout, duration_holdout)');
    const hist = loaded.data?.sales && loaded.window ? histories(loaded.data.sales, loaded.window.asOf, compareIds).filter((h) => h.days[0] <= loaded.window!.calibrationEnd) : null;
    const results: ModelValidation[] = names.map((name) => {
      const model = PURCHASE_MODELS[name];
      const fitted = fitPurchaseModels([name], loaded.input).fits[0];
      // an untrusted fit is still validated (the holdout shows how far off it is), never silently
      if (!fitted.trusted) loaded.notes.push(`warning: ${name}: the fit is not trusted (${untrustedReason(fitted)}); its predictions below are not reliable`);
      for (const w of fitted.warnings) loaded.notes.push(`warning: ${name}: ${w}`);
      const v = validatePurchases(model, fitted, loaded.input);
      return { ...v, tracking: hist && loaded.window ? tracking(model, fitted, hist, loaded.period.days, loaded.window.calibrationEnd, loaded.window.asOf) : [] };
    });
    let spend: SpendValidation | null = null;
    try {
      const fitted = fitSpendModel(loaded.input);
      loaded.notes.push(...fitted.notes);
      if (fitted.model.trusted) spend = validateSpend(fitted.model, loaded.input);
      else loaded.notes.push(`warning: spend not validated: the gammagamma fit is not trusted (${untrustedReason(fitted.model)})`);
    } catch (err) {
      if (!(err instanceof ModelError)) throw err;
      loaded.notes.push(`warning: spend not validated: ${err.message}`);
    }
    if (options.plots !== undefined) await writePlots(String(options.plots), results, loaded.input, loaded.period.name);
    await withOutput(options.output, io, async (sink) => {
      if (format === 'json') await sink.write(`${JSON.stringify({ meta: { command: 'validate', ...loaded.meta }, models: results, spend }, jsonReplacer, 2)}\n`);
      else if (format === 'csv' || format === 'ndjson') {
        const rows: (string | number)[][] = [['model', 'frequency', 'customers', 'actual_mean', 'predicted_mean']];
        for (const r of results) for (const g of r.groups) rows.push([r.model.model, g.frequency, g.customers, g.actual, g.predicted]);
        if (format === 'csv') for (const row of rows) await sink.write(csvLine(row));
        else for (const row of rows.slice(1)) await sink.write(`${JSON.stringify(Object.fromEntries(rows[0].map((h, i) => [h, row[i]])), jsonReplacer)}\n`);
      } else {
        await sink.write(renderValidation(results, spend, loaded.period.name, textStyle(options, io)));
        for (const n of loaded.notes) await sink.write(`${n}\n`);
      }
    });
    if (format !== 'table') diagnostics(io, options.quiet, loaded.notes);
  });
}

/** The diagnostic plots of every validated model, written into `dir` as a whole (docs/validate.md). */
async function writePlots(dir: string, results: ModelValidation[], input: ModelInput, unit: string): Promise<void> {
  const files = new Map<string, string>();
  const maxT = input.T.reduce((m, t) => Math.max(m, t), 0);
  const maxFrequency = input.frequency.reduce((m, x) => Math.max(m, x), 0);
  for (const r of results) {
    const name = r.model.model as PurchaseModelName;
    files.set(`${name}-calibration.svg`, calibrationChart(r, unit));
    if (r.tracking.length > 0) {
      const points = incrementalTracking(r.tracking);
      files.set(`${name}-tracking-cumulative.svg`, trackingChart(points, name, 'cumulative'));
      files.set(`${name}-tracking-incremental.svg`, trackingChart(points, name, 'incremental'));
    }
    const matrix = frequencyRecencyMatrix(PURCHASE_MODELS[name], r.model, maxT, maxFrequency, r.holdoutLength);
    files.set(`${name}-expected-purchases.svg`, frequencyRecencyHeatmap(matrix, 'expected', unit));
    files.set(`${name}-p-alive.svg`, frequencyRecencyHeatmap(matrix, 'pAlive', unit));
  }
  await writeSvgFolder(dir, files, '--plots');
}
