/** crm payments end to end on the fixtures, checked against a direct calculation from the ledger. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture, readSimpleCsv } from '../helpers/data.js';

/** Outstanding at as-of straight from the ledger: open amount of each invoice dated up to as-of (first row defines it). */
function outstandingAt(asOf: string): number {
  const rows = readSimpleCsv(readFileSync(fixture('payments.csv'), 'utf8'));
  const invoices = new Map<string, { amount: number; paid: number }>();
  for (const row of rows) {
    if (row.invoice_date > asOf) continue;
    const key = `${row.customer_id}|${row.invoice_id}`;
    const inv = invoices.get(key) ?? { amount: Number(row.amount), paid: 0 };
    if (row.paid_date !== '' && row.paid_date <= asOf) inv.paid += Number(row.paid_amount);
    invoices.set(key, inv);
  }
  let outstanding = 0;
  for (const inv of invoices.values()) if (inv.amount > 0) outstanding += Math.max(0, inv.amount - inv.paid);
  return outstanding;
}

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

  it('one as-of rule: with --sales the last sale date (as crm report), without sales the ledger end; the rule is in meta (issue 18.10)', async () => {
    // The last sale in fixtures/sales.csv is 2025-12-29; the ledger's last date (a payment) is 2025-12-30.
    const sales = readSimpleCsv(readFileSync(fixture('sales.csv'), 'utf8'));
    const lastSale = sales.reduce((m, r) => (r.date > m ? r.date : m), '');
    expect(lastSale).toBe('2025-12-29');
    const withSales = await runCli(['payments', '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--format', 'json']);
    expect(withSales.code).toBe(0);
    const doc = JSON.parse(withSales.stdout);
    expect(doc.meta.asOf).toBe('2025-12-29');
    expect(doc.meta.asOfRule).toBe('last sale date');
    // Direct sum over the ledger at 2025-12-29 (open amounts of the invoices dated up to then): 6,965.87, the
    // figure of crm report on the same files; at 2025-12-30 it is 6,911.25 (54.62 paid on the 30th).
    expect(outstandingAt('2025-12-29')).toBeCloseTo(6965.87, 2);
    expect(doc.totals.outstanding).toBeCloseTo(6965.87, 2);
    const alone = await runCli(['payments', '--payments', fixture('payments.csv'), '--format', 'json']);
    const docAlone = JSON.parse(alone.stdout);
    expect(docAlone.meta.asOf).toBe('2025-12-30');
    expect(docAlone.meta.asOfRule).toBe('last invoice or payment date (no sales given)');
    expect(docAlone.totals.outstanding).toBeCloseTo(outstandingAt('2025-12-30'), 2);
    expect(docAlone.totals.outstanding).toBeCloseTo(6911.25, 2);
    const given = await runCli(['payments', '--payments', fixture('payments.csv'), '--as-of', '2025-06-30', '--format', 'json']);
    expect(JSON.parse(given.stdout).meta.asOfRule).toBe('--as-of');
    // The terminal report names the rule next to the date.
    const table = await runCli(['payments', '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--format', 'table']);
    expect(table.stdout).toMatch(/Payments as of 2025-12-29 \(last sale date\)/);
  });
  it('one row account: invoices after as-of are excluded in meta.inputs and the footer as in meta.ledger (issue 18.11)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-payments-'));
    const file = join(dir, 'ar.csv');
    writeFileSync(
      file,
      [
        'customer_id,invoice_id,invoice_date,due_date,amount,paid_date,paid_amount',
        'A,1,2013-05-01,2013-05-31,100,2013-05-20,100', // used
        'A,2,2013-06-10,2013-07-10,50,,', // used, open
        'B,3,2013-06-30,2013-07-30,80,2013-07-05,80', // used: dated on as-of (its payment after as-of is ignored)
        'B,4,2013-07-01,2013-07-31,70,2013-07-15,30', // invoice after as-of: excluded
        'B,4,2013-07-01,2013-07-31,70,2013-07-20,40', // same invoice: excluded
        'C,5,2013-08-01,2013-08-31,20,,', // invoice after as-of: excluded
      ].join('\n') + '\n',
    );
    const r = await runCli(['payments', '--payments', file, '--as-of', '2013-06-30', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // 6 rows read = 3 used (lines 2-4) + 0 rejected + 3 excluded (lines 5-7: invoices 4 and 5, dated after 2013-06-30).
    expect(doc.meta.ledger).toMatchObject({ rows: 6, used: 3, issues: 0, excluded: { 'invoice after as-of': 3 }, invoicesAfterAsOf: 2, paymentsAfterAsOf: 1 });
    expect(doc.meta.inputs[0]).toMatchObject({ kind: 'payments', read: 6, used: 3, rejected: 0, excluded: { 'invoice after as-of': 3 } });
    expect(r.stderr).toMatch(/read 6, used 3, rejected 0, excluded 3 \(invoice after as-of\)/);
    const table = await runCli(['payments', '--payments', file, '--as-of', '2013-06-30', '--format', 'table']);
    expect(table.stdout).toMatch(/read 6, used 3, rejected 0, excluded 3 \(invoice after as-of\)/);
    expect(table.stdout).not.toMatch(/used 6/);
  });
  it('DSO: the textbook receivables / credit sales × days by default, the gross figure named apart (issue 18.9)', async () => {
    const r = await runCli(['payments', '--payments', fixture('payments.csv'), '--format', 'json']);
    const dso = JSON.parse(r.stdout).dso;
    // By hand from the ledger at 2025-12-30 (the ledger's end), window 2025-10-02..2025-12-30:
    const asOf = '2025-12-30';
    const rows = readSimpleCsv(readFileSync(fixture('payments.csv'), 'utf8'));
    const invoices = new Map<string, { amount: number; date: string; paid: number }>();
    for (const row of rows) {
      const key = `${row.customer_id}|${row.invoice_id}`;
      const inv = invoices.get(key) ?? { amount: Number(row.amount), date: row.invoice_date, paid: 0 };
      if (row.paid_date !== '' && row.paid_date <= asOf) inv.paid += Number(row.paid_amount);
      invoices.set(key, inv);
    }
    let open = 0;
    let credit = 0;
    let sales = 0;
    for (const inv of invoices.values()) {
      const residual = inv.amount - inv.paid;
      if (residual > 0.005) open += residual;
      if (residual < -0.005) credit -= residual;
      if (inv.date >= '2025-10-02' && inv.date <= asOf) sales += inv.amount;
    }
    // open 6,911.25, credit 917.81, net sales 6,309.37: (6,911.25 − 917.81) / 6,309.37 × 90 = 85.49 (textbook);
    // 6,911.25 / 6,309.37 × 90 = 98.59 (gross open invoices, the figure shown before)
    expect(open).toBeCloseTo(6911.25, 2);
    expect(credit).toBeCloseTo(917.81, 2);
    expect(sales).toBeCloseTo(6309.37, 2);
    expect(dso.receivables).toBeCloseTo(open - credit, 6);
    expect(dso.standard).toBeCloseTo(((open - credit) / sales) * 90, 6);
    expect(dso.standard).toBeCloseTo(85.49, 2);
    expect(dso.grossStandard).toBeCloseTo(98.59, 2);
    expect(dso.methods.standard).toMatch(/less open credits/);
    const table = await runCli(['payments', '--payments', fixture('payments.csv'), '--format', 'table']);
    expect(table.stdout).toMatch(/DSO 85\.5 days \(receivables net of credits \/ credit sales of the last 90 days; on open invoices gross 98\.6;/);
  });
  it('per-customer rows carry credited, refunded, amount-weighted days late, lateness and the trend; trend ties by settlement date (issue 18.8)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-payments-'));
    const file = join(dir, 'ledger.csv');
    writeFileSync(
      file,
      [
        'customer_id,invoice_id,invoice_date,due_date,amount,paid_date,paid_amount',
        'c1,i1,2024-01-01,2024-01-10,100,2024-01-08,100', // −2 days late
        'c1,i2,2024-02-01,2024-02-10,100,2024-02-08,100', // −2
        'c1,b3,2024-03-01,2024-03-10,200,2024-03-08,200', // −2 (same invoice date as a4, settled first)
        'c1,a4,2024-03-01,2024-03-10,100,2024-03-30,100', // +20
        'c1,i5,2024-04-01,2024-04-10,100,2024-04-20,100', // +10
        'c1,i6,2024-05-01,2024-05-10,100,2024-05-20,100', // +10
        'c1,cn,2024-06-01,2024-06-01,-50,2024-06-05,-20', // credit note 50, 20 of it refunded
      ].join('\n') + '\n',
    );
    const csv = await runCli(['payments', '--payments', file, '--as-of', '2024-12-31', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const [row] = readSimpleCsv(csv.stdout);
    expect(Number(row.credited)).toBe(50);
    expect(Number(row.refunded)).toBe(20);
    expect(Number(row.balance)).toBe(-30); // nothing open, credit 50 − 20 = 30
    // Amount-weighted: (100·−2 + 100·−2 + 200·−2 + 100·20 + 100·10 + 100·10) / 700 = 3200 / 700 = 4.571…
    // (the plain mean is 34 / 6 = 5.667)
    expect(Number(row.days_late_weighted)).toBeCloseTo(3200 / 700, 9);
    expect(Number(row.days_late_mean)).toBeCloseTo(34 / 6, 9);
    // Lateness = p90 of −2, −2, −2, 10, 10, 20: h = 5 × 0.9 = 4.5 → 10 + 0.5 × 10 = 15 → slow
    expect(Number(row.lateness)).toBe(15);
    expect(row.class).toBe('slow');
    // Trend: invoice date order, b3 and a4 share 2024-03-01 and go by settlement date (b3 on 03-08 before a4 on
    // 03-30), so the last three are a4, i5, i6: recent (20 + 10 + 10) / 3 = 13.33, earlier −2, increase 15.33 >
    // 10 → worsening. (By invoice id a4 would come first: recent 6, earlier 5.33, increase 0.67.)
    expect(Number(row.trend_recent_mean_days_late)).toBeCloseTo(40 / 3, 9);
    expect(Number(row.trend_earlier_mean_days_late)).toBe(-2);
    expect(Number(row.trend_increase)).toBeCloseTo(40 / 3 + 2, 9);
    expect(row.worsening).toBe('true');
    const json = await runCli(['payments', '--payments', file, '--as-of', '2024-12-31', '--format', 'json']);
    const [customer] = JSON.parse(json.stdout).customers;
    expect(customer).toMatchObject({ credited: 50, refunded: 20, lateness: 15, trend_earlier_mean_days_late: -2 });
    expect(customer.days_late_weighted).toBeCloseTo(3200 / 700, 9);
  });
});
