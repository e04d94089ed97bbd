/**
 * The BG/NBD model of repeat purchasing in non-contractual settings:
 * Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "'Counting your customers' the easy way: an
 * alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284, https://doi.org/10.1287/mksc.1040.0098.
 * P(alive): Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model",
 * http://www.brucehardie.com/notes/021/palive_for_BGNBD.pdf.
 *
 * Assumptions: while active, a customer buys as a Poisson process with rate λ; λ ~ Gamma(r, rate α) across
 * customers; after each repeat purchase the customer becomes inactive with probability p; p ~ Beta(a, b),
 * independent of λ. Time 0 is the customer's first purchase; the data are x (repeat purchases), t_x (time of
 * the last one, 0 when x = 0) and T (time from the first purchase to the end of calibration).
 *
 * Equations (numbers of the paper, as cited by lifetimes; (B1)-(B5) in docs/models.md): likelihood (6),
 * P(X(t) = x) (8), E[X(t)] (9), conditional expectation E[Y(t) | x, t_x, T] (10); P(alive) from the 2008 note.
 */
import type { Rng } from '../core/random.js';
import { ModelError } from '../errors.js';
import type { IndexedRfm } from './compress.js';
import { validateRfm } from './fit-common.js';
import type { FitOptions } from './fit-common.js';
import { CompensatedSum, digammaDifference, hyp2f1Bracket, lbeta, lbetaRatioGradient, logAddExp, logBetaRatio, logGammaRatio, logNbdProbability, nbdTailProbability } from '../math/special.js';
import type { FittedModel, RfmData } from './types.js';
import { conditionalExpectationSteps, fitNbd, nbdLogLikelihood, nbdLogLikelihoodGradient, NBD_PARAMETERS, readNbdParameters, type NbdLikelihood } from './nbd-family.js';

/** BG/NBD parameters, named as in the paper. `FittedModel.params` of a BG/NBD fit has this shape. */
export type BgNbdParams = { r: number; alpha: number; a: number; b: number };

/** Parameter order of the fitted vectors. */
export const parameterNames = NBD_PARAMETERS;

const MODEL = 'bgnbd';

/** The model's likelihood, for the family's shared fit and evaluation (nbd-family.ts). */
const LIKELIHOOD: NbdLikelihood = { model: MODEL, evaluate, evaluateWithGradient };

function read(params: Readonly<Record<string, number>>): [number, number, number, number] {
  return readNbdParameters(MODEL, params);
}

