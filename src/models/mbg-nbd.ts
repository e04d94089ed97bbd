/**
 * The MBG/NBD model: Batislam, E. P., Denizel, M. & Filiztekin, A. (2007), "Empirical validation and
 * comparison of models for customer base analysis", International Journal of Research in Marketing 24(3),
 * 201-209, https://doi.org/10.1016/j.ijresmar.2006.12.005; with the corrected expectations of Wagner, U. &
 * Hoppe, D. (2008), "Erratum on the MBG/NBD model", IJRM 25(3), 225-226.
 *
 * Assumptions: as the BG/NBD (bg-nbd.ts) — Poisson purchases with λ ~ Gamma(r, rate α), dropout with
 * probability p ~ Beta(a, b) — except that the customer may also drop out right after the first purchase
 * (time 0). Hence P(alive) < 1 also for customers without repeat purchases, which removes the BG/NBD's
 * "one-time buyers are always alive" artefact.
 *
 * Formulas (Batislam et al. 2007, appendix; Wagner & Hoppe 2008; (M1)-(M5) in docs/models.md): likelihood
 *   L = B(a, b + x + 1)/B(a, b) · Γ(r + x) αʳ / (Γ(r)(α + T)^(r+x)) + B(a + 1, b + x)/B(a, b) · Γ(r + x) αʳ / (Γ(r)(α + t_x)^(r+x)),
 * P(alive) = 1 / (1 + a/(b + x) · ((α + T)/(α + t_x))^(r+x)),
 * E[X(t)] = b/(a − 1) · [1 − (α/(α + t))ʳ ₂F₁(r, b + 1; a + b; t/(α + t))],
 * E[Y(t) | x, t_x, T] = (a + b + x)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r+x) ₂F₁(r + x, b + x + 1; a + b + x; t/(α + T + t))] / (1 + a/(b + x) · ((α + T)/(α + t_x))^(r+x)).
 */
import type { Rng } from '../core/random.js';
import { ModelError } from '../errors.js';
import { simulatePurchases, survivalAfterPurchases } from './bg-nbd.js';
import type { SimulatedRfm, SimulateOptions } from './bg-nbd.js';
import type { IndexedRfm } from './compress.js';
import type { FitOptions } from './fit-common.js';
import { CompensatedSum, digammaDifference, hyp2f1Bracket, lbeta, lbetaRatioGradient, logAddExp, logBetaRatio, logGammaRatio, logNbdProbability, nbdTailProbability } from '../math/special.js';
import type { FittedModel, RfmData } from './types.js';
import { conditionalExpectationSteps, fitNbd, nbdLogLikelihood, nbdLogLikelihoodGradient, NBD_PARAMETERS, readNbdParameters, type NbdLikelihood } from './nbd-family.js';

export type { SimulatedRfm, SimulateOptions } from './bg-nbd.js';

/** MBG/NBD parameters, named as in the paper. */
export type MbgNbdParams = { r: number; alpha: number; a: number; b: number };

/** Parameter order of the fitted vectors. */
export const parameterNames = NBD_PARAMETERS;

const MODEL = 'mbgnbd';

/** The model's likelihood, for the family's shared fit and evaluation (nbd-family.ts). */
const LIKELIHOOD: NbdLikelihood = { model: MODEL, evaluate, evaluateWithGradient };

function read(params: Readonly<Record<string, number>>): [number, number, number, number] {
  return readNbdParameters(MODEL, params);
}

/**
 * The per-frequency, per-age and per-recency pieces of the likelihood, computed without cancellation as for
 * the BG/NBD (bg-nbd.ts):
 *
 *   ln L = ln Γ(r + x)/Γ(r) − r·ln(1 + T/α) − x·ln(α + T)
 *          + ln[ B(a, b + x + 1)/B(a, b) + B(a + 1, b + x)/B(a, b)·((α + T)/(α + t_x))^(r+x) ],
 *
 * with B(a + 1, b + x) = B(a, b + x + 1)·a/(b + x). The plain form lost every digit of
 * ln B(a, b + x + 1) − ln B(a, b) at huge a and b (both terms then came out 0, and each customer gained
 * ln 2: an independent check found +2.08 for 3 customers where the exact value is −16.68).
 */
