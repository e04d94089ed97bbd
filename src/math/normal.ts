/**
 * The standard normal distribution: Φ (by the complementary error function) and Φ⁻¹ (Acklam's approximation
 * refined by a Halley step). One copy for the survival intervals, the parameter intervals of the fits and the
 * campaign statistics.
 */
import { regularizedUpperGamma } from './chi-square.js';

/**
 * Standard normal quantile Φ⁻¹(p): Acklam's rational approximation (relative error 1.15e-9) refined by one
 * Halley step on Φ(x) − p, which brings it to about machine precision. O(1).
 *
 * @throws {RangeError} when p is not in (0, 1)
 * @example
 * normalQuantile(0.975) // => 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs 0 < p < 1, found ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // one Halley step on Φ(x) − p, with Φ from erfc
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Complementary error function: erfc(x) = Q(1/2, x²) for x ≥ 0 (Abramowitz & Stegun 7.1.2, 6.5.17). */
export function erfc(x: number): number {
  return x < 0 ? 2 - regularizedUpperGamma(0.5, x * x) : regularizedUpperGamma(0.5, x * x);
}

/** The standard normal CDF Φ(x) = erfc(−x/√2)/2, computed from the tail on the side of x (no cancellation). */
export function normalCdf(x: number): number {
  const tail = 0.5 * erfc(Math.abs(x) / Math.SQRT2);
  return x < 0 ? tail : 1 - tail;
}