/**
 * The per-frequency, per-age and per-recency pieces of the likelihood, each computed so that nothing of the
 * size of r·ln α, ln Γ(r) or ln B(a, b) has to cancel (they reach 1e7 and more where the optimiser tries
 * extreme parameters, and their plain differences lost every digit):
 *
 *   ln L = ln Γ(r + x)/Γ(r) − r·ln(1 + T/α) − x·ln(α + T)
 *          + ln[ B(a, b + x)/B(a, b) + δ(x > 0)·B(a + 1, b + x − 1)/B(a, b)·((α + T)/(α + t_x))^(r+x) ],
 *
 * with ln Γ(r + x)/Γ(r) = {@link logGammaRatio}(r, x), ln B(a, b + x)/B(a, b) = {@link logBetaRatio}(a, b, x),
 * B(a + 1, b + x − 1) = B(a, b + x)·a/(b + x − 1), and ln((α + T)/(α + t_x)) = ln(1 + T/α) − ln(1 + t_x/α).
 * This is eq. (6) multiplied out: α^r/(α + T)^(r+x) = (1 + T/α)^(−r)·(α + T)^(−x).
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
    survive[k] = logGammaRatio(r, x) + logBetaRatio(a, b, x);
    dropout[k] = x > 0 ? survive[k] + Math.log(a) - Math.log(b + x - 1) : -Infinity;
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
    const first = base + survive[k];
    const value = x > 0 ? logAddExp(first, base + dropout[k] + (r + x) * (log1pAge[iT] - log1pLast[data.recency.index[i]])) : first;
    total.add(data.weights[i] * value);
  }
  return total.value();
}

/**
 * Total weighted log-likelihood and its gradient in (r, α, a, b), in one pass over the indexed data.
 *
 * With ln L = C + ln(A₁ + A₂) as in {@link pieces}, and w = A₂/(A₁ + A₂) the weight of the "dropped out
 * after the last purchase" term (from the same log-sum-exp as the value, so it is stable):
 *
 *   ∂/∂r = ψ(r + x) − ψ(r) − [(1 − w) ln(1 + T/α) + w ln(1 + t_x/α)]
 *   ∂/∂α = r [(1 − w) T/(α(α + T)) + w t_x/(α(α + t_x))] − x [(1 − w)/(α + T) + w/(α + t_x)]
 *   ∂/∂a = ψ(a + b) − ψ(a + b + x) + w/a
 *   ∂/∂b = ψ(b + x) − ψ(b) − ψ(a + b + x) + ψ(a + b) − w/(b + x − 1)
 *
 * (the usual ln α − ln(α + T) and r/α − r/(α + T) written without their cancellation). The ψ differences
 * depend on x only and are computed once per distinct frequency without cancellation
 * ({@link digammaDifference}, {@link lbetaRatioGradient}). The value is computed exactly as in
 * {@link evaluate} (same operations in the same order), so both give the same number.
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
    const [betaA, betaB] = lbetaRatioGradient(a, b, x);
    betaGradientA[k] = betaA;
    betaGradientB[k] = betaB;
    inverseDropoutB[k] = x > 0 ? 1 / (b + x - 1) : 0;
  }
  const ages = data.T.values;
  const lasts = data.recency.values;
  const inverseAge = ages.map((T) => 1 / (alpha + T));
  const inverseLast = lasts.map((tx) => 1 / (alpha + tx));
  // 1/α − 1/(α + t) = t/(α(α + t))
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
    let value: number;
    let w = 0;
    if (x > 0) {
      const second = base + dropout[k] + (r + x) * (log1pAge[iT] - log1pLast[iR]);
      // logAddExp(first, second), and w = e^second / (e^first + e^second) from the same exponential
      const d = second - first;
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
    } else {
      value = first;
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
 * Total log-likelihood of the data (eq. 6), weighted by `data.weights`, computed on the log scale with
 * lgamma/lbeta and log-sum-exp so that it stays finite for large frequencies and extreme parameters.
 *
 * Cost: O(n) plus lgamma/lbeta per distinct frequency and a log per distinct recency and T.
 *
 * @throws {ModelError} for non-positive parameters or invalid data (see {@link validateRfm})
 * @example
 * logLikelihood({ r: 1, alpha: 1, a: 1, b: 1 }, { frequency: [0], recency: [0], T: [1] })
 * // => ln(B(1, 1)/B(1, 1) · 1/2) = -0.6931471805599453
 */
export function logLikelihood(params: Readonly<Record<string, number>>, data: RfmData): number {
  return nbdLogLikelihood(LIKELIHOOD, params, data);
}

/**
 * Total log-likelihood (eq. 6) and its gradient in the natural parameters, in the order of
 * {@link parameterNames} (r, α, a, b): the analytic derivatives (see docs/models.md, "Estimation"), computed in
 * the same pass over the data as the value. `value` equals {@link logLikelihood}.
 *
 * Cost: O(n) plus lgamma, lbeta and ψ differences per distinct frequency, a log per distinct recency and T.
 *
 * @throws {ModelError} for non-positive parameters or invalid data
 * @example
 * logLikelihoodGradient({ r: 1, alpha: 1, a: 1, b: 1 }, { frequency: [0], recency: [0], T: [1] })
 * // => { value: -0.6931471805599453, gradient: [-0.6931471805599453, 0.5, 0, 0] }
 * //    (∂/∂r = ψ(1) − ψ(1) + ln 1 − ln 2, ∂/∂α = 1 − 1/2; a and b do not enter when x = 0)
 */
