/**
 * Gamma/Gompertz/NBD (Bemmaor & Glady 2012; CLVTools' ggomnbd): the CDNOW fit's published log-likelihood
 * (−9594.98; CLVTools −9594.9762) and parameters, the Pareto/NBD limit b → 0, the likelihood's integral
 * against a brute-force sum, and P(alive) and E[X(t)] against simulation.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import * as gg from '../../src/models/ggompertz-nbd.js';
import * as paretonbd from '../../src/models/pareto-nbd.js';
import { readSharedCsv } from '../helpers/data.js';

const rows = readSharedCsv('cdnow_customers_summary.csv');
const cdnow = { frequency: rows.map((r) => Number(r.frequency)), recency: rows.map((r) => Number(r.recency)), T: rows.map((r) => Number(r.T)) };

describe('GG/NBD', () => {
  it('tends to the Pareto/NBD as b → 0 with β/b fixed', () => {
    const pnbd = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    const b = 1e-7;
    const ll = gg.logLikelihood({ r: pnbd.r, alpha: pnbd.alpha, b, s: pnbd.s, beta: pnbd.beta * b }, cdnow);
    expect(ll).toBeCloseTo(paretonbd.logLikelihood(pnbd, cdnow), 3);
  });

  it('one customer: the likelihood equals a brute-force sum of its integral', () => {
    const [r, alpha, b, s, beta] = [0.8, 6, 0.05, 1.2, 2];
    const [x, tx, T] = [3, 10, 30];
    const S = (t: number): number => (beta / (beta + Math.exp(b * t) - 1)) ** s;
    const f = (t: number): number => (b * s * beta ** s * Math.exp(b * t)) / (beta + Math.exp(b * t) - 1) ** (s + 1);
    let integral = 0;
    const steps = 200000;
    for (let k = 0; k < steps; k++) {
      const t = tx + ((k + 0.5) * (T - tx)) / steps;
      integral += (f(t) / (alpha + t) ** (r + x)) * ((T - tx) / steps);
    }
    const gammaRatio = Math.exp(lgammaApprox(r + x) - lgammaApprox(r));
    const expected = Math.log(gammaRatio * alpha ** r * (S(T) / (alpha + T) ** (r + x) + integral));
    expect(gg.logLikelihood({ r, alpha, b, s, beta }, { frequency: [x], recency: [tx], T: [T] })).toBeCloseTo(expected, 8);
  });

  it('reproduces the published CDNOW fit: log-likelihood −9594.98, r 0.553, α 10.578, s ≈ 0.60, β/b ≈ the Pareto/NBD β', () => {
    const fit = gg.fit(cdnow);
    // Bemmaor & Glady (2012), Table 2: LL −9594.98, r 0.553, α 10.578, b 0.0002, s 0.603, β 0.0026;
    // CLVTools 0.12.1 tests: LL −9594.9762, r 0.55313, α 10.5758, b 1.1e-6, s 0.60682, β 1.3e-5
    expect(fit.logLikelihood).toBeGreaterThan(-9594.99);
    expect(fit.logLikelihood).toBeLessThan(-9594.96);
    expect(fit.params.r).toBeCloseTo(0.553, 2);
    expect(fit.params.alpha).toBeCloseTo(10.578, 0);
    expect(fit.params.s).toBeGreaterThan(0.59);
    expect(fit.params.s).toBeLessThan(0.62);
    // b and β are not identified separately at the Pareto/NBD limit; their ratio is the Pareto/NBD's β
    expect(fit.params.beta / fit.params.b).toBeGreaterThan(11);
    expect(fit.params.beta / fit.params.b).toBeLessThan(12.5);
  }, 60_000);

  it('P(alive) and E[X(t)] agree with a simulation of the model', () => {
    const params = { r: 1.5, alpha: 10, b: 0.03, s: 1, beta: 3 };
    const rng = createRng(5);
    const T = 40;
    const tx = 20;
    const x = 2;
    // customers simulated from the model; of those with history (x, ~t_x) by T, the share still alive
    let matching = 0;
    let alive = 0;
    let purchasesTo30 = 0;
    const N = 400000;
    for (let i = 0; i < N; i++) {
      const lambda = rng.gamma(params.r, 1 / params.alpha);
      const eta = rng.gamma(params.s, 1 / params.beta);
      const tau = Math.log1p(-Math.log(rng.uniform()) / eta) / params.b;
      // purchases in (0, min(tau, T)]
      let t = 0;
      let count = 0;
      let last = 0;
      let count30 = 0;
      for (;;) {
        t += -Math.log(rng.uniform()) / lambda;
        if (t > Math.min(tau, T)) break;
        count++;
        last = t;
        if (t <= 30) count30++;
      }
      purchasesTo30 += count30;
      if (count === x && Math.abs(last - tx) < 1) {
        matching++;
        if (tau > T) alive++;
      }
    }
    const pAlive = gg.probabilityAlive(params, x, tx, T);
    const se = Math.sqrt((pAlive * (1 - pAlive)) / matching);
    expect(matching).toBeGreaterThan(500);
    expect(Math.abs(alive / matching - pAlive)).toBeLessThan(4 * se + 0.01);
    // E[X(30)] = 3.777; the simulated mean has a standard error of about 0.01
    expect(Math.abs(purchasesTo30 / N - gg.expectedTransactionsNew(params, 30))).toBeLessThan(0.04);
  }, 60_000);
});

/** ln Γ(x) by Stirling with enough terms for x > 0.5 (the test's own, independent of src/math). */
function lgammaApprox(x: number): number {
  if (x < 7) return lgammaApprox(x + 1) - Math.log(x);
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}
