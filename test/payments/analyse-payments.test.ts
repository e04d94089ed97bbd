import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { analysePayments } from '../../src/payments/analyse-payments.js';
import { DSO_METHODS } from '../../src/payments/portfolio.js';
import { ledger } from './ledger.js';


describe('analysePayments', () => {
  // as-of day 100
  const records = ledger(
    ['a', 'i1', 0, 30, 100, 20], // line 2: settled 10 days early
    ['a', 'i2', 40, 70, 200, 80, 50], // line 3: 150 open, 30 days past due
    ['b', 'i3', 0, 5, 300], // line 4: 300 open, 95 days past due → delinquent
    ['b', 'cn', 50, 50, -40], // line 5: credit 40
    ['c', 'i4', 90, 120, 80], // line 6: 80 open, current → c has no history
    ['c', 'i5', 101, 131, 70], // line 7: after as-of, left out
    ['d', 'i6', 10, 40, 50, 5], // line 8: paid before issued → issue; 50 open, 60 days past due
    ['e', 'i7', 0, 30, 60, 30], // line 9: settled on the due date → prompt
  );
  const result = analysePayments(records, 100, { group: { a: 'north', b: 'south', c: 'north' }, groupName: 'region' });

  it('accounts for every row and reports the issue', () => {
    expect(result.account).toEqual({
      rows: 8,
      used: 6,
      issues: 1,
      issuesByReason: { 'payment before invoice date': 1 },
      excluded: { 'invoice after as-of': 1 },
      invoicesAfterAsOf: 1,
      paymentsAfterAsOf: 0,
    });
    expect(result.issues.map((i) => [i.file, i.line, i.reason])).toEqual([['payments.csv', 8, 'payment before invoice date']]);
  });

  it('classifies every customer', () => {
    expect(result.customers.map((c) => [c.customerId, c.class, c.lateness, c.outstanding, c.overdue, c.balance])).toEqual([
      ['a', 'late', 30, 150, 150, 150], // p90 −10, but i2 is 30 days past due
      ['b', 'delinquent', 95, 300, 300, 260],
      ['c', 'no-history', null, 80, 0, 80],
      ['d', 'late', 60, 50, 50, 50],
      ['e', 'prompt', 0, 0, 0, 0],
    ]);
    expect(result.classes.map((s) => [s.class, s.customers, s.outstanding, s.overdue])).toEqual([
      ['prompt', 1, 0, 0],
      ['slow', 0, 0, 0],
      ['late', 2, 200, 200],
      ['delinquent', 1, 300, 300],
      ['no-history', 1, 80, 0],
    ]);
    expect(result.classes[3].shareOfOutstanding).toBeCloseTo(300 / 580, 12);
  });

  it('sums the totals and the collection rate', () => {
    expect(result.totals).toEqual({
      customers: 5,
      invoices: 6,
      creditNotes: 1,
      invoiced: 790, // 100 + 200 + 300 + 80 + 50 + 60
      credited: 40,
      paid: 210, // 100 + 50 + 60
      refunded: 0,
      outstanding: 580, // 150 + 300 + 80 + 50
      overdue: 500,
      credit: 40,
      balance: 540,
      due: 710, // due by day 100: i1, i2, i3, i6, i7
      collected: 210,
      collectionRate: 210 / 710,
      worsening: 0,
    });
  });

  it('ages the receivables in total and by group', () => {
    const { total, groups, groupBy } = result.ageing;
    expect(total.buckets.map((b) => [b.label, b.amount, b.count])).toEqual([
      ['current', 80, 1],
      ['1-30', 150, 1], // exactly 30 days past due
      ['31-60', 50, 1], // exactly 60
      ['61-90', 0, 0],
      ['91+', 300, 1],
    ]);
    expect(total).toMatchObject({ outstanding: 580, overdue: 500, credit: 40, net: 540, debtors: 4 });
    expect(groupBy).toBe('region');
    expect(groups.map((g) => [g.group, g.outstanding, g.credit, g.net])).toEqual([
      ['south', 300, 40, 260],
      ['north', 230, 0, 230],
      ['(missing)', 50, 0, 50],
    ]);
  });

  it('computes DSO over the 90-day window', () => {
    // window days 11..100: i2 200, cn −40, i4 80 = 240 (i6 of day 10 is just outside)
    // open 580 (gross), open credit 40 (cn): R = 540; current 80
    // standard 540 / 240 × 90 = 202.5; gross 580 / 240 × 90 = 217.5; best possible 80 / 240 × 90 = 30; ADD 172.5
    // countback on 540: day 90: 80 → 460 left; day 50: −40 → 500; day 40: 200 → 300; day 10: 50 → 250;
    // day 0: 460 → 100 days + 250 / 460
    expect(result.dso).toEqual({
      windowDays: 90,
      windowStart: 11,
      windowEnd: 100,
      receivables: 540,
      grossReceivables: 580,
      credit: 40,
      currentReceivables: 80,
      creditSales: 240,
      standard: 202.5,
      grossStandard: 217.5,
      bestPossible: 30,
      averageDaysDelinquent: 172.5,
      countback: 100 + 250 / 460,
      methods: DSO_METHODS,
    });
  });

  it('lists the largest debtors', () => {
    expect(result.topDebtors.map((d) => [d.customerId, d.outstanding])).toEqual([
      ['b', 300],
      ['a', 150],
      ['c', 80],
      ['d', 50],
    ]);
  });

  it('reports its settings and survives a JSON round trip', () => {
    expect(result.settings).toEqual({
      promptMaxDaysLate: 0,
      slowMaxDaysLate: 15,
      delinquentAfterDays: 90,
      trendRecent: 3,
      trendMinInvoices: 6,
      trendMinIncreaseDays: 10,
      tolerance: 0.005,
      ageingEdges: [30, 60, 90],
      groupBy: 'region',
      dsoWindowDays: 90,
      topDebtors: 10,
    });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('handles an empty ledger', () => {
    const empty = analysePayments([], 100);
    expect(empty.customers).toEqual([]);
    expect(empty.totals).toMatchObject({ customers: 0, outstanding: 0, collectionRate: null });
    expect(empty.dso).toMatchObject({ standard: null, countback: 0 });
    expect(empty.ageing.total.buckets.every((b) => b.share === null)).toBe(true);
    expect(empty.topDebtors).toEqual([]);
  });

  it('rejects invalid options', () => {
    expect(() => analysePayments(records, 100, { slowMaxDaysLate: -1 })).toThrow(UsageError);
    expect(() => analysePayments(records, 100, { ageingEdges: [60, 30] })).toThrow(UsageError);
    expect(() => analysePayments(records, 100, { dsoWindowDays: 1.5 })).toThrow(UsageError);
    expect(() => analysePayments(records, 100, { topDebtors: -1 })).toThrow(UsageError);
  });
});
