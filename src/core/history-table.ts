/**
 * The purchase histories of many customers stored by column: what the churn analyses (cohorts, churn window,
 * lifetimes, life-cycle stages) and the report read. Customer i's purchase days are
 * `days[start[i]] .. days[start[i + 1] - 1]`, ascending, with their net amounts in `amounts` at the same
 * places.
 *
 * Why: as a million {@link CustomerHistory} objects, each with two arrays, the histories took about 290 MB
 * of heap and were held through the whole retention section of the report; stored by column they take 12
 * bytes per purchase day and 20 per customer (ids are shared with the sales, not copied), about 70 MB.
 */
import type { Day } from './days.js';
import type { CustomerHistory } from './types.js';

/** Histories as the analyses take them: an array of {@link CustomerHistory} (the library's form) or a table. */
export type HistoryInput = readonly CustomerHistory[] | HistoryTable;

/** Purchase histories stored by column (see the file comment). */
export class HistoryTable implements Iterable<CustomerHistory> {
  /** Number of customers. */
  readonly length: number;

  /**
   * @param ids customer ids, one per customer
   * @param start offsets into `days`/`amounts`: customer i's days are at start[i] .. start[i + 1] - 1
   * @param days purchase days, ascending per customer
   * @param amounts net amount of each purchase day
   * @param otherReturns per customer: returns on days without a purchase (<= 0)
   * @param lines per customer: transactions in the calibration window
   * @param margin per customer: total margin; null when the sales carry none
   */
  constructor(
    readonly ids: readonly string[],
    readonly start: Int32Array,
    readonly days: Int32Array,
    readonly amounts: Float64Array,
    readonly otherReturns: Float64Array,
    readonly lines: Float64Array,
    readonly margin: Float64Array | null,
  ) {
    this.length = ids.length;
    if (start.length !== ids.length + 1) throw new RangeError('history table: start must have one entry per customer and one more');
  }

  /** The table of `histories` (itself when it is one already), in their order. */
  static from(histories: HistoryInput): HistoryTable {
    if (histories instanceof HistoryTable) return histories;
    const n = histories.length;
    let total = 0;
    for (const h of histories) total += h.days.length;
    const start = new Int32Array(n + 1);
    const days = new Int32Array(total);
    const amounts = new Float64Array(total);
    const otherReturns = new Float64Array(n);
    const lines = new Float64Array(n);
    const withMargin = histories.some((h) => h.margin !== null);
    const margin = withMargin ? new Float64Array(n) : null;
    const ids: string[] = new Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const h = histories[i];
      ids[i] = h.id;
      start[i] = at;
      for (let k = 0; k < h.days.length; k++) {
        days[at] = h.days[k];
        amounts[at++] = h.amounts[k];
      }
      otherReturns[i] = h.otherReturns;
      lines[i] = h.lines;
      // (a null margin is kept as NaN, and read back as null)
      if (margin !== null) margin[i] = h.margin ?? Number.NaN;
    }
    start[n] = at;
    return new HistoryTable(ids, start, days, amounts, otherReturns, lines, margin);
  }

  /** Number of purchase days of customer i. */
  count(i: number): number {
    return this.start[i + 1] - this.start[i];
  }

  /**
   * Number of purchase days of customer i on or before `day` (the days are ascending, so these are the first
   * ones).
   */
  countUntil(i: number, day: Day): number {
    const from = this.start[i];
    const to = this.start[i + 1];
    let k = from;
    while (k < to && this.days[k] <= day) k++;
    return k - from;
  }

  /** The history of customer i as a {@link CustomerHistory} (a new object; undefined outside the table). */
  at(i: number): CustomerHistory | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    const from = this.start[i];
    const to = this.start[i + 1];
    const m = this.margin === null ? null : this.margin[i];
    return {
      id: this.ids[i],
      days: Array.from(this.days.subarray(from, to)),
      amounts: Array.from(this.amounts.subarray(from, to)),
      otherReturns: this.otherReturns[i],
      lines: this.lines[i],
      margin: m === null || Number.isNaN(m) ? null : m,
    };
  }

  *[Symbol.iterator](): Iterator<CustomerHistory> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  /**
   * The index of customer `id` when the ids are in the order of `compare` (as the report makes them), by
   * binary search; -1 when absent.
   */
  indexIn(id: string, compare: (a: string, b: string) => number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compare(this.ids[mid], id);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
