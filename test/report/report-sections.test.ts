/**
 * crm report never leaves a section silently empty: a section that cannot be computed carries its reason in
 * every format (terminal, JSON `{ error }` + `notes`, CSV folder notes.txt, HTML), the other sections are
 * still computed, and `--strict` turns an incomplete run into exit 1 (after writing the report).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { runCli } from '../helpers/run-cli.js';
import { fixture, projectRoot } from '../helpers/data.js';

/** 40 customers who each bought once in March 2025: no purchase model can be fitted to them. */
function oneTimeBuyers(dir: string): string {
  const lines = ['order_id,customer_id,date,amount'];
  for (let i = 1; i <= 40; i++) lines.push(`O${i},C${i},2025-03-${String((i % 28) + 1).padStart(2, '0')},${10 + i}.50`);
  const file = join(dir, 'onetime.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const schema = JSON.parse(readFileSync(join(projectRoot, 'docs', 'report.schema.json'), 'utf8'));

describe('crm report: sections that cannot be computed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-sections-'));
  const sales = oneTimeBuyers(dir);
  const args = ['report', '--sales', sales, '--as-of', '2025-04-30'];

  it('JSON: the failed sections are { error } with the reason, the others are computed, and the document is schema-valid', async () => {
    const r = await runCli([...args, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(3);
    expect(typeof doc.value.error).toBe('string');
    expect(doc.value.error.length).toBeGreaterThan(10);
    expect(typeof doc.atRisk.error).toBe('string');
    expect(doc.errors.value).toBe(doc.value.error);
    // The sections that do not need the valuation are all there.
    expect(doc.segment.totals.customers).toBe(40);
    expect(doc.churn.cohorts.cohorts.length).toBeGreaterThan(0);
    expect(Array.isArray(doc.notes)).toBe(true);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    // The reason is on stderr too, once.
    expect(r.stderr.split('\n').filter((l) => l.includes('customer value not computed'))).toHaveLength(1);
  });

  it('terminal: the section keeps its heading with the reason, and nothing is repeated on stderr', async () => {
    const r = await runCli([...args, '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Customer value and equity\s+Not computed: /);
    expect(r.stdout).toMatch(/At risk\s+Not computed: /);
    expect(r.stderr).toBe('');
  });

  it('HTML: the section is in the page with its reason', async () => {
    const r = await runCli([...args, '--format', 'json']);
    const reason = JSON.parse(r.stdout).value.error as string;
    const out = join(dir, 'report.html');
    const h = await runCli([...args, '--format', 'html', '--output', out]);
    expect(h.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    const value = html.slice(html.indexOf('<section id="value"'), html.indexOf('</section>', html.indexOf('<section id="value"')));
    expect(value).toContain('Not computed');
    expect(value).toContain(reason.replace(/'/g, '&#39;').slice(0, 30));
    expect(html).toContain('<section id="at-risk"');
  });

  it('CSV folder: notes.txt names every section not computed and why', async () => {
    const out = join(dir, 'csv');
    const r = await runCli([...args, '--format', 'csv', '--output-dir', out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toContain('notes.txt');
    const notes = readFileSync(join(out, 'notes.txt'), 'utf8');
    expect(notes).toMatch(/Sections not computed\ncustomer value: .+\nat-risk list: .+/);
    expect(notes).toContain('sales ');
  });

  it('--strict: the report is written, and the run exits 1 naming what is missing', async () => {
    const out = join(dir, 'strict.json');
    const r = await runCli([...args, '--format', 'json', '--output', out, '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/crm: error: --strict: .*customer value not computed/);
    expect(r.stderr.trim().split('\n').at(-1)).not.toContain('\n');
    expect(JSON.parse(readFileSync(out, 'utf8')).value.error).toBeTruthy();
  });

  it('--strict on a complete, clean run exits 0 and every format says there is nothing missing', async () => {
    const inputs = ['--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv')];
    const r = await runCli(['report', ...inputs, '--format', 'json', '--strict']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.errors).toEqual({});
    expect(doc.perCustomer.customers).toBe(300);
    expect(doc.value.equity).toBeGreaterThan(0);
    const out = join(dir, 'clean');
    await runCli(['report', ...inputs, '--format', 'csv', '--output-dir', out]);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toContain('Sections not computed\nnone');
  });

  it('crm churn: an at-risk list that cannot be made is { error } in JSON with a note, a line in the table, exit 1 with --strict', async () => {
    const churn = ['churn', '--sales', sales, '--as-of', '2025-04-30'];
    const json = await runCli([...churn, '--format', 'json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.atRisk.error).toMatch(/repeat purchase/);
    expect(doc.notes.some((n: string) => n.startsWith('warning: at-risk list not computed'))).toBe(true);
    expect(doc.cohorts.cohorts.length).toBeGreaterThan(0);
    const table = await runCli([...churn, '--format', 'table']);
    expect(table.stdout).toContain(`At-risk list not computed: ${doc.atRisk.error}`);
    expect(table.stdout.split('At-risk list not computed').length).toBe(2);
    const csv = await runCli([...churn, '--format', 'csv', '--table', 'at-risk']);
    expect(csv.code).toBe(1);
    expect(csv.stderr).toContain('no at-risk list: ');
    const strict = await runCli([...churn, '--format', 'json', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('"error"');
  });
});
