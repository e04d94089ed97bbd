/**
 * Maximum-likelihood fitting shared by the models: optimisation on log-parameters from several starting
 * points, standard errors from a finite-difference Hessian of the total log-likelihood in the natural
 * parameters, 95% intervals, AIC/BIC and warnings, assembled into a {@link FittedModel}.
 *
 * Models that provide the analytic gradient of their log-likelihood (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma)
 * are optimised on it: one pass over the data per BFGS step instead of 2k + 1 for central differences. The
 * others (BG/BB, sBG) use central differences of the likelihood.
 *
 * Why the objective is the mean negative log-likelihood per customer: the total grows with n, and with
 * gradients of size n the BFGS line search overshoots into regions where BG/NBD's b runs off towards 1e15;
 * dividing by n keeps the gradient O(1) whatever the number of customers (lifetimes does the same).
 *
 * Intervals are Wald intervals on the log scale: θ̂ · exp(±1.96 · SE(θ̂)/θ̂), where SE/θ̂ is the delta-method
 * standard error of ln θ̂. They are always positive and asymmetric, unlike θ̂ ± 1.96 SE.
 */
import { ModelError } from '../errors.js';
import { hessian, hessianFromGradient } from '../math/derivatives.js';
import { invertSymmetric } from '../math/linear-algebra.js';
import { minimize, minimizeMultiStart } from '../math/optimize.js';
import type { MinimizeOptions, MinimizeResult, ValueAndGradient } from '../math/optimize.js';
import type { FittedModel, ModelName, RfmData } from './types.js';

/** Options of the models' `fit` functions. */
export interface FitOptions {
  /** Starting points in the natural parameters, in the model's parameter order; replace the model's defaults. */
  starts?: number[][];
  /** Maximum BFGS iterations per start. Default 1000. */
  maxIterations?: number;
  /** Gradient tolerance on the mean log-likelihood per customer, in log-parameters. Default 1e-7. */
  gradientTolerance?: number;
  /**
   * Wall-clock budget of the whole fit (all starts and retries), in milliseconds. Default
   * {@link DEFAULT_TIME_BUDGET_MS}. A fit that runs out of it stops where it is and is not trusted.
   */
  timeBudgetMs?: number;
}

/** Default time budget of a fit: 2 minutes (a 1M-customer BG/NBD fit takes about 30 s). */
export const DEFAULT_TIME_BUDGET_MS = 120_000;

/** A maximum-likelihood problem in natural (positive) parameters. */
export interface LikelihoodProblem {
  model: ModelName;
  /** Parameter names in the order of the vectors. */
  parameterNames: readonly string[];
  /** Total (weighted) log-likelihood; may return −Infinity or NaN outside the parameter space. */
  logLikelihood: (params: number[]) => number;
  /**
   * Optional analytic gradient: the total (weighted) log-likelihood (the same number as `logLikelihood`)
   * and its partial derivatives in the natural parameters, in the order of `parameterNames`, from one pass
   * over the data. When given, the optimiser and the standard errors use it; otherwise central differences.
   */
  gradient?: (params: number[]) => { value: number; gradient: number[] };
  /** Number of customers (sum of weights). */
  n: number;
  /** Number of distinct tuples the likelihood runs over. */
  nDistinct: number;
  /** Default starting points in the natural parameters. */
  starts: number[][];
  /**
   * The same problem on a random sample of about {@link SAMPLE_CUSTOMERS} customers (null when the sample
   * cannot be fitted). With more than {@link SAMPLE_ABOVE_DISTINCT} distinct tuples and no starts given,
   * the starting points are run on the sample and only its best optimum is polished on the full data.
   */
  sample?: () => LikelihoodProblem | null;
  /**
   * Scale of each parameter (default 1): the optimiser keeps parameter i within
   * [{@link LOWER_BOUND}·scaleᵢ, {@link UPPER_BOUND}·scaleᵢ]. Shape parameters have scale 1; rate parameters
   * in time or money units (α, β, γ) the data's scale (mean customer age, mean spend), so that the bounds
   * are the same whatever the units (days or weeks, cents or euros).
   */
  scales?: number[];
  /** Customers added to `n` that carry no information (T = 0: a constant likelihood term of 0). Default 0. */
  constantCustomers?: number;
}