export function logLikelihoodGradient(params: Readonly<Record<string, number>>, data: RfmData): { value: number; gradient: number[] } {
  return nbdLogLikelihoodGradient(LIKELIHOOD, params, data);
}

/**
 * Fits the BG/NBD model by maximum likelihood on the distinct (x, t_x, T) tuples of the data (see
 * fit-common.ts for the optimisation, standard errors and warnings). Starts: three points scaled by
 * mean T / mean x.
 *
 * Cost: O(n) to compress, then O(distinct tuples) per likelihood evaluation: BFGS on the analytic gradient
 * ({@link logLikelihoodGradient}), about 25 value-and-gradient passes per start, plus 2k for the Hessian.
 *
 * @throws {ModelError} for invalid data, when no customer made a repeat purchase (a and b are then not
 *   identified), or when the likelihood is not finite at any start
 * @example
 * fit(cdnow).params // => { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } (to 3 decimals)
 */
export function fit(data: RfmData, options: FitOptions = {}): FittedModel {
  return fitNbd(LIKELIHOOD, data, options);
}

/**
 * Probability that a customer with history (x, t_x, T) is still active at T (FHL 2008 note; (B5) in docs/models.md):
 *
 *   P(alive) = 1 / (1 + δ(x > 0) · a/(b + x − 1) · ((α + T)/(α + t_x))^(r+x)).
 *
 * Trap: for x = 0 this is exactly 1, whatever T. In the BG/NBD a customer can only drop out right after a
 * repeat purchase, so one who never repeated is "alive" by construction, even after years of silence. Use
 * the MBG/NBD (mbg-nbd.ts), which allows dropout at time 0, when one-time buyers must be scored.
 *
 * Cost: O(1).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * probabilityAlive({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 0, 0, 38) // => 1
 */
export function probabilityAlive(params: Readonly<Record<string, number>>, frequency: number, recency: number, T: number): number {
  const [r, alpha, a, b] = read(params);
  if (frequency === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + frequency - 1) + (r + frequency) * (Math.log(alpha + T) - Math.log(alpha + recency));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * Expected number of repeat purchases in (T, T + t] of a customer with history (x, t_x, T), eq. (10):
 *
 *   E[Y(t) | x, t_x, T] = (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r+x) ₂F₁(r + x, b + x; a + b + x − 1; z)]
 *                         / (1 + δ(x > 0) · a/(b + x − 1) · ((α + T)/(α + t_x))^(r+x)),   z = t/(α + T + t).
 *
 * The bracket is evaluated through Euler's transformation as (a − 1)·{@link hyp2f1Bracket}(a + b − 1 − r, a,
 * a + b + x − 1, z), which converges fast for any x, keeps precision at small t and is continuous at a = 1.
 *
 * Cost: O(terms of the series), about 40/(−ln z).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * expectedTransactions({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, 2, 30.43, 38.86) // => 1.226 (to 3 decimals)
 */
export function expectedTransactions(params: Readonly<Record<string, number>>, t: number, frequency: number, recency: number, T: number): number {
  const [r, alpha, a, b] = read(params);
  if (t === 0) return 0;
  const numerator = conditionalNumerator(r, alpha, a, b, t, frequency, T);
  if (frequency === 0) return numerator;
  return numerator / conditionalDenominator(r, alpha, a, b, frequency, recency, T);
}

/** The numerator of eq. (10), (a + b + x − 1)·hyp2f1Bracket(…, t/(α + T + t)): it depends on (t, x, T) only. */
function conditionalNumerator(r: number, alpha: number, a: number, b: number, t: number, x: number, T: number): number {
  const z = t / (alpha + T + t);
  return (a + b + x - 1) * hyp2f1Bracket(a + b - 1 - r, a, a + b + x - 1, z);
}

/** The denominator of eq. (10) for x > 0, 1 + a/(b + x − 1)·((α + T)/(α + t_x))^(r+x): it does not depend on t. */
function conditionalDenominator(r: number, alpha: number, a: number, b: number, x: number, recency: number, T: number): number {
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + recency));
  return 1 + Math.exp(logOdds);
}

