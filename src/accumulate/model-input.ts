/**
 * The columns the probabilistic models read, as typed arrays: from `crm summary`'s result or from a ready
 * summary file (`--summary FILE`). Times are in the summary's period unit.
 */
import type { CustomerSummary, PeriodUnit } from '../core/types.js';
import { fieldReader, type RecordList } from '../core/record-columns.js';
import type { SummaryWindow } from './summary.js';

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

/**
 * The model input of `summaries` in another period unit, read from their columns without making the records:
 * the input of {@link modelInputFromSummaries} of the summaries of the same sales and window made with
 * `period`, to the last bit (recency and T are `(lastDay − firstDay) / period.days` and
 * `(calibrationEnd − firstDay) / period.days` there too; the other fields do not depend on the period).
 *
 * Cost: O(customers), no record made.
 */
export function modelInputInPeriod(summaries: RecordList<CustomerSummary>, window: Pick<SummaryWindow, 'asOf' | 'calibrationEnd' | 'holdout'>, period: PeriodUnit): ModelInput {
  const n = summaries.length;
  const read = <K extends keyof CustomerSummary>(key: K) => fieldReader(summaries, key);
  const [id, firstDay, lastDay, frequency, monetaryValue, revenue, margin] = [read('id'), read('firstDay'), read('lastDay'), read('frequency'), read('monetaryValue'), read('revenue'), read('margin')];
  const withMargin = n > 0 && margin(0) !== null;
  const holdout = n > 0 && window.holdout ? { frequency: read('frequencyHoldout'), monetaryValue: read('monetaryValueHoldout') } : null;
  const input: ModelInput = {
    ids: new Array<string>(n),
    frequency: new Float64Array(n),
    recency: new Float64Array(n),
    T: new Float64Array(n),
    monetaryValue: new Float64Array(n),
    revenue: new Float64Array(n),
    margin: withMargin ? new Float64Array(n) : null,
    holdout: holdout ? { frequency: new Float64Array(n), monetaryValue: new Float64Array(n), duration: (window.asOf - window.calibrationEnd) / period.days } : null,
  };
  for (let i = 0; i < n; i++) {
    const first = firstDay(i)!;
    input.ids[i] = id(i)!;
    input.frequency[i] = frequency(i)!;
    input.recency[i] = (lastDay(i)! - first) / period.days;
    input.T[i] = (window.calibrationEnd - first) / period.days;
    input.monetaryValue[i] = monetaryValue(i)!;
    input.revenue![i] = revenue(i)!;
    if (input.margin) input.margin[i] = margin(i) ?? 0;
    if (holdout) {
      input.holdout!.frequency[i] = holdout.frequency(i) ?? 0;
      input.holdout!.monetaryValue[i] = holdout.monetaryValue(i) ?? 0;
    }
  }
  return input;
}
