/**
 * The valuation's fitting step (src/value/fit-valuation.ts): only trusted purchase fits are used, auto
 * drops the others with their reason, an untrusted or unusable spend model falls back to each customer's
 * observed mean repeat spend, and customers with T = 0 are valued from the population prior.
 */
import { describe, expect, it } from 'vitest';
import type { ModelInput } from '../../src/accumulate/model-input.js';
import { createRng } from '../../src/core/random.js';
import { ModelError } from '../../src/errors.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import * as gammagamma from '../../src/models/gamma-gamma.js';
import type { FittedModel } from '../../src/models/types.js';
import { discountedTransactions, stepRate } from '../../src/value/clv.js';
import { PURCHASE_MODELS } from '../../src/models/registry.js';
import { fitSpendModel, fitValuationModels, rankPurchaseFits } from '../../src/value/fit-valuation.js';
import { valuePortfolio } from '../../src/value/value.js';

/** Model input from parallel arrays. */
function inputOf(frequency: number[], recency: number[], T: number[], monetaryValue: number[]): ModelInput {
  return {
    ids: frequency.map((_, i) => `C${i}`),
    frequency: Float64Array.from(frequency),
    recency: Float64Array.from(recency),
    T: Float64Array.from(T),
    monetaryValue: Float64Array.from(monetaryValue),
    revenue: null,
    margin: null,
    holdout: null,
  };
}

/** 1,000 BG/NBD customers (a trusted purchase fit) with the given mean repeat spend per customer. */
function simulated(spend: (i: number, x: number) => number, extra: { frequency: number[]; recency: number[]; T: number[]; spend: number[] } = { frequency: [], recency: [], T: [], spend: [] }): ModelInput {
  const sample = bgnbd.simulate({ r: 0.5, alpha: 6, a: 0.7, b: 2.5 }, { customers: 1000, T: 39 }, createRng(21));
  return inputOf(
    [...sample.frequency, ...extra.frequency],
    [...sample.recency, ...extra.recency],
    [...sample.T, ...extra.T],
    [...sample.frequency.map((x, i) => (x > 0 ? spend(i, x) : 0)), ...extra.spend],
  );
}

const valueOptions = { asOf: '2024-01-01', period: { name: 'week', days: 7 }, horizonSteps: 12, stepDays: 365.25 / 12, stepName: 'month', annualDiscountRate: 0.1, margin: { share: 1, source: 'test' } };

/** A fitted model with the fields the ranking reads. */
const fitted = (model: 'bgnbd' | 'paretonbd' | 'mbgnbd', bic: number, trusted: boolean): FittedModel => ({
  model,
  params: {},
  stdErrors: {},
  intervals: {},
  logLikelihood: -bic / 2,
  aic: bic,
  bic,
  n: 10,
  nDistinct: 10,
  converged: trusted,
  iterations: 1,
  starts: 1,
  warnings: [],
  trusted,
  problems: trusted ? [] : ['the optimiser did not converge'],
});

