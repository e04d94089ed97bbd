
import { gradient } from './derivatives.js';/**
 * Unconstrained minimisation for maximum-likelihood fitting: BFGS (Nocedal & Wright, "Numerical
 * Optimization", 2nd ed. 2006, Algorithm 6.1) with a backtracking Armijo line search (Algorithm 3.1, with
 * safeguarded quadratic/cubic interpolation, section 3.5) on an analytic gradient when the caller has one,
 * otherwise on central-difference gradients (section 8.1), and a Nelder-Mead simplex fallback (Nelder &
 * Mead 1965, with the dimension-adaptive coefficients of Gao & Han 2012, Computational Optimization and
 * Applications 51(1)) for objectives whose gradient cannot be computed or on which BFGS makes no progress.
 *
 * Why analytic gradients matter: a central-difference gradient costs 2n evaluations of the objective, which
 * for the purchase models (n = 4) is 8 passes over the data per BFGS iteration, against one pass for a
 * gradient computed together with the value.
 *
 * Constraints such as positivity are handled by the caller through reparameterisation (fit on log θ).
 * The objective may return `Infinity` or `NaN` outside its domain: the line search treats those points as
 * "too far" and shrinks the step.
 */

/** Value and gradient of an objective at one point, as an analytic gradient function returns them. */
export interface ValueAndGradient {
  value: number;
  gradient: number[];
}

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** Maximum number of BFGS iterations (Nelder-Mead gets `max(maxIterations, 200 × dimension)` iterations). Default 1000. */
  maxIterations?: number;
  /** Convergence when the infinity norm of the gradient falls below this. Default 1e-6. */
  gradientTolerance?: number;
  /**
   * Analytic gradient of the objective, returning the objective's value at the same point too (the same
   * number as `f`; Infinity/NaN outside the domain, where the gradient is not used). When given, BFGS and
   * the convergence test use it instead of central differences, and the line search takes value and
   * gradient from one call. Nelder-Mead still uses `f` only. Default: none (central differences of `f`).
   */
  gradient?: (x: number[]) => ValueAndGradient;
  /**
   * BFGS's first inverse Hessian approximation (symmetric positive definite), e.g. the `inverseHessian` of
   * an earlier run on a similar objective; default the identity, scaled after the first step.
   */
  initialInverseHessian?: number[][];
  /**
   * Box constraints: lower and upper bounds of each coordinate (both or neither). Points are projected onto
   * the box (BFGS steps and Nelder-Mead vertices), coordinates held at a bound by the gradient are left out of
   * the search direction, and convergence is judged on the projected gradient, so a minimum on the edge of
   * the box converges there. Without bounds nothing changes.
   */
  lower?: number[];
  upper?: number[];
  /** Wall-clock deadline (milliseconds since the epoch, as Date.now()): the search stops there, not converged. */
  deadline?: number;
}

/** Result of {@link minimize}. */
export interface MinimizeResult {
  /** The best point found. */
  x: number[];
  /** Objective at `x`. */
  value: number;
  /** Whether a convergence criterion was met: a small gradient, or for Nelder-Mead a collapsed simplex where the gradient is not finite or below 1000 × the tolerance. */
  converged: boolean;
  /** Iterations used (BFGS plus Nelder-Mead when it ran). */
  iterations: number;
  /** Infinity norm of the gradient at `x`, analytic when given, else central-difference (NaN when it is not finite). */
  gradientNorm: number;
  /** The method that produced `x`. */
  method: 'bfgs' | 'nelder-mead';
  /** What stopped the search, lowercase. */
  message: string;
  /** BFGS's inverse Hessian approximation at `x` (when BFGS produced `x`), to start a related search with. */
  inverseHessian?: number[][];
  /** True when the search stopped at `options.deadline`. */
  timedOut?: boolean;
}

/** The projection onto a box, or null without one. */
type Projection = ((x: number[]) => number[]) | null;

function projectionOf(options: MinimizeOptions): Projection {
  const { lower, upper } = options;
  if (lower === undefined || upper === undefined) return null;
  return (x) => x.map((v, i) => (v < lower[i] ? lower[i] : v > upper[i] ? upper[i] : v));
}

