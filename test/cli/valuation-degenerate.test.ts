/**
 * crm value, report and fit on degenerate data built here: a customer whose first purchase is on the
 * as-of day (T = 0), one customer, 3 customers, 50 identical customers, a shop where nobody drops out and
 * everyone spends 25 every 14 days, every purchase 0.00, all one-time buyers. Each run ends within seconds
 * without a crash, prints no non-finite number as a value, and either values with a trusted fit or says why not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import { fixture, projectRoot, readSimpleCsv } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-degenerate-'));
const HEADER = 'order_id,customer_id,date,product,quantity,amount,cost,channel\n';
const day = (d: number): string => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);

/** Writes a sales file of (customer, day, amount) rows. */
function sales(name: string, rows: [string, number, string][]): string {
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, HEADER + rows.map(([c, d, amount], i) => `O${i + 1},${c},${day(d)},standard,1,${amount},,store\n`).join(''));
  return path;
}

const cases: Record<string, string> = {
  'one customer': sales('one', Array.from({ length: 27 }, (_, k) => ['C1', 14 * k, '25.00'] as [string, number, string])),
  '3 customers': sales('three', [['A', 0, '10'], ['A', 30, '20'], ['B', 5, '30'], ['C', 10, '15'], ['C', 40, '12'], ['C', 90, '50']]),
  '50 identical customers': sales('identical', Array.from({ length: 50 }, (_, c) => [0, 30, 60].map((d) => [`I${c}`, d, '35.00'] as [string, number, string])).flat()),
  'nobody drops out, 25 every 14 days': sales('regular', Array.from({ length: 40 }, (_, c) => Array.from({ length: 27 }, (_, k) => [`R${c}`, (c % 14) + 14 * k, '25.00'] as [string, number, string]).filter(([, d]) => d <= 365)).flat()),
  'every purchase 0.00': sales('zero', Array.from({ length: 30 }, (_, c) => [0, 20, 50].map((d) => [`Z${c}`, c + d, '0.00'] as [string, number, string])).flat()),
  'all one-time buyers': sales('onetime', Array.from({ length: 30 }, (_, c) => [`U${c}`, 3 * c, '20.00'] as [string, number, string])),
};

/** No NaN or Infinity printed where a number belongs (JSON writes non-finite numbers as null). */
function expectFinite(text: string): void {
  expect(text).not.toMatch(/\bNaN\b|-?Infinity\b/);
}

