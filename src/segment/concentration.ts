/**
 * Concentration of customer value: Lorenz curve, Gini coefficient, top-x% shares and ABC classes (the Pareto
 * analysis of the customer base; Kumar & Reinartz 2018, "Customer Relationship Management", 3rd ed., on customer
 * value metrics; Gini as in Gini 1912 with the mean-difference definition, see docs/segment.md).
 *
 * Customers with a negative value (net returns, loss-making margin) are listed apart: the Lorenz curve, the Gini
 * coefficient and the top-x% shares are computed on the customers with a value >= 0 only; in the ABC classes
 * negative customers are C, counted and valued there (the C row says how many and how much).
 */
import { UsageError } from '../errors.js';

/** ABC class of a customer. */
export type AbcClass = 'A' | 'B' | 'C';

/** Options of {@link concentration}. */
export interface ConcentrationOptions {
  /** Fractions of customers for the top shares, each in (0, 1]. Default [0.01, 0.05, 0.1, 0.2]. */
  topShares?: number[];
  /** Cumulative value shares ending class A and class B, 0 < a < b <= 1. Default [0.8, 0.95]. */
  abcThresholds?: [number, number];
  /** Maximum number of Lorenz points in the output, at least 2. Default 101 (every percent of customers). */
  lorenzPoints?: number;
  /** Maximum number of negative-value customers listed by id (all are counted). Default 1000. */
  negativeListLimit?: number;
}

/** One point of the Lorenz curve: the poorest `customerShare` of customers hold `valueShare` of the value. */
export interface LorenzPoint {
  customerShare: number;
  valueShare: number;
}

/** The share of value held by the top fraction of customers. */
export interface TopShare {
  /** Fraction of customers asked for (0.2 = top 20%). */
  fraction: number;
  /** Number of customers counted: ceil(fraction × n), at least 1. */
  customers: number;
  /** Their share of the total value; null when the total is 0. */
  valueShare: number | null;
}

/** Customers and value of one ABC class. */
export interface AbcSummary {
  class: AbcClass;
  /** Customers of the class, negative-value customers included (they are C). */
  customers: number;
  shareOfCustomers: number;
  /** Sum of the values of the class's customers, negative values included: the same customers as `customers`. */
  value: number;
  /**
   * value / the total of the non-negative values (the total the classes are cut on); null when that is 0. With
   * negative customers, C's share is lowered by their value, and the shares add up to net total / total.
   */
  shareOfValue: number | null;
  /** Of `customers`, those with a negative value (always C), and the sum of their values (<= 0). */
  negativeCustomers: number;
  negativeValue: number;
}

/** Concentration figures of a set of customer values. */
export interface ConcentrationResult {
  /** Customers with a value >= 0 (the ones the curve, Gini and top shares are computed on). */
  customers: number;
  /** Sum of the values >= 0. */
  total: number;
  /** Gini coefficient of the values >= 0; null when there are none or they sum to 0. */
  gini: number | null;
  /** Lorenz curve from (0, 0) to (1, 1), customers in ascending order of value, at most `lorenzPoints` points. */
  lorenz: LorenzPoint[];
  top: TopShare[];
  abcThresholds: [number, number];
  abc: AbcSummary[];
  negative: {
    customers: number;
    /** Sum of the negative values (<= 0). */
    total: number;
    /** The most negative first, at most `negativeListLimit` of them. */
    list: { customerId: string; value: number }[];
  };
}

/**
 * Gini coefficient of non-negative values, `G = Σ_i (2i − n − 1) x_(i) / (n Σ x)` with x_(1) <= ... <= x_(n)
 * (i from 1), which equals the mean absolute difference over all ordered pairs divided by twice the mean,
 * `Σ_i Σ_j |x_i − x_j| / (2 n² x̄)`, and 1 − 2 × the area under the Lorenz curve drawn through (i/n, L_i).
 * All values equal gives 0; one customer holding everything gives (n − 1)/n. Null when there are no values or
 * they sum to 0.
 *
 * O(n log n).
 *
 * @throws RangeError when a value is negative or not finite
 * @example
 * gini([1, 1, 1, 1]); // => 0
 * gini([0, 0, 0, 10]); // => 0.75
 * gini([1, 2, 3, 4]); // => 0.25
 */
