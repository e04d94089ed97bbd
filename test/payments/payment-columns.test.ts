/**
 * The payment figures stored by column (src/payments/payment-columns.ts) give back every record as it was
 * added: the same keys in the same order, nested day statistics and trends, nulls, -0 and NaN.
 */
import { describe, expect, it } from 'vitest';
import { PaymentColumns } from '../../src/payments/payment-columns.js';
import { fieldReader } from '../../src/core/record-columns.js';
import { createRng } from '../../src/core/random.js';
import type { CustomerPayments } from '../../src/payments/behaviour.js';

function records(n: number): CustomerPayments[] {
  const rng = createRng(11);
  const u = (): number => rng.uniform();
  const maybe = <T>(v: T): T | null => (u() < 0.3 ? null : v);
  const odd = (): number => [0, -0, Number.NaN, 1.5, -2.25, 1e-300][Math.floor(u() * 6)];
  const classes = ['prompt', 'slow', 'late', 'delinquent', 'no-history'] as const;
  return Array.from({ length: n }, (_, i) => {
    const trend = maybe({ recentMeanDaysLate: odd(), earlierMeanDaysLate: u() * 9, increase: odd(), worsening: u() < 0.5 });
    return {
      customerId: `C${i}`,
      invoices: Math.floor(u() * 9),
      creditNotes: Math.floor(u() * 2),
      invoiced: u() * 900,
      credited: odd(),
      paid: u() * 800,
      refunded: odd(),
      outstanding: u() < 0.5 ? 0 : u() * 90,
      overdue: odd(),
      credit: 0,
      balance: odd(),
      openInvoices: Math.floor(u() * 3),
      overdueInvoices: 0,
      maxDaysPastDue: maybe(Math.floor(u() * 80)),
      settledInvoices: Math.floor(u() * 6),
      daysToPay: maybe({ count: 3, mean: odd(), median: 2, p90: u() * 30 }),
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
  });
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
  it('gives back every record added, field by field, through growth of the columns', () => {
    const rows = records(3000);
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
  });
});