/**
 * The gradient with the components that push a coordinate held at a bound out of the box set to 0 (the
 * projected gradient of bound-constrained optimisation); the gradient itself without bounds.
 */
function projectedGradient(x: number[], g: number[], options: MinimizeOptions): number[] {
  const { lower, upper } = options;
  if (lower === undefined || upper === undefined) return g;
  return g.map((v, i) => ((x[i] <= lower[i] && v > 0) || (x[i] >= upper[i] && v < 0) ? 0 : v));
}

const pastDeadline = (deadline: number | undefined): boolean => deadline !== undefined && Date.now() > deadline;

const DEFAULT_MAX_ITERATIONS = 1000;
const DEFAULT_GRADIENT_TOLERANCE = 1e-6;

const infinityNorm = (v: number[]): number => {
  let m = 0;
  for (const x of v) {
    const a = Math.abs(x);
    if (!(a <= m)) m = a; // NaN propagates
  }
  return m;
};

const dot = (u: number[], v: number[]): number => {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
};

const allFinite = (v: number[]): boolean => v.every((x) => Number.isFinite(x));

/**
 * The objective as BFGS sees it: `trial` for the value at a line-search point, `gradient` for the gradient
 * at a point. With an analytic gradient both come from one call, and an accepted trial point carries its
 * gradient along; with central differences the gradient costs 2n more evaluations of f.
 */
interface Oracle {
  /** Value at a trial point, with the gradient when it comes at no extra cost. */
  trial: (x: number[]) => { value: number; gradient?: number[] };
  /** Gradient at a point whose value is known (central differences: 2n evaluations of f). */
  gradient: (x: number[]) => number[];
}

function oracle(f: (x: number[]) => number, analytic: ((x: number[]) => ValueAndGradient) | undefined): Oracle {
  if (analytic === undefined) {
    return { trial: (x) => ({ value: f(x) }), gradient: (x) => gradient(f, x) };
  }
  const trial = (x: number[]): ValueAndGradient => {
    const out = analytic(x);
    // a non-finite value is "outside the domain"; its gradient is meaningless
    return Number.isFinite(out.value) ? out : { value: out.value, gradient: new Array<number>(x.length).fill(Number.NaN) };
  };
  return { trial, gradient: (x) => trial(x).gradient };
}

interface BfgsOutcome {
  x: number[];
  value: number;
  gradient: number[];
  iterations: number;
  converged: boolean;
  /** True when BFGS could not continue (non-finite gradient, no progress) without having converged. */
  failed: boolean;
  message: string;
  /** The inverse Hessian approximation at the end. */
  H?: number[][];
  /** True when the deadline stopped the search. */
  timedOut?: boolean;
}

