/**
 * Shifted-beta-geometric (sBG) model of contract duration: Fader & Hardie (2007), "How to project customer
 * retention", Journal of Interactive Marketing 21(1), 76–90 (https://www.brucehardie.com/papers/021/).
 *
 * Each customer churns at the end of every period with her own probability θ (a geometric lifetime), and θ
 * varies across customers as Beta(α, β). With T the period in which a customer churns (T = 1: she does not
 * renew after the first period):
 *   P(T = t | α, β) = B(α + 1, β + t − 1) / B(α, β)    (computed by the recursion of eq. 7)
 *   S(t | α, β)     = B(α, β + t) / B(α, β)
 *   r_t = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1), t ≥ 1           (eq. 8)
 * and, with n_t the customers still active at the start of period t + 1 (n_0 the cohort size), the
 * log-likelihood is Σ_{t=1..T} (n_{t−1} − n_t) ln P(T = t) + n_T ln S(T): the churners of each period and
 * the survivors at the end, who are right-censored.
 * Retention rates rise over time although no customer's θ changes: the high-θ customers leave first.
 *
 * Residual value: Fader & Hardie (2010), "Customer-base valuation in a contractual setting: the perils of
 * ignoring heterogeneity", Marketing Science 29(1), 85–93, eq. 6: the discounted expected residual lifetime
 * of a customer who has made n − 1 renewals (evaluated just before her n-th renewal decision) is
 *   DERL(d | α, β, n − 1) = Σ_{t ≥ n} [S(t) / S(n − 1)] / (1 + d)^{t − n}
 *                         = (β + n − 1)/(α + β + n − 1) · ₂F₁(1, β + n; α + β + n; 1/(1 + d)).
 */
import { ModelError } from '../errors.js';
import { fitMaximumLikelihood, parameterVector, type FitOptions } from './fit-common.js';
import { lbeta } from '../math/special.js';
import type { FittedModel } from './types.js';

const PARAMETERS = ['alpha', 'beta'] as const;
const DEFAULT_STARTS = [
  [1, 1],
  [0.5, 2],
  [2, 8],
  [0.2, 0.5],
];

/**
 * Checks an sBG survivor series: at least two finite non-negative counts, a positive first one, and no
 * increase from one period to the next.
 *
 * @throws {ModelError} naming the first bad entry
 */
export function validateSbgCounts(active: readonly number[]): void {
  if (active.length < 2) throw new ModelError(`sbg needs the active counts of at least two periods, found ${active.length}`, { hint: 'give the cohort size and the customers still active at the start of each later period' });
  for (let t = 0; t < active.length; t++) {
    const value = active[t];
    if (!(Number.isFinite(value) && value >= 0)) throw new ModelError(`sbg: active count ${t} is not a non-negative number, found ${value}`);
    if (t === 0 && !(value > 0)) throw new ModelError('sbg: the cohort size (active count 0) must be positive');
    if (t > 0 && value > active[t - 1]) {
      throw new ModelError(`sbg: active count ${t} (${value}) exceeds count ${t - 1} (${active[t - 1]})`, { hint: 'customers still active can only decrease: count the survivors of one cohort' });
    }
  }
}

/**
 * Total log-likelihood of the sBG model for a survivor series n_0, n_1, ..., n_T (Fader & Hardie 2007).
 * NaN for non-positive parameters.
 *
 * Cost: O(T).
 *
 * @example
 * // α = β = 1: P(T = t) = 1/(t(t + 1)), S(t) = 1/(t + 1)
 * sbgLogLikelihood(1, 1, [10, 5]) // => 5 * Math.log(1 / 2) + 5 * Math.log(1 / 2)
 */
export function sbgLogLikelihood(alpha: number, beta: number, active: readonly number[]): number {
  if (!(alpha > 0 && beta > 0)) return Number.NaN;
  const logB = lbeta(alpha, beta);
  let total = 0;
  for (let t = 1; t < active.length; t++) {
    const lost = active[t - 1] - active[t];
    if (lost > 0) total += lost * (lbeta(alpha + 1, beta + t - 1) - logB);
  }
  const last = active.length - 1;
  if (active[last] > 0) total += active[last] * (lbeta(alpha, beta + last) - logB);
  return total;
}

