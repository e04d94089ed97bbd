/**
 * Collapsing model data to distinct tuples with weights, so that a likelihood evaluation costs
 * O(distinct tuples) instead of O(customers). Fader & Hardie do the same in their spreadsheets (one row per
 * observed (x, t_x, T) pattern with its count), and lifetimes exposes it as the `weights` argument of `fit`.
 *
 * The log-likelihood of the compressed data equals that of the original (sum of weight × per-tuple value),
 * up to the order of floating-point summation.
 */
import type { RfmData } from './types.js';
import { createRng } from '../core/random.js';

/** RFM data with one entry per distinct (frequency, recency, T) tuple and its summed weight. */
export interface CompressedRfm {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  /** Sum of the input weights (number of customers) of each tuple. */
  weights: Float64Array;
}

/** Input of the Gamma-Gamma spend model: repeat-purchase count and mean repeat spend per customer. */
export interface SpendData {
  frequency: ArrayLike<number>;
  /** Mean value of the repeat purchases (zbar). */
  monetaryValue: ArrayLike<number>;
  /** Number of customers sharing each entry; 1 each when absent. */
  weights?: ArrayLike<number>;
  /** Customer id of each entry, when the caller has them: errors then name the customer. */
  ids?: ArrayLike<string>;
}

/** Spend data with one entry per distinct (frequency, monetaryValue) pair and its summed weight. */
export interface CompressedSpend {
  frequency: Float64Array;
  monetaryValue: Float64Array;
  weights: Float64Array;
}

/** Sum of the weights (number of customers); the length when there are no weights. */
export function totalWeight(weights: ArrayLike<number> | undefined, length: number): number {
  if (weights === undefined) return length;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i];
  return sum;
}

/**
 * Collapses RFM data to its distinct (frequency, recency, T) tuples, summing the weights (1 per customer
 * when `data.weights` is absent). Tuples keep the order of their first occurrence; entries with weight 0
 * are dropped. Values are compared exactly (as doubles): round times first (e.g. to days) to merge more.
 *
 * Cost: O(n) time (open-addressing hash on the bit patterns), O(n) scratch memory.
 *
 * @throws {RangeError} when the arrays have different lengths
 * @example
 * compressRfm({ frequency: [0, 0, 2], recency: [0, 0, 5], T: [10, 10, 10] }).weights // => Float64Array [2, 1]
 */
export function compressRfm(data: RfmData): CompressedRfm {
  const n = data.frequency.length;
  if (data.recency.length !== n || data.T.length !== n || (data.weights !== undefined && data.weights.length !== n)) {
    throw new RangeError(
      `rfm arrays differ in length: frequency ${n}, recency ${data.recency.length}, T ${data.T.length}` +
        (data.weights === undefined ? '' : `, weights ${data.weights.length}`),
    );
  }
  const { columns, weights } = distinctRows([data.frequency, data.recency, data.T], data.weights);
  return { frequency: columns[0], recency: columns[1], T: columns[2], weights };
}

/**
 * Collapses Gamma-Gamma data to its distinct (frequency, monetaryValue) pairs, summing the weights.
 * Keeps every entry (including frequency 0); the model's fit selects the repeat customers itself.
 *
 * Cost: O(n).
 *
 * @throws {RangeError} when the arrays have different lengths
 * @example
 * compressSpend({ frequency: [1, 1, 2], monetaryValue: [20, 20, 35] }).weights // => Float64Array [2, 1]
 */
export function compressSpend(data: SpendData): CompressedSpend {
  const n = data.frequency.length;
  if (data.monetaryValue.length !== n || (data.weights !== undefined && data.weights.length !== n)) {
    throw new RangeError(
      `spend arrays differ in length: frequency ${n}, monetaryValue ${data.monetaryValue.length}` +
        (data.weights === undefined ? '' : `, weights ${data.weights.length}`),
    );
  }
  const { columns, weights } = distinctRows([data.frequency, data.monetaryValue], data.weights);
  return { frequency: columns[0], monetaryValue: columns[1], weights };
}

const bits = new Float64Array(1);
const bitWords = new Uint32Array(bits.buffer);

