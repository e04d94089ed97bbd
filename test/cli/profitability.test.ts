/** Profitability in crm report (CSV folder, HTML, terminal) and crm profile, on small hand-made files. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { parse } from 'csv-parse/sync';

const dir = mkdtempSync(join(tmpdir(), 'crm-profit-'));
const sales = join(dir, 'sales.csv');
const payments = join(dir, 'payments.csv');
// A: 100 at cost 60 and 120 at cost 70: margin 40 + 50 = 90.
// B: 50 at cost 70: margin -20 (sold below cost): unprofitable.
// C: 80 at cost 50, returned the same day (-80, cost -50): revenue 0, margin 30 - 30 = 0 (not unprofitable).
writeFileSync(sales, `customer_id,date,amount,cost
A,2024-01-05,100,60
A,2024-02-05,120,70
B,2024-01-20,50,70
C,2024-02-10,80,50
C,2024-02-10,-80,-50
`);
// B owes 50, due 2024-02-19, 41 days past due at as-of 2024-03-31: a debtor and a late payer (16 to 90 days: late).
writeFileSync(payments, `customer_id,invoice_id,invoice_date,due_date,amount,paid_date,paid_amount
A,a1,2024-01-05,2024-02-04,100,2024-01-20,100
B,b1,2024-01-20,2024-02-19,50,,
`);

describe('profitability in crm report', () => {
  it('CSV folder: profitability.csv with margin, cost-to-serve and contribution per customer', async () => {
    const out = join(dir, 'csv');
    const r = await runCli(['report', '--sales', sales, '--payments', payments, '--as-of', '2024-03-31', '--output-dir', out, '--quiet']);
    expect(r.code).toBe(0);
    const rows = new Map((parse(readFileSync(join(out, 'profitability.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => [row.customer_id, row]));
    expect(rows.get('A')).toMatchObject({ revenue: '220', margin: '90', margin_source: 'sales', cost_to_serve: '0', contribution: '90', unprofitable: 'false', debtor: 'false' });
    expect(rows.get('B')).toMatchObject({ revenue: '50', margin: '-20', contribution: '-20', unprofitable: 'true', payment_class: 'late', debtor: 'true', late_payer: 'true', outstanding: '50' });
    expect(rows.get('C')).toMatchObject({ revenue: '0', margin: '0', contribution: '0', unprofitable: 'false' });
    expect(rows.get('B')!.quadrant).toMatch(/^unprofitable, /);
    expect(rows.get('A')!.quadrant).toMatch(/^profitable, /);
  });

  it('HTML and terminal: the section with the quadrants and the least profitable customers', async () => {
    const r = await runCli(['report', '--sales', sales, '--payments', payments, '--as-of', '2024-03-31', '--format', 'html', '--quiet']);
    expect(r.code).toBe(0);
    const start = r.stdout.indexOf('<section id="profitability"');
    expect(start).toBeGreaterThan(0);
    const section = r.stdout.slice(start, r.stdout.indexOf('</section>', start));
    // Totals: revenue 220 + 50 + 0 = 270; margin 90 - 20 + 0 = 70; 1 of 3 unprofitable.
    expect(section).toContain('<dd>270.00</dd>');
    expect(section).toContain('<dd>70.00</dd>');
    expect(section).toContain('1 of 3');
    expect(section).toMatch(/<td>B<\/td><td class="num">50.00<\/td><td class="num">-20.00<\/td>/);
    expect(section).toContain('debtor, late payer');
    const t = await runCli(['report', '--sales', sales, '--payments', payments, '--as-of', '2024-03-31', '--format', 'table']);
    expect(t.stdout).toContain('Profitability and cost-to-serve');
    expect(t.stdout).toMatch(/1 of 3 customers\s+unprofitable/);
  });
});

describe('profitability in crm profile', () => {
  it('a line for the customer', async () => {
    const r = await runCli(['profile', 'B', '--sales', sales, '--payments', payments, '--as-of', '2024-03-31', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/profitability\s+contribution -20\.00 = margin -20\.00 - cost-to-serve 0\.00.*unprofitable, .*\(unprofitable, debtor, late payer\)/);
    const j = await runCli(['profile', 'A', '--sales', sales, '--as-of', '2024-03-31', '--format', 'json']);
    expect(JSON.parse(j.stdout).profitability).toMatchObject({ customerId: 'A', revenue: 220, margin: 90, contribution: 90, unprofitable: false, debtor: false });
  });
});
