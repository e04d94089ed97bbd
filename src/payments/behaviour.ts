/**
 * Payment behaviour per customer at the as-of day: balances, days to pay and days late, the shares of late and
 * unpaid invoices, the collection rate, a behaviour class (prompt, slow, late, delinquent, no-history) and a
 * worsening-trend flag. The rules are in docs/payments.md; the classes follow the credit-control practice of
 * judging a customer by its days beyond terms (the Credit Research Foundation's "average days delinquent"),
 * with the 90-days-past-due limit of the last ageing bucket as the delinquency line.
 *
 * Only invoices (positive amounts) enter the lateness figures; credit notes only change the balances.
 */
import type { Day } from '../core/days.js';
import { compareIds } from '../accumulate/summary.js';
import { UsageError } from '../errors.js';
import type { Invoice } from './invoices.js';
import { fieldReader, type RecordList } from '../core/record-columns.js';

/** Payment behaviour class of a customer; see {@link classifyCustomer}. */
export type PaymentClass = 'prompt' | 'slow' | 'late' | 'delinquent' | 'no-history';

/** The classes in report order. */
export const PAYMENT_CLASSES: readonly PaymentClass[] = ['prompt', 'slow', 'late', 'delinquent', 'no-history'];

/** Options of {@link paymentBehaviour}: class thresholds and the trend rule, in days. */
export interface BehaviourOptions {
  /** Prompt when the lateness (see {@link classifyCustomer}) is at most this many days. Default 0. */
  promptMaxDaysLate?: number;
  /** Slow when the lateness is at most this many days (and more than the prompt limit). Default 15. */
  slowMaxDaysLate?: number;
  /** Delinquent when an open invoice is more than this many days past due. Default 90. */
  delinquentAfterDays?: number;
  /** Number of the latest settled invoices compared with the earlier ones for the trend. Default 3. */
  trendRecent?: number;
  /** Minimum number of settled invoices for a trend (recent + at least one earlier). Default 6. */
  trendMinInvoices?: number;
  /** Worsening when the recent mean days late exceeds the earlier mean by more than this. Default 10. */
  trendMinIncreaseDays?: number;
}

/** The options with their defaults filled in. */
export type ResolvedBehaviourOptions = Required<BehaviourOptions>;

/** Mean, median and 90th percentile of a set of day counts. */
export interface DayStats {
  count: number;
  mean: number;
  median: number;
  /** 90th percentile, linear interpolation between order statistics (R type 7, numpy's default). */
  p90: number;
}

/**
 * The lateness trend over a customer's settled invoices in invoice date order (on the same invoice date by
 * settlement date, then by invoice id).
 */
export interface LatenessTrend {
  /** Mean signed days late of the last `trendRecent` settled invoices. */
  recentMeanDaysLate: number;
  /** Mean signed days late of the settled invoices before them. */
  earlierMeanDaysLate: number;
  /** recent − earlier. */
  increase: number;
  /** increase > trendMinIncreaseDays. */
  worsening: boolean;
}

/** Amount collected on invoices due by the as-of day. */
export interface Collection {
  /** Sum of the amounts of the invoices (positive amounts) with due date <= as-of. */
  due: number;
  /** Sum over those invoices of min(paid by as-of, amount): overpayments are not collections. */
  collected: number;
  /** collected / due; null when nothing is due. */
  rate: number | null;
}

