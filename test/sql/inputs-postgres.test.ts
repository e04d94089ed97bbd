/**
 * Every input read straight from PostgreSQL (`--sales 'postgres://...?table=sales'`, a server-side cursor):
 * the same summary, report figures and row account as the CSV files the tables were loaded from; a query
 * instead of a table; a bad row reported at `table:row N:column`, or rejected under --skip-invalid.
 *
 * The server: the one the libpq environment names (PGHOST, PGUSER, ...; CI starts one with
 * scripts/pg-cluster.sh). Without a reachable server the tests are skipped with a message, except under CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { databaseUrl, postgresAvailable, psql } from '../helpers/postgres.js';
import { fixture, sharedData } from '../helpers/data.js';

const cdnowMaster = sharedData('cdnow_master_transactions.csv');

const available = postgresAvailable('PostgreSQL input tests');

const database = `crm_inputs_test_${process.pid}`;

const url = (extra = ''): string => databaseUrl(database, extra);

describe.skipIf(!available)('inputs read from PostgreSQL', () => {
  beforeAll(() => {
    psql(['-c', `DROP DATABASE IF EXISTS ${database}`]);
    const created = psql(['-c', `CREATE DATABASE ${database}`]);
    expect(created.ok, created.stderr).toBe(true);
    const load = psql([
      '-c', 'CREATE TABLE sales (order_id text, customer_id text, date date, product text, quantity integer, amount numeric(12,2), cost numeric(12,2), channel text)',
      '-c', `\\copy sales FROM '${fixture('sales.csv')}' WITH (FORMAT csv, HEADER true)`,
      '-c', 'CREATE TABLE customers (customer_id text, name text, region text, channel text, industry text, signup_date date)',
      '-c', `\\copy customers FROM '${fixture('customers.csv')}' WITH (FORMAT csv, HEADER true)`,
      '-c', 'CREATE TABLE payments (customer_id text, invoice_id text, invoice_date date, due_date date, amount numeric(12,2), paid_date date, paid_amount numeric(12,2))',
      '-c', `\\copy payments FROM '${fixture('payments.csv')}' WITH (FORMAT csv, HEADER true)`,
      '-c', 'CREATE TABLE cdnow (customer_id text, date date, quantity integer, amount double precision)',
      '-c', `\\copy cdnow FROM '${cdnowMaster}' WITH (FORMAT csv, HEADER true)`,
      '-c', 'CREATE TABLE bad_sales AS SELECT * FROM sales LIMIT 3',
      '-c', "INSERT INTO bad_sales VALUES ('O9', 'C000009', '2199-01-01', 'x', 1, 5, NULL, 'web'), ('O10', NULL, '2024-01-02', 'x', 1, 5, NULL, 'web')",
    ], database);
    expect(load.ok, load.stderr).toBe(true);
  }, 120_000);
  afterAll(() => {
    psql(['-c', `DROP DATABASE IF EXISTS ${database}`]);
  });

  it('crm summary --sales postgres://...?table= equals the CSV file, field for field', async () => {
    const fromFile = await runCli(['summary', '--sales', fixture('sales.csv'), '-f', 'csv', '-q']);
    const fromDb = await runCli(['summary', '--sales', url('table=sales'), '-f', 'csv', '-q']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromDb.code, fromDb.stderr).toBe(0);
    expect(fromDb.stdout).toBe(fromFile.stdout);
  });

  it('CDNOW master from a table (double precision amounts) equals the CSV, with --period week and a calibration split', async () => {
    const args = ['--period', 'week', '--calibration-end', '1997-09-30', '--as-of', '1998-06-30', '-f', 'csv', '-q'];
    const fromFile = await runCli(['summary', '--sales', cdnowMaster, ...args]);
    const fromDb = await runCli(['summary', '--sales', url('table=cdnow'), ...args]);
    expect(fromDb.code, fromDb.stderr).toBe(0);
    expect(fromDb.stdout.split('\n').length).toBeGreaterThan(2000);
    expect(fromDb.stdout).toBe(fromFile.stdout);
  }, 60_000);

  it('crm report with customers, sales and payments from tables: the same document and an account per table', async () => {
    const files = ['--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv')];
    const tables = ['--customers', url('table=customers'), '--sales', url('table=sales'), '--payments', url('table=payments')];
    const a = await runCli(['report', ...files, '-f', 'json', '-q']);
    const b = await runCli(['report', ...tables, '-f', 'json', '-q']);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const da = JSON.parse(a.stdout);
    const db = JSON.parse(b.stdout);
    for (const key of ['overview', 'segment', 'value', 'churn', 'payments', 'atRisk', 'kpi']) expect(db[key], key).toEqual(da[key]);
    const inputs = db.meta.inputs as { kind: string; file: string; read: number; used: number }[];
    expect(inputs.map((i) => i.kind).sort()).toEqual(['customers', 'payments', 'sales']);
    for (const input of inputs) {
      const twin = (da.meta.inputs as typeof inputs).find((i) => i.kind === input.kind)!;
      expect([input.read, input.used]).toEqual([twin.read, twin.used]);
      expect(input.file).toMatch(new RegExp(`^${input.kind} \\(postgres://`));
      expect(input.file).not.toContain('table=');
    }
  }, 60_000);

  it('a query instead of a table', async () => {
    const query = encodeURIComponent("SELECT customer_id, date, amount FROM sales WHERE channel = 'web'");
    const r = await runCli(['summary', '--sales', url(`query=${query}`), '-f', 'csv', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const web = psql(['-Atc', "SELECT count(DISTINCT customer_id) FROM sales WHERE channel = 'web'"], database);
    expect(r.stdout.trim().split('\n').length - 1).toBe(Number(web.stdout.trim()));
  });

  it('a bad row is an error at table:row N:column, or rejected and counted under --skip-invalid', async () => {
    const bad = await runCli(['summary', '--sales', url('table=bad_sales'), '-f', 'csv', '-q']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^crm: error: bad_sales \(postgres:\/\/[^)]*\):row 4:3: .*2199-01-01/);
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const skipped = await runCli(['summary', '--sales', url('table=bad_sales'), '--skip-invalid', '-f', 'json']);
    expect(skipped.code, skipped.stderr).toBe(0);
    const account = (JSON.parse(skipped.stdout).meta.inputs as { read: number; used: number; rejected: number }[])[0];
    expect(account).toMatchObject({ read: 5, used: 3, rejected: 2 });
  });

  it('a table that does not exist, and a URL without a table, are one-line errors', async () => {
    const missing = await runCli(['summary', '--sales', url('table=nope'), '-q']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/query failed: relation "nope" does not exist/);
    const noTable = await runCli(['summary', '--sales', url('').replace(/&$/, ''), '-q']);
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toMatch(/which table\?/);
  });
});
