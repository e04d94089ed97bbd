/**
 * The BG/BB model of repeat transactions at discrete opportunities (annual appeals of a charity, weekly
 * events, ...) in non-contractual settings: Fader, P. S., Hardie, B. G. S. & Shang, J. (2010), "Customer-base
 * analysis in a discrete-time noncontractual setting", Marketing Science 29(6), 1086-1108,
 * https://doi.org/10.1287/mksc.1100.0580 (FHS below; equation numbers as cited by lifetimes: P(X(n) = x) (7),
 * conditional expectation (13), P(alive) (A10)). FHS report α = 1.204, β = 0.750, γ = 0.657, δ = 2.783
 * and LL = −33,225.6 on their donations data.
 *
 * Assumptions: while alive, a customer transacts at each opportunity with probability p; a living customer
 * dies at the beginning of each opportunity with probability θ (so is alive at opportunity t with
 * probability (1 − θ)ᵗ); p ~ Beta(α, β) and θ ~ Beta(γ, δ) across customers, independently. The data are
 * x (number of opportunities with a transaction among the n after the first one), t_x (the opportunity of
 * the last transaction, 0 when x = 0) and n, usually collapsed to distinct (x, t_x, n) patterns with counts.
 */
import type { Rng } from '../core/random.js';
import { ModelError } from '../errors.js';
import { compressRfm, totalWeight } from './compress.js';
import { fitMaximumLikelihood, parameterVector } from './fit-common.js';
import type { FitOptions } from './fit-common.js';
import { lbeta, lgamma, logAddExp, logBetaRatio, logGammaRatio } from '../math/special.js';
import type { FittedModel } from './types.js';

/** BG/BB parameters, named as in FHS. `FittedModel.params` of a BG/BB fit has this shape. */
export type BgBbParams = { alpha: number; beta: number; gamma: number; delta: number };

/** Parameter order of the fitted vectors. */
export const parameterNames = ['alpha', 'beta', 'gamma', 'delta'] as const;

/**
 * BG/BB data: one entry per customer, or per distinct (frequency, recency, periods) pattern with `weights`.
 * All values are whole numbers of opportunities.
 */
export interface BgBbData {
  /** Number of opportunities with a transaction after the first one (x), 0..periods. */
  frequency: ArrayLike<number>;
  /** The opportunity of the last transaction (t_x), x..periods; 0 when frequency is 0. */
  recency: ArrayLike<number>;
  /** Number of transaction opportunities observed after the first transaction (n), >= 0. */
  periods: ArrayLike<number>;
  /** Number of customers with each entry; 1 each when absent. */
  weights?: ArrayLike<number>;
}

const MODEL = 'bgbb';

function read(params: Readonly<Record<string, number>>): [number, number, number, number] {
  const [alpha, beta, gamma, delta] = parameterVector(MODEL, params, parameterNames);
  return [alpha, beta, gamma, delta];
}

/** The reason a history is invalid, or '' when it is valid. */
function historyProblem(x: number, tx: number, n: number): string {
  // n = 0 (first transaction at the last opportunity observed) is valid: its likelihood term is 1
  if (!(Number.isInteger(n) && n >= 0)) return `periods ${n} is not a non-negative integer`;
  if (!(Number.isInteger(x) && x >= 0 && x <= n)) return `frequency ${x} is not an integer between 0 and periods ${n}`;
  if (!Number.isInteger(tx)) return `recency ${tx} is not an integer`;
  if (x === 0 && tx !== 0) return `recency ${tx} is not 0 although frequency is 0`;
  if (x > 0 && !(tx >= x && tx <= n)) return `recency ${tx} is not between frequency ${x} and periods ${n}`;
  return '';
}

/**
 * Checks BG/BB data: equal lengths, integer 0 <= frequency <= recency <= periods (recency 0 exactly when
 * frequency is 0), periods >= 0, finite non-negative weights with a positive sum.
 *
 * Cost: O(n).
 *
 * @throws {ModelError} naming the first bad entry (0-based index) and how many entries are bad
 */
