/**
 * Fuzz: a few hundred seeded mutations of the fixtures (bytes flipped, quotes and delimiters inserted, lines
 * cut, duplicated or truncated, invalid UTF-8, huge numbers, odd dates, BOMs, NULs, CRLF), run through the
 * commands. Every run must end with exit code 0, 1 or 2, in one line of error without a stack trace or an
 * "internal error", account for every row it read (read = used + rejected + excluded), and write no file
 * but the output it was asked for. Seeded: a failure names the seed and the mutation, so it can be replayed
 * with CRM_FUZZ_SEED=<seed>.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { fixture, projectRoot } from '../helpers/data.js';

/** mulberry32: a small seeded generator. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = { name: string; apply: (lines: string[], rnd: () => number) => string[] | Buffer };

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const row = (lines: string[], rnd: () => number): number => 1 + Math.floor(rnd() * (lines.length - 1));
const editField = (lines: string[], rnd: () => number, f: (field: string) => string): string[] => {
  const out = [...lines];
  const i = row(out, rnd);
  const fields = out[i].split(',');
  const j = Math.floor(rnd() * fields.length);
  fields[j] = f(fields[j]);
  out[i] = fields.join(',');
  return out;
};

const MUTATIONS: Mutation[] = [
  { name: 'flip a byte', apply: (l, r) => { const b = Buffer.from(l.join('\n')); const i = Math.floor(r() * b.length); b[i] = Math.floor(r() * 256); return b; } },
  { name: 'delete a character', apply: (l, r) => { const t = l.join('\n'); const i = Math.floor(r() * t.length); return (t.slice(0, i) + t.slice(i + 1)).split('\n'); } },
  { name: 'stray quote', apply: (l, r) => editField(l, r, (f) => `${f.slice(0, 1)}"${f.slice(1)}`) },
  { name: 'quote opened, never closed', apply: (l, r) => editField(l, r, (f) => `"${f}`) },
  { name: 'inch mark', apply: (l, r) => editField(l, r, (f) => `${f} 14" monitor`) },
  { name: 'extra delimiter', apply: (l, r) => editField(l, r, (f) => `${f},`) },
  { name: 'missing field', apply: (l, r) => { const o = [...l]; const i = row(o, r); o[i] = o[i].split(',').slice(0, -1).join(','); return o; } },
  { name: 'empty field', apply: (l, r) => editField(l, r, () => '') },
  { name: 'huge number', apply: (l, r) => editField(l, r, () => '9'.repeat(400)) },
  { name: 'negative amount', apply: (l, r) => editField(l, r, (f) => (/^\d/.test(f) ? `-${f}` : f)) },
  { name: 'odd date', apply: (l, r) => editField(l, r, () => pick(r, ['0001-01-01', '9999-12-31', '2025-02-30', '2025-13-01', '31/12/2024', '', 'yesterday', '2025-1-1', '0099-06-01'])) },
  { name: 'odd amount', apply: (l, r) => editField(l, r, () => pick(r, ['NaN', 'Infinity', '1e308', '1,5', '$12.00', '12.00 EUR', '(12.00)', '-0', '0x1F', '١٢'])) },
  { name: 'control characters', apply: (l, r) => editField(l, r, (f) => `${f}\u0000\u001b[31m\u0007`) },
  { name: 'invalid UTF-8', apply: (l, r) => { const o = [...l]; const i = row(o, r); const b = Buffer.concat([Buffer.from(o.slice(0, i).join('\n') + '\n'), Buffer.from([0x4a, 0x6f, 0x73, 0xe9]), Buffer.from(`${o[i]}\n${o.slice(i + 1).join('\n')}`)]); return b; } },
  { name: 'BOM', apply: (l) => [`\ufeff${l[0]}`, ...l.slice(1)] },
  { name: 'CRLF', apply: (l) => l.join('\r\n').split('\n') },
  { name: 'duplicate lines', apply: (l, r) => { const o = [...l]; const i = row(o, r); o.splice(i, 0, ...Array(1 + Math.floor(r() * 20)).fill(o[i])); return o; } },
  { name: 'truncate', apply: (l, r) => { const t = l.join('\n'); return t.slice(0, Math.floor(r() * t.length)).split('\n'); } },
  { name: 'header only', apply: (l) => [l[0]] },
  { name: 'empty file', apply: () => [] },
  { name: 'rename a header', apply: (l, r) => { const h = l[0].split(','); h[Math.floor(r() * h.length)] = pick(r, ['', 'x', 'date', 'customer_id', 'amount']); return [h.join(','), ...l.slice(1)]; } },
  { name: 'shuffle lines', apply: (l, r) => [l[0], ...l.slice(1).sort(() => r() - 0.5)] },
  { name: 'blank lines', apply: (l, r) => { const o = [...l]; o.splice(row(o, r), 0, '', '   ', ''); return o; } },
  { name: 'long field', apply: (l, r) => editField(l, r, () => 'x'.repeat(5000)) },
  { name: 'duplicate header', apply: (l, r) => { const h = l[0].split(','); h[Math.floor(r() * h.length)] = h[Math.floor(r() * h.length)]; return [h.join(','), ...l.slice(1)]; } },
  { name: 'UTF-16 with BOM', apply: (l) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${l.join('\n')}\n`, 'utf16le')]) },
  { name: 'zip magic', apply: (l) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(l.join('\n'))]) },
  { name: 'gzip magic', apply: (l) => Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from(l.join('\n'))]) },
  { name: 'Latin-1 id', apply: (l, r) => { const o = [...l]; const i = row(o, r); return Buffer.from(o.map((x, k) => (k === i ? x.replace(/^([^,]*),([^,]*)/, '$1,Jos\u00e9') : x)).join('\n'), 'latin1'); } },
  { name: 'one customer many rows', apply: (l) => [l[0], ...l.slice(1).map((line) => line.replace(/^([^,]*),([^,]*)/, '$1,C1'))] },
];

/** The first rows of a fixture (the header and `n` data lines). */
const head = (file: string, n: number): string[] => readFileSync(fixture(file), 'utf8').split('\n').filter((x) => x !== '').slice(0, n + 1);

