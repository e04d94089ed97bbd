/**
 * The KPI scorecard per calendar period (crm kpi, and monthly in crm report): every customer's purchase days
 * fed once through the scorecard, the churn window by the one rule of crm churn, receivables at each period end.
 */
import type { Day } from '../core/days.js';
import { compareIds, CustomerState, historyTable, type SalesAccumulator } from '../accumulate/sales.js';
import { resolveChurnWindow, type ChurnWindow } from '../churn/lifetimes.js';
import type { HistoryInput } from '../core/history-table.js';
import { kpiByPeriod, receivablesAtPeriodEnds, withReceivables, type KpiCustomer, type KpiResult } from '../performance/kpi.js';
import type { parseKpiUnit } from '../performance/periods.js';

/** Every customer's day entries (purchase days and return-only days) up to `asOf`, one customer at a time, in id order. */
export function* kpiCustomers(sales: SalesAccumulator): Generator<KpiCustomer> {
  const state = new CustomerState();
  for (const c of sales.order(compareIds)) {
    sales.stateAt(c, state);
    yield { id: sales.ids[c], days: state.days, amounts: state.amounts, purchase: state.purchase };
  }
}

/** The scorecard of a run: the churn window (given or from the histories) and the KPIs, with receivables at each period end when a ledger is given. */
export function computeKpis(
  sales: SalesAccumulator,
  asOf: Day,
  { unit, churnAfter, payments, dsoWindowDays }: { unit: ReturnType<typeof parseKpiUnit>; churnAfter?: number; payments?: Parameters<typeof receivablesAtPeriodEnds>[0]; dsoWindowDays?: number },
): { result: KpiResult; excludedPayments: Record<string, number> } {
  // One churn window rule for crm churn and crm kpi: --churn-after, else the 90th percentile of the gaps.
  const window = resolveChurnWindow(churnAfter === undefined ? historyTable(sales, asOf, compareIds) : [], asOf, churnAfter);
  const result = kpiByPeriod(kpiCustomers(sales), { asOf, unit, window });
  let excludedPayments: Record<string, number> = {};
  if (payments) {
    const ends = result.periods.map((p) => Math.min(p.end, asOf));
    const { points, account } = receivablesAtPeriodEnds(payments, ends, { dsoWindowDays });
    result.periods = withReceivables(result.periods, points);
    excludedPayments = account?.excluded ?? {};
  }
  return { result, excludedPayments };
}

/**
 * The monthly scorecard of `crm report`: the run's churn window (that of its retention section, else chosen
 * from the histories by the rule of crm churn); no receivables per period there.
 */
export function reportKpis(sales: SalesAccumulator, asOf: Day, all: HistoryInput, window: ChurnWindow | null | undefined): KpiResult {
  return kpiByPeriod(kpiCustomers(sales), { asOf, unit: 'month', window: window ?? resolveChurnWindow(all, asOf) });
}
