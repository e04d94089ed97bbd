/**
 * One streaming pass over the sales rows, folded into per-customer state: the distinct purchase days
 * with their net amounts, line/order counts and margin per window. Memory grows with customers and
 * their distinct purchase days, never with the number of rows (order lines, same-day repeats).
 *
 * Layout (docs/performance.md): customer ids are interned to dense indexes; the per-customer counters are
 * typed arrays indexed by customer (struct of arrays), and the (day, net amount, purchase flag) entries of
 * all customers live in shared typed arrays, each customer's entries a linked list sorted by day. This keeps
 * the heap to a few large arrays instead of an object and three JS arrays per customer.
 */
import { addMoney } from '../core/money.js';
import { own } from '../core/strings.js';
import type { Day } from '../core/days.js';
import type { CustomerHistory } from '../core/types.js';
import { HistoryTable } from '../core/history-table.js';

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

/**
 * Per-customer accumulation state as plain arrays: what `SalesAccumulator.customers.get(id)` returns (a copy
 * of the accumulator's state for that customer). Day entries include days with only returns (purchase = 0).
 */
export class CustomerState {
  /** Days with any sales line, ascending. */
  days: Day[] = [];
  /** Net amount per day. */
  amounts: number[] = [];
  /** 1 when the day has at least one purchase line (amount >= 0), 0 when it has only returns. */
  purchase: number[] = [];
  /** Transactions (orders, or lines without order_id) that started on the day. */
  orders: number[] = [];
  /** Transactions (orders, or lines without order_id) in calibration and holdout. */
  transactions = 0;
  transactionsHoldout = 0;
  margin = 0;
  marginHoldout = 0;
  /** Key of the last order seen for this customer (consecutive lines of one order are one transaction). */
  lastOrder = '';

  /** Adds an amount to a day, keeping `days` sorted (appending is the common, sorted-input case). */
  addDay(day: Day, amount: number, orders = 0): void {
    const isPurchase = amount >= 0 ? 1 : 0;
    const days = this.days;
    const n = days.length;
    if (n === 0 || day > days[n - 1]) {
      days.push(day);
      this.amounts.push(amount);
      this.purchase.push(isPurchase);
      this.orders.push(orders);
      return;
    }
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (days[mid] < day) lo = mid + 1;
      else if (days[mid] > day) hi = mid - 1;
      else {
        this.amounts[mid] = addMoney(this.amounts[mid], amount);
        this.purchase[mid] |= isPurchase;
        this.orders[mid] += orders;
        return;
      }
    }
    // Insert at lo by shifting the tail (faster than splice on these short arrays).
    const amounts = this.amounts;
    const purchase = this.purchase;
    const dayOrders = this.orders;
    days.push(0);
    amounts.push(0);
    purchase.push(0);
    dayOrders.push(0);
    for (let i = n; i > lo; i--) {
      days[i] = days[i - 1];
      amounts[i] = amounts[i - 1];
      purchase[i] = purchase[i - 1];
      dayOrders[i] = dayOrders[i - 1];
    }
    days[lo] = day;
    amounts[lo] = amount;
    purchase[lo] = isPurchase;
    dayOrders[lo] = orders;
  }
}

/** Compares customer ids: numeric ids by value, others as text; deterministic order for output. */
export function compareIds(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
  } else if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Indexes 0..ids.length-1 ordered by `compare` on the ids. For `compareIds` the per-id facts it derives
 * (numeric or not, length without leading zeros) are computed once per id instead of per comparison; the
 * order is the same, since both comparators agree on every pair and the ids are distinct.
 */
