/** Numerical derivatives: central-difference gradient and Hessians (of a function, or of its analytic gradient). */

/** Relative step of the central-difference gradient: cube root of machine epsilon. */
export const GRADIENT_STEP = 6.055454452393343e-6;

/** Relative step of the finite-difference Hessian: fourth root of machine epsilon. */
const HESSIAN_STEP = 1.220703125e-4;

/** Central-difference gradient; entries are NaN when f is not finite on either side. O(2n) evaluations. */
export function gradient(f: (x: number[]) => number, x: number[]): number[] {
  const n = x.length;
  const g = new Array<number>(n);
  const probe = x.slice();
  for (let i = 0; i < n; i++) {
    const h = GRADIENT_STEP * Math.max(1, Math.abs(x[i]));
    probe[i] = x[i] + h;
    const plus = f(probe);
    probe[i] = x[i] - h;
    const minus = f(probe);
    probe[i] = x[i];
    g[i] = Number.isFinite(plus) && Number.isFinite(minus) ? (plus - minus) / (2 * h) : Number.NaN;
  }
  return g;
}

/**
 * Finite-difference Hessian by central differences with steps scaled to |xᵢ|: hᵢ = ε^¼·|xᵢ| ≈ 1.22e-4·|xᵢ|
 * (1.22e-4 when xᵢ = 0). Diagonal: (f(x+hᵢ) − 2f(x) + f(x−hᵢ))/hᵢ²; off-diagonal:
 * the four-point formula (f(++) − f(+−) − f(−+) + f(−−))/(4hᵢhⱼ). Entries are NaN when f is not finite at
 * a probe point. Symmetric by construction.
 *
 * Cost: 2n² + 1 evaluations.
 *
 * @example
 * hessian(([x, y]) => x * x * y, [1, 2]) // => [[4, 2], [2, 0]] (to ~1e-7)
 */
export function hessian(f: (x: number[]) => number, x: number[]): number[][] {
  const n = x.length;
  const h = x.map((v) => HESSIAN_STEP * (v !== 0 ? Math.abs(v) : 1));
  // use the representable step actually taken
  const steps = x.map((v, i) => (v + h[i]) - v);
  const f0 = f(x);
  const probe = x.slice();
  const at = (i: number, si: number, j: number, sj: number): number => {
    probe[i] += si * steps[i];
    probe[j] += sj * steps[j];
    const v = f(probe);
    probe[i] = x[i];
    probe[j] = x[j];
    return v;
  };
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    probe[i] = x[i] + steps[i];
    const plus = f(probe);
    probe[i] = x[i] - steps[i];
    const minus = f(probe);
    probe[i] = x[i];
    out[i][i] = (plus - 2 * f0 + minus) / (steps[i] * steps[i]);
    for (let j = 0; j < i; j++) {
      const value = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * steps[i] * steps[j]);
      out[i][j] = value;
      out[j][i] = value;
    }
  }
  for (const row of out) for (let j = 0; j < n; j++) if (!Number.isFinite(row[j])) row[j] = Number.NaN;
  return out;
}

/**
 * Hessian from an analytic gradient by central differences of the gradient, with steps scaled to |xⱼ|:
 * hⱼ = ε^⅓·|xⱼ| ≈ 6.06e-6·|xⱼ| (6.06e-6 when xⱼ = 0), column j = (∇f(x + hⱼeⱼ) − ∇f(x − hⱼeⱼ))/(2hⱼ),
 * symmetrised as (H + Hᵀ)/2. Entries are NaN when the gradient is not finite at a probe point.
 *
 * Why: with an exact gradient the truncation error is O(h²) and the rounding error O(ε/h) relative, about
 * 1e-10, against about 1e-8 for {@link hessian}'s second differences of f (whose rounding error is
 * O(ε/h²)); and it takes 2n gradient calls instead of 2n² + 1 evaluations of f.
 *
 * Cost: 2n gradient calls.
 *
 * @example
 * hessianFromGradient(([x, y]) => [2 * x * y, x * x], [1, 2]) // => [[4, 2], [2, 0]] (to ~1e-9)
 */
export function hessianFromGradient(g: (x: number[]) => number[], x: number[]): number[][] {
  const n = x.length;
  const columns: number[][] = [];
  const probe = x.slice();
  for (let j = 0; j < n; j++) {
    const h = GRADIENT_STEP * (x[j] !== 0 ? Math.abs(x[j]) : 1);
    const step = (x[j] + h) - x[j]; // the representable step actually taken
    probe[j] = x[j] + step;
    const plus = g(probe);
    probe[j] = x[j] - step;
    const minus = g(probe);
    probe[j] = x[j];
    columns.push(Array.from({ length: n }, (_, i) => (plus[i] - minus[i]) / (2 * step)));
  }
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const value = i === j ? columns[i][i] : (columns[j][i] + columns[i][j]) / 2;
      out[i][j] = Number.isFinite(value) ? value : Number.NaN;
      out[j][i] = out[i][j];
    }
  }
  return out;
}
