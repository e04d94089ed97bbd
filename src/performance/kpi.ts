/**
 * The CRM scorecard over time (`crm kpi`): per calendar period, the active, new, returning, reactivated and
 * lost customers, retention from the previous period, revenue, orders, average order value, revenue per
 * active customer and the share of revenue from the period's top 20% of customers; with a payments ledger,
 * DSO and the overdue share at each period end. Pure: plain data in, plain data out. See docs/kpi.md.
 *
 * One pass over each customer's day entries (purchase days, and days with only returns): memory grows with
 * customers and periods (and the per-period revenue of each active customer, for the top-20% share), never
 * with the sales rows.
 */
import { addMoney } from '../core/money.js';
import type { Day } from '../core/days.js';
import type { PaymentRecord } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { ChurnWindow } from '../churn/lifetimes.js';
import { foldByCustomer, type PaymentsAccount } from '../payments/invoices.js';
import { AgeingFold, DsoFold } from '../payments/portfolio.js';
import { kpiPeriodIndex, kpiPeriodOfIndex, type KpiUnit } from './periods.js';

/**
 * One customer's day entries, ascending by day: the net amount of each day and whether the day has a purchase
 * line (1) or only returns (0). `purchase` absent: every day is a purchase day (e.g. a CustomerHistory, whose
 * return-only days are not dated; they are then left out of the revenue).
 */
export interface KpiCustomer {
  id: string;
  days: ArrayLike<Day>;
  amounts: ArrayLike<number>;
  purchase?: ArrayLike<number>;
}

/** Options of {@link kpiByPeriod}. */
export interface KpiOptions {
  /** The as-of day (inclusive); later days are ignored. */
  asOf: Day;
  /** Period length. Default month. */
  unit?: KpiUnit;
  /** The churn window of the run (src/churn/lifetimes.ts resolveChurnWindow). */
  window: ChurnWindow;
  /** Share of a period's customers whose revenue share is reported. Default 0.2 (the top 20%). */
  topShare?: number;
}

/** The KPIs of one period. */
export interface KpiRow {
  /** Label: `2024-03`, `2024-Q1`, `2024` or the Monday of the week. */
  period: string;
  start: Day;
  end: Day;
  /** Customers with a purchase day in the period. */
  activeCustomers: number;
  /** Customers whose first purchase is in the period. */
  newCustomers: number;
  /** Active and not new. */
  returningCustomers: number;
  /** Active with a purchase day more than the churn window after their previous purchase. */
  reactivatedCustomers: number;
  /** Customers whose last purchase (up to as-of) is in the period and who have not bought within the churn window since. */
  lostCustomers: number;
  /** True when the period ends less than one churn window before as-of: lost customers of the period may still be counted. */
  lostProvisional: boolean;
  /** Share of the previous period's active customers active again in this period; null for the first period or when none were active. */
  retentionRate: number | null;
  /** Net revenue of the period: purchase days and returns. */
  revenue: number;
  /** Orders: purchase days (a customer's orders of one day count once, see docs/kpi.md). */
  orders: number;
  /** revenue / orders; null without orders. */
  averageOrderValue: number | null;
  /** revenue / active customers; null without active customers. */
  revenuePerActive: number | null;
  /** Revenue of the top ceil(topShare × active) customers (by their revenue in the period) / revenue; null when revenue <= 0. */
  top20RevenueShare: number | null;
  /** With payments: standard DSO at the period end (or as-of); null when not computable. */
  dso?: number | null;
  /** With payments: overdue / outstanding receivables at the period end (or as-of); null when nothing is outstanding. */
  overdueShare?: number | null;
  /** True for the last period when as-of is before its end. */
  partial: boolean;
}

/** Result of {@link kpiByPeriod}. */
export interface KpiResult {
  asOf: Day;
  unit: KpiUnit;
  window: ChurnWindow;
  topShare: number;
  /** Customers with a purchase on or before as-of. */
  customers: number;
  /** One row per period, from the period of the first purchase (or return) to the period of as-of, empty periods included. */
  periods: KpiRow[];
  /** Label of the first period whose lost count is provisional; null when none is. */
  provisionalFrom: string | null;
}

