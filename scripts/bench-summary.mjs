#!/usr/bin/env node
/**
 * Writes a synthetic weekly per-customer summary (customer_id, frequency, recency, T, monetary_value) of N
 * customers simulated from the BG/NBD process (r = 0.25, α = 4, a = 0.8, b = 2.5) with Gamma-Gamma spend,
 * first purchases spread over two years, times rounded to days: the input of the `crm score` benchmark.
 *
 *   node scripts/bench-summary.mjs 10000000 > summary.csv
 */
const n = Number(process.argv[2] ?? 1_000_000);
let seed = 12345;
const rand = () => {
  // xorshift32: fast and reproducible
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return (seed + 0.5) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
function gamma(shape) {
  if (shape < 1) return gamma(shape + 1) * rand() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x;
    let v;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
const [r, alpha, a, b] = [0.25, 4, 0.8, 2.5];
const [p, q, g] = [6, 4, 15];
const out = [];
const flush = () => {
  if (out.length === 0) return true;
  const ok = process.stdout.write(out.join(''));
  out.length = 0;
  return ok;
};
process.stdout.write('customer_id,frequency,recency,T,monetary_value\n');
let i = 0;
function more() {
  while (i < n) {
    i++;
    const lambda = gamma(r) / alpha;
    const ga = gamma(a);
    const drop = ga / (ga + gamma(b));
    const Tdays = 1 + Math.floor(rand() * 730);
    const T = Tdays / 7;
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += -Math.log(rand()) / lambda;
      if (!(t < T) || x >= Tdays - 1) break;
      x++;
      last = t;
      if (rand() < drop) break;
    }
    const recencyDays = x > 0 ? Math.min(Tdays - 1, Math.max(x, Math.round(last * 7))) : 0;
    const nu = gamma(q) * g;
    let monetary = 0;
    if (x > 0) {
      let sum = 0;
      for (let k = 0; k < x; k++) sum += gamma(p) / nu;
      monetary = Math.round((sum / x) * 100 * 100) / 100;
    }
    out.push(`C${String(i).padStart(9, '0')},${x},${x > 0 ? recencyDays / 7 : 0},${T},${monetary}\n`);
    if (out.length >= 10_000 && !flush()) {
      process.stdout.once('drain', more);
      return;
    }
  }
  flush();
}
more();
