/**
 * Partial derivatives of ln ₂F₁(1, b; b + d; z) in b, d and w = 1 − z: the hypergeometric factor of the
 * Pareto/NBD likelihood (see pareto-nbd.ts, where b and d are r + x and s + 1, and w = (min(α, β) + t)/(max(α, β) + t)),
 * for its analytic gradient. The value itself comes from {@link logHyp2f1UnitA}; this file gives only the
 * derivatives, by one of two methods:
 *
 * 1. z <= 3/4: the Maclaurin series F = Σ tₙ, tₙ = (b)ₙ/(b + d)ₙ · zⁿ, differentiated term by term,
 *
 *      ∂F/∂b = Σ tₙ Σ_{k<n} d/((b + k)(c + k)),   ∂F/∂d = −Σ tₙ Σ_{k<n} 1/(c + k),   ∂F/∂z = Σ n tₙ/z,
 *
 *    with c = b + d. Every sum has terms of one sign (the b-derivative at fixed d is written as
 *    1/(b + k) − 1/(c + k) = d/((b + k)(c + k)), which does not cancel when b is huge), and the term ratios
 *    are at most z(1 + 1/n), so the series stop after O(1/(−ln z)) terms (about 130 at z = 3/4) once a bound
 *    on the remaining tail of each sum is below 1e-16 of it.
 *
 * 2. z > 3/4: Gauss's continued fraction after Pfaff's transformation, as in hyp2f1.ts,
 *
 *      ₂F₁(1, b; c; z) = w⁻¹ / f,  f = 1 + a₁/(1 + a₂/(1 + …)),  aⱼ = kⱼ(b, d)·ξ,  ξ = z/w,
 *
 *    evaluated by the modified Lentz method with forward-mode derivatives: each step's D = 1/(1 + aⱼD) and
 *    C = 1 + aⱼ/C carry their derivatives in the three directions b, d and ξ, and ln f accumulates
 *    ∂C/C + ∂D/D. Every aⱼ is positive, so D is in (0, 1] and C >= 1 and no step divides by a small number.
 *    It stops when the value's step and each derivative's step are below 1e-15 relative. Then
 *    ∂ ln F/∂ξ = −∂ ln f/∂ξ + 1/(1 + ξ) and ∂/∂w = −∂/∂ξ / w².
 *
 * Where the fraction needs more than {@link FRACTION_STEPS} steps (z near 1 with λ = w(b + d) small and d
 * small, where its steps grow like 200/λ: 1,300 at λ = 0.15; the Pareto/NBD with s and β far out on the
 * ridge s, β → ∞, where hyp2f1.ts takes the 1 − z connection formula for the value, at about a microsecond)
 * the derivatives come from central differences of {@link logHyp2f1UnitA} in ln b, ln d and ln w (relative
 * error about 1e-10, ample for the optimiser and for the Hessian's differences of the gradient; one-sided
 * where a step would leave the domain, e.g. across b + d = 1).
 */
import { logHyp2f1UnitA } from '../math/hyp2f1.js';

/** Up to this z the series, above it the continued fraction (as {@link logHyp2f1UnitA}). */
export const SERIES_UP_TO = 0.75;
/** Relative size of a neglected tail or step. */
const SERIES_EPSILON = 1e-16;
const FRACTION_EPSILON = 1e-15;
/** Steps at most for the differentiated continued fraction before the finite-difference fallback (hyp2f1.ts's fraction needs at most ~600 where it is chosen for the value). */
const FRACTION_STEPS = 600;
/** Terms at most of the series (z <= 3/4: about 130 are needed). */
const SERIES_TERMS = 2000;
/** Step in ln b, ln d, ln w of the finite-difference fallback. */
const FALLBACK_STEP = 1e-5;

