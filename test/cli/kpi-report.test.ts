/** The "KPIs over time" section of crm report (HTML, CSV folder, terminal) on a small hand-made file. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { kpiSection } from '../../src/report/html/kpi.js';
import type { KpiResult } from '../../src/performance/kpi.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-kpi-report-'));
const sales = join(dir, 'sales.csv');
// January: A 100, B 200; February: A 30, C 80; March: B 50 (59 days after 01-10), D 40. As-of 2024-03-31.
writeFileSync(sales, `customer_id,date,amount
A,2024-01-05,100
B,2024-01-10,200
A,2024-02-10,30
C,2024-02-20,80
B,2024-03-09,50
D,2024-03-15,40
`);

describe('crm report: KPIs over time', () => {
  it('HTML: the section with both trend charts and the numbers behind them', async () => {
    const r = await runCli(['report', '--sales', sales, '--as-of', '2024-03-31', '--format', 'html', '--quiet']);
    expect(r.code).toBe(0);
    const html = r.stdout;
    expect(html).toContain('<section id="kpi"');
    expect(html).toContain('data-chart="kpi-customers"');
    expect(html).toContain('data-chart="kpi-revenue"');
    // Fewer than 20 gaps: the churn window is the 90-day default; nobody's last purchase is 90 days before as-of.
    // Revenue: January 300, February 110, March 90; active 2, 2, 2; new 2 (A, B), 1 (C), 1 (D).
    const section = html.slice(html.indexOf('<section id="kpi"'), html.indexOf('</section>', html.indexOf('<section id="kpi"')));
    expect(section).toMatch(/<td>2024-01<\/td><td class="num">2<\/td><td class="num">2<\/td><td class="num">0<\/td>/);
    expect(section).toContain('<td>2024-01</td><td class="num">300.00</td>');
    expect(section).toContain('<td>2024-03</td><td class="num">90.00</td>');
    // retention of February: of January's A and B only A = 50%; March: of A and C none = 0%.
    expect(section).toMatch(/<td>2024-02<\/td>(<td class="num">[^<]*<\/td>){5}<td class="num">50\.0%<\/td>/);
    expect(section).toContain('provisional');
  });

  it('CSV folder: kpi_periods.csv; terminal: the section', async () => {
    const out = join(dir, 'csv');
    const r = await runCli(['report', '--sales', sales, '--as-of', '2024-03-31', '--output-dir', out, '--precision', 'full', '--quiet']);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(out, 'kpi_periods.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('period,active_customers,new_customers,returning_customers,reactivated_customers,lost_customers,retention_rate,revenue,orders,average_order_value,revenue_per_active,top20_revenue_share,partial');
    // March: B (back after 59 days <= 90: returning, not reactivated) and D (new); 50 + 40 = 90 over 2 days; top
    // ceil(0.4) = 1 customer: B 50 / 90.
    expect(lines[3]).toBe('2024-03,2,1,1,0,0,0,90,2,45,45,0.555555555556,false');
    const t = await runCli(['report', '--sales', sales, '--as-of', '2024-03-31', '--format', 'table']);
    expect(t.stdout).toContain('KPIs over time');
  });

  it('every value is escaped in the HTML', () => {
    const result: KpiResult = {
      asOf: 0, unit: 'month', window: { days: 30, basis: 'given', gaps: 0, quantile: null }, topShare: 0.2, customers: 1, provisionalFrom: '<b>x</b>',
      periods: [{ period: '<script>alert(1)</script>', start: 0, end: 0, activeCustomers: 1, newCustomers: 1, returningCustomers: 0, reactivatedCustomers: 0, lostCustomers: 0, lostProvisional: true, retentionRate: null, revenue: 1, orders: 1, averageOrderValue: 1, revenuePerActive: 1, top20RevenueShare: 1, partial: false }],
    };
    const html = kpiSection(result);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;script&gt;');
  });
});
