/**
 * Intervals of the per-customer predictions of a valuation from the uncertainty of the fitted parameters
 * (docs/value.md, "Intervals"). The estimates are asymptotically normal; on the log scale of the parameters,
 * ln θ̂ ~ N(ln θ, D⁻¹ Σ D⁻¹) with Σ = FittedModel.covariance and D = diag(θ̂). The purchase model and the spend
 * model are fitted separately and drawn independently.
 *
 * Each prediction is a smooth function of ln θ; on its natural scale (log for expected transactions, spend,
 * CLV; logit for P(alive)) it is expanded to first order about the estimate, with the gradient by forward
 * differences (step 1e-5 in ln θ, k passes over the distinct (x, t_x, T) tuples beside the estimate's). A prediction's draws are
 * then normal on that scale, so its quantiles are closed form: exp(ln f̂ ± z·√(gᵀ Σ_log g)) (the limit of
 * infinitely many draws). Customer equity is a sum of such non-linear terms: it is drawn (`draws`
 * parameter vectors from a seeded generator, the sum over the customers per draw, then the quantiles).
 * Exact re-evaluation of every prediction at every draw would cost `draws` full passes (200 × 0.4 s on
 * 74,000 distinct tuples); the tests check the expansion against such exact draws.
 */
import { createRng } from '../core/random.js';
import { normalQuantile } from '../math/normal.js';
import type { PurchaseModel } from '../models/registry.js';
import type { FittedModel } from '../models/types.js';
import { discountedTransactions, sharedNumerators, type ClvSettings } from './clv.js';

/** Step in ln θ of the forward differences (truncation error ~1e-5 of the gradient, rounding ~1e-11). */
const STEP = 1e-5;

/** The covariance of ln θ̂ (delta method: Σᵢⱼ/(θᵢθⱼ)), or null when the fit has no usable covariance. */
export function logCovariance(model: FittedModel): number[][] | null {
  const cov = model.covariance;
  const values = Object.values(model.params);
  if (!cov || cov.length !== values.length || cov.some((row) => row.length !== values.length || row.some((v) => !Number.isFinite(v)))) return null;
  return cov.map((row, i) => row.map((v, j) => v / (values[i] * values[j])));
}

/** Lower Cholesky factor of a symmetric positive (semi-)definite matrix; tiny negative pivots clamped to 0. */
export function cholesky(m: number[][]): number[][] {
  const n = m.length;
  const l = m.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = m[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) l[i][i] = Math.sqrt(Math.max(0, sum));
      else l[i][j] = l[j][j] > 0 ? sum / l[j][j] : 0;
    }
  }
  return l;
}

/** gᵀ S g for a gradient stored at `offset` in `grads`. */
function quadratic(grads: Float64Array, offset: number, s: number[][]): number {
  const k = s.length;
  let total = 0;
  for (let i = 0; i < k; i++) {
    const gi = grads[offset + i];
    if (gi === 0) continue;
    for (let j = 0; j < k; j++) total += gi * s[i][j] * grads[offset + j];
  }
  return total;
}

const logit = (p: number): number => Math.log(p) - Math.log1p(-p);

/** Per distinct purchase tuple: the predictions at the estimate and their gradients in ln θ. */
export interface PurchaseSensitivity {
  k: number;
  /** Gradients, `k` numbers per tuple: of logit P(alive), ln E[transactions over the horizon], ln discounted transactions. */
  alive: Float64Array;
  total: Float64Array;
  discounted: Float64Array;
}

/**
 * Forward-difference gradients in ln θ of logit P(alive), ln(total) and ln(discounted) expected transactions
 * of each distinct tuple (`frequency`, `recency`, `T` of each tuple; `base` the values at the estimate, as
 * computed by the valuation). A prediction that is 0, 1 (P(alive)) or not finite at the estimate or a step
 * gets a zero gradient: its interval is the point (BG/NBD's P(alive) = 1 at x = 0, whatever the parameters).
 *
 * Cost: k passes of the valuation over the distinct tuples.
 */