function pieces(data: IndexedRfm, r: number, alpha: number, a: number, b: number): {
  survive: Float64Array;
  dropout: Float64Array;
  log1pAge: Float64Array;
  logAge: Float64Array;
  log1pLast: Float64Array;
} {
  const frequencies = data.frequency.values;
  const survive = new Float64Array(frequencies.length);
  const dropout = new Float64Array(frequencies.length);
  for (let k = 0; k < frequencies.length; k++) {
    const x = frequencies[k];
    survive[k] = logGammaRatio(r, x) + logBetaRatio(a, b, x + 1);
    dropout[k] = survive[k] + Math.log(a) - Math.log(b + x);
  }
  const ages = data.T.values;
  const lasts = data.recency.values;
  return {
    survive,
    dropout,
    log1pAge: Float64Array.from(ages, (T) => Math.log1p(T / alpha)),
    logAge: Float64Array.from(ages, (T) => Math.log(alpha + T)),
    log1pLast: Float64Array.from(lasts, (tx) => Math.log1p(tx / alpha)),
  };
}

/** Total weighted log-likelihood on indexed data (see {@link pieces}). */
function evaluate(data: IndexedRfm, r: number, alpha: number, a: number, b: number): number {
  const frequencies = data.frequency.values;
  const { survive, dropout, log1pAge, logAge, log1pLast } = pieces(data, r, alpha, a, b);
  const total = new CompensatedSum();
  for (let i = 0; i < data.length; i++) {
    const k = data.frequency.index[i];
    const iT = data.T.index[i];
    const x = frequencies[k];
    const base = -r * log1pAge[iT] - x * logAge[iT];
    const value = logAddExp(base + survive[k], base + dropout[k] + (r + x) * (log1pAge[iT] - log1pLast[data.recency.index[i]]));
    total.add(data.weights[i] * value);
  }
  return total.value();
}

/**
 * Total weighted log-likelihood and its gradient in (r, α, a, b), in one pass over the indexed data.
 *
 * As for the BG/NBD (bg-nbd.ts) with x + 1 dropout coins in the first term and the second term present for
 * every x; with w = A₂/(A₁ + A₂):
 *
 *   ∂/∂r = ψ(r + x) − ψ(r) − [(1 − w) ln(1 + T/α) + w ln(1 + t_x/α)]
 *   ∂/∂α = r [(1 − w) T/(α(α + T)) + w t_x/(α(α + t_x))] − x [(1 − w)/(α + T) + w/(α + t_x)]
 *   ∂/∂a = ψ(a + b) − ψ(a + b + x + 1) + w/a
 *   ∂/∂b = ψ(b + x + 1) − ψ(b) − ψ(a + b + x + 1) + ψ(a + b) − w/(b + x)
 *
 * The value is computed exactly as in {@link evaluate}.
 */
