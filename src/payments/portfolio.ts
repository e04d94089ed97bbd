/**
 * The receivables portfolio at the as-of day: ageing of the open amounts by days past due (in total and by a
 * customer grouping), days sales outstanding (standard, countback, best possible and average days delinquent,
 * as defined by the Credit Research Foundation), and the largest debtors. See docs/payments.md.
 */
import type { Day } from '../core/days.js';
import { UsageError } from '../errors.js';
import type { CustomerPayments, PaymentClass } from './behaviour.js';
import type { Invoice } from './invoices.js';
import { fieldReader, type RecordList } from '../core/record-columns.js';

/** Group of a customer: a function, or a map from customer id to group (e.g. a column of the customers file). */
export type CustomerGrouping =
  | ((customerId: string) => string | null | undefined)
  | ReadonlyMap<string, string>
  | Readonly<Record<string, string>>;

/** Label of customers without a group. */
export const MISSING_GROUP = '(missing)';

/** Options of {@link ageing}. */
export interface AgeingOptions {
  /**
   * Upper edges, in days past due, of the past-due buckets before the last open one: strictly increasing
   * positive integers. Default [30, 60, 90]: current (<= 0), 1-30, 31-60, 61-90, 91+.
   */
  edges?: number[];
  /** Group of each customer, for ageing by group. Default none. */
  group?: CustomerGrouping;
  /** Name of the grouping for the output (e.g. 'segment'). Default 'group' (when a grouping is given). */
  groupName?: string;
}

/** One ageing bucket: the open amount of the items whose days past due lie in [minDays, maxDays]. */
export interface AgeingBucket {
  /** 'current', '1-30', ..., '91+'. */
  label: string;
  /** Smallest days past due in the bucket; null for current (not yet due, or due on as-of). */
  minDays: number | null;
  /** Largest days past due in the bucket; null for the last (open-ended) bucket. */
  maxDays: number | null;
  amount: number;
  /** Number of open items. */
  count: number;
  /** amount / outstanding of the table; null when it is 0. */
  share: number | null;
}

/** An ageing table: the buckets and their totals. */
export interface AgeingTable {
  /** Sum of the open amounts (the buckets' total). */
  outstanding: number;
  /** Open items. */
  count: number;
  /** The past-due part of `outstanding` (every bucket but current). */
  overdue: number;
  /** Credit held by customers (open credit notes and overpayments), not bucketed. */
  credit: number;
  /** outstanding − credit. */
  net: number;
  /** Customers with an open amount. */
  debtors: number;
  buckets: AgeingBucket[];
}

/** The ageing table of one group of customers. */
export interface AgeingGroup extends AgeingTable {
  group: string;
}

/** Receivables ageing at as-of. */
export interface AgeingResult {
  edges: number[];
  total: AgeingTable;
  /** Name of the grouping; null without one. */
  groupBy: string | null;
  /** One table per group (groups with an open amount or a credit), largest outstanding first; empty without a grouping. */
  groups: AgeingGroup[];
}

/** Options of {@link dso}. */
export interface DsoOptions {
  /** Length of the sales window ending on the as-of day, in days (a positive integer). Default 90. */
  windowDays?: number;
}

/** What each DSO figure of {@link DsoResult} is, in words (also in the JSON output). */
export const DSO_METHODS = {
  standard: 'receivables (open invoices less open credits) / net credit sales in the window × window days',
  grossStandard: 'open invoices, credits not netted / net credit sales in the window × window days',
  bestPossible: 'current (not yet due) open invoices / net credit sales in the window × window days',
  averageDaysDelinquent: 'standard − bestPossible',
  countback: 'days of the latest net credit sales, counted back from as-of, that add up to the receivables',
} as const;

