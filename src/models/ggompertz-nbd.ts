/**
 * The Gamma/Gompertz/NBD model (Bemmaor, A. C. & Glady, N. (2012), "Modeling purchasing behavior with sudden
 * 'death': a flexible customer lifetime model", Management Science 58(5), 1012-1021,
 * https://doi.org/10.1287/mnsc.1110.1461; CLVTools' `ggomnbd`, whose parametrisation this follows).
 *
 * Assumptions: while alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, rate α); the lifetime
 * τ is Gompertz, P(τ > t | η) = exp(−η(e^{bt} − 1)), with η ~ Gamma(s, rate β) across customers, so
 *
 *   S(t) = P(τ > t) = (β / (β + e^{bt} − 1))^s,   f(t) = b s β^s e^{bt} / (β + e^{bt} − 1)^{s+1}.
 *
 * b > 0 lets the dropout hazard grow with age; as b → 0 with β/b fixed, η(e^{bt} − 1) → (ηb)t and the model
 * becomes the Pareto/NBD with dropout rate μ = ηb ~ Gamma(s, β/b). The likelihood of (x, t_x, T) is
 *
 *   L = Γ(r+x)/Γ(r) · α^r · [ S(T) / (α + T)^{r+x} + ∫_{t_x}^{T} f(τ) / (α + τ)^{r+x} dτ ],
 *
 * alive at T, or died between the last purchase and T. The integral has no closed form: adaptive
 * Gauss-Kronrod (src/math/quadrature.ts) on the integrand scaled by its largest value at the ends and the
 * middle, so that it is computed in ordinary floating point whatever the size of the terms; e^{bt} − 1 as
 * expm1(bt) so that b of 10⁻⁶ loses nothing.
 *
 * P(alive) = (alive term) / L. The expectation of a new customer (Bemmaor & Glady's E[X(t)]) is
 *   E[X(t)] = (r/α) · [ S(t)·t + ∫_0^t τ f(τ) dτ ],
 * the purchase rate times the expected time alive within (0, t].
 */
import { ModelError } from '../errors.js';
import { integrate } from '../math/quadrature.js';
import { logGammaRatio } from '../math/special.js';
import { compressRfm, totalWeight } from './compress.js';
import { fitMaximumLikelihood, parameterVector, purchaseTimeScale, validateRfm, withConstantCustomers, withPositiveAge, type FitOptions, type LikelihoodProblem } from './fit-common.js';
import type { FittedModel, RfmData } from './types.js';

/** GG/NBD parameters in CLVTools' order. */
export const parameterNames = ['r', 'alpha', 'b', 's', 'beta'] as const;

const MODEL = 'ggompertz';

function read(params: Readonly<Record<string, number>>): [number, number, number, number, number] {
  const [r, alpha, b, s, beta] = parameterVector(MODEL, params, parameterNames);
  return [r, alpha, b, s, beta];
}

/** ln S(t) = s·(ln β − ln(β + e^{bt} − 1)). */
function logSurvival(b: number, s: number, beta: number, t: number): number {
  return s * (Math.log(beta) - Math.log(beta + Math.expm1(b * t)));
}

/** ln f(t) = ln b + ln s + s ln β + bt − (s + 1) ln(β + e^{bt} − 1). */
function logDensity(b: number, s: number, beta: number, t: number): number {
  return Math.log(b) + Math.log(s) + s * Math.log(beta) + b * t - (s + 1) * Math.log(beta + Math.expm1(b * t));
}

/** ln ∫_a^c exp(g(τ)) dτ for a smooth g, the integrand scaled by its largest value at the ends and the middle. */
function logIntegral(g: (t: number) => number, a: number, c: number): number {
  if (!(c > a)) return -Infinity;
  const shift = Math.max(g(a), g(c), g((a + c) / 2));
  if (!Number.isFinite(shift)) return shift;
  const value = integrate((t) => Math.exp(g(t) - shift), a, c, 1e-13 * (c - a));
  return value > 0 ? shift + Math.log(value) : -Infinity;
}

/** ln of the two likelihood terms without the common Γ(r+x)/Γ(r)·α^r: alive at T, died in (t_x, T). */
function logTerms(r: number, alpha: number, b: number, s: number, beta: number, x: number, tx: number, T: number): { alive: number; died: number } {
  const alive = logSurvival(b, s, beta, T) - (r + x) * Math.log(alpha + T);
  const died = tx < T ? logIntegral((t) => logDensity(b, s, beta, t) - (r + x) * Math.log(alpha + t), tx, T) : -Infinity;
  return { alive, died };
}

