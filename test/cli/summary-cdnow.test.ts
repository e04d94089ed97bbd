/**
 * crm summary on the CDNOW 2,357-customer sample must reproduce the published calibration summary
 * (weeks, calibration ending 1997-09-30) for every customer, and zbar to the cent.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { readSharedCsv, readSimpleCsv, sharedData } from '../helpers/data.js';

const roundHalfUp = (x: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.floor(x * f + 0.5 + 1e-9) / f;
};

describe('crm summary on CDNOW', () => {
  it('reproduces frequency, recency, T and zbar for all 2,357 customers', async () => {
    const result = await runCli([
      'summary', '--sales', sharedData('cdnow_sample_transactions.csv'),
      '--period', 'week', '--calibration-end', '1997-09-30', '--as-of', '1998-06-30', '--format', 'csv',
    ]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const ours = new Map(readSimpleCsv(result.stdout).map((r) => [r.customer_id, r]));
    const published = readSharedCsv('cdnow_customers_summary.csv');
    const withZbar = new Map(readSharedCsv('cdnow_customers_summary_with_transactions.csv').map((r) => [r.ID, r]));
    expect(published).toHaveLength(2357);
    expect(ours.size).toBe(2357);
    let checked = 0;
    for (const p of published) {
      const o = ours.get(p.ID)!;
      expect(o, `customer ${p.ID}`).toBeDefined();
      expect(Number(o.frequency), `frequency of ${p.ID}`).toBe(Number(p.frequency));
      expect(roundHalfUp(Number(o.recency), 2), `recency of ${p.ID}`).toBeCloseTo(Number(p.recency), 9);
      expect(roundHalfUp(Number(o.T), 2), `T of ${p.ID}`).toBeCloseTo(Number(p.T), 9);
      expect(roundHalfUp(Number(o.monetary_value), 2), `zbar of ${p.ID}`).toBeCloseTo(Number(withZbar.get(p.ID)!.zbar), 9);
      checked++;
    }
    expect(checked).toBe(2357);
  });

  it('splits the holdout (weeks 40-78) and accounts for every row', async () => {
    const result = await runCli([
      'summary', '--sales', sharedData('cdnow_sample_transactions.csv'),
      '--period', 'week', '--calibration-end', '1997-09-30', '--as-of', '1998-06-30', '--format', 'json',
    ]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    const account = doc.meta.inputs[0];
    expect(account.read).toBe(6919);
    expect(account.used + account.rejected + Object.values(account.excluded as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(account.read);
    // Independent count of the holdout: distinct (customer, day) pairs after 1997-09-30, from the raw rows.
    const rows = readSharedCsv('cdnow_sample_transactions.csv');
    const holdoutDays = new Set(rows.filter((r) => r.date > '1997-09-30' && r.date <= '1998-06-30').map((r) => `${r.customer_id}|${r.date}`));
    const ours = doc.customers.reduce((s: number, c: { frequency_holdout: number }) => s + c.frequency_holdout, 0);
    expect(ours).toBe(holdoutDays.size);
    expect(doc.customers[0].duration_holdout).toBeCloseTo(273 / 7, 10);
    expect(doc.meta.period).toEqual({ name: 'week', days: 7 });
  });

  it('reads the original whitespace-separated CDNOW_sample.txt directly with ingest options', async () => {
    const args = ['--period', 'week', '--as-of', '1997-09-30', '--format', 'csv'];
    const fromTxt = await runCli([
      'summary', '--sales', sharedData('CDNOW_sample.txt'), '--delimiter', 'whitespace', '--no-header',
      '--columns', 'original_id,customer_id,date,quantity,amount', ...args,
    ]);
    const fromCsv = await runCli(['summary', '--sales', sharedData('cdnow_sample_transactions.csv'), ...args]);
    expect(fromTxt.stderr).toBe(fromCsv.stderr.replace(/cdnow_sample_transactions\.csv/g, 'CDNOW_sample.txt'));
    expect(fromTxt.code).toBe(0);
    // The original file zero-pads the sample ids ("0001"); otherwise the summaries are identical.
    expect(fromTxt.stdout.replace(/^0+(?=\d)/gm, '')).toBe(fromCsv.stdout);
    expect(fromTxt.stdout.split('\n').length - 2).toBe(2357);
  });

  it('reads CDNOW_master.txt (header, zero-padded ids) with --delimiter whitespace', async () => {
    const result = await runCli([
      'summary', '--sales', sharedData('CDNOW_master.txt'), '--delimiter', 'whitespace',
      '--map', 'amount=dollar_value,quantity=number_of_cds', '--format', 'json',
    ]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.customers).toHaveLength(23570);
    expect(doc.meta.inputs[0].read).toBe(69659);
    expect(doc.meta.inputs[0].used).toBe(69659);
    expect(doc.customers[0].customer_id).toBe('00001');
  });
});
