/**
 * The payment figures stored by column (src/payments/payment-columns.ts) give back every record as it was
 * added: the same keys in the same order, nested day statistics and trends, nulls, -0 and NaN.
 */
import { describe, expect, it } from 'vitest';
import { PaymentColumns } from '../../src/payments/payment-columns.js';
import { fieldReader } from '../../src/core/record-columns.js';
import { createRng } from '../../src/core/random.js';
import type { CustomerPayments } from '../../src/payments/behaviour.js';

function records(n: number, { oddCounts = false } = {}): CustomerPayments[] {
  const rng = createRng(11);
  const u = (): number => rng.uniform();
  const maybe = <T>(v: T): T | null => (u() < 0.3 ? null : v);
  const odd = (): number => [0, -0, Number.NaN, 1.5, -2.25, 1e-300][Math.floor(u() * 6)];
  const classes = ['prompt', 'slow', 'late', 'delinquent', 'no-history'] as const;
  // whole numbers, except (with oddCounts) a few values past row 2000 that are not 32-bit integers
  const count = (i: number, most: number): number => (oddCounts && i > 2000 && u() < 0.01 ? [2 ** 40, -0, 1.5, -(2 ** 31) - 1][Math.floor(u() * 4)] : Math.floor(u() * most));
  return Array.from({ length: n }, (_, i) => {
    const trend = maybe({ recentMeanDaysLate: odd(), earlierMeanDaysLate: u() * 9, increase: odd(), worsening: u() < 0.5 });
    return {
      customerId: `C${i}`,
      invoices: count(i, 9),
      creditNotes: count(i, 2),
      invoiced: u() * 900,
      credited: odd(),
      paid: u() * 800,
      refunded: odd(),
      outstanding: u() < 0.5 ? 0 : u() * 90,
      overdue: odd(),
      credit: 0,
      // as customerPayments makes it (outstanding − credit) mostly, and odd values
      balance: NaN,
      openInvoices: count(i, 3),
      overdueInvoices: 0,
      maxDaysPastDue: maybe(count(i, 80)),
      settledInvoices: count(i, 6),
      daysToPay: maybe({ count: count(i, 4), mean: odd(), median: 2, p90: u() * 30 }),
      daysLate: maybe({ count: 1, mean: -3, median: odd(), p90: -0 }),
      daysLateWeighted: maybe(odd()),
      sharePaidLate: maybe(u()),
      shareUnpaidPastDue: maybe(odd()),
      collectionRate: maybe(u()),
      lateness: maybe(Math.floor(u() * 100) - 20),
      class: classes[Math.floor(u() * classes.length)],
      trend,
      worsening: trend?.worsening ?? false,
    };
  }).map((r) => ({ ...r, balance: u() < 0.2 ? odd() : r.outstanding - r.credit }));
}

/** Deep equality that tells -0 from 0 and keeps key order. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, j) => k === kb[j] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

describe('PaymentColumns', () => {
  for (const oddCounts of [false, true])
  it(`gives back every record added, field by field, through growth of the columns${oddCounts ? ' (counts that are not 32-bit integers)' : ''}`, () => {
    const rows = records(3000, { oddCounts });
    const columns = new PaymentColumns();
    for (const r of rows) columns.add(r);
    const list = columns.finish();
    expect(list.length).toBe(rows.length);
    rows.forEach((r, i) => expect(same(list.at(i), r), `record ${i}`).toBe(true));
    for (const key of Object.keys(rows[0]) as (keyof CustomerPayments)[]) {
      const read = fieldReader(list, key);
      rows.forEach((r, i) => expect(same(read(i), r[key]), `${key} of ${i}`).toBe(true));
    }
    expect(rows.some((r) => r.trend === null) && rows.some((r) => r.daysLate === null) && rows.some((r) => Object.is(r.balance, -0))).toBe(true);
    expect(rows.some((r) => !Object.is(r.balance, r.outstanding - r.credit)) && rows.some((r) => Object.is(r.balance, r.outstanding - r.credit))).toBe(true);
    if (oddCounts) expect(rows.some((r) => r.invoices === 2 ** 40) && rows.some((r) => Object.is(r.openInvoices, -0) || Object.is(r.settledInvoices, -0))).toBe(true);
  });
});
