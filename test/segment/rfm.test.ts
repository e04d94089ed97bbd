import { describe, expect, it } from 'vitest';
import type { CustomerSummary } from '../../src/core/types.js';
import { UsageError } from '../../src/errors.js';
import { createRng } from '../../src/core/random.js';
import { quantileScores, rfGrid, rfmCode, rfmScores, scoreBands } from '../../src/segment/rfm.js';

const customer = (id: string, lastDay: number, transactions: number, revenue: number): CustomerSummary => ({
  id, firstDay: 0, lastDay, transactions, frequency: transactions - 1, recency: lastDay, T: 100, monetaryValue: 0, revenue, margin: null,
});

describe('quantileScores', () => {
  it('scores integer values (counted) as the same values made fractional (sorted and searched)', () => {
    let seed = 7;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const [n, range] of [[1, 1], [50, 3], [1000, 40], [5000, 20000], [3000, 1e9]] as const) {
      const values = Array.from({ length: n }, () => Math.floor(next() * range) - (range > 100 ? 50 : 0));
      const fractional = values.map((v) => v + 0.25);
      for (const bins of [2, 5, 9]) expect([...quantileScores(values, bins)]).toEqual([...quantileScores(fractional, bins)]);
    }
    // below: 1→0, 2→2, 3→3 of 6 → 1, 1 + floor(3·2/6) = 2, 1 + floor(3·3/6) = 2
    expect([...quantileScores([3, 1, 1, 2, 3, 3], 3)]).toEqual([2, 1, 1, 2, 2, 2]);
  });

  it('scores 1 + floor(bins × below / n), below = values strictly smaller', () => {
    expect([...quantileScores([10, 20, 20, 30, 40], 5)]).toEqual([1, 2, 2, 4, 5]);
    expect([...quantileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)]).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('gives ties at bin edges one score (the minimum rank)', () => {
    // below: 1→0, 2→3, 3→5, 4→6, 5→7, 6→8, 7→9 → 1, 1+1, 1+2, 1+3, 1+floor(3.5), 1+4, 1+floor(4.5)
    expect([...quantileScores([1, 1, 1, 2, 2, 3, 4, 5, 6, 7], 5)]).toEqual([1, 1, 1, 2, 2, 3, 4, 4, 5, 5]);
    // 2 and 2 straddle the 40% edge (positions 4 and 5 of 10) and still share score 3.
    expect([...quantileScores([1, 1, 1, 1, 2, 2, 3, 3, 3, 3], 5)]).toEqual([1, 1, 1, 1, 3, 3, 4, 4, 4, 4]);
  });

  it('does not depend on the order of the input', () => {
    const values = [7, 1, 5, 1, 2, 6, 1, 3, 2, 4];
    const scores = quantileScores(values, 5);
    const byValue = new Map<number, number>();
    values.forEach((v, i) => byValue.set(v, scores[i]));
    expect(Object.fromEntries(byValue)).toEqual({ 1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 5, 7: 5 });
  });

  it('skips the scores above a heavy tie when there are fewer distinct values than bins', () => {
    // 60% one-time buyers: score 1; value 2 has 6 of 10 below → 1 + floor(3) = 4; value 3 → 1 + floor(4) = 5.
    expect([...quantileScores([1, 1, 1, 1, 1, 1, 2, 2, 3, 3], 5)]).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    expect([...quantileScores([5, 9, 5, 9], 5)]).toEqual([1, 3, 1, 3]);
    expect([...quantileScores([4, 4, 4], 5)]).toEqual([1, 1, 1]);
    expect([...quantileScores([3], 5)]).toEqual([1]);
  });

  it('works for other numbers of bins', () => {
    expect([...quantileScores([1, 2, 3, 4, 5, 6], 3)]).toEqual([1, 1, 2, 2, 3, 3]);
    expect([...quantileScores([1, 2, 3, 4], 2)]).toEqual([1, 1, 2, 2]);
  });

  it('rejects bins outside 2..9 and non-finite values', () => {
    expect(() => quantileScores([1], 1)).toThrow(UsageError);
    expect(() => quantileScores([1], 10)).toThrow(UsageError);
    expect(() => quantileScores([1], 2.5)).toThrow(/invalid number of RFM bins 2.5/);
    expect(() => quantileScores([1, NaN], 5)).toThrow(RangeError);
  });
});

