import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { createRng } from '../../src/core/random.js';
import { concentration, gini, topCount } from '../../src/segment/concentration.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i + 1}`);

describe('gini', () => {
  it('is 0 when all values are equal', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0.1, 0.1, 0.1])).toBe(0);
    expect(gini([7])).toBe(0);
  });

  it('is (n − 1) / n when one customer has everything', () => {
    expect(gini([0, 0, 0, 10])).toBe(0.75);
    expect(gini([0, 42, 0, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(0.9, 15);
    expect(gini([3])).toBe(0);
  });

  it('equals the mean absolute difference over twice the mean, by hand', () => {
    // [0, 1, 3, 6]: |differences| 1, 3, 6, 2, 5, 3 → 20 per unordered pair set, 40 ordered; 2 n² mean = 2·16·2.5 = 80.
    expect(gini([6, 0, 3, 1])).toBeCloseTo(0.5, 15);
    // [1, 2, 3, 4]: Σ (2i − n − 1) x = −3 − 2 + 3 + 12 = 10; n Σx = 40.
    expect(gini([4, 3, 2, 1])).toBeCloseTo(0.25, 15);
  });

  it('is null for no values or a zero total, and rejects negative values', () => {
    expect(gini([])).toBeNull();
    expect(gini([0, 0])).toBeNull();
    expect(() => gini([1, -1])).toThrow(RangeError);
  });
});

describe('topCount', () => {
  it('takes ceil(fraction × n), at least 1, without float surprises', () => {
    expect(topCount(0.1, 30)).toBe(3); // 0.1 × 30 = 3.0000000000000004 in floating point
    expect(topCount(0.2, 10)).toBe(2);
    expect(topCount(0.15, 10)).toBe(2);
    expect(topCount(0.2, 3)).toBe(1);
    expect(topCount(0.01, 5)).toBe(1);
    expect(topCount(1, 7)).toBe(7);
    expect(topCount(0.2, 0)).toBe(0);
  });
});

describe('concentration', () => {
  it('gives the top shares of customers ceil(x n) by hand', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]; // total 55
    const { result } = concentration(ids(10), values, { topShares: [0.01, 0.05, 0.1, 0.2, 0.25, 1] });
    expect(result.top.map((t) => t.customers)).toEqual([1, 1, 1, 2, 3, 10]);
    expect(result.top.map((t) => t.valueShare)).toEqual([10 / 55, 10 / 55, 10 / 55, 19 / 55, 27 / 55, 1]);
    expect(result.total).toBe(55);
    expect(result.gini).toBeCloseTo(0.3, 15); // Σ (2i − 11) i = 165; 165 / (10 · 55)
  });

  it('classes A while the share strictly above is < 80%, B while < 95%, else C', () => {
    expect(concentration(ids(5), [50, 30, 10, 10, 0]).classes).toEqual(['A', 'A', 'B', 'B', 'C']);
    // 15 has 80% above it exactly → B; 5 has 95% above → C.
    expect(concentration(ids(4), [60, 20, 15, 5]).classes).toEqual(['A', 'A', 'B', 'C']);
    // 16 has 79% above → A.
    expect(concentration(ids(4), [60, 19, 16, 5]).classes).toEqual(['A', 'A', 'A', 'C']);
    // Equal values share a class: both 40s have 0 above.
    expect(concentration(ids(3), [40, 20, 40]).classes).toEqual(['A', 'B', 'A']);
    // The top customer is A even when it alone holds more than 80%.
    expect(concentration(ids(3), [1, 98, 1]).classes).toEqual(['C', 'A', 'C']);
    const { result } = concentration(ids(4), [60, 20, 15, 5]);
    expect(result.abc).toEqual([
      { class: 'A', customers: 2, shareOfCustomers: 0.5, value: 80, shareOfValue: 0.8, negativeCustomers: 0, negativeValue: 0 },
      { class: 'B', customers: 1, shareOfCustomers: 0.25, value: 15, shareOfValue: 0.15, negativeCustomers: 0, negativeValue: 0 },
      { class: 'C', customers: 1, shareOfCustomers: 0.25, value: 5, shareOfValue: 0.05, negativeCustomers: 0, negativeValue: 0 },
    ]);
  });

  it('uses configurable ABC thresholds', () => {
    expect(concentration(ids(4), [60, 20, 15, 5], { abcThresholds: [0.5, 0.9] }).classes).toEqual(['A', 'B', 'B', 'C']); // above: 0, 0.6, 0.8, 0.95
    expect(() => concentration(ids(1), [1], { abcThresholds: [0.9, 0.8] })).toThrow(UsageError);
    expect(() => concentration(ids(1), [1], { topShares: [0] })).toThrow(UsageError);
  });

  it('lists negative customers apart and computes the curve on the others', () => {
    const { result, classes } = concentration(['a', 'b', 'c', 'd', 'e'], [10, -5, 0, 30, -7]);
    expect(result.negative).toEqual({ customers: 2, total: -12, list: [{ customerId: 'e', value: -7 }, { customerId: 'b', value: -5 }] });
    expect(result.customers).toBe(3);
    expect(result.total).toBe(40);
    expect(result.gini).toBeCloseTo(0.5, 15); // [0, 10, 30]: (−2·0 + 0·10 + 2·30) / (3 · 40)
    expect(classes).toEqual(['A', 'C', 'C', 'A', 'C']);
  });

  it('counts and values the negative customers in class C, and says so (issue 18.9)', () => {
    // Non-negative total 10 + 0 + 30 = 40. 30: nothing above → A; 10: 30/40 = 0.75 above → A; 0 → C;
    // −5 and −7 → C. C counts c, b, e (3 customers) and values them 0 − 5 − 7 = −12, of which b and e
    // (2 customers, −12) are negative. Shares of the non-negative total: A 40/40 = 1, C −12/40 = −0.3.
    const { result } = concentration(['a', 'b', 'c', 'd', 'e'], [10, -5, 0, 30, -7]);
    expect(result.abc).toEqual([
      { class: 'A', customers: 2, shareOfCustomers: 0.4, value: 40, shareOfValue: 1, negativeCustomers: 0, negativeValue: 0 },
      { class: 'B', customers: 0, shareOfCustomers: 0, value: 0, shareOfValue: 0, negativeCustomers: 0, negativeValue: 0 },
      { class: 'C', customers: 3, shareOfCustomers: 0.6, value: -12, shareOfValue: -0.3, negativeCustomers: 2, negativeValue: -12 },
    ]);
    // Counts and values come from the same customers: they add up to all customers and the net total.
    expect(result.abc.reduce((n, a) => n + a.customers, 0)).toBe(5);
    expect(result.abc.reduce((n, a) => n + a.value, 0)).toBe(40 - 12);
  });

  it('draws the Lorenz curve from (0, 0) to (1, 1) and downsamples it to at most 101 points', () => {
    const small = concentration(ids(4), [4, 1, 3, 2]).result.lorenz;
    expect(small).toEqual([
      { customerShare: 0, valueShare: 0 },
      { customerShare: 0.25, valueShare: 0.1 },
      { customerShare: 0.5, valueShare: 0.3 },
      { customerShare: 0.75, valueShare: 0.6 },
      { customerShare: 1, valueShare: 1 },
    ]);
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const { result } = concentration(ids(1000), values);
    expect(result.lorenz).toHaveLength(101);
    expect(result.lorenz[0]).toEqual({ customerShare: 0, valueShare: 0 });
    expect(result.lorenz[100]).toEqual({ customerShare: 1, valueShare: 1 });
    expect(result.lorenz[50].customerShare).toBe(0.5);
    // Values 0..999 each once: the poorest half holds Σ0..499 / Σ0..999.
    expect(result.lorenz[50].valueShare).toBeCloseTo((499 * 500) / (999 * 1000), 12);
    // The Gini is exact (1 − 2 × area under the full step curve), not from the downsampled points.
    expect(result.gini).toBeCloseTo(gini(values)!, 15);
  });

  it('returns null shares for a zero total', () => {
    const { result, classes } = concentration(ids(2), [0, 0]);
    expect(result.gini).toBeNull();
    expect(result.lorenz).toEqual([]);
    expect(result.top[0].valueShare).toBeNull();
    expect(classes).toEqual(['C', 'C']);
  });
});

