/**
 * PostgreSQL as a source and a target of scoring: crm sql score --dialect postgres run on the server equals
 * crm score to 1e-9; crm score --db/--summary postgres://... (a server-side cursor) equals crm score on the
 * same rows as a CSV file; crm fit --summary postgres://...?table= fits the same model; a bad row is
 * reported at `table:row N:column`.
 *
 * The server: the one the libpq environment names (PGHOST, PGUSER, ...; CI starts one with
 * scripts/pg-cluster.sh). Without a reachable server the tests are skipped with a message, except under CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/run-cli.js';
import { databaseUrl, postgresAvailable, psql } from '../helpers/postgres.js';
import { fixture } from '../helpers/data.js';

const available = postgresAvailable('PostgreSQL scoring tests');

const database = `crm_score_test_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'crm-pg-score-'));
const summary = join(dir, 'summary.csv');
const models = { bgnbd: join(dir, 'bg.json'), mbgnbd: join(dir, 'mbg.json'), gammagamma: join(dir, 'gg.json') };
type Row = Record<string, string>;
const rows = (csv: string): Row[] => parse(csv, { columns: true }) as Row[];

const url = (extra = ''): string => databaseUrl(database, extra);

describe.skipIf(!available)('crm score and crm sql score on PostgreSQL', () => {
  beforeAll(async () => {
    const s = await runCli(['summary', '--sales', fixture('sales.csv'), '--period', 'week', '-f', 'csv', '-q']);
    expect(s.code, s.stderr).toBe(0);
    const base = rows(s.stdout).map((r) => [r.customer_id, r.frequency, r.recency, r.T, r.monetary_value].join(','));
    writeFileSync(summary, `customer_id,frequency,recency,T,monetary_value\n${base.join('\n')}\nX1,300,1,600,10\nX2,0,0,0,0\n`);
    for (const [model, file] of Object.entries(models)) {
      const r = await runCli(['fit', '--model', model, '--summary', summary, '--period', 'week', '--save', file, '-f', 'json', '-q']);
      expect(r.code, r.stderr).toBe(0);
    }
    psql(['-c', `DROP DATABASE IF EXISTS ${database}`]);
    const created = psql(['-c', `CREATE DATABASE ${database}`]);
    expect(created.ok, created.stderr).toBe(true);
    const load = psql([
      '-c', 'CREATE TABLE shop_summary (customer_id text, frequency integer, recency double precision, "T" double precision, monetary_value double precision)',
      '-c', `\\copy shop_summary FROM '${summary}' WITH (FORMAT csv, HEADER true)`,
      '-c', 'CREATE TABLE bad_summary AS SELECT * FROM shop_summary LIMIT 0',
      '-c', "INSERT INTO bad_summary VALUES ('A', 1, 2, 3, 10), ('B', 2, 9, 3, 10), ('C', 0, 0, 1, 0)",
    ], database);
    expect(load.ok, load.stderr).toBe(true);
  }, 60_000);
  afterAll(() => {
    psql(['-c', `DROP DATABASE IF EXISTS ${database}`]);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const model of ['bgnbd', 'mbgnbd'] as const) {
    it(`crm sql score --dialect postgres (${model}) equals crm score to 1e-9`, async () => {
      const sql = await runCli(['sql', 'score', '--dialect', 'postgres', '--table', 'shop_summary', '--model-file', models[model]]);
      expect(sql.code, sql.stderr).toBe(0);
      const file = join(dir, `score-${model}.sql`);
      writeFileSync(file, sql.stdout);
      const r = psql(['--csv', '-f', file], database);
      expect(r.ok, r.stderr).toBe(true);
      const theirs = rows(r.stdout);
      const ours = await runCli(['score', '--summary', summary, '--model-file', models[model], '-q']);
      expect(ours.code, ours.stderr).toBe(0);
      const byId = new Map(rows(ours.stdout).map((o) => [o.customer_id, o]));
      expect(theirs).toHaveLength(byId.size);
      for (const t of theirs) {
        const o = byId.get(t.customer_id)!;
        for (const col of ['p_alive', 'p_purchase_30d', 'p_purchase_90d']) {
          expect(Math.abs(Number(t[col]) - Number(o[col])), `${col} of ${t.customer_id}`).toBeLessThanOrEqual(1e-9);
        }
      }
    });
  }

  it('crm score --db URL --table equals crm score on the CSV file, row for row', async () => {
    const args = ['--model-file', models.bgnbd, '--spend-model-file', models.gammagamma, '--horizon', '6', '--horizon-unit', 'month', '-q'];
    const file = await runCli(['score', '--summary', summary, ...args]);
    const db = await runCli(['score', '--db', url(), '--table', 'shop_summary', ...args]);
    expect(db.code, db.stderr).toBe(0);
    const byId = new Map(rows(file.stdout).map((o) => [o.customer_id, o]));
    const fromDb = rows(db.stdout);
    expect(fromDb).toHaveLength(byId.size);
    for (const d of fromDb) expect(d).toEqual(byId.get(d.customer_id));
    // A query, and the URL form of --summary.
    const q = await runCli(['score', '--summary', url(), '--query', 'SELECT * FROM shop_summary WHERE frequency > 0', ...args]);
    expect(q.code, q.stderr).toBe(0);
    expect(rows(q.stdout).length).toBe([...byId.values()].filter((o) => Number(o.frequency) > 0).length);
  });

  it('crm fit --summary postgres://...?table= fits what the CSV file fits', async () => {
    const fromDb = await runCli(['fit', '--model', 'bgnbd', '--summary', url('table=shop_summary'), '--period', 'week', '-f', 'json', '-q']);
    expect(fromDb.code, fromDb.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(models.bgnbd, 'utf8')) as { params: Record<string, number>; logLikelihood: number };
    const fitted = JSON.parse(fromDb.stdout) as { params: Record<string, number>; logLikelihood: number };
    expect(fitted.params).toEqual(saved.params);
    expect(fitted.logLikelihood).toBe(saved.logLikelihood);
  });

  it('reports a bad row at table:row N:column, and a missing table', async () => {
    const r = await runCli(['score', '--db', url(), '--table', 'bad_summary', '--model-file', models.bgnbd]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad_summary \(postgres:\/\/[^)]*\):row 2:3: recency 9 is greater than T 3/);
    const missing = await runCli(['score', '--db', url(), '--table', 'no_such_table', '--model-file', models.bgnbd]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/query failed: relation "no_such_table" does not exist/);
    const noTable = await runCli(['score', '--db', url(), '--model-file', models.bgnbd]);
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toMatch(/which table\?/);
  });
});