/**
 * Writes ∂ ln ₂F₁(1, b; b + d; z)/∂b (d fixed), ∂/∂d (b fixed) and ∂/∂w (z = 1 − w) into `out[0..2]` for
 * b > 0, d > 0, 0 <= z < 1, with w = 1 − z given separately as for {@link logHyp2f1UnitA}. Returns false
 * (and `out` undefined) when no method gave finite derivatives.
 *
 * Cost: at most ~130 series terms, or the continued fraction's steps (about 30 at z = 0.75 and 600 at
 * z = 0.999, each about three times a plain step), or 6 evaluations of {@link logHyp2f1UnitA}.
 *
 * @example
 * // ₂F₁(1, 1; 2; z) = −ln(w)/(1 − w), so ∂ ln F/∂w = 1/(w ln w) + 1/(1 − w) = 2 − 2/ln 2 at w = 1/2
 * const out = new Float64Array(3); logHyp2f1UnitAPartials(1, 1, 0.5, 0.5, out); out[2] // => -0.8853900817779268
 */
export function logHyp2f1UnitAPartials(b: number, d: number, z: number, w: number, out: Float64Array): boolean {
  if (!(b > 0 && d > 0 && z >= 0 && z <= 1 && w > 0 && w <= 1 && Number.isFinite(b) && Number.isFinite(d))) return false;
  const done = z <= SERIES_UP_TO ? Number.isFinite(logHyp2f1UnitASeries(b, d, z, out)) : fractionPartials(b, d, z, w, out);
  if (done && Number.isFinite(out[0]) && Number.isFinite(out[1]) && Number.isFinite(out[2])) return true;
  return differencePartials(b, d, z, w, out);
}

/** Relative size of the neglected tail at which the value's series stops (as in hyp2f1.ts). */
const VALUE_EPSILON = 1e-17;

/**
 * ln ₂F₁(1, b; b + d; z) for b > 0, d > 0, 0 <= z <= 3/4 by its Maclaurin series (positive terms whose ratios
 * are at most z; it stops once the tail bound term·z/(1 − z) is below 1e-17 of the sum, as hyp2f1.ts does),
 * and with `out` also the partial derivatives of method 1 of the file comment, from the same terms: the
 * value is the same number with and without `out` (the derivative sums go on past the value's last term
 * when they need to). NaN when the series did not converge (z > 3/4 or parameters outside the domain);
 * `out` then undefined.
 *
 * Cost: O(1/(−ln z)) terms, at most about 130 (z = 3/4).
 *
 * @example
 * logHyp2f1UnitASeries(1, 1, 0.5, null) // => Math.log(2 * Math.LN2) (to 1e-15)
 */
export function logHyp2f1UnitASeries(b: number, d: number, z: number, out: Float64Array | null): number {
  if (!(b > 0 && d > 0 && z >= 0 && z <= SERIES_UP_TO && Number.isFinite(b) && Number.isFinite(d))) return Number.NaN;
  const c = b + d;
  let F = 1;
  let valueDone = z === 0;
  let sumB = 0;
  let sumD = 0;
  let sumZ = 0;
  let term = 1; // tₙ
  let weightB = 0; // Σ_{k<n} d/((b + k)(c + k))
  let weightD = 0; // Σ_{k<n} 1/(c + k)
  const valueTail = z / (1 - z);
  for (let n = 0; n < SERIES_TERMS; n++) {
    if (valueDone && out === null) return Math.log(F);
    const bn = b + n;
    const inverse = 1 / (c + n);
    const over = term * (bn * inverse); // t₍ₙ₊₁₎/z
    term = over * z;
    if (!valueDone) {
      F += term;
      valueDone = term * valueTail <= VALUE_EPSILON * F;
    }
    if (out === null) continue;
    weightB += (d * inverse) / bn;
    weightD += inverse;
    const zTerm = (n + 1) * over;
    const bTerm = term * weightB;
    const dTerm = term * weightD;
    sumB += bTerm;
    sumD += dTerm;
    sumZ += zTerm;
    // every derivative term ratio from here on is at most z(1 + 1/(n + 1)) (see the file comment)
    const rho = z * (1 + 1 / (n + 1));
    if (valueDone && rho < 1) {
      const tail = rho / (1 - rho);
      if (bTerm * tail <= SERIES_EPSILON * sumB && dTerm * tail <= SERIES_EPSILON * sumD && zTerm * tail <= SERIES_EPSILON * sumZ) {
        out[0] = sumB / F;
        out[1] = -sumD / F;
        out[2] = -sumZ / F;
        return Math.log(F);
      }
    }
  }
  return Number.NaN;
}

