/**
 * Short-horizon scores of the purchase models (issue 16): P(at least one purchase in (T, T + t]), P(alive at
 * T + t), median time to the next purchase if alive. Checked against hand computations at chosen parameters,
 * an independent quadrature of the defining integrals, and simulation: customers drawn from the prior, weighted
 * by the individual-level likelihood of their history (importance sampling, so that the posterior of the
 * models' formulas is not assumed), and run forward through the purchase process event by event.
 */
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/core/random.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import * as mbgnbd from '../../src/models/mbg-nbd.js';
import * as paretonbd from '../../src/models/pareto-nbd.js';
import { integrate } from '../../src/math/quadrature.js';

const BG = { r: 0.5, alpha: 6, a: 0.7, b: 2.5 };
const PARETO = { r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 };

/** Composite Simpson's rule with n (even) intervals: an independent check of the adaptive quadrature. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

/** Weighted mean and its standard error (delta method for a ratio estimator). */
function weighted(weights: number[], values: number[]): { mean: number; se: number } {
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < weights.length; i++) {
    sw += weights[i];
    swy += weights[i] * values[i];
  }
  const mean = swy / sw;
  let v = 0;
  for (let i = 0; i < weights.length; i++) v += (weights[i] * (values[i] - mean)) ** 2;
  return { mean, se: Math.sqrt(v) / sw };
}

type Kind = 'bgnbd' | 'mbgnbd';

/**
 * Importance sampling of a BG/NBD or MBG/NBD customer with history (x, t_x, T), then forward simulation over
 * (T, T + t]: returns per draw its weight, whether it bought in the window, whether it is alive at T + t, and
 * whether its first purchase after T came within `u`.
 */
function simulateBg(kind: Kind, p: typeof BG, x: number, tx: number, T: number, t: number, u: number, runs: number, rng: Rng) {
  const weights: number[] = [];
  const bought: number[] = [];
  const aliveAfter: number[] = [];
  const soon: number[] = [];
  const aliveAtT: number[] = [];
  const extra = kind === 'mbgnbd' ? 1 : 0;
  for (let i = 0; i < runs; i++) {
    const lambda = rng.gamma(p.r, 1 / p.alpha);
    const drop = rng.beta(p.a, p.b);
    // individual likelihood of the history split into "alive at T" and "dropped out after the last purchase"
    const base = x * Math.log(lambda);
    const wAlive = Math.exp(base - lambda * T + (x + extra) * Math.log1p(-drop));
    const wDead = x > 0 || kind === 'mbgnbd' ? Math.exp(base - lambda * tx + Math.log(drop) + (x + extra - 1) * Math.log1p(-drop)) : 0;
    const w = wAlive + wDead;
    const alive = rng.uniform() < wAlive / w;
    let any = 0;
    let survives = alive ? 1 : 0;
    let first = 0;
    if (alive) {
      let time = 0;
      let n = 0;
      for (;;) {
        time += -Math.log(rng.uniform()) / lambda;
        if (n === 0 && time <= u) first = 1;
        if (time > t) break;
        n++;
        any = 1;
        if (rng.uniform() < drop) {
          survives = 0;
          break;
        }
      }
      if (n === 0 && time <= u) first = 1;
    }
    weights.push(w);
    bought.push(any);
    aliveAfter.push(survives);
    soon.push(first);
    aliveAtT.push(alive ? 1 : 0);
  }
  return { weights, bought, aliveAfter, soon, aliveAtT };
}

