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
 *   npm run bench -- --only lifetimes --lifetimes-customers 640000 --runs 3   # crm value vs pandas + lifetimes (5M rows)
 *   npm run bench -- --only memory --memory-scales 100000,300000,1000000     # peak RSS of crm report and crm value
 *
 * Blocks: the sales scales (--scales, cases filtered by --only substrings), `score` (a synthetic summary),
 * `lifetimes` (crm value against scripts/bench-lifetimes.py: pandas + lifetimes, run by /usr/bin/python3 or
 * $CRM_BENCH_PYTHON with $CRM_BENCH_PYTHONPATH prepended to PYTHONPATH; skipped with a line saying why and how
 * to set it up when lifetimes cannot be imported) and `memory` (peak RSS of crm report and crm value at
 * --memory-scales, reusing the sales scales' measurements of the same commands). Without --only every block
 * runs. --write puts each table that was measured into docs/performance.md between its markers:
 * <!-- bench -->, <!-- bench-lifetimes -->, <!-- bench-memory -->.
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

function measure(command, env = undefined) {
  // GNU time prints elapsed seconds and max RSS (KiB) on the last line of stderr.
  const full = hasTime ? ['/usr/bin/time', ['-f', '__TIME__ %e %M', 'bash', '-c', command]] : ['bash', ['-c', command]];
  const started = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 30, env: env ?? process.env });
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

function bench(name, command, rows, bytes, { warmUp = true, count, env } = {}) {
  const n = count ?? (name.includes('report') ? reportRuns : runs);
  if (warmUp) measure(command, env);
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(measure(command, env));
  const wall = median(samples.map((s) => s.wall));
  const rss = Math.max(...samples.map((s) => s.rssMb));
  return { name, runs: n, wall, rowsPerSecond: rows / wall, mbPerSecond: bytes / 1e6 / wall, rssMb: rss };
}

