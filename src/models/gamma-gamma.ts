/**
 * The Gamma-Gamma model of average transaction value: Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005),
 * "RFM and CLV: using iso-value curves for customer base analysis", Journal of Marketing Research 42(4),
 * 415-430, https://doi.org/10.1509/jmkr.2005.42.4.415; and Fader, P. S. & Hardie, B. G. S. (2013), "The
 * Gamma-Gamma model of monetary value", http://www.brucehardie.com/notes/025/gamma_gamma.pdf.
 *
 * Assumptions: a customer's transaction values zᵢ are Gamma(p, rate ν), independent of each other and of
 * the purchase process; ν ~ Gamma(q, rate γ) across customers. Only customers with x >= 1 repeat purchases
 * enter, through z̄ = their mean repeat-purchase value (the first purchase is excluded, as in the papers).
 * Independence of spend and frequency is an assumption to check: see {@link frequencySpendCorrelation}.
 *
 * Formulas ((G1)-(G3) in docs/models.md): x·z̄ | ν ~ Gamma(p·x, ν), so the marginal density of z̄ is (G1)
 *   f(z̄ | p, q, γ, x) = Γ(px + q)/(Γ(px) Γ(q)) · γ^q · x^(px) · z̄^(px−1) / (γ + x z̄)^(px+q),
 * the population mean is (G2) E[Z] = pγ/(q − 1) (q > 1), and the conditional expectation (G3) is
 *   E[Z | p, q, γ, z̄, x] = p(γ + x z̄)/(px + q − 1)
 *                       = (q − 1)/(px + q − 1) · pγ/(q − 1) + px/(px + q − 1) · z̄,
 * a weighted average of the population mean and the customer's own mean.
 */
import type { Rng } from '../core/random.js';
import { ModelError } from '../errors.js';
import { compressSpend, totalWeight } from './compress.js';
import type { SpendData } from './compress.js';
import { entryName, fitMaximumLikelihood, parameterVector } from './fit-common.js';
import type { FitOptions } from './fit-common.js';
import { CompensatedSum, digammaDifference, logBetaKernelConstant, logBetaKernelFrom } from '../math/special.js';
import type { FittedModel } from './types.js';

export type { SpendData } from './compress.js';

/** Gamma-Gamma parameters, named as in the paper. */
export type GammaGammaParams = { p: number; q: number; gamma: number };

/** Parameter order of the fitted vectors. */
export const parameterNames = ['p', 'q', 'gamma'] as const;

const MODEL = 'gammagamma';

function read(params: Readonly<Record<string, number>>): [number, number, number] {
  const [p, q, gamma] = parameterVector(MODEL, params, parameterNames);
  return [p, q, gamma];
}