/** Per-period counters, kept by period index while the customers are folded. */
interface Counters {
  active: number;
  fresh: number;
  reactivated: number;
  lost: number;
  retained: number;
  revenue: number;
  orders: number;
  /** The period revenue of each active customer. */
  customerRevenue: number[];
}

const emptyCounters = (): Counters => ({ active: 0, fresh: 0, reactivated: 0, lost: 0, retained: 0, revenue: 0, orders: 0, customerRevenue: [] });

/**
 * Sum of the largest `n` values, added largest first. Sorted as a typed array (numeric, without a comparator
 * call per comparison: a month of a million active customers took 0.8 s); equal values are the same
 * number, so the sum is that of the values in descending order.
 */
function topSum(values: number[], n: number): number {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = sorted.length - 1, k = 0; k < n && i >= 0; i--, k++) sum = addMoney(sum, sorted[i]);
  return sum;
}

/**
 * The KPI scorecard per calendar period (definitions in docs/kpi.md).
 *
 * O(total day entries + Σ active customers per period × log) time; memory O(periods + customer-periods).
 *
 * @throws {UsageError} when the window is not a positive whole number of days or topShare is not in (0, 1]
 * @example
 * const a = { id: 'a', days: [0, 40], amounts: [10, 20] };
 * kpiByPeriod([a], { asOf: 59, window: { days: 30, basis: 'given', gaps: 0, quantile: null } }).periods[1].reactivatedCustomers // => 1
 */
export function kpiByPeriod(customers: Iterable<KpiCustomer>, options: KpiOptions): KpiResult {
  const unit = options.unit ?? 'month';
  const asOf = options.asOf;
  const w = options.window.days;
  const topShare = options.topShare ?? 0.2;
  if (!(Number.isInteger(w) && w >= 1)) throw new UsageError(`churn window must be a positive whole number of days, found ${w}`);
  if (!(topShare > 0 && topShare <= 1)) throw new UsageError(`top share must be in (0, 1], found ${topShare}`);
  const byPeriod = new Map<number, Counters>();
  const at = (k: number): Counters => {
    let c = byPeriod.get(k);
    if (!c) byPeriod.set(k, (c = emptyCounters()));
    return c;
  };
  let first = Infinity;
  let buyers = 0;
  for (const customer of customers) {
    const { days, amounts, purchase } = customer;
    let previousPurchase = -Infinity; // the customer's latest purchase day so far
    let firstPurchase = true;
    let lastActivePeriod = -Infinity;
    // The period being folded for this customer and its state.
    let k = NaN;
    let counters: Counters | null = null;
    let revenue = 0;
    let active = false;
    let reactivated = false;
    const flush = (): void => {
      if (counters === null) return;
      if (active) {
        counters.active++;
        counters.customerRevenue.push(revenue);
        if (reactivated) counters.reactivated++;
        if (lastActivePeriod === k - 1) counters.retained++;
        lastActivePeriod = k;
      }
    };
    for (let i = 0; i < days.length; i++) {
      const day = days[i];
      if (day > asOf) break;
      const period = kpiPeriodIndex(day, unit);
      if (period !== k) {
        flush();
        k = period;
        counters = at(k);
        revenue = 0;
        active = false;
        reactivated = false;
      }
      if (day < first) first = day;
      const amount = amounts[i];
      counters!.revenue = addMoney(counters!.revenue, amount);
      revenue = addMoney(revenue, amount);
      if (purchase === undefined || purchase[i] === 1) {
        active = true;
        counters!.orders++;
        if (firstPurchase) {
          counters!.fresh++;
          firstPurchase = false;
          buyers++;
        } else if (day - previousPurchase > w) reactivated = true;
        previousPurchase = day;
      }
    }
    flush();
    // Lost: the last purchase is at least one window before as-of (the churn rule of src/churn/lifetimes.ts).
    if (!firstPurchase && asOf - previousPurchase >= w) at(kpiPeriodIndex(previousPurchase, unit)).lost++;
  }
  const periods: KpiRow[] = [];
  let provisionalFrom: string | null = null;
  if (first !== Infinity) {
    const last = kpiPeriodIndex(asOf, unit);
    let previousActive = 0;
    for (let k = kpiPeriodIndex(first, unit); k <= last; k++) {
      const p = kpiPeriodOfIndex(k, unit);
      const c = byPeriod.get(k) ?? emptyCounters();
      const lostProvisional = asOf - p.end < w;
      if (lostProvisional && provisionalFrom === null) provisionalFrom = p.label;
      const top = Math.ceil(c.active * topShare - 1e-9);
      periods.push({
        period: p.label,
        start: p.start,
        end: p.end,
        activeCustomers: c.active,
        newCustomers: c.fresh,
        returningCustomers: c.active - c.fresh,
        reactivatedCustomers: c.reactivated,
        lostCustomers: c.lost,
        lostProvisional,
        retentionRate: periods.length > 0 && previousActive > 0 ? c.retained / previousActive : null,
        revenue: c.revenue,
        orders: c.orders,
        averageOrderValue: c.orders > 0 ? c.revenue / c.orders : null,
        revenuePerActive: c.active > 0 ? c.revenue / c.active : null,
        top20RevenueShare: c.revenue > 0 ? topSum(c.customerRevenue, top) / c.revenue : null,
        partial: asOf < p.end,
      });
      previousActive = c.active;
    }
  }
  return { asOf, unit, window: options.window, topShare, customers: buyers, periods, provisionalFrom };
}

