/** A crm.config.json picked up from the working folder is named in the errors its values could cause; --no-config ignores it. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';

const sales = fixture('sales.csv');

function folderWithConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'crm-config-'));
  writeFileSync(join(dir, 'crm.config.json'), JSON.stringify(config));
  return dir;
}

describe('the config file in errors', () => {
  it('names the file and the settings it applied in a usage error', async () => {
    const cwd = folderWithConfig({ period: 'fortnight', margin: 0.3 });
    const r = await runCli(['value', '--sales', sales, '--format', 'json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/invalid --period "fortnight".*\(settings from crm\.config\.json: period, margin; --no-config ignores it\)/);
  });

  it('names it in an input error too (a mapping from the config can cause it)', async () => {
    const cwd = folderWithConfig({ map: { amount: 'Total' } });
    const r = await runCli(['summary', '--sales', sales, '--format', 'csv'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/settings from crm\.config\.json: map; --no-config ignores it/);
  });

  it('says nothing of a config that set nothing for the run, or when there is none', async () => {
    const r = await runCli(['summary', '--sales', join(tmpdir(), 'no-such-file.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/config/);
  });

  it('--no-config ignores the file in the working folder', async () => {
    const cwd = folderWithConfig({ period: 'fortnight' });
    const r = await runCli(['summary', '--sales', sales, '--format', 'csv', '--no-config'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^customer_id,/);
  });

  it('--config FILE names that file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-config-'));
    const file = join(dir, 'team.json');
    writeFileSync(file, JSON.stringify({ period: 'fortnight' }));
    const r = await runCli(['value', '--sales', sales, '--format', 'json', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`settings from ${file}: period`);
  });
});