/**
 * Fits the sBG model by maximum likelihood to the customers of one cohort still active at the start of
 * each period: `active[0]` is the cohort size, `active[t]` the customers who renewed t times. Counts are
 * expected (proportions fit the same α, β, but the standard errors and BIC then refer to one customer).
 *
 * Cost: a few hundred likelihood evaluations, each O(T).
 *
 * @throws {ModelError} when the counts are invalid (see {@link validateSbgCounts}) or the fit fails
 * @example
 * fitSbg([1000, 631, 468, 382, 326, 289, 262, 241]).params // => { alpha: 0.704, beta: 1.182 } (rounded)
 */
export function fitSbg(active: readonly number[], options: FitOptions = {}): FittedModel {
  validateSbgCounts(active);
  const counts = active.slice();
  const fitted = fitMaximumLikelihood(
    {
      model: 'sbg',
      parameterNames: PARAMETERS,
      logLikelihood: ([alpha, beta]) => sbgLogLikelihood(alpha, beta, counts),
      n: counts[0],
      nDistinct: counts.length,
      starts: DEFAULT_STARTS,
    },
    options,
  );
  if (counts[counts.length - 1] === counts[0]) fitted.warnings.push('no customer churned in the data: the churn probability is not identified');
  return fitted;
}

const read = (params: Readonly<Record<string, number>>): [number, number] => {
  const [alpha, beta] = parameterVector('sbg', params, PARAMETERS);
  return [alpha, beta];
};

function checkPeriod(t: number, minimum: number, what: string): void {
  if (!(Number.isInteger(t) && t >= minimum)) throw new ModelError(`sbg: ${what} must be an integer >= ${minimum}, found ${t}`);
}

/**
 * S(t): probability that a new customer is still active after t periods (has renewed t times).
 *
 * Cost: O(1).
 *
 * @throws {ModelError} on invalid parameters or a negative / fractional t
 * @example
 * sbgSurvival({ alpha: 1, beta: 1 }, 3) // => 0.25
 */
export function sbgSurvival(params: Readonly<Record<string, number>>, t: number): number {
  const [alpha, beta] = read(params);
  checkPeriod(t, 0, 'period');
  return t === 0 ? 1 : Math.exp(lbeta(alpha, beta + t) - lbeta(alpha, beta));
}

/**
 * P(T = t): probability that a new customer churns at the end of period t (t ≥ 1), eq. 7.
 *
 * @throws {ModelError} on invalid parameters or t < 1
 * @example
 * sbgChurnProbability({ alpha: 1, beta: 1 }, 2) // => 1 / 6
 */
export function sbgChurnProbability(params: Readonly<Record<string, number>>, t: number): number {
  const [alpha, beta] = read(params);
  checkPeriod(t, 1, 'period');
  return Math.exp(lbeta(alpha + 1, beta + t - 1) - lbeta(alpha, beta));
}

/**
 * r_t: share of the customers active in period t − 1 who renew into period t, t ≥ 1, eq. 8. Increases with t.
 *
 * @throws {ModelError} on invalid parameters or t < 1
 * @example
 * sbgRetentionRate({ alpha: 1, beta: 1 }, 1) // => 0.5
 */
export function sbgRetentionRate(params: Readonly<Record<string, number>>, t: number): number {
  const [alpha, beta] = read(params);
  checkPeriod(t, 1, 'period');
  return (beta + t - 1) / (alpha + beta + t - 1);
}

/** One row of {@link sbgProjection}. */
export interface SbgProjectionRow {
  /** Periods since acquisition (renewals). */
  period: number;
  /** S(period). */
  survival: number;
  /** Cohort size × S(period). */
  expectedActive: number;
  /** r_period; null at period 0. */
  retentionRate: number | null;
  /** The observed count, null beyond the data. */
  observedActive: number | null;
  /** observed n_t / n_{t−1}; null at period 0, beyond the data, or after a zero count. */
  observedRetention: number | null;
  /** True for periods beyond the data (a forecast). */
  projected: boolean;
}