/** Payment figures of one customer at the as-of day. Amounts in currency units, durations in days. */
export interface CustomerPayments {
  customerId: string;
  /** Invoices (positive amounts) dated on or before as-of. */
  invoices: number;
  /** Credit notes (amounts <= 0) dated on or before as-of. */
  creditNotes: number;
  /** Sum of invoice amounts. */
  invoiced: number;
  /** Sum of credit note amounts, as a positive number. */
  credited: number;
  /** Payments on invoices dated on or before as-of. */
  paid: number;
  /** Refunds or applications of credit notes dated on or before as-of, as a positive number. */
  refunded: number;
  /** Still owed at as-of: sum of the open residuals (receivables, before credits). */
  outstanding: number;
  /** The part of `outstanding` that is past due (due date before as-of). */
  overdue: number;
  /** Credit held by the customer: open credit notes and overpayments (positive). */
  credit: number;
  /** outstanding − credit: the net amount owed (negative when the company owes the customer). */
  balance: number;
  /** Items with an open residual, and those of them past due. */
  openInvoices: number;
  overdueInvoices: number;
  /** Largest days past due of an open item; null when nothing is past due. */
  maxDaysPastDue: number | null;
  /** Invoices settled by as-of (the lateness figures are over these). */
  settledInvoices: number;
  /** settlement date − invoice date over settled invoices; null when none. */
  daysToPay: DayStats | null;
  /** settlement date − due date (signed: negative = early) over settled invoices; null when none. */
  daysLate: DayStats | null;
  /**
   * Amount-weighted mean of the signed days late of the settled invoices, Σ amount × days late / Σ amount: how
   * late the money arrives rather than the invoices; null when none is settled.
   */
  daysLateWeighted: number | null;
  /** Share of settled invoices settled after their due date; null when none settled. */
  sharePaidLate: number | null;
  /** Share of the invoices past due at as-of that are not fully paid; null when none is past due. */
  shareUnpaidPastDue: number | null;
  /** Collection rate over invoices due by as-of; null when none is due. */
  collectionRate: number | null;
  /** The figure the class is based on: max(p90 days late, max days past due); null for no history. */
  lateness: number | null;
  class: PaymentClass;
  /** Lateness trend; null with fewer than `trendMinInvoices` settled invoices. */
  trend: LatenessTrend | null;
  /** trend?.worsening, false without a trend. */
  worsening: boolean;
}

/** Customers, outstanding and overdue amounts of one class. */
export interface ClassSummary {
  class: PaymentClass;
  customers: number;
  /** Share of all customers; null when there are none. */
  shareOfCustomers: number | null;
  outstanding: number;
  overdue: number;
  /** Share of the total outstanding; null when it is 0. */
  shareOfOutstanding: number | null;
}

/**
 * Fills in and checks the behaviour options.
 * @throws UsageError when a threshold is not finite, the limits are not ordered
 *   (promptMaxDaysLate <= slowMaxDaysLate < delinquentAfterDays, delinquentAfterDays >= 0), or the trend counts
 *   are not integers with 1 <= trendRecent < trendMinInvoices
 */
export function resolveBehaviourOptions(options: BehaviourOptions = {}): ResolvedBehaviourOptions {
  const resolved: ResolvedBehaviourOptions = {
    promptMaxDaysLate: options.promptMaxDaysLate ?? 0,
    slowMaxDaysLate: options.slowMaxDaysLate ?? 15,
    delinquentAfterDays: options.delinquentAfterDays ?? 90,
    trendRecent: options.trendRecent ?? 3,
    trendMinInvoices: options.trendMinInvoices ?? 6,
    trendMinIncreaseDays: options.trendMinIncreaseDays ?? 10,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value)) throw new UsageError(`invalid ${name} ${value}`, { hint: 'give a number of days' });
  }
  const { promptMaxDaysLate, slowMaxDaysLate, delinquentAfterDays, trendRecent, trendMinInvoices } = resolved;
  if (!(promptMaxDaysLate <= slowMaxDaysLate && slowMaxDaysLate < delinquentAfterDays && delinquentAfterDays >= 0)) {
    throw new UsageError(`invalid payment class thresholds: prompt ${promptMaxDaysLate}, slow ${slowMaxDaysLate}, delinquent ${delinquentAfterDays} days`, {
      hint: 'the limits must satisfy prompt <= slow < delinquent, e.g. 0, 15 and 90 days',
    });
  }
  if (!Number.isInteger(trendRecent) || !Number.isInteger(trendMinInvoices) || trendRecent < 1 || trendMinInvoices <= trendRecent) {
    throw new UsageError(`invalid trend rule: last ${trendRecent} of at least ${trendMinInvoices} invoices`, {
      hint: 'give whole numbers with 1 <= recent < minimum, e.g. the last 3 of at least 6',
    });
  }
  return resolved;
}

