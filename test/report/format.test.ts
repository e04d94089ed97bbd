/** Table number formatting: no 240-digit numbers, no noise digits. */
import { describe, expect, it } from 'vitest';
import { count, fixed } from '../../src/report/format.js';

describe('fixed and count', () => {
  it('write ordinary numbers with separators and the decimals asked', () => {
    expect(fixed(1234.5)).toBe('1,234.50');
    expect(fixed(-0.004, 3)).toBe('-0.004');
    expect(count(1234567)).toBe('1,234,567');
    expect(fixed(999_999_999_999_999, 0)).toBe('999,999,999,999,999');
  });

  it('write huge magnitudes in scientific notation instead of hundreds of digits', () => {
    expect(fixed(1e240)).toBe('1.000e+240');
    expect(fixed(3.0e43, 4)).toBe('3.000e+43');
    expect(fixed(-1.2345e23)).toBe('-1.235e+23');
    expect(count(9.2e107)).toBe('9.200e+107');
    for (const v of [1e15, 1e100, 1.7e308]) expect(fixed(v).length).toBeLessThan(12);
  });

  it('keep infinities and missing values readable', () => {
    expect(fixed(Infinity)).toBe('∞');
    expect(fixed(null)).toBe('');
    expect(fixed(Number.NaN)).toBe('');
  });
});