describe('rfmScores', () => {
  const customers = [
    customer('a', 100, 1, 10), // 0 days ago
    customer('b', 90, 2, 40), // 10 days
    customer('c', 90, 3, 90), // 10 days
    customer('d', 50, 4, 40), // 50 days
    customer('e', 10, 10, 500), // 90 days
  ];

  it('scores recent customers higher R, more transactions higher F, more revenue higher M', () => {
    const s = rfmScores(customers, 100, { bins: 5 });
    // recency days 0, 10, 10, 50, 90: fewer days = more customers strictly "worse" below.
    expect([...s.R]).toEqual([5, 3, 3, 2, 1]);
    expect([...s.F]).toEqual([1, 2, 3, 4, 5]);
    expect([...s.M]).toEqual([1, 2, 4, 2, 5]);
    expect([...s.measures.recencyDays]).toEqual([0, 10, 10, 50, 90]);
    expect(rfmCode(s.R[0], s.F[0], s.M[0])).toBe('511');
  });

  it("scores M on revenue per transaction with monetary 'mean'", () => {
    const s = rfmScores(customers, 100, { monetary: 'mean' });
    expect([...s.measures.monetary]).toEqual([10, 20, 30, 10, 50]);
    expect([...s.M]).toEqual([1, 3, 4, 1, 5]);
  });

  it('rejects an as-of day before a last purchase, naming the customer', () => {
    expect(() => rfmScores(customers, 99)).toThrow(UsageError);
    expect(() => rfmScores(customers, 99)).toThrow(/customer "a"/);
  });
});

describe('scoreBands and rfGrid', () => {
  it('gives each score its customers and value range; unused scores are empty', () => {
    const values = [1, 1, 1, 1, 1, 1, 2, 2, 3, 3];
    const bands = scoreBands(values, quantileScores(values, 5), 5);
    // The six 1s span the bands of scores 1, 2 and 3 (0–60%): score 1 stands for 1–3, 2 and 3 are merged into 1.
    expect(bands).toEqual([
      { score: 1, customers: 6, min: 1, max: 1, through: 3, mergedInto: null },
      { score: 2, customers: 0, min: null, max: null, through: null, mergedInto: 1 },
      { score: 3, customers: 0, min: null, max: null, through: null, mergedInto: 1 },
      { score: 4, customers: 2, min: 2, max: 2, through: 4, mergedInto: null },
      { score: 5, customers: 2, min: 3, max: 3, through: 5, mergedInto: null },
    ]);
  });

  it('counts customers and means the monetary value per R × F cell, most recent first', () => {
    const grid = rfGrid([2, 2, 1, 2], [1, 1, 2, 2], [10, 30, 5, 7], 2);
    expect(grid).toEqual([
      { R: 2, F: 2, customers: 1, meanMonetary: 7, mergedInto: null },
      { R: 2, F: 1, customers: 2, meanMonetary: 20, mergedInto: null },
      { R: 1, F: 2, customers: 1, meanMonetary: 5, mergedInto: null },
      { R: 1, F: 1, customers: 0, meanMonetary: null, mergedInto: null },
    ]);
  });
});

describe('quantileScores against the definition', () => {
  it('scores 1 + floor(bins × values strictly below / n) on random values with ties, negatives and every bin count', () => {
    const rng = createRng(21);
    for (let trial = 0; trial < 80; trial++) {
      const n = 1 + Math.floor(rng.uniform() * 300);
      const pool = [0, -1.5, 2.25, 2.25, 1e-9, 1 / 3];
      // fractional values (the sorted path), a share of them tied
      const values = Array.from({ length: n }, () => (rng.uniform() < 0.4 ? pool[Math.floor(rng.uniform() * pool.length)] : rng.uniform() * 100 - 10));
      if (trial % 5 === 0) values.fill(1 / 7);
      const bins = 2 + (trial % 8);
      const expected = values.map((v) => 1 + Math.floor((bins * values.filter((w) => w < v).length) / n));
      expect([...quantileScores(values, bins)]).toEqual(expected);
    }
  });
});
