/** crm report: schema-valid JSON, deterministic, CSV folder that round-trips, formula safety, atomic outputs. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Ajv } from 'ajv';
import { runCli } from '../helpers/run-cli.js';
import { fixture, projectRoot } from '../helpers/data.js';

const inputs = ['--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--model', 'bgnbd'];

describe('crm report', () => {
  it('JSON validates against docs/report.schema.json, and two runs with the same as-of are identical', async () => {
    const a = await runCli(['report', ...inputs, '--as-of', '2025-12-29', '--format', 'json']);
    expect(a.code).toBe(0);
    const doc = JSON.parse(a.stdout);
    const schema = JSON.parse(readFileSync(join(projectRoot, 'docs', 'report.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.meta.inputs.map((i: { kind: string }) => i.kind)).toEqual(['customers', 'sales', 'payments']);
    const b = await runCli(['report', ...inputs, '--as-of', '2025-12-29', '--format', 'json']);
    expect(b.stdout).toBe(a.stdout);
    // Aggregates only by default: no rows per customer, and the document says so.
    expect(doc.perCustomer).toEqual({ included: false, customers: 300 });
    for (const rows of [doc.summary, doc.segment.customers, doc.value.customers, doc.payments.customers, doc.churn.lifecycle.customers]) expect(rows).toBeUndefined();
    // --per-customer: the rows too, schema-valid, and the sections agree with each other.
    const full = JSON.parse((await runCli(['report', ...inputs, '--as-of', '2025-12-29', '--format', 'json', '--per-customer'])).stdout);
    expect(validate(full)).toBe(true);
    expect(full.perCustomer).toEqual({ included: true, customers: 300 });
    expect(full.summary).toHaveLength(doc.overview.customers);
    expect(full.segment.customers).toHaveLength(doc.overview.customers);
    expect(full.value.customers).toHaveLength(doc.overview.customers);
    expect({ ...full, summary: undefined, perCustomer: undefined, segment: { ...full.segment, customers: undefined }, value: { ...full.value, customers: undefined } }.overview).toEqual(doc.overview);
    expect(full.value.equity).toBe(doc.value.equity);
  });

  it('CSV folder: one file per table, round-trips through csv-parse, formula injection neutralised (and not when asked)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-report-'));
    const customers = join(dir, 'customers.csv');
    writeFileSync(customers, readFileSync(fixture('customers.csv'), 'utf8'));
    const sales = join(dir, 'sales.csv');
    // A customer id that a spreadsheet would run as a formula.
    writeFileSync(sales, `${readFileSync(fixture('sales.csv'), 'utf8')}X1,"=HYPERLINK(""http://evil"")",2025-12-01,basic,1,10.00,5.00,web\n`);
    const out = join(dir, 'out');
    const r = await runCli(['report', '--sales', sales, '--model', 'bgnbd', '--format', 'csv', '--output-dir', out, '--dated']);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toContain('customers-2025-12-29.csv');
    expect(files).toContain('segments-2025-12-29.csv');
    expect(files).toContain('cohorts-2025-12-29.csv');
    const rows = parse(readFileSync(join(out, 'customers-2025-12-29.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(301);
    const evil = rows.find((row) => row.customer_id.includes('HYPERLINK'))!;
    expect(evil.customer_id).toBe(`'=HYPERLINK("http://evil")`);
    // Numbers stay numbers: revenue of a fixture customer equals the JSON value.
    const json = JSON.parse((await runCli(['report', '--sales', sales, '--model', 'bgnbd', '--format', 'json', '--per-customer'])).stdout);
    const first = json.summary.find((c: { id: string }) => c.id === 'C000001');
    expect(Number(rows.find((row) => row.customer_id === first.id)!.revenue)).toBeCloseTo(first.revenue, 8);
    const raw = join(dir, 'raw');
    await runCli(['report', '--sales', sales, '--model', 'bgnbd', '--format', 'csv', '--output-dir', raw, '--no-formula-safe']);
    const rawRows = parse(readFileSync(join(raw, 'customers.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rawRows.some((row) => row.customer_id === '=HYPERLINK("http://evil")')).toBe(true);
  });

  it('a failing run leaves the previous report in place and exits non-zero with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-report-'));
    const out = join(dir, 'report.html');
    writeFileSync(out, 'last week\n');
    const r = await runCli(['report', '--sales', fixture('broken/bad-date.csv'), '--format', 'html', '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(out, 'utf8')).toBe('last week\n');
    const quiet = await runCli(['report', ...inputs, '--format', 'html', '--output', out, '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    expect(existsSync(out)).toBe(true);
  });

  it('the terminal report fits in 100 columns and has every section', async () => {
    const r = await runCli(['report', ...inputs, '--format', 'table']);
    expect(r.code).toBe(0);
    const width = Math.max(...r.stdout.split('\n').map((l) => [...l].length));
    expect(width).toBeLessThanOrEqual(100);
    for (const section of ['Data accounting', 'Portfolio overview', 'Segments', 'Customer value and equity', 'Retention and survival', 'Payments and ageing', 'At risk']) {
      expect(r.stdout).toContain(section);
    }
  });
});

describe('progress on stderr', () => {
  it('shows a progress line only when stderr is a terminal, and erases it', async () => {
    const tty = await runCli(['summary', '--sales', fixture('sales.csv'), '--format', 'csv'], { stderrTty: true });
    expect(tty.stderr).toMatch(/\r\u001b\[Kcrm: reading .*sales\.csv \[#+\.*\] +\d+% 0\.1 MB/);
    expect(tty.stderr).toContain('\r\u001b[K');
    const quiet = await runCli(['summary', '--sales', fixture('sales.csv'), '--format', 'csv', '--quiet'], { stderrTty: true });
    expect(quiet.stderr).toBe('');
    const piped = await runCli(['summary', '--sales', fixture('sales.csv'), '--format', 'csv']);
    expect(piped.stderr).not.toMatch(/reading/);
  });
});

describe('crm report with the default model choice', () => {
  it('fits the three purchase models on the fixtures and values with the lowest BIC', async () => {
    const started = Date.now();
    const r = await runCli(['report', '--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    const doc = JSON.parse(r.stdout);
    const fits = await runCli(['fit', '--sales', fixture('sales.csv'), '--period', 'week', '--format', 'json']);
    const comparison = JSON.parse(fits.stdout).comparison as { model: string; bic: number }[];
    expect(comparison).toHaveLength(3);
    expect(doc.value.purchaseModel.model).toBe(comparison[0].model);
  });
});