/**
 * Quantile of ascending values by linear interpolation between order statistics (Hyndman & Fan 1996, type 7;
 * R's default, numpy's 'linear'): with h = (n − 1) p, `x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])` (0-based).
 *
 * O(1).
 *
 * @throws RangeError when there are no values
 * @example
 * quantileSorted([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9); // => 90
 * quantileSorted([1, 2, 3, 4], 0.5); // => 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile requires at least one data point');
  const h = (n - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(n - 1, low + 1);
  return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
}

/**
 * Count, mean, median and 90th percentile (type 7) of day counts; null when there are none.
 *
 * O(n log n).
 *
 * @example
 * dayStats([10, 0, 20])?.median; // => 10
 */
export function dayStats(values: readonly number[]): DayStats | null {
  if (values.length === 0) return null;
  const sorted = sortedNumbers(values);
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return { count: sorted.length, mean: sum / sorted.length, median: quantileSorted(sorted, 0.5), p90: quantileSorted(sorted, 0.9) };
}

/**
 * `values` in ascending numeric order (as `Float64Array.from(values).sort()`): a customer has a few settled
 * invoices, and a typed array per customer (two per customer, a million customers) cost more than sorting a
 * short copy by insertion. Long lists, NaN and −0 (which the typed sort orders apart) take the typed sort.
 */
function sortedNumbers(values: readonly number[]): ArrayLike<number> {
  const n = values.length;
  if (n > 32) return Float64Array.from(values).sort();
  const a = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v || (v === 0 && 1 / v < 0)) return Float64Array.from(values).sort();
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a;
}

/**
 * Collection over the invoices (positive amounts) due by the as-of day (due date <= as-of):
 * `Σ min(paid by as-of, amount) / Σ amount`. Credit notes are left out.
 *
 * O(n).
 *
 * @example
 * // at day 60: i1 (100, due day 30) paid 60; i2 (50, due day 90) not yet due
 * collection(foldInvoices(rows, 60).invoices, 60); // => { due: 100, collected: 60, rate: 0.6 }
 */
export function collection(invoices: Iterable<Invoice>, asOf: Day): Collection {
  const fold = new CollectionFold(asOf);
  for (const invoice of invoices) fold.add(invoice);
  return fold.result();
}

/** {@link collection} one invoice at a time. */
export class CollectionFold {
  private due = 0;
  private collected = 0;
  constructor(private readonly asOf: Day) {}
  add(invoice: Invoice): void {
    if (invoice.kind !== 'invoice' || invoice.dueDate > this.asOf) return;
    this.due += invoice.amount;
    this.collected += Math.min(invoice.paid, invoice.amount);
  }
  result(): Collection {
    return { due: this.due, collected: this.collected, rate: this.due > 0 ? this.collected / this.due : null };
  }
}

/**
 * The payment class from a customer's lateness, with the thresholds of `options` (defaults 0, 15, 90):
 *
 * - `delinquent`: an open item is more than `delinquentAfterDays` past due (overrides everything else);
 * - `no-history`: no invoice settled by as-of and nothing past due (only invoices not yet due, or only credit
 *   notes): nothing to judge;
 * - otherwise the lateness L = max(90th percentile of the signed days late of the settled invoices, largest
 *   days past due of an open item) (each term left out when there is none):
 *   `prompt` when L <= promptMaxDaysLate, `slow` when L <= slowMaxDaysLate, `late` otherwise.
 *
 * An open item past due counts with its days past due so far, a lower bound of its final lateness: a customer
 * who settled everything on time but now has an invoice 20 days overdue is `late`.
 *
 * O(1).
 *
 * @param p90DaysLate 90th percentile of days late over settled invoices, null when none is settled
 * @param maxDaysPastDue largest days past due of an open item (> 0), null when nothing is past due
 * @example
 * classifyCustomer(15, null, resolveBehaviourOptions()); // => { class: 'slow', lateness: 15 }
 */
