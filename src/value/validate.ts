/**
 * Calibration/holdout validation of a purchase model (Fader, Hardie & Lee 2005, section 4): predicted
 * against actual holdout transactions per customer, grouped by calibration frequency, with MAE and RMSE; the
 * same for spend; and the cumulative repeat transactions week by week (the tracking plot's data).
 */
import type { Day } from '../core/days.js';
import { dayToIso } from '../core/days.js';
import type { CustomerHistory } from '../core/types.js';
import type { ModelInput } from '../accumulate/model-input.js';
import type { PurchaseModel } from '../models/registry.js';
import type { FittedModel } from '../models/types.js';
import { expectedSpend } from '../models/gamma-gamma.js';

export interface FrequencyGroup {
  /** Calibration frequency: '0', '1', ..., '7+'. */
  frequency: string;
  customers: number;
  actual: number;
  predicted: number;
}

export interface TrackingPoint {
  week: number;
  end: string;
  actual: number;
  predicted: number;
  holdout: boolean;
}

export interface ModelValidation {
  model: FittedModel;
  holdoutLength: number;
  totals: { actual: number; predicted: number; error: number };
  mae: number;
  rmse: number;
  groups: FrequencyGroup[];
  tracking: TrackingPoint[];
}

export interface SpendValidation {
  model: FittedModel;
  customers: number;
  meanActual: number;
  meanPredicted: number;
  mae: number;
  rmse: number;
}

/** Per-customer holdout predictions and errors, grouped by calibration frequency (0..6, 7+). */
export function validatePurchases(model: PurchaseModel, fitted: FittedModel, input: ModelInput): Omit<ModelValidation, 'tracking'> {
  if (!input.holdout) throw new Error('validatePurchases needs holdout columns');
  const duration = input.holdout.duration;
  const groups = new Map<string, FrequencyGroup>();
  let actualTotal = 0;
  let predictedTotal = 0;
  let absolute = 0;
  let squared = 0;
  const n = input.ids.length;
  for (let i = 0; i < n; i++) {
    const predicted = model.expectedTransactions(fitted.params, duration, input.frequency[i], input.recency[i], input.T[i]);
    const actual = input.holdout.frequency[i];
    actualTotal += actual;
    predictedTotal += predicted;
    absolute += Math.abs(predicted - actual);
    squared += (predicted - actual) ** 2;
    const key = input.frequency[i] >= 7 ? '7+' : String(input.frequency[i]);
    const g = groups.get(key) ?? { frequency: key, customers: 0, actual: 0, predicted: 0 };
    g.customers++;
    g.actual += actual;
    g.predicted += predicted;
    groups.set(key, g);
  }
  const ordered = [...groups.values()].sort((a, b) => (a.frequency === '7+' ? 7 : Number(a.frequency)) - (b.frequency === '7+' ? 7 : Number(b.frequency)));
  for (const g of ordered) {
    g.actual /= g.customers;
    g.predicted /= g.customers;
  }
  return {
    model: fitted,
    holdoutLength: duration,
    totals: { actual: actualTotal, predicted: predictedTotal, error: predictedTotal - actualTotal },
    mae: absolute / n,
    rmse: Math.sqrt(squared / n),
    groups: ordered,
  };
}

/**
 * Cumulative repeat transactions week by week from the first acquisition to as-of: actual (repeat purchase
 * days of the customers in the summary) and predicted Σ_i E[X(t − t_i)] with each customer's first purchase t_i.
 */
export function tracking(model: PurchaseModel, fitted: FittedModel, histories: CustomerHistory[], periodDays: number, calibrationEnd: Day, asOf: Day): TrackingPoint[] {
  const included = histories.filter((h) => h.days.length > 0 && h.days[0] <= calibrationEnd);
  if (included.length === 0) return [];
  const start = Math.min(...included.map((h) => h.days[0]));
  const weeks = Math.ceil((asOf - start + 1) / 7);
  const repeats = new Float64Array(weeks + 1);
  const firstCounts = new Map<number, number>();
  for (const h of included) {
    firstCounts.set(h.days[0], (firstCounts.get(h.days[0]) ?? 0) + 1);
    for (let i = 1; i < h.days.length; i++) {
      if (h.days[i] > asOf) break;
      repeats[Math.floor((h.days[i] - start) / 7) + 1]++;
    }
  }
  const points: TrackingPoint[] = [];
  let cumulative = 0;
  for (let w = 1; w <= weeks; w++) {
    cumulative += repeats[w];
    const endDay = Math.min(start + 7 * w - 1, asOf);
    let predicted = 0;
    for (const [first, count] of firstCounts) {
      const t = (endDay - first) / periodDays;
      if (t > 0) predicted += count * model.expectedTransactionsNew(fitted.params, t);
    }
    points.push({ week: w, end: dayToIso(endDay), actual: cumulative, predicted, holdout: endDay > calibrationEnd });
  }
  return points;
}

/** Gamma-Gamma expected spend against the actual mean holdout spend, for customers with purchases in both. */
export function validateSpend(fitted: FittedModel, input: ModelInput): SpendValidation | null {
  if (!input.holdout) return null;
  let n = 0;
  let sumActual = 0;
  let sumPredicted = 0;
  let absolute = 0;
  let squared = 0;
  for (let i = 0; i < input.ids.length; i++) {
    if (input.frequency[i] === 0 || input.holdout.frequency[i] === 0) continue;
    const predicted = expectedSpend(fitted.params, input.frequency[i], input.monetaryValue[i]);
    const actual = input.holdout.monetaryValue[i];
    n++;
    sumActual += actual;
    sumPredicted += predicted;
    absolute += Math.abs(predicted - actual);
    squared += (predicted - actual) ** 2;
  }
  if (n === 0) return null;
  return { model: fitted, customers: n, meanActual: sumActual / n, meanPredicted: sumPredicted / n, mae: absolute / n, rmse: Math.sqrt(squared / n) };
}