function simulatePareto(p: typeof PARETO, x: number, tx: number, T: number, t: number, u: number, runs: number, rng: Rng) {
  const weights: number[] = [];
  const bought: number[] = [];
  const aliveAfter: number[] = [];
  const soon: number[] = [];
  for (let i = 0; i < runs; i++) {
    const lambda = rng.gamma(p.r, 1 / p.alpha);
    const mu = rng.gamma(p.s, 1 / p.beta);
    // L = λˣ e^(−(λ+μ)T) + λˣ μ/(λ+μ) (e^(−(λ+μ)t_x) − e^(−(λ+μ)T)): alive at T, or died in (t_x, T]
    const wAlive = Math.exp(x * Math.log(lambda) - (lambda + mu) * T);
    const wDead = Math.exp(x * Math.log(lambda)) * (mu / (lambda + mu)) * (Math.exp(-(lambda + mu) * tx) - Math.exp(-(lambda + mu) * T));
    const w = wAlive + wDead;
    const alive = rng.uniform() < wAlive / w;
    let any = 0;
    let survives = 0;
    let first = 0;
    if (alive) {
      const death = -Math.log(rng.uniform()) / mu;
      const next = -Math.log(rng.uniform()) / lambda;
      any = next <= t && next < death ? 1 : 0;
      survives = death > t ? 1 : 0;
      first = next <= u && next < death ? 1 : 0;
    }
    weights.push(w);
    bought.push(any);
    aliveAfter.push(survives);
    soon.push(first);
  }
  return { weights, bought, aliveAfter, soon };
}

function within3se(estimate: { mean: number; se: number }, value: number): void {
  expect(Math.abs(estimate.mean - value)).toBeLessThan(3 * estimate.se + 1e-12);
}

describe('BG/NBD short-horizon scores', () => {
  it('P(purchase within t) = P(alive)·(1 − ((α+T)/(α+T+t))^(r+x)) by hand', () => {
    const [x, tx, T, t] = [3, 20, 30, 10];
    const A = BG.alpha + T;
    const alive = 1 / (1 + (BG.a / (BG.b + x - 1)) * ((BG.alpha + T) / (BG.alpha + tx)) ** (BG.r + x));
    expect(bgnbd.probabilityPurchaseWithin(BG, t, x, tx, T)).toBeCloseTo(alive * (1 - (A / (A + t)) ** (BG.r + x)), 14);
    // x = 0: alive by construction, the NBD probability of a purchase
    expect(bgnbd.probabilityPurchaseWithin(BG, 7, 0, 0, 30)).toBeCloseTo(1 - (36 / 43) ** 0.5, 14);
    expect(bgnbd.probabilityPurchaseWithin(BG, 0, 3, 20, 30)).toBe(0);
  });

  it('P(alive at T + t) = P(alive)·E_p[(A/(A + pt))^R] against a quadrature over p ~ Beta(a, b + x)', () => {
    for (const [x, tx, T, t] of [[3, 20, 30, 10], [0, 0, 30, 50], [8, 29, 30, 200], [1, 2, 40, 0.5]]) {
      const A = BG.alpha + T;
      const R = BG.r + x;
      const c = BG.b + x;
      // p = v^(1/a) removes the p^(a−1) singularity: ∫ p^(a−1)(1−p)^(c−1) h(p) dp = (1/a)∫ (1 − v^(1/a))^(c−1) h(v^(1/a)) dv
      const h = (v: number) => (1 - v ** (1 / BG.a)) ** (c - 1) * (A / (A + v ** (1 / BG.a) * t)) ** R;
      const norm = simpson((v) => (1 - v ** (1 / BG.a)) ** (c - 1), 0, 1);
      const expected = bgnbd.probabilityAlive(BG, x, tx, T) * (simpson(h, 0, 1) / norm);
      expect(bgnbd.probabilityAliveAfter(BG, t, x, tx, T)).toBeCloseTo(expected, 8);
    }
    expect(bgnbd.probabilityAliveAfter(BG, 0, 3, 20, 30)).toBe(bgnbd.probabilityAlive(BG, 3, 20, 30));
  });

  it('median time to the next purchase: ((α+T)/(α+T+m))^(r+x) = ½', () => {
    const m = bgnbd.medianTimeToPurchase(BG, 3, 20, 30);
    expect(((BG.alpha + 30) / (BG.alpha + 30 + m)) ** (BG.r + 3)).toBeCloseTo(0.5, 14);
    expect(bgnbd.medianTimeToPurchase({ r: 1, alpha: 2, a: 1, b: 1 }, 0, 0, 3)).toBeCloseTo(5, 14);
  });

  it('agrees with importance-sampled simulation of the process (within 3 standard errors)', () => {
    const rng = createRng(161);
    for (const [x, tx, T, t] of [[3, 20, 30, 10], [0, 0, 25, 30], [6, 12, 40, 20]]) {
      const u = bgnbd.medianTimeToPurchase(BG, x, tx, T);
      const sim = simulateBg('bgnbd', BG, x, tx, T, t, u, 120_000, rng);
      within3se(weighted(sim.weights, sim.aliveAtT), bgnbd.probabilityAlive(BG, x, tx, T));
      within3se(weighted(sim.weights, sim.bought), bgnbd.probabilityPurchaseWithin(BG, t, x, tx, T));
      within3se(weighted(sim.weights, sim.aliveAfter), bgnbd.probabilityAliveAfter(BG, t, x, tx, T));
      // among those alive at T, half have bought by the median
      const alive = sim.weights.map((w, i) => w * sim.aliveAtT[i]);
      within3se(weighted(alive, sim.soon), 0.5);
    }
  });
});

