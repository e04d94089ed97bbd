/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie 2005 note) against the published CDNOW
 * fit, BTYD's and lifetimes' test values, the likelihood as the integral it stands for (quadrature written
 * here), closed forms at α = β, DERT as a posterior expectation by quadrature, and simulation; the fit where
 * the maximum lies at s, β → ∞ (the fixtures) against an independent Nelder-Mead search, and the cost and
 * precision of the likelihood over the whole parameter range the optimiser can reach.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { ModelError } from '../../src/errors.js';
import { compressRfm } from '../../src/models/compress.js';
import { logHyp2f1, logHyp2f1UnitA } from '../../src/math/hyp2f1.js';
import {
  dert,
  expectedTransactions,
  expectedTransactionsNew,
  fit,
  logLikelihood,
  probabilityAlive,
  simulate,
} from '../../src/models/pareto-nbd.js';
import { UPPER_BOUND } from '../../src/models/fit-common.js';
import { lgamma } from '../../src/math/special.js';
import type { RfmData } from '../../src/models/types.js';
import { fixture, readSharedCsv, readSimpleCsv } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

const cdnowRows = readSharedCsv('cdnow_customers_summary.csv');
const cdnow: RfmData = {
  frequency: cdnowRows.map((row) => Number(row.frequency)),
  recency: cdnowRows.map((row) => Number(row.recency)),
  T: cdnowRows.map((row) => Number(row.T)),
};
/** The published estimates (Fader & Hardie's Pareto/NBD spreadsheet and notes, CDNOW, weeks). */
const published = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
type Params = typeof published;
const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/**
 * ln L(r, α, s, β | x, t_x, T) from its definition (FH 2005 note, section 3): the "alive at T" term plus
 * s ∫_{t_x}^{T} (α + τ)^(−(r+x)) (β + τ)^(−(s+1)) dτ, integrated by Simpson's rule in u = ln(min(α, β) + τ),
 * where the integrand's log-slope is at most r + s + x + 1 — no hypergeometric function involved.
 */
function logLikelihoodByQuadrature({ r, alpha, s, beta }: Params, x: number, tx: number, T: number): number {
  const common = lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  if (tx === T) return common + alive;
  const shift = Math.min(alpha, beta);
  const from = Math.log(shift + tx);
  const to = Math.log(shift + T);
  const logIntegrand = (u: number): number => {
    const tau = Math.exp(u) - shift;
    return -(r + x) * Math.log(alpha + tau) - (s + 1) * Math.log(beta + tau) + u;
  };
  const peak = logIntegrand(from);
  let intervals = Math.max(2000, Math.ceil(((to - from) * (r + s + x + 1)) / 0.005));
  intervals += intervals % 2;
  const h = (to - from) / intervals;
  let sum = 0;
  for (let k = 0; k <= intervals; k++) {
    const weight = k === 0 || k === intervals ? 1 : k % 2 === 1 ? 4 : 2;
    sum += weight * Math.exp(logIntegrand(from + k * h) - peak);
  }
  const died = Math.log(s) + peak + Math.log((sum * h) / 3);
  const max = Math.max(alive, died);
  return common + max + Math.log(Math.exp(alive - max) + Math.exp(died - max));
}

