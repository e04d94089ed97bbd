/**
 * Customer clusters: k-means on the standardised log of recency (days), frequency (transactions) and monetary
 * value, plus any numeric customer attributes, with k chosen by the mean silhouette (Rousseeuw 1987) unless given.
 * Each cluster is reported with its size, centre in original units, revenue share and a short description
 * of its median customer relative to the portfolio medians. See docs/segment.md.
 */
import { ModelError, UsageError } from '../errors.js';
import { kMeans, meanSilhouette, sampleIndices, seededRandom, TooFewPointsError, type KMeansFit } from './k-means.js';

/** Options of {@link clusterCustomers}. All optional. */
export interface ClusterOptions {
  /** Number of clusters; when absent it is chosen in kMin..kMax by the mean silhouette. */
  k?: number;
  /** Smallest k tried. Default 2. */
  kMin?: number;
  /** Largest k tried. Default 8. */
  kMax?: number;
  /** Numeric customer attribute columns added to the three RFM measures. Default none. */
  features?: string[];
  /** Seed of the k-means++ seeding and of the silhouette sample. Default 1. */
  seed?: number;
  /** Number of customers the silhouette is evaluated on (seeded sample; O(m²)). Default 2000. */
  silhouetteSample?: number;
  /**
   * When k is chosen: the candidates are fitted on a seeded sample of at most this many customers, and the chosen
   * k is then refitted on all customers from the sample's centres. Default 100,000.
   */
  selectionSample?: number;
  /** Maximum Lloyd iterations per fit. Default 300. */
  maxIterations?: number;
  /** Stop when the centres' squared moves sum to at most tolerance × mean variance (1 after standardising). Default 1e-4. */
  tolerance?: number;
  /** Seeded k-means++ starts per k, the best (least inertia) kept. Default 1. */
  restarts?: number;
}

/** Per-customer inputs of {@link clusterCustomers}, parallel arrays. */
export interface ClusterInput {
  ids: readonly string[];
  recencyDays: ArrayLike<number>;
  transactions: ArrayLike<number>;
  /** The monetary measure (total revenue or revenue per transaction). */
  monetary: ArrayLike<number>;
  /** Total revenue, for the revenue shares. */
  revenue: ArrayLike<number>;
  /** Customer attributes by customer id, for `features`. */
  attributes?: ReadonlyMap<string, Record<string, string>>;
}