/** Days sales outstanding at as-of (Credit Research Foundation definitions). */
export interface DsoResult {
  windowDays: number;
  /** First and last day of the sales window (inclusive); windowEnd is the as-of day. */
  windowStart: Day;
  windowEnd: Day;
  /**
   * Receivables at as-of as in the balance sheet: open invoices less open credits (credit notes not refunded,
   * overpayments), i.e. the customers' net balance `grossReceivables − credit`.
   */
  receivables: number;
  /** Open amounts at as-of (the ageing total), credits not netted. */
  grossReceivables: number;
  /** Open credits at as-of (the ageing table's `credit`). */
  credit: number;
  /** The not-yet-due part of `grossReceivables` (the current bucket). */
  currentReceivables: number;
  /** Net credit sales in the window: invoices plus credit notes dated in it. */
  creditSales: number;
  /**
   * DSO, the textbook (period-end) definition: receivables / creditSales × windowDays; null when
   * creditSales <= 0.
   */
  standard: number | null;
  /** grossReceivables / creditSales × windowDays (open invoices, credits not netted); null when creditSales <= 0. */
  grossStandard: number | null;
  /** Best possible DSO: currentReceivables / creditSales × windowDays; null when creditSales <= 0. */
  bestPossible: number | null;
  /** Average days delinquent: standard − bestPossible; null with them. */
  averageDaysDelinquent: number | null;
  /**
   * Countback DSO, by day: the number of days, counted back from as-of, whose net credit sales add up to the
   * receivables (the last day counted in part). 0 when the receivables are <= 0; null when all sales in the
   * ledger do not add up to them.
   */
  countback: number | null;
  /** Each figure's definition in words ({@link DSO_METHODS}). */
  methods: typeof DSO_METHODS;
}

/** One of the largest debtors. */
export interface TopDebtor {
  customerId: string;
  outstanding: number;
  overdue: number;
  balance: number;
  maxDaysPastDue: number | null;
  class: PaymentClass;
  /** outstanding / total outstanding of all customers. */
  shareOfOutstanding: number;
}

/** Default ageing edges: 1-30, 31-60, 61-90, 91+ days past due. */
export const DEFAULT_AGEING_EDGES: readonly number[] = [30, 60, 90];

/** Checks ageing edges. @throws UsageError unless they are strictly increasing positive integers */
export function resolveAgeingEdges(edges: readonly number[] | undefined): number[] {
  const resolved = [...(edges ?? DEFAULT_AGEING_EDGES)];
  for (let i = 0; i < resolved.length; i++) {
    if (!Number.isInteger(resolved[i]) || resolved[i] < 1 || (i > 0 && resolved[i] <= resolved[i - 1])) {
      throw new UsageError(`invalid ageing edges ${resolved.join(',')}`, { hint: 'give increasing whole numbers of days past due, e.g. 30,60,90' });
    }
  }
  return resolved;
}

/**
 * Index of the ageing bucket of an item `daysPastDue` past due: 0 (current) when <= 0, i when it is in
 * (edges[i−2], edges[i−1]], edges.length + 1 beyond the last edge. With [30, 60, 90]: 0 → 0, 1 and 30 → 1,
 * 31 → 2, 90 → 3, 91 → 4.
 *
 * O(edges).
 *
 * @example
 * bucketIndex(30, [30, 60, 90]); // => 1
 * bucketIndex(31, [30, 60, 90]); // => 2
 */
export function bucketIndex(daysPastDue: number, edges: readonly number[]): number {
  if (daysPastDue <= 0) return 0;
  for (let i = 0; i < edges.length; i++) if (daysPastDue <= edges[i]) return i + 1;
  return edges.length + 1;
}

/** Empty buckets for the edges. */
function emptyBuckets(edges: readonly number[]): AgeingBucket[] {
  const buckets: AgeingBucket[] = [{ label: 'current', minDays: null, maxDays: 0, amount: 0, count: 0, share: null }];
  let from = 1;
  for (const edge of edges) {
    buckets.push({ label: `${from}-${edge}`, minDays: from, maxDays: edge, amount: 0, count: 0, share: null });
    from = edge + 1;
  }
  buckets.push({ label: `${from}+`, minDays: from, maxDays: null, amount: 0, count: 0, share: null });
  return buckets;
}

/** Accumulates the ageing of a set of items. */
class AgeingAccumulator {
  readonly buckets: AgeingBucket[];
  credit = 0;
  readonly debtors = new Set<string>();
  constructor(readonly edges: readonly number[]) {
    this.buckets = emptyBuckets(edges);
  }
  add(invoice: Invoice): void {
    this.credit += invoice.credit;
    if (invoice.open <= 0) return;
    const bucket = this.buckets[bucketIndex(invoice.daysPastDue, this.edges)];
    bucket.amount += invoice.open;
    bucket.count++;
    this.debtors.add(invoice.customerId);
  }
  table(): AgeingTable {
    let outstanding = 0;
    let count = 0;
    for (const bucket of this.buckets) {
      outstanding += bucket.amount;
      count += bucket.count;
    }
    for (const bucket of this.buckets) bucket.share = outstanding > 0 ? bucket.amount / outstanding : null;
    return {
      outstanding,
      count,
      overdue: outstanding - this.buckets[0].amount,
      credit: this.credit,
      net: outstanding - this.credit,
      debtors: this.debtors.size,
      buckets: this.buckets,
    };
  }
}

