/**
 * BG/BB (Fader, Hardie & Shang 2010) against the published fit on the donations data, the values of Fader &
 * Hardie's BG/BB spreadsheet and the paper's Table 6 (as used by lifetimes' tests), probability identities
 * that follow from the model's definition (the likelihoods of all possible histories sum to 1), a quadrature
 * of the individual-level likelihood over the Beta mixing distributions, and simulation.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { ModelError } from '../../src/errors.js';
import { expectedTransactions, expectedTransactionsNew, fit, logLikelihood, probabilityAlive, simulate } from '../../src/models/bg-bb.js';
import type { BgBbData } from '../../src/models/bg-bb.js';
import { lgamma } from '../../src/math/special.js';
import { readSharedCsv } from '../helpers/data.js';

const donationRows = readSharedCsv('donations.csv');
const donations: BgBbData = {
  frequency: donationRows.map((row) => Number(row.frequency)),
  recency: donationRows.map((row) => Number(row.recency)),
  periods: donationRows.map((row) => Number(row.periods)),
  weights: donationRows.map((row) => Number(row.weights)),
};
/** The published estimates (FHS 2010, 1995 cohort of donors, 6 annual opportunities). */
const published = { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 };
const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/** Likelihood of one history. */
const likelihood = (params: Record<string, number>, x: number, tx: number, n: number): number =>
  Math.exp(logLikelihood(params, { frequency: [x], recency: [tx], periods: [n] }));

/** Every history (x, t_x) possible in n opportunities, with the number of transaction sequences giving it: C(t_x − 1, x − 1). */
function histories(n: number): { x: number; tx: number; sequences: number }[] {
  const out = [{ x: 0, tx: 0, sequences: 1 }];
  const choose = (m: number, k: number): number => Math.round(Math.exp(lgamma(m + 1) - lgamma(k + 1) - lgamma(m - k + 1)));
  for (let tx = 1; tx <= n; tx++) for (let x = 1; x <= tx; x++) out.push({ x, tx, sequences: choose(tx - 1, x - 1) });
  return out;
}

describe('BG/BB on the donations data', () => {
  const model = fit(donations);

  it('reproduces the published estimates and log-likelihood -33,225.6', () => {
    expect(model.model).toBe('bgbb');
    expect(model.converged).toBe(true);
    expect(model.warnings).toEqual([]);
    expect(model.params.alpha).toBeCloseTo(published.alpha, 3);
    expect(model.params.beta).toBeCloseTo(published.beta, 3);
    expect(model.params.gamma).toBeCloseTo(published.gamma, 3);
    expect(model.params.delta).toBeCloseTo(published.delta, 3);
    expect(model.logLikelihood).toBeCloseTo(-33225.6, 1);
    expect(model.n).toBe(11104);
    expect(model.nDistinct).toBe(22);
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
      const [low, high] = model.intervals[name]!;
      expect(low).toBeLessThan(model.params[name]);
      expect(high).toBeGreaterThan(model.params[name]);
    }
  });

  it('gives the published log-likelihood at the published parameters', () => {
    expect(logLikelihood(published, donations)).toBeCloseTo(-33225.6, 1);
    expect(logLikelihood(published, donations)).toBeLessThanOrEqual(model.logLikelihood);
  });

  it('reproduces the spreadsheet\'s in-sample fit: 3,454.9 donors with no repeat and 1,253.1 with 6 (lifetimes test)', () => {
    // P(X(6) = 0) and P(X(6) = 6) are the likelihoods of the only history giving each
    expect(Math.abs(11104 * likelihood(model.params, 0, 0, 6) - 3454.9)).toBeLessThan(0.1);
    expect(Math.abs(11104 * likelihood(model.params, 6, 6, 6) - 1253.1)).toBeLessThan(0.1);
  });

  it('reproduces Table 6, P(alive in 2002): 0.11 for 0 repeats, 0.59 for x = 2 and t_x = 4, 0.93 for x = t_x = 6', () => {
    expect(Math.abs(probabilityAlive(model.params, 0, 0, 6) - 0.11)).toBeLessThan(0.005);
    expect(Math.abs(probabilityAlive(model.params, 2, 4, 6) - 0.59)).toBeLessThan(0.005);
    expect(Math.abs(probabilityAlive(model.params, 6, 6, 6) - 0.93)).toBeLessThan(0.005);
  });

  it('predicts 12,884.2 donations in 2002-2006 in total (the spreadsheet\'s conditional expectations, lifetimes test)', () => {
    let total = 0;
    for (let i = 0; i < donations.frequency.length; i++) {
      total += donations.weights![i] * expectedTransactions(model.params, 5, donations.frequency[i], donations.recency[i], donations.periods[i]);
    }
    expect(Math.abs(total - 12884.2)).toBeLessThan(0.1);
  });
});