describe('MBG/NBD short-horizon scores', () => {
  it('uses its own P(alive) (below 1 at x = 0) with the same purchase and survival structure', () => {
    const [x, tx, T, t] = [0, 0, 30, 10];
    const A = BG.alpha + T;
    const alive = 1 / (1 + (BG.a / BG.b) * (A / BG.alpha) ** BG.r);
    expect(mbgnbd.probabilityPurchaseWithin(BG, t, x, tx, T)).toBeCloseTo(alive * (1 - (A / (A + t)) ** BG.r), 14);
    // survival: p ~ Beta(a, b + x + 1)
    const c = BG.b + x + 1;
    const h = (v: number) => (1 - v ** (1 / BG.a)) ** (c - 1) * (A / (A + v ** (1 / BG.a) * t)) ** BG.r;
    const norm = simpson((v) => (1 - v ** (1 / BG.a)) ** (c - 1), 0, 1);
    expect(mbgnbd.probabilityAliveAfter(BG, t, x, tx, T)).toBeCloseTo(alive * (simpson(h, 0, 1) / norm), 8);
  });

  it('agrees with importance-sampled simulation (within 3 standard errors)', () => {
    const rng = createRng(162);
    for (const [x, tx, T, t] of [[0, 0, 30, 15], [4, 25, 35, 30]]) {
      const u = mbgnbd.medianTimeToPurchase(BG, x, tx, T);
      const sim = simulateBg('mbgnbd', BG, x, tx, T, t, u, 120_000, rng);
      within3se(weighted(sim.weights, sim.aliveAtT), mbgnbd.probabilityAlive(BG, x, tx, T));
      within3se(weighted(sim.weights, sim.bought), mbgnbd.probabilityPurchaseWithin(BG, t, x, tx, T));
      within3se(weighted(sim.weights, sim.aliveAfter), mbgnbd.probabilityAliveAfter(BG, t, x, tx, T));
      within3se(weighted(sim.weights.map((w, i) => w * sim.aliveAtT[i]), sim.soon), 0.5);
    }
  });
});

