/** crm payments end to end on the fixtures, checked against a direct calculation from the ledger. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCli } from '../helpers/run-cli.js';
import { fixture, readSimpleCsv } from '../helpers/data.js';

describe('crm payments', () => {
  it('outstanding, overdue and credit agree with a direct sum over the ledger', async () => {
    const asOf = '2025-06-30';
    const r = await runCli(['payments', '--payments', fixture('payments.csv'), '--customers', fixture('customers.csv'), '--as-of', asOf, '--format', 'json', '--by', 'region']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // Independent: per invoice, amount minus payments dated up to as-of, for invoices dated up to as-of.
    const rows = readSimpleCsv(readFileSync(fixture('payments.csv'), 'utf8'));
    const invoices = new Map<string, { amount: number; due: string; paid: number }>();
    for (const row of rows) {
      if (row.invoice_date > asOf) continue;
      const key = `${row.customer_id}|${row.invoice_id}`;
      const inv = invoices.get(key) ?? { amount: Number(row.amount), due: row.due_date, paid: 0 };
      if (row.paid_date !== '' && row.paid_date <= asOf) inv.paid += Number(row.paid_amount);
      invoices.set(key, inv);
    }
    let outstanding = 0;
    let overdue = 0;
    let credit = 0;
    for (const inv of invoices.values()) {
      if (inv.amount > 0) {
        const open = Math.max(0, inv.amount - inv.paid);
        outstanding += open;
        if (inv.due < asOf) overdue += open;
      } else credit += -inv.amount - -inv.paid;
    }
    expect(doc.totals.outstanding).toBeCloseTo(outstanding, 2);
    expect(doc.totals.overdue).toBeCloseTo(overdue, 2);
    expect(doc.totals.credit).toBeCloseTo(credit, 2);
    expect(doc.ageing.total.outstanding).toBeCloseTo(outstanding, 2);
    const byRegion = doc.ageing.groups.reduce((s: number, g: { outstanding: number }) => s + g.outstanding, 0);
    expect(byRegion).toBeCloseTo(outstanding, 2);
    expect(doc.customers.reduce((s: number, c: { outstanding: number }) => s + c.outstanding, 0)).toBeCloseTo(outstanding, 2);
    expect(doc.meta.inputs[1]).toMatchObject({ kind: 'payments', read: rows.length, rejected: 0 });
    expect(doc.meta.ledger.rows).toBe(rows.length);
  });
  it('writes one CSV row per customer and refuses --by without customers', async () => {
    const csv = await runCli(['payments', '--payments', fixture('payments.csv'), '--format', 'csv']);
    const rows = readSimpleCsv(csv.stdout);
    expect(rows).toHaveLength(300);
    expect(Object.keys(rows[0]).slice(0, 3)).toEqual(['customer_id', 'class', 'worsening']);
    expect(new Set(rows.map((r) => r.class))).toEqual(new Set(['prompt', 'slow', 'late', 'delinquent']));
    const bad = await runCli(['payments', '--payments', fixture('payments.csv'), '--by', 'region']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--by needs --customers/);
  });
});
