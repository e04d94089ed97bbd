/** `crm fit --covariates`: Pareto/NBD, BG/NBD or Gamma-Gamma with static covariates from the customers file. */
import type { Command } from 'commander';
import { ModelError, UsageError } from '../errors.js';
import { fitGammaGammaCovariates } from '../models/gamma-gamma-covariates.js';
import { customerParams, encodeCovariates, fitWithCovariates } from '../models/static-covariates.js';
import { expectedSpendWithCovariates } from '../models/gamma-gamma-covariates.js';
import { PURCHASE_MODELS } from '../models/registry.js';
import { jsonReplacer } from '../report/format.js';
import { renderCovariateFit, type CovariateReport } from '../report/text/covariates.js';
import type { Io } from './io.js';
import { loadModelData } from './model-input.js';
import { textStyle } from './options.js';
import { diagnostics, withOutput } from './output.js';

type Json = Record<string, unknown>;

/** Fits the model with `--covariates`, writes the result (table or JSON); exits 1 when the fit is not trusted. */
export async function runCovariateFit(cmd: Command, options: Json, config: Json, io: Io, format: string): Promise<void> {
  const model = String(options.model);
  if (!['paretonbd', 'bgnbd', 'gammagamma'].includes(model)) {
    throw new UsageError(`--covariates works with --model paretonbd, bgnbd or gammagamma, not ${model}`);
  }
  if (options.summary !== undefined) throw new UsageError('--covariates reads them from --customers: give --sales and --customers, not --summary');
  // piped without -f: JSON (the result is a document, not rows)
  if (options.format === undefined && format === 'csv') format = 'json';
  if (format === 'csv' || format === 'ndjson') throw new UsageError(`--covariates writes a table or JSON, not ${format}`, { hint: '-f json' });
  const columns = String(options.covariates).split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (columns.length === 0) throw new UsageError('--covariates needs column names of the customers file, e.g. --covariates gender,channel');
  const loaded = await loadModelData(cmd, options, config, io, { customers: 'required' });
  const customers = loaded.data?.customers;
  if (!customers) throw new UsageError('--covariates needs --customers FILE with those columns');
  const known = new Set(Object.keys(customers.values().next().value ?? {}));
  const missing = columns.filter((c) => !known.has(c));
  if (missing.length > 0) throw new UsageError(`--covariates: no column ${missing.map((c) => `"${c}"`).join(', ')} in the customers file`, { hint: `its columns: ${[...known].join(', ')}` });
  const input = loaded.input;
  const encoded = encodeCovariates(input.ids, (id) => customers.get(id), columns);
  let report: CovariateReport;
  const year = 365.25 / loaded.period.days;
  if (model === 'gammagamma') {
    const fit = fitGammaGammaCovariates({ frequency: input.frequency, monetaryValue: input.monetaryValue, covariates: encoded.rows, names: encoded.names });
    report = {
      model,
      covariates: encoded.names,
      reference: encoded.reference,
      params: fit.params,
      coefficients: Object.fromEntries(encoded.names.map((n) => [`spend.${n}`, fit.coefficients[n]])),
      stdErrors: Object.fromEntries(Object.entries(fit.stdErrors).map(([k, v]) => [k in fit.params ? k : `spend.${k}`, v])),
      logLikelihood: fit.logLikelihood,
      n: fit.n,
      constrained: false,
      likelihoodRatio: fit.likelihoodRatio,
      trusted: fit.converged,
      problems: fit.converged ? [] : ['the optimiser did not converge'],
      period: loaded.period.name,
      newCustomers: profilesOf(encoded.names, encoded.rows).map(({ profile, z, customers: count }) => ({ profile, customers: count, expectedSpend: expectedSpendWithCovariates(fit, encoded.names, z, 0, 0) })),
    };
  } else {
    const fit = fitWithCovariates(model as 'paretonbd' | 'bgnbd', { frequency: input.frequency, recency: input.recency, T: input.T, covariates: encoded.rows, names: encoded.names }, { constrained: constrainedOption(options.covariatesConstrained, encoded.names) });
    const coefficients: Record<string, number> = {};
    for (const n of encoded.names) {
      if (fit.shared.includes(n)) coefficients[`constr.${n}`] = fit.trans[n];
      else {
        coefficients[`trans.${n}`] = fit.trans[n];
        coefficients[`life.${n}`] = fit.life[n];
      }
    }
    report = {
      model,
      covariates: encoded.names,
      reference: encoded.reference,
      params: fit.params,
      coefficients,
      stdErrors: fit.stdErrors,
      logLikelihood: fit.logLikelihood,
      aic: fit.aic,
      bic: fit.bic,
      n: fit.n,
      profiles: fit.profiles,
      constrained: fit.constrained,
      likelihoodRatio: fit.likelihoodRatio,
      trusted: fit.trusted,
      problems: fit.problems,
      withoutCovariates: { params: fit.without.params, logLikelihood: fit.without.logLikelihood },
      period: loaded.period.name,
      newCustomers: profilesOf(encoded.names, encoded.rows).map(({ profile, z, customers: count }) => ({
        profile,
        customers: count,
        expectedTransactionsYear: PURCHASE_MODELS[model as 'paretonbd' | 'bgnbd'].expectedTransactionsNew(customerParams(model as 'paretonbd' | 'bgnbd', fit, encoded.names, z), year),
      })),
    };
    if (input.holdout) {
      // the holdout purchases predicted with and without the covariates, against those made
      const m = PURCHASE_MODELS[model as 'paretonbd' | 'bgnbd'];
      const h = input.holdout;
      let withCov = 0;
      let without = 0;
      let made = 0;
      let error = 0;
      let errorWithout = 0;
      for (let i = 0; i < input.ids.length; i++) {
        const a = m.expectedTransactions(customerParams(model as 'paretonbd' | 'bgnbd', fit, encoded.names, encoded.rows[i]), h.duration, input.frequency[i], input.recency[i], input.T[i]);
        const b = m.expectedTransactions(fit.without.params, h.duration, input.frequency[i], input.recency[i], input.T[i]);
        withCov += a;
        without += b;
        made += h.frequency[i];
        error += Math.abs(a - h.frequency[i]);
        errorWithout += Math.abs(b - h.frequency[i]);
      }
      const n = input.ids.length;
      report.holdout = { length: h.duration, actual: made, predicted: withCov, predictedWithout: without, mae: error / n, maeWithout: errorWithout / n };
    }
  }
  await withOutput(options.output, io, async (sink) => {
    if (format === 'json') await sink.write(`${JSON.stringify({ ...report, meta: loaded.meta }, jsonReplacer, 2)}\n`);
    else {
      await sink.write(renderCovariateFit(report, textStyle(options, io)));
      for (const n of loaded.notes) await sink.write(`${n}\n`);
    }
  });
  if (format !== 'table') diagnostics(io, options.quiet, loaded.notes);
  if (!report.trusted) throw new ModelError(`the ${model} fit with covariates cannot be trusted: ${report.problems.join('; ')}`);
}

/** The distinct covariate vectors of the customers (at most 50, the most common first), with their counts. */
function profilesOf(names: readonly string[], rows: readonly number[][]): { profile: Record<string, number>; z: number[]; customers: number }[] {
  const counts = new Map<string, { z: number[]; customers: number }>();
  for (const z of rows) {
    const key = z.join('\u0000');
    const entry = counts.get(key);
    if (entry) entry.customers++;
    else counts.set(key, { z, customers: 1 });
  }
  return [...counts.values()]
    .sort((a, b) => b.customers - a.customers)
    .slice(0, 50)
    .map(({ z, customers }) => ({ profile: Object.fromEntries(names.map((n, j) => [n, z[j]])), z, customers }));
}

/** --covariates-constrained: all covariates (no value) or the named columns (their dummies). */
function constrainedOption(value: unknown, names: readonly string[]): boolean | string[] {
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  const columns = String(value).split(',').map((c) => c.trim()).filter((c) => c !== '');
  const chosen = names.filter((n) => columns.includes(n) || columns.includes(n.split('=')[0]));
  for (const c of columns) if (!names.some((n) => n === c || n.split('=')[0] === c)) throw new UsageError(`--covariates-constrained ${c}: not one of --covariates`);
  return chosen;
}
