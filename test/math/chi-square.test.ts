import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, regularizedUpperGamma } from '../../src/math/chi-square.js';
import { normalQuantile } from '../../src/math/normal.js';

describe('chiSquareSurvival', () => {
  it('gives the textbook critical values', () => {
    expect(chiSquareSurvival(3.84146, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 13);
    expect(chiSquareSurvival(5.99146, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(10, 3)).toBeCloseTo(0.018566, 6);
    expect(chiSquareSurvival(6.634896601021214, 1)).toBeCloseTo(0.01, 13);
    expect(chiSquareSurvival(0, 4)).toBe(1);
  });

  it('matches the closed forms for even degrees of freedom in both branches (series and continued fraction)', () => {
    // Q(k, y) = e^-y Σ_{i<k} y^i / i!
    const closed = (x: number, df: number): number => {
      const y = x / 2;
      let term = 1;
      let sum = 1;
      for (let i = 1; i < df / 2; i++) {
        term *= y / i;
        sum += term;
      }
      return Math.exp(-y) * sum;
    };
    for (const df of [2, 4, 6, 10]) {
      for (const x of [0.1, 1, 3, 7, 15, 40, 100]) {
        const expected = closed(x, df);
        expect(Math.abs(chiSquareSurvival(x, df) - expected) / expected).toBeLessThan(1e-12);
      }
    }
  });

  it('agrees with 1 − P for a = 1/2: Q(1/2, y) = erfc(√y)', () => {
    // erfc(1) = 0.15729920705028513 (A&S table 7.1)
    expect(regularizedUpperGamma(0.5, 1)).toBeCloseTo(0.15729920705028513, 14);
  });

  it('rejects invalid arguments', () => {
    expect(() => chiSquareSurvival(-1, 1)).toThrow(RangeError);
    expect(() => chiSquareSurvival(1, 0)).toThrow(RangeError);
    expect(() => chiSquareSurvival(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe('normalQuantile', () => {
  it('gives the usual z values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 13);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 15);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 12);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