export function purchaseSensitivity(
  model: PurchaseModel,
  params: Readonly<Record<string, number>>,
  settings: ClvSettings,
  frequency: ArrayLike<number>,
  recency: ArrayLike<number>,
  T: ArrayLike<number>,
  base: { alive: ArrayLike<number>; total: ArrayLike<number>; discounted: ArrayLike<number> },
): PurchaseSensitivity {
  const names = Object.keys(params);
  const k = names.length;
  const n = frequency.length;
  const alive = new Float64Array(n * k);
  const total = new Float64Array(n * k);
  const discounted = new Float64Array(n * k);
  // As in the valuation: the BG/NBD family's numerators are shared by the tuples with the same frequency and T.
  const shared = sharedNumerators(frequency, T, settings.steps, n);
  const evaluateAt = (shifted: Record<string, number>) => {
    const out = { alive: new Float64Array(n), total: new Float64Array(n), discounted: new Float64Array(n) };
    const numerators = shared.make();
    for (let t = 0; t < n; t++) {
      const d = discountedTransactions(model, shifted, settings, frequency[t], recency[t], T[t], shared.of(numerators, t));
      const p = model.probabilityAlive(shifted, frequency[t], recency[t], T[t]);
      out.alive[t] = p > 0 && p < 1 ? logit(p) : Number.NaN;
      out.total[t] = d.total > 0 ? Math.log(d.total) : Number.NaN;
      out.discounted[t] = d.discounted > 0 ? Math.log(d.discounted) : Number.NaN;
    }
    return out;
  };
  const down = { alive: new Float64Array(n), total: new Float64Array(n), discounted: new Float64Array(n) };
  for (let t = 0; t < n; t++) {
    const p = base.alive[t];
    down.alive[t] = p > 0 && p < 1 ? logit(p) : Number.NaN;
    down.total[t] = base.total[t] > 0 ? Math.log(base.total[t]) : Number.NaN;
    down.discounted[t] = base.discounted[t] > 0 ? Math.log(base.discounted[t]) : Number.NaN;
  }
  names.forEach((name, i) => {
    const up = evaluateAt({ ...params, [name]: params[name] * Math.exp(STEP) });
    for (let t = 0; t < n; t++) {
      const slope = (a: number, b: number): number => {
        const g = (a - b) / STEP;
        return Number.isFinite(g) ? g : 0;
      };
      alive[t * k + i] = slope(up.alive[t], down.alive[t]);
      total[t * k + i] = slope(up.total[t], down.total[t]);
      discounted[t * k + i] = slope(up.discounted[t], down.discounted[t]);
    }
  });
  return { k, alive, total, discounted };
}

/**
 * Gradient of ln E[Z | x, z̄] of the Gamma-Gamma model in (ln p, ln q, ln γ), written into `out` at `offset`:
 * ln E[Z] = ln p + ln(γ + x z̄) − ln(px + q − 1), so ∂/∂ln p = 1 − px/(px + q − 1), ∂/∂ln q = −q/(px + q − 1),
 * ∂/∂ln γ = γ/(γ + x z̄). With x = 0 (population mean pγ/(q − 1)) the same expressions hold.
 */
export function spendGradient(params: Readonly<Record<string, number>>, frequency: number, monetaryValue: number, out: Float64Array, offset: number): void {
  const { p, q, gamma } = params;
  const x = frequency > 0 && monetaryValue > 0 ? frequency : 0;
  const z = x > 0 ? monetaryValue : 0;
  const denominator = p * x + q - 1;
  out[offset] = 1 - (p * x) / denominator;
  out[offset + 1] = -q / denominator;
  out[offset + 2] = gamma / (gamma + x * z);
}

/** Quantile of sorted values with linear interpolation (type 7). */
export function sortedQuantile(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The two-sided normal quantile of a central interval of `level` (1.645 for 0.9). */
export function zOf(level: number): number {
  return normalQuantile(0.5 + level / 2);
}

/**
 * Draws of the customer equity Σᵢ CLVᵢ·exp(g_D(i)·δθ + g_S(i)·δφ), δθ ~ N(0, Σ_log θ), δφ ~ N(0, Σ_log φ)
 * independently, from `createRng(seed)`; returns them sorted.
 *
 * Cost: O(draws × (distinct tuples × k + customers × 3)).
 */
export function equityDraws(input: {
  clv: Float64Array;
  tupleOf: Int32Array;
  purchaseGrad: Float64Array;
  k: number;
  purchaseCov: number[][];
  spendGrad: Float64Array | null;
  spendCov: number[][] | null;
  draws: number;
  seed: number;
}): Float64Array {
  const { clv, tupleOf, purchaseGrad, k, draws } = input;
  const rng = createRng(input.seed);
  const purchaseL = cholesky(input.purchaseCov);
  const spendL = input.spendCov ? cholesky(input.spendCov) : null;
  const tuples = purchaseGrad.length / k;
  const factor = new Float64Array(tuples);
  const out = new Float64Array(draws);
  const correlated = (l: number[][]): number[] => {
    const z = l.map(() => rng.normal());
    return l.map((row) => row.reduce((s, v, j) => s + v * z[j], 0));
  };
  for (let d = 0; d < draws; d++) {
    const delta = correlated(purchaseL);
    const spendDelta = spendL ? correlated(spendL) : null;
    for (let t = 0; t < tuples; t++) {
      let e = 0;
      for (let i = 0; i < k; i++) e += purchaseGrad[t * k + i] * delta[i];
      factor[t] = Math.exp(e);
    }
    // the same sums, term by term and in the same order; the spend case in a loop of its own, with its
    // gradient and deltas in locals (a million customers per draw)
    let sum = 0;
    const spendGrad = input.spendGrad;
    if (spendDelta && spendGrad) {
      const [s0, s1, s2] = spendDelta;
      for (let c = 0, o = 0; c < clv.length; c++, o += 3) {
        let v = clv[c] * factor[tupleOf[c]];
        v *= Math.exp(spendGrad[o] * s0 + spendGrad[o + 1] * s1 + spendGrad[o + 2] * s2);
        sum += v;
      }
    } else for (let c = 0; c < clv.length; c++) sum += clv[c] * factor[tupleOf[c]];
    out[d] = sum;
  }
  return out.sort();
}

export { quadratic };
