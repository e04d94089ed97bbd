/** The churn part of crm report (issue 18.3-18.5): the same at-risk rule and survival view as crm churn. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';

const inputs = ['--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv')];

describe('crm report: churn and at-risk', () => {
  it('ranks the at-risk list by P(alive) x value if retained among 0.1 <= P(alive) < 0.5, with a reason per customer', async () => {
    const r = await runCli(['report', ...inputs, '-f', 'json', '--per-customer']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const value = new Map(doc.value.customers.map((c: { customerId: string }) => [c.customerId, c]));
    const summary = new Map(doc.summary.map((c: { id: string }) => [c.id, c]));
    expect(doc.atRisk.length).toBeGreaterThan(0);
    let previous = Infinity;
    for (const row of doc.atRisk) {
      expect(row.pAlive).toBeGreaterThanOrEqual(0.1);
      expect(row.pAlive).toBeLessThan(0.5);
      const v = value.get(row.customerId) as { expectedTransactions: number; pAlive: number };
      const s = summary.get(row.customerId) as { revenue: number; frequency: number };
      expect(row.pAlive).toBe(v.pAlive);
      // at stake = P(alive) × (E[transactions] / P(alive)) × revenue per purchase day
      expect(row.valueAtRisk).toBeCloseTo(v.expectedTransactions * (Math.max(0, s.revenue) / (s.frequency + 1)), 6);
      expect(row.reason).toMatch(new RegExp(`^last purchase ${row.daysSinceLast} days ago, .*; P\\(alive\\) ${row.pAlive.toFixed(2)}; worth [\\d.]+ over 12 months if retained$`));
      expect(row.valueAtRisk).toBeLessThanOrEqual(previous);
      previous = row.valueAtRisk;
    }
    // no customer the valuation counts as gone is on the list, however much they spent
    const gone = doc.value.customers.filter((c: { pAlive: number }) => c.pAlive < 0.1).map((c: { customerId: string }) => c.customerId);
    expect(gone.length).toBeGreaterThan(0);
    for (const row of doc.atRisk) expect(gone).not.toContain(row.customerId);
  });

  it('measures survival of the observed lifetime, with one churn window and the summary revenue in the stages', async () => {
    const doc = JSON.parse((await runCli(['report', ...inputs, '-f', 'json', '--per-customer'])).stdout);
    expect(doc.churn.survival.view).toBe('observed');
    expect(doc.churn.survival.definition).toMatch(/first to last purchase/);
    expect(doc.churn.lifecycle.rules.churnWindow).toEqual(doc.churn.lifetimes.window);
    expect(doc.churn.churnWindow).toEqual(doc.churn.lifetimes.window);
    const staged = doc.churn.lifecycle.stages.reduce((s: number, x: { revenue: number }) => s + x.revenue, 0);
    expect(staged).toBeCloseTo(doc.overview.revenue, 6);
    const table = await runCli(['report', ...inputs, '--format', 'table']);
    expect(table.stdout).toMatch(/Why each customer is on the list:/);
  });
});
