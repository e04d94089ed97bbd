/**
 * k-means on points stored row by row in a Float64Array: k-means++ seeding (Arthur & Vassilvitskii 2007,
 * "k-means++: the advantages of careful seeding", SODA) followed by Lloyd's iterations (Lloyd 1982) with Hamerly's
 * bounds (Hamerly 2010), and the mean
 * silhouette (Rousseeuw 1987, "Silhouettes", J. Comput. Appl. Math. 20:53–65) on a seeded sample.
 *
 * Written here instead of simple-statistics' kMeansCluster / silhouette because those, measured (docs/segment.md),
 * take 24 s for one k at 1,000,000 points, have no iteration limit, throw "Centroid N has no friends" when an
 * initial centre loses all its points (it happens with tied customers), and the silhouette builds an n × n matrix
 * of JavaScript arrays (1.7 s and ~130 MB at 4,000 points); `silhouetteMetric` is the maximum, not the mean.
 */
import { ModelError, UsageError } from '../errors.js';

/** Fewer points, or fewer distinct points, than clusters asked for. */
export class TooFewPointsError extends ModelError {}

/**
 * A seeded uniform random source on [0, 1) (mulberry32): the same seed gives the same sequence.
 * @example
 * const random = seededRandom(1); random(); // => 0.6270739405881613
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `m` distinct indices out of 0..n−1, drawn without replacement (partial Fisher–Yates), in ascending order; all
 * of them when m >= n.
 *
 * O(n) memory, O(n + m log m) time.
 *
 * @example
 * sampleIndices(5, 10, seededRandom(1)); // => Int32Array [0, 1, 2, 3, 4]
 */
export function sampleIndices(n: number, m: number, random: () => number): Int32Array {
  if (m >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.slice(0, m).sort();
}

/** Options of {@link kMeans}. */
export interface KMeansOptions {
  /** Seed of the random source of the k-means++ seeding. Default 1. */
  seed?: number;
  /** Maximum number of Lloyd iterations per start. Default 300. */
  maxIterations?: number;
  /** Number of seeded starts; the one with the smallest inertia is kept. Default 1. */
  restarts?: number;
  /**
   * Stop when the centres' squared moves add up to at most tolerance × the mean variance of the dimensions
   * (scikit-learn's `tol`). 0 = only when no point changes cluster. Default 1e-4.
   */
  tolerance?: number;
  /** Start from these k × dimensions centres instead of k-means++ (one start). */
  initialCentroids?: Float64Array;
}

/** A k-means solution. */
export interface KMeansFit {
  k: number;
  dimensions: number;
  /** k × dimensions centres, row by row. */
  centroids: Float64Array;
  /** Cluster (0..k−1) of each point. */
  labels: Int32Array;
  /** Sum of squared distances of the points to their centres. */
  inertia: number;
  /** Lloyd iterations of the kept start. */
  iterations: number;
  /** True when no point changed cluster or the centres moved less than the tolerance; false at maxIterations. */
  converged: boolean;
}

/**
 * k-means: k-means++ seeding, then Lloyd's iterations until no point changes cluster, the centres move less than
 * the tolerance, or maxIterations. A centre that loses all its points is moved to the point farthest from its own
 * centre. Labels are always the nearest final centre. Deterministic for a seed.
 *
 * O(n × k × dimensions) per iteration at worst; with Hamerly's bounds late iterations cost about O(n × dimensions).
 * O(n) memory beyond the points.
 *
 * @param points n × dimensions values, row by row
 * @throws TooFewPointsError (a ModelError) when there are fewer than k distinct points
 * @throws UsageError when k is not an integer >= 1
 * @example
 * kMeans(Float64Array.of(0, 0, 0.1, 0, 5, 5, 5.1, 5), 2, 2).labels; // => Int32Array [1, 1, 0, 0]
 */
export function kMeans(points: Float64Array, dimensions: number, k: number, options: KMeansOptions = {}): KMeansFit {
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`invalid number of clusters ${k}`, { hint: 'give an integer >= 1' });
  const n = points.length / dimensions;
  if (!Number.isInteger(n)) throw new RangeError(`points length ${points.length} is not a multiple of ${dimensions} dimensions`);
  if (n < k) throw new TooFewPointsError(`k-means needs at least ${k} points for k = ${k}: found ${n}`);
  const maxIterations = options.maxIterations ?? 300;
  const threshold = (options.tolerance ?? 1e-4) * meanVariance(points, dimensions);
  if (options.initialCentroids) {
    if (options.initialCentroids.length !== k * dimensions) throw new RangeError(`initial centroids need ${k * dimensions} values: found ${options.initialCentroids.length}`);
    return lloyd(points, dimensions, k, Float64Array.from(options.initialCentroids), maxIterations, threshold);
  }
  const random = seededRandom(options.seed ?? 1);
  const restarts = Math.max(1, options.restarts ?? 1);
  let best: KMeansFit | null = null;
  for (let start = 0; start < restarts; start++) {
    const fit = lloyd(points, dimensions, k, kMeansPlusPlus(points, dimensions, k, random), maxIterations, threshold);
    if (best === null || fit.inertia < best.inertia) best = fit;
  }
  return best!;
}