/**
 * Upper bound of every parameter (times its scale, {@link LikelihoodProblem.scales}), enforced by the
 * optimiser: a fit whose maximum lies at or beyond a bound stops there and is reported as untrusted.
 */
export const UPPER_BOUND = 1e6;
/** See {@link UPPER_BOUND}. */
export const LOWER_BOUND = 1e-6;
/** Restarts from the best point when no start converged. */
const RETRIES = 2;
const Z_95 = 1.959963984540054;

/**
 * 95% Wald interval on the log scale, θ · exp(±1.96·SE/θ); null when the standard error is not available.
 *
 * @example
 * logScaleInterval(2, 0.5) // => [1.22526, 3.26460] (to 5 decimals)
 */
export function logScaleInterval(value: number, standardError: number | null): [number, number] | null {
  if (standardError === null || !Number.isFinite(standardError) || !(value > 0)) return null;
  const spread = (Z_95 * standardError) / value;
  return [value * Math.exp(-spread), value * Math.exp(spread)];
}

/**
 * AIC = 2k − 2LL and BIC = k ln(n) − 2LL, with n the number of customers.
 *
 * @example
 * informationCriteria(-9582.4, 4, 2357).aic // => 19172.8
 */
export function informationCriteria(logLikelihood: number, parameters: number, n: number): { aic: number; bic: number } {
  return { aic: 2 * parameters - 2 * logLikelihood, bic: parameters * Math.log(n) - 2 * logLikelihood };
}

/**
 * Reads named parameters from a record (e.g. `FittedModel.params`) into a vector, checking that each is a
 * positive finite number.
 *
 * @throws {ModelError} when a parameter is missing, not finite or not positive
 * @example
 * parameterVector('bgnbd', { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, ['r', 'alpha', 'a', 'b']) // => [0.24, 4.4, 0.79, 2.4]
 */
export function parameterVector(model: ModelName, params: Readonly<Record<string, number>>, names: readonly string[]): number[] {
  return names.map((name) => {
    const value = params[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) {
      throw new ModelError(`${model} parameter ${name} must be a positive number, found ${String(value)}`, {
        hint: `${model} needs ${names.join(', ')}`,
      });
    }
    return value;
  });
}

/**
 * Checks purchase-model data: equal lengths, integer frequency >= 0, 0 <= recency <= T, recency 0 when
 * frequency is 0, T >= 0 with frequency 0 when T is 0 (a customer whose first purchase is on the last day
 * of the window: the likelihood term is 1, see docs/models.md), finite non-negative weights with a positive sum.
 *
 * Cost: O(n).
 *
 * @throws {ModelError} naming the first bad entry (0-based index, and the customer id when `data.ids` is
 *   given) and how many entries are bad
 */
export function validateRfm(model: ModelName, data: RfmData): void {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.T.length !== n || (data.weights !== undefined && data.weights.length !== n)) {
    throw new ModelError(
      `${model}: frequency, recency, T${data.weights === undefined ? '' : ' and weights'} differ in length (${n}, ${data.recency.length}, ${data.T.length}${data.weights === undefined ? '' : `, ${data.weights.length}`})`,
    );
  }
  if (n === 0) throw new ModelError(`${model} requires at least one customer`);
  let bad = 0;
  let first = '';
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i];
    const tx = data.recency[i];
    const age = data.T[i];
    const weight = data.weights === undefined ? 1 : data.weights[i];
    let problem = '';
    if (!(Number.isInteger(x) && x >= 0)) problem = `frequency ${x} is not a non-negative integer`;
    else if (!(Number.isFinite(age) && age >= 0)) problem = `T ${age} is not a non-negative number`;
    else if (!(Number.isFinite(tx) && tx >= 0 && tx <= age)) problem = `recency ${tx} is not between 0 and T ${age}`;
    else if (x === 0 && tx !== 0) problem = `recency ${tx} is not 0 although frequency is 0`;
    else if (age === 0 && x !== 0) problem = `frequency ${x} is not 0 although T is 0`;
    else if (!(Number.isFinite(weight) && weight >= 0)) problem = `weight ${weight} is not a non-negative number`;
    if (problem !== '') {
      if (bad === 0) first = `${entryName(i, data.ids)}: ${problem}`;
      bad++;
    } else {
      total += weight;
    }
  }
  if (bad > 0) {
    throw new ModelError(`${model}: ${bad} of ${n} entries are invalid; first ${first}`, {
      hint: 'frequency counts repeat purchases; recency and T are in period units with 0 <= recency <= T',
    });
  }
  if (!(total > 0)) throw new ModelError(`${model}: the weights sum to 0`);
}