function logLikelihoodOne(r: number, alpha: number, b: number, s: number, beta: number, x: number, tx: number, T: number): number {
  const { alive, died } = logTerms(r, alpha, b, s, beta, x, tx, T);
  const m = Math.max(alive, died);
  return logGammaRatio(r, x) + r * Math.log(alpha) + m + Math.log(Math.exp(alive - m) + Math.exp(died - m));
}

/**
 * Total log-likelihood of the data.
 * @throws {ModelError} for non-positive parameters or invalid data
 */
export function logLikelihood(params: Readonly<Record<string, number>>, data: RfmData): number {
  const [r, alpha, b, s, beta] = read(params);
  validateRfm(MODEL, data);
  let total = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    const w = data.weights ? data.weights[i] : 1;
    if (!(data.T[i] > 0)) continue;
    total += w * logLikelihoodOne(r, alpha, b, s, beta, data.frequency[i], data.recency[i], data.T[i]);
  }
  return total;
}

/**
 * Fits the GG/NBD model by maximum likelihood on the distinct (x, t_x, T) tuples. Starts: near the Pareto/NBD
 * limit (b small, β = b·mean T) and two points with a real Gompertz bend. Where the data show no ageing (as
 * CDNOW), the maximum lies at b → 0 with β/b fixed (the Pareto/NBD): b and β run to their lower bound and the
 * fit is reported as not identified there, with the Pareto/NBD's likelihood.
 *
 * Cost: one adaptive quadrature per distinct tuple with t_x < T per likelihood evaluation; CDNOW (2,357
 * customers, weeks) a few seconds.
 */
export function fit(data: RfmData, options: FitOptions = {}): FittedModel {
  validateRfm(MODEL, data);
  const informative = withPositiveAge(data);
  const compressed = compressRfm(informative);
  if (compressed.frequency.every((x) => x === 0)) throw new ModelError(`${MODEL}: no customer made a repeat purchase, so the purchase and dropout rates cannot be estimated`);
  const scale = purchaseTimeScale(compressed.frequency, compressed.T, compressed.weights);
  const n = totalWeight(compressed.weights, compressed.frequency.length);
  let sumT = 0;
  compressed.T.forEach((age, i) => (sumT += age * compressed.weights[i]));
  const meanT = sumT / n;
  const evaluate = ([r, alpha, b, s, beta]: number[]): number => {
    let total = 0;
    for (let i = 0; i < compressed.frequency.length; i++) total += compressed.weights[i] * logLikelihoodOne(r, alpha, b, s, beta, compressed.frequency[i], compressed.recency[i], compressed.T[i]);
    return total;
  };
  const problem: LikelihoodProblem = {
    model: MODEL,
    parameterNames,
    logLikelihood: evaluate,
    n,
    nDistinct: compressed.frequency.length,
    scales: [1, meanT, 1 / meanT, 1, 1],
    starts: [
      [0.5, scale, 1e-3 / meanT, 0.6, 1e-3],
      [1, scale, 1 / meanT, 1, 1],
      [0.5, 2 * scale, 0.1 / meanT, 0.5, 0.5],
    ],
  };
  return fitMaximumLikelihood(withConstantCustomers(problem, totalWeight(data.weights, data.frequency.length) - n), options);
}

/** P(alive at T | x, t_x, T). */
export function probabilityAlive(params: Readonly<Record<string, number>>, frequency: number, recency: number, T: number): number {
  const [r, alpha, b, s, beta] = read(params);
  if (!(T > 0)) return 1;
  const { alive, died } = logTerms(r, alpha, b, s, beta, frequency, recency, T);
  return 1 / (1 + Math.exp(died - alive));
}

/** E[X(t)] of a new customer: (r/α)·[S(t)·t + ∫_0^t τ f(τ) dτ]. */
export function expectedTransactionsNew(params: Readonly<Record<string, number>>, t: number): number {
  const [r, alpha, b, s, beta] = read(params);
  if (!(t > 0)) return 0;
  const survival = Math.exp(logSurvival(b, s, beta, t));
  const timeOfDeath = integrate((tau) => (tau > 0 ? Math.exp(Math.log(tau) + logDensity(b, s, beta, tau)) : 0), 0, t, 1e-12 * Math.max(1, t));
  return (r / alpha) * (survival * t + timeOfDeath);
}