describe('Pareto/NBD short-horizon scores', () => {
  it('closed form when α = β: P(alive)·R/(R + S)·(1 − (A/(A + t))^(R+S))', () => {
    const p = { r: 0.8, alpha: 9, s: 0.4, beta: 9 };
    for (const [x, tx, T, t] of [[2, 10, 30, 5], [0, 0, 20, 400], [15, 29, 30, 1e-3]]) {
      const A = p.alpha + T;
      const R = p.r + x;
      const expected = paretonbd.probabilityAlive(p, x, tx, T) * (R / (R + p.s)) * -Math.expm1((R + p.s) * Math.log(A / (A + t)));
      expect(paretonbd.probabilityPurchaseWithin(p, t, x, tx, T) / expected).toBeCloseTo(1, 10);
    }
  });

  it('P(purchase within t) against Simpson on ∫₀ᵗ (R/A)(A/(A+u))^(R+1)(B/(B+u))^S du', () => {
    for (const [x, tx, T, t] of [[2, 10, 30, 5], [0, 0, 20, 100], [26, 30.86, 31, 52], [1, 3, 39, 10]]) {
      const A = PARETO.alpha + T;
      const B = PARETO.beta + T;
      const R = PARETO.r + x;
      const integral = simpson((u) => (R / A) * (A / (A + u)) ** (R + 1) * (B / (B + u)) ** PARETO.s, 0, t, 200_000);
      expect(paretonbd.probabilityPurchaseWithin(PARETO, t, x, tx, T)).toBeCloseTo(paretonbd.probabilityAlive(PARETO, x, tx, T) * integral, 9);
    }
  });

  it('P(alive at T + t) = P(alive)·((β+T)/(β+T+t))^s by hand', () => {
    expect(paretonbd.probabilityAliveAfter(PARETO, 13, 2, 10, 30)).toBeCloseTo(paretonbd.probabilityAlive(PARETO, 2, 10, 30) * ((PARETO.beta + 30) / (PARETO.beta + 43)) ** PARETO.s, 14);
  });

  it('median: half of the alive customers buy by then; Infinity when they are more likely to die first', () => {
    const m = paretonbd.medianTimeToPurchase(PARETO, 2, 10, 30);
    const conditional = paretonbd.probabilityPurchaseWithin(PARETO, m, 2, 10, 30) / paretonbd.probabilityAlive(PARETO, 2, 10, 30);
    expect(conditional).toBeCloseTo(0.5, 10);
    // E[λ/(λ+μ)] < ½: slow buyers (mean rate 0.01) and fast dying (mean 0.5)
    expect(paretonbd.medianTimeToPurchase({ r: 1, alpha: 100, s: 5, beta: 10 }, 0, 0, 1)).toBe(Infinity);
    // E[λ/(λ+μ)] by an independent quadrature of the whole integral (u up to a long horizon) is indeed below ½
    const A = 101;
    const B = 11;
    const total = simpson((u) => (1 / A) * (A / (A + u)) ** 2 * (B / (B + u)) ** 5, 0, 20000, 400_000);
    expect(total).toBeLessThan(0.5);
  });

  it('agrees with importance-sampled simulation (within 3 standard errors)', () => {
    const rng = createRng(163);
    for (const [x, tx, T, t] of [[2, 10, 30, 20], [0, 0, 25, 40], [5, 20, 39, 8]]) {
      const u = paretonbd.medianTimeToPurchase(PARETO, x, tx, T);
      const sim = simulatePareto(PARETO, x, tx, T, t, Number.isFinite(u) ? u : 1e9, 120_000, rng);
      within3se(weighted(sim.weights, sim.bought), paretonbd.probabilityPurchaseWithin(PARETO, t, x, tx, T));
      within3se(weighted(sim.weights, sim.aliveAfter), paretonbd.probabilityAliveAfter(PARETO, t, x, tx, T));
      if (Number.isFinite(u)) within3se(weighted(sim.weights, sim.soon), 0.5 * paretonbd.probabilityAlive(PARETO, x, tx, T));
    }
  });
});

describe('consistency', () => {
  it('P(purchase within t) <= E[Y(t)], P(alive at T + t) <= P(alive), both monotone in t', () => {
    for (const [name, model, params] of [
      ['bgnbd', bgnbd, BG],
      ['mbgnbd', mbgnbd, BG],
      ['paretonbd', paretonbd, PARETO],
    ] as const) {
      let previousBuy = 0;
      let previousAlive = 1;
      for (const t of [0.1, 1, 10, 100, 1000]) {
        const buy = model.probabilityPurchaseWithin(params, t, 3, 20, 30);
        const alive = model.probabilityAliveAfter(params, t, 3, 20, 30);
        expect(buy, name).toBeLessThanOrEqual(model.expectedTransactions(params, t, 3, 20, 30) + 1e-15);
        expect(buy, name).toBeGreaterThanOrEqual(previousBuy);
        expect(alive, name).toBeLessThanOrEqual(Math.min(previousAlive, model.probabilityAlive(params, 3, 20, 30)) + 1e-15);
        previousBuy = buy;
        previousAlive = alive;
      }
    }
  });

  it('the adaptive quadrature integrates an endpoint power singularity', () => {
    expect(integrate((x) => (1 - x) ** 0.1, 0, 1)).toBeCloseTo(1 / 1.1, 10);
    expect(integrate((x) => x * x, 0, 3)).toBeCloseTo(9, 13);
  });
});
