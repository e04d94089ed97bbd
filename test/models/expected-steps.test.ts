import { describe, expect, it } from 'vitest';
import { PURCHASE_MODELS, PURCHASE_MODEL_NAMES } from '../../src/models/registry.js';

const PARAMS = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  mbgnbd: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 },
  paretonbd: { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 },
};

describe('expectedTransactionsSteps', () => {
  const times = [0, 4.348, 8.696, 13.04, 26.09, 52.18];
  const histories: [number, number, number][] = [
    [0, 0, 38.86],
    [2, 30.43, 38.86],
    [2, 12.5, 38.86], // same x and T, another recency: shares the numerators
    [7, 35, 38.86],
    [1, 0.5, 1],
  ];
  for (const name of PURCHASE_MODEL_NAMES) {
    it(`${name}: the same values as expectedTransactions to the last bit, with and without shared numerators`, () => {
      const model = PURCHASE_MODELS[name];
      const params = PARAMS[name];
      const shared = new Map<string, Float64Array>();
      for (const [x, tx, T] of histories) {
        const expected = times.map((t) => model.expectedTransactions(params, t, x, tx, T));
        const plain = new Float64Array(times.length);
        model.expectedTransactionsSteps(params, times, x, tx, T, plain);
        const key = `${x},${T}`;
        if (!shared.has(key)) shared.set(key, new Float64Array(times.length).fill(Number.NaN));
        const cached = new Float64Array(times.length);
        model.expectedTransactionsSteps(params, times, x, tx, T, cached, shared.get(key));
        expect([...plain]).toEqual(expected);
        expect([...cached]).toEqual(expected);
        expect(expected[5]).toBeGreaterThan(expected[1]);
      }
    });
  }

  it('fills the shared numerators of the BG/NBD family once per (x, T), and they do not depend on recency', () => {
    const numerators = new Float64Array(times.length).fill(Number.NaN);
    const out = new Float64Array(times.length);
    PURCHASE_MODELS.bgnbd.expectedTransactionsSteps(PARAMS.bgnbd, times, 2, 30.43, 38.86, out, numerators);
    const first = [...numerators];
    expect(first.slice(1).every(Number.isFinite)).toBe(true);
    PURCHASE_MODELS.bgnbd.expectedTransactionsSteps(PARAMS.bgnbd, times, 2, 12.5, 38.86, out, numerators);
    expect([...numerators]).toEqual(first);
    // a customer who bought recently (higher P(alive)) expects more
    expect(PURCHASE_MODELS.bgnbd.expectedTransactions(PARAMS.bgnbd, 52.18, 2, 30.43, 38.86)).toBeGreaterThan(out[5]);
  });
});