/** One k tried (fitted on the selection sample). */
export interface ClusterCandidate {
  k: number;
  /** Mean silhouette on the silhouette sample; null when fewer than 2 clusters have sampled customers. */
  silhouette: number | null;
  /** Sum of squared distances to the centres, in standardised units, over the customers fitted on. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

/** How a feature was transformed: z = (sign(x) log(1 + |x|) − mean) / sd. */
export interface FeatureTransform {
  feature: string;
  mean: number;
  /** Population standard deviation of the logged values; a feature with sd 0 is all zeros after standardising. */
  sd: number;
  /** Portfolio median in original units. */
  median: number;
}

/** One cluster, numbered from 1 in descending order of revenue. */
export interface ClusterProfile {
  cluster: number;
  customers: number;
  shareOfCustomers: number;
  revenue: number;
  /** Cluster revenue / total revenue; null when the total is 0. */
  shareOfRevenue: number | null;
  /** Centre in original units: the standardisation and the log are inverted (a geometric-mean-like centre). */
  centre: Record<string, number>;
  /** Median of each feature among the cluster's customers, original units: the cluster's typical customer. */
  median: Record<string, number>;
  /**
   * Where the cluster's median customer stands in the portfolio on each feature: the mid-rank percentile
   * (share of all customers below, plus half the share equal), 0.5 = the portfolio median.
   */
  percentile: Record<string, number>;
  /** E.g. 'frequent, recent, high spend': percentile above 0.6 high, below 0.4 low, else average. */
  description: string;
}

/** The clustering of the portfolio. */
export interface ClusterResult {
  k: number;
  chosenBy: 'given' | 'silhouette';
  /** 'recencyDays', 'transactions', 'monetary', then the attribute features. */
  features: string[];
  transforms: FeatureTransform[];
  seed: number;
  /** Number of customers the candidate k were fitted on; null when k was given. */
  selectionSample: number | null;
  /** Number of customers the silhouette was computed on. */
  silhouetteSample: number;
  /** Mean silhouette of the final clustering, on a seeded sample of silhouetteSample customers. */
  silhouette: number | null;
  /** Inertia, Lloyd iterations and convergence of the final fit on all customers. */
  inertia: number;
  iterations: number;
  converged: boolean;
  candidates: ClusterCandidate[];
  clusters: ClusterProfile[];
}

/** Names of the three base features, as used in `centre`. */
export const BASE_FEATURES = ['recencyDays', 'transactions', 'monetary'] as const;

/** Half-width of the 'average' band of the descriptions around the portfolio median, in percentile points. */
const DESCRIPTION_BAND = 0.1;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** sign(x) log(1 + |x|): log1p extended to negative values (net returns) symmetrically. */
export function signedLog1p(x: number): number {
  return x < 0 ? -Math.log1p(-x) : Math.log1p(x);
}

/** Inverse of {@link signedLog1p}. */
export function signedExpm1(y: number): number {
  return y < 0 ? -Math.expm1(-y) : Math.expm1(y);
}

/**
 * Reads numeric attribute columns of every customer.
 * @throws UsageError when a column is in no customer's attributes, or collides with a base feature name
 * @throws ModelError naming the customer and column when a value is missing or not a number
 */
export function attributeFeatures(ids: readonly string[], attributes: ReadonlyMap<string, Record<string, string>> | undefined, features: readonly string[]): Float64Array[] {
  const seen = new Set<string>();
  for (const f of features) {
    if ((BASE_FEATURES as readonly string[]).includes(f)) throw new UsageError(`cluster feature "${f}" is a built-in feature`, { hint: 'rename the attribute column' });
    if (seen.has(f)) throw new UsageError(`cluster feature "${f}" is given twice`);
    seen.add(f);
  }
  if (features.length === 0) return [];
  if (!attributes || attributes.size === 0) {
    throw new UsageError(`cluster features ${features.map((f) => `"${f}"`).join(', ')} need customer attributes`, { hint: 'give the customers file' });
  }
  for (const f of features) {
    let found = false;
    for (const record of attributes.values()) {
      if (Object.hasOwn(record, f)) {
        found = true;
        break;
      }
    }
    if (!found) {
      const first = attributes.values().next().value as Record<string, string>;
      throw new UsageError(`unknown customer attribute "${f}"`, { hint: `the customers file has ${Object.keys(first).map((c) => `"${c}"`).join(', ') || 'no attribute columns'}` });
    }
  }
  return features.map((f) => {
    const column = new Float64Array(ids.length);
    ids.forEach((id, i) => {
      const record = attributes.get(id);
      if (record === undefined) {
        throw new ModelError(`customer "${id}" is not in the customers file: cluster feature "${f}" has no value`, {
          hint: 'add the customer to the customers file or drop the feature',
        });
      }
      const raw = (record[f] ?? '').trim();
      if (raw === '') {
        throw new ModelError(`customer "${id}": cluster feature "${f}" is missing`, { hint: 'every customer needs a number in this column, or drop the feature' });
      }
      if (!NUMBER.test(raw)) {
        throw new ModelError(`customer "${id}": cluster feature "${f}" is not a number: found "${raw}"`, { hint: 'cluster features must be numeric columns' });
      }
      column[i] = Number(raw);
    });
    return column;
  });
}

/**
 * Clusters customers by k-means on z = standardised sign(x)·log(1 + |x|) of recency days, transactions,
 * monetary value and the numeric attribute `features`. Without `k`, each k in kMin..kMax is fitted on all
 * customers (on a seeded sample of `selectionSample` when there are more) and the one with the largest mean
 * silhouette on a seeded sample of `silhouetteSample` customers is kept (ties: the smaller k; k values beyond the
 * number of distinct customers are skipped); a sample's chosen k is refitted on all customers from its centres.
 *
 * O(n × k × d × iterations) per fit, plus O(m² d) per k for the silhouette on m sampled customers.
 *
 * @returns the result and each customer's cluster number (1 = most revenue), parallel to `ids`
 * @throws UsageError for invalid options or feature columns
 * @throws ModelError when a feature value is missing or not numeric, or there are too few distinct customers
 * @example
 * clusterCustomers(input, { seed: 1 }).result.clusters[0].description; // => 'frequent, recent, high spend'
 */
export function clusterCustomers(input: ClusterInput, options: ClusterOptions = {}): { result: ClusterResult; labels: Int32Array } {
  const seed = options.seed ?? 1;
  const kMin = options.kMin ?? 2;
  const kMax = options.kMax ?? 8;
  const sampleSize = options.silhouetteSample ?? 2000;
  if (options.k !== undefined && (!Number.isInteger(options.k) || options.k < 1)) throw new UsageError(`invalid number of clusters ${options.k}`, { hint: 'give an integer >= 1' });
  if (!Number.isInteger(kMin) || !Number.isInteger(kMax) || kMin < 2 || kMax < kMin) {
    throw new UsageError(`invalid range of clusters ${kMin}..${kMax}`, { hint: 'give integers with 2 <= kMin <= kMax' });
  }
  if (!Number.isInteger(sampleSize) || sampleSize < 2) throw new UsageError(`invalid silhouette sample ${sampleSize}`, { hint: 'give an integer >= 2' });
  const selectionSize = options.selectionSample ?? 100_000;
  if (!Number.isInteger(selectionSize) || selectionSize < 2) throw new UsageError(`invalid selection sample ${selectionSize}`, { hint: 'give an integer >= 2' });
  const n = input.ids.length;
  const featureNames = [...BASE_FEATURES, ...(options.features ?? [])];
  const columns = [Float64Array.from(input.recencyDays), Float64Array.from(input.transactions), Float64Array.from(input.monetary), ...attributeFeatures(input.ids, input.attributes, options.features ?? [])];
  const d = columns.length;

  // Standardised signed log1p, row by row.
  const points = new Float64Array(n * d);
  const sortedColumns = columns.map((column) => Float64Array.from(column).sort());
  const transforms: FeatureTransform[] = columns.map((column, j) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += signedLog1p(column[i]);
    const mean = n > 0 ? sum / n : 0;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (signedLog1p(column[i]) - mean) ** 2;
    const sd = n > 0 ? Math.sqrt(squares / n) : 0;
    for (let i = 0; i < n; i++) points[i * d + j] = sd > 0 ? (signedLog1p(column[i]) - mean) / sd : 0;
    return { feature: featureNames[j], mean, sd, median: medianOfSorted(sortedColumns[j]) };
  });