export function gini(values: ArrayLike<number>): number | null {
  const sorted = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < sorted.length; i++) {
    if (!(sorted[i] >= 0) || !Number.isFinite(sorted[i])) throw new RangeError(`gini needs finite non-negative values: found ${sorted[i]} at index ${i}`);
  }
  sorted.sort();
  return giniOfSorted(sorted);
}

/** Gini of ascending non-negative values. */
function giniOfSorted(sorted: Float64Array): number | null {
  const n = sorted.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i];
    weighted += (2 * (i + 1) - n - 1) * sorted[i];
  }
  if (n === 0 || total === 0) return null;
  return weighted / (n * total);
}

/** Number of customers in the top `fraction` of n: ceil(fraction × n), at least 1, robust to float error. */
export function topCount(fraction: number, n: number): number {
  if (n === 0) return 0;
  const exact = Number((fraction * n).toPrecision(12));
  return Math.min(n, Math.max(1, Math.ceil(exact)));
}

/**
 * Concentration of customer value: Lorenz curve, Gini, top-x% shares, ABC classes and the negative customers.
 *
 * - Top x%: the ceil(x × n) customers with the largest values (n = customers with value >= 0), at least 1;
 *   their share of the total.
 * - ABC: customers in descending order of value; a customer is A when the share of the total held by the
 *   customers with a strictly larger value is < a (0.8), B when it is < b (0.95), C otherwise. Equal values
 *   therefore always get the same class, and the most valuable customer is always A. Values of 0 and negative
 *   values are C. Each class's `value` sums the values of the customers it counts, negative values included
 *   (`negativeCustomers`, `negativeValue`); shares are of the non-negative total.
 * - Lorenz: customers ascending; point i is (i/n, sum of the i smallest / total), downsampled to at most
 *   `lorenzPoints` points at i = round(j × n / (points − 1)). The Gini is computed exactly on all values.
 *
 * O(n log n) time, O(n) memory.
 *
 * @param ids customer ids, parallel to `values`
 * @param values one value per customer (revenue or margin)
 * @throws UsageError for invalid options
 * @throws RangeError when a value is not finite
 * @example
 * concentration(['a', 'b', 'c', 'd', 'e'], [50, 30, 10, 10, 0]).classes; // => ['A', 'A', 'B', 'B', 'C']
 */
