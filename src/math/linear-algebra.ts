/** Linear algebra for the fits: the inverse of a symmetric positive-definite matrix (covariance from a Hessian). */

/**
 * Inverse of a symmetric positive-definite matrix through its Cholesky factorisation, or null when the
 * matrix is not positive definite (or has non-finite entries). Only the lower triangle is read.
 *
 * Cost: O(n³).
 *
 * @example
 * invertSymmetric([[4, 2], [2, 3]]) // => [[0.375, -0.25], [-0.25, 0.5]] (to rounding)
 */
export function invertSymmetric(m: number[][]): number[][] | null {
  const n = m.length;
  // L Lᵀ = m
  const L: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = m[j][j];
    for (let k = 0; k < j; k++) d -= L[j][k] * L[j][k];
    if (!(d > 0) || !Number.isFinite(d)) return null;
    const ljj = Math.sqrt(d);
    L[j][j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = m[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (!Number.isFinite(s)) return null;
      L[i][j] = s / ljj;
    }
  }
  // Linv (lower triangular), then m⁻¹ = Linvᵀ Linv
  const Linv: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    Linv[i][i] = 1 / L[i][i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i][k] * Linv[k][j];
      Linv[i][j] = s / L[i][i];
    }
  }
  const inverse: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Linv[k][i] * Linv[k][j];
      inverse[i][j] = s;
      inverse[j][i] = s;
    }
  }
  return inverse;
}
