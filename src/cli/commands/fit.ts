/** `crm fit`: fits a purchase or spend model by maximum likelihood; prints parameters, errors, fit criteria. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { ModelError, UsageError } from '../../errors.js';
import { PURCHASE_MODEL_NAMES, PURCHASE_MODELS, type PurchaseModelName } from '../../models/registry.js';
import { validatePurchases } from '../../value/validate.js';
import type { ModelInput } from '../../accumulate/model-input.js';
import * as gammagamma from '../../models/gamma-gamma.js';
import * as bgbb from '../../models/bg-bb.js';
import * as ggompertz from '../../models/ggompertz-nbd.js';
import type { FittedModel } from '../../models/types.js';
import { fitPurchaseModels, fitSpendModel, spendData, untrustedReason } from '../../value/fit-valuation.js';
import { jsonReplacer } from '../../report/format.js';
import { fileSink } from '../../report/output.js';
import { addInputOptions, addOutputOptions, addWindowOptions, ingestOptions, outputFormat, resolveOptions, textStyle } from '../options.js';
import { fitProse } from '../../report/table.js';
import { diagnostics, withOutput } from '../output.js';
import { loadModelData } from '../model-input.js';
import { fitParallelSettings } from '../inputs.js';
import type { Io } from '../io.js';
import { renderFits, type HoldoutCheck } from '../../report/text/fit.js';
import type { SavedModel } from '../saved-model.js';
import { fitColumns, fitParameterRows } from '../../report/columns.js';
import { writeCsv, writeNdjson } from '../../report/records.js';
import { readPatterns } from '../../ingest/patterns.js';
import { runCovariateFit } from '../covariates.js';

export const FIT_MODELS = ['bgnbd', 'paretonbd', 'mbgnbd', 'ggompertz', 'bgbb', 'gammagamma', 'auto', 'all'] as const;

export function registerFit(program: Command, io: Io): void {
  const cmd = program
    .command('fit')
    .description('fit BG/NBD, Pareto/NBD, MBG/NBD, Gamma/Gompertz/NBD, BG/BB or Gamma-Gamma by maximum likelihood (auto: purchase models compared by BIC; all: every purchase model with its parameters, and holdout errors with --calibration-end)')
    .addOption(new Option('--model <model>', 'model to fit; all: the comparison table with every model\'s parameters').choices([...FIT_MODELS]).default('auto'))
    .option('--summary <file>', 'a ready summary CSV (customer_id, frequency, recency, T, monetary_value); for bgbb: frequency, recency, periods, weights')
    .option('--save <file>', 'write the fitted model as JSON (for crm value --model-file)')
    .option('--covariates <columns>', 'paretonbd, bgnbd, gammagamma: static covariates from these columns of --customers (categories as dummies against the first level), with the likelihood-ratio test')
    .option('--covariates-constrained [columns]', 'with --covariates: one coefficient in the purchase and the dropout process, for all covariates or the columns given');
  addInputOptions(cmd, ['customers', 'sales']);
  addWindowOptions(cmd);
  addOutputOptions(cmd);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    const name = options.model as (typeof FIT_MODELS)[number];
    if (options.covariates !== undefined) return runCovariateFit(cmd, options, config, io, format);
    if (options.covariatesConstrained) throw new UsageError('--covariates-constrained needs --covariates');
    let fits: FittedModel[];
    let failures: { model: string; error: string }[] = [];
    let period = { name: 'day', days: 1 };
    let meta: Record<string, unknown>;
    let notes: string[] = [];
    let correlation: number | undefined;
    let holdout: HoldoutCheck[] | undefined;
    if (name === 'bgbb') {
      if (options.summary === undefined) throw new UsageError('--model bgbb reads --summary FILE with frequency,recency,periods,weights', { hint: 'e.g. ../shared/data/donations.csv' });
      const { patterns, account } = await readPatterns(String(options.summary), ingestOptions(options, config, cmd).patterns, { stdin: io.stdin });
      fits = [bgbb.fit(patterns)];
      period = { name: 'opportunity', days: NaN };
      meta = { inputs: [{ ...account, patterns: patterns.frequency.length }] };
    } else {
      const loaded = await loadModelData(cmd, options, config, io);
      period = loaded.period;
      meta = loaded.meta;
      notes = loaded.notes;
      if (name === 'gammagamma') {
        const spend = fitSpendModel(loaded.input);
        notes.push(...spend.notes);
        fits = [spend.model];
        correlation = gammagamma.frequencySpendCorrelation(spendData(loaded.input));
        if (Math.abs(correlation) > 0.3) notes.push(`warning: frequency and spend are correlated (r = ${correlation.toFixed(2)}); the Gamma-Gamma model assumes they are independent`);
      } else if (name === 'ggompertz') {
        fits = [ggompertz.fit({ frequency: loaded.input.frequency, recency: loaded.input.recency, T: loaded.input.T })];
      } else {
        const names = name === 'auto' || name === 'all' ? PURCHASE_MODEL_NAMES : [name as PurchaseModelName];
        const fitted = fitPurchaseModels(names, loaded.input, {}, fitParallelSettings(io.env));
        if (name === 'auto' && fitted.best === null) {
          throw new ModelError(`no purchase model could be fitted and trusted: ${fitted.dropped.map((d) => `${d.model}: ${d.reason}`).join(' | ')}`, {
            hint: 'the purchase models need repeat purchases with varying timing; try a longer calibration window or more customers',
          });
        }
        fits = fitted.fits;
        failures = fitted.failures;
        if (name === 'all') {
          if (loaded.input.holdout) holdout = holdoutChecks(fits, loaded.input);
        }
        if (fitted.preference !== undefined) notes.push(`note: ${fitted.preference}`);
        for (const d of fitted.dropped) if (name === 'auto' && !failures.some((f) => f.model === d.model)) notes.push(`note: ${d.model} not chosen: ${d.reason}`);
        const zeroRepeat = Array.from(loaded.input.frequency).filter((f) => f === 0).length;
        if (fits[0].model === 'bgnbd' && zeroRepeat > 0) {
          notes.push(`note: BG/NBD gives P(alive) = 1 to the ${zeroRepeat} customers who never repurchased (a property of the model); MBG/NBD does not`);
        }
      }
    }
    for (const f of failures) notes.push(`warning: ${f.model} could not be fitted: ${f.error}`);
    for (const f of fits) for (const w of f.warnings) notes.push(`warning: ${f.model}: ${w}`);
    const best = fits[0];
    const saved: SavedModel = { ...best, period, asOf: (meta.asOf as string | undefined) ?? null, ...(correlation !== undefined ? { frequencySpendCorrelation: correlation } : {}) };
    if (options.save !== undefined) {
      const sink = fileSink(String(options.save));
      await sink.write(`${JSON.stringify(saved, jsonReplacer, 2)}\n`);
      await sink.close();
    }
    await withOutput(options.output, io, async (sink) => {
      if (format === 'json') {
        const comparison = fits.map(({ model, logLikelihood, aic, bic, converged, trusted, problems }) => ({ model, logLikelihood, aic, bic, converged, trusted, problems, ...holdoutFields(holdout, model) }));
        const all = name === 'all' ? { models: fits } : {};
        await sink.write(`${JSON.stringify({ ...saved, meta, ...(fits.length > 1 ? { comparison } : {}), ...all }, jsonReplacer, 2)}\n`);
      } else if (format === 'csv') await writeCsv(sink, fitColumns, fitParameterRows(fits, period.name));
      else if (format === 'ndjson') await writeNdjson(sink, fitColumns, fitParameterRows(fits, period.name));
      else {
        await sink.write(renderFits(fits, period, textStyle(options, io), { every: name === 'all', holdout }));
        for (const n of notes) await sink.write(fitProse(`${n}\n`, textStyle(options, io)));
      }
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
    if (name === 'all' ? !fits.some((f) => f.trusted) : !best.trusted) {
      throw new ModelError(`the ${best.model} fit cannot be trusted: ${untrustedReason(best)}`, { hint: 'see the warnings; --period week can help too' });
    }
  });
}

/** Each fit's holdout prediction on the calibration/holdout split (crm validate's measures). */
function holdoutChecks(fits: FittedModel[], input: ModelInput): HoldoutCheck[] {
  return fits.filter((fit) => fit.model in PURCHASE_MODELS).map((fit) => {
    const v = validatePurchases(PURCHASE_MODELS[fit.model as PurchaseModelName], fit, input);
    return { model: fit.model, mae: v.mae, rmse: v.rmse, predicted: v.totals.predicted, actual: v.totals.actual, length: v.holdoutLength };
  });
}

function holdoutFields(holdout: HoldoutCheck[] | undefined, model: string): Record<string, number> {
  const h = holdout?.find((c) => c.model === model);
  return h ? { holdoutMae: h.mae, holdoutRmse: h.rmse, holdoutPredicted: h.predicted, holdoutActual: h.actual } : {};
}
