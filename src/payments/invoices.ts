/**
 * Invoices from the rows of the payments file: the rows of one (customer_id, invoice_id) are one invoice, each
 * row with a `paid_date` one payment of it. The invoice is settled on the first day its cumulative payments
 * (those dated on or before the as-of day) reach its amount. See docs/payments.md for every rule.
 *
 * Rows that cannot be used are returned as data issues with file and line, so the CLI can account for every
 * row: rows = used + issues + excluded (invoice dated after the as-of day).
 */
import type { Day } from '../core/days.js';
import { dayToIso } from '../core/days.js';
import type { PaymentRecord } from '../core/types.js';
import { compareIds } from '../accumulate/summary.js';
import { orderOf } from '../accumulate/sales.js';
import { NO_DATE, PaymentLedger } from './ledger.js';
import { UsageError } from '../errors.js';

/** `invoice` for a positive amount; `credit-note` for a negative (or zero) amount. */
export type InvoiceKind = 'invoice' | 'credit-note';

/** One payment of an invoice (one row with a `paid_date`). */
export interface InvoicePayment {
  day: Day;
  /** Paid amount; for a credit note, the amount refunded or applied (negative, like the credit note). */
  amount: number;
  line: number;
}

/** An invoice (or credit note) as it stands at the as-of day. Days are day numbers; amounts currency units. */
export interface Invoice {
  customerId: string;
  invoiceId: string;
  kind: InvoiceKind;
  invoiceDate: Day;
  dueDate: Day;
  /** Invoiced amount, negative for a credit note. */
  amount: number;
  /** The payments used, in date order (input order on equal dates), including those after the as-of day. */
  payments: InvoicePayment[];
  /** Sum of the payments dated on or before the as-of day. */
  paid: number;
  /** Sum of the payments dated after the as-of day (ignored for every figure at as-of). */
  paidAfterAsOf: number;
  /**
   * Day on which the cumulative payments up to as-of first reached the amount (within the tolerance); null when
   * the invoice is open at as-of. An amount within the tolerance of 0 is settled on its invoice date.
   */
  settledDate: Day | null;
  /** `amount - paid`, set to 0 when within the tolerance: > 0 is still owed, < 0 is owed to the customer. */
  residual: number;
  /** Still owed at as-of: max(0, residual). */
  open: number;
  /** Credit held by the customer at as-of: max(0, -residual) (an open credit note, or an overpayment). */
  credit: number;
  /** `asOf - dueDate`: > 0 means past due (due exactly on as-of is 0, not past due). */
  daysPastDue: number;
  /** Where the invoice's first row came from. */
  file: string;
  line: number;
  /** Number of rows used for this invoice (rows reported as issues not counted). */
  rows: number;
}

/** Why a row was not (fully) used. */
export type PaymentIssueReason =
  | 'invoice fields differ'
  | 'due date before invoice date'
  | 'payment before invoice date'
  | 'payment sign';

/** A row of the payments file that is wrong: it (or its payment) is not used. */
export interface PaymentIssue {
  file: string;
  line: number;
  customerId: string;
  invoiceId: string;
  /** Grouping key of the issue (counted in the account). */
  reason: PaymentIssueReason;
  /** Lowercase message naming the values, e.g. `payment dated 2024-01-03 before invoice date 2024-01-10`. */
  message: string;
}

/** Every row of the payments records accounted for: `rows = used + issues + excluded`. */
export interface PaymentsAccount {
  rows: number;
  /** Rows that are part of an invoice at as-of (their payment may be dated after as-of: see below). */
  used: number;
  /** Rows reported as data issues (not used, or their payment not used). */
  issues: number;
  issuesByReason: Record<string, number>;
  /** Valid rows left out on purpose, by reason: `invoice after as-of`. */
  excluded: Record<string, number>;
  /** Invoices (distinct customer and invoice id) dated after the as-of day, left out. */
  invoicesAfterAsOf: number;
  /** Used rows whose payment is dated after the as-of day (the payment is ignored at as-of). */
  paymentsAfterAsOf: number;
}

