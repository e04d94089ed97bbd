/** crm sql summary: the DuckDB dialect on the fixtures equals crm summary row for row. */
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli } from '../helpers/run-cli.js';
import { fixture, readSimpleCsv, sharedData } from '../helpers/data.js';

async function runDuck(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const result = await connection.runAndReadAll(sql);
  return result.getRowObjectsJson() as Record<string, unknown>[];
}

async function compare(salesFile: string, extra: string[], sqlExtra: string[]): Promise<number> {
  const ours = await runCli(['summary', '--format', 'csv', '--sales', salesFile, ...extra]);
  expect(ours.code).toBe(0);
  const sql = await runCli(['sql', 'summary', '--dialect', 'duckdb', '--sales', salesFile, ...extra, ...sqlExtra]);
  expect(sql.code).toBe(0);
  const duck = await runDuck(sql.stdout);
  const rows = readSimpleCsv(ours.stdout);
  expect(duck).toHaveLength(rows.length);
  const byId = new Map(duck.map((r) => [String(r.customer_id), r]));
  for (const row of rows) {
    const d = byId.get(row.customer_id)!;
    expect(d, row.customer_id).toBeDefined();
    for (const [key, value] of Object.entries(row)) {
      if (key === 'customer_id') continue;
      const theirs = d[key] ?? d[key.toLowerCase()];
      if (key.endsWith('_purchase')) expect(String(theirs), `${key} of ${row.customer_id}`).toBe(value);
      else expect(Number(theirs), `${key} of ${row.customer_id}`).toBeCloseTo(Number(value), 6);
    }
  }
  return rows.length;
}

describe('crm sql summary --dialect duckdb', () => {
  it('equals crm summary on the fixtures (orders, cost, returns), row for row', async () => {
    expect(await compare(fixture('sales.csv'), ['--period', 'week'], ['--order-id', '--cost'])).toBe(300);
  });
  it('equals crm summary on CDNOW with a calibration/holdout split', async () => {
    expect(await compare(sharedData('cdnow_sample_transactions.csv'), ['--period', 'week', '--calibration-end', '1997-09-30', '--as-of', '1998-06-30'], [])).toBe(2357);
  });
  it('prints the other dialects', async () => {
    for (const dialect of ['postgres', 'bigquery', 'spark']) {
      const r = await runCli(['sql', 'summary', '--dialect', dialect, '--table', 'shop.sales', '--map', 'date=order_date']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('FROM shop.sales');
      expect(r.stdout).toMatch(dialect === 'postgres' ? /"order_date"/ : /`order_date`/);
    }
  });
});
