/**
 * Special functions for the likelihoods and predictions of the customer-base models, accurate to about
 * 1e-14 relative (checked against mpmath in test/models/special.test.ts).
 *
 * simple-statistics' `gammaln` (Lanczos, g = 607/128) is not used: it loses digits for small arguments
 * (relative error 3e-10 at 1e-8, because it evaluates at x − 1) and returns ±2e-16 instead of 0 at 1 and 2.
 *
 * lgamma: Taylor series of ln Γ(2 + e) in e (Abramowitz & Stegun 6.1.33, coefficients (−1)ᵏ(ζ(k) − 1)/k)
 * on [1.5, 2.5], the recurrence Γ(x + 1) = xΓ(x) to reach that interval from below 10, and the Stirling
 * series (A&S 6.1.40) from 10 on. lbeta: the Stirling-difference forms of R's `lbeta` (nmath/lbeta.c) so
 * that a huge argument (b ≈ 1e15 when a fit runs away) does not cancel catastrophically.
 *
 * digamma ψ = (ln Γ)′ for the analytic gradients of the likelihoods: the recurrence ψ(x) = ψ(x + 1) − 1/x
 * (A&S 6.3.5) up to 10 and the asymptotic series (A&S 6.3.18) from there. The likelihoods need differences
 * ψ(x + n) − ψ(x), which {@link digammaDifference} computes without cancellation.
 */

const LN_SQRT_2PI = 0.9189385332046728;

/** (−1)ᵏ(ζ(k) − 1)/k for k = 2..26 (computed with mpmath at 40 digits). */
const LGAMMA_2_SERIES = [
  0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673986, 0.0028905103307415234,
  -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939, 9.945751278180853e-5, -4.492623673813314e-5,
  2.050721277567069e-5, -9.439488275268397e-6, 4.374866789907488e-6, -2.039215753801366e-6, 9.55141213040742e-7,
  -4.492469198764566e-7, 2.1207184805554665e-7, -1.0043224823968099e-7, 4.7698101693639804e-8, -2.2711094608943164e-8,
  1.0838659214896955e-8, -5.183475041970047e-9, 2.4836745438024785e-9, -1.1921401405860912e-9, 5.731367241678862e-10,
];
const ONE_MINUS_EULER_GAMMA = 0.42278433509846713;

/** ln Γ(2 + e) for |e| <= 0.5: (1 − γ)e + Σ (−1)ᵏ(ζ(k) − 1)eᵏ/k; truncation error < 1e-17. */
function lgammaNear2(e: number): number {
  let sum = 0;
  for (let k = LGAMMA_2_SERIES.length - 1; k >= 0; k--) sum = (sum + LGAMMA_2_SERIES[k]) * e;
  return (ONE_MINUS_EULER_GAMMA + sum) * e;
}

/**
 * The remainder of the Stirling series, ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π], for x >= 10
 * (Bernoulli terms B₂ₖ/(2k(2k − 1)x²ᵏ⁻¹), k = 1..8; error < 2e-18).
 */
function stirlingCorrection(x: number): number {
  const inverse = 1 / x;
  const inverse2 = inverse * inverse;
  return (
    inverse *
    (1 / 12 +
      inverse2 *
        (-1 / 360 +
          inverse2 * (1 / 1260 + inverse2 * (-1 / 1680 + inverse2 * (1 / 1188 + inverse2 * (-691 / 360360 + inverse2 * (1 / 156 + inverse2 * (-3617 / 122400))))))))
  );
}

/**
 * Natural logarithm of the gamma function, ln Γ(x), for x > 0.
 *
 * Relative error below 1e-15 (at most 5e-16 in the tests against mpmath), also next to the zeros at 1 and 2.
 * Cost: O(1) (at most ~35 multiply-adds).
 *
 * @param x a positive number
 * @returns ln Γ(x); Infinity at 0 and at Infinity; NaN for negative or NaN input
 * @example
 * lgamma(0.5) // => 0.5723649429247001 (= ln √π)
 * lgamma(100) // => 359.1342053695754
 */