/** The repeat customers (x >= 1) with their weights; checks lengths and values. */
function repeatCustomers(data: SpendData): { frequency: number[]; monetaryValue: number[]; weights: number[] } {
  const n = data.frequency.length;
  if (data.monetaryValue.length !== n || (data.weights !== undefined && data.weights.length !== n)) {
    throw new ModelError(
      `${MODEL}: frequency, monetaryValue${data.weights === undefined ? '' : ' and weights'} differ in length (${n}, ${data.monetaryValue.length}${data.weights === undefined ? '' : `, ${data.weights.length}`})`,
    );
  }
  const frequency: number[] = [];
  const monetaryValue: number[] = [];
  const weights: number[] = [];
  let nonPositive = 0;
  let firstNonPositive = -1;
  let badFrequency = 0;
  let firstBadFrequency = -1;
  for (let i = 0; i < n; i++) {
    const x = data.frequency[i];
    const weight = data.weights === undefined ? 1 : data.weights[i];
    if (!(Number.isInteger(x) && x >= 0) || !(Number.isFinite(weight) && weight >= 0)) {
      if (badFrequency === 0) firstBadFrequency = i;
      badFrequency++;
      continue;
    }
    if (x === 0 || weight === 0) continue;
    const m = data.monetaryValue[i];
    if (!(m > 0) || !Number.isFinite(m)) {
      if (nonPositive === 0) firstNonPositive = i;
      nonPositive++;
      continue;
    }
    frequency.push(x);
    monetaryValue.push(m);
    weights.push(weight);
  }
  if (badFrequency > 0) {
    throw new ModelError(
      `${MODEL}: ${badFrequency} of ${n} entries have a frequency that is not a non-negative integer or a bad weight; first ${entryName(firstBadFrequency, data.ids)} (frequency ${data.frequency[firstBadFrequency]})`,
    );
  }
  if (nonPositive > 0) {
    throw new ModelError(
      `${MODEL}: ${nonPositive} of ${n} customers with repeat purchases have a non-positive mean spend; first ${entryName(firstNonPositive, data.ids)} (monetary value ${data.monetaryValue[firstNonPositive]})`,
      { hint: 'the gamma-gamma model needs positive spend: exclude customers whose returns cancel their purchases, or model margin only where it is positive' },
    );
  }
  if (frequency.length === 0) {
    throw new ModelError(`${MODEL}: no customer has a repeat purchase (frequency >= 1), so spend cannot be modelled`, {
      hint: 'the model uses the mean value of repeat purchases; use a longer calibration period',
    });
  }
  return { frequency, monetaryValue, weights };
}

/** The data in the form the likelihood loop reads: logs of x and z̄ computed once, x as an index of distinct values. */
interface PreparedSpend {
  x: Float64Array;
  m: Float64Array;
  logX: Float64Array;
  logM: Float64Array;
  weights: Float64Array;
  /** Index of each entry's x in `distinctX`. */
  xIndex: Int32Array;
  distinctX: number[];
}

function prepareSpend(frequency: ArrayLike<number>, monetaryValue: ArrayLike<number>, weights: ArrayLike<number>): PreparedSpend {
  const n = frequency.length;
  const distinct = new Map<number, number>();
  const prepared: PreparedSpend = {
    x: new Float64Array(n),
    m: new Float64Array(n),
    logX: new Float64Array(n),
    logM: new Float64Array(n),
    weights: new Float64Array(n),
    xIndex: new Int32Array(n),
    distinctX: [],
  };
  for (let i = 0; i < n; i++) {
    const x = frequency[i];
    let k = distinct.get(x);
    if (k === undefined) {
      k = prepared.distinctX.length;
      distinct.set(x, k);
      prepared.distinctX.push(x);
    }
    prepared.x[i] = x;
    prepared.m[i] = monetaryValue[i];
    prepared.logX[i] = Math.log(x);
    prepared.logM[i] = Math.log(monetaryValue[i]);
    prepared.weights[i] = weights[i];
    prepared.xIndex[i] = k;
  }
  return prepared;
}

/**
 * One customer's ln f(z̄) (G1) written as ln[vᵃ (1 − v)^q / B(a, q)] − ln z̄ with a = px and
 * v = x z̄/(γ + x z̄) ({@link logBetaKernel}): Γ(a + q)/(Γ(a)Γ(q)) γ^q x^a z̄^(a−1)/(γ + x z̄)^(a+q)
 * = vᵃ (1 − v)^q / (B(a, q) z̄). v, 1 − v and their logs come from log1p, so no term of the size of
 * q·ln γ or ln Γ(a + q) has to cancel (the plain form did, and gave +9.2e107 where the value is −3.5e79).
 * `constant` is the kernel's part that depends on (a, q) only ({@link logBetaKernelConstant}), computed
 * once per distinct x by {@link kernelConstants}: the value is that of {@link logBetaKernel} to the last bit.
 */
