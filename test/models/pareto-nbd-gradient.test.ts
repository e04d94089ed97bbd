/**
 * The analytic gradient of the Pareto/NBD log-likelihood: the partial derivatives of ln ₂F₁(1, b; b + d; 1 − w)
 * against mpmath, the gradient against a hand calculation and against Richardson-extrapolated central
 * differences of the likelihood at parameter points in every regime of the ₂F₁ (α = β and within 1e-9 of it,
 * α ≫ β and α ≪ β, large x, s and β large together up to the ridge of the fixtures' fit), and the fit on
 * the gradient against a fit on central differences of the likelihood.
 */
import { describe, expect, it } from 'vitest';
import { compressRfm } from '../../src/models/compress.js';
import { fitMaximumLikelihood } from '../../src/models/fit-common.js';
import { logHyp2f1UnitA } from '../../src/math/hyp2f1.js';
import { fillUnitSeries, logHyp2f1UnitAPartials, logHyp2f1UnitASeries, logUnitSeries, UNIT_SERIES_STRIDE } from '../../src/models/pareto-nbd-gradient.js';
import { fit, logLikelihood, logLikelihoodGradient, logLikelihoodOf, parameterNames } from '../../src/models/pareto-nbd.js';
import type { RfmData } from '../../src/models/types.js';
import { readSharedCsv } from '../helpers/data.js';
import { logDerivative } from '../helpers/derivatives.js';

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('logHyp2f1UnitAPartials: ∂ ln ₂F₁(1, b; b + d; 1 − w) in b, d and w', () => {
  // [b, d, w, ∂/∂b, ∂/∂d, ∂/∂w] by mpmath (50 digits: numerical derivatives of ln of hyp2f1 after Pfaff's
  // transformation, at the doubles b, d, w and z = 1 − w, which is exact in doubles for w >= 1/2)
  const cases: [number, number, number, number, number, number][] = [
    [0.55, 1.6, 0.7, 0.11715676444430893, -0.043459747028295493, -0.33024163882163868],
    [12.5, 0.6, 0.2, 0.0087832588661321245, -0.21593486999616192, -4.2928404528604528],
    [133, 2.4, 0.3, 0.00028472443104641084, -0.016028714383127379, -3.1498247712126645],
    [2.4, 133, 0.3, 0.0051682523165922919, -9.3750196328851834e-5, -0.018136364191994021],
    [40, 3.3, 0.01, 0.019072640541316026, -0.30054860584656144, -18.162492280245469],
    [1.5, 50, 0.05, 0.018763105958677579, -0.00057375443720439193, -0.031133235672134634],
    [50, 1.5, 0.05, 0.0053789946011541801, -0.21389182242132858, -14.208393080305961],
    [1e6, 1.5, 1e-6, 4.3497452670556682e-7, -0.38862856842203336, -565024.61455090558],
    [846180, 0.918, 1.8e-7, 6.2450377836999266e-7, -1.0953569298751924, -2619761.8926545012],
    [846180, 5.918, 3.8e-7, 1.0957853007584797e-6, -0.18528152028355962, -191480.45924763978],
    [1.3, 2.1, 0.999999999, 1.8166089458323288e-10, -1.1245674428556046e-10, -0.38235294143000943],
    [0.001, 51, 0.5, 0.00989972403928003, -1.9599572013861751e-7, -1.9995799321724494e-5],
  ];
  it.each(cases)('b = %f, d = %f, w = %f', (b, d, w, db, dd, dw) => {
    const out = new Float64Array(3);
    expect(logHyp2f1UnitAPartials(b, d, 1 - w, w, out)).toBe(true);
    expect(relativeError(out[0], db), `∂/∂b ${out[0]}`).toBeLessThan(1e-8);
    expect(relativeError(out[1], dd), `∂/∂d ${out[1]}`).toBeLessThan(1e-8);
    expect(relativeError(out[2], dw), `∂/∂w ${out[2]}`).toBeLessThan(1e-8);
  });

  it('gives ∂/∂w = −b/(b + d) and nothing else at z = 0 (₂F₁ = 1 + bz/(b + d) + …), and false outside the domain', () => {
    const out = new Float64Array(3);
    expect(logHyp2f1UnitAPartials(1.05, 2.37, 0, 1, out)).toBe(true);
    expect(Math.abs(out[0]) + Math.abs(out[1])).toBe(0);
    expect(relativeError(out[2], -1.05 / 3.42)).toBeLessThan(1e-15);
    expect(logHyp2f1UnitAPartials(0, 1, 0.5, 0.5, out)).toBe(false);
    expect(logHyp2f1UnitAPartials(1, 1, 0.5, 0, out)).toBe(false);
  });
});