export function concentration(
  ids: readonly string[],
  values: ArrayLike<number>,
  options: ConcentrationOptions = {},
): { result: ConcentrationResult; classes: AbcClass[] } {
  const fractions = options.topShares ?? [0.01, 0.05, 0.1, 0.2];
  const [a, b] = options.abcThresholds ?? [0.8, 0.95];
  const lorenzPoints = options.lorenzPoints ?? 101;
  const listLimit = options.negativeListLimit ?? 1000;
  for (const f of fractions) {
    if (!(f > 0 && f <= 1)) throw new UsageError(`invalid top share ${f}`, { hint: 'give fractions of customers in (0, 1], e.g. 0.2 for the top 20%' });
  }
  if (!(a > 0 && a < b && b <= 1)) {
    throw new UsageError(`invalid ABC thresholds ${a}, ${b}`, { hint: 'give two cumulative shares with 0 < A < B <= 1, e.g. 0.8 and 0.95' });
  }
  if (!Number.isInteger(lorenzPoints) || lorenzPoints < 2) throw new UsageError(`invalid number of Lorenz points ${lorenzPoints}`, { hint: 'at least 2' });
  const n = values.length;
  if (ids.length !== n) throw new RangeError(`concentration needs one id per value: ${ids.length} ids, ${n} values`);

  // Non-negative values ascending, negative ones apart.
  let nonNegative = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`concentration needs finite values: found ${v} for customer "${ids[i]}"`);
    if (v >= 0) nonNegative++;
  }
  const sorted = new Float64Array(nonNegative);
  const negativeIndex: number[] = [];
  let negativeTotal = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (values[i] >= 0) sorted[j++] = values[i];
    else {
      negativeIndex.push(i);
      negativeTotal += values[i];
    }
  }
  sorted.sort();
  const m = nonNegative;
  const cumulative = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) cumulative[i + 1] = cumulative[i] + sorted[i];
  const total = cumulative[m];

  const lorenz: LorenzPoint[] = [];
  if (m > 0 && total > 0) {
    let previous = -1;
    for (let j = 0; j < lorenzPoints; j++) {
      const i = Math.round((j * m) / (lorenzPoints - 1));
      if (i === previous) continue;
      previous = i;
      lorenz.push({ customerShare: i / m, valueShare: cumulative[i] / total });
    }
  }

  const top: TopShare[] = fractions.map((fraction) => {
    const count = topCount(fraction, m);
    return { fraction, customers: count, valueShare: total > 0 ? (total - cumulative[m - count]) / total : null };
  });

  // ABC: the value held by customers strictly above a value is total − cumulative[number of values <= it].
  // That share does not increase with the value (the sums only grow), so each class starts at a value: the
  // smallest whose share above is below the threshold (found in one pass over the sorted values), and a
  // customer's class is found by comparing its value with the two (not a search of the sorted values each).
  const [fromA, fromB] = classStarts(sorted, cumulative, total, a, b);
  const names = ['A', 'B', 'C'] as const;
  const classes: AbcClass[] = new Array(n);
  const abcCount = [0, 0, 0];
  const abcValue = [0, 0, 0];
  const abcNegative = [0, 0, 0];
  const abcNegativeValue = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let cls = 2;
    if (v > 0 && total > 0) cls = v >= fromA ? 0 : v >= fromB ? 1 : 2;
    classes[i] = names[cls];
    abcCount[cls]++;
    abcValue[cls] += v;
    if (v < 0) {
      abcNegative[cls]++;
      abcNegativeValue[cls] += v;
    }
  }
  const abc: AbcSummary[] = (['A', 'B', 'C'] as const).map((cls, c) => ({
    class: cls,
    customers: abcCount[c],
    shareOfCustomers: n > 0 ? abcCount[c] / n : 0,
    value: abcValue[c],
    shareOfValue: total > 0 ? abcValue[c] / total : null,
    negativeCustomers: abcNegative[c],
    negativeValue: abcNegativeValue[c],
  }));

  negativeIndex.sort((x, y) => values[x] - values[y] || x - y);
  const list = negativeIndex.slice(0, listLimit).map((i) => ({ customerId: ids[i], value: values[i] }));

  return {
    result: {
      customers: m,
      total,
      gini: m > 0 && total > 0 ? giniOfSorted(sorted) : null,
      lorenz,
      top,
      abcThresholds: [a, b],
      abc,
      negative: { customers: negativeIndex.length, total: negativeTotal, list },
    },
    classes,
  };
}

/**
 * The smallest values of `sorted` (ascending, non-negative; `cumulative[i]` the sum of the first i) whose share
 * of `total` held by larger values, (total − cumulative[number of values <= it]) / total, is below `a`, and
 * below `b`; Infinity when none is.
 */
function classStarts(sorted: Float64Array, cumulative: Float64Array, total: number, a: number, b: number): [number, number] {
  let fromA = Infinity;
  let fromB = Infinity;
  const m = sorted.length;
  for (let e = 0; e < m; ) {
    // the run of values equal to sorted[e]
    const v = sorted[e];
    let end = e + 1;
    while (end < m && sorted[end] === v) end++;
    const shareAbove = (total - cumulative[end]) / total;
    if (fromB === Infinity && shareAbove < b) fromB = v;
    if (shareAbove < a) {
      fromA = v;
      break;
    }
    e = end;
  }
  return [fromA, fromB];
}