function bfgs(objective: Oracle, x0: number[], maxIterations: number, tolerance: number, H0?: number[][], bounds: MinimizeOptions = {}): BfgsOutcome {
  const n = x0.length;
  const project = projectionOf(bounds);
  let x = project ? project(x0) : x0.slice();
  const start = objective.trial(x);
  let value = start.value;
  if (!Number.isFinite(value)) {
    return { x, value, gradient: new Array<number>(n).fill(Number.NaN), iterations: 0, converged: false, failed: true, message: 'objective is not finite at the starting point' };
  }
  let g = start.gradient ?? objective.gradient(x);
  if (!allFinite(g)) {
    return { x, value, gradient: g, iterations: 0, converged: false, failed: true, message: 'gradient is not finite at the starting point' };
  }
  // inverse Hessian approximation, identity at first
  let H: number[][] = H0 ? H0.map((row) => row.slice()) : identity(n);
  let steepest = !H0; // H is the (unscaled) identity
  let stalls = 0;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    // without bounds pg is g itself and every step below is the plain BFGS one
    const pg = projectedGradient(x, g, bounds);
    const gNorm = infinityNorm(pg);
    if (gNorm <= tolerance) {
      return { x, value, gradient: pg, iterations: iteration - 1, converged: true, failed: false, message: project && pg !== g && pg.some((v, i) => v !== g[i]) ? 'projected gradient below tolerance at a bound' : 'gradient below tolerance', H };
    }
    if (pastDeadline(bounds.deadline)) {
      return { x, value, gradient: pg, iterations: iteration - 1, converged: false, failed: false, message: 'time budget exhausted', H, timedOut: true };
    }
    let p = H.map((row) => -dot(row, pg));
    if (project) heldAtBounds(x, p, bounds);
    let slope = dot(p, g);
    if (!(slope < 0)) {
      // not a descent direction: reset to steepest descent
      H = identity(n);
      steepest = true;
      p = pg.map((v) => -v);
      slope = dot(p, g);
    }
    // unscaled steepest-descent step: limit its length so a steep start does not leap out of the domain
    const alpha = steepest ? Math.min(1, 1 / Math.max(infinityNorm(p), 1e-300)) : 1;
    const search = lineSearch(objective.trial, x, value, p, slope, alpha, project);
    if (search === null) {
      if (!steepest) {
        // retry once along the steepest descent before giving up
        const descent = pg.map((v) => -v);
        const retry = lineSearch(objective.trial, x, value, descent, dot(descent, g), Math.min(1, 1 / Math.max(gNorm, 1e-300)), project);
        if (retry !== null) {
          H = identity(n);
          steepest = true;
          const xNew = retry.x;
          const gNew = retry.gradient ?? objective.gradient(xNew);
          if (!allFinite(gNew)) {
            return { x: xNew, value: retry.value, gradient: gNew, iterations: iteration, converged: false, failed: true, message: 'gradient is not finite' };
          }
          x = xNew;
          value = retry.value;
          g = gNew;
          continue;
        }
      }
      return { x, value, gradient: g, iterations: iteration, converged: false, failed: true, message: 'line search made no progress' };
    }
    const xNew = search.x;
    const gNew = search.gradient ?? objective.gradient(xNew);
    if (!allFinite(gNew)) {
      return { x: xNew, value: search.value, gradient: gNew, iterations: iteration, converged: false, failed: true, message: 'gradient is not finite' };
    }
    const s = xNew.map((v, i) => v - x[i]);
    const y = gNew.map((v, i) => v - g[i]);
    const sy = dot(s, y);
    const decrease = value - search.value;
    x = xNew;
    g = gNew;
    value = search.value;
    // stall detection: many iterations with no meaningful decrease of f or movement of x
    if (decrease <= 1e-15 * (Math.abs(value) + 1e-300) && infinityNorm(s) <= 1e-13 * (infinityNorm(x) + 1)) {
      stalls++;
      if (stalls >= 5) {
        return { x, value, gradient: g, iterations: iteration, converged: false, failed: true, message: 'no progress' };
      }
    } else {
      stalls = 0;
    }
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (steepest) {
        // scale the initial approximation (Nocedal & Wright eq. 6.20)
        const scale = sy / dot(y, y);
        H = identity(n).map((row) => row.map((v) => v * scale));
        steepest = false;
      }
      H = bfgsUpdate(H, s, y, sy);
    }
  }
  const pg = projectedGradient(x, g, bounds);
  const gNorm = infinityNorm(pg);
  return { x, value, gradient: pg, iterations: maxIterations, converged: gNorm <= tolerance, failed: gNorm > tolerance, message: gNorm <= tolerance ? 'gradient below tolerance' : 'maximum number of iterations reached', H };
}

/** Sets to 0 the components of a search direction that would move a coordinate at a bound out of the box. */
function heldAtBounds(x: number[], p: number[], bounds: MinimizeOptions): void {
  const { lower, upper } = bounds;
  if (lower === undefined || upper === undefined) return;
  for (let i = 0; i < p.length; i++) if ((x[i] <= lower[i] && p[i] < 0) || (x[i] >= upper[i] && p[i] > 0)) p[i] = 0;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? 1 : 0)));
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs) (Nocedal & Wright eq. 6.17). */
function bfgsUpdate(H: number[][], s: number[], y: number[], sy: number): number[][] {
  const n = s.length;
  const rho = 1 / sy;
  const Hy = H.map((row) => dot(row, y));
  const yHy = dot(y, Hy);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      row[j] = H[i][j] - rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
    out.push(row);
  }
  return out;
}

