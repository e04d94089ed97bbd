/**
 * The customers' values ({@link CustomerValue}) stored by column as valuePortfolio (value.ts) computes them: the
 * figures that depend on the customer only through its (frequency, recency, T) tuple once per tuple, the
 * others in a typed array per field, the segment as a code; each record is made when read. The records were
 * made as objects and then stored by column, part by part (RecordListBuilder): at 1M customers that was about
 * half of the valuation's 3-4 s and much of its garbage.
 */
import { FieldRecords, type RecordList } from '../core/record-columns.js';
import type { CustomerValue } from './types.js';

/**
 * The segment of each customer as a code into `names` (codes in order of first appearance); the codes take a
 * byte per customer while there are at most 256 segments, then two, then four.
 */
export class SegmentCodes {
  /** The segment of each code. */
  readonly names: (string | null)[] = [];
  private readonly codeOf = new Map<string | null, number>();
  private lastName: string | null | undefined = undefined;
  private lastCode = -1;
  /** The code of each customer. */
  codes: Uint8Array | Uint16Array | Int32Array;

  constructor(customers: number) {
    this.codes = new Uint8Array(customers);
  }

  /** Sets customer i's segment; returns its code (`names.length - 1` when the segment is new). */
  set(i: number, name: string | null): number {
    let code = name === this.lastName ? this.lastCode : this.codeOf.get(name);
    if (code === undefined) {
      code = this.names.push(name) - 1;
      this.codeOf.set(name, code);
      if (code === 256) this.codes = Uint16Array.from(this.codes);
      else if (code === 65536) this.codes = Int32Array.from(this.codes);
    }
    this.lastName = name;
    this.lastCode = code;
    this.codes[i] = code;
    return code;
  }
}

/**
 * The columns of the customers' values. "Per tuple": indexed by `tupleOf[i]`, customer i's distinct
 * (frequency, recency, T) tuple; otherwise by customer.
 */
export interface ValueColumns {
  ids: readonly string[];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  tupleOf: Int32Array;
  /** Per tuple. */
  pAlive: Float64Array;
  /** Per tuple. */
  expectedTransactions: Float64Array;
  expectedSpend: Float64Array;
  margin: number;
  clv: Float64Array;
  /** null: every customer's past revenue is null. */
  pastRevenue: Float64Array | null;
  segmentCodes: Uint8Array | Uint16Array | Int32Array;
  /** Per segment code: its name and baseline CLV. */
  segments: readonly (string | null)[];
  baselineClv: readonly (number | null)[];
  /** Pareto/NBD: each customer's DERT (clvInfinite = dert × expectedSpend × margin, as computed); null for other models. */
  dert: Float64Array | null;
  /** Short-horizon scores per tuple, when asked: medianDaysToPurchase (null where not finite) and purchaseWithin with `within`, aliveAt with `aliveAt`. */
  shortHorizon: { median: Float64Array; within: Float64Array[]; aliveAt: Float64Array[] } | null;
  /**
   * The intervals, when computed: P(alive)'s and the expected transactions' per tuple, the spend's and the
   * CLV's per customer; each is null where its estimate is not finite.
   */
  intervals: {
    pAliveLow: Float64Array;
    pAliveHigh: Float64Array;
    expectedTransactionsLow: Float64Array;
    expectedTransactionsHigh: Float64Array;
    expectedSpendLow: Float64Array;
    expectedSpendHigh: Float64Array;
    clvLow: Float64Array;
    clvHigh: Float64Array;
  } | null;
}

/**
 * The records of `columns`, made when read: those valuePortfolio made as objects before, with the same
 * keys in the same order (the optional ones present for every customer or for none: dert and clvInfinite,
 * then the short-horizon scores, then the intervals) and the same values to the bit. A short list (under 64,
 * as recordColumns kept them) as an array of its records.
 *
 * Cost: O(1) per field read; a record makes its arrays of short-horizon scores anew at each read.
 */
export function valueRecords(columns: ValueColumns): RecordList<CustomerValue> {
  const { ids, frequency, recency, T, tupleOf, pAlive, expectedTransactions, expectedSpend, margin, clv, pastRevenue, segmentCodes, segments, baselineClv, dert, shortHorizon, intervals } = columns;
  const n = ids.length;
  const base = {
    customerId: (i: number) => ids[i],
    frequency: (i: number) => frequency[i],
    recency: (i: number) => recency[i],
    T: (i: number) => T[i],
    pAlive: (i: number) => pAlive[tupleOf[i]],
    expectedTransactions: (i: number) => expectedTransactions[tupleOf[i]],
    expectedSpend: (i: number) => expectedSpend[i],
    margin: () => margin,
    clv: (i: number) => clv[i],
    pastRevenue: pastRevenue === null ? () => null : (i: number) => pastRevenue[i],
    segment: (i: number) => segments[segmentCodes[i]],
    baselineClv: (i: number) => baselineClv[segmentCodes[i]],
  };
  const infinite = dert === null ? {} : { dert: (i: number) => dert[i], clvInfinite: (i: number) => dert[i] * expectedSpend[i] * margin };
  const short = shortHorizon === null ? {} : shortHorizonReaders(tupleOf, shortHorizon);
  const bands = intervals === null ? {} : intervalReaders(tupleOf, expectedTransactions, expectedSpend, clv, intervals);
  const list = new ValueRecords(n, { ...base, ...infinite, ...short, ...bands });
  return n < 64 ? list.slice() : list;
}

