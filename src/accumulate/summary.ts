/**
 * Per-customer summary (frequency, recency, T, monetary value) with the definitions of the `lifetimes`
 * library's summary_data_from_transaction_data and calibration_and_holdout_data: purchases on the same day
 * are one purchase, the first purchase is not a repeat, time is counted in days and expressed in the period
 * unit. See docs/summary.md.
 */
import { addMoney } from '../core/money.js';
import type { Day } from '../core/days.js';
import type { CustomerSummary, PeriodUnit } from '../core/types.js';
import { setting, UsageError } from '../errors.js';
import { compareIds, CustomerState, type SalesAccumulator } from './sales.js';

/** Parses `--period`: day, week, month, or a number of days. @throws UsageError */
export function parsePeriod(text: string): PeriodUnit {
  const t = text.trim().toLowerCase();
  if (t === 'day' || t === 'days' || t === 'd') return { name: 'day', days: 1 };
  if (t === 'week' || t === 'weeks' || t === 'w') return { name: 'week', days: 7 };
  if (t === 'month' || t === 'months' || t === 'm') return { name: 'month', days: 365.25 / 12 };
  if (t === 'year' || t === 'years' || t === 'y') return { name: 'year', days: 365.25 };
  const m = /^(\d+(?:\.\d+)?)\s*(?:d|days?)?$/.exec(t);
  if (m && Number(m[1]) > 0) return { name: `${Number(m[1])} days`, days: Number(m[1]) };
  throw new UsageError(`invalid ${setting('period')} "${text}"`, { hint: 'day, week, month, year or a number of days' });
}

/** The summary's window as resolved at the end of the pass. */
export interface SummaryWindow {
  /** End of observation (inclusive). */
  asOf: Day;
  /** End of calibration; equals asOf when there is no holdout. */
  calibrationEnd: Day;
  holdout: boolean;
  period: PeriodUnit;
}

/** Customers left out of the summary, with why. */
export interface SummaryExclusions {
  /** First purchase after the calibration end (they appear only in the holdout). */
  firstPurchaseInHoldout: number;
  /** Only returns (negative amounts), no purchase line, in the calibration window. */
  noPurchase: number;
}

/** Compares customer ids: numeric ids by value, others as text (defined beside the accumulator). */
export { compareIds };

/**
 * Summary of one customer, or null when it has no purchase day in the calibration window. The transactions
 * are counted per day up to the calibration end, so a window earlier than the sales' own counts only what
 * happened by then. The margin is kept per customer, not per day: `hasMargin` false (margin null) for a window
 * that ends before the sales' calibration end.
 */
export function summarizeCustomer(
  id: string,
  state: CustomerState,
  window: SummaryWindow,
  hasMargin: boolean,
): CustomerSummary | null {
  const { calibrationEnd, asOf, period } = window;
  let first = -1;
  let last = -1;
  let purchaseDays = 0;
  let repeatTotal = 0;
  let revenue = 0;
  let holdoutDays = 0;
  let holdoutTotal = 0;
  let transactions = 0;
  const { days, amounts, purchase, orders } = state;
  for (let i = 0; i < days.length; i++) {
    const day = days[i];
    if (day > asOf) break;
    if (day <= calibrationEnd) {
      transactions += orders[i];
      revenue = addMoney(revenue, amounts[i]);
      if (!purchase[i]) continue;
      if (purchaseDays === 0) first = day;
      else repeatTotal = addMoney(repeatTotal, amounts[i]);
      last = day;
      purchaseDays++;
    } else if (purchase[i]) {
      holdoutDays++;
      holdoutTotal = addMoney(holdoutTotal, amounts[i]);
    }
  }
  if (purchaseDays === 0) return null;
  const frequency = purchaseDays - 1;
  const summary: CustomerSummary = {
    id,
    firstDay: first,
    lastDay: last,
    transactions,
    frequency,
    recency: (last - first) / period.days,
    T: (calibrationEnd - first) / period.days,
    monetaryValue: frequency > 0 ? repeatTotal / frequency : 0,
    revenue,
    margin: hasMargin ? state.margin : null,
  };
  if (window.holdout) {
    summary.frequencyHoldout = holdoutDays;
    summary.monetaryValueHoldout = holdoutDays > 0 ? holdoutTotal / holdoutDays : 0;
    summary.durationHoldout = (asOf - calibrationEnd) / period.days;
  }
  return summary;
}

/** Summaries of all customers, ordered by id, and the customers left out. */
export function summarize(
  sales: SalesAccumulator,
  window: SummaryWindow,
): { customers: CustomerSummary[]; exclusions: SummaryExclusions } {
  const customers: CustomerSummary[] = [];
  const exclusions: SummaryExclusions = { firstPurchaseInHoldout: 0, noPurchase: 0 };
  const state = new CustomerState();
  // Margins are totals of the sales' calibration window: unknown for a window that ends before it.
  const salesCalibrationEnd = Math.min(sales.window.calibrationEnd ?? Infinity, sales.window.asOf ?? Infinity, sales.maxDay);
  const hasMargin = sales.hasMargin && window.calibrationEnd >= salesCalibrationEnd;
  for (const c of sales.order(compareIds)) {
    sales.stateAt(c, state);
    const s = summarizeCustomer(sales.ids[c], state, window, hasMargin);
    if (s) customers.push(s);
    else {
      const inHoldout = state.days.some((d, i) => d > window.calibrationEnd && d <= window.asOf && state.purchase[i]);
      if (inHoldout) exclusions.firstPurchaseInHoldout++;
      else exclusions.noPurchase++;
    }
  }
  return { customers, exclusions };
}
