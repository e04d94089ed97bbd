/** crm segment end to end: figures checked against an independent calculation from the raw sales. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture, readSimpleCsv, sharedData } from '../helpers/data.js';

function revenueTotals(file: string): number[] {
  const totals = new Map<string, number>();
  for (const row of readSimpleCsv(readFileSync(file, 'utf8'))) totals.set(row.customer_id, (totals.get(row.customer_id) ?? 0) + Number(row.amount));
  return [...totals.values()];
}

/** Gini by the mean absolute difference: sum_i sum_j |x_i - x_j| / (2 n^2 mean), an independent formula. */
function giniByPairs(values: number[]): number {
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  let sumAbs = 0;
  let prefix = 0;
  x.forEach((v, i) => {
    sumAbs += i * v - prefix;
    prefix += v;
  });
  const mean = prefix / n;
  return (2 * sumAbs) / (2 * n * n * mean);
}

function topShare(values: number[], fraction: number): number {
  const x = [...values].sort((a, b) => b - a);
  const k = Math.ceil(fraction * x.length);
  return x.slice(0, k).reduce((s, v) => s + v, 0) / x.reduce((s, v) => s + v, 0);
}

describe('crm segment', () => {
  for (const [name, file] of [['fixtures', fixture('sales.csv')], ['CDNOW', sharedData('cdnow_sample_transactions.csv')]] as const) {
    it(`Gini and top-20% share on ${name} agree with a calculation from the revenue totals`, async () => {
      const r = await runCli(['segment', '--sales', file, '--format', 'json', '--no-clusters']);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      const totals = revenueTotals(file);
      expect(totals.every((t) => t >= 0)).toBe(true);
      expect(doc.concentration.gini).toBeCloseTo(giniByPairs(totals), 9);
      const top20 = doc.concentration.top.find((t: { fraction: number }) => t.fraction === 0.2);
      expect(top20.valueShare).toBeCloseTo(topShare(totals, 0.2), 9);
      const customers = doc.segments.reduce((s: number, g: { customers: number }) => s + g.customers, 0);
      expect(customers).toBe(totals.length);
      expect(doc.segments.reduce((s: number, g: { revenue: number }) => s + g.revenue, 0)).toBeCloseTo(totals.reduce((a, b) => a + b, 0), 6);
    });
  }

  it('writes one row per customer as CSV, every customer in exactly one segment', async () => {
    const r = await runCli(['segment', '--sales', fixture('sales.csv'), '--format', 'csv', '--seed', '3']);
    const rows = readSimpleCsv(r.stdout);
    expect(rows).toHaveLength(300);
    expect(Object.keys(rows[0])).toEqual(['customer_id', 'R', 'F', 'M', 'rfm', 'segment', 'abc', 'cluster']);
    for (const row of rows) {
      expect(row.rfm).toBe(`${row.R}${row.F}${row.M}`);
      expect(row.segment).not.toBe('');
      expect(['A', 'B', 'C']).toContain(row.abc);
    }
    const again = await runCli(['segment', '--sales', fixture('sales.csv'), '--format', 'csv', '--seed', '3']);
    expect(again.stdout).toBe(r.stdout);
  });

  it('a config file replaces the segment rules', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'crm-seg-'));
    const table = {
      scale: 5,
      segments: [
        { name: 'Recent', description: 'bought lately', action: 'thank them' },
        { name: 'Not recent', description: 'not lately', action: 'remind them' },
      ],
      rules: [
        { segment: 'Recent', r: [4, 5], fm: [1, 5] },
        { segment: 'Not recent', r: [1, 3], fm: [1, 5] },
      ],
    };
    writeFileSync(join(cwd, 'crm.config.json'), JSON.stringify({ segment: { segmentTable: table } }));
    const r = await runCli(['segment', '--sales', fixture('sales.csv'), '--format', 'csv', '--no-clusters'], { cwd });
    expect(r.code).toBe(0);
    const rows = readSimpleCsv(r.stdout);
    for (const row of rows) expect(row.segment).toBe(Number(row.R) >= 4 ? 'Recent' : 'Not recent');
  });

  it('profiles by a customer attribute and by payment class', async () => {
    const r = await runCli(['segment', '--sales', fixture('sales.csv'), '--customers', fixture('customers.csv'), '--payments', fixture('payments.csv'), '--by', 'region,payment_class', '--format', 'json', '--no-clusters']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.profiles.map((p: { column: string }) => p.column)).toEqual(['region', 'payment_class']);
    const bad = await runCli(['segment', '--sales', fixture('sales.csv'), '--customers', fixture('customers.csv'), '--by', 'colour']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/colour: no such column in the customers file/);
  });
  it('meta names the as-of rule: the last sale date without --as-of (issue 18.10)', async () => {
    const r = await runCli(['segment', '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--no-clusters', '--format', 'json']);
    expect(r.code).toBe(0);
    const meta = JSON.parse(r.stdout).meta;
    // The last sale in fixtures/sales.csv is 2025-12-29 (the payments run to 2025-12-30 but sales decide).
    expect(meta.asOf).toBe('2025-12-29');
    expect(meta.asOfRule).toBe('last sale date');
  });
  it('ABC: negative-value customers are counted and valued in C, and the C row says so (issue 18.9)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-segment-'));
    const file = join(dir, 'sales.csv');
    // Revenue: a 30, b 10, c 0, d 10 − 15 = −5, e 3 − 10 = −7.
    writeFileSync(file, 'customer_id,date,amount\na,2024-01-01,30\nb,2024-01-02,10\nc,2024-01-03,0\nd,2024-01-01,10\nd,2024-01-04,-15\ne,2024-01-01,3\ne,2024-01-05,-10\n');
    const r = await runCli(['segment', '--sales', file, '--no-clusters', '--format', 'json']);
    expect(r.code).toBe(0);
    const abc = JSON.parse(r.stdout).concentration.abc;
    // Non-negative total 40: a (nothing above) and b (30/40 = 0.75 above) are A = 40; c, d, e are C:
    // 0 − 5 − 7 = −12, −12 / 40 = −0.3; counts 2 + 0 + 3 = 5 customers, values 40 + 0 − 12 = 28 = net revenue.
    expect(abc.map((a: { class: string; customers: number; value: number }) => [a.class, a.customers, a.value])).toEqual([['A', 2, 40], ['B', 0, 0], ['C', 3, -12]]);
    expect(abc[2]).toMatchObject({ negativeCustomers: 2, negativeValue: -12, shareOfValue: -0.3 });
    const table = await runCli(['segment', '--sales', file, '--no-clusters', '--format', 'table']);
    expect(table.stdout).toMatch(/C 3 customers \(60\.0%\) with -30\.0% \(incl\. 2 with negative revenue, -12\.00\)/);
  });
});
