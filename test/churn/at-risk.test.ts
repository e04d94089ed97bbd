/**
 * The at-risk list (issue 18.5): customers with 0.1 <= P(alive) < 0.5, ranked by value at stake =
 * P(alive) × value if retained, ties by id, each with the reason it is on the list.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { atRiskList, valueIfRetained } from '../../src/churn/at-risk.js';
import type { CustomerHistory, CustomerSummary } from '../../src/core/types.js';

function summary(id: string, revenue: number, lastDay: number, frequency = 1): CustomerSummary {
  return { id, revenue, lastDay, frequency } as CustomerSummary;
}

describe('atRiskList', () => {
  it('leaves out customers the model counts as gone or not at risk, and ranks the others by value at stake, by hand', () => {
    const summaries = [
      summary('gone', 5000, 10, 9), // P(alive) 0.05: gone, however valuable (the old list put such customers first)
      summary('safe', 4000, 95, 9), // P(alive) 0.9: not at risk
      summary('a', 300, 50, 2), // 3 purchase days, 100 a day
      summary('b', 200, 70, 1), // 2 purchase days, 100 a day
      summary('c', 900, 40, 8), // 9 purchase days, 100 a day
      summary('edge', 100, 60, 0), // P(alive) exactly 0.1: still on the list
      summary('half', 100, 60, 0), // P(alive) exactly 0.5: not at risk
    ];
    const pAlive = new Map([['gone', 0.05], ['safe', 0.9], ['a', 0.4], ['b', 0.2], ['c', 0.25], ['edge', 0.1], ['half', 0.5]]);
    // expected purchases over the horizon (P(alive)-weighted, as the models give them)
    const expectedPurchases = new Map([['gone', 0.2], ['safe', 9], ['a', 2], ['b', 1], ['c', 2], ['edge', 0.1], ['half', 1]]);
    const histories = new Map<string, CustomerHistory>([['a', { id: 'a', days: [10, 20, 50] } as CustomerHistory]]);
    const rows = atRiskList(summaries, { asOf: 100, pAlive, expectedPurchases, histories, top: 10 });
    // value if retained = E[purchases] / P(alive) × revenue per purchase day; at stake = P(alive) × that:
    //   a: 2/0.4 × 100 = 500, at stake 200;  b: 1/0.2 × 100 = 500, at stake 100;
    //   c: 2/0.25 × 100 = 800, at stake 200 (ties a, by id);  edge: 0.1/0.1 × 100 = 100, at stake 10
    expect(rows.map((r) => r.customerId)).toEqual(['a', 'c', 'b', 'edge']);
    expect(rows.map((r) => r.valueAtRisk)).toEqual([200, 200, 100, 10].map((v) => expect.closeTo(v, 9)));
    expect(rows[0]).toMatchObject({ pAlive: 0.4, value: 300, daysSinceLast: 50, usualGap: 20 });
    expect(rows[0].reason).toBe('last purchase 50 days ago, 2.5x the usual gap of 20 days; P(alive) 0.40; worth 500.00 over 12 months if retained');
    expect(rows[2].reason).toMatch(/^last purchase 30 days ago, a single purchase day; P\(alive\) 0\.20; worth 500\.00/);
    expect(valueIfRetained(summaries[2], 0.4, 2)).toBeCloseTo(500, 12);
    expect(atRiskList(summaries, { asOf: 100, pAlive, expectedPurchases, top: 0 })).toEqual([]);
    // the bounds can be moved
    expect(atRiskList(summaries, { asOf: 100, pAlive, expectedPurchases, top: 10, goneBelow: 0.01, atRiskBelow: 1 }).map((r) => r.customerId)).toEqual(['safe', 'a', 'c', 'b', 'gone', 'half', 'edge']); // b, gone, half: 100 each
  });

  it('gives the first rows of the fully sorted list, for small and large tops', () => {
    const rng = createRng(9);
    const n = 5000;
    const summaries = Array.from({ length: n }, (_, i) => summary(`C${String(i).padStart(5, '0')}`, rng.int(5) * 10, 0, rng.int(3)));
    const pAlive = new Map(summaries.map((s) => [s.id, rng.int(10) / 10]));
    const expectedPurchases = new Map(summaries.map((s) => [s.id, rng.int(4) / 2]));
    const eligible = summaries.filter((s) => pAlive.get(s.id)! >= 0.1 && pAlive.get(s.id)! < 0.5);
    const stake = (s: CustomerSummary): number => expectedPurchases.get(s.id)! * (Math.max(0, s.revenue) / (s.frequency + 1));
    const sorted = eligible.filter((s) => stake(s) > 0).sort((x, y) => stake(y) - stake(x) || (x.id < y.id ? -1 : 1)).map((s) => s.id);
    expect(sorted.length).toBeGreaterThan(100);
    for (const top of [1, 20, 999, 1000, 1001, 4000, n + 10]) {
      const rows = atRiskList(summaries, { asOf: 0, pAlive, expectedPurchases, top });
      expect(rows.map((r) => r.customerId)).toEqual(sorted.slice(0, top));
      for (const r of rows) expect(r.valueAtRisk).toBeCloseTo(stake(summaries.find((s) => s.id === r.customerId)!), 9);
    }
  });
});