describe('Pareto/NBD on CDNOW', () => {
  const model = fit(cdnow);

  it('reproduces the published estimates and log-likelihood -9595.0', () => {
    expect(model.model).toBe('paretonbd');
    expect(model.converged).toBe(true);
    expect(model.warnings).toEqual([]);
    expect(model.params.r).toBeCloseTo(published.r, 3);
    expect(model.params.alpha).toBeCloseTo(published.alpha, 2);
    expect(model.params.s).toBeCloseTo(published.s, 3);
    expect(model.params.beta).toBeCloseTo(published.beta, 2);
    expect(model.logLikelihood).toBeCloseTo(-9595.0, 1);
    expect(model.n).toBe(2357);
    expect(model.nDistinct).toBeLessThan(2357);
    expect(model.starts).toBe(3);
  });

  it('gives the published log-likelihood at the published parameters, below the fitted one', () => {
    expect(logLikelihood(published, cdnow)).toBeCloseTo(-9595.0, 1);
    expect(logLikelihood(published, cdnow)).toBeLessThanOrEqual(model.logLikelihood);
  });

  it('has standard errors and log-scale intervals around the estimates', () => {
    for (const name of ['r', 'alpha', 's', 'beta']) {
      const [low, high] = model.intervals[name]!;
      expect(model.stdErrors[name]).toBeGreaterThan(0);
      expect(low).toBeLessThan(model.params[name]);
      expect(high).toBeGreaterThan(model.params[name]);
    }
    // s and β are weakly identified on 39 weeks: their intervals are wide (β from about 4 to 33)
    expect(model.intervals.beta![1] / model.intervals.beta![0]).toBeGreaterThan(5);
  });

  it('predicts 25.46 purchases in 52 weeks for x = 26, t_x = 30.86, T = 31 (BTYD walkthrough, lifetimes test)', () => {
    expect(Math.abs(expectedTransactions(model.params, 52, 26, 30.86, 31) - 25.46)).toBeLessThan(0.01);
  });
});

