/**
 * The likelihoods at extreme parameters (where the optimiser used to be drawn by false values) against
 * high-precision references: test/models/reference/extreme_likelihoods.py computes them with exact rational
 * products and Python's decimal module at 250 significant digits (ln, exp, and ln Γ by the Stirling series
 * with 40 Bernoulli terms after the recurrence); run it to reproduce the numbers below.
 *
 * Before: BG/BB took differences of lbeta values (all digits lost at parameters of 1e15), MBG/NBD and BG/NBD took ln B(a, b + x) − ln B(a, b) and r·ln α − (r + x)·ln(α + T) as differences
 * of huge numbers (all digits lost at a = b = 1e15 or r = 1e100), and Gamma-Gamma ln Γ(px + q) − ln Γ(px) −
 * ln Γ(q) + q·ln γ − (px + q)·ln(γ + x z̄) (at p = 2e105 it gave a positive number of size 1e108 for a
 * value of −6.2e108; at the real-data optimum p = 3.6e-19, q = 1.2e23, γ = 3e43 it gave 0).
 */
import { describe, expect, it } from 'vitest';
import * as bgbb from '../../src/models/bg-bb.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import * as gammagamma from '../../src/models/gamma-gamma.js';
import * as mbgnbd from '../../src/models/mbg-nbd.js';
import * as paretonbd from '../../src/models/pareto-nbd.js';
import { bd0, logBetaRatio, logGammaRatio } from '../../src/math/special.js';
import type { RfmData } from '../../src/models/types.js';

// (x, t_x, T): the fourth customer has T = 0
const purchases: RfmData = { frequency: [2, 0, 7, 0], recency: [30.43, 0, 35.1, 0], T: [38.86, 38.86, 36.3, 0] };
const spend = { frequency: [1, 3, 2, 7], monetaryValue: [35, 52.5, 10, 88.1] };

