/**
 * Time-invariant (static) covariates in the Pareto/NBD and BG/NBD models, in CLVTools' form (Fader & Hardie
 * 2007, "Incorporating time-invariant covariates into the Pareto/NBD and BG/NBD models",
 * http://www.brucehardie.com/notes/019/; Bachmann, Meierer & Naef 2021, Marketing Science 40(4)): for the
 * covariates zᵢ of customer i,
 *
 *   Pareto/NBD: αᵢ = α·exp(−γ_trans'zᵢ) (purchase rates λ ~ Gamma(r, αᵢ): a positive γ_trans buys more),
 *               βᵢ = β·exp(−γ_life'zᵢ)  (dropout rates μ ~ Gamma(s, βᵢ): a positive γ_life leaves sooner);
 *   BG/NBD:     αᵢ = α·exp(−γ_trans'zᵢ), aᵢ = a·exp(γ_life'zᵢ), bᵢ = b·exp(γ_life'zᵢ) (CLVTools' bgnbd).
 *
 * Each customer's likelihood is the model's own at (r, αᵢ, s, βᵢ) or (r, αᵢ, aᵢ, bᵢ); customers with the same
 * covariate values share those parameters and are evaluated together (dummies give a handful of profiles).
 * `constrained` makes γ_trans = γ_life (one coefficient in both processes) for all covariates or the ones named.
 *
 * Fitted by maximum likelihood over (ln r, ln α, ln s|a, ln β|b, γ_trans, γ_life) from the fit without
 * covariates (γ = 0); standard errors from the inverse of the negative Hessian in those coordinates (natural
 * parameters by the delta method); the likelihood-ratio test against the fit without covariates.
 */
import { chiSquareSurvival } from '../math/chi-square.js';
import { hessian } from '../math/derivatives.js';
import { invertSymmetric } from '../math/linear-algebra.js';
import { minimize } from '../math/optimize.js';
import { ModelError } from '../errors.js';
import * as bgnbd from './bg-nbd.js';
import * as paretonbd from './pareto-nbd.js';
import type { FittedModel, RfmData } from './types.js';

/** The models that take static covariates. */
export type CovariateModel = 'paretonbd' | 'bgnbd';

/** Customers' (x, t_x, T) with their covariates: `covariates[i]` has one value per name. */
export interface CovariateRfm extends RfmData {
  covariates: readonly (readonly number[])[];
  names: readonly string[];
}

/** A fit with static covariates. */
export interface CovariateFit {
  model: CovariateModel;
  /** The base parameters (α, β of a customer whose covariates are all 0). */
  params: Record<string, number>;
  /** Coefficients by process and covariate name (`constrained`: the same numbers in both). */
  trans: Record<string, number>;
  life: Record<string, number>;
  constrained: boolean;
  /** The covariates with one coefficient in both processes. */
  shared: string[];
  /** Standard errors: base parameters by name, coefficients as `trans.NAME`, `life.NAME` (or `constr.NAME`). */
  stdErrors: Record<string, number | null>;
  logLikelihood: number;
  n: number;
  /** Covariate profiles (distinct covariate vectors). */
  profiles: number;
  converged: boolean;
  /** Converged, every standard error available, base parameters within [1e-4, 1e6] and |γ| < 20. */
  trusted: boolean;
  /** Why not trusted. */
  problems: string[];
  aic: number;
  bic: number;
  /** Against the same model without covariates. */
  likelihoodRatio: { statistic: number; degreesOfFreedom: number; pValue: number; logLikelihoodWithout: number };
  /** The fit without covariates it started from. */
  without: FittedModel;
}

const BASE: Record<CovariateModel, readonly [string, string, string, string]> = {
  paretonbd: ['r', 'alpha', 's', 'beta'],
  bgnbd: ['r', 'alpha', 'a', 'b'],
};