interface Case {
  seed: number;
  mutation: string;
  kind: 'sales' | 'payments' | 'customers';
  argv: (file: string, out: string) => string[];
}

function failure(c: Case, r: CliResult, why: string): string {
  return `seed ${c.seed} (${c.mutation} of ${c.kind}, crm ${c.argv('IN', 'OUT').join(' ')}): ${why}\nstderr: ${r.stderr.slice(0, 500)}`;
}

const COMMANDS: { kind: Case['kind']; weight: number; argv: Case['argv'] }[] = [
  { kind: 'sales', weight: 5, argv: (f, o) => ['summary', '--sales', f, '--format', 'json', '--output', o] },
  { kind: 'sales', weight: 5, argv: (f, o) => ['summary', '--sales', f, '--format', 'json', '--output', o, '--skip-invalid', '--rejects', `${o}.rejects.csv`] },
  { kind: 'sales', weight: 1, argv: (f, o) => ['report', '--sales', f, '--format', 'json', '--output', o, '--skip-invalid', '--model', 'bgnbd'] },
  { kind: 'payments', weight: 2, argv: (f, o) => ['payments', '--payments', f, '--format', 'json', '--output', o, '--skip-invalid', '--as-of', '2025-12-31'] },
  { kind: 'customers', weight: 1, argv: (f, o) => ['segment', '--customers', f, '--sales', fixture('sales.csv'), '--format', 'json', '--output', o, '--skip-invalid'] },
];

const RUNS = Number(process.env.CRM_FUZZ_RUNS ?? 500);
const FIRST_SEED = Number(process.env.CRM_FUZZ_SEED ?? 1);

function makeCase(seed: number, dir: string): { c: Case; file: string; out: string } {
  const rnd = generator(seed);
  const total = COMMANDS.reduce((s, x) => s + x.weight, 0);
  let roll = rnd() * total;
  const command = COMMANDS.find((x) => (roll -= x.weight) < 0) ?? COMMANDS[0];
  const lines = head(`${command.kind}.csv`, command.kind === 'customers' ? 300 : 150);
  const mutation = pick(rnd, MUTATIONS);
  let data = mutation.apply(lines, rnd);
  const names = [mutation.name];
  if (rnd() < 0.3) {
    const second = pick(rnd, MUTATIONS);
    names.push(second.name);
    const text = Buffer.isBuffer(data) ? data.toString('latin1') : data.join('\n');
    const again = text.split('\n');
    data = Buffer.isBuffer(data) || again.length < 2 ? data : second.apply(again, rnd);
  }
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.length ? `${data.join('\n')}\n` : '');
  const file = join(dir, `in-${seed}.csv`);
  writeFileSync(file, bytes);
  return { c: { seed, mutation: names.join(' + '), kind: command.kind, argv: command.argv }, file, out: join(dir, `out-${seed}.json`) };
}

