/** The report's customers.csv names recency and T by the unit actually written (a week is not a day). */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';
import { timeUnitSuffix } from '../../src/report/csv/report.js';

async function customers(period: string[]): Promise<Record<string, string>[]> {
  const dir = join(mkdtempSync(join(tmpdir(), 'crm-units-')), 'out');
  const r = await runCli(['report', '--sales', fixture('sales.csv'), '--model', 'bgnbd', '--output-dir', dir, '--precision', 'full', '--quiet', ...period]);
  expect(r.code, r.stderr).toBe(0);
  return parse(readFileSync(join(dir, 'customers.csv')), { columns: true });
}

describe('report customers.csv time units', () => {
  it('says days by default and weeks under --period week, with values 7 times smaller', async () => {
    const days = await customers([]);
    const weeks = await customers(['--period', 'week']);
    expect(Object.keys(days[0])).toContain('recency_days');
    expect(Object.keys(days[0])).toContain('T_days');
    expect(Object.keys(weeks[0])).toContain('recency_weeks');
    expect(Object.keys(weeks[0])).toContain('T_weeks');
    expect(Object.keys(weeks[0])).not.toContain('recency_days');
    for (let i = 0; i < 20; i++) {
      expect(Number(weeks[i].recency_weeks)).toBeCloseTo(Number(days[i].recency_days) / 7, 6);
      expect(Number(weeks[i].T_weeks)).toBeCloseTo(Number(days[i].T_days) / 7, 6);
    }
  });

  it('names other periods by their length', () => {
    expect(timeUnitSuffix({ name: 'month', days: 365.25 / 12 })).toBe('months');
    expect(timeUnitSuffix({ name: '14 days', days: 14 })).toBe('periods_14d');
  });

  it('the HTML header says the units of the summary and of the model parameters (weeks in the report)', async () => {
    const r = await runCli(['report', '--sales', fixture('sales.csv'), '--model', 'bgnbd', '--format', 'html', '--quiet']);
    expect(r.code).toBe(0);
    const meta = /<p class="meta">([\s\S]*?)<\/p>/.exec(r.stdout)![1];
    expect(meta).toContain('summary in days, model parameters in weeks');
    expect(meta).not.toContain('time unit day');
    const doc = JSON.parse((await runCli(['report', '--sales', fixture('sales.csv'), '--model', 'bgnbd', '--format', 'json', '--quiet'])).stdout);
    expect(doc.value.period.name).toBe('week');
  });
});
