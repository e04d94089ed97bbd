/** The CLV distribution in bins (the HTML report's histogram): regular bins of a round width up to the 99th percentile, the rest counted as overflow. */
import { tickStep } from '../math/nice.js';

/**
 * Bins `values` for a histogram: from min(0, smallest) in steps of a round width (about 20 bins) up to the
 * 99th percentile, so that a few outliers do not squash the picture; values above the last edge are counted
 * in `overflow`. Non-finite values are left out. O(n log n).
 *
 * @example
 * histogramBins([1, 2, 3, 4]) // => { edges: [0, 0.2, ..., 3], counts: [...], overflow: 1 }
 */
export function histogramBins(values: readonly number[]): { edges: number[]; counts: number[]; overflow: number } {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { edges: [0, 1], counts: [0], overflow: 0 };
  const low = Math.min(0, sorted[0]);
  let high = sorted[Math.floor(0.99 * (sorted.length - 1))];
  if (!(high > low)) high = sorted[sorted.length - 1] > low ? sorted[sorted.length - 1] : low + 1;
  const step = tickStep(low, high, 20);
  const start = Math.floor(low / step + 1e-9) * step;
  const bins = Math.max(1, Math.ceil((high - start) / step - 1e-9));
  const edges = Array.from({ length: bins + 1 }, (_, k) => Number((start + k * step).toPrecision(12)));
  const counts = new Array<number>(edges.length - 1).fill(0);
  let overflow = 0;
  const last = edges[edges.length - 1];
  for (const value of sorted) {
    if (value > last) {
      overflow++;
      continue;
    }
    const k = Math.min(counts.length - 1, Math.max(0, Math.floor((value - start) / step)));
    counts[k]++;
  }
  return { edges, counts, overflow };
}
