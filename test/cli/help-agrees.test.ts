/**
 * Help and behaviour agree: every command's --help runs, every --format a command's help offers is accepted
 * by a real run on the fixtures, a command group without its subcommand is a usage error (exit 2), and a flag
 * other commands take is refused with the reason rather than "unknown option".
 */
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from '../helpers/run-cli.js';
import { fixture, projectRoot } from '../helpers/data.js';
import { commandPath, EXAMPLES } from '../../src/cli/examples.js';

const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {}, cwd: process.cwd() };
const sales = fixture('sales.csv');
const customers = fixture('customers.csv');
const payments = fixture('payments.csv');
const dir = mkdtempSync(join(tmpdir(), 'crm-help-'));
const contacts = join(dir, 'contacts.csv');
writeFileSync(contacts, 'customer_id,campaign,date,group\nC000001,spring,2025-03-01,treatment\nC000002,spring,2025-03-01,treatment\nC000003,spring,2025-03-01,control\nC000004,spring,2025-03-01,control\n');

/** The smallest real run of each command that has --format (a new command with --format must be added here). */
const RUNS: Record<string, string[]> = {
  report: ['--sales', sales, '--model', 'bgnbd', '-o', join(dir, 'report-out')],
  summary: ['--sales', sales],
  segment: ['--sales', sales, '--no-clusters'],
  fit: ['--sales', sales, '--model', 'bgnbd'],
  value: ['--sales', sales, '--model', 'bgnbd', '--interval', '0'],
  validate: ['--sales', sales, '--model', 'bgnbd', '--calibration-end', '2025-06-30'],
  churn: ['--sales', sales, '--no-at-risk'],
  payments: ['--customers', customers, '--sales', sales, '--payments', payments],
  profile: ['C000001', '--sales', sales, '--model', 'bgnbd'],
  kpi: ['--sales', sales],
  campaign: ['--sales', sales, '--contacts', contacts],
  inspect: [sales],
};

function commands(program: Command): Command[] {
  return program.commands.flatMap((c) => [c, ...commands(c)]);
}

function pathOf(c: Command): string[] {
  const names: string[] = [];
  for (let x: Command | null = c; x?.parent; x = x.parent) names.unshift(x.name());
  return names;
}