function evaluateWithGradient(data: IndexedRfm, r: number, alpha: number, a: number, b: number): { value: number; gradient: number[] } {
  const frequencies = data.frequency.values;
  const m = frequencies.length;
  const { survive, dropout, log1pAge, logAge, log1pLast } = pieces(data, r, alpha, a, b);
  const digammaR = new Float64Array(m);
  const betaGradientA = new Float64Array(m);
  const betaGradientB = new Float64Array(m);
  const inverseDropoutB = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const x = frequencies[k];
    digammaR[k] = digammaDifference(r, x);
    const [betaA, betaB] = lbetaRatioGradient(a, b, x + 1);
    betaGradientA[k] = betaA;
    betaGradientB[k] = betaB;
    inverseDropoutB[k] = 1 / (b + x);
  }
  const ages = data.T.values;
  const lasts = data.recency.values;
  const inverseAge = ages.map((T) => 1 / (alpha + T));
  const inverseLast = lasts.map((tx) => 1 / (alpha + tx));
  const shrinkAge = ages.map((T, j) => (T / alpha) * inverseAge[j]);
  const shrinkLast = lasts.map((tx, j) => (tx / alpha) * inverseLast[j]);
  const inverseA = 1 / a;
  const total = new CompensatedSum();
  let gradientR = 0;
  let gradientAlpha = 0;
  let gradientA = 0;
  let gradientB = 0;
  for (let i = 0; i < data.length; i++) {
    const k = data.frequency.index[i];
    const iT = data.T.index[i];
    const iR = data.recency.index[i];
    const x = frequencies[k];
    const base = -r * log1pAge[iT] - x * logAge[iT];
    const first = base + survive[k];
    const second = base + dropout[k] + (r + x) * (log1pAge[iT] - log1pLast[iR]);
    // logAddExp(first, second), and w = e^second / (e^first + e^second) from the same exponential
    const d = second - first;
    let value: number;
    let w: number;
    if (d <= 0) {
      const e = Math.exp(d);
      value = first + Math.log1p(e);
      w = e / (1 + e);
    } else if (d > 0) {
      const e = Math.exp(-d);
      value = second + Math.log1p(e);
      w = 1 / (1 + e);
    } else {
      value = logAddExp(first, second);
      w = Number.NaN;
    }
    const weight = data.weights[i];
    total.add(weight * value);
    const log1pMix = log1pAge[iT] + w * (log1pLast[iR] - log1pAge[iT]);
    const inverseMix = inverseAge[iT] + w * (inverseLast[iR] - inverseAge[iT]);
    const shrinkMix = shrinkAge[iT] + w * (shrinkLast[iR] - shrinkAge[iT]);
    gradientR += weight * (digammaR[k] - log1pMix);
    gradientAlpha += weight * (r * shrinkMix - x * inverseMix);
    gradientA += weight * (betaGradientA[k] + w * inverseA);
    gradientB += weight * (betaGradientB[k] - w * inverseDropoutB[k]);
  }
  return { value: total.value(), gradient: [gradientR, gradientAlpha, gradientA, gradientB] };
}

/**
 * Total log-likelihood of the data, weighted by `data.weights`, on the log scale (lgamma, lbeta,
 * log-sum-exp).
 *
 * Cost: O(n) plus lgamma/lbeta per distinct frequency and a log per distinct recency and T.
 *
 * @throws {ModelError} for non-positive parameters or invalid data
 * @example
 * logLikelihood({ r: 1, alpha: 1, a: 1, b: 1 }, { frequency: [0], recency: [0], T: [1] })
 * // => ln(B(1, 2)·½ + B(2, 1)·1) = ln(0.75)
 */
export function logLikelihood(params: Readonly<Record<string, number>>, data: RfmData): number {
  return nbdLogLikelihood(LIKELIHOOD, params, data);
}

/**
 * Total log-likelihood and its gradient in the natural parameters, in the order of {@link parameterNames}
 * (r, α, a, b), computed in the same pass over the data. `value` equals {@link logLikelihood}.
 *
 * Cost: O(n) plus lgamma, lbeta and ψ differences per distinct frequency, a log per distinct recency and T.
 *
 * @throws {ModelError} for non-positive parameters or invalid data
 * @example
 * logLikelihoodGradient({ r: 1, alpha: 1, a: 1, b: 1 }, { frequency: [0], recency: [0], T: [1] }).value // => Math.log(0.75)
 */
export function logLikelihoodGradient(params: Readonly<Record<string, number>>, data: RfmData): { value: number; gradient: number[] } {
  return nbdLogLikelihoodGradient(LIKELIHOOD, params, data);
}

/**
 * Fits the MBG/NBD model by maximum likelihood on the distinct (x, t_x, T) tuples (see fit-common.ts).
 *
 * Cost: O(n) to compress, then O(distinct tuples) per likelihood evaluation: BFGS on the analytic gradient
 * ({@link logLikelihoodGradient}), about 25 value-and-gradient passes per start, plus 2k for the Hessian.
 *
 * @throws {ModelError} for invalid data, when no customer made a repeat purchase, or when the likelihood is
 *   not finite at any start
 * @example
 * fit(cdnow).params // => { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } (BTYDplus, to 3 decimals)
 */
export function fit(data: RfmData, options: FitOptions = {}): FittedModel {
  return fitNbd(LIKELIHOOD, data, options);
}

/**
 * Probability that a customer with history (x, t_x, T) is still active at T:
 * 1 / (1 + a/(b + x) · ((α + T)/(α + t_x))^(r+x)). Below 1 also for x = 0, and falling with T.
 *
 * Cost: O(1).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * probabilityAlive({ r: 1, alpha: 1, a: 1, b: 1 }, 0, 0, 1) // => 1 / (1 + 1 · 2) = 0.3333333333333333
 */
