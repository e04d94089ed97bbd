/**
 * The Gamma-Gamma spend model with time-invariant covariates on the scale of the spend heterogeneity (the
 * extension PyMC-Marketing's users ask for; not in CLVTools or lifetimes). As in {@link ./gamma-gamma.ts}:
 * a customer's transaction values are Gamma(p, rate ν), ν ~ Gamma(q, rate γᵢ), now with
 *
 *   γᵢ = γ · exp(δ'wᵢ)
 *
 * for the covariates wᵢ of customer i. The population mean spend pγᵢ/(q − 1) is then multiplied by exp(δⱼ)
 * per unit of covariate j (a dummy: customers of that level spend exp(δⱼ) times as much, all else equal),
 * and the conditional expectation keeps its form, E[Z | x, z̄] = p(γᵢ + x z̄)/(px + q − 1). With δ = 0 it is the
 * model without covariates, so the likelihood-ratio test of δ = 0 is the usual one (k degrees of freedom).
 *
 * Per customer (x ≥ 1 repeat purchases, mean repeat value z̄ > 0):
 *   ℓᵢ = ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γᵢ + px ln x + (px − 1) ln z̄ − (px + q) ln(γᵢ + x z̄).
 * Fitted by maximum likelihood over (ln p, ln q, ln γ, δ) with the analytic gradient
 *   ∂ℓᵢ/∂ln p = p·x·[ψ(px + q) − ψ(px) + ln x + ln z̄ − ln(γᵢ + x z̄)],
 *   ∂ℓᵢ/∂ln q = q·[ψ(px + q) − ψ(q) + ln γᵢ − ln(γᵢ + x z̄)],
 *   ∂ℓᵢ/∂ln γ = q − (px + q)·γᵢ/(γᵢ + x z̄),   ∂ℓᵢ/∂δⱼ = wᵢⱼ · ∂ℓᵢ/∂ln γ;
 * standard errors from the inverse of the negative Hessian in those coordinates (p, q, γ by the delta
 * method: se(θ) = θ·se(ln θ)).
 */
import { chiSquareSurvival } from '../math/chi-square.js';
import { hessianFromGradient } from '../math/derivatives.js';
import { invertSymmetric } from '../math/linear-algebra.js';
import { minimize } from '../math/optimize.js';
import { digamma, lgamma } from '../math/special.js';
import { ModelError } from '../errors.js';
import * as gammagamma from './gamma-gamma.js';

/** Repeat customers' spend with their covariates (one row of `covariates` per customer, `names.length` values). */
export interface SpendCovariateData {
  frequency: ArrayLike<number>;
  monetaryValue: ArrayLike<number>;
  covariates: readonly (readonly number[])[];
  names: readonly string[];
}

/** A fitted Gamma-Gamma model with covariates on γ. */
export interface GammaGammaCovariateFit {
  model: 'gammagamma';
  params: { p: number; q: number; gamma: number };
  /** δ by covariate name. */
  coefficients: Record<string, number>;
  stdErrors: Record<string, number | null>;
  logLikelihood: number;
  /** Customers fitted (x ≥ 1 and z̄ > 0). */
  n: number;
  converged: boolean;
  /** Likelihood-ratio test against the same data without covariates (δ = 0). */
  likelihoodRatio: { statistic: number; degreesOfFreedom: number; pValue: number; logLikelihoodWithout: number };
}

interface Prepared {
  x: number[];
  logX: number[];
  logZ: number[];
  xz: number[];
  w: number[][];
}

function prepare(data: SpendCovariateData): Prepared {
  const k = data.names.length;
  const out: Prepared = { x: [], logX: [], logZ: [], xz: [], w: [] };
  for (let i = 0; i < data.frequency.length; i++) {
    const x = data.frequency[i];
    const z = data.monetaryValue[i];
    if (!(x >= 1) || !(z > 0)) continue;
    const row = data.covariates[i];
    if (!row || row.length !== k || row.some((v) => !Number.isFinite(v))) throw new ModelError(`gammagamma: customer ${i + 1} needs ${k} finite covariate values (${data.names.join(', ')})`);
    out.x.push(x);
    out.logX.push(Math.log(x));
    out.logZ.push(Math.log(z));
    out.xz.push(x * z);
    out.w.push([...row]);
  }
  return out;
}

