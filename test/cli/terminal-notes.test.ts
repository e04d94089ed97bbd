/** The terminal says what it leaves out: the cohort triangle stops at 12 periods and says where the rest is. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';

describe('terminal tables that are cut', () => {
  it('the cohort triangle shows months 0-12 and says how many there are', async () => {
    const r = await runCli(['churn', '--sales', fixture('sales.csv'), '--no-at-risk', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/months 0 to 12 of 36 shown; every month: --format csv --table cohorts\n/);
    const csv = await runCli(['churn', '--sales', fixture('sales.csv'), '--no-at-risk', '--format', 'csv', '--table', 'cohorts']);
    expect(csv.stdout.split('\n')[0].split(',').filter((h) => h.startsWith('period_'))).toHaveLength(36);
  });
});

describe('counts read as words', () => {
  it('one customer is "1 customer", not "1 customers"', async () => {
    const { counted } = await import('../../src/report/format.js');
    expect(counted(1, 'customer')).toBe('1 customer');
    expect(counted(0, 'customer')).toBe('0 customers');
    expect(counted(1234, 'customer')).toBe('1,234 customers');
    expect(counted(1, 'credit note')).toBe('1 credit note');
    expect(counted(2, 'credit note')).toBe('2 credit notes');
    const html = await runCli(['report', '--sales', fixture('sales.csv'), '--model', 'bgnbd', '--format', 'html', '--quiet']);
    expect(html.stdout).not.toMatch(/\b1 customers\b/);
    expect(html.stdout).toMatch(/\b1 customer\b/);
  });
});