/**
 * {@link expectedTransactions} at each of `times`, into `out` (the same values to the last bit), with the
 * work that does not depend on t done once. `numerators`, when given, holds the numerators of eq. (10) for
 * these times and this (x, T) (NaN where not yet computed): customers sharing x and T share it.
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
  const denominator = frequency === 0 ? null : conditionalDenominator(r, alpha, a, b, frequency, recency, T);
  conditionalExpectationSteps(times, out, numerators, (t) => conditionalNumerator(r, alpha, a, b, t, frequency, T), denominator);
}

/**
 * Expected number of repeat purchases in (0, t] of a new customer (just made the first purchase), eq. (9):
 *
 *   E[X(t)] = (a + b − 1)/(a − 1) · [1 − (α/(α + t))^r ₂F₁(r, b; a + b − 1; t/(α + t))],
 *
 * evaluated as (a + b − 1)·{@link hyp2f1Bracket}(a + b − 1 − r, a, a + b − 1, t/(α + t)). For small t it is
 * ≈ (r/α)·t: everybody is active at first and buys at the mean rate r/α.
 *
 * Cost: O(terms of the series).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * expectedTransactionsNew({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 78) // => 1.8605 (1.8576 at the unrounded estimates)
 */
export function expectedTransactionsNew(params: Readonly<Record<string, number>>, t: number): number {
  const [r, alpha, a, b] = read(params);
  if (t === 0) return 0;
  return (a + b - 1) * hyp2f1Bracket(a + b - 1 - r, a, a + b - 1, t / (alpha + t));
}

/**
 * Probability that a new customer makes exactly n repeat purchases in (0, t], eq. (8):
 *
 *   P(X(t) = n) = B(a, b + n)/B(a, b) · Γ(r + n)/(Γ(r) n!) · (α/(α + t))^r (t/(α + t))^n
 *               + δ(n > 0) B(a + 1, b + n − 1)/B(a, b) · [1 − Σ_{j<n} Γ(r + j)/(Γ(r) j!) (α/(α + t))^r (t/(α + t))^j].
 *
 * The bracket (the negative-binomial tail P(N >= n)) is summed over j >= n when it is small, so it keeps
 * its relative precision.
 *
 * Cost: O(n) plus the tail terms.
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * probabilityOfPurchases({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39, 0) // => 0.5737864 (BTYD)
 */
export function probabilityOfPurchases(params: Readonly<Record<string, number>>, t: number, n: number): number {
  const [r, alpha, a, b] = read(params);
  if (!(Number.isInteger(n) && n >= 0)) throw new ModelError(`${MODEL}: the number of purchases must be a non-negative integer, found ${n}`);
  if (t === 0) return n === 0 ? 1 : 0;
  const first = Math.exp(lbeta(a, b + n) - lbeta(a, b) + logNbdProbability(r, alpha, t, n));
  if (n === 0) return first;
  return first + Math.exp(lbeta(a + 1, b + n - 1) - lbeta(a, b)) * nbdTailProbability(r, alpha, t, n);
}