/** The parameters of a customer with covariates `z` (see the module comment). */
export function customerParams(model: CovariateModel, fit: Pick<CovariateFit, 'params' | 'trans' | 'life'>, names: readonly string[], z: readonly number[]): Record<string, number> {
  let trans = 0;
  let life = 0;
  names.forEach((name, j) => {
    trans += fit.trans[name] * z[j];
    life += fit.life[name] * z[j];
  });
  const p = fit.params;
  if (model === 'paretonbd') return { r: p.r, alpha: p.alpha * Math.exp(-trans), s: p.s, beta: p.beta * Math.exp(-life) };
  return { r: p.r, alpha: p.alpha * Math.exp(-trans), a: p.a * Math.exp(life), b: p.b * Math.exp(life) };
}

interface Profile {
  z: number[];
  evaluate: (params: Readonly<Record<string, number>>) => number;
}

/** Customers grouped by covariate vector, each group with its likelihood function. */
function profiles(model: CovariateModel, data: CovariateRfm): { groups: Profile[]; n: number } {
  const k = data.names.length;
  const byKey = new Map<string, { z: number[]; index: number[] }>();
  for (let i = 0; i < data.frequency.length; i++) {
    const z = data.covariates[i];
    if (!z || z.length !== k || z.some((v) => !Number.isFinite(v))) throw new ModelError(`${model}: customer ${i + 1} needs ${k} finite covariate values (${data.names.join(', ')})`);
    if (!(data.T[i] > 0)) continue; // T = 0: a constant likelihood term, as in the fits without covariates
    const key = z.join('\u0000');
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { z: [...z], index: [] }));
    g.index.push(i);
  }
  let n = 0;
  const groups = [...byKey.values()].map(({ z, index }) => {
    n += index.length;
    const rfm: RfmData = { frequency: index.map((i) => data.frequency[i]), recency: index.map((i) => data.recency[i]), T: index.map((i) => data.T[i]) };
    const evaluate = model === 'paretonbd' ? paretonbd.logLikelihoodOf(rfm) : (params: Readonly<Record<string, number>>) => bgnbd.logLikelihood(params, rfm);
    return { z, evaluate };
  });
  return { groups, n };
}

/**
 * Fits `model` with the static covariates of `data` (see the module comment).
 * @throws ModelError when the fit without covariates fails, or with fewer customers than parameters
 */
