/**
 * The customers' payment figures ({@link CustomerPayments}) stored by column as they are made: numbers in
 * typed arrays, nulls as flags, the class as a code; each record (with its day statistics and trend) is made
 * when read. A million customers' records were made as objects and then stored by column, part by part: at
 * 1M customers that took 2.8 s and much of the payments stage's garbage.
 */
import { FieldRecords, type RecordList } from '../core/record-columns.js';
import { grow } from '../accumulate/sales.js';
import type { CustomerPayments, DayStats, LatenessTrend, PaymentClass } from './behaviour.js';

/**
 * The number fields of a record stored as they are (nested ones, the class and the balance apart: the balance
 * is outstanding − credit, as computed, and is computed again when read).
 */
const NUMBERS = [
  'invoices', 'creditNotes', 'invoiced', 'credited', 'paid', 'refunded', 'outstanding', 'overdue', 'credit',
  'openInvoices', 'overdueInvoices', 'maxDaysPastDue', 'settledInvoices', 'daysLateWeighted', 'sharePaidLate',
  'shareUnpaidPastDue', 'collectionRate', 'lateness',
] as const;
type NumberField = (typeof NUMBERS)[number];

/** Counts and whole days: kept in 32-bit integers while every value is one (a column turns to doubles at the first that is not). */
const WHOLE = new Set<NumberField>(['invoices', 'creditNotes', 'openInvoices', 'overdueInvoices', 'maxDaysPastDue', 'settledInvoices']);

/** A column of whole numbers as Int32Array, or doubles once a value is not a 32-bit integer (or is −0). */
type Column = Int32Array | Float64Array;

function fits(value: number): boolean {
  return (value | 0) === value && !Object.is(value, -0);
}

/** The bits of `nulls`: a nullable field that is null, and the two flags. */
const BIT = {
  maxDaysPastDue: 1,
  daysLateWeighted: 2,
  sharePaidLate: 4,
  shareUnpaidPastDue: 8,
  collectionRate: 16,
  lateness: 32,
  daysToPay: 64,
  daysLate: 128,
  trend: 256,
  trendWorsening: 512,
  worsening: 1024,
} as const;

/** Payment records stored by column (see the file comment). */
export class PaymentColumns {
  private size = 0;
  private capacity = 1024;
  private readonly ids: string[] = [];
  private readonly classes: PaymentClass[] = [];
  private classOf = new Uint8Array(this.capacity);
  private numbers: Record<NumberField, Column> = Object.fromEntries(NUMBERS.map((k) => [k, WHOLE.has(k) ? new Int32Array(this.capacity) : new Float64Array(this.capacity)])) as Record<NumberField, Column>;
  /** count, mean, median, p90 of daysToPay, then of daysLate (the counts as whole numbers); recent, earlier, increase of the trend. */
  private stats: Column[] = Array.from({ length: 11 }, (_, k) => (k === 0 || k === 4 ? new Int32Array(this.capacity) : new Float64Array(this.capacity)));
  /** Bits of BIT. */
  private nulls = new Uint16Array(this.capacity);
  /** Balances that are not outstanding − credit (none from customerPayments), by row. */
  private readonly otherBalances = new Map<number, number>();

  get length(): number {
    return this.size;
  }