/** Options of {@link foldInvoices}. */
export interface InvoiceOptions {
  /**
   * Amounts within this of each other count as equal (settlement, residual), so rounding in the export
   * (33.33 + 33.33 + 33.34) does not leave an invoice open by 1e-14. Non-negative. Default 0.005 (half a cent).
   */
  tolerance?: number;
}

/** Invoices, data issues and the row account. */
export interface FoldedInvoices {
  asOf: Day;
  /** Invoices dated on or before as-of, ordered by customer id, invoice date, invoice id. */
  invoices: Invoice[];
  /** Issues in input order (file, then line). */
  issues: PaymentIssue[];
  account: PaymentsAccount;
}

/** Default tolerance for comparing amounts: half a cent. */
export const DEFAULT_TOLERANCE = 0.005;

/** Resolves and checks the tolerance. @throws UsageError when it is negative or not finite */
export function resolveTolerance(tolerance: number | undefined): number {
  const value = tolerance ?? DEFAULT_TOLERANCE;
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new UsageError(`invalid amount tolerance ${value}`, { hint: 'give a non-negative amount, e.g. 0.005' });
  }
  return value;
}

/**
 * Folds payment rows into invoices at the as-of day.
 *
 * - Rows with the same customer id and invoice id are one invoice. The first row (in input order) defines its
 *   invoice date, due date and amount; a later row that differs in any of them is an issue
 *   (`invoice fields differ`) and is not used at all.
 * - A due date before the invoice date makes every row of the invoice an issue; the invoice is left out.
 * - Each row with a paid date is one payment (`paidAmount`, the full amount when the column was empty). A
 *   payment dated before the invoice date, or whose sign is opposite to the amount's, is an issue and the
 *   payment is not used (the invoice itself still counts, from that row's invoice fields).
 * - Invoices dated after as-of are left out: their rows are counted as excluded (`invoice after as-of`).
 * - Payments dated after as-of are kept in `payments` but ignored for `paid`, `settledDate` and the balances.
 * - Settlement: the first payment day on which the cumulative paid amount reaches the amount, within the
 *   tolerance (for a credit note: the cumulative refunds reach its negative amount). Overpayment leaves a
 *   negative residual, reported as `credit`.
 *
 * O(n log n) for n rows.
 *
 * @param asOf the as-of day (inclusive)
 * @throws UsageError when the tolerance is invalid
 * @example
 * const rows = [{ customerId: 'c1', invoiceId: 'i1', invoiceDate: 0, dueDate: 30, amount: 100, paidDate: 10,
 *   paidAmount: 40, file: 'p.csv', line: 2 }];
 * foldInvoices(rows, 60).invoices[0].open; // => 60
 */
export function foldInvoices(records: Iterable<PaymentRecord>, asOf: Day, options: InvoiceOptions = {}): FoldedInvoices {
  const invoices: Invoice[] = [];
  const { issues, account } = foldByCustomer(records, asOf, options, (_id, own) => {
    for (const invoice of own) invoices.push(invoice);
  });
  return { asOf, invoices, issues, account };
}

/**
 * {@link foldInvoices} one customer at a time: `onCustomer` gets each customer's invoices (ordered by invoice
 * date and id), customers in id order (numeric ids by value), and only one customer's invoices exist at a
 * time; customers without an invoice at as-of are skipped. Returns the issues and the account.
 *
 * O(n log n) for n rows; memory O(rows of one customer) beyond the ledger.
 */
