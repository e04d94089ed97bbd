/**
 * Analytic gradients of the BG/NBD, MBG/NBD and Gamma-Gamma log-likelihoods against careful central finite
 * differences (Richardson-extrapolated, in the log-parameters), the digamma helpers against mpmath and
 * against differences of lgamma, and fits with analytic gradients against fits with finite differences.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import { compressRfm, compressSpend } from '../../src/models/compress.js';
import { fitMaximumLikelihood } from '../../src/models/fit-common.js';
import type { LikelihoodProblem } from '../../src/models/fit-common.js';
import * as gammagamma from '../../src/models/gamma-gamma.js';
import * as mbgnbd from '../../src/models/mbg-nbd.js';
import { digamma, digammaDifference, lbeta, lbetaRatioGradient, lgamma } from '../../src/math/special.js';
import type { RfmData } from '../../src/models/types.js';
import { readSharedCsv } from '../helpers/data.js';
import { logDerivative } from '../helpers/derivatives.js';

const EULER_GAMMA = 0.5772156649015329;
const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);


/**
 * Checks an analytic gradient (natural parameters) against finite differences of the value: per parameter,
 * |θᵢ·gᵢ − FD| <= 1e-6·|FD| + 1e-11·|LL| (the second term is the rounding floor of the differences; it
 * matters only for components that are almost 0). The value must be exactly the log-likelihood's.
 */
function expectGradientMatches(
  names: readonly string[],
  params: Record<string, number>,
  value: (params: Record<string, number>) => number,
  analytic: (params: Record<string, number>) => { value: number; gradient: number[] },
  label: string,
): void {
  const result = analytic(params);
  const ll = value(params);
  expect(result.value, `${label}: value`).toBe(ll);
  names.forEach((name, i) => {
    const fd = logDerivative((theta) => value({ ...params, [name]: theta }), params[name]);
    const scaled = params[name] * result.gradient[i];
    const tolerance = 1e-6 * Math.abs(fd) + 1e-11 * Math.abs(ll);
    expect(Math.abs(scaled - fd), `${label}: ∂/∂${name} analytic ${scaled} finite-difference ${fd}`).toBeLessThanOrEqual(tolerance);
  });
}

const cdnowRows = readSharedCsv('cdnow_customers_summary_with_transactions.csv');
const cdnow: RfmData = {
  frequency: cdnowRows.map((row) => Number(row.x)),
  recency: cdnowRows.map((row) => Number(row.t_x)),
  T: cdnowRows.map((row) => Number(row.T)),
};
const cdnowSpend = { frequency: cdnowRows.map((row) => Number(row.x)), monetaryValue: cdnowRows.map((row) => Number(row.zbar)) };

/** Small hand-made data: one-time buyers, t_x = T, t_x = 0 with x > 0, fractional weights, x = 150 (> 64). */
const handmade: RfmData = {
  frequency: [0, 0, 1, 1, 3, 150, 2, 7],
  recency: [0, 0, 5, 0, 20, 38.9, 39, 12.25],
  T: [10, 39, 39, 2, 39, 39, 39, 52],
  weights: [2.5, 1, 0.5, 1, 3, 1, 7, 0.25],
};
/** Only one-time buyers and a single repeat customer. */
const mostlyOnce: RfmData = { frequency: [0, 0, 0, 1], recency: [0, 0, 0, 3], T: [4, 8, 30, 30] };

const purchaseDataSets: [string, RfmData][] = [
  ['CDNOW', cdnow],
  ['CDNOW compressed (weights)', compressRfm(cdnow)],
  ['hand-made', handmade],
  ['one-time buyers', mostlyOnce],
];

