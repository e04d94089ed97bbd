/** Per-customer record columns (CSV header names and values; the same rows feed JSON and NDJSON) of each command. */
import { type CustomerSegment } from '../segment/segment-portfolio.js';
import { type RecordColumns } from '../report/records.js';
import type { CustomerValue } from '../value/types.js';
import type { CustomerPayments } from '../payments/behaviour.js';
import type { KpiRow } from '../performance/kpi.js';
import type { CampaignRow } from '../marketing/campaign.js';
import type { CustomerSummary } from '../core/types.js';
import { dayToIso } from '../core/days.js';
import type { SummaryWindow } from '../accumulate/summary.js';
import type { CustomerScore } from '../score/score.js';
import type { FittedModel } from '../models/types.js';

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

export const paymentColumns: RecordColumns<CustomerPayments> = {
  names: [
    'customer_id', 'class', 'worsening', 'invoices', 'credit_notes', 'invoiced', 'credited', 'paid', 'refunded', 'outstanding', 'overdue', 'credit', 'balance',
    'open_invoices', 'overdue_invoices', 'max_days_past_due', 'settled_invoices', 'days_to_pay_mean', 'days_to_pay_median', 'days_to_pay_p90',
    'days_late_mean', 'days_late_median', 'days_late_p90', 'days_late_weighted', 'share_paid_late', 'share_unpaid_past_due', 'collection_rate',
    'lateness', 'trend_recent_mean_days_late', 'trend_earlier_mean_days_late', 'trend_increase',
  ],
  values: (c) => [
    c.customerId, c.class, c.worsening, c.invoices, c.creditNotes, c.invoiced, c.credited, c.paid, c.refunded, c.outstanding, c.overdue, c.credit, c.balance,
    c.openInvoices, c.overdueInvoices, c.maxDaysPastDue, c.settledInvoices, c.daysToPay?.mean, c.daysToPay?.median, c.daysToPay?.p90,
    c.daysLate?.mean, c.daysLate?.median, c.daysLate?.p90, c.daysLateWeighted, c.sharePaidLate, c.shareUnpaidPastDue, c.collectionRate,
    c.lateness, c.trend?.recentMeanDaysLate, c.trend?.earlierMeanDaysLate, c.trend?.increase,
  ],
};

/** The CSV / NDJSON / JSON columns; dso and overdue_share only with payments. */
export function kpiColumns(withPayments: boolean): RecordColumns<KpiRow> {
  return {
    names: [
      'period', 'active_customers', 'new_customers', 'returning_customers', 'reactivated_customers', 'lost_customers', 'retention_rate',
      'revenue', 'orders', 'average_order_value', 'revenue_per_active', 'top20_revenue_share', ...(withPayments ? ['dso', 'overdue_share'] : []), 'partial',
    ],
    values: (r) => [
      r.period, r.activeCustomers, r.newCustomers, r.returningCustomers, r.reactivatedCustomers, r.lostCustomers, r.retentionRate,
      r.revenue, r.orders, r.averageOrderValue, r.revenuePerActive, r.top20RevenueShare, ...(withPayments ? [r.dso, r.overdueShare] : []), r.partial,
    ],
  };
}

/** The CSV/NDJSON columns: one row per campaign × breakdown cell × group. */
export const campaignColumns: RecordColumns<CampaignRow> = {
  names: [
    'campaign', 'by', 'value', 'group', 'contacted', 'contacts', 'responders', 'response_rate', 'response_rate_low', 'response_rate_high',
    'revenue', 'revenue_per_contacted', 'margin', 'margin_per_contacted', 'cost', 'incomplete',
    'lift', 'lift_low', 'lift_high', 'p_value', 'incremental_revenue', 'incremental_revenue_low', 'incremental_revenue_high', 'incremental_margin',
    'total_cost', 'roi', 'note',
  ],
  values: ({ campaign, by, value, group, stats: s, effect: e }) => [
    campaign, by, value, group, s.contacted, s.contacts, s.responders, s.responseRate, s.responseRateInterval[0], s.responseRateInterval[1],
    s.revenue, s.revenuePerContacted, s.margin, s.marginPerContacted, s.cost, s.incomplete,
    e.lift, e.liftInterval?.[0], e.liftInterval?.[1], e.pValue, e.incrementalRevenue, e.incrementalRevenueInterval?.[0], e.incrementalRevenueInterval?.[1], e.incrementalMargin,
    e.totalCost, e.roi, [e.liftNote, e.roiNote].filter(Boolean).join('; '),
  ],
};

export function summaryColumns(window: SummaryWindow, hasMargin: boolean): RecordColumns<CustomerSummary> {
  const names = ['customer_id', 'first_purchase', 'last_purchase', 'transactions', 'frequency', 'recency', 'T', 'monetary_value', 'revenue'];
  if (hasMargin) names.push('margin');
  if (window.holdout) names.push('frequency_holdout', 'monetary_value_holdout', 'duration_holdout');
  return {
    names,
    values: (c) => {
      const v: (string | number | null)[] = [c.id, dayToIso(c.firstDay), dayToIso(c.lastDay), c.transactions, c.frequency, c.recency, c.T, c.monetaryValue, c.revenue];
      if (hasMargin) v.push(c.margin);
      if (window.holdout) v.push(c.frequencyHoldout ?? 0, c.monetaryValueHoldout ?? 0, c.durationHoldout ?? 0);
      return v;
    },
  };
}

export const SCORE_COLUMNS = ['customer_id', 'frequency', 'recency', 'T', 'p_alive', 'expected_purchases', 'p_purchase_30d', 'p_purchase_90d', 'expected_spend', 'clv'];

/** One row of `crm score` in the order of SCORE_COLUMNS. */
export function scoreValues(s: CustomerScore): (string | number)[] {
  return [s.customerId, s.frequency, s.recency, s.T, s.pAlive, s.expectedPurchases, s.pPurchase[0], s.pPurchase[1], s.expectedSpend, s.clv];
}

/** One row of `crm fit` as CSV: a parameter of a fitted model, with the fit's criteria (every model compared). */
export interface FitParameterRow {
  fit: FittedModel;
  chosen: boolean;
  parameter: string;
  timeUnit: string;
}

export const fitColumns: RecordColumns<FitParameterRow> = {
  names: ['model', 'chosen', 'parameter', 'estimate', 'std_error', 'ci_low_95', 'ci_high_95', 'log_likelihood', 'aic', 'bic', 'trusted', 'customers', 'time_unit'],
  values: ({ fit, chosen, parameter, timeUnit }) => [
    fit.model, chosen, parameter, fit.params[parameter], fit.stdErrors[parameter], fit.intervals[parameter]?.[0], fit.intervals[parameter]?.[1],
    fit.logLikelihood, fit.aic, fit.bic, fit.trusted, fit.n, timeUnit,
  ],
};

/** The parameter rows of fitted models, the chosen (first, trusted) model first. */
export function fitParameterRows(fits: FittedModel[], timeUnit: string): FitParameterRow[] {
  return fits.flatMap((fit, i) => Object.keys(fit.params).map((parameter) => ({ fit, chosen: i === 0 && fit.trusted, parameter, timeUnit })));
}