/**
 * Backtracking line search with the Armijo condition f(x + αp) ≤ f(x) + c₁ α ∇fᵀp, c₁ = 1e-4, with
 * safeguarded quadratic interpolation; non-finite trial values halve the step. Returns null when no step
 * of length above 1e-16·|x| decreases f. The accepted point keeps the gradient `trial` returned with its
 * value (analytic gradients), so BFGS does not evaluate it again.
 */
function lineSearch(
  trial: (x: number[]) => { value: number; gradient?: number[] },
  x: number[],
  value: number,
  p: number[],
  slope: number,
  alpha0: number,
  project: Projection = null,
): { x: number[]; value: number; gradient?: number[] } | null {
  const c1 = 1e-4;
  let alpha = alpha0;
  const pNorm = infinityNorm(p);
  const xNorm = infinityNorm(x);
  for (let k = 0; k < 80; k++) {
    if (alpha * pNorm <= 1e-16 * (xNorm + 1)) return null;
    const raw = x.map((v, i) => v + alpha * p[i]);
    const point = project ? project(raw) : raw;
    const probe = trial(point);
    const trialValue = probe.value;
    if (Number.isFinite(trialValue) && trialValue <= value + c1 * alpha * slope) {
      return probe.gradient === undefined ? { x: point, value: trialValue } : { x: point, value: trialValue, gradient: probe.gradient };
    }
    if (Number.isFinite(trialValue)) {
      // minimiser of the quadratic through f(0), f'(0), f(α), kept within [0.1α, 0.5α]
      const quadratic = (-slope * alpha * alpha) / (2 * (trialValue - value - slope * alpha));
      alpha = Math.min(0.5 * alpha, Math.max(0.1 * alpha, Number.isFinite(quadratic) ? quadratic : 0.5 * alpha));
    } else {
      alpha *= 0.25;
    }
  }
  return null;
}

interface NelderMeadOutcome {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
  message: string;
}

/**
 * Nelder-Mead with adaptive coefficients (Gao & Han 2012): reflection 1, expansion 1 + 2/n,
 * contraction 0.75 − 1/(2n), shrink 1 − 1/n. Converges when the spread of the simplex values is below
 * 1e-12·(1 + |f|) and its diameter below 1e-10·(1 + |x|).
 */
