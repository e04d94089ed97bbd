/**
 * `crm value --interval/--within/--alive-at` (issue 16): the new columns are appended after the existing
 * ones, which keep their values; the scores are converted from days to the model's period; CSV, JSON and
 * NDJSON carry the same columns.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { sharedData } from '../helpers/data.js';

// BG/NBD by name: the checks below are its closed forms (the default, auto, may choose another model).
const cdnow = ['value', '--sales', sharedData('cdnow_sample_transactions.csv'), '--period', 'week', '--as-of', '1997-09-30', '--model', 'bgnbd'];

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('crm value intervals and short-horizon scores', () => {
  it('appends the columns, keeps the existing ones, converts days to weeks', async () => {
    const plain = await runCli([...cdnow, '--interval', '0', '--format', 'csv']);
    const full = await runCli([...cdnow, '--within', '30,90d', '--alive-at', '90d', '--format', 'csv']);
    expect(plain.code).toBe(0);
    expect(full.code).toBe(0);
    const a = parseCsv(plain.stdout);
    const b = parseCsv(full.stdout);
    expect(b.header.slice(0, a.header.length)).toEqual(a.header);
    expect(b.header.slice(a.header.length)).toEqual([
      'p_alive_low', 'p_alive_high', 'expected_transactions_low', 'expected_transactions_high', 'expected_spend_low', 'expected_spend_high', 'clv_low', 'clv_high',
      'median_days_to_purchase', 'p_purchase_30d', 'p_purchase_90d', 'p_alive_90d',
    ]);
    // existing columns keep their values exactly
    b.rows.forEach((row, i) => expect(row.slice(0, a.header.length)).toEqual(a.rows[i]));
    // the fitted parameters, from the JSON
    const doc = JSON.parse((await runCli([...cdnow, '--interval', '0', '--format', 'json'])).stdout);
    const { r, alpha, a: pa, b: pb } = doc.purchaseModel.params;
    const col = (name: string) => b.header.indexOf(name);
    let checked = 0;
    for (const row of b.rows.slice(0, 200)) {
      const x = Number(row[col('frequency')]);
      const tx = Number(row[col('recency')]);
      const T = Number(row[col('T')]);
      const alive = x === 0 ? 1 : 1 / (1 + (pa / (pb + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x));
      expect(Number(row[col('p_alive')])).toBeCloseTo(alive, 9);
      // 30 days = 30/7 weeks
      expect(Number(row[col('p_purchase_30d')])).toBeCloseTo(alive * (1 - ((alpha + T) / (alpha + T + 30 / 7)) ** (r + x)), 9);
      expect(Number(row[col('p_purchase_90d')])).toBeCloseTo(alive * (1 - ((alpha + T) / (alpha + T + 90 / 7)) ** (r + x)), 9);
      // median days: (α + T)(2^(1/(r+x)) − 1) weeks, times 7
      expect(Number(row[col('median_days_to_purchase')])).toBeCloseTo(7 * (alpha + T) * (2 ** (1 / (r + x)) - 1), 5);
      expect(Number(row[col('p_alive_90d')])).toBeLessThanOrEqual(alive + 1e-12);
      for (const name of ['p_alive', 'expected_transactions', 'expected_spend', 'clv']) {
        const value = Number(row[col(name)]);
        expect(Number(row[col(`${name}_low`)])).toBeLessThanOrEqual(value * (1 + 1e-9));
        expect(Number(row[col(`${name}_high`)])).toBeGreaterThanOrEqual(value * (1 - 1e-9));
      }
      checked++;
    }
    expect(checked).toBe(200);
  });

  it('JSON and NDJSON carry the same columns; JSON has the equity interval; the table shows it', async () => {
    const doc = JSON.parse((await runCli([...cdnow, '--within', '30', '--format', 'json'])).stdout);
    expect(doc.intervals.level).toBe(0.9);
    expect(doc.intervals.equity[0]).toBeLessThan(doc.equity);
    expect(doc.intervals.equity[1]).toBeGreaterThan(doc.equity);
    const nd = (await runCli([...cdnow, '--within', '30', '--format', 'ndjson'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(nd[0])).toEqual(Object.keys(doc.customers[0]));
    expect(nd[0].clv_low).toBe(doc.customers[0].clv_low);
    expect(nd[0].p_purchase_30d).toBe(doc.customers[0].p_purchase_30d);
    const table = await runCli([...cdnow, '--format', 'table']);
    expect(table.stdout).toContain('90% interval from parameter uncertainty: equity');
    expect(table.stdout).toContain('CLV 90% interval');
  });

  it('refuses bad levels and day lists', async () => {
    expect((await runCli([...cdnow, '--interval', '1.5'])).code).toBe(2);
    expect((await runCli([...cdnow, '--within', 'soon'])).code).toBe(2);
    expect((await runCli([...cdnow, '--alive-at', '-3d'])).code).toBe(2);
  });
});