/** The group of a customer under a grouping; MISSING_GROUP when it has none. */
export function groupOf(grouping: CustomerGrouping, customerId: string): string {
  let group: string | null | undefined;
  if (typeof grouping === 'function') group = grouping(customerId);
  else if (grouping instanceof Map) group = grouping.get(customerId);
  else group = Object.prototype.hasOwnProperty.call(grouping, customerId) ? (grouping as Readonly<Record<string, string>>)[customerId] : undefined;
  return group === null || group === undefined || group === '' ? MISSING_GROUP : group;
}

/**
 * Receivables ageing at as-of: the open amount of every item (invoice or credit note with a positive residual)
 * in the bucket of its days past due `asOf − dueDate`: current (<= 0: not yet due, or due on as-of), then
 * 1-30, 31-60, 61-90 and 91+ with the default edges (day 30 is in 1-30, day 31 in 31-60). Amounts, counts
 * and shares of the outstanding, in total and per group. Credits (open credit notes, overpayments) are not
 * bucketed: they are shown as `credit` and netted in `net`.
 *
 * O(n × edges) for n invoices.
 *
 * @param invoices invoices folded at the as-of day (their `open` and `daysPastDue` are at as-of)
 * @throws UsageError for invalid edges
 * @example
 * ageing(invoices).total.buckets.map((b) => b.label); // => ['current', '1-30', '31-60', '61-90', '91+']
 */
export function ageing(invoices: Iterable<Invoice>, options: AgeingOptions = {}): AgeingResult {
  const fold = new AgeingFold(options);
  for (const invoice of invoices) fold.add(invoice);
  return fold.result();
}

