#!/usr/bin/env node
/**
 * The benchmark (npm run bench): whole-process timings of crm commands beside the floors and a peer on the
 * same files: reading the file (cat > /dev/null) and DuckDB computing the same per-customer aggregates
 * with one SQL query over the CSV. Prints median wall time, rows/s, MB/s and peak resident memory, and the
 * ratios ours/DuckDB and ours/read.
 *
 *   npm run bench                    # 100,000 and 1,000,000 customers (about 0.8M and 8M sales rows)
 *   npm run bench -- --scales 100000 --runs 3
 *   npm run bench -- --scales 1000000 --report-runs 1   # the 1M report takes minutes a run
 *   npm run bench -- --only score --score-customers 10000000 --runs 1   # crm fit + crm score on a summary
 *
 * Data is generated once with crm generate and cached in bench-data/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const scales = String(arg('scales', '100000,1000000')).split(',').map(Number);
const runs = Number(arg('runs', 3));
// the whole report at 1M customers takes minutes: its runs can be set apart
const reportRuns = Number(arg('report-runs', runs));
const only = arg('only', undefined)?.split(',');
const crm = join(root, 'bin', 'crm.js');
const hasTime = existsSync('/usr/bin/time');

function measure(command) {
  // GNU time prints elapsed seconds and max RSS (KiB) on the last line of stderr.
  const full = hasTime ? ['/usr/bin/time', ['-f', '__TIME__ %e %M', 'bash', '-c', command]] : ['bash', ['-c', command]];
  const started = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`failed: ${command}\n${r.stderr}`);
  const line = r.stderr.split('\n').reverse().find((l) => l.startsWith('__TIME__'));
  const rssMb = line ? Number(line.split(' ')[2]) / 1024 : NaN;
  return { wall, rssMb, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function bench(name, command, rows, bytes, { warmUp = true, count } = {}) {
  const n = count ?? (name.includes('report') ? reportRuns : runs);
  if (warmUp) measure(command);
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(measure(command));
  const wall = median(samples.map((s) => s.wall));
  const rss = Math.max(...samples.map((s) => s.rssMb));
  return { name, runs: n, wall, rowsPerSecond: rows / wall, mbPerSecond: bytes / 1e6 / wall, rssMb: rss };
}

const duckScript = join(root, 'scripts', 'bench-duckdb.mjs');
const results = [];
const salesScales = only && only.every((o) => o === 'score') ? [] : scales;
for (const customers of salesScales) {
  const dir = join(root, 'bench-data', `c${customers}`);
  if (!existsSync(join(dir, 'sales.csv'))) {
    mkdirSync(dir, { recursive: true });
    console.error(`generating ${customers} customers in ${dir} ...`);
    measure(`node ${crm} generate --customers ${customers} --seed 1 --out ${dir} -q`);
  }
  const sales = join(dir, 'sales.csv');
  const bytes = statSync(sales).size;
  const rows = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')).written.salesRows;
  // Agreement before timing: our totals and DuckDB's.
  const ours = JSON.parse(measure(`node ${crm} summary --sales ${sales} --format json -q`).stdout);
  const duck = JSON.parse(measure(`node ${duckScript} ${sales} totals`).stdout);
  const ourRevenue = ours.customers.reduce((s, c) => s + c.revenue, 0);
  if (ours.customers.length !== duck.customers || Math.abs(ourRevenue - duck.revenue) > 1e-6 * Math.abs(duck.revenue)) {
    throw new Error(`summary and DuckDB disagree: ${ours.customers.length} vs ${duck.customers} customers, revenue ${ourRevenue} vs ${duck.revenue}`);
  }
  const cases = [
    ['read (cat)', `cat ${sales} > /dev/null`],
    ['DuckDB aggregates', `node ${duckScript} ${sales} summary`],
    ['crm summary', `node ${crm} summary --sales ${sales} --format csv -q > /dev/null`],
    ['crm segment', `node ${crm} segment --sales ${sales} --format json -q > /dev/null`],
    ['crm fit bgnbd', `node ${crm} fit --model bgnbd --sales ${sales} --period week --format json -q > /dev/null`],
    ['crm fit gammagamma', `node ${crm} fit --model gammagamma --sales ${sales} --period week --format json -q > /dev/null`],
    ['crm value', `node ${crm} value --sales ${sales} --period week --format csv -q > /dev/null`],
    ['crm report', `node ${crm} report --customers ${join(dir, 'customers.csv')} --sales ${sales} --payments ${join(dir, 'payments.csv')} --format json -q > /dev/null`],
  ].filter(([name]) => !only || only.some((o) => name.includes(o)));
  const scale = [];
  for (const [name, command] of cases) {
    try {
      const r = bench(name, command, rows, bytes);
      scale.push(r);
      console.error(`${customers} customers, ${name}: ${r.wall.toFixed(2)} s, ${r.rssMb.toFixed(0)} MB`);
    } catch (err) {
      console.error(`${name}: skipped (${String(err.message).split('\n')[0]})`);
    }
  }
  results.push({ customers, rows, bytes, cases: scale });
}

// crm score: a synthetic weekly summary (scripts/bench-summary.mjs, simulated from BG/NBD and Gamma-Gamma),
// fitted with crm fit --save, scored with the saved models. Peak RSS shows memory does not grow with customers.
if (!only || only.includes('score')) {
  const customers = Number(arg('score-customers', 10_000_000));
  const dir = join(root, 'bench-data', `score-${customers}`);
  const summary = join(dir, 'summary.csv');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(summary)) {
    console.error(`generating a summary of ${customers} customers in ${dir} ...`);
    const g = measure(`node ${join(root, 'scripts', 'bench-summary.mjs')} ${customers} > ${summary}`);
    console.error(`generated in ${g.wall.toFixed(1)} s`);
  }
  const bytes = statSync(summary).size;
  const bg = join(dir, 'bgnbd.json');
  const gg = join(dir, 'gammagamma.json');
  const cases = [
    ['crm fit bgnbd (summary)', `node ${crm} fit --model bgnbd --summary ${summary} --period week --save ${bg} --format json -q > /dev/null`],
    ['crm fit gammagamma (summary)', `node ${crm} fit --model gammagamma --summary ${summary} --period week --save ${gg} --format json -q > /dev/null`],
    ['crm score', `node ${crm} score --summary ${summary} --model-file ${bg} --spend-model-file ${gg} -q > /dev/null`],
  ];
  const scale = [];
  for (const [name, command] of cases) {
    // One run each, no warm-up, unless asked (--score-runs): at 10M customers a score run takes minutes.
    const r = bench(name, command, customers, bytes, { warmUp: false, count: Number(arg('score-runs', 1)) });
    scale.push(r);
    console.error(`${customers} customers, ${name}: ${r.wall.toFixed(2)} s, ${r.rssMb.toFixed(0)} MB`);
  }
  results.push({ customers, rows: customers, bytes, cases: scale });
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const scoreNote = !only || only.includes('score') ? ` The crm score block (a synthetic summary): ${Number(arg('score-runs', 1))} run(s), no warm-up.` : '';
const lines = [`Machine: ${machine}. Median of ${runs} runs after a warm-up; peak RSS is the largest of the runs.${scoreNote}`, ''];
lines.push('| customers | sales rows | MB | command | runs | median s | rows/s | MB/s | peak RSS MB | ÷ DuckDB | ÷ read |');
lines.push('| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const s of results) {
  const duck = s.cases.find((c) => c.name.startsWith('DuckDB'));
  const read = s.cases.find((c) => c.name.startsWith('read'));
  for (const c of s.cases) {
    lines.push(
      `| ${s.customers.toLocaleString('en-US')} | ${s.rows.toLocaleString('en-US')} | ${(s.bytes / 1e6).toFixed(0)} | ${c.name} | ${c.runs} | ${c.wall.toFixed(2)} | ${Math.round(c.rowsPerSecond).toLocaleString('en-US')} | ${c.mbPerSecond.toFixed(0)} | ${Number.isFinite(c.rssMb) ? c.rssMb.toFixed(0) : ''} | ${duck ? (c.wall / duck.wall).toFixed(1) : ''} | ${read ? (c.wall / read.wall).toFixed(0) : ''} |`,
    );
  }
}
const table = lines.join('\n');
console.log(table);
if (args.includes('--write')) {
  const path = join(root, 'docs', 'performance.md');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const marker = '<!-- bench -->';
  const parts = text.split(marker);
  writeFileSync(path, parts.length === 3 ? `${parts[0]}${marker}\n${table}\n${marker}${parts[2]}` : `${text}\n${marker}\n${table}\n${marker}\n`);
}
