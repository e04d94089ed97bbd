/** crm report --dated names the output by the as-of date (in a folder too); HTML is never written to a terminal. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';
import { datedOutput } from '../../src/cli/commands/report.js';

const sales = fixture('sales.csv');
const base = ['report', '--sales', sales, '--model', 'bgnbd', '--quiet'];

describe('crm report --dated', () => {
  it('writes report-<as-of>.<ext> into a folder given with -o', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-dated-'));
    for (const [format, ext] of [['html', 'html'], ['json', 'json'], ['table', 'txt']]) {
      const r = await runCli([...base, '--format', format, '-o', dir, '--dated']);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(dir, `report-2025-12-29.${ext}`))).toBe(true);
    }
    expect(readdirSync(dir).sort()).toEqual(['report-2025-12-29.html', 'report-2025-12-29.json', 'report-2025-12-29.txt']);
  });

  it('puts the date before the extension of a file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-dated-'));
    const r = await runCli([...base, '-o', join(dir, 'weekly.html'), '--dated']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(['weekly-2025-12-29.html']);
    expect(datedOutput('out/report', '2025-01-31', 'json')).toBe('out/report-2025-01-31');
    expect(datedOutput('out/', '2025-01-31', 'json')).toBe(join('out', 'report-2025-01-31.json'));
  });

  it('is a usage error without -o (there is no file to name)', async () => {
    const r = await runCli([...base, '--format', 'json', '--dated']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--dated names the output/);
  });

  it('never writes HTML to a terminal (a hint says -o), but does into a pipe', async () => {
    const tty = await runCli([...base, '--format', 'html'], { tty: true });
    expect(tty.code).toBe(2);
    expect(tty.stdout).toBe('');
    expect(tty.stderr).toMatch(/not written to a terminal.*-o report\.html/);
    const pipe = await runCli([...base, '--format', 'html']);
    expect(pipe.code).toBe(0);
    expect(pipe.stdout).toMatch(/^<!DOCTYPE html>/i);
  });
});
