/**
 * The statistics of campaign measurement against published values and hand calculations: Wilson and Newcombe
 * (Newcombe 1998, Statistics in Medicine 17:873-890, worked example 56/70 − 48/80), the pooled z test,
 * the normal quantile, Student's t quantile against t tables and closed forms, Welch's interval.
 */
import { describe, expect, it } from 'vitest';
import {
  controlSizeForSignificance, meanVariance, newcombeInterval, normalCdf, normalQuantile, regularizedBeta, tCdf, tQuantile, twoProportionTest,
  welchInterval, wilsonInterval, Z95,
} from '../../src/marketing/stats.js';

describe('Wilson and Newcombe intervals', () => {
  it('Wilson 56/70 and 48/80 (0.6918-0.8770, 0.4905-0.7004)', () => {
    // 56/70: p = 0.8, z² = 3.8415; centre = (2·56 + 3.8415)/(2·73.8415) = 0.78443;
    // half = 1.96·√(3.8415 + 4·70·0.8·0.2)/(2·73.8415) = 1.96·√48.6415/147.683 = 0.09256 → 0.6919 to 0.8770
    const [l1, u1] = wilsonInterval(56, 70);
    expect(l1).toBeCloseTo(0.6918, 4);
    expect(u1).toBeCloseTo(0.8770, 4);
    const [l2, u2] = wilsonInterval(48, 80);
    expect(l2).toBeCloseTo(0.4905, 4);
    expect(u2).toBeCloseTo(0.7004, 4);
  });

  it("Newcombe's method 10 for 56/70 − 48/80 gives the published 0.0524 to 0.3339", () => {
    // δ = 0.8 − 0.6 = 0.2; L = 0.2 − √((0.8 − 0.69183)² + (0.70038 − 0.6)²) = 0.2 − √(0.011700 + 0.010077) = 0.2 − 0.14757 = 0.05243
    // U = 0.2 + √((0.87695 − 0.8)² + (0.6 − 0.49045)²) = 0.2 + √(0.005922 + 0.012000) = 0.2 + 0.13387 = 0.33387
    const [low, high] = newcombeInterval(56, 70, 48, 80);
    expect(low).toBeCloseTo(0.0524, 4);
    expect(high).toBeCloseTo(0.3339, 4);
  });

  it('Wilson at 0/n and n/n stays in [0, 1] and is not degenerate', () => {
    // 0/10: upper = z²/(n + z²) = 3.8415/13.8415 = 0.27753
    const [l, u] = wilsonInterval(0, 10);
    expect(l).toBe(0);
    expect(u).toBeCloseTo(0.27753, 5);
    const [l2, u2] = wilsonInterval(10, 10);
    expect(l2).toBeCloseTo(1 - 0.27753, 5);
    expect(u2).toBe(1);
  });

  it('the pooled two-proportion z test for 56/70 vs 48/80', () => {
    // p̂ = 104/150 = 0.693333; se = √(0.693333·0.306667·(1/70 + 1/80)) = √(0.212622·0.0267857) = 0.0754668
    // z = 0.2/0.0754668 = 2.65017; p = 2(1 − Φ(2.65017)) = 2·0.0040225 = 0.008045
    const { z, pValue } = twoProportionTest(56, 70, 48, 80);
    expect(z).toBeCloseTo(2.65017, 4);
    expect(pValue).toBeCloseTo(0.008045, 5);
    expect(twoProportionTest(0, 10, 0, 20).pValue).toBe(1);
  });

  it('the control size that makes the interval exclude zero', () => {
    // 5/10 treated vs a control rate of 0.2: Newcombe's lower bound with n2 control customers (x2 = 0.2·n2) is
    // −2.1e-5 at n2 = 42 and +8.7e-4 at n2 = 43 (worked with the formulas above), so 43.
    expect(controlSizeForSignificance(0.5, 10, 0.2)).toBe(43);
    expect(newcombeInterval(5, 10, 0.2 * 43, 43)[0]).toBeGreaterThan(0);
    expect(newcombeInterval(5, 10, 0.2 * 42, 42)[0]).toBeLessThan(0);
    // A negative lift: the upper bound must go below zero (mirror of the case above: 5/10 vs 0.8)
    expect(controlSizeForSignificance(0.5, 10, 0.8)).toBe(43);
    // No lift: no size. Two treated customers, 1/2 vs 0.4: even an infinite control leaves 0.1 − (0.5 − l1) < 0.
    expect(controlSizeForSignificance(0.3, 10, 0.3)).toBeNull();
    expect(controlSizeForSignificance(0.5, 2, 0.4)).toBeNull();
  });
});