describe('degenerate data: no crash, no hang, a trusted fit or the reason', () => {
  it.each(Object.entries(cases))('%s', async (_, file) => {
    for (const args of [['value', '--sales', file], ['value', '--sales', file, '--format', 'json'], ['fit', '--sales', file, '--format', 'json'], ['fit', '--model', 'bgnbd', '--sales', file]]) {
      const started = Date.now();
      const r = await runCli(args);
      expect(Date.now() - started, args.join(' ')).toBeLessThan(8_000);
      expect(r.stderr, args.join(' ')).not.toMatch(/internal error/);
      expect([0, 1]).toContain(r.code);
      expectFinite(r.stdout);
      if (r.code === 1) expect(r.stderr, args.join(' ')).toMatch(/error: .{20,}/);
      if (args[0] === 'value' && r.code === 0 && args.includes('json')) {
        const doc = JSON.parse(r.stdout);
        expect(doc.purchaseModel.trusted).toBe(true);
        for (const c of doc.customers) expect(Number.isFinite(c.clv) && Number.isFinite(c.expected_spend ?? c.expectedSpend)).toBe(true);
      }
      if (args[0] === 'fit' && r.stdout !== '' && args.includes('json')) {
        const doc = JSON.parse(r.stdout);
        // exit 0 exactly when the fit shown is trusted
        expect(doc.trusted).toBe(r.code === 0);
      }
    }
    const started = Date.now();
    const report = await runCli(['report', '--sales', file, '--format', 'json']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(report.code).toBe(0);
    const doc = JSON.parse(report.stdout);
    // the valuation is there with a trusted purchase model, or its section carries the reason
    if (doc.errors.value !== undefined) expect(doc.errors.value).toMatch(/.{20,}/);
    else expect(doc.value.purchaseModel.trusted).toBe(true);
  });

  it('a single-customer BG/NBD fit with its parameters at the bounds is not reported as converged, and exits 1', async () => {
    const r = await runCli(['fit', '--model', 'bgnbd', '--sales', cases['one customer'], '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.converged).toBe(false);
    expect(doc.trusted).toBe(false);
    expect(doc.problems.length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(doc.params as Record<string, number>)) {
      const [low, high] = doc.bounds[name] as [number, number];
      expect(value, name).toBeGreaterThanOrEqual(low * (1 - 1e-9));
      expect(value, name).toBeLessThanOrEqual(high * (1 + 1e-9));
    }
    const table = await runCli(['fit', '--model', 'bgnbd', '--sales', cases['one customer'], '--format', 'table']);
    expect(table.stdout).not.toMatch(/; converged in/);
    expect(table.stdout).toMatch(/not trusted/);
  });

  it('all one-time buyers: --model auto is a model error naming each model, not an internal error', async () => {
    const r = await runCli(['fit', '--sales', cases['all one-time buyers']]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: no purchase model could be fitted and trusted: .*bgnbd: .*paretonbd: .*mbgnbd: /);
  });

  it('every purchase 0.00: crm fit --model gammagamma says that every repeat customer spent <= 0', async () => {
    const r = await runCli(['fit', '--model', 'gammagamma', '--sales', cases['every purchase 0.00']]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/every repeat customer's mean repeat spend is <= 0 \(30 of 30/);
    expect(r.stderr).not.toMatch(/no customer has a repeat purchase/);
  });
});

describe('--model auto on the fixtures (Pareto/NBD runs to its bound there)', () => {
  it('values with a trusted model and says which model was left out and why', async () => {
    const value = await runCli(['value', '--model', 'auto', '--sales', fixture('sales.csv'), '--period', 'week', '--format', 'json']);
    expect(value.code).toBe(0);
    expect(JSON.parse(value.stdout).purchaseModel.trusted).toBe(true);
    expect(value.stderr).toMatch(/note: paretonbd left out of the model choice: parameter beta = .* ran to the upper bound/);
    const fit = await runCli(['fit', '--sales', fixture('sales.csv'), '--period', 'week', '--format', 'table']);
    expect(fit.code).toBe(0);
    expect(fit.stdout).toMatch(/paretonbd +│.*untrusted: at a bound/);
    expect(fit.stdout).not.toMatch(/paretonbd \(chosen\)/);
  });
});

describe('identical spend with varied purchase timing', () => {
  it('values each customer at their observed spend (35), not at the runaway Gamma-Gamma fit, with a warning', async () => {
    const sample = bgnbd.simulate({ r: 0.5, alpha: 6, a: 0.7, b: 2.5 }, { customers: 400, T: 39, keepTimes: true }, createRng(8));
    const rows: [string, number, string][] = [];
    sample.times!.forEach((times, c) => {
      const first = c % 60;
      // one purchase a day (the summary adds up a day's purchases)
      const days = new Set([first, ...times.map((t) => first + Math.round(t * 7))]);
      for (const d of days) rows.push([`S${c}`, d, '35.00']);
    });
    const file = sales('same-spend', rows);
    const r = await runCli(['value', '--sales', file, '--period', 'week', '--format', 'csv']);
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.code).toBe(0);
    const customers = readSimpleCsv(r.stdout);
    for (const c of customers) expect(Number(c.expected_spend), c.customer_id).toBeCloseTo(35, 6);
    expect(r.stderr).toMatch(/warning: spend: the Gamma-Gamma model is not used \(the gammagamma fit is not trusted: .*\); .*observed mean repeat spend/);
  });
});

describe('a customer whose first purchase is on the as-of day (T = 0)', () => {
  it('node bin/crm.js value values CNEW and exits 0 (needs npm run build)', () => {
    const original = readFileSync(fixture('sales.csv'), 'utf8');
    const last = readSimpleCsv(original).map((row) => row.date).sort().at(-1)!;
    const copy = join(dir, 'sales-with-new.csv');
    writeFileSync(copy, `${original.replace(/\n?$/, '\n')}ONEW,CNEW,${last},standard,1,50.00,20.00,store\n`);
    const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'crm.js'), 'value', '--sales', copy, '--format', 'csv'], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.status).toBe(0);
    const row = readSimpleCsv(r.stdout).find((c) => c.customer_id === 'CNEW')!;
    expect(row).toBeDefined();
    expect(Number(row.T)).toBe(0);
    expect(Number(row.frequency)).toBe(0);
    expect(Number(row.p_alive)).toBe(1);
    expect(Number(row.clv)).toBeGreaterThan(0);
    expect(Number.isFinite(Number(row.clv))).toBe(true);
    // the report values CNEW too (it used to drop the whole valuation silently)
    const report = spawnSync(process.execPath, [join(projectRoot, 'bin', 'crm.js'), 'report', '--sales', copy, '--format', 'json', '--per-customer'], { encoding: 'utf8' });
    expect(report.status).toBe(0);
    const doc = JSON.parse(report.stdout);
    expect(doc.errors.value).toBeUndefined();
    expect(doc.value.customers.some((c: { customerId: string }) => c.customerId === 'CNEW')).toBe(true);
  });
});
