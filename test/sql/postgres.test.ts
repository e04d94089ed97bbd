/**
 * crm sql summary --dialect postgres, run on a real PostgreSQL server: the fixtures and the CDNOW master
 * transactions loaded into typed tables, every field of every customer compared with crm summary.
 *
 * The server: the one the libpq environment names (PGHOST, PGUSER, ...); CI starts a throwaway cluster with
 * scripts/pg-cluster.sh. Without a reachable server the tests are skipped with a message, except under CI,
 * where they fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/run-cli.js';
import { postgresAvailable, psql } from '../helpers/postgres.js';
import { fixture, sharedData } from '../helpers/data.js';

const available = postgresAvailable('PostgreSQL tests');

const database = `crm_test_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'crm-pg-test-'));

/** Runs SQL text on the test database and reads the CSV result. */
function query(sql: string): Record<string, string>[] {
  const file = join(dir, 'query.sql');
  writeFileSync(file, sql);
  const r = psql(['--csv', '-f', file], database);
  if (!r.ok) throw new Error(`psql: ${r.stderr}`);
  return parse(r.stdout, { columns: true }) as Record<string, string>[];
}

/** crm summary as CSV vs the SQL on PostgreSQL: same customers, every field equal. */
async function compare(salesFile: string, table: string, extra: string[], sqlExtra: string[]): Promise<number> {
  const ours = await runCli(['summary', '--format', 'csv', '--sales', salesFile, ...extra]);
  expect(ours.code, ours.stderr).toBe(0);
  const sql = await runCli(['sql', 'summary', '--dialect', 'postgres', '--table', table, ...extra, ...sqlExtra]);
  expect(sql.code, sql.stderr).toBe(0);
  const theirs = query(sql.stdout);
  const rows = parse(ours.stdout, { columns: true }) as Record<string, string>[];
  expect(theirs).toHaveLength(rows.length);
  const byId = new Map(theirs.map((r) => [r.customer_id, r]));
  for (const row of rows) {
    const pg = byId.get(row.customer_id);
    expect(pg, row.customer_id).toBeDefined();
    for (const [key, value] of Object.entries(row)) {
      if (key === 'customer_id') continue;
      expect(key in pg!, `column ${key} in the SQL result`).toBe(true);
      if (key.endsWith('_purchase')) expect(pg![key], `${key} of ${row.customer_id}`).toBe(value);
      else if (value === '') expect(pg![key], `${key} of ${row.customer_id}`).toBe('');
      else expect(Number(pg![key]), `${key} of ${row.customer_id}`).toBeCloseTo(Number(value), 6);
    }
  }
  return rows.length;
}

describe.skipIf(!available)('crm sql summary --dialect postgres on a PostgreSQL server', () => {
  beforeAll(() => {
    const created = psql(['-c', `DROP DATABASE IF EXISTS ${database}`, '-c', `CREATE DATABASE ${database}`]);
    if (!created.ok) throw new Error(created.stderr);
    const load = psql([
      '-c', 'CREATE TABLE sales (order_id text, customer_id text, date date, product text, quantity integer, amount numeric(12,2), cost numeric(12,2), channel text)',
      '-c', `\\copy sales FROM '${fixture('sales.csv')}' WITH (FORMAT csv, HEADER true)`,
      '-c', 'CREATE TABLE cdnow (customer_id integer, date date, quantity integer, amount numeric(12,2))',
      '-c', `\\copy cdnow FROM '${sharedData('cdnow_master_transactions.csv')}' WITH (FORMAT csv, HEADER true)`,
    ], database);
    if (!load.ok) throw new Error(load.stderr);
  }, 120_000);

  afterAll(() => {
    psql(['-c', `DROP DATABASE IF EXISTS ${database}`]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fixtures without a cost column (the text that failed with "function sum(text) does not exist")', async () => {
    // The same sales without cost, as a CSV for crm summary and as a view for the SQL.
    const lines = readFileSync(fixture('sales.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const cost = lines[0].indexOf('cost');
    const file = join(dir, 'sales-no-cost.csv');
    writeFileSync(file, `${lines.map((f) => f.filter((_, i) => i !== cost).join(',')).join('\n')}\n`);
    const view = psql(['-c', 'CREATE OR REPLACE VIEW sales_no_cost AS SELECT order_id, customer_id, date, product, quantity, amount, channel FROM sales'], database);
    expect(view.ok, view.stderr).toBe(true);
    expect(await compare(file, 'sales_no_cost', [], ['--order-id'])).toBe(300);
  });

  it('fixtures with --order-id and --cost, by week', async () => {
    expect(await compare(fixture('sales.csv'), 'sales', ['--period', 'week'], ['--order-id', '--cost'])).toBe(300);
  });

  it('fixtures with a calibration/holdout split and an as-of', async () => {
    expect(await compare(fixture('sales.csv'), 'sales', ['--calibration-end', '2025-06-30', '--as-of', '2025-12-29'], ['--order-id', '--cost'])).toBe(300);
  });

  it('CDNOW master (23,570 customers) by week with a calibration/holdout split, integer ids', async () => {
    const n = await compare(sharedData('cdnow_master_transactions.csv'), 'cdnow', ['--period', 'week', '--calibration-end', '1997-09-30', '--as-of', '1998-06-30'], []);
    expect(n).toBe(23570);
  }, 120_000);

  it('names the T column T, as crm summary does (PostgreSQL folds unquoted names to lower case)', async () => {
    const sql = await runCli(['sql', 'summary', '--dialect', 'postgres', '--table', 'sales']);
    expect(Object.keys(query(sql.stdout)[0])).toContain('T');
  });
});