  const fitOptions = { seed, maxIterations: options.maxIterations ?? 300, restarts: options.restarts ?? 1, tolerance: options.tolerance ?? 1e-4 };
  const silhouetteIndices = sampleIndices(n, sampleSize, seededRandom(seed ^ 0x5eed));
  const candidates: ClusterCandidate[] = [];
  let fit: KMeansFit;
  let selectedOn = n;
  if (options.k !== undefined) {
    fit = kMeans(points, d, options.k, fitOptions);
  } else {
    // Candidates are fitted on all customers, or on a seeded sample when there are more than selectionSample.
    let selectionPoints = points;
    if (n > selectionSize) {
      const chosenRows = sampleIndices(n, selectionSize, seededRandom(seed ^ 0xc0ffee));
      selectionPoints = new Float64Array(selectionSize * d);
      chosenRows.forEach((row, s) => selectionPoints.set(points.subarray(row * d, row * d + d), s * d));
      selectedOn = selectionSize;
    }
    const selectionSilhouette = selectedOn === n ? silhouetteIndices : sampleIndices(selectedOn, sampleSize, seededRandom(seed ^ 0x5eed));
    let best: KMeansFit | null = null;
    let bestSilhouette: number | null = null;
    for (let k = kMin; k <= kMax; k++) {
      let candidateFit: KMeansFit;
      try {
        candidateFit = kMeans(selectionPoints, d, k, fitOptions);
      } catch (error) {
        if (error instanceof TooFewPointsError && k > kMin) break; // fewer distinct customers than k
        throw error;
      }
      const s = meanSilhouette(selectionPoints, d, candidateFit.labels, k, selectionSilhouette);
      candidates.push(candidate(candidateFit, s));
      if (best === null || (s !== null && (bestSilhouette === null || s > bestSilhouette))) {
        best = candidateFit;
        bestSilhouette = s;
      }
    }
    // Refit the chosen k on all customers from the sample's centres.
    fit = selectedOn === n ? best! : kMeans(points, d, best!.k, { ...fitOptions, initialCentroids: best!.centroids });
  }
  const silhouette = fit.k >= 2 ? meanSilhouette(points, d, fit.labels, fit.k, silhouetteIndices) : null;
  const { labels, profiles } = describe(fit, input.revenue, transforms, columns, sortedColumns);
  return {
    result: {
      k: fit.k,
      chosenBy: options.k !== undefined ? 'given' : 'silhouette',
      features: featureNames,
      transforms,
      seed,
      selectionSample: options.k !== undefined ? null : selectedOn,
      silhouetteSample: silhouetteIndices.length,
      silhouette,
      inertia: fit.inertia,
      iterations: fit.iterations,
      converged: fit.converged,
      candidates,
      clusters: profiles,
    },
    labels,
  };
}

