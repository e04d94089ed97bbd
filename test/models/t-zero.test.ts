/**
 * Customers observed for no time: the first purchase on the as-of day gives frequency 0, recency 0, T = 0
 * (BG/BB: periods 0, the first transaction at the last opportunity). Such a customer's likelihood term is
 * exactly 1 in every model (nothing can have happened in no time), so it adds 0 to the log-likelihood and
 * to its gradient, and its predictions are those of a new customer.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { ModelError } from '../../src/errors.js';
import * as bgbb from '../../src/models/bg-bb.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import { validateRfm } from '../../src/models/fit-common.js';
import * as mbgnbd from '../../src/models/mbg-nbd.js';
import * as paretonbd from '../../src/models/pareto-nbd.js';
import type { RfmData } from '../../src/models/types.js';

const newcomer: RfmData = { frequency: [0], recency: [0], T: [0] };
const parameterSets = [
  { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  { r: 1e-5, alpha: 1e5, a: 1e-4, b: 1e4 },
  { r: 3e4, alpha: 2e-3, a: 50, b: 0.02 },
];

describe('validateRfm with T = 0', () => {
  it('accepts T = 0 with frequency and recency 0, and names the customer of a bad entry when it has the ids', () => {
    expect(() => validateRfm('bgnbd', newcomer)).not.toThrow();
    expect(() => validateRfm('bgnbd', { frequency: [1, 2], recency: [3, 0], T: [5, 0], ids: ['C1', 'C2'] })).toThrow(
      /1 of 2 entries are invalid; first entry 1 \(customer C2\): recency 0 is not 0 although|entry 1 \(customer C2\): frequency 2 is not 0 although T is 0/,
    );
    expect(() => validateRfm('bgnbd', { frequency: [0, 0], recency: [0, 0], T: [5, -1], ids: ['C1', 'C2'] })).toThrow(/entry 1 \(customer C2\): T -1 is not a non-negative number/);
    // without ids, the index only
    expect(() => validateRfm('bgnbd', { frequency: [0, 0], recency: [0, 0], T: [5, -1] })).toThrow(/first entry 1: T -1/);
  });
});

describe('the likelihood term of a customer with T = 0 is 1 (hand check: ln 1 = 0)', () => {
  // BG/NBD eq. (6) at x = 0, T = 0: B(a, b)/B(a, b) · Γ(r)α^r/(Γ(r)(α + 0)^r) = 1.
  // MBG/NBD at x = 0, t_x = T = 0: B(a, b + 1)/B(a, b) + B(a + 1, b)/B(a, b) = b/(a + b) + a/(a + b) = 1.
  // Pareto/NBD (FH eq. 18) at x = 0, T = 0: α^r β^s/(α^r β^s) + s/(r + s)·A₀ with A₀ = 0 (an empty integral) = 1.
  it.each(parameterSets)('BG/NBD and MBG/NBD at %o: value 0, gradient 0', (params) => {
    for (const model of [bgnbd, mbgnbd]) {
      expect(Math.abs(model.logLikelihood(params, newcomer))).toBeLessThan(1e-14);
      const { value, gradient } = model.logLikelihoodGradient(params, newcomer);
      expect(Math.abs(value)).toBeLessThan(1e-14);
      for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-12);
    }
  });

  it('Pareto/NBD: value 0', () => {
    for (const { r, alpha, a, b } of parameterSets) {
      expect(Math.abs(paretonbd.logLikelihood({ r, alpha, s: a, beta: b }, newcomer))).toBeLessThan(1e-14);
    }
  });

  it('BG/BB with periods 0: value 0', () => {
    expect(Math.abs(bgbb.logLikelihood({ alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 }, { frequency: [0], recency: [0], periods: [0] }))).toBeLessThan(1e-14);
  });

  it('adds exactly nothing to the log-likelihood of other data', () => {
    const data: RfmData = { frequency: [2, 0, 5], recency: [30.4, 0, 35], T: [38.9, 20, 36] };
    const withNew: RfmData = { frequency: [2, 0, 5, 0], recency: [30.4, 0, 35, 0], T: [38.9, 20, 36, 0] };
    for (const params of parameterSets) {
      const same = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThan(1e-13 * Math.max(1, Math.abs(b)));
      for (const model of [bgnbd, mbgnbd]) same(model.logLikelihood(params, withNew), model.logLikelihood(params, data));
      const pareto = { r: params.r, alpha: params.alpha, s: params.a, beta: params.b };
      same(paretonbd.logLikelihood(pareto, withNew), paretonbd.logLikelihood(pareto, data));
    }
  });
});

describe('predictions for a customer with T = 0 are those of a new customer (the population prior)', () => {
  it('P(alive) and expected purchases are finite and equal the new-customer figures', () => {
    const params = parameterSets[0];
    const pareto = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    for (const t of [1, 13, 52]) {
      expect(bgnbd.expectedTransactions(params, t, 0, 0, 0)).toBeCloseTo(bgnbd.expectedTransactionsNew(params, t), 12);
      expect(mbgnbd.expectedTransactions(params, t, 0, 0, 0)).toBeCloseTo(mbgnbd.expectedTransactionsNew(params, t), 12);
      expect(paretonbd.expectedTransactions(pareto, t, 0, 0, 0)).toBeCloseTo(paretonbd.expectedTransactionsNew(pareto, t), 12);
    }
    expect(bgnbd.probabilityAlive(params, 0, 0, 0)).toBe(1);
    // MBG/NBD: the customer may have dropped out right after the first purchase, with probability a/(a + b)
    expect(mbgnbd.probabilityAlive(params, 0, 0, 0)).toBeCloseTo(params.b / (params.a + params.b), 14);
    expect(paretonbd.probabilityAlive(pareto, 0, 0, 0)).toBe(1);
    const bb = { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 };
    expect(bgbb.expectedTransactions(bb, 5, 0, 0, 0)).toBeCloseTo(bgbb.expectedTransactionsNew(bb, 5), 12);
  });
});

describe('fitting with customers whose T is 0', () => {
  it('gives the same parameters and log-likelihood as without them (their term is constant), and counts them in n', () => {
    const bgSample = bgnbd.simulate({ r: 0.5, alpha: 6, a: 0.7, b: 2.5 }, { customers: 1500, T: 39 }, createRng(11));
    const paretoSample = paretonbd.simulate({ r: 0.55, alpha: 10.6, s: 0.6, beta: 11.7 }, { customers: 800, T: 39 }, createRng(12));
    const extra = 40;
    const withNew = (sample: RfmData): RfmData => ({
      frequency: [...Array.from(sample.frequency), ...new Array<number>(extra).fill(0)],
      recency: [...Array.from(sample.recency), ...new Array<number>(extra).fill(0)],
      T: [...Array.from(sample.T), ...new Array<number>(extra).fill(0)],
    });
    for (const [name, model, sample] of [['bgnbd', bgnbd, bgSample], ['mbgnbd', mbgnbd, bgSample], ['paretonbd', paretonbd, paretoSample]] as const) {
      const without = model.fit(sample);
      const withThem = model.fit(withNew(sample));
      expect(without.trusted, `${name}: ${without.problems.join('; ')}`).toBe(true);
      expect(withThem.trusted, `${name}: ${withThem.problems.join('; ')}`).toBe(true);
      for (const [parameter, value] of Object.entries(without.params)) expect(Math.abs(withThem.params[parameter] / value - 1), `${name} ${parameter}`).toBeLessThan(1e-9);
      expect(Math.abs(withThem.logLikelihood - without.logLikelihood)).toBeLessThan(1e-9 * Math.abs(without.logLikelihood));
      expect(withThem.n).toBe(without.n + extra);
    }
  });

  it('still refuses data with nobody repeating, naming the problem', () => {
    expect(() => bgnbd.fit({ frequency: [0, 0], recency: [0, 0], T: [0, 5] })).toThrow(ModelError);
    expect(() => bgnbd.fit({ frequency: [0, 0], recency: [0, 0], T: [0, 5] })).toThrow(/no customer made a repeat purchase/);
  });
});
