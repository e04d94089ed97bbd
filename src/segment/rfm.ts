/**
 * RFM scores by quantiles: recency, frequency and monetary value each scored 1..bins, where a score says which
 * fraction of the customers lies strictly below the customer on that measure (Hughes 1994, "Strategic Database
 * Marketing"; Kumar & Reinartz 2018, "Customer Relationship Management", 3rd ed., on RFM and customer value).
 *
 * Measures (see docs/segment.md):
 * - recency: days from the last purchase to the as-of day, `asOf - lastDay` (fewer days score higher R);
 * - frequency: number of transactions (`transactions`);
 * - monetary: total revenue (`revenue`, default) or revenue per transaction (`revenue / transactions`).
 */
import type { Day } from '../core/days.js';
import { dayToIso } from '../core/days.js';
import type { CustomerSummary } from '../core/types.js';
import { fieldReader, type RecordList } from '../core/record-columns.js';
import { UsageError } from '../errors.js';

/** Which monetary value the M score and the cluster's spend use: total revenue or revenue per transaction. */
export type MonetaryMeasure = 'total' | 'mean';

/** Options of {@link rfmScores}. */
export interface RfmOptions {
  /** Number of score levels, an integer from 2 to 9 (one digit per score in the RFM code). Default 5. */
  bins?: number;
  /** `'total'` revenue (default) or `'mean'` revenue per transaction. */
  monetary?: MonetaryMeasure;
}

/** The three RFM measures of each customer, parallel to the summaries. */
export interface RfmMeasures {
  /** Days since the last purchase at the as-of day. */
  recencyDays: Float64Array;
  /** Number of transactions. */
  transactions: Float64Array;
  /** Total revenue or revenue per transaction, as chosen. */
  monetary: Float64Array;
}

/** RFM scores of each customer, parallel to the summaries; each score is 1..bins. */
export interface RfmScores {
  bins: number;
  monetary: MonetaryMeasure;
  R: Uint8Array;
  F: Uint8Array;
  M: Uint8Array;
  measures: RfmMeasures;
}

/** What one score level of one measure covers: how many customers and the range of the measure among them. */
export interface ScoreBand {
  score: number;
  customers: number;
  /** Smallest and largest value of the measure among these customers; null when no customer has this score. */
  min: number | null;
  max: number | null;
  /**
   * For a used score, the highest score it stands for: when a tie jumps over the scores after it, its
   * customers span their percentile bands too (CDNOW's one-time buyers: F = 1 through 2). Equal to `score`
   * when nothing is skipped; null for an unused score.
   */
  through: number | null;
  /** For an unused (skipped) score, the used score below it whose tied customers span its band; else null. */
  mergedInto: number | null;
}

/** One cell of the R × F grid. */
export interface GridCell {
  R: number;
  F: number;
  customers: number;
  /** Mean monetary value (the measure chosen for M) of the cell's customers; null for an empty cell. */
  meanMonetary: number | null;
  /**
   * For a cell in the row or column of a skipped score: the cell that holds its customers (each skipped score
   * replaced by the used score it is merged into, see {@link ScoreBand}); null for a cell of used scores.
   */
  mergedInto: { R: number; F: number } | null;
}

/** Default number of score levels. */
export const DEFAULT_BINS = 5;

/**
 * Checks a number of bins: an integer from 2 to 9.
 * @throws UsageError when it is not
 */
export function checkBins(bins: number): void {
  if (!Number.isInteger(bins) || bins < 2 || bins > 9) {
    throw new UsageError(`invalid number of RFM bins ${bins}`, { hint: 'use an integer from 2 to 9 (one digit per score)' });
  }
}

/**
 * Quantile scores 1..bins, higher values scoring higher, with the tie rule of the minimum rank:
 * `score = 1 + floor(bins * below / n)`, where `below` is the number of values strictly smaller than the value.
 * Equal values always get equal scores; the smallest value always scores 1. A score s means that at least
 * (s-1)/bins and less than s/bins of the customers lie strictly below. When a value is shared by many customers,
 * the scores above it are skipped (not compacted): with 60% of values equal to the minimum, the next value scores
 * 1 + floor(5 × 0.6) = 4 and scores 2 and 3 are not used. All values equal: everyone scores 1.
 *
 * O(n log n) time, O(n) memory.
 *
 * @throws UsageError when bins is not an integer from 2 to 9
 * @throws RangeError when a value is not a finite number
 * @example
 * quantileScores([10, 20, 20, 30, 40], 5); // => Uint8Array [1, 2, 2, 4, 5]
 */