describe('normal and t quantiles', () => {
  it('Φ and Φ⁻¹ against the normal table', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(Z95).toBeCloseTo(normalQuantile(0.975), 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 7);
  });

  it('the regularized incomplete beta against closed forms', () => {
    // I_x(1, b) = 1 − (1 − x)^b; I_x(a, 1) = x^a; I_x(1/2, 1/2) = (2/π) asin(√x)
    expect(regularizedBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 12);
    expect(regularizedBeta(0.6, 3.5, 1)).toBeCloseTo(0.6 ** 3.5, 12);
    expect(regularizedBeta(0.2, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(0.2)), 12);
  });

  it("Student's t 0.975 quantiles against the t table", () => {
    // t table (two-sided 5%): df 1 12.706, 2 4.303, 5 2.571, 10 2.228, 30 2.042, 100 1.984, ∞ 1.960
    const table: [number, number][] = [[1, 12.706], [2, 4.303], [5, 2.571], [10, 2.228], [30, 2.042], [100, 1.984]];
    for (const [df, t] of table) expect(tQuantile(0.975, df)).toBeCloseTo(t, 3);
    expect(tQuantile(0.995, 4)).toBeCloseTo(4.604, 3); // two-sided 1%, df 4
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.228, 3);
    expect(tQuantile(0.975, 1e9)).toBeCloseTo(1.95996, 5);
  });

  it('t quantiles for df 1 and 2 equal their closed forms; fractional df lie between their neighbours', () => {
    // df 1 (Cauchy): tan(π(p − 1/2)); df 2: (2p − 1)·√(2/(1 − (2p − 1)²))
    for (const p of [0.6, 0.9, 0.975, 0.999]) {
      expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      const a = 2 * p - 1;
      expect(tQuantile(p, 2)).toBeCloseTo(a * Math.sqrt(2 / (1 - a * a)), 9);
    }
    const t = tQuantile(0.975, 12.7);
    expect(t).toBeLessThan(2.179); // df 12
    expect(t).toBeGreaterThan(2.160); // df 13
    expect(tCdf(t, 12.7)).toBeCloseTo(0.975, 12);
  });
});

describe("Welch's interval", () => {
  it('for window revenues of 10 treated and 5 control customers', () => {
    // treated [100, 50, 30, 20, 0, 0, 10, 0, 0, 0]: mean 21, Σ(x − 21)² = 79² + 29² + 9² + 1² + 5·21² + 11² = 6241 + 841 + 81 + 1 + 2205 + 121 = 9490,
    //   s² = 9490/9 = 1054.444, s²/n = 105.444
    // control [40, 0, 0, 0, 0]: mean 8, Σ(x − 8)² = 32² + 4·8² = 1280, s² = 320, s²/n = 64
    // se = √(105.444 + 64) = 13.01708; df = 169.444² / (105.444²/9 + 64²/4) = 28711.4 / (1235.39 + 1024) = 12.7076
    // t(0.975, 12.7076) = 2.16543 (between the table's 2.179 for 12 and 2.160 for 13)
    // 13 ± 2.16543·13.01708 = 13 ± 28.1876 → −15.1876 to 41.1876
    const a = meanVariance([100, 50, 30, 20, 0, 0, 10, 0, 0, 0]);
    const b = meanVariance([40, 0, 0, 0, 0]);
    expect(a.variance).toBeCloseTo(1054.444, 3);
    const w = welchInterval(a, b)!;
    expect(w.difference).toBe(13);
    expect(w.standardError).toBeCloseTo(13.01708, 5);
    expect(w.df!).toBeCloseTo(12.7076, 4);
    expect(w.t!).toBeCloseTo(2.16543, 4);
    expect(w.interval[0]).toBeCloseTo(-15.1876, 3);
    expect(w.interval[1]).toBeCloseTo(41.1876, 3);
  });

  it('null with fewer than two values in a group; the difference itself when both variances are 0', () => {
    expect(welchInterval(meanVariance([1]), meanVariance([1, 2]))).toBeNull();
    const w = welchInterval(meanVariance([3, 3]), meanVariance([1, 1, 1]))!;
    expect(w.interval).toEqual([2, 2]);
    expect(w.df).toBeNull();
  });
});