  /** Appends one customer's record (its fields are copied). */
  add(c: CustomerPayments): void {
    const i = this.size;
    if (i === this.capacity) this.grow();
    this.ids.push(c.customerId);
    let code = this.classes.indexOf(c.class);
    if (code < 0) code = this.classes.push(c.class) - 1;
    this.classOf[i] = code;
    const n = this.numbers;
    this.whole('invoices', i, c.invoices);
    this.whole('creditNotes', i, c.creditNotes);
    n.invoiced[i] = c.invoiced;
    n.credited[i] = c.credited;
    n.paid[i] = c.paid;
    n.refunded[i] = c.refunded;
    n.outstanding[i] = c.outstanding;
    n.overdue[i] = c.overdue;
    n.credit[i] = c.credit;
    if (!Object.is(c.balance, c.outstanding - c.credit)) this.otherBalances.set(i, c.balance);
    this.whole('openInvoices', i, c.openInvoices);
    this.whole('overdueInvoices', i, c.overdueInvoices);
    this.whole('settledInvoices', i, c.settledInvoices);
    let nulls = 0;
    if (c.maxDaysPastDue === null) nulls |= BIT.maxDaysPastDue;
    else this.whole('maxDaysPastDue', i, c.maxDaysPastDue);
    if (c.daysLateWeighted === null) nulls |= BIT.daysLateWeighted;
    else n.daysLateWeighted[i] = c.daysLateWeighted;
    if (c.sharePaidLate === null) nulls |= BIT.sharePaidLate;
    else n.sharePaidLate[i] = c.sharePaidLate;
    if (c.shareUnpaidPastDue === null) nulls |= BIT.shareUnpaidPastDue;
    else n.shareUnpaidPastDue[i] = c.shareUnpaidPastDue;
    if (c.collectionRate === null) nulls |= BIT.collectionRate;
    else n.collectionRate[i] = c.collectionRate;
    if (c.lateness === null) nulls |= BIT.lateness;
    else n.lateness[i] = c.lateness;
    if (!this.putStats(0, i, c.daysToPay)) nulls |= BIT.daysToPay;
    if (!this.putStats(4, i, c.daysLate)) nulls |= BIT.daysLate;
    const s = this.stats;
    if (c.trend === null) nulls |= BIT.trend;
    else {
      s[8][i] = c.trend.recentMeanDaysLate;
      s[9][i] = c.trend.earlierMeanDaysLate;
      s[10][i] = c.trend.increase;
      if (c.trend.worsening) nulls |= BIT.trendWorsening;
    }
    if (c.worsening) nulls |= BIT.worsening;
    this.nulls[i] = nulls;
    this.size++;
  }

  /** Day statistics into `stats[first .. first + 3]` at row i; false for none. */
  private putStats(first: number, i: number, d: DayStats | null): boolean {
    if (d === null) return false;
    const s = this.stats;
    if (s[first] instanceof Int32Array && !fits(d.count)) s[first] = Float64Array.from(s[first]);
    s[first][i] = d.count;
    s[first + 1][i] = d.mean;
    s[first + 2][i] = d.median;
    s[first + 3][i] = d.p90;
    return true;
  }

  /** Stores a whole-number field, turning its column to doubles if the value is not a 32-bit integer. */
  private whole(k: NumberField, i: number, value: number): void {
    let column = this.numbers[k];
    if (column instanceof Int32Array && !fits(value)) this.numbers[k] = column = Float64Array.from(column);
    column[i] = value;
  }

  private grow(): void {
    const c = this.capacity * 2;
    this.classOf = grow(this.classOf, c);
    for (const k of NUMBERS) this.numbers[k] = grow(this.numbers[k], c);
    this.stats = this.stats.map((a) => grow(a, c));
    this.nulls = grow(this.nulls, c);
    this.capacity = c;
  }

  /**
   * The records, made when read, equal (keys in the same order) to those added; a short list (under 64, as
   * recordColumns keeps them) as an array of its records.
   */
  finish(): RecordList<CustomerPayments> {
    // trimmed to the records (the columns double as they grow)
    const size = this.size;
    const trim = <A extends Column | Uint8Array | Uint16Array>(a: A): A => a.slice(0, size) as A;
    const numbers = this.numbers;
    return paymentRecordsOf({
      size,
      ids: this.ids,
      classes: this.classes,
      otherBalances: this.otherBalances,
      n: Object.fromEntries(NUMBERS.map((k) => [k, trim(numbers[k])])) as Record<NumberField, Column>,
      s: this.stats.map(trim),
      classOf: trim(this.classOf),
      nulls: trim(this.nulls),
    });
  }
}

