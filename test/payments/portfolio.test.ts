import { describe, expect, it } from 'vitest';
import type { Day } from '../../src/core/days.js';
import { UsageError } from '../../src/errors.js';
import { paymentBehaviour } from '../../src/payments/behaviour.js';
import { foldInvoices, type Invoice } from '../../src/payments/invoices.js';
import { ageing, bucketIndex, dso, DSO_METHODS, MISSING_GROUP, topDebtors } from '../../src/payments/portfolio.js';
import { ledger, type Row } from './ledger.js';


const invoicesAt = (asOf: Day, rows: Row[]): Invoice[] => foldInvoices(ledger(...rows), asOf).invoices;

describe('bucketIndex', () => {
  it('puts day 0 in current, day 30 in 1-30 and day 31 in 31-60', () => {
    const edges = [30, 60, 90];
    expect([-5, 0, 1, 30, 31, 60, 61, 90, 91, 400].map((d) => bucketIndex(d, edges))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });
});

describe('ageing', () => {
  const asOf = 200;
  // one open invoice per days-past-due value, amounts 1, 2, 4, ... so that every sum names its invoices
  const pastDue = [-5, 0, 1, 30, 31, 60, 61, 90, 91];
  const rows: Row[] = pastDue.map((d, k) => [`c${k}`, `i${k}`, 0, asOf - d, 2 ** k]);

  it('buckets the open amounts at the exact edges', () => {
    const { total, edges, groupBy, groups } = ageing(invoicesAt(asOf, rows));
    expect(edges).toEqual([30, 60, 90]);
    expect(groupBy).toBeNull();
    expect(groups).toEqual([]);
    // current: −5 and 0 days (1 + 2); 1-30: 1 and 30 (4 + 8); 31-60: 16 + 32; 61-90: 64 + 128; 91+: 256
    expect(total.buckets.map((b) => [b.label, b.minDays, b.maxDays, b.amount, b.count])).toEqual([
      ['current', null, 0, 3, 2],
      ['1-30', 1, 30, 12, 2],
      ['31-60', 31, 60, 48, 2],
      ['61-90', 61, 90, 192, 2],
      ['91+', 91, null, 256, 1],
    ]);
    expect(total.buckets.map((b) => b.share)).toEqual([3 / 511, 12 / 511, 48 / 511, 192 / 511, 256 / 511]);
    expect(total).toMatchObject({ outstanding: 511, count: 9, overdue: 508, credit: 0, net: 511, debtors: 9 });
  });

  it('ages only the open part, keeps credits apart and ignores settled invoices', () => {
    const table = ageing(
      invoicesAt(100, [
        ['a', 'i1', 0, 50, 100, 60, 30], // 70 open, 50 days past due
        ['a', 'i2', 0, 50, 100, 60], // settled
        ['a', 'cn', 70, 70, -25], // credit 25
        ['b', 'i3', 0, 50, 100, 60, 140], // settled, 40 overpaid
      ]),
    ).total;
    expect(table.buckets.map((b) => b.amount)).toEqual([0, 0, 70, 0, 0]);
    expect(table).toMatchObject({ outstanding: 70, count: 1, overdue: 70, credit: 65, net: 5, debtors: 1 });
  });

  it('ages by group with a map, a record or a function; customers without a group are (missing)', () => {
    const invoices = invoicesAt(100, [
      ['a', 'i1', 0, 90, 100], // 10 past due
      ['b', 'i2', 0, 40, 300], // 60 past due
      ['b', 'i3', 90, 120, 50], // current
      ['c', 'i4', 0, 100, 20], // due on as-of: current
      ['d', 'i5', 0, 10, 7, 5], // settled: in no group table
    ]);
    const segment = new Map([
      ['a', 'retail'],
      ['b', 'retail'],
      ['c', 'public'],
    ]);
    const byMap = ageing(invoices, { group: segment, groupName: 'segment' });
    expect(byMap.groupBy).toBe('segment');
    expect(byMap.groups.map((g) => [g.group, g.outstanding, g.overdue, g.count, g.debtors, g.buckets.map((b) => b.amount)])).toEqual([
      ['retail', 450, 400, 3, 2, [50, 100, 300, 0, 0]],
      ['public', 20, 0, 1, 1, [20, 0, 0, 0, 0]],
    ]);
    // shares within the group: retail 50/450, 100/450, 300/450
    expect(byMap.groups[0].buckets.map((b) => b.share)).toEqual([50 / 450, 100 / 450, 300 / 450, 0, 0]);
    const byRecord = ageing(invoices, { group: { a: 'x', b: 'y' } });
    expect(byRecord.groupBy).toBe('group');
    expect(byRecord.groups.map((g) => [g.group, g.outstanding])).toEqual([
      ['y', 350],
      ['x', 100],
      [MISSING_GROUP, 20],
    ]);
    const byFunction = ageing(invoices, { group: (id) => (id === 'c' ? null : 'all') });
    expect(byFunction.groups.map((g) => [g.group, g.outstanding])).toEqual([
      ['all', 450],
      ['(missing)', 20],
    ]);
  });

  it('takes other edges and rejects bad ones', () => {
    const { total } = ageing(invoicesAt(200, rows), { edges: [7, 30] });
    // current 1 + 2; 1-7: 4; 8-30: 8; 31+: the rest
    expect(total.buckets.map((b) => [b.label, b.amount])).toEqual([
      ['current', 3],
      ['1-7', 4],
      ['8-30', 8],
      ['31+', 496],
    ]);
    expect(() => ageing([], { edges: [30, 30] })).toThrow(UsageError);
    expect(() => ageing([], { edges: [0, 30] })).toThrow(UsageError);
    expect(() => ageing([], { edges: [15.5] })).toThrow(UsageError);
  });
});

describe('dso', () => {
  // as-of day 100, window of 30 days: days 71..100
  // D  day 10, due 40, 1000, paid day 30     → settled
  // A  day 40, due 70, 600, unpaid           → 600 open, 30 days past due
  // B  day 80, due 110, 300, 100 paid day 90 → 200 open, current
  // CN day 85, −100, not refunded            → credit 100 (not in the receivables)
  // C  day 95, due 125, 100, unpaid          → 100 open, current
  const invoices = invoicesAt(100, [
    ['x', 'D', 10, 40, 1000, 30],
    ['x', 'A', 40, 70, 600],
    ['y', 'B', 80, 110, 300, 90, 100],
    ['y', 'CN', 85, 85, -100],
    ['z', 'C', 95, 125, 100],
  ]);

  it('computes the textbook DSO on receivables net of credits, and names the gross one (issue 18.9)', () => {
    const result = dso(invoices, 100, { windowDays: 30 });
    // open 600 + 200 + 100 = 900 (gross); open credit 100 (CN); receivables R = 900 − 100 = 800; current 300
    // S = 300 − 100 + 100 = 300 (B, CN, C)
    // standard (textbook) 800 / 300 × 30 = 80; gross 900 / 300 × 30 = 90; best possible 300 / 300 × 30 = 30;
    // ADD 80 − 30 = 50
    // countback on R = 800: day 100..96 no sales (C is day 95); day 95: 100 → 700 left; day 85: −100 → 800;
    // day 80: 300 → 500; day 40: 600 covers 500: days 100..41 (60 days) + 500/600
    expect(result).toEqual({
      windowDays: 30,
      windowStart: 71,
      windowEnd: 100,
      receivables: 800,
      grossReceivables: 900,
      credit: 100,
      currentReceivables: 300,
      creditSales: 300,
      standard: 80,
      grossStandard: 90,
      bestPossible: 30,
      averageDaysDelinquent: 50,
      countback: 60 + 500 / 600,
      methods: DSO_METHODS,
    });
    expect(result.methods.standard).toMatch(/open invoices less open credits/);
    expect(result.methods.grossStandard).toMatch(/credits not netted/);
  });

  it('counts the last day of the countback in part', () => {
    // R = 150: day 100 sales 100, day 99 sales 100 → 1 + 50/100
    const result = dso(invoicesAt(100, [['a', 'i1', 100, 130, 100], ['a', 'i2', 99, 129, 100, 100, 50]]), 100, { windowDays: 30 });
    expect(result.receivables).toBe(150);
    expect(result.countback).toBe(1.5);
    // standard: 150 / 200 × 30
    expect(result.standard).toBe(22.5);
  });

  it('is 0 without receivables and null without sales in the window or enough sales to count back', () => {
    const paid = dso(invoicesAt(100, [['a', 'i1', 0, 30, 100, 20]]), 100, { windowDays: 30 });
    expect(paid).toMatchObject({ receivables: 0, creditSales: 0, standard: null, bestPossible: null, averageDaysDelinquent: null, countback: 0 });
    // 100 open less the open credit 50: R = 50 over S = 100 − 50 = 50 → 50 / 50 × 30 = 30 (gross 100 / 50 × 30 = 60);
    // countback: day 95: −50 → 100 left; day 90: 100 covers it: days 100..91 (10) + 100/100 = 11
    const net = dso(invoicesAt(100, [['a', 'i1', 90, 120, 100], ['a', 'cn', 95, 95, -50]]), 100, { windowDays: 30 });
    expect(net).toMatchObject({ receivables: 50, grossReceivables: 100, credit: 50, creditSales: 50, standard: 30, grossStandard: 60, countback: 11 });
    // 100 open and a credit note of 100 refunded in full: R = 100, but net sales 100 − 100 = 0 in the whole ledger
    const short = dso(invoicesAt(100, [['a', 'i1', 90, 120, 100], ['a', 'cn', 95, 95, -100, 96]]), 100, { windowDays: 30 });
    expect(short).toMatchObject({ receivables: 100, credit: 0, creditSales: 0, standard: null, countback: null });
    expect(() => dso([], 100, { windowDays: 0 })).toThrow(UsageError);
  });

  it('defaults to a 90-day window', () => {
    const result = dso(invoices, 100);
    // window days 11..100: A, B, CN, C = 600 + 300 − 100 + 100 = 900; R = 900 open − 100 credit = 800
    // → 800 / 900 × 90 = 80 (gross 900 / 900 × 90 = 90)
    expect(result).toMatchObject({ windowDays: 90, windowStart: 11, creditSales: 900, standard: 80, grossStandard: 90 });
  });
});

describe('topDebtors', () => {
  it('lists the largest outstanding amounts with their share', () => {
    const customers = paymentBehaviour(
      invoicesAt(100, [
        ['a', 'i1', 0, 30, 100], // 100, 70 past due
        ['b', 'i2', 50, 80, 300, 60, 100], // 200, 20 past due: late (> 15)
        ['c', 'i3', 90, 120, 50], // 50 current
        ['d', 'i4', 0, 30, 80, 20], // settled: not a debtor
        ['e', 'cn', 0, 0, -10], // credit only
      ]),
      100,
    );
    // total outstanding 350
    expect(topDebtors(customers, 2)).toEqual([
      { customerId: 'b', outstanding: 200, overdue: 200, balance: 200, maxDaysPastDue: 20, class: 'late', shareOfOutstanding: 200 / 350 },
      { customerId: 'a', outstanding: 100, overdue: 100, balance: 100, maxDaysPastDue: 70, class: 'late', shareOfOutstanding: 100 / 350 },
    ]);
    expect(topDebtors(customers).map((d) => d.customerId)).toEqual(['b', 'a', 'c']);
    expect(topDebtors(customers, 0)).toEqual([]);
    expect(() => topDebtors(customers, -1)).toThrow(UsageError);
  });
});