const cdnowRows = readSharedCsv('cdnow_customers_summary.csv');
const cdnow: RfmData = {
  frequency: cdnowRows.map((row) => Number(row.frequency)),
  recency: cdnowRows.map((row) => Number(row.recency)),
  T: cdnowRows.map((row) => Number(row.T)),
};
/** One-time buyers, t_x = T, t_x = 0 with x > 0, fractional weights, x = 150 and 400 (a density far above 1). */
const handmade: RfmData = {
  frequency: [0, 0, 1, 1, 3, 150, 2, 7, 400, 5],
  recency: [0, 0, 5, 0, 20, 38.9, 39, 12.25, 5, 39],
  T: [10, 39, 39, 2, 39, 39, 39, 52, 6, 39],
  weights: [2.5, 1, 0.5, 1, 3, 1, 7, 0.25, 1, 2],
};

type Params = { r: number; alpha: number; s: number; beta: number };
const points: [string, Params][] = [
  ['published CDNOW fit', { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }],
  ['α = β (z = 0)', { r: 1, alpha: 5, s: 2, beta: 5 }],
  ['β = α(1 + 1e-9)', { r: 1, alpha: 5, s: 2, beta: 5 * (1 + 1e-9) }],
  ['α = β(1 + 1e-9)', { r: 1, alpha: 5 * (1 + 1e-9), s: 2, beta: 5 }],
  ['α ≫ β (z near 1, continued fraction)', { r: 0.8, alpha: 200, s: 1.3, beta: 0.5 }],
  ['α ≪ β (z near 1, x = 0 with r + x < 1)', { r: 2, alpha: 0.05, s: 0.4, beta: 300 }],
  ['s = 1', { r: 0.5, alpha: 3, s: 1, beta: 40 }],
  ['large x against small α (lifetimes overflow test)', { r: 10.465, alpha: 7.98565181e-3, s: 3.0516, beta: 2.82 }],
  ['s and β large: s = 1e3, s/β = 0.0085', { r: 0.92, alpha: 18, s: 1e3, beta: 1e3 / 0.0085 }],
  ['s and β on the ridge of the fixtures: s = 1e6', { r: 0.92, alpha: 18, s: 1e6, beta: 1e6 / 0.0085 }],
  ['r tiny, s large', { r: 1e-3, alpha: 1e-2, s: 50, beta: 1e4 }],
];

describe('Pareto/NBD logLikelihoodGradient', () => {
  it('equals the hand calculation at r = α = s = β = 1 for x = 0, T = 1', () => {
    // L = α^r β^s [(α + T)^(−r) (β + T)^(−s) + s ∫₀ᵀ (α + τ)^(−r) (β + τ)^(−(s+1)) dτ] = 1/4 + 3/8; its derivatives
    // at 1 with ∫₀¹ (1 + τ)⁻⁴ dτ = 7/24 and ∫₀¹ ln(1 + τ)(1 + τ)⁻³ dτ = 3/16 − ln 2/8, divided by L
    const { value, gradient } = logLikelihoodGradient({ r: 1, alpha: 1, s: 1, beta: 1 }, { frequency: [0], recency: [0], T: [1] });
    expect(value).toBeCloseTo(Math.log(5 / 8), 15);
    const expected = [-3 / 10 - Math.LN2 / 5, 1 / 3, 3 / 10 - Math.LN2 / 5, -2 / 15];
    expected.forEach((g, i) => expect(Math.abs(gradient[i] - g), parameterNames[i]).toBeLessThan(1e-15));
  });

  const dataSets: [string, RfmData][] = [
    ['CDNOW', cdnow],
    ['CDNOW compressed (weights)', compressRfm(cdnow)],
    ['hand-made', handmade],
    // at α = 0.008 the ln I(t) of x = 150 and 500 span more than 700 (an entry's gap too): the log-scale path
    ['large x at t_x near 0 (log scale)', { frequency: [150, 150, 150, 2, 0, 500], recency: [0.1, 38, 20, 30, 0, 0.05], T: [39, 39, 39, 39, 39, 37] }],
  ];
  describe.each(dataSets)('on %s', (_, data) => {
    it.each(points)('matches Richardson-extrapolated central differences: %s', (_label, params) => {
      const { value, gradient } = logLikelihoodGradient(params, data);
      const ll = logLikelihood(params, data);
      expect(value).toBe(ll);
      parameterNames.forEach((name, i) => {
        const fd = logDerivative((theta) => logLikelihood({ ...params, [name]: theta }, data), params[name]);
        const scaled = params[name] * gradient[i];
        // the second term is the rounding floor of the differences, for components that are almost 0
        expect(Math.abs(scaled - fd), `∂/∂${name}: analytic ${scaled}, differences ${fd}`).toBeLessThanOrEqual(1e-6 * Math.abs(fd) + 1e-11 * Math.abs(ll));
      });
    });
  });

  it('is finite, in bounded time, for every parameter from 1e-15 to 1e15 (where the optimiser may try)', () => {
    // every 50th CDNOW customer; e.g. r = s = 1e-6 at x = 0, t = 0 puts the ₂F₁ at b + d = 1 + 2e-6, z = 1 − 1e-6,
    // where the derivatives come from one-sided differences
    const sample: RfmData = { frequency: [], recency: [], T: [] };
    cdnowRows.forEach((row, i) => {
      if (i % 50 !== 0) return;
      (sample.frequency as number[]).push(Number(row.frequency));
      (sample.recency as number[]).push(Number(row.recency));
      (sample.T as number[]).push(Number(row.T));
    });
    const values = [1e-15, 1e-6, 1e-2, 1, 1e2, 1e6, 1e15];
    const started = performance.now();
    const bad: string[] = [];
    for (const r of values) {
      for (const alpha of values) {
        for (const s of values) {
          for (const beta of values) {
            const { value, gradient } = logLikelihoodGradient({ r, alpha, s, beta }, sample);
            if (!Number.isFinite(value) || !gradient.every(Number.isFinite)) bad.push(`${r} ${alpha} ${s} ${beta}`);
          }
        }
      }
    }
    // 2,401 passes over 48 customers: about 1 s
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(bad).toEqual([]);
  });

  it('gives a zero value and gradient for a customer with T = 0', () => {
    const { value, gradient } = logLikelihoodGradient({ r: 0.5, alpha: 3, s: 1, beta: 40 }, { frequency: [0], recency: [0], T: [0] });
    expect(value).toBe(0);
    for (const g of gradient) expect(Math.abs(g)).toBe(0);
  });
});

