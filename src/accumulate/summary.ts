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
import { compareIds, CustomerState, grow, type SalesAccumulator } from './sales.js';
import { FieldRecords, type RecordList } from '../core/record-columns.js';

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
  const exclusions = eachSummary(sales, window, (s) => customers.push(s));
  return { customers, exclusions };
}

/**
 * {@link summarize} stored by column as the summaries are made: the same records (keys in the same order),
 * made when read, without a million objects held at once (about 180 bytes each).
 */
export function summarizeColumns(sales: SalesAccumulator, window: SummaryWindow): { customers: RecordList<CustomerSummary>; exclusions: SummaryExclusions } {
  const columns = new SummaryColumns(window.holdout);
  const exclusions = eachSummary(sales, window, (s) => columns.add(s));
  return { customers: columns.finish(), exclusions };
}

/** Every customer's summary, in id order, to `onSummary`; returns the customers left out. */
function eachSummary(sales: SalesAccumulator, window: SummaryWindow, onSummary: (s: CustomerSummary) => void): SummaryExclusions {
  const exclusions: SummaryExclusions = { firstPurchaseInHoldout: 0, noPurchase: 0 };
  const state = new CustomerState();
  // Margins are totals of the sales' calibration window: unknown for a window that ends before it.
  const salesCalibrationEnd = Math.min(sales.window.calibrationEnd ?? Infinity, sales.window.asOf ?? Infinity, sales.maxDay);
  const hasMargin = sales.hasMargin && window.calibrationEnd >= salesCalibrationEnd;
  for (const c of sales.order(compareIds)) {
    sales.stateAt(c, state);
    const s = summarizeCustomer(sales.ids[c], state, window, hasMargin);
    if (s) onSummary(s);
    else {
      const inHoldout = state.days.some((d, i) => d > window.calibrationEnd && d <= window.asOf && state.purchase[i]);
      if (inHoldout) exclusions.firstPurchaseInHoldout++;
      else exclusions.noPurchase++;
    }
  }
  return exclusions;
}

/** The number fields of a summary, in their order (the id first, the holdout fields apart). */
const NUMBERS = ['firstDay', 'lastDay', 'transactions', 'frequency', 'recency', 'T', 'monetaryValue', 'revenue'] as const;
const HOLDOUT = ['frequencyHoldout', 'monetaryValueHoldout', 'durationHoldout'] as const;

/** Summaries stored by column as they are added (numbers in growing typed arrays). */
class SummaryColumns {
  private size = 0;
  private capacity = 1024;
  private readonly ids: string[] = [];
  private numbers = NUMBERS.map(() => new Float64Array(this.capacity));
  private holdout: Float64Array[];
  /** Margins, or null while every margin added is null (then a record's margin is null). */
  private margin: Float64Array | null = null;
  private marginNull: Uint8Array | null = null;

  constructor(withHoldout: boolean) {
    this.holdout = withHoldout ? HOLDOUT.map(() => new Float64Array(this.capacity)) : [];
  }

  add(s: CustomerSummary): void {
    const i = this.size;
    if (i === this.capacity) this.grow();
    this.ids.push(s.id);
    const n = this.numbers;
    for (let k = 0; k < NUMBERS.length; k++) n[k][i] = s[NUMBERS[k]];
    for (let k = 0; k < this.holdout.length; k++) this.holdout[k][i] = s[HOLDOUT[k]] as number;
    if (s.margin !== null || this.margin !== null) {
      if (this.margin === null) {
        this.margin = new Float64Array(this.capacity);
        this.marginNull = new Uint8Array(this.capacity).fill(1, 0, i);
      }
      if (s.margin === null) this.marginNull![i] = 1;
      else this.margin[i] = s.margin;
    }
    this.size++;
  }

  private grow(): void {
    const c = this.capacity * 2;
    this.numbers = this.numbers.map((a) => grow(a, c));
    this.holdout = this.holdout.map((a) => grow(a, c));
    if (this.margin !== null) {
      this.margin = grow(this.margin, c);
      this.marginNull = grow(this.marginNull!, c);
    }
    this.capacity = c;
  }

  /** The records; a short list (under 64, as recordColumns keeps them) as an array of its records. */
  finish(): RecordList<CustomerSummary> {
    const { ids, size } = this;
    const numbers = this.numbers.map((a) => a.slice(0, size));
    const holdout = this.holdout.map((a) => a.slice(0, size));
    const margin = this.margin?.slice(0, size) ?? null;
    const marginNull = this.marginNull?.slice(0, size) ?? null;
    const number = (k: number) => (i: number) => numbers[k][i];
    const readers = {
      id: (i: number) => ids[i],
      firstDay: number(0),
      lastDay: number(1),
      transactions: number(2),
      frequency: number(3),
      recency: number(4),
      T: number(5),
      monetaryValue: number(6),
      revenue: number(7),
      margin: margin === null ? () => null : (i: number) => (marginNull![i] ? null : margin[i]),
    };
    // the holdout fields only with a holdout (made in one literal: an object with deleted keys reads slowly)
    const withHoldout = holdout.length === 0
      ? readers
      : { ...readers, frequencyHoldout: (i: number) => holdout[0][i], monetaryValueHoldout: (i: number) => holdout[1][i], durationHoldout: (i: number) => holdout[2][i] };
    const list = new FieldRecords<CustomerSummary>(size, withHoldout);
    return size < 64 ? list.slice() : list;
  }
}
