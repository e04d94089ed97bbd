/** crm generate: reproducible, consistent files, the stated process. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { readSimpleCsv } from '../helpers/data.js';

const generate = async (customers: number, seed: number) => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-gen-'));
  const r = await runCli(['generate', '--customers', String(customers), '--seed', String(seed), '--out', dir]);
  expect(r.code).toBe(0);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { dir, r, read };
};

describe('crm generate', () => {
  it('is reproducible from the seed, and a different seed gives another company', async () => {
    const a = await generate(500, 11);
    const b = await generate(500, 11);
    const c = await generate(500, 12);
    for (const f of ['customers.csv', 'sales.csv', 'payments.csv']) expect(a.read(f)).toBe(b.read(f));
    expect(a.read('sales.csv')).not.toBe(c.read('sales.csv'));
  });

  it('writes files that agree with each other and with truth.json', async () => {
    const { read, dir, r } = await generate(400, 3);
    const truth = JSON.parse(read('truth.json'));
    expect(truth.bgnbd).toEqual({ r: 0.6, alpha: 70, a: 0.8, b: 3.5 });
    expect(truth.gammagamma).toEqual({ p: 6, q: 4, gamma: 40 });
    expect(r.stderr).toMatch(/r=0\.6 alpha=70 a=0\.8 b=3\.5/);
    const customers = readSimpleCsv(read('customers.csv').replace(/"[^"]*"/g, 'x'));
    const sales = readSimpleCsv(read('sales.csv'));
    const payments = readSimpleCsv(read('payments.csv'));
    expect(customers).toHaveLength(400);
    expect(sales.length).toBe(truth.written.salesRows);
    const ids = new Set(customers.map((c) => c.customer_id));
    expect(sales.every((s) => ids.has(s.customer_id))).toBe(true);
    expect(payments.every((p) => ids.has(p.customer_id))).toBe(true);
    // Every customer buys at least once (the first purchase at acquisition).
    expect(new Set(sales.map((s) => s.customer_id)).size).toBe(400);
    // Every invoice of an order equals the order's lines.
    const orderTotals = new Map<string, number>();
    for (const s of sales) orderTotals.set(s.order_id, (orderTotals.get(s.order_id) ?? 0) + Number(s.amount));
    const firstRows = new Map<string, Record<string, string>>();
    for (const p of payments) if (!firstRows.has(p.invoice_id)) firstRows.set(p.invoice_id, p);
    for (const [invoice, p] of firstRows) {
      const order = `O${invoice.slice(4)}`;
      if (invoice.startsWith('INV-')) expect(Number(p.amount)).toBeCloseTo(orderTotals.get(order)!, 2);
    }
    // Some invoices are unpaid, some paid after their due date, some partly paid in two rows.
    expect(payments.some((p) => p.paid_date === '')).toBe(true);
    expect(payments.some((p) => p.paid_date > p.due_date)).toBe(true);
    expect(payments.length).toBeGreaterThan(firstRows.size);
    // Reads back through the toolkit with no rejects.
    const summary = await runCli(['summary', '--format', 'json', '--customers', join(dir, 'customers.csv'), '--sales', join(dir, 'sales.csv')]);
    const doc = JSON.parse(summary.stdout);
    expect(doc.meta.inputs.map((i: { rejected: number }) => i.rejected)).toEqual([0, 0]);
    expect(doc.customers).toHaveLength(400);
  });

  it('refuses bad sizes', async () => {
    const r = await runCli(['generate', '--customers', '0', '--out', tmpdir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--customers must be a positive integer/);
  });
});
