/**
 * The valuation of `crm value`: the models fitted (or given, as saved by crm fit --save), CLV as the NPV of
 * expected contributions over the horizon, equity, deciles, value by segment, the baseline retention of each
 * segment a year earlier, collection-adjusted CLV, the what-if of a retention uplift, intervals and short-horizon
 * scores. From a model input with, when it came from sales, the summaries, the sales and the window.
 */
import type { Day } from '../core/days.js';
import type { CustomerSummary } from '../core/types.js';
import type { ModelInput } from '../accumulate/model-input.js';
import { eachHistory, type SalesAccumulator } from '../accumulate/sales.js';
import { compareIds, summarizeColumns, type SummaryWindow } from '../accumulate/summary.js';
import { fieldReader, type RecordList } from '../core/record-columns.js';
import type { FittedModel } from '../models/types.js';
import type { PaymentLedger } from '../payments/ledger.js';
import { analysePayments } from '../payments/analyse-payments.js';
import { customerSegments } from '../segment/segment-portfolio.js';
import { fitValuationModels } from '../value/fit-valuation.js';
import type { FitParallelSettings } from '../value/fit-parallel.js';
import type { ValueResult } from '../value/types.js';
import { valuePortfolio } from '../value/value.js';
import type { ValuationSettings } from './settings.js';
import type { Lookup } from '../core/types.js';
import { lookupOfArrays } from './lookup.js';
import { trace, type Tracer } from './trace.js';

/** The length in days of each step of the horizon. */
export const STEP_DAYS: Record<string, number> = { day: 1, week: 7, month: 365.25 / 12, quarter: 365.25 / 4, year: 365.25 };

/** The settings of `crm value`: the valuation's, with the horizon, the what-if and the extra scores. */
export interface ValueSettings extends ValuationSettings {
  /** Steps of the horizon and their unit (a key of {@link STEP_DAYS}). */
  horizonSteps: number;
  horizonUnit: string;
  /** Discount each CLV by the customer's observed collection rate (needs the payments). */
  collected: boolean;
  /** What-if: retention this much higher. */
  retentionUplift?: number;
  /** Level of the intervals from parameter uncertainty; 0: none. */
  intervalLevel: number;
  /** P(at least one purchase within these days). */
  withinDays: number[];
  /** P(alive) these days after as-of. */
  aliveAtDays: number[];
  /** Models given instead of fitted (crm fit --save): a purchase model and/or Gamma-Gamma. */
  purchaseModel?: FittedModel | null;
  spendModel?: FittedModel | null;
  /** Written beside a CLV in revenue when no margin is given and the sales carry no cost. */
  noMarginSource: string;
  /** The note of that case (null: none). */
  noMarginNote: string | null;
  /** The candidate fits on two threads (the CLI passes CRM_THREADS); the defaults when absent. */
  fitParallel?: FitParallelSettings;
}

/** What the valuation reads: the model input, and with sales the summaries, the sales, the window and the payments. */
export interface ValueData {
  input: ModelInput;
  period: { name: string; days: number };
  /** ISO as-of ('' for a summary file, which has none). */
  asOf: string;
  /** Read for the segments, then set to null by {@link analyseValue} (so that they can be collected). */
  summaries: RecordList<CustomerSummary> | null;
  sales?: SalesAccumulator;
  payments?: PaymentLedger;
  window: SummaryWindow | null;
}

/**
 * The segment of each customer by id: through the sales' id index when there are sales (a Map of a million
 * customers is ~80 MB), else a Map.
 */
function segmentLookup(summaries: RecordList<CustomerSummary>, asOf: Day, sales: SalesAccumulator | undefined): Lookup<string> {
  const names = customerSegments(summaries, { asOf });
  const idOf = fieldReader(summaries, 'id');
  const ids = Array.from({ length: summaries.length }, (_, i) => idOf(i)!);
  if (!sales) return new Map(ids.map((id, i) => [id, names[i]]));
  return lookupOfArrays(sales, ids, names);
}

/**
 * The segments a year before as-of, from the histories up to then (undefined when nobody had bought by
 * then). A function of its own so that the summaries of then are garbage as soon as it returns.
 */
function segmentsYearBefore(sales: SalesAccumulator, window: SummaryWindow, asOfDay: Day): Lookup<string> | undefined {
  const earlier = asOfDay - 365;
  const past = summarizeColumns(sales, { ...window, asOf: earlier, calibrationEnd: earlier, holdout: false }).customers;
  return past.length > 0 ? segmentLookup(past, earlier, sales) : undefined;
}

/** Values the portfolio. The notes are the fits' notes, the margin note and the valuation's warnings. */
export function analyseValue(data: ValueData, s: ValueSettings, tracer?: Tracer): { result: ValueResult; notes: string[] } {
  const notes: string[] = [];
  const models = fitValuationModels(data.input, { model: s.model, purchaseModel: s.purchaseModel ?? null, spendModel: s.spendModel ?? null, fitSpend: s.fitSpend, parallel: s.fitParallel });
  trace(tracer, 'value: fits');
  notes.push(...models.notes);
  let margin: { share: number; source: string };
  if (s.margin !== undefined) margin = s.margin;
  else if (data.input.margin && data.input.revenue) {
    const m = data.input.margin.reduce((a, v) => a + v, 0);
    const r = data.input.revenue.reduce((a, v) => a + v, 0);
    margin = { share: r > 0 ? m / r : 1, source: 'the sales (total margin / total revenue)' };
  } else {
    margin = { share: 1, source: s.noMarginSource };
    if (s.noMarginNote !== null) notes.push(s.noMarginNote);
  }
  const asOfDay: Day | undefined = data.window?.asOf;
  const segments = data.summaries && asOfDay !== undefined ? segmentLookup(data.summaries, asOfDay, data.sales) : undefined;
  // The summaries are not read after this: released, so that they do not stay through the valuation.
  data.summaries = null;
  trace(tracer, 'value: segments');
  // Segments a year earlier, from the histories up to then, for the baseline retention per segment.
  const earlierSegments = data.sales && data.window && asOfDay !== undefined ? segmentsYearBefore(data.sales, data.window, asOfDay) : undefined;
  trace(tracer, 'value: segments a year back');
  let collectionRates: Map<string, number> | undefined;
  if (s.collected && data.payments && asOfDay !== undefined) {
    const analysis = analysePayments(data.payments, asOfDay);
    collectionRates = new Map(analysis.customers.map((c) => [c.customerId, c.collectionRate ?? 1]));
  }
  const result = valuePortfolio(data.input, {
    asOf: data.asOf,
    period: data.period,
    purchaseModel: models.purchase,
    spendModel: models.spend,
    spendMethod: models.spendMethod,
    spendFallbackReason: models.spendFallbackReason,
    horizonSteps: s.horizonSteps,
    stepDays: STEP_DAYS[s.horizonUnit],
    stepName: s.horizonUnit,
    annualDiscountRate: s.annualDiscountRate,
    margin,
    segments,
    // one at a time: the baseline reads each history once
    histories: data.sales && asOfDay !== undefined ? eachHistory(data.sales, asOfDay, compareIds) : undefined,
    earlierSegments,
    asOfDay,
    collectionRates,
    retentionUplift: s.retentionUplift,
    ...(s.intervalLevel > 0 ? { interval: { level: s.intervalLevel } } : {}),
    withinDays: s.withinDays,
    aliveAtDays: s.aliveAtDays,
  });
  trace(tracer, 'value: customers');
  for (const w of result.warnings) notes.push(`warning: ${w}`);
  return { result, notes };
}
