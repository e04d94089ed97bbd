/** Per-customer record columns (CSV header names and values; the same rows feed JSON and NDJSON) of each command. */
import { type CustomerSegment } from '../segment/segment-portfolio.js';
import { type RecordColumns } from '../report/records.js';
import type { CustomerValue } from '../value/types.js';

export const segmentColumns: RecordColumns<CustomerSegment> = {
  names: ['customer_id', 'R', 'F', 'M', 'rfm', 'segment', 'abc', 'cluster'],
  values: (c) => [c.customerId, c.R, c.F, c.M, c.rfm, c.segment, c.abc, c.cluster],
};

/** The columns after the existing ones: intervals, then the short-horizon scores (docs/value.md). */
export interface ValueExtraColumns {
  interval: boolean;
  withinDays: number[];
  aliveAtDays: number[];
}

export const valueColumns = (hasDert: boolean, extra: ValueExtraColumns = { interval: false, withinDays: [], aliveAtDays: [] }): RecordColumns<CustomerValue> => ({
  names: [
    'customer_id', 'frequency', 'recency', 'T', 'p_alive', 'expected_transactions', 'expected_spend', 'margin', 'clv', 'past_revenue', 'segment', 'baseline_clv',
    ...(hasDert ? ['dert', 'clv_infinite'] : []),
    ...(extra.interval ? ['p_alive_low', 'p_alive_high', 'expected_transactions_low', 'expected_transactions_high', 'expected_spend_low', 'expected_spend_high', 'clv_low', 'clv_high'] : []),
    ...(extra.withinDays.length > 0 ? ['median_days_to_purchase', ...extra.withinDays.map((d) => `p_purchase_${dayLabel(d)}`)] : []),
    ...extra.aliveAtDays.map((d) => `p_alive_${dayLabel(d)}`),
  ],
  values: (c) => [
    c.customerId, c.frequency, c.recency, c.T, c.pAlive, c.expectedTransactions, c.expectedSpend, c.margin, c.clv, c.pastRevenue, c.segment, c.baselineClv,
    ...(hasDert ? [c.dert, c.clvInfinite] : []),
    ...(extra.interval ? [c.pAliveLow ?? null, c.pAliveHigh ?? null, c.expectedTransactionsLow ?? null, c.expectedTransactionsHigh ?? null, c.expectedSpendLow ?? null, c.expectedSpendHigh ?? null, c.clvLow ?? null, c.clvHigh ?? null] : []),
    ...(extra.withinDays.length > 0 ? [c.medianDaysToPurchase ?? null, ...extra.withinDays.map((_, j) => c.purchaseWithin?.[j] ?? null)] : []),
    ...extra.aliveAtDays.map((_, j) => c.aliveAt?.[j] ?? null),
  ],
});

/** 30 -> "30d", 0.5 -> "0.5d". */
function dayLabel(days: number): string {
  return `${days}d`;
}