/**
 * How errors name entry `i`: "entry 3", or "entry 3 (customer C0042)" when the caller passed the ids.
 *
 * @example
 * entryName(3, ['a', 'b', 'c', 'C0042']) // => 'entry 3 (customer C0042)'
 */
export function entryName(i: number, ids?: ArrayLike<string>): string {
  return ids !== undefined && i < ids.length ? `entry ${i} (customer ${ids[i]})` : `entry ${i}`;
}

/**
 * The entries of purchase-model data with T > 0, with their weights: a customer observed for no time
 * (T = 0, hence frequency = recency = 0) has a likelihood term of exactly 1 and a zero gradient in every
 * model, so the fits leave such entries out of the optimisation (their number still counts in `n`).
 * Returns the data itself when no T is 0.
 *
 * Cost: O(n).
 */
export function withPositiveAge(data: RfmData): RfmData {
  let zero = 0;
  for (let i = 0; i < data.T.length; i++) if (data.T[i] === 0) zero++;
  if (zero === 0) return data;
  const keep = data.T.length - zero;
  const out = { frequency: new Float64Array(keep), recency: new Float64Array(keep), T: new Float64Array(keep), weights: new Float64Array(keep) };
  let k = 0;
  for (let i = 0; i < data.T.length; i++) {
    if (data.T[i] === 0) continue;
    out.frequency[k] = data.frequency[i];
    out.recency[k] = data.recency[i];
    out.T[k] = data.T[i];
    out.weights[k] = data.weights === undefined ? 1 : data.weights[i];
    k++;
  }
  return out;
}

/** The problem with `weight` more customers that carry no information (T = 0), counted in `n` and AIC/BIC only. */
export function withConstantCustomers(problem: LikelihoodProblem, weight: number): LikelihoodProblem {
  if (!(weight > 0)) return problem;
  return { ...problem, n: problem.n + weight, constantCustomers: (problem.constantCustomers ?? 0) + weight };
}

/** The weighted mean of T (the scale of the time parameters α, β); 1 when it is not positive. */
export function meanAge(T: ArrayLike<number>, weights: ArrayLike<number>): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < T.length; i++) {
    sum += weights[i] * T[i];
    total += weights[i];
  }
  const mean = sum / total;
  return mean > 0 && Number.isFinite(mean) ? mean : 1;
}

/** Largest finite value ln-parameters may take in the optimiser (e^700 is near the double limit). */
const LOG_PARAMETER_LIMIT = 700;

/** Problems with more distinct tuples than this choose their start on a sample ({@link LikelihoodProblem.sample}). */
export const SAMPLE_ABOVE_DISTINCT = 40_000;
/** Customers in that sample. */
export const SAMPLE_CUSTOMERS = 20_000;

/** The box the optimiser keeps the log-parameters in: ln(LOWER_BOUND·scale), ln(UPPER_BOUND·scale). */
function boxOf(problem: LikelihoodProblem): { lower: number[]; upper: number[]; natural: [number, number][] } {
  const scales = problem.parameterNames.map((_, i) => {
    const scale = problem.scales?.[i] ?? 1;
    return scale > 0 && Number.isFinite(scale) ? scale : 1;
  });
  return {
    lower: scales.map((scale) => Math.log(LOWER_BOUND * scale)),
    upper: scales.map((scale) => Math.log(UPPER_BOUND * scale)),
    natural: scales.map((scale) => [LOWER_BOUND * scale, UPPER_BOUND * scale]),
  };
}