/** A 32-bit hash of the bit pattern of a double (murmur3 finaliser over both words). */
function hashDouble(value: number, seed: number): number {
  bits[0] = value;
  let h = Math.imul(seed ^ bitWords[0], 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593) ^ bitWords[1];
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Distinct rows of parallel numeric columns with summed weights, in order of first occurrence, through an
 * open-addressing hash table on the bit patterns (−0 is folded into 0; weight-0 rows are dropped).
 */
function distinctRows(columns: ArrayLike<number>[], weights: ArrayLike<number> | undefined): { columns: Float64Array[]; weights: Float64Array } {
  const { index, firstRow, distinct } = hashRows(columns, weights);
  const summed = new Float64Array(distinct);
  for (let i = 0; i < index.length; i++) if (index[i] >= 0) summed[index[i]] += weights === undefined ? 1 : weights[i];
  const out = columns.map((column) => {
    const values = new Float64Array(distinct);
    for (let k = 0; k < distinct; k++) values[k] = column[firstRow[k]] + 0;
    return values;
  });
  return { columns: out, weights: summed };
}

/**
 * Numbers the distinct rows of parallel numeric columns in order of first occurrence (open addressing on the
 * bit patterns; −0 equals 0): `index[i]` is row i's number (−1 for rows of weight 0, which are skipped),
 * `firstRow[k]` the first row of number k.
 */
function hashRows(columns: ArrayLike<number>[], weights?: ArrayLike<number>): { index: Int32Array; firstRow: Int32Array; distinct: number } {
  const n = columns.length === 0 ? 0 : columns[0].length;
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  const firstRow = new Int32Array(n);
  const index = new Int32Array(n);
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    if (weights !== undefined && weights[i] === 0) {
      index[i] = -1;
      continue;
    }
    let hash = 0x9747b28c;
    for (let c = 0; c < columns.length; c++) hash = hashDouble(columns[c][i] + 0, hash);
    let slot = hash & mask;
    for (;;) {
      const at = table[slot];
      if (at === -1) {
        table[slot] = distinct;
        firstRow[distinct] = i;
        index[i] = distinct++;
        break;
      }
      const row = firstRow[at];
      let same = true;
      for (let c = 0; c < columns.length && same; c++) same = columns[c][row] === columns[c][i];
      if (same) {
        index[i] = at;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { index, firstRow, distinct };
}

/** Distinct values of a column and, for each entry, the index of its value among them. */
export interface DistinctValues {
  /** Distinct values, in order of first occurrence. */
  values: Float64Array;
  /** For each entry, the index into `values`. */
  index: Int32Array;
}

/**
 * Indexes the distinct values of a column, so that terms of a likelihood that depend on one column only
 * (ln Γ(r + x) and ln B(a, b + x) on the frequency, ln(α + T) on T, ...) are computed once per distinct
 * value instead of once per entry.
 *
 * Cost: O(n).
 *
 * @example
 * distinctValues([0, 2, 0, 5]).values // => Float64Array [0, 2, 5]
 */
export function distinctValues(column: ArrayLike<number>): DistinctValues {
  const lookup = new Map<number, number>();
  const values: number[] = [];
  const index = new Int32Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const x = column[i];
    let at = lookup.get(x);
    if (at === undefined) {
      at = values.length;
      lookup.set(x, at);
      values.push(x);
    }
    index[i] = at;
  }
  return { values: Float64Array.from(values), index };
}

/** RFM data with its distinct frequencies, recencies and ages indexed, ready for repeated likelihood evaluations. */
export interface IndexedRfm {
  /** Number of entries. */
  length: number;
  /** Weight of each entry (1 each when the data had none). */
  weights: Float64Array;
  frequency: DistinctValues;
  recency: DistinctValues;
  T: DistinctValues;
}

/**
 * Indexes the distinct values of each column of RFM data (see {@link distinctValues}). A purchase-model
 * likelihood then needs ln Γ and ln B once per distinct frequency and ln(α + t) once per distinct
 * recency and age — with data in days or weeks, a few hundred values — leaving one log-sum-exp per entry.
 *
 * Cost: O(n).
 */
export function indexRfm(data: RfmData): IndexedRfm {
  const length = data.frequency.length;
  const weights = new Float64Array(length);
  for (let i = 0; i < length; i++) weights[i] = data.weights === undefined ? 1 : data.weights[i];
  return { length, weights, frequency: distinctValues(data.frequency), recency: distinctValues(data.recency), T: distinctValues(data.T) };
}

/**
 * A random sample of about `customers` customers of `data` (all of it when it has no more), for choosing
 * starting points on large data: an entry of weight w (1 when unweighted) keeps weight ⌊w·q⌋ plus 1 with
 * probability frac(w·q), q = customers / total weight, so every tuple keeps its expected share; entries left
 * with weight 0 are dropped. Deterministic for a seed.
 *
 * Cost: O(n).
 */
export function sampleRfm(data: RfmData, customers: number, seed = 0x5a3d1e): CompressedRfm {
  const n = data.frequency.length;
  const total = totalWeight(data.weights, n);
  const q = Math.min(1, customers / total);
  const rng = createRng(seed);
  const frequency: number[] = [];
  const recency: number[] = [];
  const T: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const expected = (data.weights === undefined ? 1 : data.weights[i]) * q;
    const w = Math.floor(expected) + (rng.uniform() < expected - Math.floor(expected) ? 1 : 0);
    if (w === 0) continue;
    frequency.push(data.frequency[i]);
    recency.push(data.recency[i]);
    T.push(data.T[i]);
    weights.push(w);
  }
  return { frequency: Float64Array.from(frequency), recency: Float64Array.from(recency), T: Float64Array.from(T), weights: Float64Array.from(weights) };
}

/**
 * The distinct rows of parallel numeric columns, for computing something once per distinct row: `index[i]`
 * is row i's position among the distinct rows (in order of first occurrence), `distinct` their number.
 * Rows are equal when every column is `===` (−0 equals 0).
 *
 * Cost: O(n) expected (open addressing on the bit patterns, as {@link compressRfm}).
 */
export function rowIndex(columns: ArrayLike<number>[]): { index: Int32Array; distinct: number } {
  const { index, distinct } = hashRows(columns);
  return { index, distinct };
}