/** Numbers per term in a table of {@link fillUnitSeries}. */
export const UNIT_SERIES_STRIDE = 4;

/**
 * The coefficients of the series of {@link logHyp2f1UnitASeries} for one (b, d), for evaluating it at many z:
 * κₙ = (b)ₙ/(b + d)ₙ, κₙ·Σ_{k<n} d/((b + k)(c + k)), κₙ·Σ_{k<n} 1/(c + k) and n·κₙ for n < `terms`, written
 * to `table` from `offset` ({@link UNIT_SERIES_STRIDE} numbers per term). In the Pareto/NBD b and d depend
 * on the frequency only (r + x and s + 1), so the coefficients are computed once per frequency and each
 * (x, t) pair costs a polynomial in its z, without divisions ({@link logUnitSeries}).
 */
export function fillUnitSeries(b: number, d: number, table: Float64Array, offset: number, terms: number): void {
  const c = b + d;
  let kappa = 1;
  let weightB = 0;
  let weightD = 0;
  for (let n = 0; n < terms; n++) {
    const at = offset + UNIT_SERIES_STRIDE * n;
    table[at] = kappa;
    table[at + 1] = kappa * weightB;
    table[at + 2] = kappa * weightD;
    table[at + 3] = n * kappa;
    const bn = b + n;
    const inverse = 1 / (c + n);
    weightB += (d * inverse) / bn;
    weightD += inverse;
    kappa *= bn * inverse;
  }
}

/**
 * ln ₂F₁(1, b; b + d; z) for 0 <= z <= 3/4 from the coefficients of {@link fillUnitSeries}, and with `out`
 * its partial derivatives in b, d and w = 1 − z, with the stopping rules of {@link logHyp2f1UnitASeries}
 * (the value the same number with and without `out`). NaN when `terms` did not suffice.
 *
 * Cost: O(1/(−ln z)) terms of a few multiplications.
 */
export function logUnitSeries(table: Float64Array, offset: number, terms: number, z: number, out: Float64Array | null): number {
  let F = 1;
  let valueDone = z === 0;
  let sumB = 0;
  let sumD = 0;
  let sumZ = 0;
  let below = 1; // z^(n−1)
  const valueTail = z / (1 - z);
  for (let n = 1; n < terms; n++) {
    if (valueDone && out === null) return Math.log(F);
    const at = offset + UNIT_SERIES_STRIDE * n;
    const power = below * z; // zⁿ
    const term = table[at] * power;
    if (!valueDone) {
      F += term;
      valueDone = term * valueTail <= VALUE_EPSILON * F;
    }
    if (out !== null) {
      const bTerm = table[at + 1] * power;
      const dTerm = table[at + 2] * power;
      const zTerm = table[at + 3] * below;
      sumB += bTerm;
      sumD += dTerm;
      sumZ += zTerm;
      const rho = z * (1 + 1 / n);
      if (valueDone && rho < 1) {
        const tail = rho / (1 - rho);
        if (bTerm * tail <= SERIES_EPSILON * sumB && dTerm * tail <= SERIES_EPSILON * sumD && zTerm * tail <= SERIES_EPSILON * sumZ) {
          out[0] = sumB / F;
          out[1] = -sumD / F;
          out[2] = -sumZ / F;
          return Math.log(F);
        }
      }
    }
    below = power;
  }
  return valueDone && out === null ? Math.log(F) : Number.NaN;
}