export function orderOf(ids: readonly string[], compare: (a: string, b: string) => number): number[] {
  const order = Array.from({ length: ids.length }, (_, i) => i);
  if (compare !== compareIds) return order.sort((i, j) => compare(ids[i], ids[j]));
  const numericLength = new Int32Array(ids.length); // -1 = not numeric
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    let numeric = id.length > 0;
    let zeros = 0;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      if (c < 48 || c > 57) {
        numeric = false;
        break;
      }
      if (c === 48 && zeros === k) zeros++;
    }
    // Leading zeros are dropped but one digit is kept ("000" -> "0").
    numericLength[i] = numeric ? id.length - Math.min(zeros, id.length - 1) : -1;
  }
  return order.sort((i, j) => {
    const x = numericLength[i];
    const y = numericLength[j];
    if (x >= 0 && y >= 0) {
      if (x !== y) return x - y;
    } else if (x >= 0 !== y >= 0) return x >= 0 ? -1 : 1;
    const a = ids[i];
    const b = ids[j];
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The customers of a SalesAccumulator by id, read-only (size, has, get, keys in first-seen order). */
export class CustomerTable {
  constructor(private readonly sales: SalesAccumulator) {}
  get size(): number {
    return this.sales.ids.length;
  }
  has(id: string): boolean {
    return this.sales.index.has(id);
  }
  /** A copy of the customer's state. */
  get(id: string): CustomerState | undefined {
    const c = this.sales.index.get(id);
    return c === undefined ? undefined : this.sales.stateAt(c);
  }
  keys(): IterableIterator<string> {
    return this.sales.ids[Symbol.iterator]();
  }
}

const INITIAL = 1024;

/** Steps along a customer's day list after which its rows are taken as out of order (see addDay). */
const OUT_OF_ORDER = 32;

/**
 * How a row's order relates to the customer's earlier rows, as decided by a reader that saw only a later part
 * of the file (the parallel sales ingest, src/ingest/parallel.ts), for `SalesAccumulator.addRelated`:
 * a return (amount < 0: no transaction, the last order unchanged); no order id (a transaction of its own);
 * the same order as the customer's previous purchase row of that part; a new order; or the customer's first
 * purchase row of that part with an order id, which continues the last order seen before the part or not.
 */
export const ORDER_RETURN = 0;
export const ORDER_NONE = 1;
export const ORDER_SAME = 2;
export const ORDER_NEW = 3;
export const ORDER_FIRST = 4;

/** A copy of a typed array in a larger one of the same type (the growth step of the struct-of-arrays stores). */
export function grow<T extends Int32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}

/** Folds sales rows into per-customer state. */
export class SalesAccumulator {
  readonly customers = new CustomerTable(this);
  /** Customer id → index; `ids[index]` is the id. */
  readonly index = new Map<string, number>();
  readonly ids: string[] = [];
  /** Range of the days of the rows kept. */
  minDay = Infinity;
  maxDay = -Infinity;
  /** Whether any row carried a cost or margin. */
  hasMargin = false;
  rowsCalibration = 0;
  rowsHoldout = 0;

  // Per customer (struct of arrays).
  private capacity = INITIAL;
  private margin = new Float64Array(INITIAL);
  private marginHoldout = new Float64Array(INITIAL);
  /** First and last day entry of each customer; -1 = none. */
  private head = new Int32Array(INITIAL);
  private tail = new Int32Array(INITIAL);
  /** Last order seen: its day and id ('' = none, or a line without order id). */
  private lastOrderDay = new Float64Array(INITIAL);
  private readonly lastOrderId: string[] = [];

  // Day entries of all customers.
  private entryCapacity = INITIAL;
  private entries = 0;
  private entryDay = new Int32Array(INITIAL);
  private entryAmount = new Float64Array(INITIAL);
  private entryPurchase = new Uint8Array(INITIAL);
  /** Transactions started on the entry's day (summaries at an earlier day count them up to it). */
  private entryOrders = new Uint32Array(INITIAL);
  private entryNext = new Int32Array(INITIAL);

  /**
   * Customers whose rows came far out of date order: their day entries are kept in arrival order, with a map
   * from day to entry, and sorted when read (`stateAt`). Without it, a crafted order (the latest day first,
   * then ascending) walked the whole list for every row: 200k rows of one customer took a minute.
   */
  private unsorted = new Uint8Array(INITIAL);
  private readonly dayEntries = new Map<number, Map<Day, number>>();

  private readonly asOf: number;
  private readonly calibrationEnd: number;

  constructor(readonly window: SalesWindow) {
    this.asOf = window.asOf ?? Infinity;
    this.calibrationEnd = window.calibrationEnd ?? Infinity;
  }

  /** Adds one row; returns the reason when the row is excluded from the window. */
  add(row: SaleRow): string | void {
    return this.addLine(row.customerId, row.day, row.amount, row.margin, row.orderId, 0, row.orderId.length);
  }

  /**
   * Adds one row whose order id is `orderText.slice(orderStart, orderEnd)` (already trimmed; empty = none):
   * the id is compared in place and copied only when it starts a new order. Same result as `add`.
   */
  addLine(customerId: string, day: Day, amount: number, margin: number | null, orderText: string, orderStart: number, orderEnd: number): string | void {
    if (day > this.asOf) return 'after as-of';
    const c = this.intern(customerId);
    // Returns (negative lines) are not transactions; lines of one order are one transaction.
    let newTransaction = false;
    if (amount >= 0) {
      if (orderEnd <= orderStart) {
        newTransaction = true;
        this.lastOrderId[c] = '';
      } else if (!this.sameOrder(c, day, orderText, orderStart, orderEnd)) {
        newTransaction = true;
        // own(): a kept slice of 13+ characters would keep its whole read chunk alive (core/strings.ts)
        this.lastOrderId[c] = own(orderStart === 0 && orderEnd === orderText.length ? orderText : orderText.slice(orderStart, orderEnd));
        this.lastOrderDay[c] = day;
      }
    }
    if (day > this.calibrationEnd) {
      this.rowsHoldout++;
      if (margin !== null) this.marginHoldout[c] = addMoney(this.marginHoldout[c], margin);
    } else {
      this.rowsCalibration++;
      if (margin !== null) this.margin[c] = addMoney(this.margin[c], margin);
    }
    if (margin !== null) this.hasMargin = true;
    this.addDay(c, day, amount, newTransaction ? 1 : 0);
    if (day < this.minDay) this.minDay = day;
    if (day > this.maxDay) this.maxDay = day;
  }

  /** Index of customer `id`, added after the others when new (first-seen order). */
  intern(id: string): number {
    // a customer's rows often come together: the last customer is not looked up again in the index
    if (id === this.lastInterned) return this.lastIndex;
    const known = this.index.get(id);
    const c = known === undefined ? this.addCustomer(id) : known;
    this.lastInterned = id;
    this.lastIndex = c;
    return c;
  }

  private lastInterned: string | null = null;
  private lastIndex = -1;

  /**
   * Adds one row of customer `c` (from `intern`), on or before as-of, whose relation to the customer's previous
   * order was found by the reader of a later part of the file (ORDER_*; `firstOrderId` is the order id of an
   * ORDER_FIRST row). Same state as `addLine` of that row when every earlier row of the file has been added,
   * except the last order of the customer, which the caller sets with `setLastOrder` after each batch of rows
   * (ORDER_SAME and ORDER_NEW rows carry no id; only ORDER_FIRST compares it).
   */
  addRelated(c: number, day: Day, amount: number, margin: number, withMargin: boolean, order: number, firstOrderId: string): void {
    let newTransaction = false;
    if (order === ORDER_NEW) newTransaction = true;
    else if (order === ORDER_NONE) {
      newTransaction = true;
      this.lastOrderId[c] = '';
    } else if (order === ORDER_FIRST) {
      const last = this.lastOrderId[c];
      if (last === '' || last !== firstOrderId || this.lastOrderDay[c] !== day) {
        newTransaction = true;
        this.lastOrderId[c] = firstOrderId;
        this.lastOrderDay[c] = day;
      }
    }
    if (day > this.calibrationEnd) {
      this.rowsHoldout++;
      if (withMargin) this.marginHoldout[c] = addMoney(this.marginHoldout[c], margin);
    } else {
      this.rowsCalibration++;
      if (withMargin) this.margin[c] = addMoney(this.margin[c], margin);
    }
    if (withMargin) this.hasMargin = true;
    this.addDay(c, day, amount, newTransaction ? 1 : 0);
    if (day < this.minDay) this.minDay = day;
    if (day > this.maxDay) this.maxDay = day;
  }

  /** Sets the last order of customer `c` (its id, '' = none, and day) after `addRelated` rows. */
  setLastOrder(c: number, id: string, day: Day): void {
    this.lastOrderId[c] = id;
    if (id !== '') this.lastOrderDay[c] = day;
  }

  private sameOrder(c: number, day: Day, text: string, start: number, end: number): boolean {
    const last = this.lastOrderId[c];
    if (last.length !== end - start || last === '' || this.lastOrderDay[c] !== day) return false;
    for (let i = 0; i < last.length; i++) if (last.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
    return true;
  }

  /**
   * Shrinks the typed arrays to what they hold (they double as they grow: up to half of them is room for
   * rows that never came). Called when the reading is done; adding more afterwards still works.
   */
  trim(): void {
    const n = Math.max(16, this.ids.length);
    if (n < this.capacity) {
      this.margin = this.margin.slice(0, n);
      this.marginHoldout = this.marginHoldout.slice(0, n);
      this.head = this.head.slice(0, n);
      this.tail = this.tail.slice(0, n);
      this.lastOrderDay = this.lastOrderDay.slice(0, n);
      this.unsorted = this.unsorted.slice(0, n);
      this.capacity = n;
    }
    const e = Math.max(16, this.entries);
    if (e < this.entryCapacity) {
      this.entryDay = this.entryDay.slice(0, e);
      this.entryAmount = this.entryAmount.slice(0, e);
      this.entryPurchase = this.entryPurchase.slice(0, e);
      this.entryOrders = this.entryOrders.slice(0, e);
      this.entryNext = this.entryNext.slice(0, e);
      this.entryCapacity = e;
    }
  }

  private addCustomer(id: string): number {
    const c = this.ids.length;
    if (c === this.capacity) {
      const n = c * 2;
      this.margin = grow(this.margin, n);
      this.marginHoldout = grow(this.marginHoldout, n);
      this.head = grow(this.head, n);
      this.tail = grow(this.tail, n);
      this.lastOrderDay = grow(this.lastOrderDay, n);
      this.unsorted = grow(this.unsorted, n);
      this.capacity = n;
    }
    const kept = own(id);
    this.ids.push(kept);
    this.index.set(kept, c);
    this.lastOrderId.push('');
    this.head[c] = -1;
    this.tail[c] = -1;
    return c;
  }

  private newEntry(day: Day, amount: number, purchase: number, orders: number, next: number): number {
    const e = this.entries;
    if (e === this.entryCapacity) {
      const n = e * 2;
      this.entryDay = grow(this.entryDay, n);
      this.entryAmount = grow(this.entryAmount, n);
      this.entryPurchase = grow(this.entryPurchase, n);
      this.entryOrders = grow(this.entryOrders, n);
      this.entryNext = grow(this.entryNext, n);
      this.entryCapacity = n;
    }
    this.entryDay[e] = day;
    this.entryAmount[e] = amount;
    this.entryPurchase[e] = purchase;
    this.entryOrders[e] = orders;
    this.entryNext[e] = next;
    this.entries = e + 1;
    return e;
  }

  /**
   * Adds an amount to a day of customer `c`, keeping the days sorted (appending is the common case). A row
   * whose day is found only after more than OUT_OF_ORDER steps along the list turns the customer unsorted (see
   * `unsorted`): O(1) per row from then on, O(k log k) once when read, instead of O(k) per row.
   */
  private addDay(c: number, day: Day, amount: number, orders: number): void {
    const isPurchase = amount >= 0 ? 1 : 0;
    const tail = this.tail[c];
    if (tail < 0) {
      const e = this.newEntry(day, amount, isPurchase, orders, -1);
      this.head[c] = e;
      this.tail[c] = e;
      return;
    }
    if (this.unsorted[c] === 1) {
      const entries = this.dayEntries.get(c)!;
      const known = entries.get(day);
      if (known !== undefined) {
        this.entryAmount[known] = addMoney(this.entryAmount[known], amount);
        this.entryPurchase[known] |= isPurchase;
        this.entryOrders[known] += orders;
        return;
      }
      const e = this.newEntry(day, amount, isPurchase, orders, -1);
      this.entryNext[tail] = e;
      this.tail[c] = e;
      entries.set(day, e);
      return;
    }
    const dayOf = this.entryDay;
    if (day > dayOf[tail]) {
      const e = this.newEntry(day, amount, isPurchase, orders, -1);
      this.entryNext[tail] = e;
      this.tail[c] = e;
      return;
    }
    let e = day === dayOf[tail] ? tail : this.head[c];
    let previous = -1;
    let steps = 0;
    while (dayOf[e] < day) {
      previous = e;
      e = this.entryNext[e];
      steps++;
    }
    if (dayOf[e] === day) {
      this.entryAmount[e] = addMoney(this.entryAmount[e], amount);
      this.entryPurchase[e] |= isPurchase;
      this.entryOrders[e] += orders;
    } else {
      const inserted = this.newEntry(day, amount, isPurchase, orders, e);
      if (previous < 0) this.head[c] = inserted;
      else this.entryNext[previous] = inserted;
    }
    if (steps > OUT_OF_ORDER) {
      const entries = new Map<Day, number>();
      for (let k = this.head[c]; k >= 0; k = this.entryNext[k]) entries.set(dayOf[k], k);
      this.dayEntries.set(c, entries);
      this.unsorted[c] = 1;
    }
  }

  /** Puts the day entries of an unsorted customer in day order again (see `unsorted`). */
  private sortDays(c: number): void {
    const list: number[] = [];
    for (let e = this.head[c]; e >= 0; e = this.entryNext[e]) list.push(e);
    const dayOf = this.entryDay;
    list.sort((a, b) => dayOf[a] - dayOf[b]);
    for (let i = 0; i < list.length; i++) this.entryNext[list[i]] = i + 1 < list.length ? list[i + 1] : -1;
    this.head[c] = list[0];
    this.tail[c] = list[list.length - 1];
    this.unsorted[c] = 0;
    this.dayEntries.delete(c);
  }

  /** Customer indexes ordered by `compare` on their ids. */
  order(compare: (a: string, b: string) => number): number[] {
    // Kept for the next call with the same comparator and customers (a report orders a million ids four
    // times, 0.4 s each); a copy is returned, so that callers may change theirs.
    const cached = this.orderCache;
    if (cached !== null && cached.compare === compare && cached.count === this.ids.length) return cached.order.slice();
    const order = orderOf(this.ids, compare);
    this.orderCache = { compare, count: this.ids.length, order };
    return order.slice();
  }

  /**
   * The customer indexes in the order {@link order} gave last (not a copy: read only), null when it was not
   * called or customers were added since.
   */
  lastOrder(): readonly number[] | null {
    const cached = this.orderCache;
    return cached !== null && cached.count === this.ids.length ? cached.order : null;
  }

  /** The last order computed by {@link order}: for the customers there were then (ids are only added). */
  private orderCache: { compare: (a: string, b: string) => number; count: number; order: number[] } | null = null;

  /** The state of customer `c` as arrays, in `into` (reused) or a new CustomerState. */
  stateAt(c: number, into: CustomerState = new CustomerState()): CustomerState {
    if (this.unsorted[c] === 1) this.sortDays(c);
    into.days.length = 0;
    into.amounts.length = 0;
    into.purchase.length = 0;
    into.orders.length = 0;
    // the transactions of the calibration and the holdout, from those started on each day
    let transactions = 0;
    let transactionsHoldout = 0;
    for (let e = this.head[c]; e >= 0; e = this.entryNext[e]) {
      const day = this.entryDay[e];
      into.days.push(day);
      into.amounts.push(this.entryAmount[e]);
      into.purchase.push(this.entryPurchase[e]);
      into.orders.push(this.entryOrders[e]);
      if (day > this.calibrationEnd) transactionsHoldout += this.entryOrders[e];
      else transactions += this.entryOrders[e];
    }
    into.transactions = transactions;
    into.transactionsHoldout = transactionsHoldout;
    into.margin = this.margin[c];
    into.marginHoldout = this.marginHoldout[c];
    const last = this.lastOrderId[c];
    into.lastOrder = last === '' ? '' : `${this.lastOrderDay[c]}\u0000${last}`;
    return into;
  }

  /**
   * The purchase histories up to `until` (inclusive) of the customers in `order` (indexes), stored by column;
   * customers without a purchase day up to then are left out. Each customer's history is that of
   * {@link historyOf}, read from the day entries without making arrays per customer.
   */
  historyTable(until: Day, order: readonly number[]): HistoryTable {
    const ids: string[] = [];
    const start: number[] = [];
    const days = new Int32Array(this.entries);
    const amounts = new Float64Array(this.entries);
    const otherReturns: number[] = [];
    const lines: number[] = [];
    const margin: number[] | null = this.hasMargin ? [] : null;
    let at = 0;
    for (const c of order) {
      if (this.unsorted[c] === 1) this.sortDays(c);
      const from = at;
      let returns = 0;
      let transactions = 0;
      for (let e = this.head[c]; e >= 0; e = this.entryNext[e]) {
        const day = this.entryDay[e];
        if (day <= this.calibrationEnd) transactions += this.entryOrders[e];
        if (day > until) continue;
        if (this.entryPurchase[e]) {
          days[at] = day;
          amounts[at++] = this.entryAmount[e];
        } else returns += this.entryAmount[e];
      }
      if (at === from) continue;
      ids.push(this.ids[c]);
      start.push(from);
      // (historyOf adds no returns when every day up to `until` has a purchase: 0, not -0 + 0)
      otherReturns.push(returns);
      lines.push(transactions);
      margin?.push(this.margin[c]);
    }
    start.push(at);
    return new HistoryTable(
      ids,
      Int32Array.from(start),
      // Views when nearly every entry is a purchase day up to `until` (the usual case: a copy would hold both
      // arrays twice for a moment, about 80 MB at a million customers), copies otherwise.
      at >= 0.9 * this.entries ? days.subarray(0, at) : days.slice(0, at),
      at >= 0.9 * this.entries ? amounts.subarray(0, at) : amounts.slice(0, at),
      Float64Array.from(otherReturns),
      Float64Array.from(lines),
      margin === null ? null : Float64Array.from(margin),
    );
  }
}

/**
 * The purchase history of one customer up to `until` (inclusive): purchase days with their net amounts,
 * and returns on days without purchases.
 */
export function historyOf(id: string, state: CustomerState, until: Day, hasMargin: boolean): CustomerHistory {
  let end = 0;
  let purchases = 0;
  while (end < state.days.length && state.days[end] <= until) purchases += state.purchase[end++] ? 1 : 0;
  let days: Day[];
  let amounts: number[];
  let otherReturns = 0;
  // Arrays of exactly their length (a million customers' histories are held at once by the churn analyses:
  // arrays grown by push keep room for 17 elements).
  if (purchases === end) {
    days = state.days.slice(0, end);
    amounts = state.amounts.slice(0, end);
  } else {
    days = new Array<Day>(purchases);
    amounts = new Array<number>(purchases);
    for (let i = 0, j = 0; i < end; i++) {
      if (state.purchase[i]) {
        days[j] = state.days[i];
        amounts[j++] = state.amounts[i];
      } else otherReturns += state.amounts[i];
    }
  }
  return { id, days, amounts, otherReturns, lines: state.transactions, margin: hasMargin ? state.margin : null };
}

/** The histories of all customers up to `until`, ordered by customer id; customers without purchases left out. */
export function histories(sales: SalesAccumulator, until: Day, compare: (a: string, b: string) => number): CustomerHistory[] {
  return [...eachHistory(sales, until, compare)];
}

/** {@link histories} stored by column (see core/history-table.ts): what the churn analyses of the report read. */
export function historyTable(sales: SalesAccumulator, until: Day, compare: (a: string, b: string) => number): HistoryTable {
  return sales.historyTable(until, sales.order(compare));
}

/** {@link histories} one at a time, for a reader that needs each once (none is kept). */
export function* eachHistory(sales: SalesAccumulator, until: Day, compare: (a: string, b: string) => number): Generator<CustomerHistory> {
  const state = new CustomerState();
  for (const c of sales.order(compare)) {
    const h = historyOf(sales.ids[c], sales.stateAt(c, state), until, sales.hasMargin);
    if (h.days.length > 0) yield h;
  }
}