const purchaseCases: [string, Record<string, number>, number, number][] = [
  // [what, params, BG/NBD reference, MBG/NBD reference]
  ['CDNOW estimates', { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, -3.17679209648141061e1, -3.1920677780982988e1],
  ['a = b = 1e15', { r: 0.5, alpha: 10, a: 1e15, b: 1e15 }, -3.47864653682567919e1, -3.56995020806822154e1],
  ['r, b at the upper bound, a at the lower one', { r: 1e6, alpha: 1e7, a: 1e-6, b: 1e6 }, -3.21252553295458085e1, -3.21252553295000922e1],
  ['r = 3e4, α = 2e-3', { r: 3e4, alpha: 2e-3, a: 50, b: 0.02 }, -8.78297578957628109e5, -5.82065009262474254e5],
  ['r = 1e100, a = 1e200', { r: 1e100, alpha: 1e102, a: 1e200, b: 3e200 }, -4.45757421135711738e1, -4.50389133814499871e1],
];

const spendCases: [string, Record<string, number>, number][] = [
  ['CDNOW estimates', { p: 6.25, q: 3.74, gamma: 15.44 }, -2.00705168164635417e1],
  ['the optimum a real export was drawn to', { p: 3.6e-19, q: 1.2e23, gamma: 3.0e43 }, -1.80432280924439027e2],
  ['p, q, γ of size 1e106', { p: 2e105, q: 3e106, gamma: 5e106 }, -6.18484005113179921e108],
  ['p = q = 1e6 (identical spends)', { p: 1e6, q: 1e6, gamma: 35 }, -9.19541685414011707e5],
  ['q = 1e12', { p: 40, q: 1e12, gamma: 2e12 }, -1.26293726837525838e2],
];

const close = (actual: number, expected: number, relative: number): void => {
  expect(Number.isFinite(actual)).toBe(true);
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
};

describe('BG/NBD and MBG/NBD log-likelihoods at extreme parameters', () => {
  it.each(purchaseCases)('%s', (_, params, bg, mbg) => {
    close(bgnbd.logLikelihood(params, purchases), bg, 1e-12);
    close(mbgnbd.logLikelihood(params, purchases), mbg, 1e-12);
    // the gradient pass gives the same value
    close(bgnbd.logLikelihoodGradient(params, purchases).value, bg, 1e-12);
    close(mbgnbd.logLikelihoodGradient(params, purchases).value, mbg, 1e-12);
  });

  it('is never positive where the likelihood is a probability (customers without repeat purchases)', () => {
    const none: RfmData = { frequency: [0, 0, 0], recency: [0, 0, 0], T: [0, 3, 40] };
    for (const r of [1e-6, 1, 1e6, 1e100]) {
      for (const alpha of [1e-6, 1, 1e6, 1e102]) {
        for (const [a, b] of [[1e-6, 1e6], [1, 1], [1e15, 1e15], [1e200, 3e200]]) {
          expect(bgnbd.logLikelihood({ r, alpha, a, b }, none)).toBeLessThanOrEqual(0);
          expect(mbgnbd.logLikelihood({ r, alpha, a, b }, none)).toBeLessThanOrEqual(0);
        }
      }
    }
  });
});

describe('BG/BB log-likelihood at extreme parameters (the last pattern has periods 0)', () => {
  const patterns = { frequency: [6, 0, 3, 2, 0], recency: [6, 0, 4, 5, 0], periods: [6, 6, 6, 10, 0] };
  const cases: [string, Record<string, number>, number][] = [
    ['FHS estimates', { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, -1.48936941797718685e1],
    ['all four of size 1e15', { alpha: 1e15, beta: 3e15, gamma: 2e14, delta: 7e15 }, -2.0051907007485525e1],
    ['at the bounds', { alpha: 1e-6, beta: 1e6, gamma: 1e6, delta: 1e-6 }, -4.26858441905782854e2],
  ];
  it.each(cases)('%s', (_, params, expected) => {
    close(bgbb.logLikelihood(params, patterns), expected, 1e-12);
  });
});

describe('Pareto/NBD at the point a one-customer fit used to run to', () => {
  it('equals its Poisson limit x ln λ − λT (r, α → ∞ with λ = r/α; s → 0: no dropout), not +974', () => {
    // heterogeneity var(λ)/λ² = 1/r = 1e-17 and dropout s/β = 1e-49: the limit holds to about 1e-15
    const params = { r: 117334343296626060, alpha: 1642680854908371000, s: 2.85227905394e-24, beta: 2.1508097408970233e25 };
    const lambda = params.r / params.alpha;
    close(paretonbd.logLikelihood(params, { frequency: [26], recency: [52], T: [52] }), 26 * Math.log(lambda) - lambda * 52, 1e-12);
  });
});

describe('Gamma-Gamma log-likelihood at extreme parameters', () => {
  it.each(spendCases)('%s', (_, params, expected) => {
    close(gammagamma.logLikelihood(params, spend), expected, 1e-11);
    close(gammagamma.logLikelihoodGradient(params, spend).value, expected, 1e-11);
  });
});

describe('Gamma-Gamma on identical customers (each 2 repeat purchases of 35), where the terms reach 1e110 and cancel', () => {
  const identical = { frequency: [2, 2, 2], monetaryValue: [35, 35, 35] };
  const cases: [Record<string, number>, number][] = [
    // v = 70/(γ + 70) equals px/(px + q) = 1/11: the density of a nearly degenerate spend, positive (the
    // plain form's terms are 1e22 here and left an error of about 1e6)
    [{ p: 1e20, q: 2e21, gamma: 700 }, 5.65514485068725392e1],
    [{ p: 1e107, q: 2e108, gamma: 701 }, -5.55575847209102747e101],
    [{ p: 5e30, q: 7e31, gamma: 910 }, -4.30955533919452345e30],
  ];
  it.each(cases)('%o', (params, expected) => {
    close(gammagamma.logLikelihood(params, identical), expected, 1e-9);
  });
});

describe('the stable pieces', () => {
  it('logGammaRatio and logBetaRatio keep their precision where the plain differences cancel', () => {
    expect(logGammaRatio(1, 3)).toBeCloseTo(Math.log(6), 15);
    close(logGammaRatio(1e15, 3), 3 * Math.log(1e15) + 3e-15, 1e-15);
    close(logGammaRatio(1e15, 100.5), 100.5 * Math.log(1e15), 1e-14);
    close(logBetaRatio(1e15, 1e15, 3), 3 * Math.log(0.5), 1e-14);
    close(logBetaRatio(1e15, 1e15, 300), 300 * Math.log(0.5), 1e-12);
    expect(logBetaRatio(1, 1, 1)).toBeCloseTo(Math.log(0.5), 15);
  });

  it('bd0 is x ln(x/μ) + μ − x, also next to μ', () => {
    expect(bd0(2, 1)).toBeCloseTo(2 * Math.log(2) - 1, 15);
    // x = μ(1 + ε): bd0 ≈ μ ε²/2
    close(bd0(1e10 * (1 + 1e-6), 1e10), (1e10 * 1e-12) / 2, 1e-5);
  });
});