describe('Pareto/NBD likelihood', () => {
  const histories: [number, number, number][] = [
    [0, 0, 38.86],
    [1, 1.71, 38.86],
    [2, 30.43, 38.86],
    [10, 35, 39],
    [7, 39, 39],
    [60, 20, 39],
  ];
  const parameterSets: [string, Params][] = [
    ['published', published],
    ['alpha >> beta (z near 1)', { r: 0.8, alpha: 200, s: 1.3, beta: 0.5 }],
    ['alpha << beta (z near 1)', { r: 2, alpha: 0.05, s: 0.4, beta: 300 }],
    ['s = 1 exactly', { r: 0.5, alpha: 3, s: 1, beta: 40 }],
    ['alpha = beta (z = 0)', { r: 1, alpha: 5, s: 2, beta: 5 }],
  ];

  it.each(parameterSets)('equals the integral definition by quadrature: %s', (_, params) => {
    for (const [x, tx, T] of histories) {
      const expected = logLikelihoodByQuadrature(params, x, tx, T);
      const actual = logLikelihood(params, { frequency: [x], recency: [tx], T: [T] });
      expect(Math.abs(actual - expected), `x=${x} t_x=${tx} T=${T}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
    }
  });

  it('has the closed form at α = β (no hypergeometric term)', () => {
    const { r, alpha, s } = { r: 1.5, alpha: 4, s: 0.7 };
    const [x, tx, T] = [3, 20, 30];
    const a = r + s + x;
    const likelihood =
      (Math.exp(lgamma(r + x) - lgamma(r)) * alpha ** (r + s)) * ((alpha + T) ** -a + (s / a) * ((alpha + tx) ** -a - (alpha + T) ** -a));
    expect(logLikelihood({ r, alpha, s, beta: alpha }, { frequency: [x], recency: [tx], T: [T] })).toBeCloseTo(Math.log(likelihood), 12);
  });

  it('is the same on the distinct tuples with weights as on the raw data', () => {
    const compressed = compressRfm(cdnow);
    for (const params of [published, { r: 2, alpha: 10, s: 0.3, beta: 7 }, { r: 0.05, alpha: 0.5, s: 5, beta: 1e4 }]) {
      expect(relativeError(logLikelihood(params, compressed), logLikelihood(params, cdnow))).toBeLessThan(1e-12);
    }
  });

  it('stays accurate for large frequencies and extreme parameters (lifetimes overflow tests)', () => {
    // a density in the purchase times: with 400 purchases in 5 weeks it is far above 1, so ln L > 0
    const extreme = { r: 10.465, alpha: 7.98565181e-3, s: 3.0516, beta: 2.82 };
    for (const [x, tx, T] of [
      [400, 5, 6],
      [500, 1, 37],
      [500, 4, 37],
      // ln I(t_x) − ln I(T) beyond 700: the entry is computed on the log scale
      [150, 0.1, 39],
      [500, 0.05, 37],
    ]) {
      const expected = logLikelihoodByQuadrature(extreme, x, tx, T);
      expect(relativeError(logLikelihood(extreme, { frequency: [x], recency: [tx], T: [T] }), expected), `x=${x}`).toBeLessThan(1e-10);
    }
    for (const params of [{ r: 1e-4, alpha: 1e-4, s: 1e3, beta: 1e-3 }, { r: 50, alpha: 1e5, s: 1e-3, beta: 1e6 }]) {
      expect(Number.isFinite(logLikelihood(params, cdnow))).toBe(true);
    }
  });

  it('rejects invalid data and parameters with ModelError', () => {
    expect(() => logLikelihood(published, { frequency: [1], recency: [40], T: [39] })).toThrow(/recency 40 is not between 0 and T 39/);
    expect(() => logLikelihood({ ...published, s: 0 }, cdnow)).toThrow(/parameter s must be a positive number/);
    expect(() => fit({ frequency: [0, 0], recency: [0, 0], T: [5, 6] })).toThrow(/no customer made a repeat purchase/);
    expect(() => probabilityAlive(published, 2, 40, 39)).toThrow(ModelError);
    expect(() => dert(published, 0, 2, 30, 39)).toThrow(/discount rate must be a positive number/);
    expect(() => expectedTransactionsNew(published, -1)).toThrow(/horizon t must be a non-negative number/);
  });
});

describe('Pareto/NBD predictions', () => {
  it('reproduces BTYD pnbd.Expectation(c(0.55, 10.56, 0.61, 11.64), t = 1:9) (lifetimes test)', () => {
    const params = { r: 0.55, alpha: 10.56, s: 0.61, beta: 11.64 };
    const expected = [0.05077821, 0.09916088, 0.14542507, 0.1897993, 0.23247466, 0.27361274, 0.31335159, 0.35181024, 0.38909211];
    expected.forEach((value, i) => expect(Math.abs(expectedTransactionsNew(params, i + 1) - value)).toBeLessThan(5e-9));
  });

  it('reproduces BTYD\'s P(alive) = 0.9979 for x = 26, t_x = 30.86, T = 31 (walkthrough, lifetimes test)', () => {
    const params = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };
    expect(Math.abs(probabilityAlive(params, 26, 30.86, 31) - 0.9979)).toBeLessThan(1e-4);
  });

  it('gives the closed-form P(alive) at α = β: 1/(1 + s/(r + s + x)·[((α + T)/(α + t_x))^(r+s+x) − 1])', () => {
    const { r, alpha, s } = { r: 0.9, alpha: 6, s: 1.7 };
    for (const [x, tx, T] of [
      [0, 0, 10],
      [4, 12, 39],
      [4, 39, 39],
    ]) {
      const a = r + s + x;
      const expected = 1 / (1 + (s / a) * (((alpha + T) / (alpha + tx)) ** a - 1));
      expect(probabilityAlive({ r, alpha, s, beta: alpha }, x, tx, T)).toBeCloseTo(expected, 13);
    }
  });

  it('lets one-time buyers die: P(alive) falls with T for x = 0, and is 1 for purchases at T', () => {
    const values = [1, 10, 39, 100, 500].map((T) => probabilityAlive(published, 0, 0, T));
    values.slice(1).forEach((value, i) => expect(value).toBeLessThan(values[i]));
    expect(values[4]).toBeLessThan(0.5);
    expect(probabilityAlive(published, 5, 39, 39)).toBe(1);
  });

  it('keeps P(alive) in [0, 1] for extreme histories (lifetimes overflow test)', () => {
    const extreme = { r: 10.465, alpha: 7.98565181e-3, s: 3.0516, beta: 2.82 };
    for (const [x, tx, T] of [
      [40, 5, 6],
      [50, 1, 37],
      [50, 4, 37],
    ]) {
      const p = probabilityAlive(extreme, x, tx, T);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
  });

  it('is continuous at s = 1 and starts at the mean rate r/α', () => {
    const at1 = expectedTransactions({ ...published, s: 1 }, 39, 2, 30, 39);
    expect(relativeError(expectedTransactions({ ...published, s: 1 + 1e-9 }, 39, 2, 30, 39), at1)).toBeLessThan(1e-7);
    expect(relativeError(expectedTransactionsNew({ ...published, s: 1 - 1e-9 }, 52), expectedTransactionsNew({ ...published, s: 1 }, 52))).toBeLessThan(1e-7);
    expect(relativeError(expectedTransactionsNew(published, 1e-7), (published.r / published.alpha) * 1e-7)).toBeLessThan(1e-6);
    expect(expectedTransactions(published, 0, 2, 30, 39)).toBe(0);
  });

  it('predicts the holdout purchases of simulated customers on average (conditional expectation)', () => {
    const truth = { r: 0.8, alpha: 9, s: 0.9, beta: 15 };
    const customers = 20_000;
    const sample = simulate(truth, { customers, T: 78, keepTimes: true }, createRng(5));
    let predicted = 0;
    let actual = 0;
    let squares = 0;
    for (const times of sample.times!) {
      const calibration = times.filter((t) => t <= 39);
      const x = calibration.length;
      const expected = expectedTransactions(truth, 39, x, x > 0 ? calibration[x - 1] : 0, 39);
      const holdout = times.length - x;
      predicted += expected;
      actual += holdout;
      squares += (holdout - expected) ** 2;
    }
    expect(Math.abs(actual - predicted)).toBeLessThan(4 * Math.sqrt(squares));
  });
});

describe('Pareto/NBD DERT', () => {
  /** E[1/(μ + δ)] for μ ~ Gamma(s, rate b), by the trapezoid rule in ln μ (no hypergeometric function). */
  function meanDiscountedLifetime(s: number, b: number, delta: number): number {
    const step = 0.004;
    let sum = 0;
    for (let y = Math.log(1e-14 / b) - 40 / s; y < Math.log(80 / b); y += step) {
      const mu = Math.exp(y);
      sum += Math.exp(s * y - b * mu + s * Math.log(b) - lgamma(s)) / (mu + delta);
    }
    return sum * step;
  }

  it('is P(alive) · E[λ] · E[1/(μ + δ)] under the posterior of an alive customer', () => {
    for (const params of [published, { r: 0.5629966, alpha: 12.559037, s: 0.4081095, beta: 10.5148048 }, { r: 2, alpha: 20, s: 2.5, beta: 30 }]) {
      for (const [x, tx, T] of [
        [0, 0, 38.86],
        [7, 35, 77.86],
        [2, 30.43, 38.86],
      ]) {
        for (const delta of [0.0027, 0.05]) {
          const expected =
            probabilityAlive(params, x, tx, T) * ((params.r + x) / (params.alpha + T)) * meanDiscountedLifetime(params.s, params.beta + T, delta);
          expect(relativeError(dert(params, delta, x, tx, T), expected), `x=${x} δ=${delta}`).toBeLessThan(1e-9);
        }
      }
    }
  });

  it('tends to the undiscounted residual transactions (s > 1) as δ → 0 and to E[λ]/δ as δ → ∞', () => {
    const params = { r: 2, alpha: 20, s: 2.5, beta: 30 };
    const alive = probabilityAlive(params, 3, 30, 39);
    const rate = (params.r + 3) / (params.alpha + 39);
    expect(relativeError(dert(params, 1e-9, 3, 30, 39), (alive * rate * (params.beta + 39)) / (params.s - 1))).toBeLessThan(1e-6);
    expect(relativeError(dert(params, 1e6, 3, 30, 39), (alive * rate) / 1e6)).toBeLessThan(1e-4);
  });

  it('is continuous in s through 1 and 2 (where the usual formula has poles)', () => {
    for (const s of [1, 2]) {
      const at = dert({ ...published, s }, 0.0027, 2, 30, 39);
      expect(relativeError(dert({ ...published, s: s + 1e-9 }, 0.0027, 2, 30, 39), at)).toBeLessThan(1e-6);
      expect(relativeError(dert({ ...published, s: s - 1e-9 }, 0.0027, 2, 30, 39), at)).toBeLessThan(1e-6);
    }
  });
});

describe('Pareto/NBD simulation', () => {
  it('keeps purchase times consistent with frequency and recency', () => {
    const sample = simulate(published, { customers: 300, T: 39, keepTimes: true }, createRng(3));
    sample.times!.forEach((times, i) => {
      expect(times.length).toBe(sample.frequency[i]);
      expect(sample.recency[i]).toBe(times.length > 0 ? times[times.length - 1] : 0);
      expect(times.every((t, k) => t > 0 && t <= 39 && (k === 0 || t > times[k - 1]))).toBe(true);
    });
  });

  it('matches E[X(T)] on average', () => {
    const customers = 50_000;
    const values = simulate(published, { customers, T: 39 }, createRng(11)).frequency;
    const mean = values.reduce((sum, x) => sum + x, 0) / customers;
    const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (customers - 1);
    expect(Math.abs(mean - expectedTransactionsNew(published, 39))).toBeLessThan(4 * Math.sqrt(variance / customers));
  });

  it('recovers the parameters from 4,000 simulated customers within their 95% intervals', () => {
    // one fixed draw: with four parameters about one seed in five puts one of them outside its 95%
    // interval (seed 2024 did, for s); seed 1 is the first of the others tried, not a selected best
    const truth = { r: 0.7, alpha: 8, s: 0.8, beta: 12 };
    const rng = createRng(1);
    const T = Array.from({ length: 4000 }, () => 27 + 12 * rng.uniform());
    const model = fit(simulate(truth, { customers: 4000, T }, rng));
    expect(model.converged).toBe(true);
    for (const [name, value] of Object.entries(truth)) {
      const [low, high] = model.intervals[name]!;
      expect(value, `${name}: ${model.params[name]} [${low}, ${high}]`).toBeGreaterThan(low);
      expect(value, `${name}: ${model.params[name]} [${low}, ${high}]`).toBeLessThan(high);
    }
  });
});

/**
 * ln L as in {@link logLikelihoodByQuadrature}, with the factor α^r β^s taken into each term so that nothing
 * of the size s·ln β has to cancel: alive (1 + T/α)^(−r) (α + T)^(−x) (1 + T/β)^(−s), and s times the integral
 * of (1 + τ/α)^(−r) (α + τ)^(−x) (1 + τ/β)^(−s)/(β + τ) over (t_x, T], by Simpson's rule in
 * u = ln(min(α, β) + τ) with steps of at most `step` times the integrand's log-slope. Good to about 1e-9
 * relative for s and β up to 1e15 (no hypergeometric function; slow). Weighted by `data.weights`.
 */
function stableLogLikelihood({ r, alpha, s, beta }: Params, data: RfmData, step = 0.01): number {
  const shift = Math.min(alpha, beta);
  let total = 0;
  for (let i = 0; i < data.frequency.length; i++) {
    const [x, tx, T] = [data.frequency[i], data.recency[i], data.T[i]];
    const weight = data.weights === undefined ? 1 : data.weights[i];
    const logAlive = (tau: number): number => -r * Math.log1p(tau / alpha) - x * Math.log(alpha + tau) - s * Math.log1p(tau / beta);
    const common = lgamma(r + x) - lgamma(r);
    const alive = logAlive(T);
    if (!(tx < T)) {
      total += weight * (common + alive);
      continue;
    }
    const from = Math.log(shift + tx);
    const to = Math.log(shift + T);
    const logIntegrand = (u: number): number => {
      const tau = Math.exp(u) - shift;
      return Math.log(s) + logAlive(tau) - Math.log(beta + tau) + u;
    };
    // |d/du ln integrand| <= r + x + 1 + (s + 1)(min(α, β) + T)/(β + T)
    const slope = r + x + 1 + ((s + 1) * (shift + T)) / (beta + T);
    let intervals = Math.max(100, Math.ceil(((to - from) * slope) / step));
    intervals += intervals % 2;
    const h = (to - from) / intervals;
    const peak = logIntegrand(from);
    let sum = 0;
    for (let k = 0; k <= intervals; k++) sum += (k === 0 || k === intervals ? 1 : k % 2 === 1 ? 4 : 2) * Math.exp(logIntegrand(from + k * h) - peak);
    const died = peak + Math.log((sum * h) / 3);
    const max = Math.max(alive, died);
    total += weight * (common + max + Math.log(Math.exp(alive - max) + Math.exp(died - max)));
  }
  return total;
}

/** Minimises f by Nelder-Mead (reflection 1, expansion 2, contraction 1/2, shrink 1/2) from x0 with steps of 0.1, until the simplex values differ by less than `tolerance`. */
function nelderMead(f: (x: number[]) => number, x0: number[], tolerance: number, maxEvaluations = 2000): { x: number[]; value: number } {
  const n = x0.length;
  let points = [x0.slice(), ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + 0.1 : v)))];
  let values = points.map(f);
  let evaluations = n + 1;
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j]);
    points = order.map((i) => points[i]);
    values = order.map((i) => values[i]);
    if (values[n] - values[0] < tolerance) break;
    const centroid = x0.map((_, j) => points.slice(0, n).reduce((sum, p) => sum + p[j], 0) / n);
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (points[n][j] - c));
    const reflected = along(-1);
    const fr = f(reflected);
    evaluations++;
    if (fr < values[0]) {
      const expanded = along(-2);
      const fe = f(expanded);
      evaluations++;
      [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]) {
      [points[n], values[n]] = [reflected, fr];
    } else {
      const contracted = along(fr < values[n] ? -0.5 : 0.5);
      const fc = f(contracted);
      evaluations++;
      if (fc < Math.min(fr, values[n])) {
        [points[n], values[n]] = [contracted, fc];
      } else {
        for (let i = 1; i <= n; i++) {
          points[i] = points[i].map((v, j) => points[0][j] + 0.5 * (v - points[0][j]));
          values[i] = f(points[i]);
        }
        evaluations += n;
      }
    }
  }
  return { x: points[0], value: values[0] };
}

/** The RFM summary of a sales file, through the CLI (as `crm fit` builds it). */
async function summaryOf(sales: string, period: string): Promise<RfmData> {
  const result = await runCli(['summary', '--sales', sales, '--period', period, '--format', 'csv']);
  expect(result.code).toBe(0);
  const rows = readSimpleCsv(result.stdout);
  return { frequency: rows.map((row) => Number(row.frequency)), recency: rows.map((row) => Number(row.recency)), T: rows.map((row) => Number(row.T)) };
}

/** `crm fit --model paretonbd` on a sales file through the CLI, timed. */
async function fitThroughCli(
  sales: string,
  period: string,
): Promise<{ model: { params: Params; logLikelihood: number; converged: boolean; trusted: boolean; warnings: string[]; problems: string[] }; seconds: number; code: number }> {
  const started = performance.now();
  const result = await runCli(['fit', '--model', 'paretonbd', '--sales', sales, '--period', period, '--format', 'json']);
  const seconds = (performance.now() - started) / 1000;
  // an untrusted fit is printed and exits 1
  expect(result.stdout, result.stderr).not.toBe('');
  return { model: JSON.parse(result.stdout), seconds, code: result.code };
}

describe('logHyp2f1UnitA, the ₂F₁ of the Pareto/NBD likelihood, where b + d and 1 − z would round', () => {
  // [b, d, w = 1 − z, ln ₂F₁(1, b; b + d; 1 − w) by mpmath (40 digits, through Pfaff's transformation;
  // cross-checked by the Euler integral or the limit b·U(1, 2 − d, wb) as b → ∞), what the case exercises]
  const cases: [number, number, number, number, string][] = [
    [1e10, 5.5, 2e-10, 21.105665628544353309, 'α < β on the ridge: b = s + 1 = 1e10, λ = w(b + d) = 2, fraction'],
    [3e12, 32.9, 1e-12, 25.17462751583946784, 'α < β, x = 32 against s = 3e12: fraction'],
    [1e8, 0.9, 1e-8, 17.948983912839989547, 'α < β, x = 0, r = 0.9: the fraction on the Euler form'],
    [2e6, 0.6, 1e-7, 15.327894364391854626, 'α < β, x = 0, r = 0.6, λ = 0.2: connection'],
    [1.5, 1e9, 3e-9, 1.4999999958749999914e-9, 'α >= β, s = 1e9: d huge, fraction'],
    [0.6, 2e6, 1e-7, 3.0000007500000898888e-7, 'α >= β, s = 2e6, λ = 0.2: connection with 2e6 head terms that fall geometrically'],
  ];
  it.each(cases)('ln ₂F₁(1, %f; +%f; 1 − %f): %s', (b, d, w, expected) => {
    expect(Math.abs(logHyp2f1UnitA(b, d, 1 - w, w) - expected)).toBeLessThan(1e-13 * Math.max(1, Math.abs(expected)));
  });

  it('equals logHyp2f1 where nothing rounds away, and is NaN outside its domain', () => {
    for (const [b, d, z] of [
      [0.55, 1.6, 0.3],
      [12.5, 0.6, 0.8],
      [40, 3.3, 0.99],
      [0.9, 1000.5, 0.999999],
    ]) {
      expect(Math.abs(logHyp2f1UnitA(b, d, z) - logHyp2f1(1, b, b + d, z).log), `b=${b} d=${d} z=${z}`).toBeLessThan(1e-13);
    }
    expect(logHyp2f1UnitA(2, 3, 0)).toBe(0);
    expect(Number.isNaN(logHyp2f1UnitA(0, 1, 0.5))).toBe(true);
    expect(Number.isNaN(logHyp2f1UnitA(1, 1, 0.5, 0))).toBe(true);
  });
});

describe('Pareto/NBD likelihood over the range the optimiser can reach', () => {
  it('costs bounded time and stays finite for every parameter from 1e-15 to 1e15', () => {
    // the optimiser works on ln θ and may try any of these; a ₂F₁ that needs millions of terms (z → 1,
    // huge s) made one evaluation take seconds
    const sample: RfmData = { frequency: [], recency: [], T: [] };
    cdnowRows.forEach((row, i) => {
      if (i % 50 === 0) {
        (sample.frequency as number[]).push(Number(row.frequency));
        (sample.recency as number[]).push(Number(row.recency));
        (sample.T as number[]).push(Number(row.T));
      }
    });
    const values = [1e-15, 1e-6, 1e-2, 1, 1e2, 1e6, 1e15];
    const started = performance.now();
    const bad: string[] = [];
    for (const r of values) {
      for (const alpha of values) {
        for (const s of values) {
          for (const beta of values) {
            if (!Number.isFinite(logLikelihood({ r, alpha, s, beta }, sample))) bad.push(`${r} ${alpha} ${s} ${beta}`);
          }
        }
      }
    }
    // 2,401 evaluations of 48 customers: about 0.3 s
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(bad).toEqual([]);
  });

  it('keeps its precision when s and β run off together (where the maximum of the fixtures lies)', () => {
    const histories: [number, number, number][] = [
      [0, 0, 150],
      [1, 2, 100],
      [5, 60, 150],
      [32, 84.14, 149],
      [3, 67.43, 75.57],
    ];
    for (const s of [1e3, 1e6, 1e10, 1e14]) {
      const params = { r: 0.92, alpha: 18, s, beta: s / 0.0085 };
      for (const [x, tx, T] of histories) {
        const data = { frequency: [x], recency: [tx], T: [T] };
        const expected = stableLogLikelihood(params, data, 0.002);
        expect(Math.abs(logLikelihood(params, data) - expected), `s=${s} x=${x} t_x=${tx} T=${T}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
      }
    }
  });
});