/**
 * Probability of at least one purchase in (T, T + t] for a customer with history (x, t_x, T):
 *
 *   P(X(T, T + t] >= 1) = P(alive) · [1 − ((α + T)/(α + T + t))^(r+x)].
 *
 * Derivation: a customer who has dropped out buys nothing. One alive at T has λ ~ Gamma(r + x, α + T) (the
 * "alive" term of the likelihood is λˣ e^(−λT) (1 − p)ˣ, which factorises in λ and p), and the first
 * purchase after T comes at rate λ whatever p: dropout happens only right after a purchase, so it cannot
 * prevent the first one. P(first purchase within t | λ) = 1 − e^(−λt), whose mean over Gamma(r + x, α + T)
 * is the bracket. The same holds in the MBG/NBD (mbg-nbd.ts), with its P(alive).
 *
 * Cost: O(1).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * probabilityPurchaseWithin({ r: 1, alpha: 1, a: 1, b: 1 }, 1, 0, 0, 1) // => 1 − (2/3)¹ = 0.3333333333333333
 */
export function probabilityPurchaseWithin(params: Readonly<Record<string, number>>, t: number, frequency: number, recency: number, T: number): number {
  const [r, alpha] = read(params);
  if (t === 0) return 0;
  return probabilityAlive(params, frequency, recency, T) * -Math.expm1(-(r + frequency) * Math.log1p(t / (alpha + T)));
}

/**
 * Probability that a customer with history (x, t_x, T) is still alive at T + t:
 *
 *   P(alive at T + t) = P(alive at T) · E[e^(−λpt)] = P(alive at T) · (1 − a · B(a + b − r, a + 1, a + b + x, t/(α + T + t))),
 *
 * with B = {@link hyp2f1Bracket}. Derivation: dropout happens only right after a purchase, with probability
 * p each; given λ and p, the purchases in (T, T + t] are Poisson(λt), and surviving all of them has
 * probability E[(1 − p)^N] = e^(−λpt) (the Poisson generating function). Alive at T, λ ~ Gamma(r + x, α + T)
 * and p ~ Beta(a, b + x) independently, so E[e^(−λpt)] = E_p[((α + T)/(α + T + pt))^(r+x)]
 * = ((α + T)/(α + T + t))^(r+x) ₂F₁(r + x, b + x; a + b + x; t/(α + T + t)) (Euler's integral after
 * Pfaff's transformation), = (1 − z)^a ₂F₁(a + b − r, a; a + b + x; z) by Euler's transformation, which is
 * 1 − a·B(...). For x = 0 it still falls with t: the customer drops out after future purchases.
 *
 * Cost: O(terms of the series), as {@link expectedTransactions}.
 *
 * @throws {ModelError} for non-positive parameters
 */
export function probabilityAliveAfter(params: Readonly<Record<string, number>>, t: number, frequency: number, recency: number, T: number): number {
  const [r, alpha, a, b] = read(params);
  const alive = probabilityAlive(params, frequency, recency, T);
  if (t === 0) return alive;
  return alive * survivalAfterPurchases(r + frequency, alpha + T, a, a + b + frequency, t);
}

/**
 * E[e^(−λpt)] for λ ~ Gamma(shape, rate A) and p ~ Beta(a, c − a): (1 − z)^a ₂F₁(c − shape, a; c; z) with
 * z = t/(A + t), = 1 − a·{@link hyp2f1Bracket}(c − shape, a + 1, c, z). Shared with the MBG/NBD. Here the
 * shape is r + x, so c − shape = a + b − r (BG/NBD) or a + b + 1 − r (MBG/NBD).
 */
export function survivalAfterPurchases(shape: number, rateA: number, a: number, c: number, t: number): number {
  const z = t / (rateA + t);
  const value = 1 - a * hyp2f1Bracket(c - shape, a + 1, c, z);
  return Math.min(1, Math.max(0, value));
}

/**
 * Median time to the next purchase of a customer with history (x, t_x, T) who is alive at T, in model
 * periods: the waiting time W has P(W > u) = E[e^(−λu)] = ((α + T)/(α + T + u))^(r+x) (λ ~ Gamma(r + x, α + T);
 * dropout cannot come before the next purchase), so the median is (α + T)·(2^(1/(r+x)) − 1). The same in
 * the MBG/NBD.
 *
 * Cost: O(1).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * medianTimeToPurchase({ r: 1, alpha: 2, a: 1, b: 1 }, 0, 0, 3) // => 5 (= (2 + 3)·(2 − 1))
 */