describe('auto: only trusted fits are chosen', () => {
  it('prefers a trusted fit to an untrusted one with a lower or equal BIC, and reports the dropped one with its reason', () => {
    const ranked = rankPurchaseFits([fitted('paretonbd', 100, false), fitted('bgnbd', 100, true), fitted('mbgnbd', 103, true)], []);
    expect(ranked.best?.model).toBe('bgnbd');
    expect(ranked.fits.map((f) => f.model)).toEqual(['bgnbd', 'mbgnbd', 'paretonbd']);
    expect(ranked.dropped).toEqual([{ model: 'paretonbd', reason: expect.stringMatching(/^the optimiser did not converge; try another model/) }]);
    const lower = rankPurchaseFits([fitted('paretonbd', 50, false), fitted('bgnbd', 100, true)], []);
    expect(lower.best?.model).toBe('bgnbd');
  });

  it('prefers MBG/NBD to a BG/NBD whose BIC is less than 2 lower (one-time buyers not all alive), and says why', () => {
    const close = rankPurchaseFits([fitted('bgnbd', 100, true), fitted('mbgnbd', 101.5, true), fitted('paretonbd', 100.5, true)], []);
    expect(close.best?.model).toBe('mbgnbd');
    expect(close.fits.map((f) => f.model)).toEqual(['mbgnbd', 'bgnbd', 'paretonbd']);
    expect(close.preference).toMatch(/^mbgnbd chosen over bgnbd: their BIC differ by 1\.50 \(< 2/);
    // not when the difference is 2 or more, nor when MBG/NBD is not trusted, nor when BG/NBD is not first
    expect(rankPurchaseFits([fitted('bgnbd', 100, true), fitted('mbgnbd', 102, true)], []).best?.model).toBe('bgnbd');
    expect(rankPurchaseFits([fitted('bgnbd', 100, true), fitted('mbgnbd', 100.5, false)], []).best?.model).toBe('bgnbd');
    const pareto = rankPurchaseFits([fitted('paretonbd', 99, true), fitted('bgnbd', 100, true), fitted('mbgnbd', 100.5, true)], []);
    expect(pareto.best?.model).toBe('paretonbd');
    expect(pareto.preference).toBeUndefined();
    expect(rankPurchaseFits([fitted('bgnbd', 100, true), fitted('mbgnbd', 103, true)], []).preference).toBeUndefined();
  });

  it('has no choice when nothing is trusted, and names each failure once', () => {
    const none = rankPurchaseFits([fitted('paretonbd', 50, false)], [{ model: 'bgnbd', error: 'bgnbd: no customer made a repeat purchase' }]);
    expect(none.best).toBeNull();
    expect(none.dropped.map((d) => `${d.model}: ${d.reason}`)).toEqual([
      'bgnbd: no customer made a repeat purchase',
      expect.stringMatching(/^paretonbd: the optimiser did not converge/),
    ]);
  });

  it('all one-time buyers: a ModelError naming each model, not a crash', () => {
    const input = inputOf(new Array(30).fill(0), new Array(30).fill(0), Array.from({ length: 30 }, (_, i) => i), new Array(30).fill(0));
    let error: unknown;
    try {
      fitValuationModels(input, { model: 'auto' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ModelError);
    const message = (error as Error).message;
    for (const model of ['bgnbd', 'paretonbd', 'mbgnbd']) expect(message).toContain(`${model}: no customer made a repeat purchase`);
    expect(message).not.toMatch(/bgnbd: bgnbd:/);
  });
});

describe('an untrusted purchase model refuses the valuation', () => {
  it('a single customer: the fit runs to its bounds, and the valuation says why instead of valuing', () => {
    // one customer buying every 2 weeks for a year: nothing identifies the heterogeneity
    const times = Array.from({ length: 26 }, (_, k) => 2 * (k + 1));
    const input = inputOf([times.length], [times[times.length - 1]], [53], [25]);
    const started = Date.now();
    expect(() => fitValuationModels(input, { model: 'bgnbd' })).toThrow(ModelError);
    expect(() => fitValuationModels(input, { model: 'bgnbd' })).toThrow(/the bgnbd fit cannot be used for a valuation: .*(bound|not positive definite|did not converge).*try another model/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a saved model that is not trusted is refused too', () => {
    const input = simulated(() => 30);
    expect(() => fitValuationModels(input, { model: 'bgnbd', purchaseModel: { ...fitted('bgnbd', 10, false), params: { r: 1, alpha: 1, a: 1, b: 1 } } })).toThrow(/saved bgnbd model is not trusted/);
  });
});

describe('the spend fallback: each customer\'s observed mean repeat spend', () => {
  it('everyone spends 35: the Gamma-Gamma fit runs to its bounds and every customer is valued at 35, with a warning', () => {
    const input = simulated(() => 35);
    const models = fitValuationModels(input, { model: 'bgnbd' });
    expect(models.purchase.trusted).toBe(true);
    expect(models.spend).toBeNull();
    expect(models.spendMethod).toBe('observed-mean');
    expect(models.spendFallbackReason).toMatch(/gammagamma fit is not trusted/);
    const result = valuePortfolio(input, { ...valueOptions, purchaseModel: models.purchase, spendModel: models.spend, spendMethod: models.spendMethod, spendFallbackReason: models.spendFallbackReason });
    for (const c of result.customers) expect(c.expectedSpend).toBe(35);
    expect(result.spend).toEqual({ method: 'observed-mean', fallbackReason: models.spendFallbackReason, populationMean: 35 });
    expect(result.warnings.join('\n')).toMatch(/^spend: the Gamma-Gamma model is not used \(the gammagamma fit is not trusted: .*\); each customer's transactions are valued at their own observed mean repeat spend \(35\.00/m);
  });

  it('a usable Gamma-Gamma fit is used as before (heterogeneous spend)', () => {
    const rng = createRng(5);
    const means = gammagamma.simulate({ p: 6, q: 4, gamma: 15 }, bgnbd.simulate({ r: 0.5, alpha: 6, a: 0.7, b: 2.5 }, { customers: 1000, T: 39 }, createRng(21)).frequency, rng);
    const input = simulated((i) => means[i]);
    const models = fitValuationModels(input, { model: 'bgnbd' });
    expect(models.spend?.trusted).toBe(true);
    expect(models.spendMethod).toBe('gammagamma');
    expect(models.spendFallbackReason).toBeNull();
  });

  it('mixed: the own mean for repeat customers with a positive one, the mean over them for the others', () => {
    const input = inputOf([2, 0, 3, 1], [10, 0, 12, 5], [20, 20, 20, 20], [40, 0, 20, -5]);
    const purchaseModel = { ...fitted('bgnbd', 1, true), params: { r: 0.5, alpha: 6, a: 0.7, b: 2.5 } };
    const result = valuePortfolio(input, { ...valueOptions, purchaseModel, spendModel: null, spendMethod: 'observed-mean', spendFallbackReason: 'test' });
    expect(result.customers.map((c) => c.expectedSpend)).toEqual([40, 30, 20, 30]);
  });

  it('every purchase 0.00: says that every repeat customer\'s mean spend is <= 0, not that nobody repeats', () => {
    const input = inputOf(new Array(30).fill(2), new Array(30).fill(10), new Array(30).fill(20), new Array(30).fill(0));
    expect(() => fitSpendModel(input)).toThrow(/every repeat customer's mean repeat spend is <= 0 \(30 of 30 repeat customers\)/);
    expect(() => fitSpendModel(inputOf([0], [0], [5], [0]))).toThrow(/no customer has a repeat purchase/);
  });
});

describe('customers with T = 0 in a valuation', () => {
  it('are valued from the population prior: the new-customer expectation times the population mean spend', () => {
    const rng = createRng(5);
    const means = gammagamma.simulate({ p: 6, q: 4, gamma: 15 }, bgnbd.simulate({ r: 0.5, alpha: 6, a: 0.7, b: 2.5 }, { customers: 1000, T: 39 }, createRng(21)).frequency, rng);
    const input = simulated((i) => means[i], { frequency: [0], recency: [0], T: [0], spend: [0] });
    const models = fitValuationModels(input, { model: 'bgnbd' });
    expect(models.purchase.trusted).toBe(true);
    const result = valuePortfolio(input, { ...valueOptions, purchaseModel: models.purchase, spendModel: models.spend, spendMethod: models.spendMethod });
    const newcomer = result.customers.at(-1)!;
    expect(newcomer.T).toBe(0);
    expect(newcomer.pAlive).toBe(1);
    const settings = { steps: 12, stepPeriods: 365.25 / 12 / 7, stepRate: stepRate(0.1, 365.25 / 12) };
    const prior = discountedTransactions(PURCHASE_MODELS.bgnbd, models.purchase.params, settings, 0, 0, 0);
    expect(prior.total).toBeCloseTo(bgnbd.expectedTransactionsNew(models.purchase.params, 12 * settings.stepPeriods), 10);
    expect(newcomer.expectedSpend).toBeCloseTo(gammagamma.populationMeanSpend(models.spend!.params), 10);
    expect(newcomer.clv).toBeCloseTo(prior.discounted * newcomer.expectedSpend, 10);
    expect(Number.isFinite(newcomer.clv) && newcomer.clv > 0).toBe(true);
  });
});