/** Mean over the dimensions of the population variance. */
function meanVariance(points: Float64Array, d: number): number {
  const n = points.length / d;
  if (n === 0) return 0;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += points[i * d + j];
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (points[i * d + j] - mean) ** 2;
    total += squares / n;
  }
  return total / d;
}

/** k-means++ seeding: each next centre is a point drawn with probability proportional to D², its squared distance to the nearest centre so far. */
function kMeansPlusPlus(points: Float64Array, d: number, k: number, random: () => number): Float64Array {
  const n = points.length / d;
  const centroids = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) centroids[c * d + j] = points[chosen * d + j];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let dist = 0;
      for (let j = 0; j < d; j++) {
        const diff = points[i * d + j] - centroids[c * d + j];
        dist += diff * diff;
      }
      if (dist < nearest[i]) nearest[i] = dist;
      sum += nearest[i];
    }
    if (c === k - 1) break;
    if (!(sum > 0)) throw new TooFewPointsError(`k-means needs at least ${k} distinct points for k = ${k}: found ${c + 1}`);
    let target = random() * sum;
    chosen = -1;
    for (let i = 0; i < n; i++) {
      if (nearest[i] === 0) continue;
      chosen = i;
      target -= nearest[i];
      if (target < 0) break;
    }
  }
  return centroids;
}

/**
 * Lloyd's iterations from the given centres, accelerated with Hamerly's bounds (Hamerly 2010, "Making k-means even
 * faster", SDM): each point keeps an upper bound on the distance to its centre and a lower bound on the distance
 * to any other centre; when the bounds show that the centre cannot have changed, the k distances are skipped.
 * The result is the same as plain Lloyd's (up to ties), and late iterations cost O(n).
 */
function lloyd(points: Float64Array, d: number, k: number, centroids: Float64Array, maxIterations: number, threshold: number): KMeansFit {
  const n = points.length / d;
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const previous = new Float64Array(k * d);
  const moved = new Float64Array(k);
  const half = new Float64Array(k);
  for (let i = 0; i < n; i++) nearestTwo(points, i, d, k, centroids, labels, upper, lower);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    // New centres from the assignment; a centre without points takes the point farthest from its centre.
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += points[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) continue;
      let far = -1;
      for (let i = 0; i < n; i++) if (counts[labels[i]] > 1 && (far < 0 || upper[i] > upper[far])) far = i;
      if (far < 0) throw new ModelError(`k-means cannot fill ${k} clusters from ${n} points`);
      const old = labels[far];
      counts[old]--;
      for (let j = 0; j < d; j++) sums[old * d + j] -= points[far * d + j];
      labels[far] = c;
      counts[c] = 1;
      for (let j = 0; j < d; j++) sums[c * d + j] = points[far * d + j];
      upper[far] = Infinity; // force an exact check next pass
      lower[far] = 0;
    }
    previous.set(centroids);
    let totalShift = 0;
    for (let c = 0; c < k; c++) {
      let shift = 0;
      for (let j = 0; j < d; j++) {
        const value = sums[c * d + j] / counts[c];
        const diff = value - previous[c * d + j];
        shift += diff * diff;
        centroids[c * d + j] = value;
      }
      moved[c] = Math.sqrt(shift);
      totalShift += shift;
    }
    // Largest and second largest move, to loosen the lower bounds.
    let first = 0;
    for (let c = 1; c < k; c++) if (moved[c] > moved[first]) first = c;
    let second = 0;
    for (let c = 0; c < k; c++) if (c !== first && moved[c] > second) second = moved[c];
    // Half the distance from each centre to its nearest other centre.
    for (let c = 0; c < k; c++) {
      let nearest = Infinity;
      for (let o = 0; o < k; o++) {
        if (o === c) continue;
        let dist = 0;
        for (let j = 0; j < d; j++) {
          const diff = centroids[c * d + j] - centroids[o * d + j];
          dist += diff * diff;
        }
        if (dist < nearest) nearest = dist;
      }
      half[c] = Math.sqrt(nearest) / 2;
    }
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      upper[i] += moved[c];
      lower[i] -= c === first ? second : moved[first];
      const bound = Math.max(half[c], lower[i]);
      if (upper[i] <= bound) continue;
      let dist = 0;
      for (let j = 0; j < d; j++) {
        const diff = points[i * d + j] - centroids[c * d + j];
        dist += diff * diff;
      }
      upper[i] = Math.sqrt(dist);
      if (upper[i] <= bound) continue;
      nearestTwo(points, i, d, k, centroids, labels, upper, lower);
      if (labels[i] !== c) changed++;
    }
    if (changed === 0 || totalShift <= threshold) {
      converged = true;
      break;
    }
  }
  // Final assignment and inertia against the final centres (exact, without bounds).
  const distances = new Float64Array(n);
  if (assign(points, d, k, centroids, labels, distances) > 0 && threshold === 0) converged = false;
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += distances[i];
  return { k, dimensions: d, centroids, labels, inertia, iterations, converged };
}