function logDensityFrom(constant: number, a: number, q: number, gamma: number, xm: number, logM: number): number {
  const v = xm / (gamma + xm);
  const w = gamma / (gamma + xm);
  return logBetaKernelFrom(constant, a, q, v, w, -Math.log1p(gamma / xm), -Math.log1p(xm / gamma)) - logM;
}

/** {@link logBetaKernelConstant} of (px, q) for each distinct x: the likelihood's per-frequency work, done once per evaluation. */
function kernelConstants(d: PreparedSpend, p: number, q: number): Float64Array {
  const constants = new Float64Array(d.distinctX.length);
  for (let k = 0; k < constants.length; k++) constants[k] = logBetaKernelConstant(p * d.distinctX[k], q);
  return constants;
}

function evaluate(d: PreparedSpend, p: number, q: number, gamma: number): number {
  const constants = kernelConstants(d, p, q);
  const total = new CompensatedSum();
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i];
    total.add(d.weights[i] * logDensityFrom(constants[d.xIndex[i]], p * x, q, gamma, x * d.m[i], d.logM[i]));
  }
  return total.value();
}

/**
 * Total weighted log-likelihood (G1) and its gradient in (p, q, γ), in one pass. Per customer, with
 * v = x z̄/(γ + x z̄),
 *
 *   ∂/∂p = x [ψ(px + q) − ψ(px) + ln v]
 *   ∂/∂q = ψ(px + q) − ψ(q) + ln(1 − v)
 *   ∂/∂γ = [q v − px (1 − v)]/γ
 *
 * (ln v = ln x + ln z̄ − ln(γ + x z̄) and ln(1 − v) = ln γ − ln(γ + x z̄) taken by log1p). The ψ differences
 * depend on x only and are computed once per distinct x without cancellation ({@link digammaDifference});
 * the value is computed exactly as in {@link evaluate}.
 */
function evaluateWithGradient(d: PreparedSpend, p: number, q: number, gamma: number): { value: number; gradient: number[] } {
  const digammaP = d.distinctX.map((x) => digammaDifference(p * x, q));
  const digammaQ = d.distinctX.map((x) => digammaDifference(q, p * x));
  const constants = kernelConstants(d, p, q);
  const total = new CompensatedSum();
  let gradientP = 0;
  let gradientQ = 0;
  let gradientGamma = 0;
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i];
    const px = p * x;
    const k = d.xIndex[i];
    const xm = x * d.m[i];
    const weight = d.weights[i];
    const v = xm / (gamma + xm);
    const w = gamma / (gamma + xm);
    const log1pGammaOverXm = Math.log1p(gamma / xm);
    const log1pXmOverGamma = Math.log1p(xm / gamma);
    total.add(weight * (logBetaKernelFrom(constants[k], px, q, v, w, -log1pGammaOverXm, -log1pXmOverGamma) - d.logM[i]));
    gradientP += weight * x * (digammaP[k] - log1pGammaOverXm);
    gradientQ += weight * (digammaQ[k] - log1pXmOverGamma);
    gradientGamma += (weight * (q * v - px * w)) / gamma;
  }
  return { value: total.value(), gradient: [gradientP, gradientQ, gradientGamma] };
}

/**
 * Total log-likelihood of the repeat customers' mean spend (G1), weighted; customers with frequency 0
 * are skipped (they carry no spend information in this model).
 *
 * Cost: O(n) lgamma evaluations.
 *
 * @throws {ModelError} for non-positive parameters, no repeat customers, or non-positive spend of a repeat customer
 * @example
 * logLikelihood({ p: 1, q: 1, gamma: 1 }, { frequency: [1], monetaryValue: [1] })
 * // => ln(Γ(2)/(Γ(1)Γ(1)) · 1 · 1 · 1 / 2²) = ln(0.25)
 */
export function logLikelihood(params: Readonly<Record<string, number>>, data: SpendData): number {
  const [p, q, gamma] = read(params);
  const repeat = repeatCustomers(data);
  return evaluate(prepareSpend(repeat.frequency, repeat.monetaryValue, repeat.weights), p, q, gamma);
}

