import { describe, expect, it } from 'vitest';
import { fitMaximumLikelihood, logScaleInterval, LOWER_BOUND, UPPER_BOUND } from '../../src/models/fit-common.js';
import { hessian, hessianFromGradient } from '../../src/math/derivatives.js';
import { invertSymmetric } from '../../src/math/linear-algebra.js';
import { minimize, minimizeMultiStart } from '../../src/math/optimize.js';
import type { ValueAndGradient } from '../../src/math/optimize.js';

const rosenbrock = ([x, y]: number[]): number => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
const rosenbrockGradient = ([x, y]: number[]): ValueAndGradient => ({
  value: rosenbrock([x, y]),
  gradient: [-400 * x * (y - x * x) - 2 * (1 - x), 200 * (y - x * x)],
});

describe('minimize', () => {
  it('finds the minimum of a shifted, scaled quadratic with BFGS', () => {
    // f = (x-1)² + 10 (y+2)² + (x-1)(y+2) + 3: minimum 3 at (1, -2)
    const f = ([x, y]: number[]): number => (x - 1) ** 2 + 10 * (y + 2) ** 2 + (x - 1) * (y + 2) + 3;
    const result = minimize(f, [5, 5]);
    expect(result.method).toBe('bfgs');
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(-2, 6);
    expect(result.value).toBeCloseTo(3, 12);
    expect(result.gradientNorm).toBeLessThan(1e-6);
  });

  it('solves Rosenbrock from (-1.2, 1)', () => {
    const result = minimize(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
    expect(result.value).toBeLessThan(1e-10);
    expect(result.iterations).toBeLessThan(200);
  });

  it('solves the 4-dimensional extended Rosenbrock', () => {
    const f = (x: number[]): number => rosenbrock([x[0], x[1]]) + rosenbrock([x[2], x[3]]);
    const result = minimize(f, [-1.2, 1, -1.2, 1]);
    expect(result.converged).toBe(true);
    for (const v of result.x) expect(v).toBeCloseTo(1, 4);
  });

  it('falls back to Nelder-Mead when the gradient is not finite at the start', () => {
    // defined only for x > 0; the start sits closer to the boundary than the gradient step
    const f = ([x, y]: number[]): number => (x > 0 ? (x - 2) ** 2 + (y - 3) ** 2 : Number.NaN);
    const result = minimize(f, [1e-9, 0]);
    expect(result.method).toBe('nelder-mead');
    expect(result.message).toMatch(/gradient is not finite/);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(2, 5);
    expect(result.x[1]).toBeCloseTo(3, 5);
  });

  it('stays inside the domain when the objective is Infinity outside it', () => {
    // log barrier: minimum of x - log(x) at x = 1; Infinity for x <= 0
    const f = ([x]: number[]): number => (x > 0 ? x - Math.log(x) : Infinity);
    const result = minimize(f, [20]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
  });

  it('reports a non-finite start without throwing', () => {
    const result = minimize(() => Number.NaN, [1, 2]);
    expect(result.converged).toBe(false);
    expect(result.message).toMatch(/not finite/);
  });
});

describe('minimize with an analytic gradient', () => {
  it('solves Rosenbrock without evaluating f, one gradient call per line-search trial', () => {
    let values = 0;
    let gradients = 0;
    const f = (x: number[]): number => {
      values++;
      return rosenbrock(x);
    };
    const result = minimize(f, [-1.2, 1], {
      gradient: (x) => {
        gradients++;
        return rosenbrockGradient(x);
      },
    });
    expect(result.method).toBe('bfgs');
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.gradientNorm).toBeLessThan(1e-6);
    expect(values).toBe(0);
    expect(gradients).toBeLessThan(2 * result.iterations + 20);
    // the finite-difference run needs 2n = 4 more evaluations per iteration
    let numeric = 0;
    minimize((x) => {
      numeric++;
      return rosenbrock(x);
    }, [-1.2, 1]);
    expect(numeric).toBeGreaterThan(2 * gradients);
  });

  it('gives the same minimum as finite differences on a quadratic, and reports the analytic gradient norm', () => {
    const f = ([x, y]: number[]): number => (x - 1) ** 2 + 10 * (y + 2) ** 2 + (x - 1) * (y + 2) + 3;
    const gradient = ([x, y]: number[]): ValueAndGradient => ({ value: f([x, y]), gradient: [2 * (x - 1) + (y + 2), 20 * (y + 2) + (x - 1)] });
    const analytic = minimize(f, [5, 5], { gradient });
    const numeric = minimize(f, [5, 5]);
    expect(analytic.converged).toBe(true);
    expect(analytic.x[0]).toBeCloseTo(numeric.x[0], 6);
    expect(analytic.x[1]).toBeCloseTo(numeric.x[1], 6);
    const g = gradient(analytic.x).gradient;
    expect(analytic.gradientNorm).toBe(Math.max(Math.abs(g[0]), Math.abs(g[1])));
  });

  it('falls back to Nelder-Mead when the analytic gradient is not finite, and stays inside the domain', () => {
    // the gradient cannot be computed for x <= 0.5 (the objective itself is defined for x > 0)
    const f = ([x, y]: number[]): number => (x > 0 ? (x - 2) ** 2 + (y - 3) ** 2 : Number.NaN);
    const gradient = ([x, y]: number[]): ValueAndGradient => ({ value: f([x, y]), gradient: x > 0.5 ? [2 * (x - 2), 2 * (y - 3)] : [Number.NaN, 2 * (y - 3)] });
    const result = minimize(f, [0.1, 0], { gradient });
    expect(result.method).toBe('nelder-mead');
    expect(result.message).toMatch(/gradient is not finite/);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(2, 5);
    expect(result.x[1]).toBeCloseTo(3, 5);
    // log barrier with Infinity outside the domain
    const barrier = (x: number[]): number => (x[0] > 0 ? x[0] - Math.log(x[0]) : Infinity);
    const inside = minimize(barrier, [20], { gradient: (x) => ({ value: barrier(x), gradient: [1 - 1 / x[0]] }) });
    expect(inside.converged).toBe(true);
    expect(inside.x[0]).toBeCloseTo(1, 8);
  });

  it('is used by every start of minimizeMultiStart', () => {
    let values = 0;
    let gradients = 0;
    const f = ([x]: number[]): number => {
      values++;
      return (x * x - 4) ** 2;
    };
    const result = minimizeMultiStart(f, [[-3], [3], [0.5]], {
      gradient: ([x]) => {
        gradients++;
        return { value: (x * x - 4) ** 2, gradient: [4 * x * (x * x - 4)] };
      },
    });
    expect(result.convergedStarts).toBe(3);
    expect(Math.abs(result.x[0])).toBeCloseTo(2, 8);
    expect(values).toBe(0);
    expect(gradients).toBeGreaterThan(3);
  });
});

describe('minimizeMultiStart', () => {
  it('returns the best of several local minima and counts converged starts', () => {
    // two minima: x = -2 (value 1) and x = 2 (value 0)
    const f = ([x]: number[]): number => (x * x - 4) ** 2 + (x < 0 ? 1 : 0) * Math.min(1, x * x / 4);
    const result = minimizeMultiStart(f, [[-3], [3], [-1.5]]);
    expect(result.starts).toBe(3);
    expect(result.convergedStarts).toBe(3);
    expect(result.x[0]).toBeCloseTo(2, 6);
  });

  it('throws on an empty list of starts', () => {
    expect(() => minimizeMultiStart((x) => x[0] ** 2, [])).toThrow(RangeError);
  });
});

describe('hessian', () => {
  it('matches the analytic Hessian of x² y + exp(x y)', () => {
    const f = ([x, y]: number[]): number => x * x * y + Math.exp(x * y);
    const [x, y] = [0.7, -1.3];
    const e = Math.exp(x * y);
    const exact = [
      [2 * y + y * y * e, 2 * x + e + x * y * e],
      [2 * x + e + x * y * e, x * x * e],
    ];
    const h = hessian(f, [x, y]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(h[i][j]).toBeCloseTo(exact[i][j], 6);
  });

  it('scales the step to |x| (a parameter at 1e-4 and another at 1e4)', () => {
    const f = ([a, b]: number[]): number => Math.log(a) * 3 + b * b / 1e8;
    const h = hessian(f, [1e-4, 1e4]);
    expect(h[0][0] / (-3 / 1e-8)).toBeCloseTo(1, 6);
    expect(h[1][1]).toBeCloseTo(2e-8, 12);
    expect(h[0][1]).toBeCloseTo(0, 6);
  });
});

describe('hessianFromGradient', () => {
  it('matches the analytic Hessian of x² y + exp(x y) more closely than second differences of f', () => {
    const f = ([x, y]: number[]): number => x * x * y + Math.exp(x * y);
    const g = ([x, y]: number[]): number[] => [2 * x * y + y * Math.exp(x * y), x * x + x * Math.exp(x * y)];
    const [x, y] = [0.7, -1.3];
    const e = Math.exp(x * y);
    const exact = [
      [2 * y + y * y * e, 2 * x + e + x * y * e],
      [2 * x + e + x * y * e, x * x * e],
    ];
    const fromGradient = hessianFromGradient(g, [x, y]);
    const fromValues = hessian(f, [x, y]);
    let worstGradient = 0;
    let worstValues = 0;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        worstGradient = Math.max(worstGradient, Math.abs(fromGradient[i][j] - exact[i][j]));
        worstValues = Math.max(worstValues, Math.abs(fromValues[i][j] - exact[i][j]));
      }
    }
    expect(worstGradient).toBeLessThan(1e-9);
    expect(worstGradient).toBeLessThan(worstValues);
    expect(fromGradient[0][1]).toBe(fromGradient[1][0]);
  });

  it('scales the step to |x| and marks entries NaN where the gradient is not finite', () => {
    const g = ([a, b]: number[]): number[] => [3 / a, (2 * b) / 1e8];
    const h = hessianFromGradient(g, [1e-4, 1e4]);
    expect(h[0][0] / (-3 / 1e-8)).toBeCloseTo(1, 9);
    expect(h[1][1]).toBeCloseTo(2e-8, 15);
    expect(h[0][1]).toBe(0);
    const broken = hessianFromGradient(([a, b]) => [a > 1 ? Number.NaN : a, b], [1, 1]);
    expect(broken[0][0]).toBeNaN();
    expect(broken[1][1]).toBeCloseTo(1, 9);
  });
});

