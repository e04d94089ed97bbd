/** crm profile: one customer's figures checked against the raw fixture CSVs and against crm segment / crm value. */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';
import { closeIds, portfolioRank } from '../../src/analysis/profile.js';

const AS_OF = '2025-12-29';
/** 17 purchase days, 15 invoices paid, one open invoice past due and one not yet due at AS_OF. */
const ID = 'C000219';
const inputs = ['--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--as-of', AS_OF];

const csv = (file: string): Record<string, string>[] => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
const close = (actual: number, expected: number, relative = 1e-9): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
};

describe('crm profile', () => {
  let profile: Record<string, any>;
  beforeAll(async () => {
    const r = await runCli(['profile', ID, ...inputs, '--format', 'json']);
    expect(r.stderr).not.toMatch(/crm: error/);
    expect(r.code).toBe(0);
    profile = JSON.parse(r.stdout);
  });

  it('purchase history and totals agree with the raw sales', () => {
    const rows = csv(fixture('sales.csv')).filter((row) => row.customer_id === ID && row.date <= AS_OF);
    const revenue = rows.reduce((s, row) => s + Number(row.amount), 0);
    const margin = rows.reduce((s, row) => s + Number(row.amount) - Number(row.cost), 0);
    const byDay = new Map<string, { amount: number; purchase: boolean }>();
    for (const row of rows) {
      const d = byDay.get(row.date) ?? { amount: 0, purchase: false };
      d.amount += Number(row.amount);
      d.purchase ||= Number(row.amount) >= 0;
      byDay.set(row.date, d);
    }
    const days = [...byDay].filter(([, d]) => d.purchase).sort(([a], [b]) => a.localeCompare(b));
    const p = profile.purchases;
    expect(profile.customerId).toBe(ID);
    expect(profile.asOf).toBe(AS_OF);
    close(p.revenue, revenue);
    close(p.margin, margin);
    expect(p.firstPurchase).toBe(days[0][0]);
    expect(p.lastPurchase).toBe(days[days.length - 1][0]);
    expect(p.purchaseDays).toBe(days.length);
    expect(p.frequency).toBe(days.length - 1);
    expect(p.transactions).toBe(new Set(rows.map((row) => row.order_id)).size);
    expect(p.daysSinceLast).toBe((Date.parse(AS_OF) - Date.parse(p.lastPurchase)) / 86_400_000);
    // Times in days (the default period): recency = last - first, T = as-of - first.
    expect(p.recency).toBe((Date.parse(p.lastPurchase) - Date.parse(p.firstPurchase)) / 86_400_000);
    expect(p.T).toBe((Date.parse(AS_OF) - Date.parse(p.firstPurchase)) / 86_400_000);
    // The timeline: every purchase day with its net amount; months from the first purchase to as-of.
    expect(p.days.map((d: { date: string }) => d.date)).toEqual(days.map(([date]) => date));
    p.days.forEach((d: { amount: number }, i: number) => close(d.amount, days[i][1].amount));
    close(p.days.reduce((s: number, d: { amount: number }) => s + d.amount, 0) + p.returnsWithoutPurchase, p.revenue);
    expect(p.months[0].month).toBe(p.firstPurchase.slice(0, 7));
    expect(p.months[p.months.length - 1].month).toBe(AS_OF.slice(0, 7));
    expect(p.months.reduce((s: number, m: { purchaseDays: number }) => s + m.purchaseDays, 0)).toBe(days.length);
    const customer = csv(fixture('customers.csv')).find((row) => row.customer_id === ID)!;
    const { customer_id: _, ...attributes } = customer;
    expect(profile.attributes).toEqual(attributes);
  });

  it('payments and open invoices agree with the raw ledger', () => {
    const rows = csv(fixture('payments.csv')).filter((row) => row.customer_id === ID && row.invoice_date <= AS_OF);
    const invoices = new Map<string, { amount: number; due: string; paid: number }>();
    for (const row of rows) {
      const inv = invoices.get(row.invoice_id) ?? { amount: Number(row.amount), due: row.due_date, paid: 0 };
      if (row.paid_date !== '' && row.paid_date <= AS_OF) inv.paid += row.paid_amount !== '' ? Number(row.paid_amount) : Number(row.amount);
      invoices.set(row.invoice_id, inv);
    }
    const positive = [...invoices.values()].filter((i) => i.amount > 0);
    const open = [...invoices].filter(([, i]) => i.amount - i.paid > 0.005);
    const outstanding = open.reduce((s, [, i]) => s + i.amount - i.paid, 0);
    const overdue = open.filter(([, i]) => i.due < AS_OF).reduce((s, [, i]) => s + i.amount - i.paid, 0);
    const pay = profile.payments;
    expect(pay.invoices).toBe(positive.length);
    close(pay.outstanding, outstanding);
    close(pay.overdue, overdue);
    expect(outstanding).toBeGreaterThan(0);
    expect(overdue).toBeGreaterThan(0);
    expect(pay.openInvoices).toBe(open.length);
    expect(pay.openItems.map((i: { invoiceId: string }) => i.invoiceId).sort()).toEqual(open.map(([id]) => id).sort());
    for (const item of pay.openItems) {
      const inv = invoices.get(item.invoiceId)!;
      expect(item.dueDate).toBe(inv.due);
      close(item.open, inv.amount - inv.paid);
      expect(item.overdue).toBe(inv.due < AS_OF);
    }
    expect(['prompt', 'slow', 'late', 'delinquent', 'no-history']).toContain(pay.class);
  });

  it('RFM scores and segment agree with crm segment; CLV and P(alive) with crm value --model bgnbd --period week', async () => {
    const seg = await runCli(['segment', ...inputs, '--format', 'csv']);
    expect(seg.code).toBe(0);
    const s = (parse(seg.stdout, { columns: true }) as Record<string, string>[]).find((row) => row.customer_id === ID)!;
    expect(profile.segment).toMatchObject({ R: Number(s.R), F: Number(s.F), M: Number(s.M), rfm: s.rfm, segment: s.segment, abc: s.abc });
    const val = await runCli(['value', ...inputs, '--format', 'csv', '--model', 'bgnbd', '--period', 'week']);
    expect(val.code).toBe(0);
    const v = (parse(val.stdout, { columns: true }) as Record<string, string>[]).find((row) => row.customer_id === ID)!;
    expect(profile.value.model).toBe('bgnbd');
    expect(profile.value.timeUnit).toEqual({ name: 'week', days: 7 });
    close(profile.value.pAlive, Number(v.p_alive), 1e-9);
    close(profile.value.clv, Number(v.clv), 1e-9);
    close(profile.value.expectedTransactions, Number(v.expected_transactions), 1e-9);
    expect(profile.lifecycle.stage).toMatch(/^(exploration|expansion|commitment|dissolution|lost)$/);
    close(profile.lifecycle.pAlive, profile.value.pAlive);
  });

  it('ranks: by revenue from the raw sales totals, by CLV from crm value', async () => {
    const totals = new Map<string, number>();
    for (const row of csv(fixture('sales.csv'))) if (row.date <= AS_OF) totals.set(row.customer_id, (totals.get(row.customer_id) ?? 0) + Number(row.amount));
    const own = totals.get(ID)!;
    const higher = [...totals.values()].filter((x) => x > own + 1e-9).length;
    const lower = [...totals.values()].filter((x) => x < own - 1e-9).length;
    expect(profile.rank.customers).toBe(totals.size);
    expect(profile.rank.byRevenue).toEqual({ rank: higher + 1, of: totals.size, percentile: expect.closeTo((100 * lower) / totals.size, 9) });
    const val = await runCli(['value', ...inputs, '--format', 'csv', '--model', 'bgnbd', '--period', 'week']);
    const clv = (parse(val.stdout, { columns: true }) as Record<string, string>[]).map((row) => ({ id: row.customer_id, clv: Number(row.clv) }));
    const mine = clv.find((c) => c.id === ID)!.clv;
    expect(profile.rank.byClv.rank).toBe(clv.filter((c) => c.clv > mine * (1 + 1e-9)).length + 1);
  });

  it('table output has every section', async () => {
    const r = await runCli(['profile', ID, ...inputs, '--format', 'table', '--last', '5']);
    expect(r.code).toBe(0);
    for (const section of ['Customer C000219 as of 2025-12-29', 'Attributes', 'Purchase history', 'Purchase days per month', 'Last 5 of 17 purchase days', 'RFM, segment, ABC, cluster', 'Value', 'time unit week', 'P(alive)', 'Life-cycle stage', 'Payments', 'Open items', 'INV-000219-17', 'Rank in the portfolio']) {
      expect(r.stdout).toContain(section);
    }
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('an unknown id exits 1 with one line naming it and suggesting close ids', async () => {
    const r = await runCli(['profile', 'C000999', ...inputs]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^crm: error: unknown customer "C000999"/);
    expect(lines[0]).toContain('did you mean C000298, C000299, C000300?');
    const none = await runCli(['profile', 'nobody', '--sales', fixture('sales.csv')]);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe('crm: error: unknown customer "nobody": not in the sales');
  });

  it('a customer with no sales yet: attributes and open invoices, the purchase sections null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-profile-'));
    const customers = join(dir, 'customers.csv');
    const payments = join(dir, 'payments.csv');
    writeFileSync(customers, `${readFileSync(fixture('customers.csv'), 'utf8')}Z000001,New Person,North,web,retail,2025-12-01\n`);
    writeFileSync(payments, `${readFileSync(fixture('payments.csv'), 'utf8')}Z000001,INV-Z-1,2025-12-02,2026-01-01,10.00,,\n`);
    const r = await runCli(['profile', 'Z000001', '--customers', customers, '--sales', fixture('sales.csv'), '--payments', payments, '--format', 'json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.foundIn).toEqual({ customers: true, sales: false, payments: true });
    expect(p.attributes.name).toBe('New Person');
    expect(p.purchases).toBeNull();
    expect(p.segment).toBeNull();
    expect(p.value).toBeNull();
    expect(p.rank.byRevenue).toBeNull();
    expect(p.payments.outstanding).toBe(10);
    expect(p.payments.openItems).toEqual([{ invoiceId: 'INV-Z-1', kind: 'invoice', invoiceDate: '2025-12-02', dueDate: '2026-01-01', amount: 10, paid: 0, open: 10, daysPastDue: -3, overdue: false }]);
  });

  it('closeIds and portfolioRank', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `C${String(i + 1).padStart(3, '0')}`);
    expect(closeIds('C031', ids)).toEqual(['C030']);
    expect(closeIds('C099', ids)).toEqual(['C028', 'C029', 'C030']);
    expect(closeIds('c015', ids)).toEqual(['C015']);
    // the same id written without its leading zeros (an export that dropped them, or a user typing it)
    expect(closeIds('7592', ['07591', '07592', '17592', '7593'])).toEqual(['07592']);
    expect(closeIds(' 07592 ', ['7592'])).toEqual(['7592']);
    expect(closeIds('C01', ids)).toEqual(['C010', 'C011', 'C012']);
    expect(closeIds('X001', ids)).toEqual([]);
    expect(portfolioRank(5, [1, 5, 9, 5])).toEqual({ rank: 2, of: 4, percentile: 25 });
  });
});
