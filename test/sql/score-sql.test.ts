/**
 * crm sql score on DuckDB (embedded) against crm score to 1e-9, with extreme rows for the exp() guards; the
 * BigQuery and Spark texts of crm sql summary and score parsed by node-sql-parser (not executed here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import nodeSqlParser from 'node-sql-parser';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-sql-score-'));
const summary = join(dir, 'summary.csv');
const models = { bgnbd: join(dir, 'bg.json'), mbgnbd: join(dir, 'mbg.json') };
// Extreme rows: log-odds far beyond ±700 and a first purchase on the as-of day.
const EXTRA = 'X1,300,1,600,10\nX2,0,0,0,0\nX3,1,0.1428571,0.1428571,5\nX4,2000,700,700,1\n';

beforeAll(async () => {
  const s = await runCli(['summary', '--sales', fixture('sales.csv'), '--period', 'week', '-f', 'csv', '-q']);
  expect(s.code, s.stderr).toBe(0);
  const rows = parse(s.stdout, { columns: true }) as Record<string, string>[];
  writeFileSync(summary, `customer_id,frequency,recency,T,monetary_value\n${rows.map((r) => [r.customer_id, r.frequency, r.recency, r.T, r.monetary_value].join(',')).join('\n')}\n${EXTRA}`);
  for (const [model, file] of Object.entries(models)) {
    const r = await runCli(['fit', '--model', model, '--summary', summary, '--period', 'week', '--save', file, '-f', 'json', '-q']);
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** crm score's columns by customer. */
export async function crmScores(file: string, model: string): Promise<Map<string, Record<string, string>>> {
  const r = await runCli(['score', '--summary', file, '--model-file', model, '-q']);
  expect(r.code, r.stderr).toBe(0);
  return new Map((parse(r.stdout, { columns: true }) as Record<string, string>[]).map((row) => [row.customer_id, row]));
}

/** Every row of the SQL result equal to crm score's to 1e-9. */
export function expectSameScores(sqlRows: Record<string, unknown>[], ours: Map<string, Record<string, string>>): void {
  expect(sqlRows).toHaveLength(ours.size);
  for (const row of sqlRows) {
    const o = ours.get(String(row.customer_id));
    expect(o, String(row.customer_id)).toBeDefined();
    for (const col of ['p_alive', 'p_purchase_30d', 'p_purchase_90d']) {
      expect(Math.abs(Number(row[col]) - Number(o![col])), `${col} of ${String(row.customer_id)}: ${String(row[col])} vs ${o![col]}`).toBeLessThanOrEqual(1e-9);
    }
  }
}

describe('crm sql score --dialect duckdb', () => {
  for (const model of ['bgnbd', 'mbgnbd'] as const) {
    it(`${model}: P(alive) and P(purchase within 30/90 days) equal crm score's to 1e-9`, async () => {
      const sql = await runCli(['sql', 'score', '--dialect', 'duckdb', '--model-file', models[model], '--table', `read_csv('${summary}', header = true)`]);
      expect(sql.code, sql.stderr).toBe(0);
      const db = await DuckDBInstance.create(':memory:');
      const connection = await db.connect();
      const rows = (await connection.runAndReadAll(sql.stdout)).getRowObjectsJson() as Record<string, unknown>[];
      const ours = await crmScores(summary, models[model]);
      expectSameScores(rows, ours);
      // The guards: P(alive) of X1 underflows to 0 (log-odds > 700), X2 (T = 0) is alive.
      const byId = new Map(rows.map((r) => [String(r.customer_id), r]));
      expect(Number(byId.get('X1')!.p_alive)).toBeLessThan(1e-200);
      if (model === 'bgnbd') expect(Number(byId.get('X2')!.p_alive)).toBe(1);
      expect(Number(byId.get('X4')!.p_purchase_30d)).toBeGreaterThan(0);
    });
  }

  it('maps columns and refuses Pareto/NBD', async () => {
    const sql = await runCli(['sql', 'score', '--model-file', models.bgnbd, '--table', 'rfm', '--map', 'frequency=x,recency=t_x,T=age']);
    expect(sql.code, sql.stderr).toBe(0);
    expect(sql.stdout).toMatch(/CAST\("x" AS DOUBLE\) AS x, CAST\("t_x" AS DOUBLE\) AS tx, CAST\("age" AS DOUBLE\) AS t_cal/);
    const pareto = join(dir, 'pareto.json');
    writeFileSync(pareto, JSON.stringify({ model: 'paretonbd', params: { r: 1, alpha: 1, s: 1, beta: 1 }, period: { name: 'week', days: 7 } }));
    const p = await runCli(['sql', 'score', '--model-file', pareto]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/not supported yet/);
  });
});

describe('BigQuery and Spark texts parse (node-sql-parser; not executed here)', () => {
  const parser = new nodeSqlParser.Parser();
  const texts: [string, string[]][] = [
    ['summary', ['--table', 'shop.sales']],
    ['summary', ['--table', 'shop.sales', '--order-id', '--cost', '--as-of', '2024-12-31', '--calibration-end', '2024-06-30', '--period', 'week']],
    ['score', ['--table', 'shop.summary']],
  ];
  for (const [database, dialect] of [['BigQuery', 'bigquery'], ['Hive', 'spark']] as const) {
    for (const [kind, args] of texts) {
      it(`${dialect} ${kind} ${args.slice(2).join(' ')}`.trim(), async () => {
        const extra = kind === 'score' ? ['--model-file', models.bgnbd] : [];
        const r = await runCli(['sql', kind, '--dialect', dialect, ...args, ...extra]);
        expect(r.code, r.stderr).toBe(0);
        const text = r.stdout.replace(/^--.*\n/gm, '');
        expect(() => parser.astify(text, { database })).not.toThrow();
        // A typo does not parse: the parser is not accepting everything.
        expect(() => parser.astify(text.replace('FROM', 'FORM'), { database })).toThrow();
      });
    }
  }
});