export function lgamma(x: number): number {
  if (!(x >= 0)) return Number.NaN;
  if (x === 0 || x === Infinity) return Infinity;
  if (x < 0.5) {
    // Γ(x) = Γ(x + 2) / (x (x + 1))
    return lgammaNear2(x) - Math.log(x) - Math.log1p(x);
  }
  if (x < 1.5) {
    // Γ(x) = Γ(x + 1) / x, with x + 1 = 2 + (x − 1)
    return lgammaNear2(x - 1) - Math.log1p(x - 1);
  }
  if (x <= 2.5) return lgammaNear2(x - 2);
  if (x < 10) {
    // Γ(x) = Γ(y) · y (y + 1) ... (x − 1), y in [1.5, 2.5)
    let y = x;
    let product = 1;
    while (y >= 2.5) {
      y -= 1;
      product *= y;
    }
    return lgammaNear2(y - 2) + Math.log(product);
  }
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
}

/**
 * Natural logarithm of the beta function, ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0.
 * Accurate also when one argument is huge (ln B(0.8, 1e15) ≈ −27.4 to full precision), where the naive
 * difference of two ~3e16 numbers would lose every digit.
 *
 * Cost: O(1).
 *
 * @returns NaN when an argument is not positive
 * @example
 * lbeta(1, 1) // => 0
 * lbeta(2, 3) // => Math.log(1 / 12)
 */
export function lbeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (!(p > 0)) return p === 0 ? Infinity : Number.NaN;
  if (q === Infinity) return -Infinity;
  if (p >= 10) {
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + correction + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const correction = stirlingCorrection(q) - stirlingCorrection(p + q);
    return lgamma(p) + correction + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return lgamma(p) + lgamma(q) - lgamma(p + q);
}

/**
 * B₂ₖ/(2k) for k = 1..8, the coefficients of the asymptotic series of the digamma function
 * ψ(x) ~ ln x − 1/(2x) − Σₖ B₂ₖ/(2k x²ᵏ) (Abramowitz & Stegun 6.3.18).
 */
const DIGAMMA_SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12, -3617 / 8160];
/** Where the asymptotic series of ψ takes over: the first omitted term is below 4e-18 from here on. */
const DIGAMMA_ASYMPTOTIC = 10;

/**
 * The digamma function ψ(x) = d ln Γ(x)/dx = Γ′(x)/Γ(x), for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x
 * (A&S 6.3.5) up to x >= 10, then the asymptotic series ln x − 1/(2x) − Σₖ₌₁⁸ B₂ₖ/(2k x²ᵏ) (A&S 6.3.18),
 * whose truncation error is below 4e-18 there.
 *
 * Absolute error below about 1e-15·max(1, |ψ(x)|); the relative error grows near the only positive zero,
 * x₀ = 1.4616321449683623 (the minimum of Γ), where the recurrence cancels. For differences
 * ψ(x + n) − ψ(x), which cancel when n is small against x, use {@link digammaDifference}.
 *
 * Cost: O(1) (at most 10 recurrence steps and one logarithm).
 *
 * @returns −Infinity at 0, Infinity at Infinity, NaN for negative or NaN input
 * @example
 * digamma(1) // => -0.5772156649015329 (−γ, Euler's constant)
 * digamma(0.5) // => -1.9635100260214235 (−γ − 2 ln 2)
 */
export function digamma(x: number): number {
  if (!(x >= 0)) return Number.NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let shift = 0;
  let y = x;
  while (y < DIGAMMA_ASYMPTOTIC) {
    shift += 1 / y;
    y += 1;
  }
  const inverse2 = 1 / (y * y);
  let series = 0;
  for (let k = DIGAMMA_SERIES.length - 1; k >= 0; k--) series = (series + DIGAMMA_SERIES[k]) * inverse2;
  return Math.log(y) - 0.5 / y - series - shift;
}

