/**
 * Large data: starting points tried on a sample of the customers, the best sample optimum polished on all the
 * data. The result must be the full data's maximum, the same as running every start on all the data.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { compressRfm, sampleRfm, totalWeight } from '../../src/models/compress.js';
import { SAMPLE_ABOVE_DISTINCT, SAMPLE_CUSTOMERS } from '../../src/models/fit-common.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import * as mbgnbd from '../../src/models/mbg-nbd.js';
import * as paretonbd from '../../src/models/pareto-nbd.js';
import type { RfmData } from '../../src/models/types.js';

/** Customers in weeks with times to the day, as in real data: most customers are a distinct tuple. */
function customers(model: typeof bgnbd | typeof paretonbd, params: Record<string, number>, n: number, seed: number): RfmData {
  const rng = createRng(seed);
  const T = Array.from({ length: n }, () => Math.round((20 + 60 * rng.uniform()) * 7) / 7);
  const data = model.simulate(params, { customers: n, T }, rng);
  return { ...data, recency: Array.from(data.recency, (t) => Math.floor(t * 7) / 7) };
}

describe('sampleRfm', () => {
  it('keeps about the asked number of customers, every tuple at its expected share, deterministically', () => {
    const data = compressRfm(customers(bgnbd, { r: 0.5, alpha: 5, a: 0.8, b: 2.5 }, 50_000, 1));
    const a = sampleRfm(data, 5_000);
    expect(totalWeight(a.weights, a.frequency.length)).toBeGreaterThan(4_800);
    expect(totalWeight(a.weights, a.frequency.length)).toBeLessThan(5_200);
    expect(sampleRfm(data, 5_000)).toEqual(a);
    // frequencies in the same proportions (within sampling error)
    const share = (d: { frequency: ArrayLike<number>; weights: ArrayLike<number> }, f: number): number => {
      let hit = 0;
      let all = 0;
      for (let i = 0; i < d.frequency.length; i++) {
        all += d.weights[i];
        if (d.frequency[i] === f) hit += d.weights[i];
      }
      return hit / all;
    };
    expect(Math.abs(share(a, 0) - share(data, 0))).toBeLessThan(0.03);
    // weighted entries: the sample of a tuple of weight 1,000 at q = 0.1 keeps weight 100
    const heavy = sampleRfm({ frequency: [2], recency: [5], T: [10], weights: [1_000] }, 100);
    expect(Array.from(heavy.weights)).toEqual([100]);
    // no more customers than there are
    expect(totalWeight(sampleRfm(data, 1e9).weights, data.frequency.length)).toBe(50_000);
  });
});

describe('fits of more than 40,000 distinct tuples start on a sample', () => {
  const cases = [
    ['BG/NBD', bgnbd, { r: 0.5, alpha: 5, a: 0.8, b: 2.5 }],
    ['MBG/NBD', mbgnbd, { r: 0.5, alpha: 5, a: 0.8, b: 2.5 }],
    ['Pareto/NBD', paretonbd, { r: 0.6, alpha: 6, s: 0.7, beta: 10 }],
  ] as const;
  for (const [name, model, truth] of cases) {
    it(`${name}: the same maximum as every start run on all the data`, () => {
      const data = customers(name === 'Pareto/NBD' ? paretonbd : bgnbd, truth, 90_000, 7);
      const sampled = model.fit(data);
      expect(sampled.nDistinct).toBeGreaterThan(SAMPLE_ABOVE_DISTINCT);
      expect(sampled.startSample).toBeGreaterThan(0.95 * SAMPLE_CUSTOMERS);
      expect(sampled.startSample).toBeLessThan(1.05 * SAMPLE_CUSTOMERS);
      expect(sampled.converged).toBe(true);
      // explicit starts switch the sample off and run on all the data (Pareto/NBD: from the true parameters
      // only, as three starts on all the data take half a minute)
      const startsOf = name === 'Pareto/NBD' ? [Object.values(truth)] : [[1, 5, 1, 1], [0.3, 1.5, 0.8, 2.5], [3, 15, 3, 10]];
      const full = model.fit(data, { starts: startsOf });
      expect(full.startSample).toBeUndefined();
      expect(sampled.logLikelihood).toBeCloseTo(full.logLikelihood, 4);
      for (const key of Object.keys(truth)) {
        expect(Math.abs(sampled.params[key] / full.params[key] - 1), key).toBeLessThan(1e-4);
      }
    }, 60_000);
  }
});