/**
 * Total log-likelihood (G1) of the repeat customers and its gradient in the natural parameters, in the order
 * of {@link parameterNames} (p, q, γ), computed in the same pass. `value` equals {@link logLikelihood}.
 *
 * Cost: O(n) plus lgamma and ψ differences per distinct frequency.
 *
 * @throws {ModelError} as {@link logLikelihood}
 * @example
 * logLikelihoodGradient({ p: 1, q: 1, gamma: 1 }, { frequency: [1], monetaryValue: [1] }).gradient[2]
 * // => q/γ − (p + q)/(γ + z̄) = 1 − 2/2 = 0
 */
export function logLikelihoodGradient(params: Readonly<Record<string, number>>, data: SpendData): { value: number; gradient: number[] } {
  const [p, q, gamma] = read(params);
  const repeat = repeatCustomers(data);
  return evaluateWithGradient(prepareSpend(repeat.frequency, repeat.monetaryValue, repeat.weights), p, q, gamma);
}

/**
 * Fits the Gamma-Gamma model by maximum likelihood on the customers with frequency >= 1, compressed to
 * distinct (frequency, monetaryValue) pairs. `n` of the result counts those repeat customers only.
 * Warns when q <= 1 (the population mean spend is then infinite) and when frequency and spend are
 * correlated (|ρ| > 0.3), which contradicts the model's independence assumption.
 *
 * Cost: O(n) to select and compress, then O(distinct pairs) per likelihood evaluation: BFGS on the analytic
 * gradient ({@link logLikelihoodGradient}), about 25 value-and-gradient passes per start, plus 2k for the Hessian.
 *
 * @throws {ModelError} when no customer has a repeat purchase, or when a repeat customer's mean spend is
 *   not positive (the message gives how many)
 * @example
 * fit(cdnowWithSpend).params // => { p: 6.25, q: 3.74, gamma: 15.44 } (to 2 decimals)
 */
export function fit(data: SpendData, options: FitOptions = {}): FittedModel {
  const repeat = repeatCustomers(data);
  const compressed = compressSpend(repeat);
  let sumWeights = 0;
  let sumSpend = 0;
  for (let i = 0; i < repeat.frequency.length; i++) {
    sumWeights += repeat.weights[i];
    sumSpend += repeat.weights[i] * repeat.monetaryValue[i];
  }
  const meanSpend = sumSpend / sumWeights;
  // starts: p·(ν's mean q/γ)⁻¹ = pγ/q ≈ mean spend
  const starts = [
    [1, 1, meanSpend],
    [4, 3, (meanSpend * 3) / 4],
    [10, 10, meanSpend],
  ];
  const prepared = prepareSpend(compressed.frequency, compressed.monetaryValue, compressed.weights);
  const fitted = fitMaximumLikelihood(
    {
      model: MODEL,
      parameterNames,
      logLikelihood: ([p, q, gamma]) => evaluate(prepared, p, q, gamma),
      gradient: ([p, q, gamma]) => evaluateWithGradient(prepared, p, q, gamma),
      n: totalWeight(compressed.weights, compressed.frequency.length),
      nDistinct: compressed.frequency.length,
      // γ is in money units: its bounds are relative to the mean spend
      scales: [1, 1, meanSpend],
      starts,
    },
    options,
  );
  if (fitted.params.q <= 1) {
    fitted.warnings.push(`q = ${Number(fitted.params.q.toPrecision(4))} <= 1: the population mean spend p·gamma/(q − 1) is infinite`);
  }
  const correlation = frequencySpendCorrelation(repeat);
  if (Number.isFinite(correlation) && Math.abs(correlation) > 0.3) {
    fitted.warnings.push(
      `frequency and mean spend of the repeat customers are correlated (pearson ${correlation.toFixed(2)}): the model assumes they are independent`,
    );
  }
  return fitted;
}

