/**
 * The statistics of campaign measurement, pure: Wilson score intervals, Newcombe's hybrid score interval for
 * a difference of two proportions, the pooled two-proportion z test, the normal and Student t quantiles, and
 * Welch's interval for a difference of two means. See docs/campaign.md for the formulas and references.
 */
import { lgamma } from '../math/special.js';
import { erfc, normalCdf, normalQuantile as strictNormalQuantile } from '../math/normal.js';

export { normalCdf };

/** z of a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z95 = 1.959963984540054;

/**
 * The standard normal quantile Φ⁻¹(p): the one of src/math/normal.ts (Acklam's approximation refined by a
 * Halley step) inside (0, 1), and ±Infinity at 0 and 1 (NaN outside) instead of its RangeError.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  return strictNormalQuantile(p);
}

/**
 * The regularized incomplete beta function I_x(a, b), by the continued fraction of Numerical Recipes
 * (Press et al. 2007, §6.4, modified Lentz), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where it converges
 * faster.
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** The CDF of Student's t with `df` > 0 degrees of freedom (df need not be whole). */
export function tCdf(t: number, df: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/**
 * The quantile of Student's t with `df` > 0 degrees of freedom (df need not be whole, as Welch's are): the root
 * of tCdf(t, df) = p, found by bisection on a bracket that starts from the normal quantile (the t quantile is
 * farther from 0), to a relative precision of 1e-12. Closed forms for df = 1 and 2 are not used, so that the
 * tests of those cases check the general method.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (df > 1e7) return normalQuantile(p);
  let lo = normalQuantile(p);
  let hi = Math.max(2 * lo, 1);
  while (tCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let i = 0; i < 400 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** An interval [low, high]. */
export type Interval = [number, number];

/**
 * Wilson's score interval for a proportion x/n (Wilson 1927): the roots in p of (x/n − p)² = z² p(1 − p)/n,
 * (2x + z² ± z √(z² + 4x(n − x)/n)) / (2(n + z²)). x may be fractional (used when solving for a sample size).
 */
export function wilsonInterval(x: number, n: number, z = Z95): Interval {
  if (!(n > 0)) return [NaN, NaN];
  const p = x / n;
  const z2 = z * z;
  const centre = (2 * n * p + z2) / (2 * (n + z2));
  const half = (z * Math.sqrt(z2 + 4 * n * p * (1 - p))) / (2 * (n + z2));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval for p1 − p2 (Newcombe 1998, method 10), from the Wilson intervals (l1, u1)
 * and (l2, u2) of each proportion: δ − √((p1 − l1)² + (u2 − p2)²) to δ + √((u1 − p1)² + (p2 − l2)²).
 */
export function newcombeInterval(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilsonInterval(x1, n1, z);
  const [l2, u2] = wilsonInterval(x2, n2, z);
  const delta = p1 - p2;
  return [delta - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), delta + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}

/**
 * The two-sided p-value of the pooled two-proportion z test of p1 = p2: z = (p1 − p2) / √(p̂(1 − p̂)(1/n1 + 1/n2))
 * with p̂ = (x1 + x2)/(n1 + n2), p = 2(1 − Φ(|z|)). When p̂ is 0 or 1 (no variance), 1 (the two rates are equal).
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): { z: number; pValue: number } {
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const diff = x1 / n1 - x2 / n2;
  if (!(se > 0)) return { z: 0, pValue: 1 };
  const z = diff / se;
  return { z, pValue: erfc(Math.abs(z) / Math.SQRT2) };
}

/** Mean and sample variance (n − 1) of values. */
export function meanVariance(values: ArrayLike<number>): { n: number; mean: number; variance: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean = n > 0 ? mean / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { n, mean, variance: n > 1 ? ss / (n - 1) : NaN };
}

/** Welch's interval for a difference of two means. */
export interface WelchResult {
  difference: number;
  standardError: number;
  /** Welch–Satterthwaite degrees of freedom; null when both variances are 0. */
  df: number | null;
  /** The t quantile used; null with df. */
  t: number | null;
  interval: Interval;
}

/**
 * Welch's interval for mean1 − mean2 (Welch 1947): se = √(s1²/n1 + s2²/n2), df = se⁴ / ((s1²/n1)²/(n1 − 1) +
 * (s2²/n2)²/(n2 − 1)) (Satterthwaite 1946), difference ± t(0.975, df) · se. Null when a group has fewer than 2
 * values. Both variances 0: the interval is the difference itself (df null).
 */
export function welchInterval(a: { n: number; mean: number; variance: number }, b: { n: number; mean: number; variance: number }, level = 0.95): WelchResult | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const difference = a.mean - b.mean;
  if (!(se > 0)) return { difference, standardError: 0, df: null, t: null, interval: [difference, difference] };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = tQuantile(1 - (1 - level) / 2, df);
  return { difference, standardError: se, df, t, interval: [difference - t * se, difference + t * se] };
}

/**
 * The smallest control size with which Newcombe's interval (same method as the lift's) excludes zero, the treated
 * size and both observed rates fixed (the control's successes scaled: p2 · n2, fractional). Null when no control
 * size does (the lift is 0, or the treated group alone is too uncertain: as n2 grows the interval tends to
 * δ ∓ (p1 − l1) or δ + (u1 − p1), which may still hold zero). Searched up to 10^9.
 */
export function controlSizeForSignificance(p1: number, n1: number, p2: number, z = Z95): number | null {
  const delta = p1 - p2;
  if (delta === 0 || !(n1 > 0)) return null;
  const excludes = (n2: number): boolean => {
    const [low, high] = newcombeInterval(p1 * n1, n1, p2 * n2, n2, z);
    return delta > 0 ? low > 0 : high < 0;
  };
  let hi = 2;
  while (!excludes(hi)) {
    hi *= 2;
    if (hi > 1e9) return null;
  }
  let lo = hi / 2;
  if (lo < 1 || excludes(lo)) lo = 1;
  if (excludes(lo)) return lo;
  // excludes(lo) false, excludes(hi) true: the interval narrows as n2 grows.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (excludes(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
