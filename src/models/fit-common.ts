/**
 * Maximum-likelihood fitting shared by the models: optimisation on log-parameters from several starting
 * points, standard errors from a finite-difference Hessian of the total log-likelihood in the natural
 * parameters, 95% intervals, AIC/BIC and warnings, assembled into a {@link FittedModel}.
 *
 * Models that provide the analytic gradient of their log-likelihood (BG/NBD, MBG/NBD, Gamma-Gamma) are
 * optimised on it: one pass over the data per BFGS step instead of 2k + 1 for central differences. The
 * others (Pareto/NBD, BG/BB, sBG) use central differences of the likelihood.
 *
 * Why the objective is the mean negative log-likelihood per customer: the total grows with n, and with
 * gradients of size n the BFGS line search overshoots into regions where BG/NBD's b runs off towards 1e15;
 * dividing by n keeps the gradient O(1) whatever the number of customers (lifetimes does the same).
 *
 * Intervals are Wald intervals on the log scale: θ̂ · exp(±1.96 · SE(θ̂)/θ̂), where SE/θ̂ is the delta-method
 * standard error of ln θ̂. They are always positive and asymmetric, unlike θ̂ ± 1.96 SE.
 */
import { ModelError } from '../errors.js';
import { hessian, hessianFromGradient, invertSymmetric, minimize, minimizeMultiStart } from './optimize.js';
import type { MinimizeOptions, MinimizeResult, ValueAndGradient } from './optimize.js';
import type { FittedModel, ModelName, RfmData } from './types.js';

/** Options of the models' `fit` functions. */
export interface FitOptions {
  /** Starting points in the natural parameters, in the model's parameter order; replace the model's defaults. */
  starts?: number[][];
  /** Maximum BFGS iterations per start. Default 1000. */
  maxIterations?: number;
  /** Gradient tolerance on the mean log-likelihood per customer, in log-parameters. Default 1e-7. */
  gradientTolerance?: number;
}

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
}

