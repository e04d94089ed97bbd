/**
 * A caveat stands beside the numbers it concerns: under BG/NBD, P(alive) = 1 for customers who never bought
 * again is said under the segment table and in the JSON document (not only on stderr); the report's value by
 * segment has no always-empty columns.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';

const sales = fixture('sales.csv');

describe('caveats beside the numbers', () => {
  it('crm value under BG/NBD says how many customers get P(alive) = 1 by the model, under the table and in JSON', async () => {
    const csv = parse((await runCli(['value', '--sales', sales, '--model', 'bgnbd', '--interval', '0', '--format', 'csv', '--quiet'])).stdout, { columns: true }) as Record<string, string>[];
    const never = csv.filter((c) => Number(c.frequency) === 0);
    expect(never.length).toBeGreaterThan(0);
    expect(never.every((c) => Number(c.p_alive) === 1)).toBe(true);
    const table = await runCli(['value', '--sales', sales, '--model', 'bgnbd', '--interval', '0', '--format', 'table', '--quiet']);
    expect(table.stdout).toContain(`P(alive) under BG/NBD is 1 for the ${never.length} customers who never bought again`);
    const json = JSON.parse((await runCli(['value', '--sales', sales, '--model', 'bgnbd', '--interval', '0', '--format', 'json', '--quiet'])).stdout);
    expect(json.notes.some((n: string) => /BG\/NBD gives P\(alive\) = 1/.test(n))).toBe(true);
    const mbg = await runCli(['value', '--sales', sales, '--model', 'mbgnbd', '--interval', '0', '--format', 'table', '--quiet']);
    expect(mbg.code).toBe(0);
    expect(mbg.stdout).not.toContain('P(alive) under BG/NBD');
  });

  it("crm report's value by segment shows no column it cannot fill; crm value, which computes the baseline, shows them", async () => {
    const report = await runCli(['report', '--sales', sales, '--model', 'bgnbd', '--format', 'table', '--quiet'], { tty: true, env: { NO_COLOR: '1' } });
    const section = report.stdout.slice(report.stdout.indexOf('Value by RFM segment'));
    const header = section.split('\n').find((l) => l.includes('segment') && l.includes('CLV'))!;
    expect(header).not.toMatch(/ret\.\/yr|margin\/yr|formula/);
    const value = await runCli(['value', '--sales', sales, '--model', 'bgnbd', '--interval', '0', '--format', 'table', '--quiet']);
    expect(value.stdout).toMatch(/ret\.\/yr.*margin\/yr.*formula/);
  });
});