export function probabilityAlive(params: Readonly<Record<string, number>>, frequency: number, recency: number, T: number): number {
  const [r, alpha, a, b] = read(params);
  const logOdds = Math.log(a) - Math.log(b + frequency) + (r + frequency) * (Math.log(alpha + T) - Math.log(alpha + recency));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Expected number of repeat purchases in (T, T + t] of a customer with history (x, t_x, T) (Wagner & Hoppe
 * 2008), evaluated as (a + b + x)·{@link hyp2f1Bracket}(a + b − r, a, a + b + x, t/(α + T + t)) / (1 + a/(b + x)·((α + T)/(α + t_x))^(r+x))
 * through Euler's transformation of the ₂F₁.
 *
 * Cost: O(terms of the series).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * expectedTransactions({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, 39, 2, 30.43, 38.86) // => 1.263 (to 3 decimals)
 */
export function expectedTransactions(params: Readonly<Record<string, number>>, t: number, frequency: number, recency: number, T: number): number {
  const [r, alpha, a, b] = read(params);
  if (t === 0) return 0;
  return conditionalNumerator(r, alpha, a, b, t, frequency, T) / conditionalDenominator(r, alpha, a, b, frequency, recency, T);
}

/** (a + b + x)·hyp2f1Bracket(a + b − r, a, a + b + x, t/(α + T + t)): depends on (t, x, T) only. */
function conditionalNumerator(r: number, alpha: number, a: number, b: number, t: number, x: number, T: number): number {
  return (a + b + x) * hyp2f1Bracket(a + b - r, a, a + b + x, t / (alpha + T + t));
}

/** 1 + a/(b + x)·((α + T)/(α + t_x))^(r+x): does not depend on t. */
function conditionalDenominator(r: number, alpha: number, a: number, b: number, x: number, recency: number, T: number): number {
  const logOdds = Math.log(a) - Math.log(b + x) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + recency));
  return 1 + Math.exp(logOdds);
}

/**
 * {@link expectedTransactions} at each of `times`, into `out` (the same values to the last bit), with the
 * work that does not depend on t done once. `numerators`, when given, holds the numerators for these times
 * and this (x, T) (NaN where not yet computed): customers sharing x and T share it.
 *
 * Cost: O(terms of the series) per time whose numerator is not yet known.
 */
export function expectedTransactionsSteps(
  params: Readonly<Record<string, number>>,
  times: ArrayLike<number>,
  frequency: number,
  recency: number,
  T: number,
  out: Float64Array,
  numerators?: Float64Array,
): void {
  const [r, alpha, a, b] = read(params);
  const denominator = conditionalDenominator(r, alpha, a, b, frequency, recency, T);
  conditionalExpectationSteps(times, out, numerators, (t) => conditionalNumerator(r, alpha, a, b, t, frequency, T), denominator);
}

/**
 * Expected number of repeat purchases in (0, t] of a new customer, b/(a − 1)·[1 − (α/(α + t))ʳ ₂F₁(r, b + 1; a + b; t/(α + t))],
 * evaluated as b·{@link hyp2f1Bracket}(a + b − r, a, a + b, t/(α + t)). For small t it is ≈ b/(a + b) · (r/α) · t:
 * a fraction a/(a + b) of new customers drops out at once.
 *
 * Cost: O(terms of the series).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * expectedTransactionsNew({ r: 1, alpha: 1, a: 2, b: 2 }, 1e-9) // => 0.5e-9 (to 1e-17)
 */
export function expectedTransactionsNew(params: Readonly<Record<string, number>>, t: number): number {
  const [r, alpha, a, b] = read(params);
  if (t === 0) return 0;
  return b * hyp2f1Bracket(a + b - r, a, a + b, t / (alpha + t));
}

