/**
 * segmentPortfolio on the CDNOW 2,357-customer sample (Fader, Hardie & Lee 2005), with the Gini and top-20% share
 * checked against an independent calculation straight from the revenue totals.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../src/core/days.js';
import type { CustomerSummary } from '../../src/core/types.js';
import { segmentPortfolio } from '../../src/segment/segment-portfolio.js';
import { sharedData } from '../helpers/data.js';

/** Summaries built directly from customer_id,date,quantity,amount (no quotes in the file). */
function cdnowSummaries(asOf: number): CustomerSummary[] {
  const lines = readFileSync(sharedData('cdnow_sample_transactions.csv'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  expect(lines[0].trim()).toBe('customer_id,date,quantity,amount');
  const byCustomer = new Map<string, { days: Set<number>; amounts: Map<number, number>; rows: number; revenue: number }>();
  for (const line of lines.slice(1)) {
    const [id, date, , amount] = line.trim().split(',');
    const day = dayFromYmd(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
    let c = byCustomer.get(id);
    if (!c) byCustomer.set(id, (c = { days: new Set(), amounts: new Map(), rows: 0, revenue: 0 }));
    c.days.add(day);
    c.amounts.set(day, (c.amounts.get(day) ?? 0) + Number(amount));
    c.rows++;
    c.revenue += Number(amount);
  }
  return [...byCustomer].map(([id, c]) => {
    const days = [...c.days].sort((a, b) => a - b);
    const repeat = days.slice(1).map((d) => c.amounts.get(d)!);
    return {
      id,
      firstDay: days[0],
      lastDay: days[days.length - 1],
      transactions: c.rows,
      frequency: days.length - 1,
      recency: days[days.length - 1] - days[0],
      T: asOf - days[0],
      monetaryValue: repeat.length > 0 ? repeat.reduce((a, b) => a + b, 0) / repeat.length : 0,
      revenue: c.revenue,
      margin: null,
    };
  });
}

describe('segmentPortfolio on CDNOW', () => {
  const asOf = dayFromYmd(1998, 6, 30);
  const summaries = cdnowSummaries(asOf);
  const result = segmentPortfolio(summaries, { asOf, clusters: { seed: 1 } });
  const revenues = summaries.map((s) => s.revenue);

  it('has the 2,357 customers and their revenue', () => {
    expect(summaries).toHaveLength(2357);
    expect(result.totals.customers).toBe(2357);
    expect(result.totals.revenue).toBeCloseTo(revenues.reduce((a, b) => a + b, 0), 6);
    expect(result.concentration.negative.customers).toBe(0);
  });

  it('gives the Gini of an independent pairwise calculation', () => {
    // Mean absolute difference over all ordered pairs / (2 × mean), O(n²) straight from the totals.
    const n = revenues.length;
    let pairs = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pairs += Math.abs(revenues[i] - revenues[j]);
    const mean = revenues.reduce((a, b) => a + b, 0) / n;
    const independent = pairs / (2 * n * n * mean);
    expect(result.concentration.gini).toBeCloseTo(independent, 10);
    expect(independent).toBeGreaterThan(0.5); // CDNOW revenue is very concentrated
  });

  it('gives the top-20% share of the largest ceil(0.2 n) = 472 revenues', () => {
    const descending = [...revenues].sort((a, b) => b - a);
    const count = Math.ceil(0.2 * 2357);
    expect(count).toBe(472);
    const share = descending.slice(0, count).reduce((a, b) => a + b, 0) / descending.reduce((a, b) => a + b, 0);
    const top20 = result.concentration.top.find((t) => t.fraction === 0.2)!;
    expect(top20.customers).toBe(472);
    expect(top20.valueShare).toBeCloseTo(share, 12);
    // The A class holds at least 80% of revenue, and its last member had < 80% above it.
    const a = result.concentration.abc[0];
    expect(a.shareOfValue!).toBeGreaterThanOrEqual(0.8);
    expect(a.shareOfValue! - Math.min(...result.customers.filter((c) => c.abc === 'A').map((c) => revenues[summaries.findIndex((s) => s.id === c.customerId)])) / result.concentration.total).toBeLessThan(0.8);
  });

  it('segments every customer and finds 2 to 8 clusters', () => {
    expect(result.segments.reduce((s, x) => s + x.customers, 0)).toBe(2357);
    expect(result.segments.some((s) => s.segment === 'Others')).toBe(false);
    // Half the CDNOW cohort bought once: F has many ties at 1 and score 1 covers them all.
    const oneTimers = summaries.filter((s) => s.transactions === 1).length;
    expect(result.scores.F[0]).toMatchObject({ score: 1, customers: oneTimers, min: 1, max: 1 });
    expect(result.clusters!.k).toBeGreaterThanOrEqual(2);
    expect(result.clusters!.k).toBeLessThanOrEqual(8);
    expect(result.clusters!.clusters.reduce((s, c) => s + c.customers, 0)).toBe(2357);
    // the customers are a record list: serialised as the array of their records
    expect(JSON.parse(JSON.stringify(result))).toStrictEqual({ ...result, customers: result.customers.slice() });
  });
});