describe('help agrees with behaviour', () => {
  const all = commands(buildProgram(io as never));

  it('every command and subcommand prints its help and exits 0', async () => {
    expect(all.length).toBeGreaterThan(12);
    for (const c of all) {
      const r = await runCli([...pathOf(c), '--help']);
      expect(r.code, pathOf(c).join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: crm ${pathOf(c).join(' ')}`);
    }
  });

  const withFormat = all.filter((c) => c.options.some((o) => o.long === '--format' && (o.argChoices?.length ?? 0) > 0));

  it('knows a run for every command with --format', () => {
    expect(withFormat.map((c) => c.name()).filter((n) => n !== 'score' && RUNS[n] === undefined)).toEqual([]);
  });

  for (const name of Object.keys(RUNS)) {
    it(`crm ${name}: every --format its help offers is accepted`, async () => {
      const c = withFormat.find((x) => x.name() === name)!;
      const choices = c.options.find((o) => o.long === '--format')!.argChoices!;
      for (const format of choices) {
        let args = [name, ...RUNS[name], '--format', format, '--quiet'];
        if (name === 'report') args = format === 'csv' ? [...args.filter((a) => a !== '-o' && !a.endsWith('report-out')), '--output-dir', join(dir, 'csv-folder')] : args.map((a) => (a.endsWith('report-out') ? join(dir, `report.${format}`) : a));
        const r = await runCli(args);
        expect(r.stderr, `${name} --format ${format}`).not.toMatch(/invalid --format|unknown option/);
        expect(r.code, `${name} --format ${format}: ${r.stderr}`).toBe(0);
      }
    }, 60_000);
  }

  it('crm sql without a subcommand is a usage error with the help on stderr', async () => {
    const r = await runCli(['sql']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('summary');
    expect(r.stderr).toContain('score');
  });

  it('crm fit writes its parameters as CSV and NDJSON, every compared model', async () => {
    const csv = await runCli(['fit', '--sales', sales, '--format', 'csv', '--quiet']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('model,chosen,parameter,estimate,std_error,ci_low_95,ci_high_95,log_likelihood,aic,bic,trusted,customers,time_unit');
    const json = JSON.parse((await runCli(['fit', '--sales', sales, '--format', 'json', '--quiet'])).stdout);
    const chosen = lines.slice(1).map((l) => l.split(',')).filter((cells) => cells[1] === 'true');
    expect(chosen.map((cells) => cells[2])).toEqual(Object.keys(json.params));
    for (const cells of chosen) {
      expect(cells[0]).toBe(json.model);
      expect(Number(cells[3])).toBeCloseTo(json.params[cells[2]], 8);
      expect(Number(cells[4])).toBeCloseTo(json.stdErrors[cells[2]], 8);
    }
    // every compared model is in the table
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(json.comparison.map((c: { model: string }) => c.model)));
    const nd = await runCli(['fit', '--sales', sales, '--model', 'bgnbd', '--format', 'ndjson', '--quiet']);
    const rows = nd.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.parameter)).toEqual(['r', 'alpha', 'a', 'b']);
    expect(rows.every((r) => r.model === 'bgnbd' && r.time_unit === 'day')).toBe(true);
  });

  it('segment and churn refuse --period with the reason (not "unknown option"); a config value is ignored', async () => {
    for (const name of ['segment', 'churn']) {
      const r = await runCli([name, '--sales', sales, '--period', 'week', '--format', 'json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`crm ${name} does not take --period: `));
    }
    const config = join(dir, 'crm.config.json');
    writeFileSync(config, JSON.stringify({ period: 'week' }));
    const r = await runCli(['segment', '--sales', sales, '--no-clusters', '--format', 'json', '--quiet', '--config', config]);
    expect(r.code).toBe(0);
  });

  it('crm validate takes --model like every other command (and still --models)', async () => {
    const args = ['validate', '--sales', sales, '--calibration-end', '2025-06-30', '--format', 'json', '--quiet'];
    const a = await runCli([...args, '--model', 'bgnbd,mbgnbd']);
    const b = await runCli([...args, '--models', 'bgnbd,mbgnbd']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).models.map((m: { model: { model: string } }) => m.model.model)).toEqual(['bgnbd', 'mbgnbd']);
  });

  it('every command with inputs lists the columns each needs, and ends with examples', async () => {
    for (const c of all) {
      const path = commandPath(c);
      const r = await runCli([...path.split(' '), '--help']);
      if (c.options.some((o) => o.long === '--delimiter')) expect(r.stdout, path).toMatch(/Columns of each input[^\n]*\n(\s+(--)?\w+\s+\S.*\n)+/);
      if (c.commands.length > 0) continue; // a group (crm sql) shows its subcommands
      expect(EXAMPLES[path], `examples for crm ${path}`).toBeDefined();
      expect(r.stdout.trimEnd().endsWith(EXAMPLES[path].at(-1)!), path).toBe(true);
    }
  });

  it('every example of every help runs (from the project folder; outputs into a temporary one)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'crm-examples-'));
    const OUTPUTS = new Set(['-o', '--output', '--output-dir', '--save', '--out', '--model-file', '--summary']);
    for (const [path, examples] of Object.entries(EXAMPLES)) {
      for (const example of examples) {
        const words = example.split(' ').slice(1);
        const args = words.map((w, i) => (w.startsWith('fixtures/') ? join(projectRoot, w) : i > 0 && OUTPUTS.has(words[i - 1]) ? join(out, w) : w));
        const r = await runCli(args);
        expect(r.code, `${path}: ${example}: ${r.stderr}`).toBe(0);
      }
    }
  }, 120_000);
});
