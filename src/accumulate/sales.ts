/**
 * One streaming pass over the sales rows, folded into per-customer state: the distinct purchase days
 * with their net amounts, line/order counts and margin per window. Memory grows with customers and
 * their distinct purchase days, never with the number of rows (order lines, same-day repeats).
 */
import type { Day } from '../core/days.js';
import type { CustomerHistory } from '../core/types.js';

/** One typed sales row. */
export interface SaleRow {
  customerId: string;
  day: Day;
  /** Line value; negative = return or refund. */
  amount: number;
  /** '' when the sales have no order_id column. */
  orderId: string;
  /** amount - cost, or the margin column; null when neither is present. */
  margin: number | null;
}

/** The observation window, fixed before the pass. */
export interface SalesWindow {
  /** Rows after this day are excluded ('after as-of'). Undefined = keep all; as-of becomes the last day. */
  asOf?: Day;
  /** End of calibration: rows up to it are calibration, later ones (up to as-of) holdout. */
  calibrationEnd?: Day;
}

/** Per-customer accumulation state. Day entries include days with only returns (purchase = 0). */
export class CustomerState {
  /** Days with any sales line, ascending. */
  days: Day[] = [];
  /** Net amount per day. */
  amounts: number[] = [];
  /** 1 when the day has at least one purchase line (amount >= 0), 0 when it has only returns. */
  purchase: number[] = [];
  /** Transactions (orders, or lines without order_id) in calibration and holdout. */
  transactions = 0;
  transactionsHoldout = 0;
  margin = 0;
  marginHoldout = 0;
  /** Key of the last order seen for this customer (consecutive lines of one order are one transaction). */
  lastOrder = '';

  /** Adds an amount to a day, keeping `days` sorted (appending is the common, sorted-input case). */
  addDay(day: Day, amount: number): void {
    const isPurchase = amount >= 0 ? 1 : 0;
    const days = this.days;
    const n = days.length;
    if (n === 0 || day > days[n - 1]) {
      days.push(day);
      this.amounts.push(amount);
      this.purchase.push(isPurchase);
      return;
    }
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid] < day) lo = mid + 1;
      else if (days[mid] > day) hi = mid - 1;
      else {
        this.amounts[mid] += amount;
        this.purchase[mid] |= isPurchase;
        return;
      }
    }
    // Insert at lo by shifting the tail (faster than splice on these short arrays).
    const amounts = this.amounts;
    const purchase = this.purchase;
    days.push(0);
    amounts.push(0);
    purchase.push(0);
    for (let i = n; i > lo; i--) {
      days[i] = days[i - 1];
      amounts[i] = amounts[i - 1];
      purchase[i] = purchase[i - 1];
    }
    days[lo] = day;
    amounts[lo] = amount;
    purchase[lo] = isPurchase;
  }
}

/** Folds sales rows into per-customer state. */
export class SalesAccumulator {
  readonly customers = new Map<string, CustomerState>();
  /** Range of the days of the rows kept. */
  minDay = Infinity;
  maxDay = -Infinity;
  /** Whether any row carried a cost or margin. */
  hasMargin = false;
  rowsCalibration = 0;
  rowsHoldout = 0;

  constructor(readonly window: SalesWindow) {}

  /** Adds one row; returns the reason when the row is excluded from the window. */
  add(row: SaleRow): string | void {
    const { asOf, calibrationEnd } = this.window;
    if (asOf !== undefined && row.day > asOf) return 'after as-of';
    let state = this.customers.get(row.customerId);
    if (state === undefined) {
      state = new CustomerState();
      this.customers.set(row.customerId, state);
    }
    const holdout = calibrationEnd !== undefined && row.day > calibrationEnd;
    const orderKey = row.orderId === '' ? '' : `${row.day}\u0000${row.orderId}`;
    // Returns (negative lines) are not transactions; lines of one order are one transaction.
    const newTransaction = row.amount >= 0 && (orderKey === '' || orderKey !== state.lastOrder);
    if (row.amount >= 0) state.lastOrder = orderKey;
    if (holdout) {
      this.rowsHoldout++;
      if (newTransaction) state.transactionsHoldout++;
      if (row.margin !== null) state.marginHoldout += row.margin;
    } else {
      this.rowsCalibration++;
      if (newTransaction) state.transactions++;
      if (row.margin !== null) state.margin += row.margin;
    }
    if (row.margin !== null) this.hasMargin = true;
    state.addDay(row.day, row.amount);
    if (row.day < this.minDay) this.minDay = row.day;
    if (row.day > this.maxDay) this.maxDay = row.day;
  }
}

/**
 * The purchase history of one customer up to `until` (inclusive): purchase days with their net amounts,
 * and returns on days without purchases.
 */
export function historyOf(id: string, state: CustomerState, until: Day, hasMargin: boolean): CustomerHistory {
  const days: Day[] = [];
  const amounts: number[] = [];
  let otherReturns = 0;
  for (let i = 0; i < state.days.length && state.days[i] <= until; i++) {
    if (state.purchase[i]) {
      days.push(state.days[i]);
      amounts.push(state.amounts[i]);
    } else otherReturns += state.amounts[i];
  }
  return { id, days, amounts, otherReturns, lines: state.transactions, margin: hasMargin ? state.margin : null };
}

/** The histories of all customers up to `until`, ordered by customer id; customers without purchases left out. */
export function histories(sales: SalesAccumulator, until: Day, compare: (a: string, b: string) => number): CustomerHistory[] {
  const out: CustomerHistory[] = [];
  for (const id of [...sales.customers.keys()].sort(compare)) {
    const h = historyOf(id, sales.customers.get(id)!, until, sales.hasMargin);
    if (h.days.length > 0) out.push(h);
  }
  return out;
}
