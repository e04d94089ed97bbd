/** The config file of docs/config.md: input paths, mappings, per-input settings and command sections. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture, projectRoot } from '../helpers/data.js';

describe('crm.config.json', () => {
  it('the complete example of docs/config.md parses and its precedence holds', async () => {
    const text = readFileSync(join(projectRoot, 'docs', 'config.md'), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(text)![1]);
    expect(example.commands.report.model).toBe('auto');
    const cwd = mkdtempSync(join(tmpdir(), 'crm-cfg-'));
    // Input paths and a command section; payments is both an input path and a command.
    writeFileSync(join(cwd, 'crm.config.json'), JSON.stringify({
      sales: fixture('sales.csv'),
      payments: fixture('payments.csv'),
      commands: { payments: { top: 3 }, summary: { period: 'week' } },
    }));
    const pay = await runCli(['payments', '--format', 'json'], { cwd });
    expect(pay.code).toBe(0);
    expect(JSON.parse(pay.stdout).topDebtors).toHaveLength(3);
    const summary = await runCli(['summary', '--format', 'json'], { cwd });
    expect(JSON.parse(summary.stdout).meta.period.name).toBe('week');
    const cli = await runCli(['summary', '--format', 'json', '--period', 'day'], { cwd });
    expect(JSON.parse(cli.stdout).meta.period.name).toBe('day');
  });
});