function nelderMead(f: (x: number[]) => number, x0: number[], maxIterations: number, deadline?: number): NelderMeadOutcome {
  const n = x0.length;
  const alphaR = 1;
  const betaE = n >= 2 ? 1 + 2 / n : 2;
  const gammaC = n >= 2 ? 0.75 - 1 / (2 * n) : 0.5;
  const deltaS = n >= 2 ? 1 - 1 / n : 0.5;
  const evaluate = (x: number[]): number => {
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  const simplex: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const v = x0.slice();
    v[i] = v[i] !== 0 ? v[i] * 1.05 : 0.00025;
    simplex.push(v);
  }
  let values = simplex.map(evaluate);
  // if a vertex landed outside the domain, pull it halfway back towards x0 a few times
  for (let i = 1; i <= n; i++) {
    for (let k = 0; k < 30 && !Number.isFinite(values[i]); k++) {
      simplex[i] = simplex[i].map((v, j) => (v + x0[j]) / 2);
      values[i] = evaluate(simplex[i]);
    }
  }
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    if (pastDeadline(deadline)) break;
    const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
    const sorted = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    for (let i = 0; i <= n; i++) simplex[i] = sorted[i];
    const best = values[0];
    const worst = values[n];
    let diameter = 0;
    for (let i = 1; i <= n; i++) {
      for (let j = 0; j < n; j++) diameter = Math.max(diameter, Math.abs(simplex[i][j] - simplex[0][j]));
    }
    if (Number.isFinite(worst) && worst - best <= 1e-12 * (1 + Math.abs(best)) && diameter <= 1e-10 * (1 + infinityNorm(simplex[0]))) {
      return { x: simplex[0], value: best, iterations: iteration, converged: true, message: 'simplex collapsed' };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
    const towards = (coefficient: number): number[] => centroid.map((c, j) => c + coefficient * (simplex[n][j] - c));
    const reflected = towards(-alphaR);
    const fr = evaluate(reflected);
    if (fr < values[0]) {
      const expanded = towards(-alphaR * betaE);
      const fe = evaluate(expanded);
      if (fe < fr) {
        simplex[n] = expanded;
        values[n] = fe;
      } else {
        simplex[n] = reflected;
        values[n] = fr;
      }
      continue;
    }
    if (fr < values[n - 1]) {
      simplex[n] = reflected;
      values[n] = fr;
      continue;
    }
    const outside = fr < values[n];
    const contracted = towards(outside ? -alphaR * gammaC : gammaC);
    const fc = evaluate(contracted);
    if (fc < (outside ? fr : values[n])) {
      simplex[n] = contracted;
      values[n] = fc;
      continue;
    }
    for (let i = 1; i <= n; i++) {
      simplex[i] = simplex[i].map((v, j) => simplex[0][j] + deltaS * (v - simplex[0][j]));
      values[i] = evaluate(simplex[i]);
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[bestIndex]) bestIndex = i;
  return { x: simplex[bestIndex], value: values[bestIndex], iterations: iteration, converged: false, message: iteration < maxIterations ? 'time budget exhausted' : 'maximum number of nelder-mead iterations reached' };
}

/**
 * Minimises `f` from `x0`: BFGS with a backtracking Armijo line search on the analytic gradient
 * (`options.gradient`) or a central-difference gradient; falls back to Nelder-Mead from the best point so
 * far when BFGS fails (non-finite values or gradient, no progress, iteration limit), then polishes the
 * Nelder-Mead result with BFGS when the gradient there is finite.
 *
 * Cost: each BFGS iteration takes one value-and-gradient call per line-search trial (usually one) with an
 * analytic gradient, or 2n evaluations for the gradient plus a few for the line search without; and O(n²)
 * arithmetic.
 *
 * @param f objective; may return Infinity/NaN outside its domain
 * @param x0 starting point (copied, not modified)
 * @example
 * minimize(([x, y]) => (x - 1) ** 2 + (y + 2) ** 2, [0, 0]).x // => [1, -2] (to ~1e-8)
 * minimize(([x]) => (x - 3) ** 2, [0], { gradient: ([x]) => ({ value: (x - 3) ** 2, gradient: [2 * (x - 3)] }) }).x // => [3]
 */
export function minimize(f: (x: number[]) => number, x0: number[], options: MinimizeOptions = {}): MinimizeResult {
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const tolerance = options.gradientTolerance ?? DEFAULT_GRADIENT_TOLERANCE;
  const n = x0.length;
  if (n === 0) {
    const value = f([]);
    return { x: [], value, converged: Number.isFinite(value), iterations: 0, gradientNorm: 0, method: 'bfgs', message: 'no parameters' };
  }
  const objective = oracle(f, options.gradient);
  const first = bfgs(objective, x0, maxIterations, tolerance, options.initialInverseHessian, options);
  if (!first.failed) {
    return { x: first.x, value: first.value, converged: first.converged, iterations: first.iterations, gradientNorm: infinityNorm(first.gradient), method: 'bfgs', message: first.message, inverseHessian: first.H, ...(first.timedOut ? { timedOut: true } : {}) };
  }
  // Nelder-Mead from the best finite point (on the box when there is one: f of the projected point)
  const project = projectionOf(options);
  const boxed = project ? (x: number[]): number => f(project(x)) : f;
  const start = Number.isFinite(first.value) ? first.x : project ? project(x0) : x0;
  const startValue = f(start);
  if (!Number.isFinite(startValue)) {
    return { x: start.slice(), value: startValue, converged: false, iterations: first.iterations, gradientNorm: Number.NaN, method: 'bfgs', message: 'objective is not finite at the starting point' };
  }
  const simplex = nelderMead(boxed, start, Math.max(maxIterations, 200 * n), options.deadline);
  if (project) simplex.x = project(simplex.x);
  const timedOut = pastDeadline(options.deadline);
  let iterations = first.iterations + simplex.iterations;
  const g = projectedGradient(simplex.x, objective.gradient(simplex.x), options);
  if (allFinite(g)) {
    if (infinityNorm(g) <= tolerance) {
      return { x: simplex.x, value: simplex.value, converged: true, iterations, gradientNorm: infinityNorm(g), method: 'nelder-mead', message: `bfgs: ${first.message}; nelder-mead: gradient below tolerance` };
    }
    // polish with BFGS; keep it only if it improves and does not fail
    const polish = timedOut ? null : bfgs(objective, simplex.x, maxIterations, tolerance, undefined, options);
    if (polish) iterations += polish.iterations;
    if (polish && !polish.failed && polish.value <= simplex.value) {
      return { x: polish.x, value: polish.value, converged: polish.converged, iterations, gradientNorm: infinityNorm(polish.gradient), method: 'nelder-mead', message: `bfgs: ${first.message}; nelder-mead then bfgs: ${polish.message}`, ...(polish.timedOut ? { timedOut: true } : {}) };
    }
  }
  // a collapsed simplex counts as convergence unless the gradient there is finite and clearly not small
  // (a non-smooth or noisy objective); where the gradient is not finite (a minimum on the edge of the
  // domain) the simplex criterion is all there is
  const gradientNorm = allFinite(g) ? infinityNorm(g) : Number.NaN;
  const steep = Number.isFinite(gradientNorm) && gradientNorm > 1e3 * tolerance;
  return {
    x: simplex.x,
    value: simplex.value,
    converged: simplex.converged && !steep,
    iterations,
    gradientNorm,
    method: 'nelder-mead',
    message: `bfgs: ${first.message}; nelder-mead: ${simplex.message}${simplex.converged && steep ? ' but the gradient is not small' : ''}`,
    ...(timedOut ? { timedOut: true } : {}),
  };
}

/**
 * Runs {@link minimize} from each starting point and returns the best result (lowest finite value,
 * converged runs preferred over non-converged ones at equal value), with the number of starts tried and
 * how many converged. `options.gradient`, when given, is used by every run.
 *
 * Cost: one {@link minimize} per start.
 *
 * @throws {RangeError} when `starts` is empty
 * @example
 * minimizeMultiStart(([x]) => (x * x - 4) ** 2, [[-3], [3]]).convergedStarts // => 2
 */
export function minimizeMultiStart(
  f: (x: number[]) => number,
  starts: number[][],
  options: MinimizeOptions = {},
): MinimizeResult & { starts: number; convergedStarts: number } {
  if (starts.length === 0) throw new RangeError('minimizeMultiStart requires at least one starting point');
  let best: MinimizeResult | null = null;
  let convergedStarts = 0;
  for (const start of starts) {
    // past the deadline only the first start runs (one result is needed), and it stops at once
    if (best !== null && pastDeadline(options.deadline)) break;
    const result = minimize(f, start, options);
    if (result.converged) convergedStarts++;
    if (!Number.isFinite(result.value)) continue;
    if (best === null || isBetter(result, best)) best = result;
  }
  if (best === null) best = minimize(f, starts[0], options);
  return { ...best, starts: starts.length, convergedStarts };
}

/** A better result: lower value; a converged result wins against a non-converged one that is lower by a negligible amount. */
function isBetter(candidate: MinimizeResult, incumbent: MinimizeResult): boolean {
  const tie = 1e-9 * (1 + Math.abs(incumbent.value));
  if (candidate.converged !== incumbent.converged && Math.abs(candidate.value - incumbent.value) <= tie) return candidate.converged;
  return candidate.value < incumbent.value;
}