/**
 * ln Γ(x + n) − ln Γ(x) for x > 0 and n >= 0, without the cancellation of the plain difference when x is
 * large (ln Γ(1e15 + 3) − ln Γ(1e15) by lgamma loses every digit; this gives 3·ln(1e15) to full precision):
 *
 * - integer n <= 64: Σ_{j<n} ln(x + j), every term to full relative precision;
 * - x >= 10: the difference of the Stirling series, (x − ½)·ln(1 + n/x) + n·ln(x + n) − n + the difference of
 *   the Stirling remainders, with log1p;
 * - otherwise lgamma(x + n) − lgamma(x) (x < 10: ln Γ(x) is small, nothing of size cancels).
 *
 * In the likelihoods: Γ(r + x)/Γ(r) (purchase models), Γ(px + q)/Γ(px) (Gamma-Gamma).
 *
 * Cost: O(min(n, 64)) or O(1).
 *
 * @returns NaN for x <= 0 (0 for n = 0), negative n or NaN input
 * @example
 * logGammaRatio(1, 3) // => Math.log(6) (Γ(4)/Γ(1) = 3!)
 * logGammaRatio(1e15, 3) // => 3 * Math.log(1e15) + 3e-15 (to 1e-16 relative)
 */
export function logGammaRatio(x: number, n: number): number {
  if (!(x >= 0) || !(n >= 0)) return Number.NaN;
  if (n === 0) return 0;
  if (x === 0) return Infinity;
  if (n <= DIGAMMA_DIRECT_STEPS_FOR_RATIO && Number.isInteger(n)) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.log(x + j);
    return sum;
  }
  if (x >= 10) {
    return (x - 0.5) * Math.log1p(n / x) + n * Math.log(x + n) - n + stirlingCorrection(x + n) - stirlingCorrection(x);
  }
  return lgamma(x + n) - lgamma(x);
}
const DIGAMMA_DIRECT_STEPS_FOR_RATIO = 64;

/**
 * ln[B(a, b + n)/B(a, b)] = ln E[(1 − p)ⁿ] for p ~ Beta(a, b), the probability of surviving n dropout coins
 * in the BG/NBD and MBG/NBD, for a, b > 0 and n >= 0; always <= 0. Without the cancellation of
 * lbeta(a, b + n) − lbeta(a, b), which loses every digit when a and b are huge (both terms about −(a + b)·ln 2
 * at a = b = 1e15, where the ratio is 2⁻ⁿ):
 *
 * - integer n <= 64: −Σ_{j<n} ln(1 + a/(b + j)), each term to full relative precision;
 * - otherwise [ln Γ(b + n) − ln Γ(b)] − [ln Γ(a + b + n) − ln Γ(a + b)] by {@link logGammaRatio}.
 *
 * Cost: O(min(n, 64)) or O(1).
 *
 * @example
 * logBetaRatio(1, 1, 1) // => Math.log(0.5) (B(1, 2)/B(1, 1) = 1/2)
 * logBetaRatio(1e15, 1e15, 3) // => 3 * Math.log(0.5) (to 1e-15 relative)
 */
export function logBetaRatio(a: number, b: number, n: number): number {
  if (!(a > 0) || !(b > 0) || !(n >= 0)) return Number.NaN;
  if (n === 0) return 0;
  if (n <= DIGAMMA_DIRECT_STEPS_FOR_RATIO && Number.isInteger(n)) {
    let sum = 0;
    for (let j = n - 1; j >= 0; j--) sum -= Math.log1p(a / (b + j));
    return sum;
  }
  return logGammaRatio(b, n) - logGammaRatio(a + b, n);
}

/**
 * Loader's deviance term bd0(x, μ) = x·ln(x/μ) + μ − x >= 0 (Loader 2000, "Fast and accurate computation of
 * binomial probabilities"; R's nmath/bd0.c), by its series in v = (x − μ)/(x + μ) when x is near μ, where
 * the plain form cancels.
 *
 * Cost: O(1) (a few series terms near μ).
 *
 * @example
 * bd0(2, 1) // => 2·ln 2 − 1 = 0.3862943611198906
 */
