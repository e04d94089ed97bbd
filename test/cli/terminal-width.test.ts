/**
 * Terminal tables fit the terminal: on a terminal narrower than a table, columns on the right are left out and
 * named under it; --wide, a file or a pipe get every column.
 */
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/report/table.js';
import { fixture } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

const inputs = ['--customers', fixture('customers.csv'), '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '-q'];
const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

describe('renderTable within a width', () => {
  const headers = ['id', 'a long first column', 'second', 'third column'];
  const rows = [['1', 'xxxxxxxxxxxxxxxxxxxxxxxx', '12345', '678910']];

  it('leaves out columns from the right until the table fits, and names them', () => {
    const full = renderTable(headers, rows, { color: false });
    const fullWidth = widest(full);
    const cut = renderTable(headers, rows, { color: false, width: fullWidth - 1, wideHint: 'hint' });
    expect(widest(cut.split('\n').filter((l) => /^[│┌└├]/.test(l)).join('\n'))).toBeLessThanOrEqual(fullWidth - 1);
    expect(cut).toContain('1 more column not shown: third column (hint)');
    expect(cut).not.toContain('678910');
    expect(cut).toContain('12345');
  });

  it('keeps the first two columns however narrow, and changes nothing when the table fits', () => {
    const narrow = renderTable(headers, rows, { color: false, width: 5 });
    expect(narrow).toContain('a long first column');
    expect(narrow).toContain('2 more columns not shown: second, third column');
    const full = renderTable(headers, rows, { color: false });
    expect(renderTable(headers, rows, { color: false, width: widest(full) })).toBe(full);
  });
});

describe('crm on a terminal', () => {
  for (const [command, columns] of [
    ['report', 80],
    ['report', 60],
    ['value', 70],
    ['churn', 72],
    ['segment', 64],
    ['payments', 64],
  ] as const) {
    it(`${command} fits ${columns} columns, every line`, async () => {
      const args = command === 'segment' || command === 'value' || command === 'churn' ? inputs.filter((_, i) => i < 4 || i > 5) : inputs;
      const result = await runCli([command, ...args], { tty: true, env: { COLUMNS: String(columns), NO_COLOR: '1' } });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      for (const line of result.stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(columns);
      expect(result.stdout).toMatch(/more columns? not shown: [^(]*\(--wide\s+shows\s+all\)/);
    });
  }

  it('--wide, a pipe and -o get every column', async () => {
    const env = { COLUMNS: '60', NO_COLOR: '1' };
    const wide = await runCli(['report', ...inputs, '--wide'], { tty: true, env });
    expect(wide.code).toBe(0);
    expect(wide.stdout).not.toContain('not shown');
    expect(widest(wide.stdout)).toBeGreaterThan(60);
    const piped = await runCli(['value', ...inputs.filter((_, i) => i < 4 || i > 5), '-f', 'table'], { env });
    expect(piped.stdout).not.toContain('not shown');
    expect(piped.stdout).toContain('CLV range');
  });
});

describe('crm summary on a terminal', () => {
  const cells = (text: string, row: number): string[] => text.split('\n').filter((l) => l.startsWith('│'))[row].split('│').map((c) => c.trim());

  it('writes times in days as whole numbers, fractional units with two decimals', async () => {
    const days = await runCli(['summary', '--sales', fixture('sales.csv'), '-q', '-f', 'table', '--calibration-end', '2025-06-30']);
    const header = cells(days.stdout, 0);
    const first = cells(days.stdout, 1);
    for (const name of ['recency', 'T', 'duration_holdout', 'frequency']) expect(first[header.indexOf(name)], name).toMatch(/^\d[\d,]*$/);
    expect(first[header.indexOf('revenue')]).toMatch(/\.\d\d$/);
    const weeks = await runCli(['summary', '--sales', fixture('sales.csv'), '-q', '-f', 'table', '--period', 'week']);
    const weekHeader = cells(weeks.stdout, 0);
    const rows = weeks.stdout.split('\n').filter((l) => l.startsWith('│')).slice(1).map((l) => l.split('│').map((c) => c.trim()));
    expect(rows.some((r) => /\.\d\d$/.test(r[weekHeader.indexOf('T')]))).toBe(true);
  });
});