export function medianTimeToPurchase(params: Readonly<Record<string, number>>, frequency: number, recency: number, T: number): number {
  const [r, alpha] = read(params);
  void recency;
  return (alpha + T) * Math.expm1(Math.LN2 / (r + frequency));
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Number of customers. */
  customers: number;
  /** Observation length per customer (time from the first purchase to the end), one number for all or one per customer. */
  T: number | ArrayLike<number>;
  /** Also return each customer's repeat-purchase times. Default false. */
  keepTimes?: boolean;
}

/** Simulated RFM data; `times` holds the repeat-purchase times when asked for. */
export interface SimulatedRfm {
  frequency: number[];
  recency: number[];
  T: number[];
  times?: number[][];
}

/**
 * Simulates customers from the BG/NBD process: λ ~ Gamma(r, scale 1/α), p ~ Beta(a, b); starting from the
 * first purchase at 0, inter-purchase times are Exponential(λ), and after each repeat purchase the customer
 * drops out with probability p. Returns frequency, recency and T per customer (and the purchase times).
 *
 * Cost: O(customers + purchases).
 *
 * @throws {ModelError} for non-positive parameters; {RangeError} for a bad customer count or T
 * @example
 * simulate({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { customers: 1000, T: 39 }, createRng(1)).frequency.length // => 1000
 */
export function simulate(params: Readonly<Record<string, number>>, options: SimulateOptions, rng: Rng): SimulatedRfm {
  const [r, alpha, a, b] = read(params);
  return simulatePurchases(r, alpha, a, b, false, options, rng);
}

/**
 * The purchase process shared with the MBG/NBD (mbg-nbd.ts): `dropoutAtStart` lets the customer drop out
 * right after the first purchase (time 0) as well. Parameters are taken as checked.
 *
 * Cost: O(customers + purchases).
 *
 * @throws {RangeError} for a bad customer count or T
 */
export function simulatePurchases(
  r: number,
  alpha: number,
  a: number,
  b: number,
  dropoutAtStart: boolean,
  options: SimulateOptions,
  rng: Rng,
): SimulatedRfm {
  const { customers, keepTimes = false } = options;
  if (!(Number.isInteger(customers) && customers >= 0)) throw new RangeError(`customers must be a non-negative integer, found ${customers}`);
  if (typeof options.T !== 'number' && options.T.length !== customers) {
    throw new RangeError(`T has ${options.T.length} entries for ${customers} customers`);
  }
  const frequency = new Array<number>(customers);
  const recency = new Array<number>(customers);
  const ages = new Array<number>(customers);
  const times: number[][] | undefined = keepTimes ? [] : undefined;
  for (let i = 0; i < customers; i++) {
    const T = typeof options.T === 'number' ? options.T : options.T[i];
    if (!(T > 0) || !Number.isFinite(T)) throw new RangeError(`T must be a positive number, found ${T} for customer ${i}`);
    const lambda = rng.gamma(r, 1 / alpha);
    const p = rng.beta(a, b);
    const purchases: number[] = [];
    let alive = !(dropoutAtStart && rng.uniform() < p);
    let time = 0;
    while (alive && lambda > 0) {
      time += -Math.log(rng.uniform()) / lambda;
      if (time > T) break;
      purchases.push(time);
      if (rng.uniform() < p) alive = false;
    }
    frequency[i] = purchases.length;
    recency[i] = purchases.length > 0 ? purchases[purchases.length - 1] : 0;
    ages[i] = T;
    if (times !== undefined) times.push(purchases);
  }
  return times === undefined ? { frequency, recency, T: ages } : { frequency, recency, T: ages, times };
}