export function foldByCustomer(
  records: Iterable<PaymentRecord>,
  asOf: Day,
  options: InvoiceOptions,
  onCustomer: (customerId: string, invoices: Invoice[]) => void,
): { issues: PaymentIssue[]; account: PaymentsAccount } {
  const tolerance = resolveTolerance(options.tolerance);
  const ledger = PaymentLedger.from(records);
  const issues: PaymentIssue[] = [];
  const account: PaymentsAccount = {
    rows: ledger.length,
    used: 0,
    issues: 0,
    issuesByReason: {},
    excluded: {},
    invoicesAfterAsOf: 0,
    paymentsAfterAsOf: 0,
  };
  const issue = (row: PaymentRecord, reason: PaymentIssueReason, message: string): void => {
    issues.push({ file: row.file, line: row.line, customerId: row.customerId, invoiceId: row.invoiceId, reason, message });
    account.issues++;
    account.issuesByReason[reason] = (account.issuesByReason[reason] ?? 0) + 1;
  };

  const { start, rows: byCustomer } = ledger.rowsByCustomer();
  // The rows are read from the ledger's columns (a record is made only for a row with an issue).
  const col = ledger.columns();
  const { invoiceId, sameInvoice, invoiceDate, dueDate, paidDate, amount: amountOf, paidAmount, line: lineOf } = col;
  const fileOf = (i: number): string => col.files[col.file[i]];
  const issueAt = (i: number, reason: PaymentIssueReason, message: string): void => issue(ledger.get(i), reason, message);
  // Scratch for one customer's invoices: the first row of each (in first-seen order) and, per row of the
  // customer, the next row of the same invoice (-1: none).
  let longest = 0;
  for (let c = 0; c < ledger.ids.length; c++) longest = Math.max(longest, start[c + 1] - start[c]);
  const groupFirst = new Int32Array(longest);
  const groupLast = new Int32Array(longest);
  const nextRow = new Int32Array(longest);
  for (const c of orderOf(ledger.ids, compareIds)) {
    const from = start[c];
    const count = start[c + 1] - from;
    // Rows of each invoice of the customer, in input order; invoices in the order of their first rows. A few
    // rows are matched by a scan of the invoices so far, many through a Map.
    let groups = 0;
    const index = count > 32 ? new Map<string, number>() : null;
    for (let k = 0; k < count; k++) {
      const row = byCustomer[from + k];
      let g = -1;
      if (index !== null) {
        const id = invoiceId(row);
        g = index.get(id) ?? -1;
        if (g < 0) index.set(id, groups);
      } else for (let h = 0; h < groups; h++) if (sameInvoice(byCustomer[from + groupFirst[h]], row)) { g = h; break; }
      nextRow[k] = -1;
      if (g < 0) {
        g = groups++;
        groupFirst[g] = k;
      } else nextRow[groupLast[g]] = k;
      groupLast[g] = k;
    }
    const customerInvoices: Invoice[] = [];
    for (let g = 0; g < groups; g++) {
      const first = byCustomer[from + groupFirst[g]];
      const firstDate = invoiceDate[first];
      const firstDue = dueDate[first];
      const firstAmount = amountOf[first];
      if (firstDate > asOf) {
        let rows = 0;
        for (let k = groupFirst[g]; k >= 0; k = nextRow[k]) rows++;
        account.excluded['invoice after as-of'] = (account.excluded['invoice after as-of'] ?? 0) + rows;
        account.invoicesAfterAsOf++;
        continue;
      }
      if (firstDue < firstDate) {
        for (let k = groupFirst[g]; k >= 0; k = nextRow[k]) {
          issueAt(byCustomer[from + k], 'due date before invoice date', `due date ${dayToIso(firstDue)} before invoice date ${dayToIso(firstDate)} of invoice "${invoiceId(first)}": invoice not used`);
        }
        continue;
      }
      const sign = firstAmount > 0 ? 1 : -1;
      const payments: InvoicePayment[] = [];
      let used = 0;
      for (let k = groupFirst[g]; k >= 0; k = nextRow[k]) {
        const row = byCustomer[from + k];
        if (row !== first && (amountOf[row] !== firstAmount || invoiceDate[row] !== firstDate || dueDate[row] !== firstDue)) {
          issueAt(row, 'invoice fields differ', `${describeDifference(ledger.get(row), ledger.get(first))} on line ${lineOf[first]}, the invoice's first row: row not used`);
          continue;
        }
        const paidOn = paidDate[row];
        if (paidOn !== NO_DATE) {
          const paid = paidAmount[row];
          if (paidOn < firstDate) {
            issueAt(row, 'payment before invoice date', `payment dated ${dayToIso(paidOn)} before invoice date ${dayToIso(firstDate)}: payment not used`);
            continue;
          }
          if (firstAmount === 0 && paid !== 0) {
            issueAt(row, 'payment sign', `paid amount ${paid} on an invoice of amount 0: payment not used`);
            continue;
          }
          if (paid * sign < 0) {
            const what = firstAmount > 0 ? 'invoice' : 'credit note';
            issueAt(row, 'payment sign', `paid amount ${paid} has the opposite sign of the ${what} amount ${firstAmount}: payment not used`);
            continue;
          }
          payments.push({ day: paidOn, amount: paid, line: lineOf[row] });
          if (paidOn > asOf) account.paymentsAfterAsOf++;
        }
        used++;
      }
      account.used += used;
      customerInvoices.push(settle(ledger.ids[c], invoiceId(first), firstDate, firstDue, firstAmount, fileOf(first), lineOf[first], payments, used, asOf, tolerance));
    }
    if (customerInvoices.length === 0) continue;
    customerInvoices.sort(compareDateAndId);
    onCustomer(ledger.ids[c], customerInvoices);
  }
  // Issues in input order (they were found customer by customer).
  issues.sort((a, b) => ledger.fileRank(a.file) - ledger.fileRank(b.file) || a.line - b.line);
  return { issues, account };
}