export function classifyCustomer(
  p90DaysLate: number | null,
  maxDaysPastDue: number | null,
  options: ResolvedBehaviourOptions,
): { class: PaymentClass; lateness: number | null } {
  if (p90DaysLate === null && maxDaysPastDue === null) return { class: 'no-history', lateness: null };
  const lateness = Math.max(p90DaysLate ?? -Infinity, maxDaysPastDue ?? -Infinity);
  if (maxDaysPastDue !== null && maxDaysPastDue > options.delinquentAfterDays) return { class: 'delinquent', lateness };
  if (lateness <= options.promptMaxDaysLate) return { class: 'prompt', lateness };
  if (lateness <= options.slowMaxDaysLate) return { class: 'slow', lateness };
  return { class: 'late', lateness };
}

/**
 * The lateness trend of settled invoices in invoice date order: the mean signed days late of the last
 * `trendRecent` (3) against the mean of all earlier ones; worsening when the difference is more than
 * `trendMinIncreaseDays` (10). Null with fewer than `trendMinInvoices` (6) values.
 *
 * O(n).
 *
 * @param daysLate signed days late of the settled invoices, oldest invoice first
 * @example
 * latenessTrend([0, 0, 0, 12, 10, 11], resolveBehaviourOptions())?.worsening; // => true (11 − 0 > 10)
 */
export function latenessTrend(daysLate: readonly number[], options: ResolvedBehaviourOptions): LatenessTrend | null {
  const n = daysLate.length;
  if (n < options.trendMinInvoices) return null;
  const split = n - options.trendRecent;
  let earlier = 0;
  let recent = 0;
  for (let i = 0; i < n; i++) {
    if (i < split) earlier += daysLate[i];
    else recent += daysLate[i];
  }
  const recentMeanDaysLate = recent / options.trendRecent;
  const earlierMeanDaysLate = earlier / split;
  const increase = recentMeanDaysLate - earlierMeanDaysLate;
  return { recentMeanDaysLate, earlierMeanDaysLate, increase, worsening: increase > options.trendMinIncreaseDays };
}

/**
 * Payment figures of one customer from its invoices and credit notes at the as-of day (see
 * {@link CustomerPayments} for each field and docs/payments.md for the rules).
 *
 * O(n log n) for n invoices.
 *
 * @param invoices the customer's invoices (any order), all dated on or before as-of
 */
