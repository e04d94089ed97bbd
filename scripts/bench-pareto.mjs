#!/usr/bin/env node
/**
 * Times the Pareto/NBD `fit` alone (compression, the starts, polishing, standard errors) on a per-customer
 * summary written by `crm summary --format csv`, as `crm fit --model paretonbd` would fit it, and prints the
 * estimates, standard errors and log-likelihood with the median wall and CPU time of the runs.
 *
 *   npm run build
 *   node bin/crm.js generate --customers 1000000 --seed 7 --out /tmp/pnbd-big
 *   node bin/crm.js summary --sales /tmp/pnbd-big/sales.csv --period week --format csv > /tmp/pnbd-big/weekly.csv
 *   node scripts/bench-pareto.mjs /tmp/pnbd-big/weekly.csv --period-days 7 --runs 3
 *
 * The summary prints times to 12 significant digits; with --period-days they are put back on the day grid
 * (round(t·days)/days, as the summary computes them), so the tuples are exactly those of `crm fit`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const file = args[0];
if (file === undefined || file.startsWith('--')) {
  process.stderr.write('usage: node scripts/bench-pareto.mjs SUMMARY.csv [--period-days 7] [--runs 3]\n');
  process.exit(2);
}
const periodDays = Number(arg('period-days', 0));
const runs = Number(arg('runs', 1));
const paretonbd = await import(`${root}/dist/models/pareto-nbd.js`);

const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
const header = lines[0].split(',');
const column = (name) => {
  const at = header.indexOf(name);
  if (at < 0) throw new Error(`${file} has no column ${name}`);
  return at;
};
const [fi, ri, ti] = [column('frequency'), column('recency'), column('T')];
const n = lines.length - 1;
const data = { frequency: new Float64Array(n), recency: new Float64Array(n), T: new Float64Array(n) };
const snap = (v) => (periodDays > 0 ? Math.round(v * periodDays) / periodDays : v);
for (let i = 0; i < n; i++) {
  const cells = lines[i + 1].split(',');
  data.frequency[i] = Number(cells[fi]);
  data.recency[i] = snap(Number(cells[ri]));
  data.T[i] = snap(Number(cells[ti]));
}

const walls = [];
const cpus = [];
let model;
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  model = paretonbd.fit(data);
  const used = process.cpuUsage(cpu);
  walls.push((performance.now() - started) / 1000);
  cpus.push((used.user + used.system) / 1e6);
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  JSON.stringify(
    {
      customers: n,
      nDistinct: model.nDistinct,
      params: model.params,
      stdErrors: model.stdErrors,
      logLikelihood: model.logLikelihood,
      converged: model.converged,
      trusted: model.trusted,
      iterations: model.iterations,
      wallSeconds: walls.map((s) => Number(s.toFixed(3))),
      medianWallSeconds: Number(median(walls).toFixed(3)),
      medianCpuSeconds: Number(median(cpus).toFixed(3)),
    },
    null,
    2,
  ),
);