type Readers = { readonly [K in keyof CustomerValue]-?: (index: number) => CustomerValue[K] };

/**
 * The records of {@link valueRecords}: a record is made as one literal of the fields every record has, each
 * read by its own reader (monomorphic calls, which the compiler inlines), then the optional fields in the
 * readers' order. The generic {@link FieldRecords} way, a loop over the keys, took about 4 times as long
 * (a million records: 0.4-0.9 s against 0.1-0.3 s).
 */
class ValueRecords extends FieldRecords<CustomerValue> {
  private readonly all: Readers;
  private readonly infinite: boolean;
  private readonly within: boolean;
  private readonly aliveAt: boolean;
  private readonly intervals: boolean;

  constructor(length: number, readers: { readonly [K in keyof CustomerValue]: (index: number) => CustomerValue[K] }) {
    super(length, readers);
    this.all = readers as Readers;
    this.infinite = 'dert' in readers;
    this.within = 'purchaseWithin' in readers;
    this.aliveAt = 'aliveAt' in readers;
    this.intervals = 'clvLow' in readers;
  }

  protected override get(i: number): CustomerValue {
    const r = this.all;
    const out: CustomerValue = {
      customerId: r.customerId(i),
      frequency: r.frequency(i),
      recency: r.recency(i),
      T: r.T(i),
      pAlive: r.pAlive(i),
      expectedTransactions: r.expectedTransactions(i),
      expectedSpend: r.expectedSpend(i),
      margin: r.margin(i),
      clv: r.clv(i),
      pastRevenue: r.pastRevenue(i),
      segment: r.segment(i),
      baselineClv: r.baselineClv(i),
    };
    if (this.infinite) {
      out.dert = r.dert(i);
      out.clvInfinite = r.clvInfinite(i);
    }
    if (this.within) {
      out.medianDaysToPurchase = r.medianDaysToPurchase(i);
      out.purchaseWithin = r.purchaseWithin(i);
    }
    if (this.aliveAt) out.aliveAt = r.aliveAt(i);
    if (this.intervals) {
      out.pAliveLow = r.pAliveLow(i);
      out.pAliveHigh = r.pAliveHigh(i);
      out.expectedTransactionsLow = r.expectedTransactionsLow(i);
      out.expectedTransactionsHigh = r.expectedTransactionsHigh(i);
      out.expectedSpendLow = r.expectedSpendLow(i);
      out.expectedSpendHigh = r.expectedSpendHigh(i);
      out.clvLow = r.clvLow(i);
      out.clvHigh = r.clvHigh(i);
    }
    return out;
  }
}

function shortHorizonReaders(tupleOf: Int32Array, { median, within, aliveAt }: NonNullable<ValueColumns['shortHorizon']>) {
  return {
    ...(within.length > 0
      ? {
          medianDaysToPurchase: (i: number) => {
            const m = median[tupleOf[i]];
            return Number.isFinite(m) ? m : null;
          },
          purchaseWithin: (i: number) => within.map((column) => column[tupleOf[i]]),
        }
      : {}),
    ...(aliveAt.length > 0 ? { aliveAt: (i: number) => aliveAt.map((column) => column[tupleOf[i]]) } : {}),
  };
}

function intervalReaders(
  tupleOf: Int32Array,
  expectedTransactions: Float64Array,
  expectedSpend: Float64Array,
  clv: Float64Array,
  bands: NonNullable<ValueColumns['intervals']>,
) {
  /** An interval bound: null where its estimate is not finite. */
  const bound = (estimate: Float64Array, values: Float64Array) => (j: number) => (Number.isFinite(estimate[j]) ? values[j] : null);
  const [transactionsLow, transactionsHigh] = [bound(expectedTransactions, bands.expectedTransactionsLow), bound(expectedTransactions, bands.expectedTransactionsHigh)];
  return {
    pAliveLow: (i: number) => bands.pAliveLow[tupleOf[i]],
    pAliveHigh: (i: number) => bands.pAliveHigh[tupleOf[i]],
    expectedTransactionsLow: (i: number) => transactionsLow(tupleOf[i]),
    expectedTransactionsHigh: (i: number) => transactionsHigh(tupleOf[i]),
    expectedSpendLow: bound(expectedSpend, bands.expectedSpendLow),
    expectedSpendHigh: bound(expectedSpend, bands.expectedSpendHigh),
    clvLow: bound(clv, bands.clvLow),
    clvHigh: bound(clv, bands.clvHigh),
  };
}