/** The first broken promise of a run, or null. */
function problemOf(c: Case, r: CliResult, out: string): string | null {
  const fail = (why: string): string => failure(c, r, why);
  if (![0, 1, 2].includes(r.code)) return fail(`exit code ${r.code}`);
  if (/internal error/.test(r.stderr)) return fail('internal error');
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(r.stderr)) return fail('stack trace');
  if (r.stdout !== '') return fail(`wrote ${r.stdout.length} characters to stdout although --output was given`);
  if (r.code !== 0) {
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('crm: error:'));
    if (errors.length !== 1) return fail(`${errors.length} error lines`);
    if (errors[0].length >= 1000) return fail(`an error line of ${errors[0].length} characters`);
    return null;
  }
  let doc: { meta?: { inputs?: unknown[] } };
  try {
    doc = JSON.parse(readFileSync(out, 'utf8'));
  } catch (err) {
    return fail(`exit 0 but the output is not JSON: ${(err as Error).message}`);
  }
  const totals = (doc.meta as { totals?: { revenue?: unknown } } | undefined)?.totals;
  if (totals && !(typeof totals.revenue === 'number' && Number.isFinite(totals.revenue))) return fail(`exit 0 with revenue ${String(totals.revenue)}`);
  const inputs = (doc.meta?.inputs ?? []) as { read: number; used: number; rejected: number; excluded: Record<string, number>; rejectedByReason: Record<string, number> }[];
  if (inputs.length === 0) return fail('no row account');
  for (const a of inputs) {
    const excluded = Object.values(a.excluded).reduce((s, x) => s + x, 0);
    if (a.used + a.rejected + excluded !== a.read) return fail(`read ${a.read} != used ${a.used} + rejected ${a.rejected} + excluded ${excluded}`);
    if (Object.values(a.rejectedByReason).reduce((s, x) => s + x, 0) !== a.rejected) return fail('rejections by reason do not add up');
  }
  return null;
}

describe('fuzz: mutated fixtures through the commands', () => {
  it(`${RUNS} seeded runs in memory: exit 0/1/2, one-line errors, every row accounted, no stray files`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-fuzz-'));
    const problems: string[] = [];
    try {
      for (let seed = FIRST_SEED; seed < FIRST_SEED + RUNS; seed++) {
        const { c, file, out } = makeCase(seed, dir);
        const argv = c.argv(file, out);
        let timer: NodeJS.Timeout | undefined;
        const started = Date.now();
        const r = await Promise.race([
          runCli(argv, { cwd: dir }),
          new Promise<CliResult>((_, reject) => (timer = setTimeout(() => reject(new Error(`seed ${seed} (${c.mutation}): no answer within 20 s`)), 20_000))),
        ]);
        clearTimeout(timer);
        if (process.env.CRM_FUZZ_VERBOSE) process.stderr.write(`seed ${seed} ${c.mutation} ${argv[0]}: ${Date.now() - started} ms, exit ${r.code}\n`);
        const problem = problemOf(c, r, out);
        if (problem) problems.push(problem);
        // Nothing but the input, the output and the rejects file asked for.
        const allowed = new Set([`in-${seed}.csv`, `out-${seed}.json`, `out-${seed}.json.rejects.csv`]);
        const stray = readdirSync(dir).filter((f) => !allowed.has(f));
        if (stray.length > 0) problems.push(failure(c, r, `stray files ${stray.join(', ')}`));
        rmSync(join(dir, stray[0] ?? 'none'), { force: true, recursive: true });
        rmSync(file);
        rmSync(out, { force: true });
        rmSync(`${out}.rejects.csv`, { force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(problems).toEqual([]);
  }, 240_000);

  it('a dozen runs as real processes: the same promises from the executable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-fuzz-proc-'));
    const problems: string[] = [];
    try {
      for (let seed = 10_001; seed <= 10_012; seed++) {
        const { c, file, out } = makeCase(seed, dir);
        const p = spawnSync(process.execPath, [join(projectRoot, 'bin', 'crm.js'), ...c.argv(file, out)], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
        const r: CliResult = { code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr };
        if (p.signal !== null) problems.push(failure(c, r, `killed by ${p.signal}`));
        const problem = problemOf(c, r, out);
        if (problem) problems.push(problem);
        const stray = readdirSync(dir).filter((f) => !f.startsWith(`in-`) && !f.startsWith(`out-`));
        if (stray.length > 0) problems.push(failure(c, r, `stray files ${stray.join(', ')}`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
