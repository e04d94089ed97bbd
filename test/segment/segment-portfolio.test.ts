import { describe, expect, it } from 'vitest';
import type { CustomerSummary } from '../../src/core/types.js';
import { ModelError, UsageError } from '../../src/errors.js';
import { customerSegments, segmentPortfolio } from '../../src/segment/segment-portfolio.js';
import { readInputFiles } from '../../src/ingest/read.js';
import { summarize } from '../../src/accumulate/summary.js';
import { fixture } from '../helpers/data.js';
import { assignSegment } from '../../src/segment/segments.js';

const customer = (id: string, lastDay: number, transactions: number, revenue: number, margin: number | null = null): CustomerSummary => ({
  id, firstDay: 0, lastDay, transactions, frequency: transactions - 1, recency: lastDay, T: 100, monetaryValue: 0, revenue, margin,
});

// Ten customers: as-of day 100.
const portfolio = [
  customer('1', 100, 12, 1200, 300),
  customer('2', 98, 9, 800, 200),
  customer('3', 95, 1, 40, 10),
  customer('4', 80, 4, 300, 60),
  customer('5', 60, 3, 150, 30),
  customer('6', 40, 6, 700, 150),
  customer('7', 30, 1, 20, 2),
  customer('8', 10, 2, 60, -5),
  customer('9', 5, 1, -15, -20),
  customer('10', 2, 8, 900, 180),
];
const attributes = new Map(portfolio.map((c, i) => [c.id, { region: i % 2 === 0 ? 'north' : 'south', age: String(20 + i * 5) }]));