/** Sets point i's label to its nearest centre (lowest index on ties), upper to that distance and lower to the second smallest. */
function nearestTwo(points: Float64Array, i: number, d: number, k: number, centroids: Float64Array, labels: Int32Array, upper: Float64Array, lower: Float64Array): void {
  let best = Infinity;
  let runnerUp = Infinity;
  let label = 0;
  const offset = i * d;
  for (let c = 0; c < k; c++) {
    let dist = 0;
    const co = c * d;
    for (let j = 0; j < d; j++) {
      const diff = points[offset + j] - centroids[co + j];
      dist += diff * diff;
    }
    if (dist < best) {
      runnerUp = best;
      best = dist;
      label = c;
    } else if (dist < runnerUp) runnerUp = dist;
  }
  labels[i] = label;
  upper[i] = Math.sqrt(best);
  lower[i] = Math.sqrt(runnerUp);
}

/** Assigns each point to its nearest centre (lowest index on ties); returns how many changed. */
function assign(points: Float64Array, d: number, k: number, centroids: Float64Array, labels: Int32Array, distances: Float64Array): number {
  const n = labels.length;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    let bestDist = Infinity;
    let best = 0;
    const offset = i * d;
    for (let c = 0; c < k; c++) {
      let dist = 0;
      const co = c * d;
      for (let j = 0; j < d; j++) {
        const diff = points[offset + j] - centroids[co + j];
        dist += diff * diff;
      }
      if (dist < bestDist) {
        bestDist = dist;
        best = c;
      }
    }
    if (labels[i] !== best) {
      labels[i] = best;
      changed++;
    }
    distances[i] = bestDist;
  }
  return changed;
}

/**
 * Mean silhouette of the points in `sample` (all points when null), computed among the sampled points only,
 * i.e. the exact mean silhouette of the sub-sample (as scikit-learn's `silhouette_score(sample_size=...)`).
 * For point i: a = mean distance to the other points of its cluster, b = smallest mean distance to the points of
 * another cluster, s = (b − a) / max(a, b); s = 0 when i is alone in its cluster (Rousseeuw 1987). Euclidean
 * distance. Clusters without sampled points are ignored; null when fewer than 2 clusters have sampled points.
 *
 * O(m² × dimensions / 2) time for m sampled points (each pair once), O(m × k) memory.
 *
 * @example
 * meanSilhouette(Float64Array.of(0, 1, 10, 11), 1, Int32Array.of(0, 0, 1, 1), 2, null); // => 0.8997...
 */
export function meanSilhouette(points: Float64Array, dimensions: number, labels: ArrayLike<number>, k: number, sample: Int32Array | null): number | null {
  const d = dimensions;
  const index = sample ?? Int32Array.from({ length: labels.length }, (_, i) => i);
  const m = index.length;
  const counts = new Float64Array(k);
  for (let s = 0; s < m; s++) counts[labels[index[s]]]++;
  let populated = 0;
  for (let c = 0; c < k; c++) if (counts[c] > 0) populated++;
  if (populated < 2) return null;
  // sums[s × k + c]: total distance from sampled point s to the sampled points of cluster c; each pair once.
  const sums = new Float64Array(m * k);
  const sampledLabels = new Int32Array(m);
  for (let s = 0; s < m; s++) sampledLabels[s] = labels[index[s]];
  for (let s = 0; s < m; s++) {
    const i = index[s];
    const ls = sampledLabels[s];
    for (let t = s + 1; t < m; t++) {
      const j = index[t];
      let dist = 0;
      for (let q = 0; q < d; q++) {
        const diff = points[i * d + q] - points[j * d + q];
        dist += diff * diff;
      }
      dist = Math.sqrt(dist);
      sums[s * k + sampledLabels[t]] += dist;
      sums[t * k + ls] += dist;
    }
  }
  let total = 0;
  for (let s = 0; s < m; s++) {
    const own = sampledLabels[s];
    if (counts[own] <= 1) continue; // s = 0 for a point alone in its cluster
    const a = sums[s * k + own] / (counts[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c] > 0 && sums[s * k + c] / counts[c] < b) b = sums[s * k + c] / counts[c];
    const denominator = Math.max(a, b);
    total += denominator > 0 ? (b - a) / denominator : 0;
  }
  return total / m;
}
