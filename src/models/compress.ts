/**
 * Collapsing model data to distinct tuples with weights, so that a likelihood evaluation costs
 * O(distinct tuples) instead of O(customers). Fader & Hardie do the same in their spreadsheets (one row per
 * observed (x, t_x, T) pattern with its count), and lifetimes exposes it as the `weights` argument of `fit`.
 *
 * The log-likelihood of the compressed data equals that of the original (sum of weight × per-tuple value),
 * up to the order of floating-point summation.
 */
import type { RfmData } from './types.js';

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
 * Cost: O(n) time with a hash map, O(distinct) memory for the result.
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
  const index = new Map<string, number>();
  const frequency: number[] = [];
  const recency: number[] = [];
  const T: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const weight = data.weights === undefined ? 1 : data.weights[i];
    if (weight === 0) continue;
    const x = data.frequency[i];
    const tx = data.recency[i];
    const age = data.T[i];
    const key = `${x} ${tx} ${age}`;
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, frequency.length);
      frequency.push(x);
      recency.push(tx);
      T.push(age);
      weights.push(weight);
    } else {
      weights[at] += weight;
    }
  }
  return { frequency: Float64Array.from(frequency), recency: Float64Array.from(recency), T: Float64Array.from(T), weights: Float64Array.from(weights) };
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
  const index = new Map<string, number>();
  const frequency: number[] = [];
  const monetaryValue: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const weight = data.weights === undefined ? 1 : data.weights[i];
    if (weight === 0) continue;
    const x = data.frequency[i];
    const m = data.monetaryValue[i];
    const key = `${x} ${m}`;
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, frequency.length);
      frequency.push(x);
      monetaryValue.push(m);
      weights.push(weight);
    } else {
      weights[at] += weight;
    }
  }
  return { frequency: Float64Array.from(frequency), monetaryValue: Float64Array.from(monetaryValue), weights: Float64Array.from(weights) };
}

/** Distinct frequencies and, for each entry, the index of its frequency among them. */
export interface FrequencyGroups {
  /** Distinct frequency values, in order of first occurrence. */
  values: Float64Array;
  /** For each entry, the index into `values`. */
  index: Int32Array;
}

/**
 * Groups entries by frequency, so that the terms of a likelihood that depend only on the frequency
 * (ln Γ(r + x), ln B(a, b + x), ...) are computed once per distinct frequency instead of once per entry.
 *
 * Cost: O(n).
 *
 * @example
 * groupFrequencies([0, 2, 0, 5]).values // => Float64Array [0, 2, 5]
 */
export function groupFrequencies(frequency: ArrayLike<number>): FrequencyGroups {
  const lookup = new Map<number, number>();
  const values: number[] = [];
  const index = new Int32Array(frequency.length);
  for (let i = 0; i < frequency.length; i++) {
    const x = frequency[i];
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