describe('Pareto/NBD on the fixtures: the maximum at s, β → ∞ (the fit used to run for minutes)', () => {
  it('fits the weekly summary within seconds, stops at the enforced bound of β, as high as an independent search on that bound, and is not trusted', async () => {
    const { model, seconds, code } = await fitThroughCli(fixture('sales.csv'), 'week');
    expect(seconds).toBeLessThan(20);
    // the likelihood rises towards s, β → ∞ (no heterogeneity in the dropout rate): β stops at its bound,
    // 1e6 × the mean customer age, and the fit is reported as untrusted (crm fit exits 1)
    expect(code).toBe(1);
    expect(model.converged).toBe(false);
    expect(model.trusted).toBe(false);
    const data = await summaryOf(fixture('sales.csv'), 'week');
    const meanT = Array.from(data.T).reduce((sum, t) => sum + t, 0) / data.T.length;
    const betaBound = UPPER_BOUND * meanT;
    expect(relativeError(model.params.beta, betaBound)).toBeLessThan(1e-3);
    expect(model.warnings.join('\n')).toMatch(/parameter beta = .* ran to the upper bound/);
    expect(model.problems.join('\n')).toMatch(/beta .* ran to the upper bound/);
    // the reported log-likelihood is the likelihood's value, not an artefact of the ₂F₁ far out
    expect(Math.abs(stableLogLikelihood(model.params, data) - model.logLikelihood)).toBeLessThan(1e-6);
    // the reference: Nelder-Mead over (r, α, s) of the likelihood at β on its bound, by quadrature, from a
    // start that knows nothing of the fit
    const onBound = ([logR, logAlpha, logS]: number[]): Params => ({ r: Math.exp(logR), alpha: Math.exp(logAlpha), s: Math.exp(logS), beta: betaBound });
    const reference = nelderMead((p) => -stableLogLikelihood(onBound(p), data, 0.02), [0, Math.log(10), Math.log(1e4)], 1e-9);
    expect(model.logLikelihood).toBeGreaterThanOrEqual(-reference.value - 1e-6);
    const best = onBound(reference.x);
    expect(relativeError(model.params.r, best.r)).toBeLessThan(1e-3);
    expect(relativeError(model.params.alpha, best.alpha)).toBeLessThan(1e-3);
    expect(relativeError(model.params.s / model.params.beta, best.s / best.beta)).toBeLessThan(1e-3);
  });

  it('fits the daily summary of the same sales within seconds, to the same maximum in days (the bounds scale with the time unit)', async () => {
    const [weekly, daily] = [await fitThroughCli(fixture('sales.csv'), 'week'), await fitThroughCli(fixture('sales.csv'), 'day')];
    expect(daily.seconds).toBeLessThan(20);
    expect(daily.model.trusted).toBe(false);
    // daily times are 7 times the weekly ones, and L is a density in the x purchase times: ln L_day = ln L_week − x ln 7
    const repeats = Array.from((await summaryOf(fixture('sales.csv'), 'week')).frequency).reduce((sum, x) => sum + x, 0);
    expect(Math.abs(daily.model.logLikelihood - (weekly.model.logLikelihood - repeats * Math.log(7)))).toBeLessThan(1e-5);
    expect(relativeError(daily.model.params.r, weekly.model.params.r)).toBeLessThan(1e-4);
    expect(relativeError(daily.model.params.alpha, 7 * weekly.model.params.alpha)).toBeLessThan(1e-4);
    expect(relativeError(daily.model.params.beta, 7 * weekly.model.params.beta)).toBeLessThan(1e-4);
    expect(relativeError((7 * daily.model.params.s) / daily.model.params.beta, weekly.model.params.s / weekly.model.params.beta)).toBeLessThan(1e-4);
  });
});