/** Method 2 of the file comment. */
function fractionPartials(b: number, d: number, z: number, w: number, out: Float64Array): boolean {
  const c = b + d;
  const xi = z / w;
  if (!Number.isFinite(xi)) return false;
  let C = 1;
  let D = 0;
  let logF = 0;
  // derivatives of C, D and ln f in the directions b, d, ξ
  let cB = 0;
  let cD = 0;
  let cX = 0;
  let dB = 0;
  let dD = 0;
  let dX = 0;
  let fB = 0;
  let fD = 0;
  let fX = 0;
  for (let j = 1; j <= FRACTION_STEPS; j++) {
    // kⱼ and its derivatives in b and d (c = b + d moves with both)
    let k: number;
    let kB: number;
    let kD: number;
    if (j === 1) {
      k = d / c;
      kB = -d / c / c;
      kD = b / c / c;
    } else if (j % 2 === 1) {
      const n = (j - 1) / 2;
      const p = d + n;
      const q = c - 1 + n;
      const r = c + 2 * n - 1;
      const s = c + 2 * n;
      k = (p / r) * (q / s);
      const common = 1 / q - 1 / r - 1 / s;
      kB = k * common;
      kD = k * (common + 1 / p);
    } else {
      const n = j / 2;
      const u = b - 1 + n;
      const v = c + 2 * n - 2;
      const t = c + 2 * n - 1;
      k = (n / v) * (u / t);
      const shrink = 1 / v + 1 / t;
      kB = n / v / t - k * shrink;
      kD = -k * shrink;
    }
    const a = k * xi;
    const aB = kB * xi;
    const aD = kD * xi;
    const aX = k;
    const previousC = C;
    const previousD = D;
    D = 1 / (1 + a * previousD);
    C = 1 + a / previousC;
    const D2 = D * D;
    const inverseC2 = 1 / (previousC * previousC);
    const nextDB = -D2 * (aB * previousD + a * dB);
    const nextDD = -D2 * (aD * previousD + a * dD);
    const nextDX = -D2 * (aX * previousD + a * dX);
    const nextCB = aB / previousC - a * cB * inverseC2;
    const nextCD = aD / previousC - a * cD * inverseC2;
    const nextCX = aX / previousC - a * cX * inverseC2;
    dB = nextDB;
    dD = nextDD;
    dX = nextDX;
    cB = nextCB;
    cD = nextCD;
    cX = nextCX;
    const stepB = cB / C + dB / D;
    const stepD = cD / C + dD / D;
    const stepX = cX / C + dX / D;
    fB += stepB;
    fD += stepD;
    fX += stepX;
    const delta = C * D;
    if (!(delta > 0 && delta < Infinity)) return false;
    logF += Math.log(delta);
    if (
      Math.abs(delta - 1) <= 4e-16 &&
      Math.abs(stepB) <= FRACTION_EPSILON * Math.abs(fB) &&
      Math.abs(stepD) <= FRACTION_EPSILON * Math.abs(fD) &&
      Math.abs(stepX) <= FRACTION_EPSILON * Math.abs(fX)
    ) {
      out[0] = -fB;
      out[1] = -fD;
      // ∂ ln F/∂ξ = −∂ ln f/∂ξ + 1/(1 + ξ) = −∂ ln f/∂ξ + w, and dξ/dw = −1/w²
      out[2] = (fX - w) / (w * w);
      return Number.isFinite(logF);
    }
  }
  return false;
}

/**
 * The fallback of the file comment: central differences of ln ₂F₁ in ln b, ln d and ln w, or, where one
 * side is outside the domain of {@link logHyp2f1UnitA} (a step across b + d = 1 with w tiny, or w·e^h
 * beyond 1), the one-sided second-order difference (−3f(0) + 4f(h) − f(2h))/(2h) on the other side.
 */
function differencePartials(b: number, d: number, z: number, w: number, out: Float64Array): boolean {
  const along = (bb: number, dd: number, ww: number): number => (ww > 1 ? Number.NaN : logHyp2f1UnitA(bb, dd, ww === w ? z : 1 - ww, ww));
  const center = along(b, d, w);
  const partial = (at: (factor: number) => number): number => {
    const h = FALLBACK_STEP;
    const plus = at(Math.exp(h));
    const minus = at(Math.exp(-h));
    if (Number.isFinite(plus) && Number.isFinite(minus)) return (plus - minus) / (2 * h);
    const side = Number.isFinite(plus) ? 1 : -1;
    const near = Number.isFinite(plus) ? plus : minus;
    const far = at(Math.exp(2 * side * h));
    return (side * (4 * near - 3 * center - far)) / (2 * h);
  };
  out[0] = partial((factor) => along(b * factor, d, w)) / b;
  out[1] = partial((factor) => along(b, d * factor, w)) / d;
  out[2] = partial((factor) => along(b, d, w * factor)) / w;
  return Number.isFinite(out[0]) && Number.isFinite(out[1]) && Number.isFinite(out[2]);
}
