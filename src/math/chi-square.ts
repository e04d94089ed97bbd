/**
 * The chi-square upper tail for the log-rank test, through the regularized incomplete gamma function:
 * P(χ²_k > x) = Q(k/2, x/2). Q is computed by its power series when x < a + 1 and by its continued fraction
 * (modified Lentz) otherwise: Press et al. (2007) "Numerical Recipes", 3rd ed., section 6.2, eqs. 6.2.5 and
 * 6.2.7; Abramowitz & Stegun (1964) 6.5.29 and 26.4.19. ln Γ from src/models/special.ts.
 */

import { lgamma } from './special.js';

const EPSILON = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/**
 * Regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0, x ≥ 0.
 * Cost: O(√a) iterations typically.
 *
 * @throws {RangeError} when a ≤ 0, x < 0 or either is NaN
 * @example
 * regularizedUpperGamma(1, 2) // => Math.exp(-2)
 */
export function regularizedUpperGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`regularized gamma needs a > 0 and x >= 0, found a = ${a}, x = ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const logPrefix = -x + a * Math.log(x) - lgamma(a);
  if (x < a + 1) {
    // series for P(a, x): e^{-x} x^a / Γ(a+1) Σ x^n / ((a+1)...(a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  // continued fraction for Q(a, x), modified Lentz
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(logPrefix) * h;
}

/**
 * Upper tail of the chi-square distribution, P(χ²_df > x): the p-value of a chi-square statistic. O(1)-ish.
 *
 * @throws {RangeError} when df ≤ 0 or x is negative or NaN
 * @example
 * chiSquareSurvival(3.841458820694124, 1) // => 0.05
 */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) throw new RangeError(`chi-square needs positive degrees of freedom, found ${degreesOfFreedom}`);
  if (!(x >= 0)) throw new RangeError(`chi-square statistic must be non-negative, found ${x}`);
  return regularizedUpperGamma(degreesOfFreedom / 2, x / 2);
}