describe('Pareto/NBD on 2,000 generated customers in days', () => {
  it('fits within seconds, converged, at a maximum that no neighbouring point improves on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-pareto-'));
    expect((await runCli(['generate', '--customers', '2000', '--seed', '3', '--out', dir])).code).toBe(0);
    const { model, seconds, code } = await fitThroughCli(join(dir, 'sales.csv'), 'day');
    expect(seconds).toBeLessThan(20);
    expect(code).toBe(0);
    expect(model.converged).toBe(true);
    expect(model.trusted).toBe(true);
    expect(model.warnings).toEqual([]);
    const data = compressRfm(await summaryOf(join(dir, 'sales.csv'), 'day'));
    const reported = model.logLikelihood;
    expect(Math.abs(stableLogLikelihood(model.params, data, 0.02) - reported)).toBeLessThan(1e-6 * Math.abs(reported));
    // grid check by quadrature: ±0.1% and ±1% in each parameter
    for (const name of ['r', 'alpha', 's', 'beta'] as const) {
      for (const factor of [0.99, 0.999, 1.001, 1.01]) {
        const moved = { ...model.params, [name]: model.params[name] * factor };
        expect(stableLogLikelihood(moved, data, 0.02), `${name} × ${factor}`).toBeLessThan(reported + 1e-6);
      }
    }
  });
});