/** Total log-likelihood and its gradient at θ = (ln p, ln q, ln γ, δ₁..δₖ). */
function evaluate(d: Prepared, theta: number[]): { value: number; gradient: number[] } {
  const p = Math.exp(theta[0]);
  const q = Math.exp(theta[1]);
  const lnGamma = theta[2];
  const k = theta.length - 3;
  const gradient = new Array<number>(theta.length).fill(0);
  let value = 0;
  const lgq = lgamma(q);
  const psiQ = digamma(q);
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i];
    let eta = lnGamma;
    for (let j = 0; j < k; j++) eta += theta[3 + j] * d.w[i][j];
    const g = Math.exp(eta);
    const px = p * x;
    const logDen = Math.log(g + d.xz[i]);
    value += lgamma(px + q) - lgamma(px) - lgq + q * eta + px * d.logX[i] + (px - 1) * d.logZ[i] - (px + q) * logDen;
    const psiSum = digamma(px + q);
    gradient[0] += px * (psiSum - digamma(px) + d.logX[i] + d.logZ[i] - logDen);
    gradient[1] += q * (psiSum - psiQ + eta - logDen);
    const gEta = q - ((px + q) * g) / (g + d.xz[i]);
    gradient[2] += gEta;
    for (let j = 0; j < k; j++) gradient[3 + j] += gEta * d.w[i][j];
  }
  return { value, gradient };
}

/**
 * Fits the Gamma-Gamma model with covariates on γ by maximum likelihood, starting from the fit without
 * covariates (δ = 0); returns the estimates, standard errors and the likelihood-ratio test against that fit.
 * @throws ModelError without repeat customers, or when the fit without covariates fails
 */
export function fitGammaGammaCovariates(data: SpendCovariateData): GammaGammaCovariateFit {
  const d = prepare(data);
  if (d.x.length < data.names.length + 3) throw new ModelError(`gammagamma with covariates needs more repeat customers than parameters (${d.x.length} customers)`);
  const plain = gammagamma.fit({ frequency: d.x, monetaryValue: d.xz.map((v, i) => v / d.x[i]) });
  const start = [Math.log(plain.params.p), Math.log(plain.params.q), Math.log(plain.params.gamma), ...data.names.map(() => 0)];
  const negative = (theta: number[]): number => {
    const v = evaluate(d, theta).value;
    return Number.isFinite(v) ? -v : Infinity;
  };
  const result = minimize(negative, start, {
    gradient: (theta) => {
      const e = evaluate(d, theta);
      return Number.isFinite(e.value) ? { value: -e.value, gradient: e.gradient.map((g) => -g) } : { value: Infinity, gradient: e.gradient.map(() => Number.NaN) };
    },
    // the gradient of a total over all customers: tolerance relative to their number
    gradientTolerance: 1e-6 * Math.max(1, d.x.length / 100),
  });
  const theta = result.x;
  const information = hessianFromGradient((t) => evaluate(d, t).gradient.map((g) => -g), theta);
  const covariance = invertSymmetric(information);
  const se = (i: number): number | null => (covariance && covariance[i][i] > 0 ? Math.sqrt(covariance[i][i]) : null);
  const params = { p: Math.exp(theta[0]), q: Math.exp(theta[1]), gamma: Math.exp(theta[2]) };
  const scaled = (i: number, value: number): number | null => {
    const s = se(i);
    return s === null ? null : s * value;
  };
  const coefficients: Record<string, number> = {};
  const stdErrors: Record<string, number | null> = { p: scaled(0, params.p), q: scaled(1, params.q), gamma: scaled(2, params.gamma) };
  data.names.forEach((name, j) => {
    coefficients[name] = theta[3 + j];
    stdErrors[name] = se(3 + j);
  });
  const logLikelihood = -result.value;
  const statistic = Math.max(0, 2 * (logLikelihood - plain.logLikelihood));
  return {
    model: 'gammagamma',
    params,
    coefficients,
    stdErrors,
    logLikelihood,
    n: d.x.length,
    converged: result.converged,
    likelihoodRatio: { statistic, degreesOfFreedom: data.names.length, pValue: chiSquareSurvival(statistic, data.names.length), logLikelihoodWithout: plain.logLikelihood },
  };
}

/** E[Z | x, z̄] of a customer with covariates w: p(γ e^{δ'w} + x z̄)/(px + q − 1); the population mean when x = 0. */
export function expectedSpendWithCovariates(fit: Pick<GammaGammaCovariateFit, 'params' | 'coefficients'>, names: readonly string[], w: readonly number[], frequency: number, monetaryValue: number): number {
  const { p, q, gamma } = fit.params;
  let eta = 0;
  names.forEach((name, j) => (eta += fit.coefficients[name] * w[j]));
  const g = gamma * Math.exp(eta);
  const x = frequency > 0 && monetaryValue > 0 ? frequency : 0;
  return (p * (g + x * (x > 0 ? monetaryValue : 0))) / (p * x + q - 1);
}