function validate(data: BgBbData): void {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.periods.length !== n || (data.weights !== undefined && data.weights.length !== n)) {
    throw new ModelError(
      `${MODEL}: frequency, recency, periods${data.weights === undefined ? '' : ' and weights'} differ in length (${n}, ${data.recency.length}, ${data.periods.length}${data.weights === undefined ? '' : `, ${data.weights.length}`})`,
    );
  }
  if (n === 0) throw new ModelError(`${MODEL} requires at least one customer`);
  let bad = 0;
  let first = '';
  let total = 0;
  for (let i = 0; i < n; i++) {
    const weight = data.weights === undefined ? 1 : data.weights[i];
    let problem = historyProblem(data.frequency[i], data.recency[i], data.periods[i]);
    if (problem === '' && !(Number.isFinite(weight) && weight >= 0)) problem = `weight ${weight} is not a non-negative number`;
    if (problem !== '') {
      if (bad === 0) first = `entry ${i}: ${problem}`;
      bad++;
    } else {
      total += weight;
    }
  }
  if (bad > 0) {
    throw new ModelError(`${MODEL}: ${bad} of ${n} entries are invalid; first ${first}`, {
      hint: 'frequency counts the opportunities with a transaction, recency is the last such opportunity, periods the opportunities observed',
    });
  }
  if (!(total > 0)) throw new ModelError(`${MODEL}: the weights sum to 0`);
}

function checkHistory(x: number, tx: number, n: number): void {
  const problem = historyProblem(x, tx, n);
  if (problem !== '') throw new ModelError(`${MODEL}: invalid history: ${problem}`);
}

/**
 * ln L(α, β, γ, δ | x, t_x, n) (FHS):
 *
 *   L = B(α + x, β + n − x)/B(α, β) · B(γ, δ + n)/B(γ, δ)
 *     + Σ_{i=0}^{n−t_x−1} B(α + x, β + t_x − x + i)/B(α, β) · B(γ + 1, δ + t_x + i)/B(γ, δ),
 *
 * the sum evaluated from its first term with the ratios of consecutive terms
 * (β + t_x − x + i)/(α + β + t_x + i) · (δ + t_x + i)/(γ + δ + 1 + t_x + i), all <= 1.
 */
function logIndividual(alpha: number, beta: number, gamma: number, delta: number, x: number, tx: number, n: number): number {
  // The beta-function ratios as products over the integer shifts (logGammaRatio, logBetaRatio), not as
  // differences of lbeta values, which lose their digits when the parameters are large:
  // B(α + x, β + m − x)/B(α, β) = Γ(α + x)/Γ(α) · Γ(β + m − x)/Γ(β) / (Γ(α + β + m)/Γ(α + β)),
  // B(γ + 1, δ + m)/B(γ, δ) = γ/(γ + δ + m) · B(γ, δ + m)/B(γ, δ).
  const purchases = logGammaRatio(alpha, x);
  const alive = purchases + logGammaRatio(beta, n - x) - logGammaRatio(alpha + beta, n) + logBetaRatio(gamma, delta, n);
  const terms = n - tx;
  if (terms <= 0) return alive;
  const firstDead =
    purchases + logGammaRatio(beta, tx - x) - logGammaRatio(alpha + beta, tx) + Math.log(gamma) - Math.log(gamma + delta + tx) + logBetaRatio(gamma, delta, tx);
  let sum = 1;
  let term = 1;
  for (let i = 0; i < terms - 1; i++) {
    term *= ((beta + tx - x + i) / (alpha + beta + tx + i)) * ((delta + tx + i) / (gamma + delta + 1 + tx + i));
    sum += term;
  }
  return logAddExp(alive, firstDead + Math.log(sum));
}

function evaluate(data: BgBbData, alpha: number, beta: number, gamma: number, delta: number): number {
  let total = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    const weight = data.weights === undefined ? 1 : data.weights[i];
    if (weight === 0) continue;
    total += weight * logIndividual(alpha, beta, gamma, delta, data.frequency[i], data.recency[i], data.periods[i]);
  }
  return total;
}

/**
 * Total log-likelihood of the data (FHS), weighted by `data.weights`, on the log scale (lbeta and
 * log-sum-exp), finite for any number of periods and extreme parameters.
 *
 * Cost: O(Σ (n − t_x)) over the entries.
 *
 * @throws {ModelError} for non-positive parameters or invalid data
 * @example
 * logLikelihood({ alpha: 1, beta: 1, gamma: 1, delta: 1 }, { frequency: [0], recency: [0], periods: [1] })
 * // => Math.log(0.75) (dies at the opportunity: E[θ] = 1/2; survives without a transaction: 1/2 · 1/2)
 */
export function logLikelihood(params: Readonly<Record<string, number>>, data: BgBbData): number {
  const [alpha, beta, gamma, delta] = read(params);
  validate(data);
  return evaluate(data, alpha, beta, gamma, delta);
}

/**
 * Fits the BG/BB model by maximum likelihood on the distinct (x, t_x, n) patterns of the data (see
 * fit-common.ts for the optimisation on log-parameters, standard errors and warnings). Starts:
 * (1, 1, 0.5, 3) (BTYD's example) and two others.
 *
 * Cost: O(customers) to compress, then O(Σ (n − t_x)) over the distinct patterns per likelihood evaluation.
 *
 * @throws {ModelError} for invalid data, when nobody transacted after the first opportunity (or everybody
 *   did at every opportunity), or when the likelihood is not finite at any start
 * @example
 * fit(donations).params // => { alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783 } (to 3 decimals)
 */
