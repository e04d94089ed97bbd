import { describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import {
  fitSbg,
  sbgChurnProbability,
  sbgDerl,
  sbgExpectedResidualLifetime,
  sbgLogLikelihood,
  sbgProjection,
  sbgRetentionRate,
  sbgSurvival,
} from '../../src/models/sbg.js';

// Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing 21(1): customers
// still active at the start of years 0..12 of two cohorts; the model is fitted on years 0..7.
const REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173];
const HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394];

describe('sbg likelihood', () => {
  it('equals the hand-computed log-likelihood at alpha = beta = 1', () => {
    // α = β = 1: P(T = t) = 1/(t(t+1)) and S(t) = 1/(t+1)
    const lost = [131, 126, 90, 60, 42, 34, 26];
    let expected = 491 * Math.log(1 / 8);
    lost.forEach((d, i) => {
      const t = i + 1;
      expected += d * Math.log(1 / (t * (t + 1)));
    });
    expect(sbgLogLikelihood(1, 1, HIGH_END.slice(0, 8))).toBeCloseTo(expected, 9);
    // -2.115 per customer, the value an independent implementation checks (shifted_beta_geometric's test())
    expect(expected).toBeCloseTo(-2115.5, 1);
  });
});

describe('fitSbg reproduces Fader & Hardie (2007)', () => {
  it('regular customers: alpha = 0.704, beta = 1.182', () => {
    const model = fitSbg(REGULAR.slice(0, 8));
    expect(model.model).toBe('sbg');
    expect(model.converged).toBe(true);
    expect(model.params.alpha).toBeCloseTo(0.704, 3);
    expect(model.params.beta).toBeCloseTo(1.182, 3);
    expect(model.n).toBe(1000);
    expect(model.nDistinct).toBe(8);
    expect(model.warnings).toEqual([]);
    expect(model.stdErrors.alpha).toBeGreaterThan(0);
    expect(model.intervals.alpha?.[0]).toBeLessThan(0.704);
    expect(model.intervals.alpha?.[1]).toBeGreaterThan(0.704);
    expect(model.aic).toBeCloseTo(4 - 2 * model.logLikelihood, 9);
  });

  it('high-end customers: alpha = 0.668, beta = 3.806', () => {
    const model = fitSbg(HIGH_END.slice(0, 8));
    expect(model.params.alpha).toBeCloseTo(0.668, 3);
    expect(model.params.beta).toBeCloseTo(3.806, 3);
    // proportions give the same estimates
    const shares = fitSbg(HIGH_END.slice(0, 8).map((n) => n / 1000));
    expect(shares.params.alpha).toBeCloseTo(0.668, 3);
    expect(shares.params.beta).toBeCloseTo(3.806, 3);
  });

  it('projects the high-end survival of years 8-12 as published, close to the actual counts', () => {
    const model = fitSbg(HIGH_END.slice(0, 8));
    const rows = sbgProjection(model.params, HIGH_END.slice(0, 8), 5);
    expect(rows).toHaveLength(13);
    const projected = rows.slice(8);
    expect(projected.every((r) => r.projected && r.observedActive === null)).toBe(true);
    // S(8..12) of the fitted model, as reported by an independent implementation (scipy; shifted_beta_geometric README)
    [0.46, 0.436, 0.414, 0.395, 0.378].forEach((s, i) => expect(projected[i].survival).toBeCloseTo(s, 3));
    // the paper's point: the forecast tracks the actual survivors within a few per cent
    projected.forEach((r, i) => expect(Math.abs(r.expectedActive - HIGH_END[8 + i]) / HIGH_END[8 + i]).toBeLessThan(0.05));
  });

  it('warns instead of failing when nobody churned', () => {
    const model = fitSbg([100, 100, 100]);
    expect(model.warnings).toContain('no customer churned in the data: the churn probability is not identified');
    expect(model.params.alpha / (model.params.alpha + model.params.beta)).toBeLessThan(0.01);
  });

  it('rejects counts that increase, too short a series, or a zero cohort', () => {
    expect(() => fitSbg([1000])).toThrow(ModelError);
    expect(() => fitSbg([1000, 700, 710])).toThrow(/exceeds count 1/);
    expect(() => fitSbg([0, 0])).toThrow(ModelError);
    expect(() => fitSbg([100, Number.NaN])).toThrow(ModelError);
  });
});