/** Text naming the first field of `row` that differs from the invoice's first row. */
function describeDifference(row: PaymentRecord, first: PaymentRecord): string {
  if (row.amount !== first.amount) return `amount ${row.amount} differs from ${first.amount}`;
  if (row.invoiceDate !== first.invoiceDate) return `invoice date ${dayToIso(row.invoiceDate)} differs from ${dayToIso(first.invoiceDate)}`;
  return `due date ${dayToIso(row.dueDate)} differs from ${dayToIso(first.dueDate)}`;
}

/** The invoice at as-of from the fields of its first row and its valid payments. */
function settle(customerId: string, invoiceId: string, invoiceDate: Day, dueDate: Day, amount: number, file: string, line: number, payments: InvoicePayment[], rows: number, asOf: Day, tolerance: number): Invoice {
  // Stable sort: equal dates keep the input order.
  if (payments.length > 1) payments.sort((a, b) => a.day - b.day);
  const kind: InvoiceKind = amount > 0 ? 'invoice' : 'credit-note';
  let paid = 0;
  let paidAfterAsOf = 0;
  let settledDate: Day | null = Math.abs(amount) <= tolerance ? invoiceDate : null;
  for (const payment of payments) {
    if (payment.day > asOf) {
      paidAfterAsOf += payment.amount;
      continue;
    }
    paid += payment.amount;
    // Reached the amount: paid >= amount for an invoice, paid <= amount (more negative) for a credit note.
    if (settledDate === null && Math.abs(paid) >= Math.abs(amount) - tolerance) settledDate = payment.day;
  }
  let residual = amount - paid;
  if (Math.abs(residual) <= tolerance) residual = 0;
  return {
    customerId,
    invoiceId,
    kind,
    invoiceDate,
    dueDate,
    amount,
    payments,
    paid,
    paidAfterAsOf,
    settledDate,
    residual,
    open: Math.max(0, residual),
    credit: Math.max(0, -residual),
    daysPastDue: asOf - dueDate,
    file,
    line,
    rows,
  };
}

/** Order of invoices: customer id (numeric ids by value), invoice date, invoice id. */
export function compareInvoices(a: Invoice, b: Invoice): number {
  return compareIds(a.customerId, b.customerId) || compareDateAndId(a, b);
}

/** Order of one customer's invoices: invoice date, invoice id. */
function compareDateAndId(a: Invoice, b: Invoice): number {
  return a.invoiceDate - b.invoiceDate || (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0);
}


/**
 * The last date of a ledger: its latest invoice or payment date; -Infinity for no rows. The as-of day of a
 * run that reads payments but no sales (see docs/payments.md).
 *
 * O(n).
 */
export function ledgerEnd(records: Iterable<PaymentRecord>): Day {
  let end = -Infinity;
  for (const r of records) {
    if (r.invoiceDate > end) end = r.invoiceDate;
    if (r.paidDate !== null && r.paidDate > end) end = r.paidDate;
  }
  return end;
}