/**
 * The trimmed columns of a finished list: plain data (typed arrays, strings, a Map) that another thread can
 * be sent and make the same list of ({@link paymentRecordsOf}).
 */
export interface PaymentColumnsState {
  size: number;
  ids: readonly string[];
  classes: readonly PaymentClass[];
  otherBalances: ReadonlyMap<number, number>;
  n: Record<NumberField, Column>;
  s: Column[];
  classOf: Uint8Array;
  nulls: Uint16Array;
}

/** The state of each list made by {@link paymentRecordsOf}. */
const states = new WeakMap<object, PaymentColumnsState>();

/** The records of a state, as {@link PaymentColumns.finish} gives them: a short list (under 64) as an array. */
export function paymentRecordsOf(state: PaymentColumnsState): RecordList<CustomerPayments> {
  const list = paymentRecords(state);
  if (list.length < 64) return list.slice();
  states.set(list, state);
  return list;
}

/** The columns `list` was made of, when it was made by {@link paymentRecordsOf} (undefined for an array). */
export function paymentColumnsState(list: RecordList<CustomerPayments>): PaymentColumnsState | undefined {
  return states.get(list);
}

/** The buffers of a state's typed arrays (each once), to move them to another thread rather than copy them. */
export function stateBuffers(state: PaymentColumnsState): ArrayBuffer[] {
  const arrays = [...Object.values(state.n), ...state.s, state.classOf, state.nulls];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

/**
 * The records of trimmed columns. A function of its own: the readers' closures keep what is in its scope,
 * and the builder with its untrimmed columns must not be (closures made in one scope share what it holds).
 */
function paymentRecords({ size, ids, classes, otherBalances, n, s, classOf, nulls }: PaymentColumnsState): FieldRecords<CustomerPayments> {
  const number = (k: NumberField) => (i: number) => n[k][i];
  const nullable = (k: NumberField & keyof typeof BIT) => {
    const bit = BIT[k];
    return (i: number) => (nulls[i] & bit ? null : n[k][i]);
  };
  const dayStats = (first: number, bit: number) => (i: number): DayStats | null =>
    nulls[i] & bit ? null : { count: s[first][i], mean: s[first + 1][i], median: s[first + 2][i], p90: s[first + 3][i] };
  return new FieldRecords<CustomerPayments>(size, {
    customerId: (i) => ids[i],
    invoices: number('invoices'),
    creditNotes: number('creditNotes'),
    invoiced: number('invoiced'),
    credited: number('credited'),
    paid: number('paid'),
    refunded: number('refunded'),
    outstanding: number('outstanding'),
    overdue: number('overdue'),
    credit: number('credit'),
    balance: otherBalances.size === 0 ? (i) => n.outstanding[i] - n.credit[i] : (i) => otherBalances.get(i) ?? n.outstanding[i] - n.credit[i],
    openInvoices: number('openInvoices'),
    overdueInvoices: number('overdueInvoices'),
    maxDaysPastDue: nullable('maxDaysPastDue'),
    settledInvoices: number('settledInvoices'),
    daysToPay: dayStats(0, BIT.daysToPay),
    daysLate: dayStats(4, BIT.daysLate),
    daysLateWeighted: nullable('daysLateWeighted'),
    sharePaidLate: nullable('sharePaidLate'),
    shareUnpaidPastDue: nullable('shareUnpaidPastDue'),
    collectionRate: nullable('collectionRate'),
    lateness: nullable('lateness'),
    class: (i) => classes[classOf[i]],
    trend: (i): LatenessTrend | null =>
      nulls[i] & BIT.trend ? null : { recentMeanDaysLate: s[8][i], earlierMeanDaysLate: s[9][i], increase: s[10][i], worsening: (nulls[i] & BIT.trendWorsening) !== 0 },
    worsening: (i) => (nulls[i] & BIT.worsening) !== 0,
  });
}
