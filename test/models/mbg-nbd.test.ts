/**
 * MBG/NBD (Batislam, Denizel & Filiztekin 2007; Wagner & Hoppe 2008) against the CDNOW fit of BTYDplus as
 * used in lifetimes' tests, mpmath evaluations of the original formulas, hand-computed cases and a
 * parameter-recovery simulation.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { compressRfm } from '../../src/models/compress.js';
import {
  expectedTransactions,
  expectedTransactionsNew,
  fit,
  logLikelihood,
  probabilityAlive,
  probabilityOfPurchases,
  simulate,
} from '../../src/models/mbg-nbd.js';
import type { RfmData } from '../../src/models/types.js';
import { readSharedCsv } from '../helpers/data.js';

const cdnowRows = readSharedCsv('cdnow_customers_summary.csv');
const cdnow: RfmData = {
  frequency: cdnowRows.map((row) => Number(row.frequency)),
  recency: cdnowRows.map((row) => Number(row.recency)),
  T: cdnowRows.map((row) => Number(row.T)),
};
/** BTYDplus' MBG/NBD estimates on CDNOW, as checked by lifetimes' test_params_out_is_close_to_BTYDplus. */
const btydplus = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };
const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('MBG/NBD on CDNOW', () => {
  const model = fit(cdnow);

  it('reproduces the BTYDplus estimates to 3 decimals', () => {
    expect(model.model).toBe('mbgnbd');
    expect(model.converged).toBe(true);
    expect(model.warnings).toEqual([]);
    expect(model.params.r).toBeCloseTo(btydplus.r, 3);
    expect(model.params.alpha).toBeCloseTo(btydplus.alpha, 3);
    expect(model.params.a).toBeCloseTo(btydplus.a, 3);
    expect(model.params.b).toBeCloseTo(btydplus.b, 3);
    // slightly better than the BG/NBD's -9582.43 with the same number of parameters
    expect(model.logLikelihood).toBeCloseTo(-9582.13, 2);
    expect(logLikelihood(btydplus, cdnow)).toBeLessThanOrEqual(model.logLikelihood);
  });

  it('predicts close to the BG/NBD for the spreadsheet customer (lifetimes: within 0.05 of 1.226)', () => {
    expect(Math.abs(expectedTransactions(model.params, 39, 2, 30.43, 38.86) - 1.226)).toBeLessThan(0.05);
  });

  it('gives E[X(t)] within 5% of the BG/NBD spreadsheet values (lifetimes test)', () => {
    const times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => expect(relativeError(expectedTransactionsNew(model.params, t), expected[i])).toBeLessThan(0.05));
  });
});

