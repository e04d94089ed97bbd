/**
 * The report's CSV folder for spreadsheets and trend tracking: one file-name style, every section the terminal
 * shows (churn rates, payment classes, clusters, top CLV), an as_of column in per-customer tables, a one-row
 * kpis.csv that agrees with the JSON document, and numbers at a readable precision (--precision full for all).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';
import { columnKind, roundTable } from '../../src/report/csv/report.js';

const inputs = ['--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--model', 'bgnbd'];
let dir: string;
let full: string;
let doc: any; // eslint-disable-line @typescript-eslint/no-explicit-any
const read = (folder: string, name: string): Record<string, string>[] => parse(readFileSync(join(folder, name)), { columns: true });

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'crm-csvfolder-'));
  dir = join(base, 'out');
  full = join(base, 'full');
  expect((await runCli(['report', ...inputs, '--output-dir', dir, '--quiet'])).code).toBe(0);
  expect((await runCli(['report', ...inputs, '--output-dir', full, '--precision', 'full', '--quiet'])).code).toBe(0);
  doc = JSON.parse((await runCli(['report', ...inputs, '--format', 'json', '--quiet', '--per-customer'])).stdout);
});

describe('report CSV folder', () => {
  it('names every file in one style (lowercase snake_case)', () => {
    const names = readdirSync(dir);
    for (const n of names) expect(n).toMatch(/^[a-z0-9_]+\.(csv|txt)$/);
    for (const n of ['at_risk.csv', 'kpis.csv', 'kpi_periods.csv', 'churn_rates.csv', 'payment_classes.csv', 'clusters.csv', 'value_top.csv']) expect(names).toContain(n);
  });

  it('kpis.csv is one row that agrees with the JSON document', () => {
    const rows = read(full, 'kpis.csv');
    expect(rows).toHaveLength(1);
    const k = rows[0];
    expect(k.as_of).toBe(doc.meta.asOf);
    expect(Number(k.customers)).toBe(doc.overview.customers);
    expect(Number(k.revenue)).toBeCloseTo(doc.overview.revenue, 6);
    expect(Number(k.equity)).toBeCloseTo(doc.value.equity, 6);
    expect(k.purchase_model).toBe(doc.value.purchaseModel.model);
    expect(Number(k.gini)).toBeCloseTo(doc.segment.concentration.gini, 9);
    expect(Number(k.churn_rate)).toBeCloseTo(doc.churn.churnRates.overall.pooledRate, 9);
    expect(Number(k.customers_at_risk)).toBe(doc.atRisk.length);
    expect(Number(k.value_at_risk)).toBeCloseTo(doc.atRisk.reduce((s: number, a: { valueAtRisk: number }) => s + a.valueAtRisk, 0), 6);
    expect(Number(k.dso_days)).toBeCloseTo(doc.payments.dso.standard, 6);
  });

  it('per-customer tables carry as_of', () => {
    for (const name of ['customers.csv', 'at_risk.csv', 'debtors.csv', 'value_top.csv']) {
      const rows = read(dir, name);
      expect(rows.length, name).toBeGreaterThan(0);
      expect(rows.every((r) => r.as_of === doc.meta.asOf), name).toBe(true);
    }
  });

  it('has the sections the terminal shows: churn rates, payment classes, clusters, top CLV', () => {
    const rates = read(full, 'churn_rates.csv').filter((r) => r.group === 'all');
    expect(rates.map((r) => r.period)).toEqual(doc.churn.churnRates.overall.periods.map((p: { label: string }) => p.label));
    const classes = read(full, 'payment_classes.csv');
    expect(classes.map((c) => [c.class, Number(c.customers)])).toEqual(doc.payments.classes.map((c: { class: string; customers: number }) => [c.class, c.customers]));
    const clusters = read(full, 'clusters.csv');
    expect(clusters).toHaveLength(doc.segment.clusters.k);
    expect(Object.keys(clusters[0])).toContain('centre_recency_days');
    const top = read(full, 'value_top.csv');
    const byClv = [...doc.value.customers].sort((a: { clv: number }, b: { clv: number }) => b.clv - a.clv);
    expect(top.slice(0, 5).map((t) => t.customer_id)).toEqual(byClv.slice(0, 5).map((c: { customerId: string }) => c.customerId));
  });

  it('writes money to 2 decimals and other fractions to 6 significant digits; --precision full keeps every digit', () => {
    const short = read(dir, 'customers.csv');
    const long = read(full, 'customers.csv');
    for (let i = 0; i < short.length; i++) {
      expect(short[i].clv).toBe(String(Math.round(Number(long[i].clv) * 100) / 100));
      expect(short[i].p_alive).toBe(String(Number(Number(long[i].p_alive).toPrecision(6))));
      expect(short[i].customer_id).toBe(long[i].customer_id);
    }
    expect(long.some((r) => r.p_alive.replace(/^0\./, '').length > 6)).toBe(true);
  });

  it('classifies columns by name: shares and rates are not money even when they name money', () => {
    for (const money of ['revenue', 'clv', 'value_at_risk', 'mean_monetary', 'outstanding', 'cost_delivery', 'net_clv', 'equity']) expect(columnKind(money), money).toBe('money');
    for (const number of ['share_of_revenue', 'p_alive', 'churn_rate', 'cost_rate', 'mean_p_alive', 'recency_days', 'expected_transactions', 'lower_95']) expect(columnKind(number), number).toBe('number');
    expect(roundTable([['clv', 'p_alive', 'n'], [1.005001, 0.123456789, 3]], { money: 2 })).toEqual([['clv', 'p_alive', 'n'], [1.01, 0.123457, 3]]);
    expect(roundTable([['clv'], [1.23456]], { money: 0 })).toEqual([['clv'], [1]]);
  });

  it('refuses a bad --precision (usage error)', async () => {
    const r = await runCli(['report', ...inputs, '--output-dir', join(dir, '..', 'bad'), '--precision', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid --precision "lots"/);
  });
});