export function fit(data: BgBbData, options: FitOptions = {}): FittedModel {
  validate(data);
  const compressed = compressRfm({ frequency: data.frequency, recency: data.recency, T: data.periods, weights: data.weights });
  const patterns: BgBbData = { frequency: compressed.frequency, recency: compressed.recency, periods: compressed.T, weights: compressed.weights };
  if (compressed.frequency.every((x) => x === 0)) {
    throw new ModelError(`${MODEL}: nobody transacted after the first opportunity, so the model cannot be estimated`, {
      hint: 'use more periods, or check that frequency counts the repeat transactions',
    });
  }
  if (compressed.frequency.every((x, i) => x === compressed.T[i])) {
    throw new ModelError(`${MODEL}: everybody transacted at every opportunity, so the dropout process cannot be estimated`);
  }
  return fitMaximumLikelihood(
    {
      model: MODEL,
      parameterNames,
      logLikelihood: ([alpha, beta, gamma, delta]) => evaluate(patterns, alpha, beta, gamma, delta),
      n: totalWeight(compressed.weights, compressed.frequency.length),
      nDistinct: compressed.frequency.length,
      starts: [
        [1, 1, 0.5, 3],
        [1, 1, 1, 1],
        [0.5, 2, 2, 10],
      ],
    },
    options,
  );
}

/**
 * Probability that a customer with history (x, t_x, n) is alive at opportunity n + periodsAhead (FHS
 * eq. A10; periodsAhead = 1 gives the paper's "P(alive in period n + 1)", its Table 6):
 *
 *   P = B(α + x, β + n − x)/B(α, β) · B(γ, δ + n + periodsAhead)/B(γ, δ) / L(α, β, γ, δ | x, t_x, n).
 *
 * Cost: O(n − t_x).
 *
 * @param periodsAhead opportunities after n, default 1 (0 gives P(alive at n))
 * @throws {ModelError} for non-positive parameters or an invalid history
 * @example
 * probabilityAlive({ alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783 }, 6, 6, 6) // => 0.93 (FHS Table 6)
 */
export function probabilityAlive(params: Readonly<Record<string, number>>, frequency: number, recency: number, periods: number, periodsAhead = 1): number {
  const [alpha, beta, gamma, delta] = read(params);
  checkHistory(frequency, recency, periods);
  if (!(Number.isInteger(periodsAhead) && periodsAhead >= 0)) {
    throw new ModelError(`${MODEL}: periodsAhead must be a non-negative integer, found ${periodsAhead}`);
  }
  const alive =
    lbeta(alpha + frequency, beta + periods - frequency) - lbeta(alpha, beta) + lbeta(gamma, delta + periods + periodsAhead) - lbeta(gamma, delta);
  return Math.exp(alive - logIndividual(alpha, beta, gamma, delta, frequency, recency, periods));
}

/**
 * Σ_{i=1}^{k} B(γ, δ + n + i)/B(γ, δ) = E[Σ_{i=1}^{k} (1 − θ)^(n+i)] = δ/(γ − 1) · [Q(n) − Q(n + k)] with
 * Q(m) = Γ(γ + δ)Γ(1 + δ + m)/(Γ(1 + δ)Γ(γ + δ + m)), evaluated as δ·Q(n)·(−expm1(−σ))/(γ − 1) with
 * σ = Σ_{j=n}^{n+k−1} ln(1 + (γ − 1)/(1 + δ + j)) = ln(Q(n)/Q(n + k)), so that it is continuous at γ = 1.
 */
function survivalSum(gamma: number, delta: number, n: number, k: number): number {
  const u = gamma - 1;
  const logQ = lgamma(gamma + delta) - lgamma(1 + delta) + lgamma(1 + delta + n) - lgamma(gamma + delta + n);
  let sigmaOverU = 0; // σ/u = Σ log1p(u/y)/u, → Σ 1/y at u = 0
  for (let j = n; j < n + k; j++) {
    const y = 1 + delta + j;
    sigmaOverU += u === 0 ? 1 / y : Math.log1p(u / y) / u;
  }
  const sigma = u * sigmaOverU;
  const expm1Ratio = sigma === 0 ? 1 : -Math.expm1(-sigma) / sigma;
  return delta * Math.exp(logQ) * expm1Ratio * sigmaOverU;
}

