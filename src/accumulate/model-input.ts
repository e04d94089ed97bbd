/**
 * The columns the probabilistic models read, as typed arrays: from `crm summary`'s result or from a ready
 * summary file (`--summary FILE`). Times are in the summary's period unit.
 */
import type { CustomerSummary } from '../core/types.js';

export interface ModelInput {
  ids: string[];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetaryValue: Float64Array;
  /** Total revenue per customer, when known. */
  revenue: Float64Array | null;
  /** Total margin per customer, when known. */
  margin: Float64Array | null;
  /** Holdout columns, when the summary has a calibration/holdout split. */
  holdout: { frequency: Float64Array; monetaryValue: Float64Array; duration: number } | null;
}

/** Model input from summaries. */
export function modelInputFromSummaries(customers: readonly CustomerSummary[]): ModelInput {
  const n = customers.length;
  const input: ModelInput = {
    ids: customers.map((c) => c.id),
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    T: new Float64Array(n),
    monetaryValue: new Float64Array(n),
    revenue: new Float64Array(n),
    margin: n > 0 && customers[0].margin !== null ? new Float64Array(n) : null,
    holdout: n > 0 && customers[0].frequencyHoldout !== undefined
      ? { frequency: new Float64Array(n), monetaryValue: new Float64Array(n), duration: customers[0].durationHoldout ?? 0 }
      : null,
  };
  customers.forEach((c, i) => {
    input.frequency[i] = c.frequency;
    input.recency[i] = c.recency;
    input.T[i] = c.T;
    input.monetaryValue[i] = c.monetaryValue;
    input.revenue![i] = c.revenue;
    if (input.margin) input.margin[i] = c.margin ?? 0;
    if (input.holdout) {
      input.holdout.frequency[i] = c.frequencyHoldout ?? 0;
      input.holdout.monetaryValue[i] = c.monetaryValueHoldout ?? 0;
    }
  });
  return input;
}