/** The company of `customers` customers (crm generate --seed 1), generated once into bench-data/. */
function company(customers) {
  const dir = join(root, 'bench-data', `c${customers}`);
  if (!existsSync(join(dir, 'sales.csv'))) {
    mkdirSync(dir, { recursive: true });
    console.error(`generating ${customers} customers in ${dir} ...`);
    measure(`node ${crm} generate --customers ${customers} --seed 1 --out ${dir} -q`);
  }
  const sales = join(dir, 'sales.csv');
  return { dir, sales, bytes: statSync(sales).size, rows: JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')).written.salesRows };
}

// The commands of crm value and crm report, shared by the sales scales and the memory table.
const valueCommand = (sales) => `node ${crm} value --sales ${sales} --period week --format csv -q > /dev/null`;
const reportCommand = (dir, sales) => `node ${crm} report --customers ${join(dir, 'customers.csv')} --sales ${sales} --payments ${join(dir, 'payments.csv')} --format json -q > /dev/null`;

const duckScript = join(root, 'scripts', 'bench-duckdb.mjs');
const results = [];
const blocks = ['score', 'lifetimes', 'memory'];
const runBlock = (name) => !only || only.includes(name);
const salesScales = only && only.every((o) => blocks.includes(o)) ? [] : scales;
for (const customers of salesScales) {
  const { dir, sales, bytes, rows } = company(customers);
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
    ['crm value', valueCommand(sales)],
    ['crm report', reportCommand(dir, sales)],
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
if (runBlock('score')) {
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

// crm value against the analyst's stack: pandas + lifetimes (scripts/bench-lifetimes.py) on the same sales file.
// The issue's targets at 5M rows: at most 0.5 × lifetimes' time and 1/3 of its peak memory.
const TARGET_TIME = 0.5;
const TARGET_MEMORY = 1 / 3;
let lifetimesTable = null;
if (runBlock('lifetimes')) lifetimesTable = lifetimesComparison();

function lifetimesComparison() {
  // 640,000 customers are 5,013,178 sales rows with crm generate --seed 1.
  const customers = Number(arg('lifetimes-customers', 640_000));
  const n = Number(arg('lifetimes-runs', runs));
  const python = process.env.CRM_BENCH_PYTHON || '/usr/bin/python3';
  const extra = process.env.CRM_BENCH_PYTHONPATH;
  const env = { ...process.env };
  if (extra) env.PYTHONPATH = process.env.PYTHONPATH ? `${extra}:${process.env.PYTHONPATH}` : extra;
  const script = join(root, 'scripts', 'bench-lifetimes.py');
  const setup = 'install python3-numpy, python3-scipy, python3-pandas and python3-dill from Debian and put the sources of lifetimes (and autograd) on CRM_BENCH_PYTHONPATH, e.g. CRM_BENCH_PYTHONPATH=/work/ext/lifetimes:/work/ext/autograd (docs/performance.md, "crm value against pandas + lifetimes"); CRM_BENCH_PYTHON names another interpreter';
  const check = spawnSync(python, [script, '--check'], { encoding: 'utf8', env });
  if (check.error || check.status !== 0) {
    const why = check.error ? `${python}: ${check.error.code === 'ENOENT' ? 'not found' : check.error.message}` : `${python} cannot import lifetimes (${(check.stderr.trim().split('\n').pop() || `exit ${check.status}`).trim()})`;
    const line = `lifetimes comparison skipped: ${why}; to set it up, ${setup}.`;
    console.log(line);
    return null;
  }
  const versions = JSON.parse(check.stdout);
  const { sales, bytes, rows } = company(customers);

  // Agreement before timing (these runs also warm the page cache): same customers, and the total expected
  // purchases over the horizon and the mean CLV within 2 %.
  const tmp = join(root, 'bench-data', 'tmp');
  mkdirSync(tmp, { recursive: true });
  const oursCsv = join(tmp, `value-${customers}.csv`);
  const theirsCsv = join(tmp, `lifetimes-${customers}.csv`);
  const like = `node ${crm} value --sales ${sales} --period week --model bgnbd --interval 0 --format csv -q`;
  measure(`${like} > ${oursCsv}`);
  const theirs = JSON.parse(measure(`${python} ${script} ${sales} ${theirsCsv}`, env).stdout.trim().split('\n').pop());
  const ours = csvTotals(oursCsv);
  const agree = {
    customers: [ours.customers, theirs.customers],
    expectedTransactions: [ours.expectedTransactions, theirs.expectedTransactions],
    meanClv: [ours.clv / ours.customers, theirs.meanClv],
  };
  const rel = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
  const agreeLine = `Agreement (crm value --model bgnbd --interval 0 / lifetimes): ${ours.customers.toLocaleString('en-US')} / ${theirs.customers.toLocaleString('en-US')} customers; expected purchases in 12 months ${ours.expectedTransactions.toFixed(1)} / ${theirs.expectedTransactions.toFixed(1)} (${(100 * rel(...agree.expectedTransactions)).toFixed(3)} %); mean CLV ${agree.meanClv[0].toFixed(4)} / ${agree.meanClv[1].toFixed(4)} (${(100 * rel(...agree.meanClv)).toFixed(3)} %); lifetimes' BG/NBD r ${theirs.bgnbd.r.toFixed(4)}, α ${theirs.bgnbd.alpha.toFixed(4)}, a ${theirs.bgnbd.a.toFixed(4)}, b ${theirs.bgnbd.b.toFixed(4)}.`;
  const stagesLine = `pandas + lifetimes by stage (the agreement run, s): ${Object.entries(theirs.seconds).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}.`;
  console.error(agreeLine);
  console.error(stagesLine);
  if (ours.customers !== theirs.customers || rel(...agree.expectedTransactions) > 0.02 || rel(...agree.meanClv) > 0.02) {
    const line = `lifetimes comparison skipped: crm value and lifetimes disagree (more than 2 %), so their times are not comparable. ${agreeLine}`;
    console.log(line);
    return line;
  }

  const cases = [
    ['crm value --model bgnbd --interval 0', `${like} > /dev/null`],
    ['crm value (default: auto, intervals)', valueCommand(sales)],
    ['pandas + lifetimes', `${python} ${script} ${sales} /dev/null > /dev/null`],
  ];
  // Runs interleaved (crm, crm, lifetimes, crm, ...) so that load from elsewhere on a shared machine falls on
  // all three alike rather than on whichever ran while it lasted.
  const samples = cases.map(() => []);
  for (let i = 0; i < n; i++) {
    cases.forEach(([name, command], k) => {
      const m = measure(command, env);
      samples[k].push(m);
      console.error(`lifetimes comparison, ${customers} customers, run ${i + 1}, ${name}: ${m.wall.toFixed(2)} s, ${m.rssMb.toFixed(0)} MB`);
    });
  }
  const measured = cases.map(([name], k) => {
    const wall = median(samples[k].map((m) => m.wall));
    return { name, runs: n, wall, rowsPerSecond: rows / wall, mbPerSecond: bytes / 1e6 / wall, rssMb: Math.max(...samples[k].map((m) => m.rssMb)), walls: samples[k].map((m) => m.wall) };
  });
  const lt = measured[2];
  const verdict = (what, ratio, target) => `${what} ${ratio.toFixed(2)} × lifetimes' against the target ≤ ${target.toFixed(2)}: ${ratio <= target ? 'met' : `missed (${(ratio / target).toFixed(1)} × the target)`}`;
  const out = [
    `${customers.toLocaleString('en-US')} customers, ${rows.toLocaleString('en-US')} sales rows (${(bytes / 1e6).toFixed(0)} MB), weekly models, 12 months at 10 % a year. Median of ${n} runs, interleaved, no separate warm-up (the agreement runs before warm the page cache); peak RSS is the largest of the runs. Python ${versions.python}, lifetimes ${versions.lifetimes}, pandas ${versions.pandas}, numpy ${versions.numpy}, scipy ${versions.scipy}. ${machineLine()}.`,
    '',
    agreeLine,
    '',
    stagesLine,
    '',
    '| command | runs | median s | runs s | peak RSS MB | time ÷ lifetimes | memory ÷ lifetimes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...measured.map((c) => `| ${c.name} | ${c.runs} | ${c.wall.toFixed(2)} | ${c.walls.map((w) => w.toFixed(1)).join(', ')} | ${c.rssMb.toFixed(0)} | ${(c.wall / lt.wall).toFixed(2)} | ${(c.rssMb / lt.rssMb).toFixed(2)} |`),
    '',
    `Targets (crm value --model bgnbd --interval 0 against pandas + lifetimes): ${verdict('time', measured[0].wall / lt.wall, TARGET_TIME)}; ${verdict('peak memory', measured[0].rssMb / lt.rssMb, TARGET_MEMORY)}.`,
  ];
  return out.join('\n');
}

/** Customers, total expected transactions and total CLV of a crm value CSV. */
function csvTotals(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = lines[0].split(',');
  const et = header.indexOf('expected_transactions');
  const clv = header.indexOf('clv');
  let customers = 0;
  let expectedTransactions = 0;
  let total = 0;
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    // The numeric columns come before the text ones (segment): no quotes up to clv.
    const f = lines[i].split(',');
    customers++;
    expectedTransactions += Number(f[et]);
    total += Number(f[clv]);
  }
  return { customers, expectedTransactions, clv: total };
}

// Memory against customers: peak RSS of crm report and crm value at each scale (one run each unless
// --memory-runs; a run measured on the sales scales above with the same command is reused).
let memoryTable = null;
if (runBlock('memory')) {
  const memoryScales = String(arg('memory-scales', '100000,300000,1000000')).split(',').map(Number);
  const count = Number(arg('memory-runs', 1));
  const rowsOut = [];
  for (const customers of memoryScales) {
    const { dir, sales, bytes, rows } = company(customers);
    for (const [name, command] of [['crm report', reportCommand(dir, sales)], ['crm value', valueCommand(sales)]]) {
      const earlier = results.find((s) => s.customers === customers && s.rows === rows)?.cases.find((c) => c.name === name);
      const r = earlier ?? bench(name, command, rows, bytes, { warmUp: false, count });
      rowsOut.push({ customers, rows, name, r });
      console.error(`memory, ${customers} customers, ${name}: ${r.wall.toFixed(2)} s, ${r.rssMb.toFixed(0)} MB${earlier ? ' (from the sales scales)' : ''}`);
    }
  }
  const first = new Map();
  const lines = [
    `Peak RSS (GNU time) of whole runs; ${count} run(s) each, no warm-up, unless measured on the sales scales (median of those runs). The report runs in a child Node with a larger heap on large inputs: the peak is the largest process. ${machineLine()}.`,
    '',
    '| customers | sales rows | command | runs | s | peak RSS MB | KB per customer | RSS ÷ first scale | customers ÷ first scale |',
    '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { customers, rows, name, r } of rowsOut) {
    if (!first.has(name)) first.set(name, { customers, rssMb: r.rssMb });
    const f = first.get(name);
    lines.push(`| ${customers.toLocaleString('en-US')} | ${rows.toLocaleString('en-US')} | ${name} | ${r.runs} | ${r.wall.toFixed(1)} | ${r.rssMb.toFixed(0)} | ${((r.rssMb * 1024) / customers).toFixed(1)} | ${(r.rssMb / f.rssMb).toFixed(2)} | ${(customers / f.customers).toFixed(1)} |`);
  }
  memoryTable = lines.join('\n');
}

function machineLine() {
  return `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Puts `table` between two `marker` lines of docs/performance.md (appended at the end when absent). */
function writeBetween(marker, table) {
  const path = join(root, 'docs', 'performance.md');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const parts = text.split(marker);
  writeFileSync(path, parts.length === 3 ? `${parts[0]}${marker}\n${table}\n${marker}${parts[2]}` : `${text}\n${marker}\n${table}\n${marker}\n`);
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
// The tables of the blocks that ran; --write replaces only those in docs/performance.md.
if (results.length > 0) console.log(table);
if (lifetimesTable) console.log(`\ncrm value against pandas + lifetimes\n\n${lifetimesTable}`);
if (memoryTable) console.log(`\nMemory against customers\n\n${memoryTable}`);
if (args.includes('--write')) {
  if (results.length > 0) writeBetween('<!-- bench -->', table);
  if (lifetimesTable) writeBetween('<!-- bench-lifetimes -->', lifetimesTable);
  if (memoryTable) writeBetween('<!-- bench-memory -->', memoryTable);
}