function candidate(fit: KMeansFit, silhouette: number | null): ClusterCandidate {
  return { k: fit.k, silhouette, inertia: fit.inertia, iterations: fit.iterations, converged: fit.converged };
}

/** Median of ascending values (mean of the two middle values for an even count); 0 when there are none. */
function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return 0;
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** Cluster profiles numbered by descending revenue, and the renumbered labels. */
function describe(
  fit: KMeansFit,
  revenue: ArrayLike<number>,
  transforms: FeatureTransform[],
  columns: Float64Array[],
  sortedColumns: Float64Array[],
): { labels: Int32Array; profiles: ClusterProfile[] } {
  const { k, dimensions: d, centroids } = fit;
  const n = fit.labels.length;
  const counts = new Float64Array(k);
  const revenues = new Float64Array(k);
  let totalRevenue = 0;
  for (let i = 0; i < n; i++) {
    counts[fit.labels[i]]++;
    revenues[fit.labels[i]] += revenue[i];
    totalRevenue += revenue[i];
  }
  const order = Array.from({ length: k }, (_, c) => c).sort((x, y) => revenues[y] - revenues[x] || counts[y] - counts[x] || x - y);
  const number = new Int32Array(k);
  order.forEach((c, position) => (number[c] = position + 1));
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = number[fit.labels[i]];

  // Per feature: the portfolio sorted, and each cluster's median.
  const clusterMedians = columns.map((column) => {
    const members = Array.from({ length: k }, (_, c) => new Float64Array(counts[c]));
    const filled = new Int32Array(k);
    for (let i = 0; i < n; i++) members[fit.labels[i]][filled[fit.labels[i]]++] = column[i];
    return members.map((values) => medianOfSorted(values.sort()));
  });

  const profiles = order.map((c, position): ClusterProfile => {
    const centre: Record<string, number> = {};
    const medians: Record<string, number> = {};
    const percentiles: Record<string, number> = {};
    const words: string[] = [];
    transforms.forEach((t, j) => {
      centre[t.feature] = signedExpm1(centroids[c * d + j] * t.sd + t.mean);
      const m = clusterMedians[j][c];
      const p = midRankPercentile(sortedColumns[j], m);
      medians[t.feature] = m;
      percentiles[t.feature] = p;
      words.push(describeLevel(t.feature, p > 0.5 + DESCRIPTION_BAND ? 1 : p < 0.5 - DESCRIPTION_BAND ? -1 : 0));
    });
    // Order: frequency, recency, spend, then the attributes.
    const description = [words[1], words[0], words[2], ...words.slice(3).filter((w) => w !== '')].join(', ');
    return {
      cluster: position + 1,
      customers: counts[c],
      shareOfCustomers: n > 0 ? counts[c] / n : 0,
      revenue: revenues[c],
      shareOfRevenue: totalRevenue !== 0 ? revenues[c] / totalRevenue : null,
      centre,
      median: medians,
      percentile: percentiles,
      description,
    };
  });
  return { labels, profiles };
}

/** (number of values below + half the number equal) / n, in an ascending array. */
function midRankPercentile(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  const below = low;
  high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return sorted.length > 0 ? (below + (low - below) / 2) / sorted.length : 0.5;
}

/** Word for a feature above (1), near (0) or below (−1) the portfolio median. Attributes near the median: ''. */
function describeLevel(feature: string, level: number): string {
  switch (feature) {
    case 'recencyDays':
      return level < 0 ? 'recent' : level > 0 ? 'lapsed' : 'average recency';
    case 'transactions':
      return level > 0 ? 'frequent' : level < 0 ? 'infrequent' : 'average frequency';
    case 'monetary':
      return level > 0 ? 'high spend' : level < 0 ? 'low spend' : 'average spend';
    default:
      return level > 0 ? `high ${feature}` : level < 0 ? `low ${feature}` : '';
  }
}
