/** Customer profitability and the "worth keeping" quadrants against hand calculations. */
import { describe, expect, it } from 'vitest';
import { customerProfitability, type CostEvent, type CustomerClv, type CustomerPaymentFacts } from '../../src/performance/profitability.js';

const sales = [
  { id: 'a', revenue: 1000, margin: 400 },
  { id: 'b', revenue: 200, margin: 60 },
  { id: 'c', revenue: 500, margin: 150 },
  { id: 'd', revenue: 100, margin: 30 },
];
const costs: CostEvent[] = [
  { customerId: 'a', day: 10, amount: 50, kind: 'shipping' },
  { customerId: 'a', day: 20, amount: 30, kind: 'support' },
  { customerId: 'b', day: 15, amount: 90, kind: 'support' },
  { customerId: 'c', day: 30, amount: 200, kind: 'returns' },
  { customerId: 'c', day: 101, amount: 1000, kind: 'returns' }, // after as-of 100: left out
  { customerId: 'e', day: 50, amount: 25, kind: 'support' }, // a customer with costs and no sales
];
const clv = new Map<string, CustomerClv>([
  ['a', { clv: 300, margin: 0.4 }],
  ['b', { clv: 90, margin: 0.3 }],
  ['c', { clv: 120, margin: 0.3 }],
  ['d', { clv: 10, margin: 0.3 }],
]);
const payments = new Map<string, CustomerPaymentFacts>([
  ['b', { class: 'late', outstanding: 40, overdue: 40 }],
  ['c', { class: 'prompt', outstanding: 15, overdue: 0 }],
  ['d', { class: 'delinquent', outstanding: 0, overdue: 0 }],
]);

describe('customerProfitability', () => {
  const r = customerProfitability(sales, { asOf: 100, costs, clv, payments });
  const by = new Map(r.customers.map((c) => [c.customerId, c]));

  it('cost-to-serve, contribution and net CLV per customer', () => {
    // a: cost 50 + 30 = 80; contribution 400 - 80 = 320; rate 80 / 1000 = 0.08;
    //    the CLV's discounted revenue 300 / 0.4 = 750, its cost 0.08 x 750 = 60: net CLV 240.
    expect(by.get('a')).toMatchObject({ costToServe: 80, costByKind: { shipping: 50, support: 30 }, contribution: 320, costRate: 0.08, clv: 300, marginSource: 'sales' });
    expect(by.get('a')!.netClv).toBeCloseTo(240, 10);
    // b: cost 90, contribution 60 - 90 = -30 (unprofitable); rate 0.45; 90 / 0.3 = 300 x 0.45 = 135: net CLV -45.
    expect(by.get('b')).toMatchObject({ costToServe: 90, contribution: -30, unprofitable: true, debtor: true, latePayer: true, paymentClass: 'late', outstanding: 40 });
    expect(by.get('b')!.netClv).toBeCloseTo(-45, 10);
    // c: cost 200 (the 1000 of day 101 is after as-of), contribution -50; rate 0.4; 120 / 0.3 = 400 x 0.4 = 160: net -40.
    expect(by.get('c')).toMatchObject({ costToServe: 200, contribution: -50, debtor: true, latePayer: false });
    expect(by.get('c')!.netClv).toBeCloseTo(-40, 10);
    // d: no cost: contribution 30, net CLV = CLV 10; delinquent with nothing outstanding: a late payer, not a debtor.
    expect(by.get('d')).toMatchObject({ costToServe: 0, contribution: 30, netClv: 10, debtor: false, latePayer: true });
    // e: costs and no sales: revenue 0, margin 0 (share 1 of 0), contribution -25, no CLV.
    expect(by.get('e')).toMatchObject({ revenue: 0, margin: 0, marginSource: 'margin share', contribution: -25, costRate: null, clv: null, netClv: null, quadrant: 'unprofitable, value unknown' });
  });

  it('quadrants by contribution and net CLV above the median', () => {
    // net CLVs 240, -45, -40, 10: median (-40 + 10) / 2 = -15; high: a (240), d (10); low: b, c.
    expect(r.medianNetClv).toBeCloseTo(-15, 10);
    expect(by.get('a')!.quadrant).toBe('profitable, high value');
    expect(by.get('d')!.quadrant).toBe('profitable, high value');
    expect(by.get('b')!.quadrant).toBe('unprofitable, low value');
    expect(by.get('c')!.quadrant).toBe('unprofitable, low value');
    const q = new Map(r.quadrants.map((x) => [x.quadrant, x]));
    // profitable, high value: a + d: contribution 350, net CLV 250, one late payer (d), no debtor.
    expect(q.get('profitable, high value')).toMatchObject({ customers: 2, revenue: 1100, contribution: 350, unprofitable: 0, debtors: 0, latePayers: 1, outstanding: 0 });
    expect(q.get('profitable, high value')!.netClv).toBeCloseTo(250, 10);
    // unprofitable, low value: b + c: contribution -80, net CLV -85, 2 debtors (40 + 15 = 55 outstanding), 1 late payer.
    expect(q.get('unprofitable, low value')).toMatchObject({ customers: 2, contribution: -80, unprofitable: 2, debtors: 2, latePayers: 1, outstanding: 55 });
    expect(q.get('unprofitable, low value')!.netClv).toBeCloseTo(-85, 10);
    expect(q.get('profitable, low value')).toMatchObject({ customers: 0 });
    expect(q.get('unprofitable, value unknown')).toMatchObject({ customers: 1, contribution: -25 });
  });

  it('accounts for every cost event', () => {
    expect(r.costAccount).toEqual({ events: 6, used: 5, excluded: { 'after as-of': 1 }, customersWithoutSales: 1 });
    // 80 + 90 + 200 + 25
    expect(r.totals).toMatchObject({ customers: 5, costToServe: 395, unprofitable: 3, costByKind: { returns: 200, shipping: 50, support: 145 } });
    expect(r.marginSource).toBe('mixed');
  });

  it('without a cost column the margin is revenue x the margin share; without a valuation two quadrants', () => {
    const s = customerProfitability([{ id: 'x', revenue: 200, margin: null }], { asOf: 0, marginShare: 0.25, costs: [{ customerId: 'x', day: 0, amount: 60, kind: '' }] });
    // margin 200 x 0.25 = 50; contribution 50 - 60 = -10
    expect(s.customers.at(0)).toMatchObject({ margin: 50, contribution: -10, quadrant: 'unprofitable, value unknown', netClv: null });
    expect(s.quadrants.map((q) => [q.quadrant, q.customers])).toEqual([['profitable, value unknown', 0], ['unprofitable, value unknown', 1]]);
    expect(() => customerProfitability([], { asOf: 0, marginShare: 2 })).toThrow(/margin share/);
  });
});