describe('sbg predictions', () => {
  const params = { alpha: 0.704, beta: 1.182 };
  it('follows the recursions of the paper: P(T=1) = α/(α+β), S(t) = S(t-1) r_t, P(T=t) = S(t-1) - S(t)', () => {
    const { alpha, beta } = params;
    expect(sbgChurnProbability(params, 1)).toBeCloseTo(alpha / (alpha + beta), 12);
    let survival = 1;
    for (let t = 1; t <= 12; t++) {
      const r = (beta + t - 1) / (alpha + beta + t - 1);
      expect(sbgRetentionRate(params, t)).toBeCloseTo(r, 12);
      const next = survival * r;
      expect(sbgSurvival(params, t)).toBeCloseTo(next, 12);
      expect(sbgChurnProbability(params, t)).toBeCloseTo(survival - next, 12);
      survival = next;
    }
    expect(sbgSurvival(params, 0)).toBe(1);
  });

  it('retention rates rise over time', () => {
    const rates = [1, 2, 3, 4, 5].map((t) => sbgRetentionRate(params, t));
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThan(rates[i - 1]);
  });

  it('fits the observed counts of the calibration years', () => {
    const rows = sbgProjection(params, REGULAR.slice(0, 8), 0);
    expect(rows[1].observedRetention).toBeCloseTo(631 / 1000, 12);
    expect(rows[0].retentionRate).toBeNull();
    rows.forEach((r, t) => expect(Math.abs(r.expectedActive - REGULAR[t])).toBeLessThan(15));
  });

  it('expected residual lifetime: β/(α−1) renewals for a new customer; infinite when α ≤ 1', () => {
    // E[(1−θ)/θ] under Beta(2, 3) is 3/(2−1)
    expect(sbgExpectedResidualLifetime({ alpha: 2, beta: 3 }, 0)).toBe(3);
    // after 4 renewals the posterior is Beta(2, 7)
    expect(sbgExpectedResidualLifetime({ alpha: 2, beta: 3 }, 4)).toBe(7);
    expect(sbgExpectedResidualLifetime(params, 0)).toBe(Infinity);
  });

  it('DERL matches its series definition and an independent computation', () => {
    // direct sum of S(t)/S(n-1) (1+d)^-(t-n), t = n..2000, n = renewals + 1
    const p = { alpha: 2.5, beta: 4 };
    const d = 0.1;
    for (const renewals of [0, 3]) {
      const n = renewals + 1;
      let direct = 0;
      for (let t = n; t < 2000; t++) direct += (sbgSurvival(p, t) / sbgSurvival(p, n - 1)) * (1 + d) ** -(t - n);
      expect(sbgDerl(p, d, renewals)).toBeCloseTo(direct, 10);
    }
    // d = 0 gives the undiscounted residual lifetime
    expect(sbgDerl(p, 0, 2)).toBeCloseTo((4 + 2) / 1.5, 12);
    // high-end cohort after 7 renewals at d = 10%: 7.530 (scipy hyp2f1; shifted_beta_geometric README)
    const model = fitSbg(HIGH_END.slice(0, 8));
    expect(sbgDerl(model.params, 0.1, 7)).toBeCloseTo(7.53, 2);
  });

  it('rejects invalid parameters and periods', () => {
    expect(() => sbgSurvival({ alpha: -1, beta: 1 }, 1)).toThrow(ModelError);
    expect(() => sbgSurvival({ alpha: 1 }, 1)).toThrow(/beta/);
    expect(() => sbgRetentionRate(params, 0)).toThrow(ModelError);
    expect(() => sbgDerl(params, -0.1, 0)).toThrow(ModelError);
  });
});
