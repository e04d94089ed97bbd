/** What the ingest step prints about the rows: escaped ids in warnings, formula-safe rejects. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

describe('ingest diagnostics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-inputs-'));

  it('the unknown-customer warning shows ids escaped and cut, never raw terminal escapes', async () => {
    const customers = join(dir, 'customers.csv');
    writeFileSync(customers, 'customer_id,region\nC1,north\n');
    const sales = join(dir, 'sales.csv');
    const hostile = `X\u001b[31mRED\u0007${'y'.repeat(200)}`;
    writeFileSync(sales, `customer_id,date,amount\nC1,2025-01-01,10\n"${hostile}",2025-01-02,5\n`);
    const r = await runCli(['summary', '--customers', customers, '--sales', sales, '--format', 'json', '--as-of', '2025-01-31']);
    expect(r.code).toBe(0);
    const line = r.stderr.split('\n').find((l) => l.includes('not in the customers file'))!;
    expect(line).toBeDefined();
    expect(line).not.toContain('\u001b');
    expect(line).not.toContain('\u0007');
    expect(line).toContain('\\x1B[31mRED');
    expect(line.length).toBeLessThan(250);
  });

  it('the rejects file is formula-safe in every cell a spreadsheet would run', async () => {
    const sales = join(dir, 'bad.csv');
    writeFileSync(sales, 'customer_id,date,amount\nC1,2025-01-01,10\n=HYPERLINK("x"),not-a-date,5\n');
    const rejects = join(dir, 'rejects.csv');
    const r = await runCli(['summary', '--sales', sales, '--skip-invalid', '--rejects', rejects, '--format', 'json', '--as-of', '2025-01-31']);
    expect(r.code).toBe(0);
    const text = readFileSync(rejects, 'utf8');
    expect(text).not.toMatch(/(^|,)"?=/m);
    expect(text).toContain("'=HYPERLINK");
  });
});
