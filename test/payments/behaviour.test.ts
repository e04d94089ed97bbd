import { describe, expect, it } from 'vitest';
import type { Day } from '../../src/core/days.js';
import { UsageError } from '../../src/errors.js';
import {
  classifyCustomer,
  collection,
  dayStats,
  latenessTrend,
  paymentBehaviour,
  quantileSorted,
  resolveBehaviourOptions,
  summariseClasses,
  type CustomerPayments,
} from '../../src/payments/behaviour.js';
import { foldInvoices } from '../../src/payments/invoices.js';
import { ledger, type Row } from './ledger.js';


/** The behaviour of every customer of a ledger at as-of. */
function behaviour(asOf: Day, rows: Row[], options = {}): CustomerPayments[] {
  return paymentBehaviour(foldInvoices(ledger(...rows), asOf).invoices, asOf, options);
}

const defaults = resolveBehaviourOptions();

describe('quantileSorted and dayStats', () => {
  it('dayStats gives what the typed sort gave, for short and long lists, ties, negatives, NaN and -0', () => {
    const typed = (values: number[]) => {
      const sorted = Float64Array.from(values).sort();
      let sum = 0;
      for (const v of sorted) sum += v;
      return { count: sorted.length, mean: sum / sorted.length, median: quantileSorted(sorted, 0.5), p90: quantileSorted(sorted, 0.9) };
    };
    let seed = 3;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let k = 0; k < 3000; k++) {
      const n = 1 + Math.floor(next() * 40);
      const values = Array.from({ length: n }, () => Math.floor(next() * 120) - 40 + (k % 5 === 0 ? next() / 3 : 0));
      const got = dayStats(values)!;
      const want = typed(values);
      for (const key of ['count', 'mean', 'median', 'p90'] as const) expect(Object.is(got[key], want[key])).toBe(true);
    }
    expect(dayStats([3, Number.NaN, 1])).toEqual(typed([3, Number.NaN, 1]));
    expect(Object.is(dayStats([0, -0])!.median, typed([0, -0]).median)).toBe(true);
  });

  it('interpolates between order statistics (type 7)', () => {
    expect(quantileSorted([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBe(90);
    // n = 4: h = 3 × 0.9 = 2.7 → 3 + 0.7 × (4 − 3)
    expect(quantileSorted([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([7], 0.9)).toBe(7);
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
  });

  it('gives count, mean, median and 90th percentile, null for no values', () => {
    // sorted −10, 15, 40: mean 15, median 15, p90 at h = 1.8 → 15 + 0.8 × 25 = 35
    expect(dayStats([40, -10, 15])).toEqual({ count: 3, mean: 15, median: 15, p90: 35 });
    expect(dayStats([])).toBeNull();
  });
});

describe('customer payment figures', () => {
  // One customer at as-of day 200:
  // i1 day 0, due 30, 100, paid on day 20               → settled 20: 20 days to pay, 10 days early (−10)
  // i2 day 30, due 60, 200, paid on day 75              → settled 75: 45 days to pay, 15 days late
  // i3 day 60, due 90, 300, 100 on day 100, 200 on 130  → settled 130: 70 days to pay, 40 days late
  // i4 day 150, due 180, 400, 150 on day 170            → 250 open, 20 days past due
  // i5 day 190, due 220, 50, unpaid                     → 50 open, not yet due
  // cn1 day 100, −30, not refunded                      → 30 credit
  const rows: Row[] = [
    ['a', 'i1', 0, 30, 100, 20],
    ['a', 'i2', 30, 60, 200, 75],
    ['a', 'i3', 60, 90, 300, 100, 100],
    ['a', 'i3', 60, 90, 300, 130, 200],
    ['a', 'i4', 150, 180, 400, 170, 150],
    ['a', 'i5', 190, 220, 50],
    ['a', 'cn1', 100, 100, -30],
  ];
  const [a] = behaviour(200, rows);

  it('computes the amounts and balances', () => {
    expect(a).toMatchObject({
      customerId: 'a',
      invoices: 5,
      creditNotes: 1,
      invoiced: 1050, // 100 + 200 + 300 + 400 + 50
      credited: 30,
      paid: 750, // 100 + 200 + 300 + 150
      refunded: 0,
      outstanding: 300, // 250 + 50
      overdue: 250, // i4 only; i5 is not yet due
      credit: 30,
      balance: 270, // 300 − 30 = 1050 − 30 − 750
      openInvoices: 2,
      overdueInvoices: 1,
      maxDaysPastDue: 20,
      settledInvoices: 3,
    });
  });

  it('computes days to pay and signed days late over the settled invoices', () => {
    // days to pay 20, 45, 70: p90 = 45 + 0.8 × 25 = 65
    expect(a.daysToPay).toEqual({ count: 3, mean: 45, median: 45, p90: 65 });
    // days late −10, 15, 40 (the early payment counts negative in the mean)
    expect(a.daysLate).toEqual({ count: 3, mean: 15, median: 15, p90: 35 });
  });

  it('computes the shares and the collection rate', () => {
    // settled late: i2, i3 of i1, i2, i3
    expect(a.sharePaidLate).toBeCloseTo(2 / 3, 12);
    // past due at 200: i1, i2, i3, i4 (due 30, 60, 90, 180); unpaid: i4
    expect(a.shareUnpaidPastDue).toBe(0.25);
    // due by as-of: i1..i4 = 1000; collected 100 + 200 + 300 + 150 = 750
    expect(a.collectionRate).toBe(0.75);
  });

  it('classifies by max(p90 days late, days past due): 35 → late', () => {
    expect(a.lateness).toBe(35);
    expect(a.class).toBe('late');
    expect(a.trend).toBeNull();
    expect(a.worsening).toBe(false);
  });

  it('caps overpayments in the collection rate and keeps them as credit', () => {
    // 100 due, 130 paid: collected 100, credit 30, nothing outstanding
    const [c] = behaviour(60, [['c', 'i1', 0, 30, 100, 10, 130]]);
    expect(c).toMatchObject({ paid: 130, outstanding: 0, credit: 30, balance: -30, collectionRate: 1 });
    expect(collection(foldInvoices(ledger(['c', 'i1', 0, 30, 100, 10, 130], ['c', 'i2', 40, 70, 50]), 60).invoices, 60)).toEqual({
      due: 100,
      collected: 100,
      rate: 1,
    });
  });

  it('keeps credit notes out of lateness and counts refunds', () => {
    // only a credit note, refunded 20 of 50: nothing to judge
    const [c] = behaviour(60, [['c', 'cn1', 0, 0, -50, 5, -20]]);
    expect(c).toMatchObject({ invoices: 0, creditNotes: 1, credited: 50, refunded: 20, credit: 30, balance: -30, class: 'no-history' });
    expect(c).toMatchObject({ daysLate: null, sharePaidLate: null, shareUnpaidPastDue: null, collectionRate: null });
  });

  it('counts a partly paid invoice past due as unpaid past due', () => {
    const [c] = behaviour(60, [['c', 'i1', 0, 30, 100, 10, 40]]);
    expect(c).toMatchObject({ shareUnpaidPastDue: 1, overdue: 60, collectionRate: 0.4, settledInvoices: 0, maxDaysPastDue: 30 });
  });
});

describe('payment classes at their thresholds (defaults 0, 15, 90)', () => {
  const asOf = 300;
  // one invoice per customer, issued day 0, due day 30
  const customers = behaviour(asOf, [
    ['on-due', 'i', 0, 30, 100, 30], // settled on the due date: 0 days late
    ['early', 'i', 0, 30, 100, 5], // −25
    ['one-late', 'i', 0, 30, 100, 31], // 1 day late
    ['15-late', 'i', 0, 30, 100, 45],
    ['16-late', 'i', 0, 30, 100, 46],
    ['due-today', 'i', 270, asOf, 100], // due on as-of: not past due, nothing settled
    ['1-past-due', 'i', 270, asOf - 1, 100],
    ['90-past-due', 'i', 0, asOf - 90, 100],
    ['91-past-due', 'i', 0, asOf - 91, 100],
    ['91-but-prompt', 'p', 0, 30, 100, 20], // on time, but another invoice 91 days past due
    ['91-but-prompt', 'i', 0, asOf - 91, 100],
    ['credit-only', 'cn', 0, 0, -10],
  ]);
  const classOf = (id: string): [string, number | null] => {
    const c = customers.find((x) => x.customerId === id) as CustomerPayments;
    return [c.class, c.lateness];
  };

  it('prompt at 0 days late, slow from 1 to 15, late from 16', () => {
    expect(classOf('on-due')).toEqual(['prompt', 0]);
    expect(classOf('early')).toEqual(['prompt', -25]);
    expect(classOf('one-late')).toEqual(['slow', 1]);
    expect(classOf('15-late')).toEqual(['slow', 15]);
    expect(classOf('16-late')).toEqual(['late', 16]);
  });

  it('open invoices count with their days past due; delinquent only beyond 90 days', () => {
    expect(classOf('due-today')).toEqual(['no-history', null]);
    expect(classOf('1-past-due')).toEqual(['slow', 1]);
    expect(classOf('90-past-due')).toEqual(['late', 90]);
    expect(classOf('91-past-due')).toEqual(['delinquent', 91]);
    expect(classOf('91-but-prompt')).toEqual(['delinquent', 91]);
    expect(classOf('credit-only')).toEqual(['no-history', null]);
  });

  it('uses the 90th percentile of days late: one late invoice in ten does not make a customer late', () => {
    // days late: nine at 0 and one at 40 → sorted, h = 9 × 0.9 = 8.1 → 0 + 0.1 × 40 = 4 → slow
    const rows: Row[] = [];
    for (let k = 0; k < 10; k++) rows.push(['x', `i${k}`, k, k + 30, 100, k + 30 + (k === 9 ? 40 : 0)]);
    const [x] = behaviour(asOf, rows);
    expect(x.daysLate?.p90).toBeCloseTo(4, 12);
    expect(x.class).toBe('slow');
  });

  it('follows configured thresholds', () => {
    const options = resolveBehaviourOptions({ promptMaxDaysLate: 5, slowMaxDaysLate: 20, delinquentAfterDays: 60 });
    expect(classifyCustomer(5, null, options).class).toBe('prompt');
    expect(classifyCustomer(5.5, null, options).class).toBe('slow');
    expect(classifyCustomer(20, null, options).class).toBe('slow');
    expect(classifyCustomer(21, null, options).class).toBe('late');
    expect(classifyCustomer(0, 60, options).class).toBe('late');
    expect(classifyCustomer(0, 61, options).class).toBe('delinquent');
    expect(classifyCustomer(null, null, options)).toEqual({ class: 'no-history', lateness: null });
    expect(classifyCustomer(-3, null, defaults)).toEqual({ class: 'prompt', lateness: -3 });
    expect(classifyCustomer(0.5, null, defaults).class).toBe('slow');
  });

  it('rejects thresholds out of order and bad trend rules', () => {
    expect(() => resolveBehaviourOptions({ promptMaxDaysLate: 20, slowMaxDaysLate: 15 })).toThrow(UsageError);
    expect(() => resolveBehaviourOptions({ slowMaxDaysLate: 90, delinquentAfterDays: 90 })).toThrow(UsageError);
    expect(() => resolveBehaviourOptions({ trendRecent: 3, trendMinInvoices: 3 })).toThrow(UsageError);
    expect(() => resolveBehaviourOptions({ trendRecent: 1.5 })).toThrow(UsageError);
    expect(() => resolveBehaviourOptions({ delinquentAfterDays: Number.NaN })).toThrow(UsageError);
  });
});

describe('lateness trend', () => {
  it('flags when the last 3 are more than 10 days later on average than the earlier ones', () => {
    // earlier 0, 0, 0 → 0; recent 10, 12, 11 → 11; increase 11 > 10
    expect(latenessTrend([0, 0, 0, 10, 12, 11], defaults)).toEqual({ recentMeanDaysLate: 11, earlierMeanDaysLate: 0, increase: 11, worsening: true });
    // increase exactly 10 is not more than 10
    expect(latenessTrend([0, 0, 0, 10, 10, 10], defaults)?.worsening).toBe(false);
    // earlier −5, 5, 0, 0 → 0; recent 20, 20, 20 → 20
    expect(latenessTrend([-5, 5, 0, 0, 20, 20, 20], defaults)).toEqual({ recentMeanDaysLate: 20, earlierMeanDaysLate: 0, increase: 20, worsening: true });
    // 5 settled invoices are too few
    expect(latenessTrend([0, 0, 30, 30, 30], defaults)).toBeNull();
  });

  it('orders the settled invoices by invoice date, not by input order or settlement date', () => {
    // rows given newest first; invoice c (issued day 20) is settled last, 55 days late
    const rows: Row[] = [
      ['t', 'open', 105, 135, 100], // open, not yet due at 110: left out of the trend
      ['t', 'f', 50, 60, 100, 80], // 20 late, settled day 80
      ['t', 'e', 40, 70, 100, 90], // 20 late, settled day 90
      ['t', 'd', 30, 60, 100, 80], // 20 late, settled day 80
      ['t', 'c', 20, 50, 100, 105], // 55 late, settled day 105
      ['t', 'b', 10, 40, 100, 40], // 0
      ['t', 'a', 0, 30, 100, 30], // 0
    ];
    const [t] = behaviour(110, rows);
    // by invoice date: earlier a, b, c = (0 + 0 + 55) / 3; recent d, e, f = 20; increase 20 − 55/3 = 5/3
    // (by settlement date it would be d/f, e, c = 95/3 against 20/3: worsening)
    expect(t.trend?.recentMeanDaysLate).toBe(20);
    expect(t.trend?.earlierMeanDaysLate).toBeCloseTo(55 / 3, 12);
    expect(t.trend?.increase).toBeCloseTo(5 / 3, 12);
    expect(t.worsening).toBe(false);
    // p90 of 0, 0, 20, 20, 20, 55: h = 4.5 → 20 + 0.5 × 35 = 37.5
    expect(t.daysLate?.p90).toBe(37.5);
    expect(t.class).toBe('late');
  });

  it('flags a customer whose last three invoices were paid later (ledger)', () => {
    // issued days 0..50 every 10 days, 30 days terms; a, b, c paid 2 days early, d, e, f 10 days late
    // earlier −2, recent 10: increase 12 > 10
    const rows: Row[] = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, k) => ['w', id, 10 * k, 10 * k + 30, 100, 10 * k + (k < 3 ? 28 : 40)]);
    const [w] = behaviour(200, rows);
    expect(w.trend).toEqual({ recentMeanDaysLate: 10, earlierMeanDaysLate: -2, increase: 12, worsening: true });
    expect(w.worsening).toBe(true);
  });

  it('follows a configured rule', () => {
    const options = resolveBehaviourOptions({ trendRecent: 2, trendMinInvoices: 4, trendMinIncreaseDays: 3 });
    // earlier 0, 2 → 1; recent 4, 6 → 5; increase 4 > 3
    expect(latenessTrend([0, 2, 4, 6], options)?.worsening).toBe(true);
    expect(latenessTrend([0, 2, 6], options)).toBeNull();
  });
});

describe('paymentBehaviour and summariseClasses', () => {
  it('gives one row per customer in id order and sums the classes', () => {
    const customers = behaviour(100, [
      ['10', 'i', 0, 30, 100, 20], // prompt, nothing open
      ['9', 'i', 0, 30, 200], // 70 past due: late, 200 outstanding and overdue
      ['9', 'j', 80, 110, 50], // + 50 current
      ['2', 'i', 0, 5, 300], // 95 past due: delinquent
      ['2', 'cn', 50, 50, -40], // credit, not in outstanding
    ]);
    expect(customers.map((c) => [c.customerId, c.class, c.outstanding, c.overdue])).toEqual([
      ['2', 'delinquent', 300, 300],
      ['9', 'late', 250, 200],
      ['10', 'prompt', 0, 0],
    ]);
    // total outstanding 550
    expect(summariseClasses(customers)).toEqual([
      { class: 'prompt', customers: 1, shareOfCustomers: 1 / 3, outstanding: 0, overdue: 0, shareOfOutstanding: 0 },
      { class: 'slow', customers: 0, shareOfCustomers: 0, outstanding: 0, overdue: 0, shareOfOutstanding: 0 },
      { class: 'late', customers: 1, shareOfCustomers: 1 / 3, outstanding: 250, overdue: 200, shareOfOutstanding: 250 / 550 },
      { class: 'delinquent', customers: 1, shareOfCustomers: 1 / 3, outstanding: 300, overdue: 300, shareOfOutstanding: 300 / 550 },
      { class: 'no-history', customers: 0, shareOfCustomers: 0, outstanding: 0, overdue: 0, shareOfOutstanding: 0 },
    ]);
    expect(summariseClasses([]).every((s) => s.customers === 0 && s.shareOfCustomers === null && s.shareOfOutstanding === null)).toBe(true);
  });
});