describe('ABC classes against the definition', () => {
  /** The class of each value by the definition: the share of the total held by strictly larger values. */
  function byDefinition(values: number[], a = 0.8, b = 0.95): string[] {
    const sorted = values.filter((v) => v >= 0).sort((x, y) => x - y);
    const cumulative = [0];
    for (const v of sorted) cumulative.push(cumulative[cumulative.length - 1] + v);
    const total = cumulative[sorted.length];
    return values.map((v) => {
      if (!(v > 0 && total > 0)) return 'C';
      let atOrBelow = 0;
      while (atOrBelow < sorted.length && sorted[atOrBelow] <= v) atOrBelow++;
      const share = (total - cumulative[atOrBelow]) / total;
      return share < a ? 'A' : share < b ? 'B' : 'C';
    });
  }

  it('gives every customer the class of the definition: ties, zeros, negatives, tiny and odd values, other thresholds', () => {
    const rng = createRng(8);
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + Math.floor(rng.uniform() * 400);
      const pool = [0, 0.1, 0.2, 0.3, 1e-12, 5, 5, 100, 1 / 3];
      const values = Array.from({ length: n }, () => {
        const u = rng.uniform();
        if (u < 0.3) return pool[Math.floor(rng.uniform() * pool.length)];
        if (u < 0.35) return -rng.uniform() * 50;
        return Math.round(rng.uniform() ** 4 * 1e6) / 100;
      });
      const [a, b] = trial % 3 === 0 ? [0.5, 0.9] : trial % 3 === 1 ? [0.8, 0.95] : [0.2, 1];
      expect(concentration(ids(n), values, { abcThresholds: [a, b] }).classes).toEqual(byDefinition(values, a, b));
    }
  });
});