/** DSO and overdue share at one period end. */
export interface PeriodReceivables {
  /** The day the receivables were taken: the period end, or as-of for a partial period. */
  asOf: Day;
  dso: number | null;
  overdueShare: number | null;
  outstanding: number;
  overdue: number;
}

/** Options of {@link receivablesAtPeriodEnds}. */
export interface ReceivablesOptions {
  /** DSO sales window in days, ending on each period end. Default 90. */
  dsoWindowDays?: number;
  /** Amount tolerance of the invoice fold. Default 0.005. */
  tolerance?: number;
}

/**
 * DSO (the standard method of src/payments/portfolio.ts: receivables net of credits / credit sales of the
 * window × window days) and the overdue share (overdue / outstanding of the ageing) at each of `ends`, with
 * the payments functions run with each end as the as-of day. Also returns the ledger's row account at the
 * last end (the run's as-of), for the row accounting.
 *
 * O(ends × n log n) for n ledger rows: the ledger is folded once per period end.
 *
 * @throws {UsageError} for an invalid window or tolerance
 */
export function receivablesAtPeriodEnds(records: Iterable<PaymentRecord>, ends: readonly Day[], options: ReceivablesOptions = {}): { points: PeriodReceivables[]; account: PaymentsAccount | null } {
  const points: PeriodReceivables[] = [];
  let account: PaymentsAccount | null = null;
  for (const end of ends) {
    const dso = new DsoFold(end, { windowDays: options.dsoWindowDays ?? 90 });
    const ageing = new AgeingFold({});
    const folded = foldByCustomer(records, end, { tolerance: options.tolerance }, (_id, invoices) => {
      for (const invoice of invoices) {
        dso.add(invoice);
        ageing.add(invoice);
      }
    });
    account = folded.account;
    const total = ageing.result().total;
    points.push({ asOf: end, dso: dso.result().standard, overdueShare: total.outstanding > 0 ? total.overdue / total.outstanding : null, outstanding: total.outstanding, overdue: total.overdue });
  }
  return { points, account };
}

/** The rows with DSO and overdue share from `points` (one per row, in order). */
export function withReceivables(rows: readonly KpiRow[], points: readonly PeriodReceivables[]): KpiRow[] {
  return rows.map((row, i) => ({ ...row, dso: points[i]?.dso ?? null, overdueShare: points[i]?.overdueShare ?? null }));
}