/** Parameters above this (or below {@link LOWER_BOUND}) are reported as having run to a bound. */
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
 * frequency is 0, T > 0, finite non-negative weights with a positive sum.
 *
 * Cost: O(n).
 *
 * @throws {ModelError} naming the first bad entry (0-based index) and how many entries are bad
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
    else if (!(Number.isFinite(age) && age > 0)) problem = `T ${age} is not a positive number`;
    else if (!(Number.isFinite(tx) && tx >= 0 && tx <= age)) problem = `recency ${tx} is not between 0 and T ${age}`;
    else if (x === 0 && tx !== 0) problem = `recency ${tx} is not 0 although frequency is 0`;
    else if (!(Number.isFinite(weight) && weight >= 0)) problem = `weight ${weight} is not a non-negative number`;
    if (problem !== '') {
      if (bad === 0) first = `entry ${i}: ${problem}`;
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

/** Largest finite value ln-parameters may take in the optimiser (e^700 is near the double limit). */
const LOG_PARAMETER_LIMIT = 700;

/** Problems with more distinct tuples than this choose their start on a sample ({@link LikelihoodProblem.sample}). */
export const SAMPLE_ABOVE_DISTINCT = 40_000;
/** Customers in that sample. */
export const SAMPLE_CUSTOMERS = 20_000;

/**
 * The optimiser's objective of a problem: the mean negative log-likelihood per customer over the
 * log-parameters (Infinity outside the domain), with its gradient by the chain rule when the problem has an
 * analytic one.
 */
function objectiveOf(problem: LikelihoodProblem, options: FitOptions): { objective: (x: number[]) => number; options: MinimizeOptions } {
  const objective = (logParams: number[]): number => {
    for (const v of logParams) if (!(Math.abs(v) <= LOG_PARAMETER_LIMIT)) return Infinity;
    const value = -problem.logLikelihood(logParams.map(Math.exp)) / problem.n;
    return Number.isFinite(value) ? value : Infinity;
  };
  const likelihoodGradient = problem.gradient;
  const minimizeOptions: MinimizeOptions = {
    maxIterations: options.maxIterations ?? 1000,
    gradientTolerance: options.gradientTolerance ?? 1e-7,
  };
  if (likelihoodGradient !== undefined) {
    // the same objective as above, with its gradient in the log-parameters by the chain rule
    minimizeOptions.gradient = (logParams: number[]): ValueAndGradient => {
      const outside = { value: Infinity, gradient: logParams.map(() => Number.NaN) };
      for (const v of logParams) if (!(Math.abs(v) <= LOG_PARAMETER_LIMIT)) return outside;
      const theta = logParams.map(Math.exp);
      const total = likelihoodGradient(theta);
      const value = -total.value / problem.n;
      if (!Number.isFinite(value)) return outside;
      return { value, gradient: total.gradient.map((g, i) => (-theta[i] * g) / problem.n) };
    };
  }
  return { objective, options: minimizeOptions };
}

/**
 * Fits a model by maximum likelihood: minimises the mean negative log-likelihood per customer over the
 * log-parameters from every starting point (BFGS, Nelder-Mead fallback), restarts up to twice from the best
 * point when no start converged, then computes standard errors from the inverse of the finite-difference
 * Hessian of the total negative log-likelihood at the estimate (natural parameters), log-scale Wald
 * intervals, AIC/BIC and warnings (no convergence; a parameter beyond 1e6 or below 1e-6; a standard error
 * larger than the estimate; a Hessian that is not positive definite).
 *
 * With `problem.gradient`, the objective's gradient is the chain rule on it,
 *   ∂(−LL/n)/∂(ln θᵢ) = −θᵢ · (∂LL/∂θᵢ)/n,
 * and the Hessian is the central difference of the analytic gradient ({@link hessianFromGradient}) instead
 * of second differences of the likelihood ({@link hessian}).
 *
 * Cost: without a gradient, (starts + retries) × iterations × (2k + line search) likelihood evaluations,
 * plus 2k² + 1 for the Hessian; with one, (starts + retries) × iterations × (line-search trials, usually 1)
 * value-and-gradient passes, plus 2k for the Hessian; each pass is O(distinct tuples).
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
  const { objective, options: minimizeOptions } = objectiveOf(problem, options);
  // Large data: the starting points are tried on a random sample of the customers, and only the best
  // sample optimum is carried to the full data, with BFGS's curvature from the sample (the objective is the
  // mean per customer, so its curvature is about the same on both).
  const sample = !options.starts && problem.sample && problem.nDistinct > SAMPLE_ABOVE_DISTINCT ? problem.sample() : null;
  let multi: MinimizeResult;
  if (sample) {
    const onSample = objectiveOf(sample, options);
    const best = minimizeMultiStart(onSample.objective, sample.starts.map((s) => s.map(Math.log)), onSample.options);
    multi = Number.isFinite(best.value)
      ? minimize(objective, best.x, { ...minimizeOptions, initialInverseHessian: best.inverseHessian })
      : minimizeMultiStart(objective, starts.map((s) => s.map(Math.log)), minimizeOptions);
    if (!Number.isFinite(multi.value)) multi = minimizeMultiStart(objective, starts.map((s) => s.map(Math.log)), minimizeOptions);
  } else {
    multi = minimizeMultiStart(objective, starts.map((s) => s.map(Math.log)), minimizeOptions);
  }
  if (!Number.isFinite(multi.value)) {
    throw new ModelError(`${problem.model}: the log-likelihood is not finite at any starting point`, {
      hint: 'check the data for extreme values, or pass other starting points',
    });
  }
  let best: MinimizeResult = multi;
  let iterations = multi.iterations;
  let retries = 0;
  while (!best.converged && retries < RETRIES) {
    retries++;
    const again = minimize(objective, best.x, minimizeOptions);
    iterations += again.iterations;
    if (again.value <= best.value + 1e-12 * (1 + Math.abs(best.value))) best = again;
  }
  const estimate = best.x.map(Math.exp);
  const logLikelihood = problem.logLikelihood(estimate);
  const warnings: string[] = [];

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
  problem.parameterNames.forEach((name, i) => {
    params[name] = estimate[i];
    const variance = covariance === null ? Number.NaN : covariance[i][i];
    const se = variance > 0 && Number.isFinite(variance) ? Math.sqrt(variance) : null;
    stdErrors[name] = se;
    intervals[name] = logScaleInterval(estimate[i], se);
  });

  if (!best.converged) {
    warnings.push(
      `the optimiser did not converge after ${starts.length} start${starts.length === 1 ? '' : 's'} and ${retries} retr${retries === 1 ? 'y' : 'ies'} ` +
        `(gradient norm ${formatNumber(best.gradientNorm)}, ${best.message}): estimates may be inaccurate`,
    );
  }
  problem.parameterNames.forEach((name, i) => {
    if (estimate[i] > UPPER_BOUND) {
      warnings.push(`parameter ${name} = ${formatNumber(estimate[i])} ran to the upper bound (> ${formatNumber(UPPER_BOUND)}): it is not identified by these data`);
    } else if (estimate[i] < LOWER_BOUND) {
      warnings.push(`parameter ${name} = ${formatNumber(estimate[i])} ran to the lower bound (< ${formatNumber(LOWER_BOUND)}): it is not identified by these data`);
    }
  });
  problem.parameterNames.forEach((name, i) => {
    const se = stdErrors[name];
    if (se !== null && estimate[i] >= LOWER_BOUND && estimate[i] <= UPPER_BOUND && se > estimate[i]) {
      warnings.push(`parameter ${name} = ${formatNumber(estimate[i])} has a standard error of ${Math.round((100 * se) / estimate[i])}% of its value: it is poorly identified by these data`);
    }
  });
  if (covariance === null) {
    warnings.push('the hessian of the log-likelihood is not positive definite at the estimate: standard errors are not available');
  }
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
    converged: best.converged,
    iterations,
    starts: starts.length,
    ...(sample ? { startSample: sample.n } : {}),
    warnings,
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
