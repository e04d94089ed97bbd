/** The one standard normal of src/math/normal.ts: Φ and Φ⁻¹ against tabulated values and each other. */
import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile } from '../../src/math/normal.js';

describe('standard normal', () => {
  it('matches tabulated values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    expect(normalCdf(-8)).toBeCloseTo(6.22096057427178e-16, 28);
    expect(erfc(0)).toBe(1);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 15);
  });

  it('Φ(Φ⁻¹(p)) = p and Φ(−x) = 1 − Φ(x)', () => {
    for (const p of [1e-10, 0.001, 0.02425, 0.3, 0.5, 0.9, 0.999999]) expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 11);
    for (const x of [0.1, 1, 2.5, 5]) expect(normalCdf(-x) + normalCdf(x)).toBeCloseTo(1, 15);
  });

  it('refuses p outside (0, 1)', () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
