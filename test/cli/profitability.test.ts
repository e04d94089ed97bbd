/** Profitability in crm report (CSV folder, HTML, terminal) and crm profile, on small hand-made files. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { parse } from 'csv-parse/sync';
import { fixture } from '../helpers/data.js';

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
    const r = await runCli(['report', '--sales', sales, '--payments', payments, '--as-of', '2024-03-31', '--output-dir', out, '--precision', 'full', '--quiet']);
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

describe('cost-to-serve events (--costs)', () => {
  const costs = join(dir, 'costs.csv');
  // A: shipping 30 (02-01), support 20 (03-01), shipping 999 (04-05, after as-of 2024-03-31); B: support 15 (01-25);
  // C: returns 10 (02-10).
  writeFileSync(costs, `customer_id,date,amount,kind
A,2024-02-01,30,shipping
A,2024-03-01,20,support
A,2024-04-05,999,shipping
B,2024-01-25,15,support
C,2024-02-10,10,returns
`);

  it('contribution = margin - cost-to-serve, by kind; the event after --as-of excluded and accounted', async () => {
    const out = join(dir, 'csv-costs');
    const r = await runCli(['report', '--sales', sales, '--costs', costs, '--as-of', '2024-03-31', '--output-dir', out, '--precision', 'full', '--quiet']);
    expect(r.code).toBe(0);
    const rows = new Map((parse(readFileSync(join(out, 'profitability.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => [row.customer_id, row]));
    // A: 90 - (30 + 20) = 40; B: -20 - 15 = -35; C: 0 - 10 = -10.
    expect(rows.get('A')).toMatchObject({ cost_to_serve: '50', cost_shipping: '30', cost_support: '20', cost_returns: '0', contribution: '40', unprofitable: 'false' });
    expect(rows.get('B')).toMatchObject({ cost_to_serve: '15', cost_support: '15', contribution: '-35', unprofitable: 'true' });
    expect(rows.get('C')).toMatchObject({ cost_to_serve: '10', cost_returns: '10', contribution: '-10', unprofitable: 'true', cost_rate: '' });
    // A's cost rate: 50 / 220
    expect(Number(rows.get('A')!.cost_rate)).toBeCloseTo(50 / 220, 10);
    const notes = readFileSync(join(out, 'notes.txt'), 'utf8');
    expect(notes).toMatch(/costs .*costs\.csv: read 5, used 4, rejected 0, excluded 1 \(after as-of\)/);
  });

  it('without --as-of: events after the last sale date are left out of the analysis and the row account says so', async () => {
    // As-of = the last sale date 2024-02-10: A's 03-01 and 04-05 events are after it; A keeps the shipping 30.
    const r = await runCli(['report', '--sales', sales, '--costs', costs, '--format', 'json', '--quiet']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.meta.inputs.find((a: { kind: string }) => a.kind === 'costs')).toMatchObject({ read: 5, used: 3, excluded: { 'after as-of': 2 } });
    const t = await runCli(['report', '--sales', sales, '--costs', costs, '--format', 'table']);
    // cost-to-serve 30 + 15 + 10 = 55; contribution 70 - 55 = 15
    expect(t.stdout.replace(/\n +/g, ' ')).toContain('cost-to-serve 55.00 (returns 10.00, shipping 30.00, support 15.00), contribution 15.00');
  });

  it('a cost of a customer missing from --customers follows --unknown', async () => {
    const customers = join(dir, 'customers.csv');
    writeFileSync(customers, 'customer_id\nA\nB\nC\n');
    const withZ = join(dir, 'costs-z.csv');
    writeFileSync(withZ, 'customer_id,date,amount,kind\nA,2024-02-01,30,shipping\nZ,2024-02-01,500,support\n');
    const out = join(dir, 'csv-z');
    const dropped = await runCli(['report', '--sales', sales, '--customers', customers, '--costs', withZ, '--unknown', 'drop', '--as-of', '2024-03-31', '--output-dir', out, '--precision', 'full', '--quiet']);
    expect(dropped.code).toBe(0);
    const ids = (parse(readFileSync(join(out, 'profitability.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => row.customer_id);
    expect(ids).toEqual(['A', 'B', 'C']);
    const kept = await runCli(['report', '--sales', sales, '--customers', customers, '--costs', withZ, '--unknown', 'keep', '--as-of', '2024-03-31', '--format', 'table']);
    // Z is kept: revenue 0, contribution -500, counted unprofitable (2 of 4: B and Z).
    expect(kept.stdout).toMatch(/2 of 4 customers\s+unprofitable/);
    const refused = await runCli(['report', '--sales', sales, '--customers', customers, '--costs', withZ, '--unknown', 'error', '--as-of', '2024-03-31', '--format', 'json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/customer_id "Z" is not in the customers file/);
  });

  it('crm profile: the customer\'s cost-to-serve in its line', async () => {
    const r = await runCli(['profile', 'A', '--sales', sales, '--costs', costs, '--as-of', '2024-03-31', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/contribution 40\.00 = margin 90\.00 - cost-to-serve 50\.00/);
    // Without --as-of (as-of 2024-02-10) A's events of 03-01 and 04-05 are left out: cost 30, contribution 60.
    const latest = await runCli(['profile', 'A', '--sales', sales, '--costs', costs, '--format', 'table']);
    expect(latest.stdout).toMatch(/contribution 60\.00 = margin 90\.00 - cost-to-serve 30\.00/);
    expect(latest.stderr).toMatch(/costs .*costs\.csv: read 5, used 3, rejected 0, excluded 2 \(after as-of\)/);
  });
});

describe('worth keeping on the fixtures (with a valuation)', () => {
  it('high value = net CLV above the median of the net CLVs', async () => {
    const out = join(dir, 'csv-fixtures');
    const r = await runCli(['report', '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--output-dir', out, '--precision', 'full', '--quiet']);
    expect(r.code).toBe(0);
    const rows = parse(readFileSync(join(out, 'profitability.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    // The median of the net CLV column, recomputed here; high value = strictly above it.
    const sorted = rows.map((row) => Number(row.net_clv)).sort((a, b) => a - b);
    const median = (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2; // 300 customers: even
    for (const row of rows) expect(row.quadrant.endsWith('high value'), row.customer_id).toBe(Number(row.net_clv) > median);
    expect(rows.filter((row) => row.quadrant.endsWith('high value')).length).toBeGreaterThan(140);
    // No cost-to-serve: the net CLV is the CLV, and contribution is the margin.
    for (const row of rows) {
      expect(row.net_clv).toBe(row.clv);
      expect(row.contribution).toBe(row.margin);
    }
    const html = await runCli(['report', '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--format', 'html', '--quiet']);
    expect(html.stdout).toContain('data-chart="worth-keeping"');
  });
});