export function bd0(x: number, mu: number): number {
  if (!(x >= 0) || !(mu > 0) || !Number.isFinite(x) || !Number.isFinite(mu)) return Number.NaN;
  if (x === 0) return mu;
  if (Math.abs(x - mu) < 0.1 * (x + mu)) {
    const v = (x - mu) / (x + mu);
    let sum = (x - mu) * v;
    let term = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1000; j++) {
      term *= v2;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / mu) + mu - x;
}

/**
 * ln[vᵃ wᵇ / B(a, b)] for a, b > 0 and v + w = 1 (v and w given separately, each to full precision, with
 * their logarithms): the kernel of the Gamma-Gamma density (a = px, b = q, v = x z̄/(γ + x z̄)) and of beta
 * densities. When a and b are both large its terms are each of size a·ln(a/(a + b)) and cancel; there it is
 * evaluated as ½·ln(ab/(2π(a + b))) − [stirling remainders] − bd0(a, (a + b)v) − bd0(b, (a + b)w), with
 * nothing left to cancel (an independent check found the plain form at +9.2e107 where the value is −3.5e79).
 *
 * Cost: O(1).
 *
 * @example
 * logBetaKernel(1, 1, 0.5, 0.5, Math.log(0.5), Math.log(0.5)) // => Math.log(0.25)
 */
export function logBetaKernel(a: number, b: number, v: number, w: number, logV: number, logW: number): number {
  return logBetaKernelFrom(logBetaKernelConstant(a, b), a, b, v, w, logV, logW);
}

/**
 * The part of {@link logBetaKernel} that depends on a and b only, for callers that evaluate many kernels
 * with the same a and b (the Gamma-Gamma likelihood: one per distinct frequency): ln B(a, b), or in the
 * large-argument form ½·ln(ab/(2π(a + b))) − [stirling remainders].
 *
 * Cost: O(1).
 */
export function logBetaKernelConstant(a: number, b: number): number {
  if (Math.min(a, b) >= 10) {
    const m = a + b;
    const corrections = stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(m);
    return 0.5 * (Math.log(a) + Math.log(b) - Math.log(m)) - LN_SQRT_2PI - corrections;
  }
  return lbeta(a, b);
}

/**
 * {@link logBetaKernel} from its constant part ({@link logBetaKernelConstant} of the same a and b): the same
 * value to the last bit, without the per-(a, b) work.
 *
 * Cost: O(1).
 */
export function logBetaKernelFrom(constant: number, a: number, b: number, v: number, w: number, logV: number, logW: number): number {
  if (Math.min(a, b) >= 10) {
    const m = a + b;
    return constant - bd0(a, m * v) - bd0(b, m * w);
  }
  return a * logV + b * logW - constant;
}

/** Integer steps up to which {@link digammaDifference} sums the recurrence directly. */
const DIGAMMA_DIRECT_STEPS = 64;

/**
 * ψ(x + n) − ψ(x) for x > 0 and n >= 0, to about 1e-15 relative whatever the size of n against x (the
 * plain difference of two ψ values loses all digits when x is 1e15 and n is 3):
 *
 * - integer n <= 64: the recurrence, Σ_{j<n} 1/(x + j) (all terms positive);
 * - otherwise: shift x to y >= 10 with ψ(x + n) − ψ(x) = ψ(x + 1 + n) − ψ(x + 1) + n/(x(x + n)), then take
 *   the difference of the asymptotic series term by term:
 *   ln(1 + n/y) + n/(2y(y + n)) + Σₖ B₂ₖ/(2k) · y⁻²ᵏ (1 − (1 + n/y)⁻²ᵏ),
 *   with log1p and expm1 so that every term keeps its relative precision.
 *
 * All terms are positive, so nothing cancels. In the purchase models (n a frequency, x one of r, a + b, b)
 * and the Gamma-Gamma (x = px, n = q and the reverse) these are the derivatives of ln Γ(x + n) − ln Γ(x).
 *
 * Cost: O(min(n, 64)) for integer n, otherwise O(1) (at most 10 shift steps, one log1p and 8 expm1).
 *
 * @returns NaN for x <= 0 (Infinity at x = 0 with n > 0), negative n or NaN input
 * @example
 * digammaDifference(1, 2) // => 1.5 (1/1 + 1/2)
 * digammaDifference(1e15, 3) // => 3e-15 (to 1e-15 relative; digamma(1e15 + 3) − digamma(1e15) gives 0)
 */