export function fitWithCovariates(model: CovariateModel, data: CovariateRfm, options: { constrained?: boolean | readonly string[] } = {}): CovariateFit {
  const k = data.names.length;
  if (k === 0) throw new ModelError('no covariates given');
  const shared = options.constrained === true ? [...data.names] : options.constrained === false || options.constrained === undefined ? [] : [...options.constrained];
  for (const name of shared) if (!data.names.includes(name)) throw new ModelError(`constrained covariate ${name} is not among the covariates (${data.names.join(', ')})`);
  // life coefficients of the covariates not constrained, in the order of the names
  const free = data.names.filter((name) => !shared.includes(name));
  const constrained = shared.length > 0;
  const without = model === 'paretonbd' ? paretonbd.fit(data) : bgnbd.fit(data);
  const { groups, n } = profiles(model, data);
  const coefficients = k + free.length;
  if (n <= 4 + coefficients) throw new ModelError(`${model} with covariates needs more customers than its ${4 + coefficients} parameters`);
  const names = BASE[model];
  const unpack = (theta: number[]): Pick<CovariateFit, 'params' | 'trans' | 'life'> => {
    const params = Object.fromEntries(names.map((name, i) => [name, Math.exp(theta[i])]));
    const trans: Record<string, number> = {};
    const life: Record<string, number> = {};
    data.names.forEach((name, j) => {
      trans[name] = theta[4 + j];
      const f = free.indexOf(name);
      life[name] = f < 0 ? theta[4 + j] : theta[4 + k + f];
    });
    return { params, trans, life };
  };
  const logLikelihood = (theta: number[]): number => {
    const fit = unpack(theta);
    let total = 0;
    for (const g of groups) {
      const v = g.evaluate(customerParams(model, fit, data.names, g.z));
      if (!Number.isFinite(v)) return Number.NaN;
      total += v;
    }
    return total;
  };
  const start = [...names.map((name) => Math.log(without.params[name])), ...new Array<number>(coefficients).fill(0)];
  const result = minimize((theta) => {
    const v = logLikelihood(theta);
    return Number.isFinite(v) ? -v : Infinity;
  }, start, { gradientTolerance: 1e-6 * Math.max(1, n / 100) });
  const theta = result.x;
  const information = hessian((t) => -logLikelihood(t), theta);
  const covariance = invertSymmetric(information);
  const se = (i: number): number | null => (covariance && covariance[i][i] > 0 ? Math.sqrt(covariance[i][i]) : null);
  const fit = unpack(theta);
  const stdErrors: Record<string, number | null> = {};
  names.forEach((name, i) => {
    const s = se(i);
    stdErrors[name] = s === null ? null : s * fit.params[name];
  });
  data.names.forEach((name, j) => {
    const f = free.indexOf(name);
    if (f < 0) stdErrors[`constr.${name}`] = se(4 + j);
    else {
      stdErrors[`trans.${name}`] = se(4 + j);
      stdErrors[`life.${name}`] = se(4 + k + f);
    }
  });
  const ll = -result.value;
  const problems: string[] = [];
  if (!result.converged) problems.push(`the optimiser did not converge (${result.message})`);
  for (const [name, value] of Object.entries(fit.params)) if (!(value > 1e-4 && value < 1e6)) problems.push(`${name} = ${value.toPrecision(4)} ran off towards a bound: not identified by these data`);
  for (const [name, value] of Object.entries(stdErrors)) if (value === null) problems.push(`no standard error for ${name} (the likelihood is flat or not concave there)`);
  for (const [process, values] of [['trans', fit.trans], ['life', fit.life]] as const) {
    for (const [name, value] of Object.entries(values)) if (!(Math.abs(value) < 20)) problems.push(`${process}.${name} = ${value.toPrecision(4)}: an effect this large means the covariate separates the customers completely`);
  }
  const parameters = 4 + coefficients;
  const statistic = Math.max(0, 2 * (ll - without.logLikelihood));
  return {
    model,
    ...fit,
    constrained,
    shared,
    stdErrors,
    logLikelihood: ll,
    n,
    profiles: groups.length,
    converged: result.converged,
    trusted: problems.length === 0,
    problems: [...new Set(problems)],
    aic: 2 * parameters - 2 * ll,
    bic: parameters * Math.log(n) - 2 * ll,
    likelihoodRatio: { statistic, degreesOfFreedom: coefficients, pValue: chiSquareSurvival(statistic, coefficients), logLikelihoodWithout: without.logLikelihood },
    without,
  };
}

/**
 * Covariates from text columns: a numeric column as given; any other (or one named in `categorical`) as
 * dummies, one per level but the reference level (the first in sorted order), named `column=level`.
 * @throws ModelError naming the column and the customer for a missing value
 */
export function encodeCovariates(
  ids: readonly string[],
  attributes: (id: string) => Readonly<Record<string, string>> | undefined,
  columns: readonly string[],
  { categorical = [] }: { categorical?: readonly string[] } = {},
): { names: string[]; rows: number[][]; reference: Record<string, string> } {
  const values = columns.map((column) =>
    ids.map((id) => {
      const v = attributes(id)?.[column];
      if (v === undefined || v.trim() === '') throw new ModelError(`covariate ${column}: no value for customer ${id}`);
      return v.trim();
    }),
  );
  const names: string[] = [];
  const reference: Record<string, string> = {};
  const encoders: ((i: number) => number[])[] = [];
  columns.forEach((column, c) => {
    const numeric = !categorical.includes(column) && values[c].every((v) => /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v));
    if (numeric) {
      names.push(column);
      encoders.push((i) => [Number(values[c][i])]);
      return;
    }
    const levels = [...new Set(values[c])].sort();
    if (levels.length < 2) throw new ModelError(`covariate ${column}: one value for every customer ("${levels[0]}"), nothing to estimate`);
    reference[column] = levels[0];
    const rest = levels.slice(1);
    for (const level of rest) names.push(`${column}=${level}`);
    encoders.push((i) => rest.map((level) => (values[c][i] === level ? 1 : 0)));
  });
  const rows = ids.map((_, i) => encoders.flatMap((encode) => encode(i)));
  return { names, rows, reference };
}
