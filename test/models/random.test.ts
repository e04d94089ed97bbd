import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';

const N = 200_000;

function moments(draw: () => number, n = N): { mean: number; variance: number; min: number; max: number } {
  let sum = 0;
  let sumSquares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSquares += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  return { mean, variance: sumSquares / n - mean * mean, min, max };
}

/** |observed − expected| within 5 standard errors of the sample mean. */
function expectMean(observed: number, expected: number, variance: number, n = N): void {
  expect(Math.abs(observed - expected)).toBeLessThan(5 * Math.sqrt(variance / n));
}

describe('createRng', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xs);
  });

  it('gives uniforms in (0, 1) with mean 1/2 and variance 1/12', () => {
    const m = moments(createRng(1).uniform);
    expect(m.min).toBeGreaterThan(0);
    expect(m.max).toBeLessThan(1);
    expectMean(m.mean, 0.5, 1 / 12);
    expect(m.variance).toBeCloseTo(1 / 12, 3);
  });

  it('gives standard normals', () => {
    const m = moments(createRng(2).normal);
    expectMean(m.mean, 0, 1);
    expect(m.variance).toBeCloseTo(1, 2);
  });

  it('gives exponentials with mean 1/rate', () => {
    const rng = createRng(3);
    const m = moments(() => rng.exponential(2.5));
    expectMean(m.mean, 0.4, 0.16);
    expect(m.variance / 0.16).toBeCloseTo(1, 1);
    expect(() => rng.exponential(0)).toThrow(RangeError);
  });

  it.each([[0.243, 1 / 4.414], [0.5, 2], [1, 1], [3.7, 0.25], [25, 3]])('gives gamma(shape %f, scale %f) with mean kθ and variance kθ²', (shape, scale) => {
    const rng = createRng(4);
    const m = moments(() => rng.gamma(shape, scale));
    expect(m.min).toBeGreaterThanOrEqual(0);
    expectMean(m.mean, shape * scale, shape * scale * scale);
    expect(m.variance / (shape * scale * scale)).toBeGreaterThan(0.93);
    expect(m.variance / (shape * scale * scale)).toBeLessThan(1.07);
  });

  it.each([[0.793, 2.426], [0.05, 0.05], [2, 5]])('gives beta(%f, %f) with the right mean and variance', (a, b) => {
    const rng = createRng(5);
    const m = moments(() => rng.beta(a, b));
    const mean = a / (a + b);
    const variance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(m.min).toBeGreaterThanOrEqual(0);
    expect(m.max).toBeLessThanOrEqual(1);
    expect(Number.isNaN(m.mean)).toBe(false);
    expectMean(m.mean, mean, variance);
    expect(m.variance / variance).toBeCloseTo(1, 1);
  });

  it.each([0.3, 4, 9.9, 10, 37.5, 1000])('gives Poisson(%f) integers with mean = variance = λ', (lambda) => {
    const rng = createRng(6);
    let integers = true;
    const m = moments(() => {
      const k = rng.poisson(lambda);
      if (!Number.isInteger(k) || k < 0) integers = false;
      return k;
    });
    expect(integers).toBe(true);
    expectMean(m.mean, lambda, lambda);
    expect(m.variance / lambda).toBeGreaterThan(0.97);
    expect(m.variance / lambda).toBeLessThan(1.03);
    expect(rng.poisson(0)).toBe(0);
  });

  it('gives the Poisson probability of the mode, P(⌊λ⌋), for λ = 1.5 (multiplication) and λ = 12 (PTRS)', () => {
    for (const lambda of [1.5, 12]) {
      const rng = createRng(11);
      const counts = new Map<number, number>();
      for (let i = 0; i < N; i++) {
        const k = rng.poisson(lambda);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const mode = Math.floor(lambda);
      const pMode = Math.exp(-lambda + mode * Math.log(lambda) - Math.log([...Array(mode).keys()].reduce((p, i) => p * (i + 1), 1)));
      const observed = (counts.get(mode) ?? 0) / N;
      expect(Math.abs(observed - pMode)).toBeLessThan(5 * Math.sqrt((pMode * (1 - pMode)) / N));
    }
  });

  it('gives geometric trial counts >= 1 with mean 1/p and variance (1-p)/p²', () => {
    for (const p of [0.1, 0.5, 0.9]) {
      const rng = createRng(7);
      const m = moments(() => rng.geometric(p));
      expect(m.min).toBe(1);
      expectMean(m.mean, 1 / p, (1 - p) / (p * p));
      expect(m.variance / ((1 - p) / (p * p))).toBeCloseTo(1, 1);
    }
    expect(createRng(7).geometric(1)).toBe(1);
  });

  it('gives uniform integers in 0..n-1', () => {
    const rng = createRng(8);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(5 * Math.sqrt(10_000 * (6 / 7)));
    expect(() => rng.int(0)).toThrow(RangeError);
  });

  it('rejects a non-finite seed', () => {
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});