export function digammaDifference(x: number, n: number): number {
  if (!(x >= 0) || !(n >= 0)) return Number.NaN;
  if (n === 0) return 0;
  if (x === 0) return Infinity;
  if (n === Infinity) return Infinity;
  if (n <= DIGAMMA_DIRECT_STEPS && Number.isInteger(n)) {
    let sum = 0;
    for (let j = n - 1; j >= 0; j--) sum += 1 / (x + j); // smallest terms first
    return sum;
  }
  let shift = 0;
  let y = x;
  while (y < DIGAMMA_ASYMPTOTIC) {
    // 1/y − 1/(y + n), written so that it neither cancels nor overflows
    shift += n / (y + n) / y;
    y += 1;
  }
  const logRatio = Math.log1p(n / y); // ln((y + n)/y)
  const inverse2 = 1 / (y * y);
  let power = 1;
  let series = 0;
  for (let k = 1; k <= DIGAMMA_SERIES.length; k++) {
    power *= inverse2;
    if (power === 0) break;
    // y⁻²ᵏ − (y + n)⁻²ᵏ = y⁻²ᵏ (1 − e^(−2k ln(1 + n/y)))
    series -= DIGAMMA_SERIES[k - 1] * power * Math.expm1(-2 * k * logRatio);
  }
  return shift + logRatio + n / (y + n) / (2 * y) + series;
}

/**
 * Gradient in (a, b) of ln[B(a, b + n)/B(a, b)], the log of E[(1 − p)ⁿ] for p ~ Beta(a, b) (the
 * probability of surviving n dropout coins in the BG/NBD and MBG/NBD):
 *
 *   ∂/∂a = ψ(a + b) − ψ(a + b + n),
 *   ∂/∂b = [ψ(b + n) − ψ(b)] − [ψ(a + b + n) − ψ(a + b)]  ( = Σ_{j<n} a/((b + j)(a + b + j)) for integer n).
 *
 * The ∂/∂b difference is summed term by term for integer n <= 64, so it keeps its relative precision even
 * for b = 1e15, where both brackets are ≈ n/b and their difference ≈ a·n/b²; above 64 it is the difference
 * of two {@link digammaDifference} values, with an absolute error of about 1e-16·n/b.
 *
 * Cost: O(min(n, 64)).
 *
 * @param n a non-negative number (a frequency, or frequency + 1)
 * @returns [∂/∂a, ∂/∂b]; [0, 0] for n = 0
 * @example
 * lbetaRatioGradient(1, 1, 1) // => [-0.5, 0.5] (ln B(1, 2)/B(1, 1) = ln(b/(a + b)) at a = b = 1)
 */
export function lbetaRatioGradient(a: number, b: number, n: number): [number, number] {
  const da = -digammaDifference(a + b, n);
  if (n <= DIGAMMA_DIRECT_STEPS && Number.isInteger(n)) {
    let db = 0;
    for (let j = n - 1; j >= 0; j--) db += a / ((b + j) * (a + b + j));
    return [da, db];
  }
  return [da, digammaDifference(b, n) + da];
}