export function quantileScores(values: ArrayLike<number>, bins: number = DEFAULT_BINS): Uint8Array {
  checkBins(bins);
  const n = values.length;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`quantile scores need finite values: found ${v} at index ${i}`);
    sorted[i] = v;
  }
  const scores = new Uint8Array(n);
  const below = integerRanks(sorted);
  if (below) {
    // integer values over a short range (days, transaction counts): counts, no sort
    const min = below.min;
    for (let i = 0; i < n; i++) scores[i] = 1 + Math.floor((bins * below.counts[values[i] - min]) / n);
    return scores;
  }
  sorted.sort();
  // The score does not decrease with the value: each score from 2 up starts at a value (the first of the sorted
  // values, at a run of equal ones, whose score reaches it), and a customer's score is the highest whose start
  // is at or below its value: a few comparisons instead of a search of the sorted values per customer.
  const starts = new Float64Array(bins + 1).fill(Infinity);
  starts[1] = -Infinity;
  for (let k = 0, s = 2; k < n && s <= bins; k++) {
    if (k > 0 && sorted[k] === sorted[k - 1]) continue;
    // sorted[k] starts a run: k values are below it
    const score = 1 + Math.floor((bins * k) / n);
    for (; s <= score; s++) starts[s] = sorted[k];
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let score = 1;
    while (score < bins && starts[score + 1] <= v) score++;
    scores[i] = score;
  }
  return scores;
}

/**
 * For integer values whose range is at most twice their number: for each value v from the minimum, how many
 * values are strictly below it (`counts[v − min]`). Null for other values. O(n + range).
 */
function integerRanks(values: Float64Array): { min: number; counts: Float64Array } | null {
  const n = values.length;
  if (n === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) return null;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max - min > 2 * n + 1024) return null;
  const counts = new Float64Array(max - min + 2);
  for (let i = 0; i < n; i++) counts[values[i] - min + 1]++;
  for (let k = 1; k < counts.length; k++) counts[k] += counts[k - 1];
  return { min, counts };
}

/**
 * The RFM measures of each customer at the as-of day.
 *
 * O(n).
 *
 * @throws UsageError when a customer's last purchase is after the as-of day
 * @example
 * rfmMeasures([{ id: '1', firstDay: 0, lastDay: 90, transactions: 4, revenue: 200, ... }], 100).recencyDays; // => [10]
 */
export function rfmMeasures(summaries: RecordList<CustomerSummary>, asOf: Day, monetary: MonetaryMeasure = 'total'): RfmMeasures {
  const n = summaries.length;
  const recencyDays = new Float64Array(n);
  const transactions = new Float64Array(n);
  const monetaryValues = new Float64Array(n);
  const [lastDayOf, transactionsOf, revenueOf] = [fieldReader(summaries, 'lastDay'), fieldReader(summaries, 'transactions'), fieldReader(summaries, 'revenue')];
  for (let i = 0; i < n; i++) {
    const lastDay = lastDayOf(i)!;
    if (lastDay > asOf) {
      throw new UsageError(`as-of ${dayToIso(asOf)} is before the last purchase of customer "${fieldReader(summaries, 'id')(i)}" (${dayToIso(lastDay)})`, {
        hint: 'give an as-of day on or after the end of the sales window',
      });
    }
    const count = transactionsOf(i)!;
    const revenue = revenueOf(i)!;
    recencyDays[i] = asOf - lastDay;
    transactions[i] = count;
    monetaryValues[i] = monetary === 'mean' ? (count > 0 ? revenue / count : 0) : revenue;
  }
  return { recencyDays, transactions, monetary: monetaryValues };
}

/**
 * RFM scores of every customer: R from recency in days (fewer days score higher), F from the number of
 * transactions, M from total revenue or revenue per transaction, each by {@link quantileScores}.
 *
 * O(n log n).
 *
 * @throws UsageError for bins outside 2..9, an unknown monetary measure, or an as-of day before a last purchase
 * @example
 * const scores = rfmScores(summaries, asOf, { bins: 5 });
 * rfmCode(scores.R[0], scores.F[0], scores.M[0]); // => '545'
 */