/** {@link ageing} one invoice at a time (the same result for the same invoices in the same order). */
export class AgeingFold {
  private readonly edges: number[];
  private readonly total: AgeingAccumulator;
  private readonly groups = new Map<string, AgeingAccumulator>();
  /** @throws UsageError for invalid edges */
  constructor(private readonly options: AgeingOptions = {}) {
    this.edges = resolveAgeingEdges(options.edges);
    this.total = new AgeingAccumulator(this.edges);
  }
  add(invoice: Invoice): void {
    this.total.add(invoice);
    if (this.options.group === undefined) return;
    if (invoice.open <= 0 && invoice.credit <= 0) return;
    const name = groupOf(this.options.group, invoice.customerId);
    let accumulator = this.groups.get(name);
    if (!accumulator) {
      accumulator = new AgeingAccumulator(this.edges);
      this.groups.set(name, accumulator);
    }
    accumulator.add(invoice);
  }
  result(): AgeingResult {
    const groupTables: AgeingGroup[] = [...this.groups].map(([group, accumulator]) => ({ group, ...accumulator.table() }));
    groupTables.sort((a, b) => b.outstanding - a.outstanding || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
    return { edges: this.edges, total: this.total.table(), groupBy: this.options.group === undefined ? null : (this.options.groupName ?? 'group'), groups: groupTables };
  }
}

/**
 * Days sales outstanding at as-of, over a sales window of `windowDays` days ending on as-of
 * ([asOf − windowDays + 1, asOf]):
 *
 * - receivables R = open amounts at as-of less open credits (the net balance, as in the balance sheet); the
 *   gross open amount G (the ageing total) and its current part R₀;
 * - credit sales S = invoice and credit note amounts dated in the window (net sales);
 * - standard (period-end, textbook) DSO = R / S × windowDays; gross DSO = G / S × windowDays;
 * - best possible DSO = R₀ / S × windowDays; average days delinquent = DSO − best possible;
 * - countback DSO: starting from as-of, subtract each day's net credit sales from R, going back one day at a
 *   time; the days whose sales are used up in full count 1 each, the last day the fraction of its sales still
 *   needed. A day without sales counts 1. Null when all sales in the ledger fall short of R.
 *
 * O(n log n) for n invoices.
 *
 * @throws UsageError when windowDays is not a positive integer
 * @example
 * // 300 open, no credits, S = 900 invoiced over the last 90 days
 * dso(invoices, asOf).standard; // => 30
 */
export function dso(invoices: Iterable<Invoice>, asOf: Day, options: DsoOptions = {}): DsoResult {
  const fold = new DsoFold(asOf, options);
  for (const invoice of invoices) fold.add(invoice);
  return fold.result();
}

/** {@link dso} one invoice at a time (the same result for the same invoices in the same order). */
export class DsoFold {
  private readonly windowDays: number;
  private readonly windowStart: Day;
  private receivables = 0;
  private credit = 0;
  private currentReceivables = 0;
  private creditSales = 0;
  private readonly salesByDay = new Map<Day, number>();
  /** @throws UsageError when windowDays is not a positive integer */
  constructor(
    private readonly asOf: Day,
    options: DsoOptions = {},
  ) {
    const windowDays = options.windowDays ?? 90;
    if (!Number.isInteger(windowDays) || windowDays < 1) {
      throw new UsageError(`invalid DSO window ${windowDays}`, { hint: 'give a whole number of days, e.g. 90' });
    }
    this.windowDays = windowDays;
    this.windowStart = asOf - windowDays + 1;
  }
  add(invoice: Invoice): void {
    if (invoice.invoiceDate > this.asOf) return;
    this.receivables += invoice.open;
    this.credit += invoice.credit;
    if (invoice.daysPastDue <= 0) this.currentReceivables += invoice.open;
    if (invoice.invoiceDate >= this.windowStart) this.creditSales += invoice.amount;
    this.salesByDay.set(invoice.invoiceDate, (this.salesByDay.get(invoice.invoiceDate) ?? 0) + invoice.amount);
  }
  result(): DsoResult {
    const { windowDays, credit, currentReceivables, creditSales } = this;
    const grossReceivables = this.receivables;
    const receivables = grossReceivables - credit;
    const perSales = (amount: number): number | null => (creditSales > 0 ? (amount / creditSales) * windowDays : null);
    const standard = perSales(receivables);
    const bestPossible = perSales(currentReceivables);
    return {
      windowDays,
      windowStart: this.windowStart,
      windowEnd: this.asOf,
      receivables,
      grossReceivables,
      credit,
      currentReceivables,
      creditSales,
      standard,
      grossStandard: perSales(grossReceivables),
      bestPossible,
      averageDaysDelinquent: standard !== null && bestPossible !== null ? standard - bestPossible : null,
      countback: countbackDays(receivables, this.salesByDay, this.asOf),
      methods: DSO_METHODS,
    };
  }
}

/** Countback DSO by day (see {@link dso}). */
function countbackDays(receivables: number, salesByDay: ReadonlyMap<Day, number>, asOf: Day): number | null {
  if (receivables <= 0) return 0;
  const days = [...salesByDay.keys()].sort((a, b) => b - a);
  let remaining = receivables;
  for (const day of days) {
    const sales = salesByDay.get(day) as number;
    if (sales > 0 && sales >= remaining) return asOf - day + remaining / sales;
    remaining -= sales;
  }
  return null;
}

/**
 * The `limit` customers with the largest outstanding amount (ties by customer order in the input), with their
 * share of the total outstanding. Customers with nothing outstanding are left out.
 *
 * O(n log n).
 *
 * @throws UsageError when limit is not a non-negative integer
 */
export function topDebtors(customers: RecordList<CustomerPayments>, limit = 10): TopDebtor[] {
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`invalid number of top debtors ${limit}`, { hint: 'give a whole number, e.g. 10' });
  // by field, then the records of the top only (the customers may be stored by column)
  const outstanding = fieldReader(customers, 'outstanding');
  let total = 0;
  const debtors: number[] = [];
  for (let i = 0; i < customers.length; i++) {
    total += outstanding(i)!;
    if (outstanding(i)! > 0) debtors.push(i);
  }
  return debtors
    .sort((a, b) => outstanding(b)! - outstanding(a)!)
    .slice(0, limit)
    .map((i) => customers.at(i)!)
    .map((c) => ({
      customerId: c.customerId,
      outstanding: c.outstanding,
      overdue: c.overdue,
      balance: c.balance,
      maxDaysPastDue: c.maxDaysPastDue,
      class: c.class,
      shareOfOutstanding: c.outstanding / total,
    }));
}
