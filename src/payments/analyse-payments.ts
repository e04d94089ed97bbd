/**
 * The payments analysis behind `crm payments`: invoices from the payment rows, payment behaviour per customer,
 * classes, receivables ageing, DSO, collection rate and the largest debtors, at one as-of day. Pure: the
 * result is plain JSON-serialisable data (days as day numbers, see core/days.ts). See docs/payments.md.
 */
import type { Day } from '../core/days.js';
import type { PaymentRecord } from '../core/types.js';
import {
  CollectionFold,
  customerPayments,
  resolveBehaviourOptions,
  summariseClasses,
  type BehaviourOptions,
  type ClassSummary,
  type CustomerPayments,
  type ResolvedBehaviourOptions,
} from './behaviour.js';
import { foldByCustomer, resolveTolerance, type PaymentIssue, type PaymentsAccount } from './invoices.js';
import { AgeingFold, DsoFold, resolveAgeingEdges, topDebtors, type AgeingResult, type CustomerGrouping, type DsoResult, type TopDebtor } from './portfolio.js';
import type { RecordList } from '../core/record-columns.js';
import { PaymentColumns } from './payment-columns.js';


/** Options of {@link analysePayments}; every field has a default. */
export interface PaymentsOptions extends BehaviourOptions {
  /** Amounts within this of each other are equal (settlement, residuals). Default 0.005. */
  tolerance?: number;
  /** Ageing bucket edges in days past due. Default [30, 60, 90]. */
  ageingEdges?: number[];
  /** Group of each customer for the ageing by group (function or map). Default none. */
  group?: CustomerGrouping;
  /** Name of the grouping, for the output. Default 'group' (when a grouping is given). */
  groupName?: string;
  /** DSO sales window in days, ending on as-of. Default 90. */
  dsoWindowDays?: number;
  /** Number of largest debtors listed. Default 10. */
  topDebtors?: number;
}

/** The settings the analysis ran with (the options with defaults filled in; the grouping by name only). */
export interface PaymentsSettings extends ResolvedBehaviourOptions {
  tolerance: number;
  ageingEdges: number[];
  groupBy: string | null;
  dsoWindowDays: number;
  topDebtors: number;
}

/** Portfolio totals at as-of. */
export interface PaymentsTotals {
  /** Customers with an invoice or credit note dated on or before as-of. */
  customers: number;
  invoices: number;
  creditNotes: number;
  invoiced: number;
  credited: number;
  paid: number;
  refunded: number;
  outstanding: number;
  overdue: number;
  credit: number;
  /** outstanding − credit. */
  balance: number;
  /** Amount due by as-of (invoices with due date <= as-of) and collected on it. */
  due: number;
  collected: number;
  /** collected / due; null when nothing is due. */
  collectionRate: number | null;
  /** Customers flagged with a worsening lateness trend. */
  worsening: number;
}

/** Result of {@link analysePayments}. */
export interface PaymentsAnalysis {
  asOf: Day;
  settings: PaymentsSettings;
  /** Every row accounted for: rows = used + issues + excluded. */
  account: PaymentsAccount;
  /** Data issues in input order, with file and line. */
  issues: PaymentIssue[];
  totals: PaymentsTotals;
  /** One row per customer, ordered by customer id. */
  customers: RecordList<CustomerPayments>;
  /** Per class: customers, outstanding and overdue (every class, in the order prompt … no-history). */
  classes: ClassSummary[];
  ageing: AgeingResult;
  dso: DsoResult;
  topDebtors: TopDebtor[];
}

/**
 * Analyses a payments ledger at the as-of day: folds the rows into invoices (reporting data issues), computes
 * every customer's payment behaviour and class, the class summary, receivables ageing (in total and by group),
 * DSO, the collection rate and the largest debtors.
 *
 * O(n log n) time and O(n) memory for n rows.
 *
 * @param records the rows of the payments file (in file order: the first row of an invoice defines it)
 * @param asOf the as-of day, inclusive: later invoices are left out, later payments ignored
 * @throws UsageError for invalid options
 * @example
 * const result = analysePayments(records, dayFromYmd(2024, 12, 31), { group: segments, groupName: 'segment' });
 * result.totals.overdue; // => the past-due receivables
 */
export function analysePayments(records: Iterable<PaymentRecord>, asOf: Day, options: PaymentsOptions = {}): PaymentsAnalysis {
  const behaviourOptions = resolveBehaviourOptions(options);
  const settings: PaymentsSettings = {
    ...behaviourOptions,
    tolerance: resolveTolerance(options.tolerance),
    ageingEdges: resolveAgeingEdges(options.ageingEdges),
    groupBy: options.group === undefined ? null : (options.groupName ?? 'group'),
    dsoWindowDays: options.dsoWindowDays ?? 90,
    topDebtors: options.topDebtors ?? 10,
  };
  // One customer's invoices at a time: the invoices of a large ledger are never all held at once.
  const ageingFold = new AgeingFold({ edges: settings.ageingEdges, group: options.group, groupName: options.groupName });
  const dsoFold = new DsoFold(asOf, { windowDays: settings.dsoWindowDays });
  const collectionFold = new CollectionFold(asOf);
  // The customers are stored by column a part at a time (a million customers' records as objects are
  // about 1 GB); the totals are added up as they are made.
  const built = new PaymentColumns();
  let count = 0;
  const sums = { invoices: 0, creditNotes: 0, invoiced: 0, credited: 0, paid: 0, refunded: 0, outstanding: 0, overdue: 0, credit: 0, worsening: 0 };
  const folded = foldByCustomer(records, asOf, { tolerance: settings.tolerance }, (customerId, invoices) => {
    const c = customerPayments(customerId, invoices, asOf, behaviourOptions);
    count++;
    sums.invoices += c.invoices;
    sums.creditNotes += c.creditNotes;
    sums.invoiced += c.invoiced;
    sums.credited += c.credited;
    sums.paid += c.paid;
    sums.refunded += c.refunded;
    sums.outstanding += c.outstanding;
    sums.overdue += c.overdue;
    sums.credit += c.credit;
    if (c.worsening) sums.worsening++;
    built.add(c);
    for (const invoice of invoices) {
      ageingFold.add(invoice);
      dsoFold.add(invoice);
      collectionFold.add(invoice);
    }
  });
  const customers = built.finish();
  const collected = collectionFold.result();
  const totals: PaymentsTotals = {
    customers: count,
    invoices: sums.invoices,
    creditNotes: sums.creditNotes,
    invoiced: sums.invoiced,
    credited: sums.credited,
    paid: sums.paid,
    refunded: sums.refunded,
    outstanding: sums.outstanding,
    overdue: sums.overdue,
    credit: sums.credit,
    balance: 0,
    due: collected.due,
    collected: collected.collected,
    collectionRate: collected.rate,
    worsening: sums.worsening,
  };
  totals.balance = totals.outstanding - totals.credit;
  return {
    asOf,
    settings,
    account: folded.account,
    issues: folded.issues,
    totals,
    customers,
    classes: summariseClasses(customers),
    ageing: ageingFold.result(),
    dso: dsoFold.result(),
    topDebtors: topDebtors(customers, settings.topDebtors),
  };
}