/**
 * The optimiser's objective of a problem: the mean negative log-likelihood per informative customer over
 * the log-parameters (Infinity outside the domain), with its gradient by the chain rule when the problem has
 * an analytic one, and the box of the parameter bounds.
 */
function objectiveOf(problem: LikelihoodProblem, options: FitOptions, deadline: number): { objective: (x: number[]) => number; options: MinimizeOptions } {
  const divisor = problem.n - (problem.constantCustomers ?? 0) > 0 ? problem.n - (problem.constantCustomers ?? 0) : problem.n;
  const objective = (logParams: number[]): number => {
    for (const v of logParams) if (!(Math.abs(v) <= LOG_PARAMETER_LIMIT)) return Infinity;
    const value = -problem.logLikelihood(logParams.map(Math.exp)) / divisor;
    return Number.isFinite(value) ? value : Infinity;
  };
  const likelihoodGradient = problem.gradient;
  const box = boxOf(problem);
  const minimizeOptions: MinimizeOptions = {
    maxIterations: options.maxIterations ?? 1000,
    gradientTolerance: options.gradientTolerance ?? 1e-7,
    lower: box.lower,
    upper: box.upper,
    deadline,
  };
  if (likelihoodGradient !== undefined) {
    // the same objective as above, with its gradient in the log-parameters by the chain rule
    minimizeOptions.gradient = (logParams: number[]): ValueAndGradient => {
      const outside = { value: Infinity, gradient: logParams.map(() => Number.NaN) };
      for (const v of logParams) if (!(Math.abs(v) <= LOG_PARAMETER_LIMIT)) return outside;
      const theta = logParams.map(Math.exp);
      const total = likelihoodGradient(theta);
      const value = -total.value / divisor;
      if (!Number.isFinite(value)) return outside;
      return { value, gradient: total.gradient.map((g, i) => (-theta[i] * g) / divisor) };
    };
  }
  return { objective, options: minimizeOptions };
}

/**
 * A parameter whose log-scale standard error SE(θ)/θ exceeds this is flat: its 95% interval spans more than
 * a factor e^(2·1.96·10) ≈ 1e17, so the data do not determine it and the fit is not trusted.
 */
const FLAT_LOG_SE = 10;
/** What to do about an untrusted fit: added to its warnings, and to the reasons the valuation gives. */
export const UNTRUSTED_ADVICE = 'try another model, more customers or a longer calibration window';

/**
 * Fits a model by maximum likelihood: minimises the mean negative log-likelihood per customer over the
 * log-parameters from every starting point (BFGS, Nelder-Mead fallback), within the box
 * [{@link LOWER_BOUND}, {@link UPPER_BOUND}] × the parameter's scale and within the time budget, restarts up
 * to twice from the best point when no start converged, then computes standard errors from the inverse of
 * the finite-difference Hessian of the total negative log-likelihood at the estimate (natural parameters),
 * log-scale Wald intervals, AIC/BIC, warnings, and whether the fit can be trusted.
 *
 * Not trusted (`trusted: false`, with the reasons in `problems`): the optimiser did not converge; a
 * parameter stopped at a bound (the maximum lies at or beyond it: the parameter is not identified); the
 * time budget ran out; the log-likelihood is not finite; the Hessian is not positive definite (a flat or
 * saddle optimum); or a parameter is flat (log-scale standard error above 10). `converged` is false at a
 * bound too: the optimiser stopped on the edge of the box, not at a maximum of the likelihood.
 *
 * With `problem.gradient`, the objective's gradient is the chain rule on it,
 *   ∂(−LL/n)/∂(ln θᵢ) = −θᵢ · (∂LL/∂θᵢ)/n,
 * and the Hessian is the central difference of the analytic gradient ({@link hessianFromGradient}) instead
 * of second differences of the likelihood ({@link hessian}).
 *
 * Cost: without a gradient, (starts + retries) × iterations × (2k + line search) likelihood evaluations,
 * plus 2k² + 1 for the Hessian; with one, (starts + retries) × iterations × (line-search trials, usually 1)
 * value-and-gradient passes, plus 2k for the Hessian; each pass is O(distinct tuples). At most
 * `maxIterations` per start and `timeBudgetMs` in all.
 *
 * @throws {ModelError} when no starting point gives a finite likelihood
 */
