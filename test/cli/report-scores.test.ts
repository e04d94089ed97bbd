/**
 * crm report --scores FILE: the per-customer scores beside any format (the CSV folder's customers.csv, the
 * same rows), as CSV or NDJSON; a file of another kind is a usage error.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

const inputs = ['--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--model', 'bgnbd', '-q'];
const dir = mkdtempSync(join(tmpdir(), 'crm-scores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crm report --scores', () => {
  it('writes one row per customer, the same as customers.csv of the CSV folder, next to the JSON document', async () => {
    const scores = join(dir, 'scores.csv');
    const r = await runCli(['report', ...inputs, '--format', 'json', '--scores', scores]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const rows = parse(readFileSync(scores, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(doc.perCustomer.customers);
    expect(Object.keys(rows[0])).toEqual([
      'customer_id', 'first_purchase', 'last_purchase', 'transactions', 'frequency', 'recency_days', 'T_days', 'monetary_value', 'revenue', 'margin',
      'R', 'F', 'M', 'segment', 'abc', 'cluster', 'p_alive', 'expected_transactions', 'expected_spend', 'clv', 'stage', 'payment_class', 'outstanding', 'as_of',
    ]);
    // the scores sum to the document's aggregates
    const equity = rows.reduce((s, row) => s + Number(row.clv), 0);
    expect(equity).toBeCloseTo(doc.value.equity, 6);
    const stages = new Map<string, number>();
    for (const row of rows) stages.set(row.stage, (stages.get(row.stage) ?? 0) + 1);
    for (const s of doc.churn.lifecycle.stages as { stage: string; customers: number }[]) expect(stages.get(s.stage) ?? 0).toBe(s.customers);
    const folder = join(dir, 'folder');
    expect((await runCli(['report', ...inputs, '--output-dir', folder, '--precision', 'full'])).code).toBe(0);
    const fromFolder = parse(readFileSync(join(folder, 'customers.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(fromFolder).toEqual(rows);
  });

  it('NDJSON: one object per customer with the same names', async () => {
    const scores = join(dir, 'scores.ndjson');
    const r = await runCli(['report', ...inputs, '--format', 'json', '--scores', scores]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(scores, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(300);
    expect(lines[0]).toMatchObject({ customer_id: 'C000001', as_of: '2025-12-29' });
    expect(typeof lines[0].clv).toBe('number');
  });

  it('refuses a file that is neither .csv nor .ndjson, and an input as the scores file', async () => {
    const bad = await runCli(['report', ...inputs, '--format', 'json', '--scores', join(dir, 'scores.xlsx')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--scores .*scores\.xlsx: the file must end in \.csv, \.ndjson or \.jsonl/);
    const overwrite = await runCli(['report', ...inputs, '--format', 'json', '--scores', fixture('sales.csv')]);
    expect(overwrite.code).toBe(2);
  });
});
