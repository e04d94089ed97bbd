/**
 * Customer lifetime value as the net present value of expected future contributions (Fader, Hardie & Lee
 * 2005; Gupta et al. 2006): CLV = Σ_{s=1..S} [E X(sΔ) − E X((s−1)Δ)] × spend × margin / (1 + d)^s, where
 * E X(t) is the purchase model's conditional expected number of transactions in the next t periods, Δ the
 * length of a step in model periods, and d the discount rate per step converted from the annual rate:
 * d = (1 + annual)^(step days / 365.25) − 1. Cash flows of a step are discounted at its end.
 */
import type { PurchaseModel } from '../models/registry.js';
import { rowIndex } from '../models/compress.js';
import { expectedSpend, populationMeanSpend } from '../models/gamma-gamma.js';
import type { FittedModel } from '../models/types.js';

export interface ClvSettings {
  /** Number of steps (e.g. 12 months). */
  steps: number;
  /** Length of a step in model periods (e.g. 30.4375 / 7 for months with weekly model units). */
  stepPeriods: number;
  /** Discount rate per step. */
  stepRate: number;
}

/** Discount rate per step from an annual rate: (1 + annual)^(stepDays / 365.25) − 1. */
export function stepRate(annualRate: number, stepDays: number): number {
  return (1 + annualRate) ** (stepDays / 365.25) - 1;
}

/**
 * The numerators the BG/NBD family's expectations share between rows with the same (frequency, T) (see
 * PurchaseModel.expectedTransactionsSteps): `make()` gives a fresh store (one per parameter set) and
 * `of(store, row)` the row's part of it, or undefined without a store. No store is made when the pairs are
 * not much fewer than `distinctRows` (the rows valued: then sharing saves little and costs the store).
 */
export function sharedNumerators(
  frequency: ArrayLike<number>,
  T: ArrayLike<number>,
  steps: number,
  distinctRows: number,
): { make(): Float64Array | null; of(store: Float64Array | null, row: number): Float64Array | undefined } {
  const pairs = rowIndex([frequency, T]);
  const share = pairs.distinct * 2 <= distinctRows && steps > 0;
  return {
    make: () => (share ? new Float64Array(pairs.distinct * steps).fill(Number.NaN) : null),
    of: (store, row) => store?.subarray(pairs.index[row] * steps, (pairs.index[row] + 1) * steps),
  };
}

/** Scratch arrays of {@link discountedTransactions}: the step ends and the cumulative expectations. */
let stepTimes = new Float64Array(0);
let cumulativeAt = new Float64Array(0);

/**
 * Discounted expected transactions over the horizon for one customer (multiply by spend × margin for CLV).
 * `numerators` (settings.steps entries, NaN until filled) is shared by the customers with this frequency and
 * T (see PurchaseModel.expectedTransactionsSteps).
 */
export function discountedTransactions(
  model: PurchaseModel,
  params: Readonly<Record<string, number>>,
  settings: ClvSettings,
  frequency: number,
  recency: number,
  T: number,
  numerators?: Float64Array,
): { discounted: number; total: number } {
  const steps = settings.steps;
  if (stepTimes.length < steps) {
    stepTimes = new Float64Array(steps);
    cumulativeAt = new Float64Array(steps);
  }
  const times = stepTimes.length === steps ? stepTimes : stepTimes.subarray(0, steps);
  for (let s = 1; s <= steps; s++) times[s - 1] = s * settings.stepPeriods;
  model.expectedTransactionsSteps(params, times, frequency, recency, T, cumulativeAt, numerators);
  let previous = 0;
  let discounted = 0;
  for (let s = 1; s <= steps; s++) {
    const cumulative = cumulativeAt[s - 1];
    discounted += (cumulative - previous) / (1 + settings.stepRate) ** s;
    previous = cumulative;
  }
  return { discounted, total: previous };
}

/**
 * Expected value of a customer's transactions: the Gamma-Gamma conditional mean when a spend model is given,
 * else the fallback (the portfolio's mean repeat spend). Infinite when the Gamma-Gamma mean is infinite (q <= 1).
 */
export function spendOf(spendModel: FittedModel | null, fallback: number, frequency: number, monetaryValue: number): number {
  if (!spendModel) return fallback;
  if (frequency > 0 && monetaryValue > 0) return expectedSpend(spendModel.params, frequency, monetaryValue);
  return populationMeanSpend(spendModel.params);
}

/** The retention-formula CLV m·r/(1 + d − r) (Gupta & Lehmann 2003), per period of the rates given. */
export function retentionFormulaClv(marginPerPeriod: number, retention: number, discountRate: number): number {
  return (marginPerPeriod * retention) / (1 + discountRate - retention);
}