/** Random parameter points, log-uniform over wide ranges, plus edge cases. */
function purchaseParameterPoints(seed: number, count: number): Record<string, number>[] {
  const rng = createRng(seed);
  const logUniform = (low: number, high: number): number => Math.exp(low + (high - low) * rng.uniform());
  const points: Record<string, number>[] = [];
  for (let i = 0; i < count; i++) {
    points.push({ r: logUniform(-4, 2), alpha: logUniform(-2, 5), a: logUniform(-4, 3), b: logUniform(-4, 5) });
  }
  points.push(
    { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, // the published CDNOW estimates
    { r: 0.5, alpha: 6, a: 1, b: 2.5 }, // a = 1 (where the expectations' (a + b − 1)/(a − 1) is singular)
    { r: 0.5, alpha: 6, a: 1 + 1e-9, b: 2.5 },
    { r: 0.5, alpha: 6, a: 1 - 1e-9, b: 2.5 },
    { r: 0.5, alpha: 6, a: 0.7, b: 1e3 }, // large b
    { r: 0.5, alpha: 6, a: 0.7, b: 1e6 }, // very large b
    { r: 0.5, alpha: 6, a: 0.7, b: 0.01 }, // b + x − 1 small for x = 1
    { r: 1e-3, alpha: 1e3, a: 1e-3, b: 1e-3 },
    { r: 50, alpha: 0.05, a: 50, b: 50 },
  );
  return points;
}

describe('digamma', () => {
  /** mpmath digamma at 40 digits. */
  const reference: [number, number][] = [
    [1e-300, -9.9999999999999997e299],
    [1e-8, -100000000.57721565],
    [0.001, -1000.5755719318103],
    [0.243, -4.3510938644232107],
    [0.5, -1.9635100260214235],
    [1, -0.57721566490153286],
    [1.5, 0.036489973978576521],
    [2, 0.42278433509846714],
    [2.5, 0.70315664064524319],
    [3.7, 1.1671535393615114],
    [9.5, 2.1977378764029495],
    [10, 2.2517525890667211],
    [10.5, 2.3030010342976864],
    [100, 4.6001618527380874],
    [1e6, 13.815510057964191],
    [1e15, 34.538776394910685],
  ];

  it.each(reference)('digamma(%s) matches mpmath to 3e-15 relative', (x, expected) => {
    expect(relativeError(digamma(x), expected)).toBeLessThan(3e-15);
  });

  it('gives the closed forms ψ(1) = −γ, ψ(½) = −γ − 2 ln 2, ψ(n) = −γ + Σ_{k<n} 1/k', () => {
    expect(relativeError(digamma(1), -EULER_GAMMA)).toBeLessThan(2e-15);
    expect(relativeError(digamma(0.5), -EULER_GAMMA - 2 * Math.LN2)).toBeLessThan(1e-15);
    let harmonic = 0;
    for (let n = 2; n <= 40; n++) {
      harmonic += 1 / (n - 1);
      expect(relativeError(digamma(n), -EULER_GAMMA + harmonic), `n = ${n}`).toBeLessThan(2e-15);
    }
  });

  it('is the derivative of lgamma (central differences, Richardson-extrapolated)', () => {
    const rng = createRng(11);
    for (let i = 0; i < 300; i++) {
      const x = Math.exp(-6 + 14 * rng.uniform());
      const fd = logDerivative(lgamma, x, 0.01) / x;
      const tolerance = 1e-9 * Math.abs(fd) + 1e-12 * (Math.abs(lgamma(x)) / x + 1);
      expect(Math.abs(digamma(x) - fd), `x = ${x}`).toBeLessThan(tolerance);
    }
  });

  it('satisfies ψ(x + 1) = ψ(x) + 1/x across the switch to the asymptotic series', () => {
    for (const x of [0.01, 0.3, 1.7, 8.5, 9, 9.5, 9.999, 10, 10.001, 25.25]) {
      expect(Math.abs(digamma(x + 1) - digamma(x) - 1 / x), `x = ${x}`).toBeLessThan(4e-15 * (1 + Math.abs(digamma(x))));
    }
  });

  it('handles the edges of its domain', () => {
    expect(digamma(0)).toBe(-Infinity);
    expect(digamma(Infinity)).toBe(Infinity);
    expect(digamma(-1)).toBeNaN();
    expect(digamma(Number.NaN)).toBeNaN();
  });
});

describe('digammaDifference and lbetaRatioGradient', () => {
  /** mpmath ψ(x + n) − ψ(x) at 40 digits. */
  const reference: [number, number, number][] = [
    [1e15, 3, 2.999999999999997e-15],
    [1e15, 0.5, 5.0000000000000012e-16],
    [0.243, 1000.5, 11.259092155532047],
    [2.5, 1e-9, 4.9035775598213287e-10],
    [12, 1e-9, 8.6901872867994793e-11],
    [5, 3, 0.50952380952380952],
    [0.001, 0.001, 500.00164133545687],
    [30, 200, 2.0514656878978632],
    [1e8, 70, 6.9999975850011189e-7],
    [3.5, 1e12, 26.527864475286305],
    [0.7, 64, 5.3820368732092187],
    [0.7, 65, 5.3974928237501769],
  ];

  it.each(reference)('digammaDifference(%s, %s) = %s matches mpmath to 1e-15 relative, also where the plain difference cancels', (x, n, expected) => {
    expect(relativeError(digammaDifference(x, n), expected)).toBeLessThan(1e-15);
  });

  it('agrees with the difference of digamma values where that does not cancel, on both sides of the direct-sum limit', () => {
    const rng = createRng(5);
    for (let i = 0; i < 300; i++) {
      const x = Math.exp(-5 + 8 * rng.uniform());
      const n = i % 3 === 0 ? Math.floor(1 + 200 * rng.uniform()) : Math.exp(-2 + 7 * rng.uniform());
      const plain = digamma(x + n) - digamma(x);
      const bound = 4e-15 * (Math.abs(digamma(x + n)) + Math.abs(digamma(x)));
      expect(Math.abs(digammaDifference(x, n) - plain), `x = ${x}, n = ${n}`).toBeLessThan(bound + 1e-15 * plain);
    }
    expect(digammaDifference(2.5, 0)).toBe(0);
    expect(digammaDifference(0, 1)).toBe(Infinity);
    expect(digammaDifference(-1, 1)).toBeNaN();
  });

  it('gives the derivatives of ln[B(a, b + n)/B(a, b)] (finite differences of lbeta), also for b = 1e6 and n > 64', () => {
    const cases: [number, number, number][] = [
      [0.79, 2.43, 1],
      [0.79, 2.43, 29],
      [0.05, 0.3, 7],
      [3, 1e6, 5],
      [0.7, 1e6, 120],
      [40, 12, 65],
      [1, 1, 0],
    ];
    for (const [a, b, n] of cases) {
      const f = (aa: number, bb: number): number => lbeta(aa, bb + n) - lbeta(aa, bb);
      const [da, db] = lbetaRatioGradient(a, b, n);
      const fdA = logDerivative((t) => f(t, b), a) / a;
      const fdB = logDerivative((t) => f(a, t), b) / b;
      // rounding floor of the differences: the lbeta values themselves, not their difference, set it
      const scale = 1e-12 * (Math.abs(lbeta(a, b)) + 1);
      expect(Math.abs(da - fdA), `a: ${a}, ${b}, ${n}`).toBeLessThan(1e-7 * Math.abs(fdA) + scale / a);
      expect(Math.abs(db - fdB), `b: ${a}, ${b}, ${n}`).toBeLessThan(1e-7 * Math.abs(fdB) + scale / b);
    }
  });

  it('keeps the relative precision of ∂/∂b for a huge b, where both digamma differences are ≈ n/b', () => {
    // Σ_{j<n} a/((b + j)(a + b + j)) ≈ n·a/b² for b ≫ n, a
    const [da, db] = lbetaRatioGradient(0.8, 1e15, 3);
    expect(relativeError(db, (3 * 0.8) / 1e30)).toBeLessThan(1e-14);
    expect(relativeError(da, -3e-15)).toBeLessThan(1e-14);
    expect(lbetaRatioGradient(2, 3, 0)).toEqual([-0, 0]);
  });
});

describe('BG/NBD analytic gradient', () => {
  const points = purchaseParameterPoints(1, 20);
  it.each(purchaseDataSets)('equals finite differences of the log-likelihood at random and edge-case parameter points on %s', (label, data) => {
    for (const params of points) {
      expectGradientMatches(bgnbd.parameterNames, params, (p) => bgnbd.logLikelihood(p, data), (p) => bgnbd.logLikelihoodGradient(p, data), `${label} at ${JSON.stringify(params)}`);
    }
  });

  it('is 0 in a and b for customers without repeat purchases (they do not enter the dropout process)', () => {
    const result = bgnbd.logLikelihoodGradient({ r: 1, alpha: 1, a: 1, b: 1 }, { frequency: [0], recency: [0], T: [1] });
    expect(result.value).toBe(-Math.LN2);
    expect(result.gradient[0]).toBeCloseTo(-Math.LN2, 15);
    expect(result.gradient[1]).toBeCloseTo(0.5, 15);
    expect(result.gradient[2]).toBe(0);
    expect(result.gradient[3]).toBe(0);
  });

  it('is finite and right for large frequencies and a runaway b, where the value is finite', () => {
    const data: RfmData = { frequency: [1000, 0, 3], recency: [38, 0, 10], T: [39, 39, 39] };
    const params = { r: 0.5, alpha: 6, a: 0.8, b: 1e15 };
    const result = bgnbd.logLikelihoodGradient(params, data);
    expect(Number.isFinite(result.value)).toBe(true);
    for (const g of result.gradient) expect(Number.isFinite(g)).toBe(true);
    // b·∂/∂b ≈ −5e-6 here (the x = 1000 customer's dropout term): finite differences still resolve it
    expectGradientMatches(bgnbd.parameterNames, params, (p) => bgnbd.logLikelihood(p, data), (p) => bgnbd.logLikelihoodGradient(p, data), 'b = 1e15');
    expect(result.gradient[3]).toBeLessThan(0);
  });

  it('is 0 at the maximum-likelihood estimate on CDNOW', () => {
    const model = bgnbd.fit(cdnow);
    const { gradient } = bgnbd.logLikelihoodGradient(model.params, cdnow);
    bgnbd.parameterNames.forEach((name, i) => {
      // the optimiser's tolerance is 1e-7 on the mean log-likelihood per unit of ln θ
      expect(Math.abs((model.params[name] * gradient[i]) / cdnow.frequency.length), name).toBeLessThan(1e-7);
    });
  });
});

describe('MBG/NBD analytic gradient', () => {
  const points = purchaseParameterPoints(2, 20);
  it.each(purchaseDataSets)('equals finite differences of the log-likelihood at random and edge-case parameter points on %s', (label, data) => {
    for (const params of points) {
      expectGradientMatches(mbgnbd.parameterNames, params, (p) => mbgnbd.logLikelihood(p, data), (p) => mbgnbd.logLikelihoodGradient(p, data), `${label} at ${JSON.stringify(params)}`);
    }
  });

  it('has a and b derivatives also for customers without repeat purchases (dropout at time 0)', () => {
    // L = B(a, b + 1)/B(a, b)·1/(α + T)^r + B(a + 1, b)/B(a, b)·1/α^r = b/(a + b)·½ + a/(a + b) at r = α = T = 1
    const result = mbgnbd.logLikelihoodGradient({ r: 1, alpha: 1, a: 1, b: 1 }, { frequency: [0], recency: [0], T: [1] });
    expect(result.value).toBeCloseTo(Math.log(0.75), 15);
    // ∂/∂a ln[(b/2 + a)/(a + b)] = 1/(b/2 + a) − 1/(a + b) = 2/3 − 1/2; ∂/∂b = ½/(b/2 + a) − 1/(a + b) = 1/3 − 1/2
    expect(result.gradient[2]).toBeCloseTo(2 / 3 - 0.5, 14);
    expect(result.gradient[3]).toBeCloseTo(1 / 3 - 0.5, 14);
  });
});

describe('Gamma-Gamma analytic gradient', () => {
  const spendSets: [string, { frequency: number[]; monetaryValue: number[]; weights?: number[] }][] = [
    ['CDNOW', cdnowSpend],
    [
      'hand-made (weights, x = 80, a customer without repeat purchases)',
      { frequency: [1, 2, 5, 80, 1, 0], monetaryValue: [10, 25.5, 3.2, 40, 1000, 0], weights: [1, 2, 0.5, 3, 1, 4] },
    ],
  ];
  const rng = createRng(3);
  const logUniform = (low: number, high: number): number => Math.exp(low + (high - low) * rng.uniform());
  const points: Record<string, number>[] = [];
  for (let i = 0; i < 25; i++) points.push({ p: logUniform(-3, 4), q: logUniform(-3, 4), gamma: logUniform(-3, 7) });
  points.push(
    { p: 6.25, q: 3.74, gamma: 15.44 }, // published CDNOW
    { p: 3, q: 0.7, gamma: 20 }, // q < 1
    { p: 200, q: 1e4, gamma: 1e5 }, // large p·x and q
    { p: 1e-3, q: 1e-3, gamma: 1e-3 },
  );

  it.each(spendSets)('equals finite differences of the log-likelihood at random and edge-case parameter points on %s', (label, data) => {
    for (const params of points) {
      expectGradientMatches(
        gammagamma.parameterNames,
        params,
        (p) => gammagamma.logLikelihood(p, data),
        (p) => gammagamma.logLikelihoodGradient(p, data),
        `${label} at ${JSON.stringify(params)}`,
      );
    }
  });

  it('gives ∂/∂γ = q/γ − (p + q)/(γ + z̄) for one customer with x = 1', () => {
    const { gradient } = gammagamma.logLikelihoodGradient({ p: 2, q: 3, gamma: 4 }, { frequency: [1], monetaryValue: [6] });
    expect(gradient[2]).toBeCloseTo(3 / 4 - 5 / 10, 15);
  });
});

/** The same problem as the model's fit, once with and once without the analytic gradient. */
function purchaseProblem(
  model: 'bgnbd' | 'mbgnbd',
  data: RfmData,
  withGradient: boolean,
  counts: { value: number; gradient: number },
): LikelihoodProblem {
  const module = model === 'bgnbd' ? bgnbd : mbgnbd;
  const compressed = compressRfm(data);
  const named = ([r, alpha, a, b]: number[]): Record<string, number> => ({ r, alpha, a, b });
  const meanT = compressed.T.reduce((s, t, i) => s + t * compressed.weights[i], 0) / data.frequency.length;
  const meanX = compressed.frequency.reduce((s, x, i) => s + x * compressed.weights[i], 0) / data.frequency.length;
  const scale = meanT / (meanX + 0.05);
  return {
    model,
    parameterNames: module.parameterNames,
    logLikelihood: (theta) => {
      counts.value++;
      return module.logLikelihood(named(theta), compressed);
    },
    ...(withGradient
      ? {
          gradient: (theta: number[]) => {
            counts.gradient++;
            return module.logLikelihoodGradient(named(theta), compressed);
          },
        }
      : {}),
    n: data.frequency.length,
    nDistinct: compressed.frequency.length,
    starts: [
      [1, scale, 1, 1],
      [0.3, 0.3 * scale, 0.8, 2.5],
      [3, 3 * scale, 3, 10],
    ],
  };
}

describe('fits with analytic gradients', () => {
  it.each(['bgnbd', 'mbgnbd'] as const)('give the same %s estimates on CDNOW as finite differences, with far fewer passes over the data', (model) => {
    const analyticCounts = { value: 0, gradient: 0 };
    const numericCounts = { value: 0, gradient: 0 };
    const analytic = fitMaximumLikelihood(purchaseProblem(model, cdnow, true, analyticCounts));
    const numeric = fitMaximumLikelihood(purchaseProblem(model, cdnow, false, numericCounts));
    expect(analytic.converged).toBe(true);
    expect(numeric.converged).toBe(true);
    expect(analytic.warnings).toEqual(numeric.warnings);
    for (const name of bgnbd.parameterNames) {
      expect(relativeError(analytic.params[name], numeric.params[name]), name).toBeLessThan(1e-6);
      // Hessian from differences of the gradient against second differences of the likelihood
      expect(relativeError(analytic.stdErrors[name]!, numeric.stdErrors[name]!), `se of ${name}`).toBeLessThan(1e-4);
    }
    expect(relativeError(analytic.logLikelihood, numeric.logLikelihood)).toBeLessThan(1e-12);
    // one value for the reported log-likelihood; gradients: about 25 per start plus 2k for the Hessian
    expect(analyticCounts.value).toBe(1);
    expect(analyticCounts.gradient).toBeLessThan(150);
    expect(numericCounts.gradient).toBe(0);
    expect(numericCounts.value).toBeGreaterThan(4 * analyticCounts.gradient);
  });

  it('reproduce the previous (finite-difference) BG/NBD fit on CDNOW and the lifetimes standard errors more closely', () => {
    const model = bgnbd.fit(cdnow);
    // the estimates of the finite-difference implementation this replaces
    const previous = { r: 0.24259291142806935, alpha: 4.413531680850058, a: 0.7928860903015842, b: 2.4257531149784946 };
    for (const [name, value] of Object.entries(previous)) expect(relativeError(model.params[name], value), name).toBeLessThan(1e-6);
    expect(relativeError(model.logLikelihood, -9582.425560567366)).toBeLessThan(1e-12);
    // lifetimes (docs/Quickstart.md, 6 decimals): the Hessian from differences of the analytic gradient
    // matches every printed digit (second differences of the likelihood were 7.6e-6 off for a, 2.8e-5 for b)
    const lifetimes = { r: 0.012557, alpha: 0.378221, a: 0.185719, b: 0.705345 };
    for (const [name, se] of Object.entries(lifetimes)) expect(Math.abs(model.stdErrors[name]! - se), `se of ${name}`).toBeLessThan(1e-6);
  });

  it('reproduce the previous Gamma-Gamma fit on CDNOW', () => {
    const model = gammagamma.fit(cdnowSpend);
    const previous = { p: 6.248801801215734, q: 3.7445887376987077, gamma: 15.447750889883112 };
    for (const [name, value] of Object.entries(previous)) expect(relativeError(model.params[name], value), name).toBeLessThan(1e-6);
    expect(relativeError(model.logLikelihood, -4055.92324350286)).toBeLessThan(1e-12);
    expect(model.converged).toBe(true);
    expect(model.warnings).toEqual([]);
  });

  it('fit the Gamma-Gamma on compressed pairs with weights as on the raw data', () => {
    const compressed = compressSpend(cdnowSpend);
    const raw = gammagamma.fit(cdnowSpend);
    const weighted = gammagamma.fit(compressed);
    for (const name of gammagamma.parameterNames) expect(relativeError(weighted.params[name], raw.params[name]), name).toBeLessThan(1e-6);
  });
});