describe('BG/BB likelihood', () => {
  it('sums to 1 over all possible histories, counting the transaction sequences of each', () => {
    for (const params of [published, { alpha: 0.3, beta: 5, gamma: 3, delta: 0.4 }]) {
      for (const n of [1, 6, 20]) {
        const total = histories(n).reduce((sum, { x, tx, sequences }) => sum + sequences * likelihood(params, x, tx, n), 0);
        expect(total, `n=${n}`).toBeCloseTo(1, 12);
      }
    }
  });

  it('is the individual-level likelihood integrated over Beta(α, β) × Beta(γ, δ) (Gauss-Legendre quadrature)', () => {
    // with integer α, β, γ, δ the integrand is a polynomial of degree < 40 in p and θ, which the 40-point rule
    // integrates exactly (non-integer parameters are covered by the sum-to-one identity above)
    const params = { alpha: 2, beta: 3, gamma: 2, delta: 4 };
    const nodes: number[] = [];
    const weights: number[] = [];
    const points = 40;
    for (let i = 1; i <= points; i++) {
      // Newton iterations on the Legendre polynomial from the Chebyshev guess
      let t = Math.cos((Math.PI * (i - 0.25)) / (points + 0.5));
      let derivative = 0;
      for (let iteration = 0; iteration < 100; iteration++) {
        let p0 = 1;
        let p1 = t;
        for (let k = 2; k <= points; k++) {
          const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        derivative = (points * (t * p1 - p0)) / (t * t - 1);
        const step = p1 / derivative;
        t -= step;
        if (Math.abs(step) < 1e-16) break;
      }
      nodes.push((1 + t) / 2);
      weights.push(1 / ((1 - t * t) * derivative * derivative));
    }
    const betaDensity = (u: number, a: number, b: number): number =>
      Math.exp((a - 1) * Math.log(u) + (b - 1) * Math.log1p(-u) - (lgamma(a) + lgamma(b) - lgamma(a + b)));
    // a given sequence with x transactions, the last at t_x: alive through t_x, then either alive and
    // silent through n, or dead at the beginning of opportunity t_x + j after j − 1 silent ones
    const individual = (p: number, theta: number, x: number, tx: number, n: number): number => {
      let value = p ** x * (1 - p) ** (tx - x) * (1 - theta) ** tx;
      let rest = ((1 - p) * (1 - theta)) ** (n - tx);
      for (let j = 1; j <= n - tx; j++) rest += ((1 - p) * (1 - theta)) ** (j - 1) * theta;
      value *= rest;
      return value;
    };
    for (const [x, tx, n] of [
      [0, 0, 6],
      [2, 4, 6],
      [6, 6, 6],
      [3, 9, 12],
    ]) {
      let integral = 0;
      nodes.forEach((p, i) =>
        nodes.forEach((theta, j) => {
          integral += weights[i] * weights[j] * betaDensity(p, params.alpha, params.beta) * betaDensity(theta, params.gamma, params.delta) * individual(p, theta, x, tx, n);
        }),
      );
      expect(relativeError(likelihood(params, x, tx, n), integral), `x=${x} t_x=${tx} n=${n}`).toBeLessThan(1e-12);
    }
  });

  it('is the hand-computed value at α = β = γ = δ = 1', () => {
    // x = 0, n = 1: dies at opportunity 1 (E[θ] = 1/2) or survives without a transaction (1/2 · 1/2)
    expect(likelihood({ alpha: 1, beta: 1, gamma: 1, delta: 1 }, 0, 0, 1)).toBeCloseTo(0.75, 15);
    // x = 1, t_x = 1, n = 1: survives (1/2) and transacts (1/2)
    expect(likelihood({ alpha: 1, beta: 1, gamma: 1, delta: 1 }, 1, 1, 1)).toBeCloseTo(0.25, 15);
  });

  it('rejects invalid data and parameters with ModelError', () => {
    expect(() => logLikelihood(published, { frequency: [3], recency: [2], periods: [6] })).toThrow(/recency 2 is not between frequency 3 and periods 6/);
    expect(() => logLikelihood(published, { frequency: [0, 1], recency: [1, 1], periods: [6, 6] })).toThrow(/1 of 2 entries.*entry 0: recency 1 is not 0/);
    expect(() => logLikelihood(published, { frequency: [1], recency: [1], periods: [1.5] })).toThrow(/periods 1.5 is not a non-negative integer/);
    expect(() => logLikelihood(published, { frequency: [1], recency: [1], periods: [6, 6] })).toThrow(/differ in length/);
    expect(() => logLikelihood({ ...published, gamma: -1 }, donations)).toThrow(/parameter gamma must be a positive number/);
    expect(() => fit({ frequency: [0, 0], recency: [0, 0], periods: [6, 6] })).toThrow(/nobody transacted/);
    expect(() => expectedTransactions(published, 1.5, 1, 1, 6)).toThrow(ModelError);
  });
});

describe('BG/BB predictions', () => {
  it('gives E[X(n)] = Σ x · P(X(n) = x) over all histories', () => {
    for (const params of [published, { alpha: 0.3, beta: 5, gamma: 3, delta: 0.4 }, { ...published, gamma: 1 }]) {
      for (const n of [1, 6, 15]) {
        const mean = histories(n).reduce((sum, { x, tx, sequences }) => sum + x * sequences * likelihood(params, x, tx, n), 0);
        expect(relativeError(expectedTransactionsNew(params, n), mean), `n=${n}`).toBeLessThan(1e-12);
      }
    }
  });

  it('averages the conditional expectations to E[X(n + m)] − E[X(n)] (law of total expectation)', () => {
    for (const params of [published, { alpha: 0.3, beta: 5, gamma: 3, delta: 0.4 }]) {
      const [n, m] = [6, 5];
      const average = histories(n).reduce(
        (sum, { x, tx, sequences }) => sum + sequences * likelihood(params, x, tx, n) * expectedTransactions(params, m, x, tx, n),
        0,
      );
      expect(relativeError(average, expectedTransactionsNew(params, n + m) - expectedTransactionsNew(params, n))).toBeLessThan(1e-12);
    }
  });

  it('averages P(alive at n + 1) to the unconditional survival E[(1 − θ)^(n+1)] = B(γ, δ + n + 1)/B(γ, δ)', () => {
    const n = 6;
    const average = histories(n).reduce((sum, { x, tx, sequences }) => sum + sequences * likelihood(published, x, tx, n) * probabilityAlive(published, x, tx, n), 0);
    const { gamma, delta } = published;
    const survival = Math.exp(lgamma(delta + n + 1) + lgamma(gamma + delta) - lgamma(delta) - lgamma(gamma + delta + n + 1));
    expect(relativeError(average, survival)).toBeLessThan(1e-12);
    expect(probabilityAlive(published, 2, 4, 6, 0)).toBeGreaterThan(probabilityAlive(published, 2, 4, 6));
  });

  it('is continuous at γ = 1, where δ/(γ − 1) is singular', () => {
    for (const gamma of [1 - 1e-9, 1 + 1e-9]) {
      const params = { ...published, gamma };
      expect(relativeError(expectedTransactionsNew(params, 10), expectedTransactionsNew({ ...published, gamma: 1 }, 10))).toBeLessThan(1e-8);
      expect(relativeError(expectedTransactions(params, 10, 2, 4, 6), expectedTransactions({ ...published, gamma: 1 }, 10, 2, 4, 6))).toBeLessThan(1e-8);
    }
    expect(expectedTransactions(published, 0, 2, 4, 6)).toBe(0);
    expect(expectedTransactionsNew(published, 0)).toBe(0);
  });

  it('is the hand-computed value at α = β = γ = δ = 1', () => {
    // E[X(1)] = E[p] · P(alive at 1) = 1/2 · 1/2
    expect(expectedTransactionsNew({ alpha: 1, beta: 1, gamma: 1, delta: 1 }, 1)).toBeCloseTo(0.25, 15);
  });
});

describe('BG/BB simulation', () => {
  it('gives valid histories whose mean frequency is E[X(n)]', () => {
    const customers = 50_000;
    const sample = simulate(published, { customers, periods: 6 }, createRng(8));
    const invalid = sample.frequency.filter((x, i) => !(x === 0 ? sample.recency[i] === 0 : sample.recency[i] >= x && sample.recency[i] <= 6));
    expect(invalid).toEqual([]);
    const mean = sample.frequency.reduce((sum, x) => sum + x, 0) / customers;
    const variance = sample.frequency.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (customers - 1);
    expect(Math.abs(mean - expectedTransactionsNew(published, 6))).toBeLessThan(4 * Math.sqrt(variance / customers));
  });

  it('recovers the parameters from 20,000 simulated customers within their 95% intervals', () => {
    const truth = { alpha: 0.9, beta: 1.4, gamma: 0.5, delta: 1.8 };
    const rng = createRng(17);
    const periods = Array.from({ length: 20_000 }, () => 6 + rng.int(5));
    const model = fit(simulate(truth, { customers: 20_000, periods }, rng));
    expect(model.converged).toBe(true);
    for (const [name, value] of Object.entries(truth)) {
      const [low, high] = model.intervals[name]!;
      expect(value, `${name}: ${model.params[name]} [${low}, ${high}]`).toBeGreaterThan(low);
      expect(value, `${name}: ${model.params[name]} [${low}, ${high}]`).toBeLessThan(high);
    }
  });
});