/**
 * Fitted and projected survival of a cohort: the observed periods and `horizon` further ones.
 *
 * Cost: O(periods).
 *
 * @throws {ModelError} on invalid parameters or counts, or a negative horizon
 * @example
 * sbgProjection({ alpha: 1, beta: 1 }, [100, 50], 1).map((r) => r.expectedActive) // => [100, 50, 33.33...]
 */
export function sbgProjection(params: Readonly<Record<string, number>>, active: readonly number[], horizon: number): SbgProjectionRow[] {
  const [alpha, beta] = read(params);
  validateSbgCounts(active);
  checkPeriod(horizon, 0, 'horizon');
  const rows: SbgProjectionRow[] = [];
  let survival = 1;
  for (let t = 0; t < active.length + horizon; t++) {
    const retentionRate = t === 0 ? null : (beta + t - 1) / (alpha + beta + t - 1);
    if (retentionRate !== null) survival *= retentionRate;
    const observed = t < active.length ? active[t] : null;
    const observedRetention = t > 0 && observed !== null && active[t - 1] > 0 ? observed / active[t - 1] : null;
    rows.push({ period: t, survival, expectedActive: active[0] * survival, retentionRate, observedActive: observed, observedRetention, projected: t >= active.length });
  }
  return rows;
}

/**
 * Expected number of further renewals of a customer who has renewed `renewals` times so far (undiscounted
 * residual lifetime, in periods): Σ_{t > renewals} S(t)/S(renewals) = (β + renewals)/(α − 1), the mean of
 * (1 − θ)/θ under the posterior Beta(α, β + renewals). Infinite when α ≤ 1 (the heavy tail of very loyal
 * customers): use {@link sbgDerl} with a discount rate then.
 *
 * @throws {ModelError} on invalid parameters or renewals
 * @example
 * sbgExpectedResidualLifetime({ alpha: 2, beta: 3 }, 0) // => 3
 */
export function sbgExpectedResidualLifetime(params: Readonly<Record<string, number>>, renewals: number): number {
  const [alpha, beta] = read(params);
  checkPeriod(renewals, 0, 'renewals');
  return alpha > 1 ? (beta + renewals) / (alpha - 1) : Infinity;
}

/** Most terms {@link sbgDerl} sums (enough for discount rates down to about 1e-5 per period). */
const MAX_DERL_TERMS = 10_000_000;

/**
 * Discounted expected residual lifetime (Fader & Hardie 2010, eq. 6) of a customer who has made `renewals`
 * renewals (n − 1 in the paper), evaluated just before her next renewal decision: the expected present
 * value of her future payments of 1 per period, the next one undiscounted, at discount rate d per period.
 * Multiply by the margin per period for the residual value. With d = 0 it is
 * {@link sbgExpectedResidualLifetime}.
 *
 * Summed as Σ_{k ≥ 0} [S(n + k)/S(n − 1)] (1 + d)^{−k} until the geometric bound on the tail is below
 * 1e-15 of the sum.
 *
 * Cost: O(1/d) terms (d = 0.1: about 350).
 *
 * @throws {ModelError} on invalid parameters, renewals, a negative discount rate, or no convergence
 * @example
 * sbgDerl({ alpha: 0.668, beta: 3.806 }, 0.1, 7) // => 7.53 (approximately)
 */
export function sbgDerl(params: Readonly<Record<string, number>>, discountRate: number, renewals: number): number {
  const [alpha, beta] = read(params);
  checkPeriod(renewals, 0, 'renewals');
  if (!(Number.isFinite(discountRate) && discountRate >= 0)) throw new ModelError(`sbg: the discount rate must be a non-negative number, found ${discountRate}`);
  if (discountRate === 0) return sbgExpectedResidualLifetime(params, renewals);
  const z = 1 / (1 + discountRate);
  const tailFactor = z / (1 - z);
  const n = renewals + 1;
  let term = (beta + n - 1) / (alpha + beta + n - 1);
  let sum = term;
  for (let k = 1; k < MAX_DERL_TERMS; k++) {
    if (term * tailFactor <= 1e-15 * sum) return sum;
    term *= (z * (beta + n + k - 1)) / (alpha + beta + n + k - 1);
    sum += term;
  }
  throw new ModelError(`sbg: DERL did not converge for discount rate ${discountRate}`, { hint: 'use a discount rate per period above 1e-5' });
}