/**
 * ln(eᵃ + eᵇ) without overflow or underflow.
 *
 * Cost: O(1).
 *
 * @example
 * logAddExp(1000, 1000) // => 1000.6931471805599
 */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const max = a > b ? a : b;
  if (max === Infinity) return Infinity;
  return max + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/**
 * ln Σ exp(vᵢ) without overflow or underflow; −Infinity for an empty list.
 *
 * Cost: O(n).
 *
 * @example
 * logSumExp([-1000, -1000, -1000]) // => -998.9013877113318
 */
export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) return Number.NaN;
    if (v > max) max = v;
  }
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

/**
 * ln(1 − e⁻ˣ) for x > 0, accurate both for small x and large x (Mächler 2012, "Accurately computing
 * log(1 − exp(−|a|))", Rmpfr vignette): ln(−expm1(−x)) for x <= ln 2, log1p(−e⁻ˣ) above.
 *
 * Cost: O(1).
 *
 * @returns NaN for x < 0, −Infinity at 0
 * @example
 * log1mexp(Math.LN2) // => Math.log(0.5)
 */
export function log1mexp(x: number): number {
  if (!(x >= 0)) return Number.NaN;
  return x <= Math.LN2 ? Math.log(-Math.expm1(-x)) : Math.log1p(-Math.exp(-x));
}

/** Largest number of series terms {@link hyp2f1Bracket} sums before giving up (NaN). */
const MAX_SERIES_TERMS = 10_000_000;

/**
 * The bracket of the BG/NBD and MBG/NBD expectations,
 *
 *   [1 − (1 − z)^(a−1) · ₂F₁(p, a − 1; c; z)] / (a − 1),   0 <= z < 1,
 *
 * continuous through a = 1 (where it equals −ln(1 − z) − Σₙ (p)ₙ zⁿ / ((c)ₙ n), its limit).
 *
 * Why this form: the expectations contain 1 − (1 − z)^(r+x) ₂F₁(r + x, b + x; c; z) whose power series has
 * huge, slowly decaying terms when the frequency x is large. Euler's transformation
 * ₂F₁(A, B; C; z) = (1 − z)^(C−A−B) ₂F₁(C − A, C − B; C; z) (Abramowitz & Stegun 15.3.3) turns it into
 * 1 − (1 − z)^(a−1) ₂F₁(C − A, a − 1; C; z), whose numerator parameters do not grow with x. Writing
 * ₂F₁(p, a − 1; c; z) = 1 + (a − 1)Σ' and evaluating 1 − exp((a − 1)·[ln(1 − z) + log1p((a − 1)Σ')/(a − 1)])
 * with expm1/log1p keeps full precision at small z (short horizons) and near a = 1.
 *
 * Cost: O(terms), about 40/(−ln z) terms; z = 0.9 takes ~400, z = 0.999 ~40,000.
 *
 * @param p first numerator parameter of the transformed series (C − A)
 * @param a the beta parameter a of the model (the second numerator parameter is a − 1)
 * @param c the denominator parameter (not 0 or a negative integer)
 * @param z the argument, 0 <= z < 1
 * @returns the bracket; NaN when z is outside [0, 1) or the series did not converge within 1e7 terms
 * @example
 * // p = 1, a = 2, c = 2: ₂F₁(1, 1; 2; z) = −ln(1 − z)/z, so the bracket is 1 + (1 − z) ln(1 − z)/z
 * hyp2f1Bracket(1, 2, 2, 0.5) // => 1 + 0.5 * Math.log(0.5) / 0.5
 */