export function customerPayments(
  customerId: string,
  invoices: readonly Invoice[],
  asOf: Day,
  options: ResolvedBehaviourOptions,
): CustomerPayments {
  let invoiceCount = 0;
  let creditNotes = 0;
  let invoiced = 0;
  let credited = 0;
  let paid = 0;
  let refunded = 0;
  let outstanding = 0;
  let overdue = 0;
  let credit = 0;
  let openInvoices = 0;
  let overdueInvoices = 0;
  let maxDaysPastDue: number | null = null;
  let pastDue = 0;
  let unpaidPastDue = 0;
  let paidLate = 0;
  const settled: Invoice[] = [];
  for (const invoice of invoices) {
    if (invoice.kind === 'invoice') {
      invoiceCount++;
      invoiced += invoice.amount;
      paid += invoice.paid;
      if (invoice.daysPastDue > 0) {
        pastDue++;
        if (invoice.open > 0) unpaidPastDue++;
      }
      if (invoice.settledDate !== null) {
        settled.push(invoice);
        if (invoice.settledDate > invoice.dueDate) paidLate++;
      }
    } else {
      creditNotes++;
      credited -= invoice.amount;
      refunded -= invoice.paid;
    }
    credit += invoice.credit;
    if (invoice.open > 0) {
      outstanding += invoice.open;
      openInvoices++;
      if (invoice.daysPastDue > 0) {
        overdue += invoice.open;
        overdueInvoices++;
        maxDaysPastDue = Math.max(maxDaysPastDue ?? 0, invoice.daysPastDue);
      }
    }
  }
  // Trend order: invoice date; on the same date, settlement date; then invoice id (text order).
  settled.sort((a, b) => a.invoiceDate - b.invoiceDate || (a.settledDate as Day) - (b.settledDate as Day) || (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0));
  const daysLateList = settled.map((invoice) => (invoice.settledDate as Day) - invoice.dueDate);
  const daysLate = dayStats(daysLateList);
  let weightedSum = 0;
  let settledAmount = 0;
  settled.forEach((invoice, k) => {
    weightedSum += invoice.amount * daysLateList[k];
    settledAmount += invoice.amount;
  });
  const daysToPay = dayStats(settled.map((invoice) => (invoice.settledDate as Day) - invoice.invoiceDate));
  const { class: paymentClass, lateness } = classifyCustomer(daysLate ? daysLate.p90 : null, maxDaysPastDue, options);
  const trend = latenessTrend(daysLateList, options);
  return {
    customerId,
    invoices: invoiceCount,
    creditNotes,
    invoiced,
    credited,
    paid,
    refunded,
    outstanding,
    overdue,
    credit,
    balance: outstanding - credit,
    openInvoices,
    overdueInvoices,
    maxDaysPastDue,
    settledInvoices: settled.length,
    daysToPay,
    daysLate,
    daysLateWeighted: settled.length > 0 ? weightedSum / settledAmount : null,
    sharePaidLate: settled.length > 0 ? paidLate / settled.length : null,
    shareUnpaidPastDue: pastDue > 0 ? unpaidPastDue / pastDue : null,
    collectionRate: collection(invoices, asOf).rate,
    lateness,
    class: paymentClass,
    trend,
    worsening: trend?.worsening ?? false,
  };
}

/**
 * Payment figures of every customer with an invoice or credit note, ordered by customer id (numeric ids by
 * value).
 *
 * O(n log n) for n invoices.
 *
 * @param invoices invoices at as-of, e.g. from foldInvoices
 * @throws UsageError for invalid options
 */
export function paymentBehaviour(invoices: readonly Invoice[], asOf: Day, options: BehaviourOptions = {}): CustomerPayments[] {
  const resolved = resolveBehaviourOptions(options);
  const byCustomer = new Map<string, Invoice[]>();
  for (const invoice of invoices) {
    const list = byCustomer.get(invoice.customerId);
    if (list) list.push(invoice);
    else byCustomer.set(invoice.customerId, [invoice]);
  }
  return [...byCustomer.keys()].sort(compareIds).map((id) => customerPayments(id, byCustomer.get(id) as Invoice[], asOf, resolved));
}

/**
 * Customers, outstanding and overdue amounts per class, in the order prompt, slow, late, delinquent,
 * no-history (every class listed, also when empty).
 *
 * O(n).
 */
export function summariseClasses(customers: RecordList<CustomerPayments>): ClassSummary[] {
  // read by field: the customers may be stored by column (src/core/record-columns.ts)
  const classOf = fieldReader(customers, 'class');
  const outstandingOf = fieldReader(customers, 'outstanding');
  const overdueOf = fieldReader(customers, 'overdue');
  let totalOutstanding = 0;
  for (let i = 0; i < customers.length; i++) totalOutstanding += outstandingOf(i)!;
  return PAYMENT_CLASSES.map((paymentClass) => {
    let count = 0;
    let outstanding = 0;
    let overdue = 0;
    for (let i = 0; i < customers.length; i++) {
      if (classOf(i) !== paymentClass) continue;
      count++;
      outstanding += outstandingOf(i)!;
      overdue += overdueOf(i)!;
    }
    return {
      class: paymentClass,
      customers: count,
      shareOfCustomers: customers.length > 0 ? count / customers.length : null,
      outstanding,
      overdue,
      shareOfOutstanding: totalOutstanding > 0 ? outstanding / totalOutstanding : null,
    };
  });
}