describe('segmentPortfolio', () => {
  const result = segmentPortfolio(portfolio, { asOf: 100, attributes, profiles: ['region'], clusters: { seed: 3 } });

  it('returns plain JSON-serialisable data', () => {
    // the customers are a record list: serialised as the array of their records
    expect(JSON.parse(JSON.stringify(result))).toStrictEqual({ ...result, customers: result.customers.slice() });
    expect(result.asOf).toBe('1970-04-11');
    expect(result.settings).toEqual({ bins: 5, monetary: 'total', valueMeasure: 'revenue', segmentScale: 5 });
    expect(result.totals).toEqual({ customers: 10, revenue: 4155, margin: 907 });
  });

  it('gives each customer scores, a code, one segment, an ABC class and a cluster', () => {
    expect(result.customers).toHaveLength(10);
    for (const c of result.customers) {
      expect(c.rfm).toBe(`${c.R}${c.F}${c.M}`);
      expect(c.segment).toBe(assignSegment(c.R, c.F, c.M));
      expect(c.cluster).toBeGreaterThanOrEqual(1);
      expect(c.cluster).toBeLessThanOrEqual(result.clusters!.k);
    }
    // Customer 1: most recent, most transactions, most revenue.
    expect(result.customers.at(0)!).toEqual({ customerId: '1', R: 5, F: 5, M: 5, rfm: '555', segment: 'Champions', abc: 'A', cluster: result.customers.at(0)!.cluster });
    // Customer 9: negative revenue → C, and listed apart.
    expect(result.customers.at(8)).toMatchObject({ customerId: '9', M: 1, abc: 'C' });
    expect(result.concentration.negative.list).toEqual([{ customerId: '9', value: -15 }]);
    expect(result.warnings).toContain('1 customers with negative revenue are left out of the Lorenz curve, Gini and top shares');
  });

  it('adds up: segments, grid, scores, concentration', () => {
    expect(result.segments.reduce((s, x) => s + x.customers, 0)).toBe(10);
    expect(result.segments.reduce((s, x) => s + x.shareOfCustomers, 0)).toBeCloseTo(1, 12);
    expect(result.segments.reduce((s, x) => s + x.revenue, 0)).toBeCloseTo(4155, 9);
    expect(result.segments.reduce((s, x) => s + x.margin!, 0)).toBeCloseTo(907, 9);
    expect(result.grid).toHaveLength(25);
    expect(result.grid.reduce((s, x) => s + x.customers, 0)).toBe(10);
    for (const measure of ['R', 'F', 'M'] as const) expect(result.scores[measure].reduce((s, b) => s + b.customers, 0)).toBe(10);
    // R bands are in recency days: score 5 holds the most recent (0 and 2 days).
    expect(result.scores.R[4]).toEqual({ score: 5, customers: 2, min: 0, max: 2, through: 5, mergedInto: null });
    expect(result.concentration.measure).toBe('revenue');
    expect(result.concentration.customers).toBe(9);
    expect(result.concentration.total).toBe(4170);
    expect(result.clusters!.clusters.reduce((s, c) => s + c.customers, 0)).toBe(10);
  });

  it('profiles the segments by an attribute', () => {
    expect(result.profiles).toHaveLength(1);
    expect(result.profiles[0].column).toBe('region');
    expect(result.profiles[0].values.map((v) => v.value)).toEqual(['north', 'south']);
    expect(result.profiles[0].segments.map((s) => s.segment)).toEqual(result.segments.map((s) => s.segment));
  });

  it('ranks by margin when asked, and refuses when margins are unknown', () => {
    const byMargin = segmentPortfolio(portfolio, { asOf: 100, valueMeasure: 'margin', clusters: false });
    expect(byMargin.concentration.measure).toBe('margin');
    expect(byMargin.concentration.negative.customers).toBe(2);
    expect(byMargin.clusters).toBeNull();
    expect(byMargin.customers.slice().every((c) => c.cluster === null)).toBe(true);
    const noMargin = portfolio.map((c) => ({ ...c, margin: null }));
    expect(segmentPortfolio(noMargin, { asOf: 100, clusters: false }).totals.margin).toBeNull();
    expect(segmentPortfolio(noMargin, { asOf: 100, clusters: false }).segments[0].margin).toBeNull();
    expect(() => segmentPortfolio(noMargin, { asOf: 100, valueMeasure: 'margin' })).toThrow(UsageError);
  });

  it('rescales the segment rules for other bins', () => {
    const three = segmentPortfolio(portfolio, { asOf: 100, bins: 3, clusters: false });
    expect(three.settings.bins).toBe(3);
    expect(three.grid).toHaveLength(9);
    expect(three.customers.at(0)).toMatchObject({ rfm: '333', segment: 'Champions' });
    expect(three.segments.some((s) => s.segment === 'Others')).toBe(false);
  });

  it('reports no clusters, with a warning, when customers are too few to choose k', () => {
    const twins = [customer('a', 50, 2, 100), customer('b', 50, 2, 100)];
    const r = segmentPortfolio(twins, { asOf: 100 });
    expect(r.clusters).toBeNull();
    expect(r.warnings.some((w) => w.startsWith('no clusters: k-means needs at least 2 distinct points'))).toBe(true);
    expect(() => segmentPortfolio(twins, { asOf: 100, clusters: { k: 2 } })).toThrow(ModelError);
  });

  it('rejects bad input with clear errors', () => {
    expect(() => segmentPortfolio([], { asOf: 100 })).toThrow(ModelError);
    expect(() => segmentPortfolio(portfolio, { asOf: 99 })).toThrow(/before the last purchase of customer "1"/);
    expect(() => segmentPortfolio(portfolio, { asOf: 100, profiles: ['colour'], attributes })).toThrow(/unknown customer attribute "colour"/);
    expect(() => segmentPortfolio(portfolio, { asOf: 100, profiles: ['region'] })).toThrow(UsageError);
    expect(() => segmentPortfolio(portfolio, { asOf: 100, bins: 12 })).toThrow(UsageError);
  });
});

describe('customerSegments', () => {
  it('gives each customer the segment segmentPortfolio gives it (ten customers, the fixtures, 3 and 4 bins)', async () => {
    const data = await readInputFiles({ sales: fixture('sales.csv') });
    const asOf = data.sales!.maxDay;
    const fixtures = summarize(data.sales!, { asOf, calibrationEnd: asOf, holdout: false, period: { name: 'day', days: 1 } }).customers;
    for (const [summaries, day] of [[portfolio, 100], [fixtures, asOf]] as const) {
      for (const bins of [undefined, 3, 4]) {
        const whole = segmentPortfolio(summaries, { asOf: day, bins, clusters: false }).customers.map((c) => c.segment);
        expect(customerSegments(summaries, { asOf: day, bins })).toEqual(whole);
      }
    }
    expect(() => customerSegments([], { asOf: 100 })).toThrow(ModelError);
  });
});
