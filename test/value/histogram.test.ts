/** CLV histogram bins (src/value/histogram.ts), by hand. */
import { describe, expect, it } from 'vitest';
import { histogramBins } from '../../src/value/histogram.js';

describe('histogramBins', () => {
  it('bins from 0 in a round step up to the 99th percentile; above it is overflow', () => {
    // 0, 10, ..., 100: the 99th percentile is the value at index floor(0.99·10) = 9, i.e. 90; 90/20 = 4.5 → step 5
    const h = histogramBins(Array.from({ length: 11 }, (_, k) => 10 * k));
    expect(h.edges).toEqual(Array.from({ length: 19 }, (_, k) => 5 * k));
    expect(h.overflow).toBe(1); // 100
    const expected = new Array(18).fill(0);
    for (let k = 0; k <= 8; k++) expected[2 * k] = 1; // 0, 10, ..., 80 at the start of every other bin
    expected[17] = 1; // 90, the last edge, in the last bin
    expect(h.counts).toEqual(expected);
  });

  it('starts below 0 for negative values (returns exceeding purchases)', () => {
    const h = histogramBins([-10, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(h.edges[0]).toBe(-10);
    expect(h.counts[0]).toBe(1);
    expect(h.counts.reduce((a, b) => a + b, 0) + h.overflow).toBe(12);
  });

  it('handles one value, equal values, nothing, and non-finite values', () => {
    expect(histogramBins([])).toEqual({ edges: [0, 1], counts: [0], overflow: 0 });
    const one = histogramBins([5]);
    expect(one.counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(one.overflow).toBe(0);
    const same = histogramBins([0, 0, 0]);
    expect(same.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(histogramBins([1, NaN, Infinity, 2]).counts.reduce((a, b) => a + b, 0) + histogramBins([1, NaN, Infinity, 2]).overflow).toBe(2);
  });
});