/**
 * Probability that a new customer makes exactly n repeat purchases in (0, t]:
 * B(a, b + n + 1)/B(a, b) · P_NBD(N(t) = n) + B(a + 1, b + n)/B(a, b) · P_NBD(N(t) >= n) — the customer either
 * survives all n purchases (and time 0), or drops out right after the n-th (or at time 0 when n = 0).
 *
 * Cost: O(n) plus the tail terms.
 *
 * @throws {ModelError} for non-positive parameters or a bad n
 * @example
 * probabilityOfPurchases({ r: 1, alpha: 1, a: 1, b: 1 }, 1, 0) // => ½·½ + ½ = 0.75
 */
export function probabilityOfPurchases(params: Readonly<Record<string, number>>, t: number, n: number): number {
  const [r, alpha, a, b] = read(params);
  if (!(Number.isInteger(n) && n >= 0)) throw new ModelError(`${MODEL}: the number of purchases must be a non-negative integer, found ${n}`);
  if (t === 0) return n === 0 ? 1 : 0;
  const survive = Math.exp(lbeta(a, b + n + 1) - lbeta(a, b) + logNbdProbability(r, alpha, t, n));
  return survive + Math.exp(lbeta(a + 1, b + n) - lbeta(a, b)) * nbdTailProbability(r, alpha, t, n);
}

/**
 * Probability of at least one purchase in (T, T + t]: P(alive) · [1 − ((α + T)/(α + T + t))^(r+x)], as in
 * the BG/NBD (bg-nbd.ts): the extra dropout chance of the MBG/NBD is at time 0 and after purchases, never
 * before the first purchase after T; alive at T, λ ~ Gamma(r + x, α + T). Only P(alive) differs (it is
 * below 1 for x = 0).
 *
 * Cost: O(1).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * probabilityPurchaseWithin({ r: 1, alpha: 1, a: 1, b: 1 }, 1, 0, 0, 1) // => (1/3) · (1 − 2/3) = 0.1111111111111111
 */
export function probabilityPurchaseWithin(params: Readonly<Record<string, number>>, t: number, frequency: number, recency: number, T: number): number {
  const [r, alpha] = read(params);
  if (t === 0) return 0;
  return probabilityAlive(params, frequency, recency, T) * -Math.expm1(-(r + frequency) * Math.log1p(t / (alpha + T)));
}

/**
 * Probability of being alive at T + t: P(alive at T) · E[e^(−λpt)], with λ ~ Gamma(r + x, α + T) and
 * p ~ Beta(a, b + x + 1) (alive at T means x + 1 survived dropout chances: at time 0 and after each repeat
 * purchase) = P(alive) · (1 − a·{@link hyp2f1Bracket}(a + b + 1 − r, a + 1, a + b + x + 1, t/(α + T + t)));
 * derivation as the BG/NBD's `probabilityAliveAfter`.
 *
 * Cost: O(terms of the series).
 *
 * @throws {ModelError} for non-positive parameters
 */
export function probabilityAliveAfter(params: Readonly<Record<string, number>>, t: number, frequency: number, recency: number, T: number): number {
  const [r, alpha, a, b] = read(params);
  const alive = probabilityAlive(params, frequency, recency, T);
  if (t === 0) return alive;
  return alive * survivalAfterPurchases(r + frequency, alpha + T, a, a + b + frequency + 1, t);
}

/**
 * Median time to the next purchase of a customer alive at T, in model periods: (α + T)·(2^(1/(r+x)) − 1), as
 * in the BG/NBD.
 *
 * Cost: O(1).
 *
 * @throws {ModelError} for non-positive parameters
 */
export function medianTimeToPurchase(params: Readonly<Record<string, number>>, frequency: number, recency: number, T: number): number {
  const [r, alpha] = read(params);
  void recency;
  return (alpha + T) * Math.expm1(Math.LN2 / (r + frequency));
}

/**
 * Simulates customers from the MBG/NBD process: as the BG/NBD's `simulate`, plus a dropout chance p right
 * after the first purchase.
 *
 * Cost: O(customers + purchases).
 *
 * @throws {ModelError} for non-positive parameters; {RangeError} for a bad customer count or T
 * @example
 * simulate({ r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }, { customers: 10, T: 39 }, createRng(1)).T // => [39, 39, ...]
 */
export function simulate(params: Readonly<Record<string, number>>, options: SimulateOptions, rng: Rng): SimulatedRfm {
  const [r, alpha, a, b] = read(params);
  return simulatePurchases(r, alpha, a, b, true, options, rng);
}
