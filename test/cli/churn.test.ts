/** crm churn end to end: the triangle against a direct count, sBG from --counts against the paper, contracts. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture, readSimpleCsv } from '../helpers/data.js';

describe('crm churn', () => {
  it('the cohort triangle CSV equals a direct count from the sales file', async () => {
    const r = await runCli(['churn', '--sales', fixture('sales.csv'), '--format', 'csv', '--table', 'cohorts']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].startsWith('cohort,size,period_0,period_1')).toBe(true);
    // Direct: first purchase month per customer, active months per customer (purchase lines only).
    const sales = readSimpleCsv(readFileSync(fixture('sales.csv'), 'utf8')).filter((s) => Number(s.amount) >= 0);
    const months = new Map<string, Set<string>>();
    for (const s of sales) {
      if (!months.has(s.customer_id)) months.set(s.customer_id, new Set());
      months.get(s.customer_id)!.add(s.date.slice(0, 7));
    }
    const index = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
    const cohorts = new Map<string, { size: number; active: Map<number, number> }>();
    for (const set of months.values()) {
      const first = [...set].sort()[0];
      const c = cohorts.get(first) ?? { size: 0, active: new Map() };
      c.size++;
      for (const m of set) c.active.set(index(m) - index(first), (c.active.get(index(m) - index(first)) ?? 0) + 1);
      cohorts.set(first, c);
    }
    const rows = new Map(lines.slice(1).map((l) => [l.split(',')[0], l.split(',')]));
    expect(rows.size).toBe(cohorts.size + 1);
    for (const [label, c] of cohorts) {
      const row = rows.get(label)!;
      expect(Number(row[1])).toBe(c.size);
      for (const [k, n] of c.active) expect(Number(row[2 + k]), `${label} period ${k}`).toBeCloseTo(n / c.size, 9);
    }
  });

  it('fits the sBG model to the paper\'s counts (Fader & Hardie 2007, regular customers)', async () => {
    const r = await runCli(['churn', '--sales', fixture('sales.csv'), '--counts', '1000,631,468,382,326,289,262,241', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.sbg.model.params.alpha).toBeCloseTo(0.704, 3);
    expect(doc.sbg.model.params.beta).toBeCloseTo(1.182, 3);
    expect(doc.sbg.projection).toHaveLength(8 + 5);
  });

  it('contractual lifetimes from start and end columns: a hand-checked Kaplan-Meier', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-churn-'));
    // Five contracts from 2024-01-01: ended after 10, 20, 20 days; two still active at as-of (day 40).
    const customers = join(dir, 'customers.csv');
    writeFileSync(customers, 'customer_id,signup,cancel\na,2024-01-01,2024-01-11\nb,2024-01-01,2024-01-21\nc,2024-01-01,2024-01-21\nd,2024-01-01,\ne,2024-01-01,\n');
    const sales = join(dir, 'sales.csv');
    writeFileSync(sales, 'customer_id,date,amount\na,2024-01-01,1\nb,2024-01-01,1\nc,2024-01-01,1\nd,2024-01-01,1\ne,2024-01-01,1\n');
    const r = await runCli(['churn', '--sales', sales, '--customers', customers, '--start', 'signup', '--end', 'cancel', '--as-of', '2024-02-10', '--format', 'json', '--times', '15,30']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // S(10) = 4/5, S(20) = 4/5 * (1 - 2/4) = 0.4; censored at 40 days.
    expect(doc.survival.at[0].points.map((p: { survival: number }) => p.survival)).toEqual([0.8, 0.4]);
    expect(doc.lifetimes).toMatchObject({ source: 'contracts', churned: 3, censored: 2 });
  });

  it('lists customers at risk (0.1 <= P(alive) < 0.5) by value at stake, each with the reason (issue 18.5)', async () => {
    const r = await runCli(['churn', '--sales', fixture('sales.csv'), '--format', 'csv', '--table', 'at-risk', '--top', '15']);
    expect(r.code).toBe(0);
    const rows = readSimpleCsv(r.stdout.replace(/"[^"]*"/g, (q) => q.replace(/,/g, ';')));
    expect(rows).toHaveLength(15);
    const summary = new Map(readSimpleCsv((await runCli(['summary', '--sales', fixture('sales.csv'), '--format', 'csv'])).stdout).map((s) => [s.customer_id, s]));
    let previous = Infinity;
    for (const row of rows) {
      const s = summary.get(row.customer_id)!;
      const p = Number(row.p_alive);
      // none the model counts as gone (the old list led with P(alive) 0.000, last purchase 454 days ago), none safe
      expect(p).toBeGreaterThanOrEqual(0.1);
      expect(p).toBeLessThan(0.5);
      expect(Number(row.past_revenue)).toBeCloseTo(Math.max(0, Number(s.revenue)), 6);
      const daysSince = (Date.parse('2025-12-29') - Date.parse(s.last_purchase)) / 86_400_000;
      expect(Number(row.days_since_last)).toBe(daysSince);
      expect(row.reason).toContain(`last purchase ${daysSince} days ago`);
      expect(row.reason).toContain(`P(alive) ${p.toFixed(2)}`);
      // value at stake = P(alive) x value if retained (the value if retained is in the reason)
      const retained = Number(/worth ([\d.]+) over 12 months if retained/.exec(row.reason)![1]);
      expect(Number(row.value_at_risk)).toBeCloseTo(p * retained, 1);
      expect(Number(row.value_at_risk)).toBeLessThanOrEqual(previous);
      previous = Number(row.value_at_risk);
    }
  });

  it('refuses inconsistent options', async () => {
    expect((await runCli(['churn', '--sales', fixture('sales.csv'), '--start', 'signup_date'])).code).toBe(2);
    expect((await runCli(['churn', '--sales', fixture('sales.csv'), '--churn-after', 'soon'])).code).toBe(2);
    expect((await runCli(['churn', '--sales', fixture('sales.csv'), '--by', 'payment_class'])).stderr).toMatch(/--by payment_class needs --payments/);
    expect((await runCli(['churn', '--sales', fixture('sales.csv'), '--format', 'csv', '--table', 'transitions'])).stderr).toMatch(/needs --compare-as-of/);
  });
});