export function rfmScores(summaries: RecordList<CustomerSummary>, asOf: Day, options: RfmOptions = {}): RfmScores {
  const bins = options.bins ?? DEFAULT_BINS;
  const monetary = options.monetary ?? 'total';
  checkBins(bins);
  if (monetary !== 'total' && monetary !== 'mean') {
    throw new UsageError(`invalid monetary measure "${String(monetary)}"`, { hint: "use 'total' or 'mean'" });
  }
  const measures = rfmMeasures(summaries, asOf, monetary);
  const negatedRecency = measures.recencyDays.map((d) => -d);
  return {
    bins,
    monetary,
    R: quantileScores(negatedRecency, bins),
    F: quantileScores(measures.transactions, bins),
    M: quantileScores(measures.monetary, bins),
    measures,
  };
}

/**
 * The RFM code of one customer: the three scores as digits.
 * @example
 * rfmCode(5, 4, 5); // => '545'
 */
export function rfmCode(R: number, F: number, M: number): string {
  return `${R}${F}${M}`;
}

/**
 * For each score 1..bins: the number of customers and the range of the measure among them, to read the edges;
 * and which scores a tie merged: an unused score's `mergedInto` is the used score below it, whose `through`
 * then reaches it (the tie rule is R's rfm package's too: equal values share a score, the scores they span are
 * skipped, not compacted; see docs/segment.md).
 *
 * O(n + bins).
 *
 * @example
 * scoreBands([10, 20, 20, 30], Uint8Array.of(1, 2, 2, 4), 4); // => [{score: 1, customers: 1, min: 10, max: 10, through: 1, mergedInto: null}, {score: 2, ..., through: 3}, {score: 3, customers: 0, min: null, max: null, through: null, mergedInto: 2}, ...]
 */
export function scoreBands(values: ArrayLike<number>, scores: ArrayLike<number>, bins: number): ScoreBand[] {
  const bands: ScoreBand[] = [];
  for (let s = 1; s <= bins; s++) bands.push({ score: s, customers: 0, min: null, max: null, through: null, mergedInto: null });
  for (let i = 0; i < scores.length; i++) {
    const band = bands[scores[i] - 1];
    const v = values[i];
    band.customers++;
    if (band.min === null || v < band.min) band.min = v;
    if (band.max === null || v > band.max) band.max = v;
  }
  const used = usedScores(scores, bins);
  for (const band of bands) {
    const into = used[band.score];
    if (band.customers > 0) band.through = band.score;
    else if (into > 0) {
      band.mergedInto = into;
      bands[into - 1].through = band.score;
    }
  }
  return bands;
}

/**
 * For each score 1..bins (index = score), the used score that stands for it: itself when some customer has it,
 * else the nearest used score below (the tie that jumped over it); 0 when there is none (no customers).
 */
function usedScores(scores: ArrayLike<number>, bins: number): Int32Array {
  const seen = new Uint8Array(bins + 1);
  for (let i = 0; i < scores.length; i++) seen[scores[i]] = 1;
  const used = new Int32Array(bins + 1);
  for (let s = 1; s <= bins; s++) used[s] = seen[s] ? s : used[s - 1];
  return used;
}

/**
 * The R × F grid: for each pair of scores, the number of customers and their mean monetary value. Cells are
 * listed R = bins first (most recent), then F descending, so the first row is the most recent customers.
 *
 * O(n + bins²).
 *
 * @example
 * rfGrid(Uint8Array.of(2, 2), Uint8Array.of(1, 1), [10, 30], 2).find((c) => c.R === 2 && c.F === 1); // => {R: 2, F: 1, customers: 2, meanMonetary: 20, mergedInto: null}
 */
export function rfGrid(R: ArrayLike<number>, F: ArrayLike<number>, monetary: ArrayLike<number>, bins: number): GridCell[] {
  const counts = new Float64Array(bins * bins);
  const sums = new Float64Array(bins * bins);
  for (let i = 0; i < R.length; i++) {
    const cell = (R[i] - 1) * bins + (F[i] - 1);
    counts[cell]++;
    sums[cell] += monetary[i];
  }
  const usedR = usedScores(R, bins);
  const usedF = usedScores(F, bins);
  const cells: GridCell[] = [];
  for (let r = bins; r >= 1; r--) {
    for (let f = bins; f >= 1; f--) {
      const cell = (r - 1) * bins + (f - 1);
      const skipped = (usedR[r] !== r || usedF[f] !== f) && usedR[r] > 0 && usedF[f] > 0;
      cells.push({
        R: r,
        F: f,
        customers: counts[cell],
        meanMonetary: counts[cell] > 0 ? sums[cell] / counts[cell] : null,
        mergedInto: skipped ? { R: usedR[r], F: usedF[f] } : null,
      });
    }
  }
  return cells;
}
