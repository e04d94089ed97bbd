/**
 * d f(θ·eᵘ)/du at u = 0, i.e. θ·f′(θ): central differences in ln θ with steps h, h/2, h/4 and two Richardson
 * extrapolations (truncation error O(h⁶)). Rounding error about 4·ε|f|/h·(a few). For checking analytic
 * gradients against the likelihood itself.
 */
export function logDerivative(f: (theta: number) => number, theta: number, h = 0.02): number {
  const central = (step: number): number => (f(theta * Math.exp(step)) - f(theta * Math.exp(-step))) / (2 * step);
  const d1 = central(h);
  const d2 = central(h / 2);
  const d3 = central(h / 4);
  const r1 = (4 * d2 - d1) / 3;
  const r2 = (4 * d3 - d2) / 3;
  return (16 * r2 - r1) / 15;
}