export function fitMaximumLikelihood(problem: LikelihoodProblem, options: FitOptions = {}): FittedModel {
  const k = problem.parameterNames.length;
  const starts = options.starts ?? problem.starts;
  for (const start of starts) {
    if (start.length !== k || start.some((v) => !(v > 0) || !Number.isFinite(v))) {
      throw new ModelError(`${problem.model}: starting point [${start.join(', ')}] must have ${k} positive numbers (${problem.parameterNames.join(', ')})`);
    }
  }
  const budget = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
  const deadline = Date.now() + budget;
  const box = boxOf(problem);
  const { objective, options: minimizeOptions } = objectiveOf(problem, options, deadline);
  const logStarts = (list: number[][]): number[][] => list.map((s) => s.map((v, i) => Math.min(box.upper[i], Math.max(box.lower[i], Math.log(v)))));
  // Large data: the starting points are tried on a random sample of the customers, and only the best
  // sample optimum is carried to the full data, with BFGS's curvature from the sample (the objective is the
  // mean per customer, so its curvature is about the same on both).
  const sample = !options.starts && problem.sample && problem.nDistinct > SAMPLE_ABOVE_DISTINCT ? problem.sample() : null;
  let multi: MinimizeResult;
  if (sample) {
    const onSample = objectiveOf(sample, options, deadline);
    const best = minimizeMultiStart(onSample.objective, logStarts(sample.starts), onSample.options);
    multi = Number.isFinite(best.value)
      ? minimize(objective, best.x, { ...minimizeOptions, initialInverseHessian: best.inverseHessian })
      : minimizeMultiStart(objective, logStarts(starts), minimizeOptions);
    if (!Number.isFinite(multi.value)) multi = minimizeMultiStart(objective, logStarts(starts), minimizeOptions);
  } else {
    multi = minimizeMultiStart(objective, logStarts(starts), minimizeOptions);
  }
  if (!Number.isFinite(multi.value)) {
    throw new ModelError(`${problem.model}: the log-likelihood is not finite at any starting point`, {
      hint: 'check the data for extreme values, or pass other starting points',
    });
  }
  let best: MinimizeResult = multi;
  let iterations = multi.iterations;
  let retries = 0;
  let timedOut = multi.timedOut === true;
  while (!best.converged && retries < RETRIES && !timedOut) {
    retries++;
    const again = minimize(objective, best.x, minimizeOptions);
    iterations += again.iterations;
    timedOut = again.timedOut === true;
    if (again.value <= best.value + 1e-12 * (1 + Math.abs(best.value))) best = again;
  }
  timedOut ||= Date.now() > deadline;
  const estimate = best.x.map(Math.exp);
  const logLikelihood = problem.logLikelihood(estimate);
  const warnings: string[] = [];
  const problems: string[] = [];

  const likelihoodGradient = problem.gradient;
  const information =
    likelihoodGradient === undefined
      ? hessian((theta) => {
          const value = problem.logLikelihood(theta);
          return Number.isFinite(value) ? -value : Number.NaN;
        }, estimate)
      : hessianFromGradient((theta) => {
          const total = likelihoodGradient(theta);
          return Number.isFinite(total.value) ? total.gradient.map((g) => -g) : theta.map(() => Number.NaN);
        }, estimate);
  const covariance = invertSymmetric(information);
  const params: Record<string, number> = {};
  const stdErrors: Record<string, number | null> = {};
  const intervals: Record<string, [number, number] | null> = {};
  const bounds: Record<string, [number, number]> = {};
  problem.parameterNames.forEach((name, i) => {
    params[name] = estimate[i];
    bounds[name] = box.natural[i];
    const variance = covariance === null ? Number.NaN : covariance[i][i];
    const se = variance > 0 && Number.isFinite(variance) ? Math.sqrt(variance) : null;
    stdErrors[name] = se;
    intervals[name] = logScaleInterval(estimate[i], se);
  });

  // parameters at a bound (to 0.1%: the projection puts them exactly there, and a search that creeps up a
  // flat ridge may stop just short of it)
  const atBound = problem.parameterNames.map((_, i) => (best.x[i] >= box.upper[i] - 1e-3 ? 'upper' : best.x[i] <= box.lower[i] + 1e-3 ? 'lower' : null));
  const anyAtBound = atBound.some((b) => b !== null);
  if (!best.converged) {
    const text =
      `the optimiser did not converge after ${starts.length} start${starts.length === 1 ? '' : 's'} and ${retries} retr${retries === 1 ? 'y' : 'ies'} ` +
      `(gradient norm ${formatNumber(best.gradientNorm)}, ${best.message})`;
    warnings.push(`${text}: estimates may be inaccurate`);
    problems.push(text);
  }
  if (timedOut) {
    problems.push(`the fit stopped at its time budget of ${formatNumber(budget / 1000)} s`);
  }
  problem.parameterNames.forEach((name, i) => {
    const side = atBound[i];
    if (side === null) return;
    const bound = side === 'upper' ? box.natural[i][1] : box.natural[i][0];
    const scaleNote = (problem.scales?.[i] ?? 1) === 1 ? '' : ` (${formatNumber(side === 'upper' ? UPPER_BOUND : LOWER_BOUND)} × the data's scale ${formatNumber(problem.scales![i])})`;
    const text = `parameter ${name} = ${formatNumber(estimate[i])} ran to the ${side} bound ${formatNumber(bound)}${scaleNote}: it is not identified by these data`;
    warnings.push(text);
    problems.push(`${text} (the maximum lies at or beyond the bound)`);
  });
  if (!Number.isFinite(logLikelihood)) problems.push(`the log-likelihood at the estimate is not finite (${logLikelihood})`);
  problem.parameterNames.forEach((name, i) => {
    const se = stdErrors[name];
    if (se !== null && atBound[i] === null && se > estimate[i]) {
      warnings.push(`parameter ${name} = ${formatNumber(estimate[i])} has a standard error of ${Math.round((100 * se) / estimate[i])}% of its value: it is poorly identified by these data`);
      if (se / estimate[i] > FLAT_LOG_SE) problems.push(`the likelihood is flat in ${name} (its standard error is ${formatNumber(se / estimate[i])} times its value): the data do not determine it`);
    }
  });
  if (covariance === null) {
    warnings.push('the hessian of the log-likelihood is not positive definite at the estimate: standard errors are not available');
    if (!anyAtBound) problems.push('the hessian of the log-likelihood is not positive definite at the estimate (a flat or saddle point, not a maximum)');
  }
  if (problems.length > 0) warnings.push(`the fit is not trusted: ${UNTRUSTED_ADVICE}`);
  const { aic, bic } = informationCriteria(logLikelihood, k, problem.n);
  return {
    model: problem.model,
    params,
    stdErrors,
    intervals,
    logLikelihood,
    aic,
    bic,
    n: problem.n,
    nDistinct: problem.nDistinct,
    converged: best.converged && !anyAtBound,
    iterations,
    starts: starts.length,
    ...(sample ? { startSample: sample.n } : {}),
    warnings,
    trusted: problems.length === 0,
    problems,
    bounds,
    covariance: covariance !== null && covariance.every((row) => row.every(Number.isFinite)) ? covariance.map((row) => [...row]) : null,
  };
}

/** A number for messages: 4 significant digits. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}

/**
 * A scale for the starting values of the Gamma rate parameter alpha in the purchase models: the mean
 * customer age divided by the mean number of repeat purchases (plus a small constant so it stays finite
 * when nobody repeats), so that r/alpha, the mean purchase rate, starts near its crude estimate whatever
 * the time unit.
 *
 * Cost: O(n).
 */
export function purchaseTimeScale(frequency: ArrayLike<number>, T: ArrayLike<number>, weights: ArrayLike<number>): number {
  let sumWeights = 0;
  let sumFrequency = 0;
  let sumT = 0;
  for (let i = 0; i < frequency.length; i++) {
    sumWeights += weights[i];
    sumFrequency += weights[i] * frequency[i];
    sumT += weights[i] * T[i];
  }
  const meanT = sumT / sumWeights;
  const meanFrequency = sumFrequency / sumWeights;
  return meanT / (meanFrequency + 0.05);
}