/**
 * Expected number of transactions in the next `n` opportunities (n + 1 .. n + `n`) of a customer with
 * history (x, t_x, periods) (FHS eq. 13):
 *
 *   E = 1/L · B(α + x + 1, β + periods − x)/B(α, β) · δ/(γ − 1) · Γ(γ + δ)/Γ(1 + δ)
 *         · [Γ(1 + δ + periods)/Γ(γ + δ + periods) − Γ(1 + δ + periods + n)/Γ(γ + δ + periods + n)],
 *
 * evaluated so that it is continuous at γ = 1.
 *
 * Cost: O(periods − t_x + n).
 *
 * @param n number of future opportunities, a non-negative integer
 * @throws {ModelError} for non-positive parameters, an invalid history or n
 * @example
 * expectedTransactions({ alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783 }, 5, 6, 6, 6) // => 3.752 (to 3 decimals)
 */
export function expectedTransactions(params: Readonly<Record<string, number>>, n: number, frequency: number, recency: number, periods: number): number {
  const [alpha, beta, gamma, delta] = read(params);
  checkHistory(frequency, recency, periods);
  if (!(Number.isInteger(n) && n >= 0)) throw new ModelError(`${MODEL}: the number of future opportunities must be a non-negative integer, found ${n}`);
  if (n === 0) return 0;
  const logPurchase = lbeta(alpha + frequency + 1, beta + periods - frequency) - lbeta(alpha, beta);
  const logL = logIndividual(alpha, beta, gamma, delta, frequency, recency, periods);
  return Math.exp(logPurchase - logL) * survivalSum(gamma, delta, periods, n);
}

/**
 * Expected number of transactions in the first n opportunities of a new customer (FHS; the mean of
 * P(X(n) = x), eq. 7):
 *
 *   E[X(n)] = α/(α + β) · δ/(γ − 1) · [1 − Γ(γ + δ)Γ(1 + δ + n)/(Γ(γ + δ + n)Γ(1 + δ))],
 *
 * continuous at γ = 1.
 *
 * Cost: O(n).
 *
 * @param n number of opportunities, a non-negative integer
 * @throws {ModelError} for non-positive parameters or a bad n
 * @example
 * expectedTransactionsNew({ alpha: 1, beta: 1, gamma: 1, delta: 1 }, 1) // => 0.25 (p̄ = 1/2, P(alive at 1) = 1/2)
 */
export function expectedTransactionsNew(params: Readonly<Record<string, number>>, n: number): number {
  const [alpha, beta, gamma, delta] = read(params);
  if (!(Number.isInteger(n) && n >= 0)) throw new ModelError(`${MODEL}: the number of opportunities must be a non-negative integer, found ${n}`);
  if (n === 0) return 0;
  return (alpha / (alpha + beta)) * survivalSum(gamma, delta, 0, n);
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Number of customers. */
  customers: number;
  /** Number of opportunities per customer, one number for all or one per customer. */
  periods: number | ArrayLike<number>;
}

/** Simulated BG/BB data, one entry per customer. */
export interface SimulatedBgBb {
  frequency: number[];
  recency: number[];
  periods: number[];
}

/**
 * Simulates customers from the BG/BB process: p ~ Beta(α, β), θ ~ Beta(γ, δ); at each opportunity
 * 1..n a living customer first dies with probability θ, then, if still alive, transacts with probability p.
 *
 * Cost: O(customers × periods).
 *
 * @throws {ModelError} for non-positive parameters; {RangeError} for a bad customer count or periods
 * @example
 * simulate({ alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783 }, { customers: 1000, periods: 6 }, createRng(1)).frequency.length // => 1000
 */
export function simulate(params: Readonly<Record<string, number>>, options: SimulateOptions, rng: Rng): SimulatedBgBb {
  const [alpha, beta, gamma, delta] = read(params);
  const { customers } = options;
  if (!(Number.isInteger(customers) && customers >= 0)) throw new RangeError(`customers must be a non-negative integer, found ${customers}`);
  if (typeof options.periods !== 'number' && options.periods.length !== customers) {
    throw new RangeError(`periods has ${options.periods.length} entries for ${customers} customers`);
  }
  const frequency = new Array<number>(customers);
  const recency = new Array<number>(customers);
  const periods = new Array<number>(customers);
  for (let i = 0; i < customers; i++) {
    const n = typeof options.periods === 'number' ? options.periods : options.periods[i];
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`periods must be a positive integer, found ${n} for customer ${i}`);
    const p = rng.beta(alpha, beta);
    const theta = rng.beta(gamma, delta);
    let x = 0;
    let last = 0;
    for (let t = 1; t <= n; t++) {
      if (rng.uniform() < theta) break;
      if (rng.uniform() < p) {
        x++;
        last = t;
      }
    }
    frequency[i] = x;
    recency[i] = last;
    periods[i] = n;
  }
  return { frequency, recency, periods };
}
