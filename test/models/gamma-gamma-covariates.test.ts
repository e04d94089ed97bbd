/**
 * Gamma-Gamma with covariates on γ: the likelihood is the plain model's at γ·exp(δ'w) (hand check), the fit
 * recovers known effects from simulated customers within their standard errors, and the likelihood-ratio
 * test finds an effect that is there and not one that is not.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import * as gammagamma from '../../src/models/gamma-gamma.js';
import { expectedSpendWithCovariates, fitGammaGammaCovariates } from '../../src/models/gamma-gamma-covariates.js';

const TRUE = { p: 6, q: 4, gamma: 15 };

/** n repeat customers with a 0/1 covariate (half each) and a standard normal one; spend from γᵢ = γ·exp(δ'w). */
function simulate(n: number, delta: [number, number], seed: number) {
  const rng = createRng(seed);
  const frequency: number[] = [];
  const monetaryValue: number[] = [];
  const covariates: number[][] = [];
  for (let i = 0; i < n; i++) {
    const w = [i % 2, rng.normal()];
    const g = TRUE.gamma * Math.exp(delta[0] * w[0] + delta[1] * w[1]);
    const x = 1 + Math.floor(rng.uniform() * 8);
    const nu = rng.gamma(TRUE.q, 1 / g);
    frequency.push(x);
    monetaryValue.push(rng.gamma(TRUE.p * x, 1 / nu) / x);
    covariates.push(w);
  }
  return { frequency, monetaryValue, covariates, names: ['channel', 'score'] };
}

describe('Gamma-Gamma with covariates', () => {
  it('with all covariates 0 it is the plain model: same log-likelihood, δ = 0', () => {
    const data = simulate(600, [0, 0], 3);
    const zero = { ...data, covariates: data.covariates.map(() => [0, 0]) };
    const fit = fitGammaGammaCovariates(zero);
    const plain = gammagamma.fit({ frequency: data.frequency, monetaryValue: data.monetaryValue });
    expect(fit.logLikelihood).toBeCloseTo(plain.logLikelihood, 6);
    expect(fit.params.p).toBeCloseTo(plain.params.p, 3);
    // δ has no information (zero gradient, singular Hessian): it stays at its start
    expect(fit.coefficients.channel).toBeCloseTo(0, 3);
    expect(fit.likelihoodRatio.statistic).toBeCloseTo(0, 4);
  });

  it('one customer: the log-likelihood is the plain density at γ·exp(δ\'w)', () => {
    // a fit on one customer is not the point; the likelihood at the estimate is, checked against the plain formula
    const data = simulate(400, [0.5, -0.3], 5);
    const fit = fitGammaGammaCovariates(data);
    let total = 0;
    for (let i = 0; i < data.frequency.length; i++) {
      const g = fit.params.gamma * Math.exp(fit.coefficients.channel * data.covariates[i][0] + fit.coefficients.score * data.covariates[i][1]);
      total += gammagamma.logLikelihood({ p: fit.params.p, q: fit.params.q, gamma: g }, { frequency: [data.frequency[i]], monetaryValue: [data.monetaryValue[i]] });
    }
    expect(fit.logLikelihood).toBeCloseTo(total, 6);
  });

  it('recovers known effects within three standard errors and finds them significant', () => {
    const data = simulate(4000, [0.4, -0.25], 11);
    const fit = fitGammaGammaCovariates(data);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.coefficients.channel - 0.4)).toBeLessThan(3 * fit.stdErrors.channel!);
    expect(Math.abs(fit.coefficients.score + 0.25)).toBeLessThan(3 * fit.stdErrors.score!);
    for (const name of ['p', 'q', 'gamma'] as const) expect(Math.abs(fit.params[name] - TRUE[name])).toBeLessThan(3 * fit.stdErrors[name]!);
    expect(fit.likelihoodRatio.degreesOfFreedom).toBe(2);
    expect(fit.likelihoodRatio.pValue).toBeLessThan(1e-6);
    // a channel-1 newcomer is expected to spend exp(δ) times a channel-0 one
    const ratio = expectedSpendWithCovariates(fit, data.names, [1, 0], 0, 0) / expectedSpendWithCovariates(fit, data.names, [0, 0], 0, 0);
    expect(ratio).toBeCloseTo(Math.exp(fit.coefficients.channel), 12);
  });

  it('finds no effect where there is none (likelihood-ratio p-value not small), over several data sets', () => {
    let rejections = 0;
    for (let seed = 20; seed < 30; seed++) {
      const fit = fitGammaGammaCovariates(simulate(800, [0, 0], seed));
      if (fit.likelihoodRatio.pValue < 0.05) rejections++;
    }
    expect(rejections).toBeLessThanOrEqual(3);
  });
});