describe('logHyp2f1UnitASeries, the ₂F₁ of the likelihood for z <= 3/4 with its derivatives from the same loop', () => {
  it('equals logHyp2f1UnitA, with and without the derivatives', () => {
    const out = new Float64Array(3);
    for (const [b, d, z] of [
      [0.55, 1.6, 0.3],
      [2.37, 1.05, 0.75],
      [133, 2.4, 0.7],
      [2.4, 133, 0.5],
      [1e10, 5.5, 0.6],
      [1.3, 2.1, 1e-9],
      [1.3, 2.1, 0],
    ]) {
      const value = logHyp2f1UnitASeries(b, d, z, null);
      expect(logHyp2f1UnitASeries(b, d, z, out)).toBe(value);
      expect(Math.abs(value - logHyp2f1UnitA(b, d, z)), `b=${b} d=${d} z=${z}`).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(value)));
    }
    expect(Number.isNaN(logHyp2f1UnitASeries(1, 1, 0.8, null))).toBe(true);
  });

  it('gives the same from a table of coefficients per (b, d) (fillUnitSeries, logUnitSeries), NaN when the table is too short', () => {
    const terms = 200;
    const table = new Float64Array(UNIT_SERIES_STRIDE * terms);
    const fromTable = new Float64Array(3);
    const direct = new Float64Array(3);
    for (const [b, d] of [
      [0.55, 1.6],
      [2.37, 1.05],
      [133, 2.4],
      [2.4, 133],
      [1e10, 5.5],
    ]) {
      fillUnitSeries(b, d, table, 0, terms);
      for (const z of [0, 1e-9, 0.3, 0.6, 0.75]) {
        const value = logUnitSeries(table, 0, terms, z, null);
        expect(logUnitSeries(table, 0, terms, z, fromTable)).toBe(value);
        const expected = logHyp2f1UnitASeries(b, d, z, direct);
        expect(Math.abs(value - expected), `b=${b} d=${d} z=${z}`).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(expected)));
        for (let i = 0; i < 3; i++) expect(Math.abs(fromTable[i] - direct[i]), `b=${b} d=${d} z=${z} partial ${i}`).toBeLessThanOrEqual(1e-14 * Math.abs(direct[i]));
      }
    }
    expect(Number.isNaN(logUnitSeries(table, 0, 10, 0.75, null))).toBe(true);
  });
});

describe('Pareto/NBD fit on the analytic gradient', () => {
  it('reaches the maximum of a fit on central differences of the likelihood (CDNOW)', () => {
    const compressed = compressRfm(cdnow);
    const model = fit(cdnow);
    // the same problem without the gradient: BFGS on central differences, second differences for the Hessian
    const evaluate = logLikelihoodOf(compressed);
    const byDifferences = fitMaximumLikelihood({
      model: 'paretonbd',
      parameterNames,
      logLikelihood: ([r, alpha, s, beta]) => evaluate({ r, alpha, s, beta }),
      n: cdnow.frequency.length,
      nDistinct: compressed.frequency.length,
      scales: [1, 38.9, 1, 38.9],
      starts: [[1, 10, 1, 30]],
    });
    expect(model.converged).toBe(true);
    expect(byDifferences.converged).toBe(true);
    expect(relativeError(model.logLikelihood, byDifferences.logLikelihood)).toBeLessThan(1e-10);
    for (const name of parameterNames) {
      expect(relativeError(model.params[name], byDifferences.params[name]), name).toBeLessThan(1e-4);
      expect(relativeError(model.stdErrors[name]!, byDifferences.stdErrors[name]!), `SE ${name}`).toBeLessThan(1e-3);
    }
  });
});