describe('invertSymmetric', () => {
  it('inverts a positive-definite matrix', () => {
    const small = invertSymmetric([[4, 2], [2, 3]])!;
    const expected = [[0.375, -0.25], [-0.25, 0.5]];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(small[i][j]).toBeCloseTo(expected[i][j], 14);
    const m = [[6, 2, 1], [2, 5, 2], [1, 2, 4]];
    const inverse = invertSymmetric(m)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const product = m[i].reduce((s, v, k) => s + v * inverse[k][j], 0);
        expect(product).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('returns null when the matrix is not positive definite', () => {
    expect(invertSymmetric([[1, 2], [2, 1]])).toBeNull();
    expect(invertSymmetric([[0, 0], [0, 1]])).toBeNull();
    expect(invertSymmetric([[Number.NaN, 0], [0, 1]])).toBeNull();
  });
});

describe('fitMaximumLikelihood (fit-common.ts)', () => {
  const data = [4.1, 5.3, 2.2, 6.8, 5.0, 3.9, 4.4, 7.1, 5.6, 4.8, 3.3, 5.9];
  const n = data.length;
  const mean = data.reduce((s, x) => s + x, 0) / n;
  const sigma = Math.sqrt(data.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  const normalLogLikelihood = ([mu, sd]: number[]): number =>
    data.reduce((s, x) => s - 0.5 * Math.log(2 * Math.PI) - Math.log(sd) - (x - mu) ** 2 / (2 * sd * sd), 0);

  it('gives the normal MLE with the analytic standard errors σ/√n and σ/√(2n)', () => {
    const model = fitMaximumLikelihood({ model: 'sbg', parameterNames: ['mu', 'sigma'], logLikelihood: normalLogLikelihood, n, nDistinct: n, starts: [[1, 1], [10, 0.5]] });
    expect(model.converged).toBe(true);
    expect(model.starts).toBe(2);
    expect(model.params.mu).toBeCloseTo(mean, 7);
    expect(model.params.sigma).toBeCloseTo(sigma, 7);
    expect(model.stdErrors.mu!).toBeCloseTo(sigma / Math.sqrt(n), 6);
    expect(model.stdErrors.sigma!).toBeCloseTo(sigma / Math.sqrt(2 * n), 6);
    const maximum = (-n / 2) * (Math.log(2 * Math.PI * sigma * sigma) + 1);
    expect(model.logLikelihood).toBeCloseTo(maximum, 10);
    expect(model.aic).toBeCloseTo(4 - 2 * maximum, 9);
    expect(model.bic).toBeCloseTo(2 * Math.log(n) - 2 * maximum, 9);
    expect(model.intervals.sigma).toEqual(logScaleInterval(model.params.sigma, model.stdErrors.sigma));
    expect(model.warnings).toEqual([]);
  });

  it('gives the same MLE and standard errors with an analytic gradient, evaluating the likelihood once', () => {
    let values = 0;
    let gradients = 0;
    const logLikelihood = (theta: number[]): number => {
      values++;
      return normalLogLikelihood(theta);
    };
    const gradient = ([mu, sd]: number[]): { value: number; gradient: number[] } => {
      gradients++;
      let dMu = 0;
      let dSd = 0;
      for (const x of data) {
        dMu += (x - mu) / (sd * sd);
        dSd += -1 / sd + (x - mu) ** 2 / sd ** 3;
      }
      return { value: normalLogLikelihood([mu, sd]), gradient: [dMu, dSd] };
    };
    const model = fitMaximumLikelihood({ model: 'sbg', parameterNames: ['mu', 'sigma'], logLikelihood, gradient, n, nDistinct: n, starts: [[1, 1], [10, 0.5]] });
    expect(model.converged).toBe(true);
    expect(model.params.mu).toBeCloseTo(mean, 8);
    expect(model.params.sigma).toBeCloseTo(sigma, 8);
    expect(model.stdErrors.mu!).toBeCloseTo(sigma / Math.sqrt(n), 8);
    expect(model.stdErrors.sigma!).toBeCloseTo(sigma / Math.sqrt(2 * n), 8);
    expect(model.warnings).toEqual([]);
    // the reported log-likelihood; the optimiser and the Hessian use the gradient only
    expect(values).toBe(1);
    expect(gradients).toBeLessThan(100);
  });

  it('stops a parameter that runs off at the enforced bound, and does not trust or call that converged', () => {
    // the likelihood -100/θ grows without limit as θ → ∞: the optimiser stops at the stated bound 1e6
    const model = fitMaximumLikelihood({ model: 'sbg', parameterNames: ['theta'], logLikelihood: ([t]) => -100 / t, n: 100, nDistinct: 1, starts: [[1]] });
    expect(Math.abs(model.params.theta / UPPER_BOUND - 1)).toBeLessThan(1e-9);
    expect(model.warnings).toContainEqual(expect.stringMatching(/^parameter theta = 1000000 ran to the upper bound 1000000: it is not identified by these data$/));
    expect(model.converged).toBe(false);
    expect(model.trusted).toBe(false);
    expect(model.problems.join('\n')).toMatch(/theta .* ran to the upper bound/);
    expect(model.warnings).toContain('the fit is not trusted: try another model, more customers or a longer calibration window');
    expect(model.bounds).toEqual({ theta: [LOWER_BOUND, UPPER_BOUND] });
    // with a scale, the bound is relative to it and stated so
    const scaled = fitMaximumLikelihood({ model: 'sbg', parameterNames: ['theta'], logLikelihood: ([t]) => 100 * Math.log(t), n: 100, nDistinct: 1, starts: [[1]], scales: [50] });
    expect(Math.abs(scaled.params.theta / (50 * UPPER_BOUND) - 1)).toBeLessThan(1e-9);
    expect(scaled.warnings.join('\n')).toMatch(/ran to the upper bound 50000000 \(1000000 × the data's scale 50\)/);
    // and towards 0 at the lower bound
    const low = fitMaximumLikelihood({ model: 'sbg', parameterNames: ['theta'], logLikelihood: ([t]) => -100 * Math.log(t), n: 100, nDistinct: 1, starts: [[1]] });
    expect(Math.abs(low.params.theta / LOWER_BOUND - 1)).toBeLessThan(1e-9);
    expect(low.trusted).toBe(false);
  });

  it('trusts an interior maximum with a positive definite hessian', () => {
    const model = fitMaximumLikelihood({ model: 'sbg', parameterNames: ['mu', 'sigma'], logLikelihood: normalLogLikelihood, n, nDistinct: n, starts: [[1, 1], [10, 0.5]] });
    expect(model.converged).toBe(true);
    expect(model.trusted).toBe(true);
    expect(model.problems).toEqual([]);
  });

  it('does not trust a flat optimum (a hessian that is not positive definite)', () => {
    // the likelihood depends on x·y only: a ridge of maxima along x·y = 1
    const ridge = ([x, y]: number[]): number => -((Math.log(x) + Math.log(y)) ** 2);
    const model = fitMaximumLikelihood({ model: 'sbg', parameterNames: ['x', 'y'], logLikelihood: ridge, n: 1, nDistinct: 1, starts: [[2, 3]] });
    expect(model.trusted).toBe(false);
    expect(model.problems.join('\n')).toMatch(/hessian .* not positive definite|flat/);
  });

  it('stops at its time budget and says so', () => {
    // a likelihood that takes 20 ms per evaluation, and a budget of 50 ms
    const slow = ([x, y]: number[]): number => {
      const until = Date.now() + 20;
      while (Date.now() < until) {
        // busy wait
      }
      return -(Math.log(x) ** 2) - (Math.log(y) - 1) ** 2;
    };
    const started = Date.now();
    const model = fitMaximumLikelihood({ model: 'sbg', parameterNames: ['x', 'y'], logLikelihood: slow, n: 1, nDistinct: 1, starts: [[50, 0.01], [0.1, 40]] }, { timeBudgetMs: 50 });
    // the Hessian after the search costs 2k² + 1 = 9 evaluations more
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(model.trusted).toBe(false);
    expect(model.problems.join('\n')).toMatch(/time budget of 0.05 s/);
  });

  it('warns when the optimiser does not converge after its retries', () => {
    // a rippled surface: no point has a small gradient
    const noisy = ([x, y]: number[]): number => -(Math.log(x) ** 2) - Math.log(y) ** 2 - 0.01 * Math.abs(Math.sin(1e4 * x * y));
    const model = fitMaximumLikelihood({ model: 'sbg', parameterNames: ['x', 'y'], logLikelihood: noisy, n: 1, nDistinct: 1, starts: [[1e3, 1e-2]] });
    expect(model.converged).toBe(false);
    expect(model.warnings).toContainEqual(expect.stringMatching(/^the optimiser did not converge after 1 start and 2 retries \(gradient norm .*\): estimates may be inaccurate$/));
  });

  it('rejects bad starting points and a likelihood that is nowhere finite', () => {
    const problem = { model: 'sbg' as const, parameterNames: ['mu', 'sigma'], logLikelihood: normalLogLikelihood, n, nDistinct: n, starts: [[1, -1]] };
    expect(() => fitMaximumLikelihood(problem)).toThrow(/must have 2 positive numbers/);
    expect(() => fitMaximumLikelihood({ ...problem, starts: [[1, 1]], logLikelihood: () => Number.NaN })).toThrow(/not finite at any starting point/);
  });

  it('builds positive log-scale intervals', () => {
    const [low, high] = logScaleInterval(2, 0.5)!;
    expect(low).toBeCloseTo(2 * Math.exp((-1.959963984540054 * 0.5) / 2), 14);
    expect(high).toBeCloseTo(2 * Math.exp((1.959963984540054 * 0.5) / 2), 14);
    expect(logScaleInterval(0.1, 10)![0]).toBeGreaterThan(0);
    expect(logScaleInterval(2, null)).toBeNull();
  });
});