describe('MBG/NBD formulas', () => {
  it('gives the hand-computed likelihood', () => {
    const ones = { r: 1, alpha: 1, a: 1, b: 1 };
    // x = 0, T = 1: B(1,2)/B(1,1)·½ + B(2,1)/B(1,1)·1 = ¼ + ½
    expect(logLikelihood(ones, { frequency: [0], recency: [0], T: [1] })).toBeCloseTo(Math.log(0.75), 14);
    // x = 1, t_x = 1, T = 2: B(1,3)/B(1,1)·1/3² + B(2,2)/B(1,1)·1/2² = 1/27 + 1/24
    expect(logLikelihood(ones, { frequency: [1], recency: [1], T: [2] })).toBeCloseTo(Math.log(1 / 27 + 1 / 24), 14);
  });

  it('is the same on the distinct tuples with weights as on the raw data', () => {
    const compressed = compressRfm(cdnow);
    for (const params of [btydplus, { r: 2, alpha: 10, a: 0.3, b: 7 }]) {
      expect(relativeError(logLikelihood(params, compressed), logLikelihood(params, cdnow))).toBeLessThan(1e-12);
    }
  });

  it('gives P(alive) < 1 for customers without repeat purchases, falling with T', () => {
    // r = α = a = b = 1, x = 0, t_x = 0, T = 1: odds a/(b + x)·((α + T)/(α + t_x))^(r + x) = 1·2
    expect(probabilityAlive({ r: 1, alpha: 1, a: 1, b: 1 }, 0, 0, 1)).toBeCloseTo(1 / 3, 15);
    const early = probabilityAlive(btydplus, 0, 0, 1);
    const late = probabilityAlive(btydplus, 0, 0, 38);
    expect(early).toBeLessThan(1);
    expect(late).toBeLessThan(early);
    // at T = 0 only the dropout at time 0 counts: 1/(1 + a/b)
    expect(probabilityAlive(btydplus, 0, 0, 0)).toBeCloseTo(1 / (1 + btydplus.a / btydplus.b), 15);
  });

  it('matches mpmath on the original (Wagner & Hoppe) expectations', () => {
    const conditional: [number, number, number, number, number][] = [
      [39, 2, 30.43, 38.86, 1.2629606232673657107],
      [39, 0, 0, 38.86, 0.15401274667514668797],
      [52, 50, 38, 39, 38.701247876241127618],
      [520, 5, 20, 39, 5.0614982099567410009],
    ];
    for (const [t, x, tx, T, expected] of conditional) {
      expect(relativeError(expectedTransactions(btydplus, t, x, tx, T), expected), `t=${t} x=${x}`).toBeLessThan(1e-11);
    }
    for (const [t, expected] of [[0.5, 0.026937355002919778802], [39, 1.1829536655971727295], [520, 4.4144453267990475728]]) {
      expect(relativeError(expectedTransactionsNew(btydplus, t), expected), `t=${t}`).toBeLessThan(1e-11);
    }
  });

  it('starts at the rate of those who did not drop out at 0: E[X(t)] ≈ b/(a + b)·(r/α)·t', () => {
    expect(relativeError(expectedTransactionsNew({ r: 1, alpha: 1, a: 2, b: 2 }, 1e-9), 0.5e-9)).toBeLessThan(1e-8);
  });

  it('has a PMF that sums to 1 with mean E[X(t)], and P(X(t) = 0) by hand', () => {
    // r = α = a = b = t = 1, n = 0: B(1,2)/B(1,1)·(1/2)^1 + B(2,1)/B(1,1) = ¼ + ½
    expect(probabilityOfPurchases({ r: 1, alpha: 1, a: 1, b: 1 }, 1, 0)).toBeCloseTo(0.75, 15);
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 400; n++) {
      const p = probabilityOfPurchases(btydplus, 39, n);
      total += p;
      mean += n * p;
    }
    expect(total).toBeCloseTo(1, 12);
    expect(relativeError(mean, expectedTransactionsNew(btydplus, 39))).toBeLessThan(1e-9);
  });

  it('agrees with BTYD bgnbd.pmf to within 50% at the BG/NBD parameters (lifetimes test)', () => {
    const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    expect(Math.abs(probabilityOfPurchases(published, 2, 10) - 1.07869e-7)).toBeLessThan(1e-4);
    const pmf = [0.0019995214, 0.0015170236, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.000222226];
    pmf.forEach((p, i) => expect(relativeError(probabilityOfPurchases(published, 30, 11 + i), p)).toBeLessThan(0.5));
  });
});

describe('MBG/NBD simulation', () => {
  it('matches E[X(T)] and P(X(T) = 0) on average', () => {
    const customers = 50_000;
    const sample = simulate(btydplus, { customers, T: 39 }, createRng(5));
    const mean = sample.frequency.reduce((s, x) => s + x, 0) / customers;
    const variance = sample.frequency.reduce((s, x) => s + (x - mean) ** 2, 0) / (customers - 1);
    expect(Math.abs(mean - expectedTransactionsNew(btydplus, 39))).toBeLessThan(4 * Math.sqrt(variance / customers));
    const p0 = probabilityOfPurchases(btydplus, 39, 0);
    const zeros = sample.frequency.filter((x) => x === 0).length / customers;
    expect(Math.abs(zeros - p0)).toBeLessThan(4 * Math.sqrt((p0 * (1 - p0)) / customers));
  });

  it('recovers the parameters from 10,000 simulated customers within their 95% intervals', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.7, b: 2.5 };
    // a fixed seed; over seeds 1..16 the z-scores (log θ̂ − log θ)/SE have mean ≈ 0 and sd ≈ 1
    const rng = createRng(1);
    const T = Array.from({ length: 10_000 }, () => 27 + 12 * rng.uniform());
    const model = fit(simulate(truth, { customers: 10_000, T }, rng));
    expect(model.converged).toBe(true);
    for (const [name, value] of Object.entries(truth)) {
      const [low, high] = model.intervals[name]!;
      expect(value, `${name}: ${model.params[name]} [${low}, ${high}]`).toBeGreaterThan(low);
      expect(value, `${name}: ${model.params[name]} [${low}, ${high}]`).toBeLessThan(high);
    }
  });
});
