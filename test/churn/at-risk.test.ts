/** The at-risk list: ranked by (1 − P(alive)) × past revenue, ties by id, the top rows with their details. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { atRiskList } from '../../src/churn/at-risk.js';
import type { CustomerHistory, CustomerSummary } from '../../src/core/types.js';

function summary(id: string, revenue: number, lastDay: number): CustomerSummary {
  return { id, revenue, lastDay } as CustomerSummary;
}

describe('atRiskList', () => {
  it('values at risk by hand, ties broken by id, usual gap from the history', () => {
    const summaries = [summary('b', 100, 90), summary('a', 200, 50), summary('c', 50, 99), summary('d', -10, 10)];
    const pAlive = new Map([['a', 0.75], ['b', 0.5], ['c', 0], ['d', 0.1]]);
    const histories = new Map<string, CustomerHistory>([['a', { id: 'a', days: [10, 20, 50] } as CustomerHistory]]);
    const rows = atRiskList(summaries, { asOf: 100, pAlive, histories, top: 3 });
    // a: 0.25 × 200 = 50, b: 0.5 × 100 = 50, c: 1 × 50 = 50 (a tie of three, by id); d: negative revenue counts 0
    expect(rows.map((r) => [r.customerId, r.valueAtRisk, r.daysSinceLast])).toEqual([['a', 50, 50], ['b', 50, 10], ['c', 50, 1]]);
    expect(rows[0].usualGap).toBe(20); // gaps 10 and 30: median 20
    expect(rows[1].usualGap).toBeNull();
    expect(atRiskList(summaries, { asOf: 100, pAlive, top: 0 })).toEqual([]);
  });

  it('gives the first rows of the fully sorted list, for small and large tops', () => {
    const rng = createRng(9);
    const n = 5000;
    const summaries = Array.from({ length: n }, (_, i) => summary(`C${String(i).padStart(5, '0')}`, rng.int(5) * 10, 0));
    const pAlive = new Map(summaries.map((s) => [s.id, rng.int(4) / 4]));
    const value = (s: CustomerSummary): number => (1 - pAlive.get(s.id)!) * Math.max(0, s.revenue);
    const sorted = [...summaries].sort((x, y) => value(y) - value(x) || (x.id < y.id ? -1 : 1)).map((s) => s.id);
    for (const top of [1, 20, 999, 1000, 1001, 4000, n + 10]) {
      expect(atRiskList(summaries, { asOf: 0, pAlive, top }).map((r) => r.customerId)).toEqual(sorted.slice(0, top));
    }
  });
});