/**
 * Conditional expected average transaction value of a customer with x repeat purchases of mean value z̄
 * (G3): p(γ + x z̄)/(px + q − 1). For x = 0 this is the population mean {@link populationMeanSpend}.
 * Returns Infinity when the posterior mean does not exist (px + q <= 1; for x = 0, q <= 1) rather than a
 * negative or NaN value.
 *
 * Cost: O(1).
 *
 * @throws {ModelError} for non-positive parameters or a negative frequency
 * @example
 * expectedSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 29.33) // => 6.25·(15.44 + 58.66)/(12.5 + 2.74) = 30.389
 */
export function expectedSpend(params: Readonly<Record<string, number>>, frequency: number, monetaryValue: number): number {
  const [p, q, gamma] = read(params);
  if (!(frequency >= 0)) throw new ModelError(`${MODEL}: frequency must be >= 0, found ${frequency}`);
  if (frequency === 0) return populationMeanSpend(params);
  const denominator = p * frequency + q - 1;
  if (!(denominator > 0)) return Infinity;
  return (p * (gamma + frequency * monetaryValue)) / denominator;
}

/**
 * Population mean of the average transaction value, E[Z] = pγ/(q − 1). Infinity when q <= 1: the Gamma
 * mixing distribution of ν then puts so much mass near 0 that the mean of p/ν diverges.
 *
 * Cost: O(1).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * populationMeanSpend({ p: 6.25, q: 3.74, gamma: 15.44 }) // => 35.2189781021898
 */
export function populationMeanSpend(params: Readonly<Record<string, number>>): number {
  const [p, q, gamma] = read(params);
  if (q <= 1) return Infinity;
  return (p * gamma) / (q - 1);
}

/**
 * Pearson correlation between frequency and mean spend over the customers with frequency >= 1 (weighted).
 * The Gamma-Gamma model assumes the two are independent; a clearly non-zero value (say |ρ| > 0.3) means
 * its spend predictions are biased for heavy or light buyers. NaN when fewer than two distinct values.
 *
 * Cost: O(n).
 *
 * @example
 * frequencySpendCorrelation({ frequency: [1, 2, 3], monetaryValue: [10, 20, 30] }) // => 1
 */
export function frequencySpendCorrelation(data: SpendData): number {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    const x = data.frequency[i];
    if (!(x >= 1)) continue;
    const w = data.weights === undefined ? 1 : data.weights[i];
    sw += w;
    sx += w * x;
    sy += w * data.monetaryValue[i];
  }
  if (sw === 0) return Number.NaN;
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    const x = data.frequency[i];
    if (!(x >= 1)) continue;
    const w = data.weights === undefined ? 1 : data.weights[i];
    const dx = x - mx;
    const dy = data.monetaryValue[i] - my;
    sxx += w * dx * dx;
    syy += w * dy * dy;
    sxy += w * dx * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Simulates the mean repeat spend z̄ of customers with the given frequencies: ν ~ Gamma(q, rate γ), each
 * of the x transactions ~ Gamma(p, rate ν), z̄ = their mean (0 when x = 0).
 *
 * Cost: O(customers + transactions).
 *
 * @throws {ModelError} for non-positive parameters
 * @example
 * simulate({ p: 6.25, q: 3.74, gamma: 15.44 }, [0, 3], createRng(1))[0] // => 0
 */
export function simulate(params: Readonly<Record<string, number>>, frequency: ArrayLike<number>, rng: Rng): number[] {
  const [p, q, gamma] = read(params);
  const out = new Array<number>(frequency.length);
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
    if (!(x >= 1)) {
      out[i] = 0;
      continue;
    }
    const nu = rng.gamma(q, 1 / gamma);
    // the sum of x Gamma(p, ν) values is Gamma(px, ν)
    out[i] = rng.gamma(p * x, 1 / nu) / x;
  }
  return out;
}