export function hyp2f1Bracket(p: number, a: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1) || !(c > 0 || !Number.isInteger(c))) return Number.NaN;
  if (z === 0) return 0;
  const epsilon = a - 1;
  const logOneMinusZ = Math.log1p(-z);
  // Σ' = Σ_{n>=1} (p)_n (a)_{n-1} zⁿ / ((c)_n n!)
  let term = (p * z) / c;
  let seriesSum = term;
  let converged = term === 0;
  for (let n = 1; n < MAX_SERIES_TERMS && !converged; n++) {
    const ratio = ((p + n) * (a + n - 1) * z) / ((c + n) * (n + 1));
    term *= ratio;
    seriesSum += term;
    // stop when the remaining tail, bounded geometrically by |term|·ratio/(1 − ratio), is negligible
    converged = term === 0 || (Math.abs(ratio) < 1 && Math.abs(term) <= 1e-17 * (1 - Math.abs(ratio)) * Math.abs(seriesSum));
  }
  if (!converged || !Number.isFinite(seriesSum)) return Number.NaN;
  if (epsilon === 0) return -(logOneMinusZ + seriesSum);
  const exponent = logOneMinusZ + Math.log1p(epsilon * seriesSum) / epsilon;
  return -Math.expm1(epsilon * exponent) / epsilon;
}

/**
 * ln P(N(t) = n) for the NBD count of a Poisson process whose rate is Gamma(r, rate α) across customers,
 * over a window of length t: Γ(r + n)/(Γ(r) n!) · (α/(α + t))ʳ · (t/(α + t))ⁿ.
 *
 * Cost: O(1).
 *
 * @example
 * logNbdProbability(1, 1, 1, 2) // => Math.log(0.125)
 */
export function logNbdProbability(r: number, alpha: number, t: number, n: number): number {
  const logWindow = Math.log(alpha + t);
  const logFailures = n === 0 ? 0 : n * (Math.log(t) - logWindow);
  return lgamma(r + n) - lgamma(r) - lgamma(n + 1) + r * (Math.log(alpha) - logWindow) + logFailures;
}

/**
 * P(N(t) >= n) for the NBD count of {@link logNbdProbability}: 1 − Σ_{j<n} P(N(t) = j) when that is at
 * least ½, otherwise the tail Σ_{j>=n} P(N(t) = j) summed directly, so small tails keep their relative
 * precision.
 *
 * Cost: O(n) plus about 40/(−ln(t/(α + t))) tail terms.
 *
 * @example
 * nbdTailProbability(1, 1, 1, 2) // => 0.25 (geometric: P(N >= 2) = 0.5²)
 */
export function nbdTailProbability(r: number, alpha: number, t: number, n: number): number {
  if (n <= 0) return 1;
  if (t === 0) return 0;
  const q = t / (alpha + t);
  let head = 0;
  let term = Math.exp(r * (Math.log(alpha) - Math.log(alpha + t)));
  for (let j = 0; j < n; j++) {
    head += term;
    term *= ((r + j) / (j + 1)) * q;
  }
  if (head <= 0.5) return 1 - head;
  let tail = 0;
  let current = Math.exp(logNbdProbability(r, alpha, t, n));
  for (let j = n; j < n + MAX_SERIES_TERMS; j++) {
    tail += current;
    const ratio = ((r + j) / (j + 1)) * q;
    current *= ratio;
    if (current === 0 || (ratio < 1 && current <= 1e-17 * (1 - ratio) * tail)) break;
  }
  return tail;
}

/**
 * A running sum with Neumaier's compensation (Neumaier 1974, ZAMM 54, 39-51), for the log-likelihoods: with
 * a million customers the rounding of a plain running sum (~1e-12 on the mean log-likelihood) hides the
 * decreases of the last BFGS steps (~1e-14).
 *
 * @example
 * const s = new CompensatedSum(); for (const v of [1, 1e100, 1, -1e100]) s.add(v); s.value() // => 2
 */
export class CompensatedSum {
  private total = 0;
  private carry = 0;

  add(term: number): void {
    const sum = this.total + term;
    this.carry += Math.abs(this.total) >= Math.abs(term) ? this.total - sum + term : term - sum + this.total;
    this.total = sum;
  }

  /** The sum; an infinite or NaN sum as it is (the carry is NaN after an infinite term). */
  value(): number {
    return Number.isFinite(this.total) ? this.total + this.carry : this.total;
  }
}
