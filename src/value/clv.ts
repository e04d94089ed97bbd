/**
 * Customer lifetime value as the net present value of expected future contributions (Fader, Hardie & Lee
 * 2005; Gupta et al. 2006): CLV = Σ_{s=1..S} [E X(sΔ) − E X((s−1)Δ)] × spend × margin / (1 + d)^s, where
 * E X(t) is the purchase model's conditional expected number of transactions in the next t periods, Δ the
 * length of a step in model periods, and d the discount rate per step converted from the annual rate:
 * d = (1 + annual)^(step days / 365.25) − 1. Cash flows of a step are discounted at its end.
 */
import type { PurchaseModel } from '../models/registry.js';
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

/** Discounted expected transactions over the horizon for one customer (multiply by spend × margin for CLV). */
export function discountedTransactions(
  model: PurchaseModel,
  params: Readonly<Record<string, number>>,
  settings: ClvSettings,
  frequency: number,
  recency: number,
  T: number,
): { discounted: number; total: number } {
  let previous = 0;
  let discounted = 0;
  for (let s = 1; s <= settings.steps; s++) {
    const cumulative = model.expectedTransactions(params, s * settings.stepPeriods, frequency, recency, T);
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
