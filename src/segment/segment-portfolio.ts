/**
 * Customer portfolio analysis, the pure core of `crm segment`: RFM scores, named segments, the R × F grid,
 * value concentration (Lorenz, Gini, top shares, ABC), k-means clusters and attribute profiles, as one plain
 * JSON-serialisable result. References: Hughes 1994, "Strategic Database Marketing" (RFM); Kumar & Reinartz 2018,
 * "Customer Relationship Management", 3rd ed. (segmentation, customer value). See docs/segment.md.
 */
import type { Day } from '../core/days.js';
import { dayToIso } from '../core/days.js';
import type { CustomerSummary } from '../core/types.js';
import { fieldReader, FieldRecords, type RecordList } from '../core/record-columns.js';
import { ModelError, UsageError } from '../errors.js';
import { clusterCustomers, type ClusterOptions, type ClusterResult } from './clusters.js';
import { concentration, type AbcClass, type ConcentrationOptions, type ConcentrationResult } from './concentration.js';
import { TooFewPointsError } from './k-means.js';
import { profileByAttribute, type AttributeProfile } from './profile.js';
import { rfGrid, rfmCode, rfmScores, scoreBands, type GridCell, type MonetaryMeasure, type ScoreBand } from './rfm.js';
import { compileSegmentTable, defaultSegmentTable, OTHERS, segmentIndex, segmentStatistics, type SegmentStatistics, type SegmentTable } from './segments.js';

/** Options of {@link segmentPortfolio}. Only `asOf` is required. */
export interface SegmentPortfolioOptions {
  /** The day recency is measured at: days since the last purchase = asOf − lastDay. */
  asOf: Day;
  /** Customer attributes by customer id (the customers file), for cluster features and profiles. */
  attributes?: ReadonlyMap<string, Record<string, string>>;
  /** Score levels 2..9. Default 5. */
  bins?: number;
  /** Monetary measure of M, the segment means and the clusters: 'total' revenue (default) or 'mean' per transaction. */
  monetary?: MonetaryMeasure;
  /** Segment rules. Default {@link defaultSegmentTable}. */
  segmentTable?: SegmentTable;
  /** Value the concentration and ABC classes rank customers by: 'revenue' (default) or 'margin'. */
  valueMeasure?: 'revenue' | 'margin';
  /** Top shares, ABC thresholds, Lorenz points. Defaults: [0.01, 0.05, 0.1, 0.2], [0.8, 0.95], 101. */
  concentration?: ConcentrationOptions;
  /** Cluster options, or false to skip the clusters. Default {} (k chosen in 2..8 by silhouette, seed 1). */
  clusters?: ClusterOptions | false;
  /** Attribute columns to profile the segments by. Default none. */
  profiles?: string[];
}

/** One customer's scores, segment, ABC class and cluster. */
export interface CustomerSegment {
  customerId: string;
  R: number;
  F: number;
  M: number;
  /** The scores as digits, e.g. '545'. */
  rfm: string;
  segment: string;
  abc: AbcClass;
  /** Cluster number (1 = most revenue); null when clusters were skipped. */
  cluster: number | null;
}

/** Everything `crm segment` reports. Plain data: numbers, strings, arrays, null. */
export interface SegmentPortfolioResult {
  asOf: string;
  settings: {
    bins: number;
    monetary: MonetaryMeasure;
    valueMeasure: 'revenue' | 'margin';
    segmentScale: number;
  };
  totals: {
    customers: number;
    revenue: number;
    /** Null when the sales carry no cost or margin. */
    margin: number | null;
  };
  /** What each score covers: R bands give recency in days, F transactions, M the monetary measure. */
  scores: { R: ScoreBand[]; F: ScoreBand[]; M: ScoreBand[] };
  segments: SegmentStatistics[];
  grid: GridCell[];
  concentration: ConcentrationResult & { measure: 'revenue' | 'margin' };
  clusters: ClusterResult | null;
  profiles: AttributeProfile[];
  /** One row per customer, in the order of the summaries (made on access: see RecordList). */
  customers: RecordList<CustomerSegment>;
  /** Lowercase notes on what was left out or could not be done. */
  warnings: string[];
}

/**
 * Analyses a customer portfolio: RFM scores, segments, R × F grid, concentration, clusters and profiles.
 *
 * O(n log n) plus the clusters' O(n × k × d × iterations) per k tried and O(m²) silhouettes on m sampled customers.
 *
 * @throws UsageError for invalid options (bins, table, thresholds, unknown attribute columns, margin not known)
 * @throws ModelError when there are no customers, a cluster feature is missing or non-numeric, or a given k cannot be fitted
 * @example
 * const result = segmentPortfolio(summaries, { asOf: dayFromYmd(1998, 6, 30), clusters: { seed: 7 } });
 * result.segments[0].segment; // => 'Champions'
 */
/**
 * The RFM segment of each customer of `summaries`, in order: what {@link segmentPortfolio} gives as each
 * customer's `segment`, without the portfolio's statistics, concentration, grid and clusters (the valuation
 * needs the names only).
 *
 * O(n log n).
 * @throws ModelError when there are no customers; UsageError for invalid bins or table
 */
export function customerSegments(summaries: RecordList<CustomerSummary>, options: Pick<SegmentPortfolioOptions, 'asOf' | 'bins' | 'monetary' | 'segmentTable'>): string[] {
  if (summaries.length === 0) throw new ModelError('segment needs at least one customer');
  const scores = rfmScores(summaries, options.asOf, { bins: options.bins, monetary: options.monetary });
  const lookup = compileSegmentTable(options.segmentTable ?? defaultSegmentTable, scores.bins);
  return Array.from({ length: summaries.length }, (_, i) => lookup.names[segmentIndex(lookup, scores.R[i], scores.F[i], scores.M[i])]);
}

export function segmentPortfolio(summaries: RecordList<CustomerSummary>, options: SegmentPortfolioOptions): SegmentPortfolioResult {
  const n = summaries.length;
  if (n === 0) throw new ModelError('segment needs at least one customer');
  const warnings: string[] = [];
  const table = options.segmentTable ?? defaultSegmentTable;
  const scores = rfmScores(summaries, options.asOf, { bins: options.bins, monetary: options.monetary });
  const { bins, measures } = scores;
  const lookup = compileSegmentTable(table, bins);

  // read by field: the summaries may be stored by column (the report's are)
  const idOf = fieldReader(summaries, 'id');
  const revenueOf = fieldReader(summaries, 'revenue');
  const marginOf = fieldReader(summaries, 'margin');
  const ids = Array.from({ length: n }, (_, i) => idOf(i)!);
  const revenue = new Float64Array(n);
  let known = 0;
  for (let i = 0; i < n; i++) {
    revenue[i] = revenueOf(i)!;
    if (marginOf(i) !== null) known++;
  }
  const marginKnown = known === n;
  if (!marginKnown && known > 0) warnings.push('margin is known for some customers only: margins are not reported');
  const margin = marginKnown ? Float64Array.from({ length: n }, (_, i) => marginOf(i) as number) : null;
  let totalRevenue = 0;
  let totalMargin = 0;
  for (let i = 0; i < n; i++) {
    totalRevenue += revenue[i];
    if (margin) totalMargin += margin[i];
  }

  const segmentOf = new Uint8Array(n);
  for (let i = 0; i < n; i++) segmentOf[i] = segmentIndex(lookup, scores.R[i], scores.F[i], scores.M[i]);
  const segments = segmentStatistics(lookup, { segment: segmentOf, revenue, margin, ...measures });
  const others = segments.find((s) => s.segment === OTHERS);
  if (others) warnings.push(`${others.customers} customers match no segment rule and are in '${OTHERS}'`);

  const valueMeasure = options.valueMeasure ?? 'revenue';
  if (valueMeasure !== 'revenue' && valueMeasure !== 'margin') throw new UsageError(`invalid value measure "${String(valueMeasure)}"`, { hint: "use 'revenue' or 'margin'" });
  if (valueMeasure === 'margin' && !margin) {
    throw new UsageError('concentration by margin needs margins, and the sales carry no cost or margin', { hint: 'give a cost or margin column, or rank by revenue' });
  }
  const value = valueMeasure === 'margin' ? margin! : revenue;
  const concentrationFit = concentration(ids, value, options.concentration);
  if (concentrationFit.result.negative.customers > 0) {
    warnings.push(`${concentrationFit.result.negative.customers} customers with negative ${valueMeasure} are left out of the Lorenz curve, Gini and top shares`);
  }

  let clusters: ClusterResult | null = null;
  let clusterLabels: Int32Array | null = null;
  if (options.clusters !== false) {
    const clusterOptions = options.clusters ?? {};
    try {
      const fit = clusterCustomers(
        { ids, recencyDays: measures.recencyDays, transactions: measures.transactions, monetary: measures.monetary, revenue, attributes: options.attributes },
        clusterOptions,
      );
      clusters = fit.result;
      clusterLabels = fit.labels;
      if (!clusters.converged) warnings.push(`k-means with k = ${clusters.k} stopped at the iteration limit before converging`);
    } catch (error) {
      // Too few distinct customers to choose k: report the rest, say why there are no clusters.
      if (!(error instanceof TooFewPointsError) || clusterOptions.k !== undefined) throw error;
      warnings.push(`no clusters: ${error.message}`);
    }
  }

  const segmentNames = lookup.names.filter((name) => name !== OTHERS || others !== undefined);
  const segmentLabels = Array.from(segmentOf, (s) => lookup.names[s]);
  const profiles = (options.profiles ?? []).map((column) => {
    checkAttributeColumn(options.attributes, column);
    return profileByAttribute(column, segmentNames, segmentLabels, revenue, ids.map((id) => options.attributes!.get(id)?.[column]));
  });

  // The customers' rows are read from the columns above, made only when read (a million of them as objects
  // were 400 MB at once).
  const { R, F, M } = scores;
  const classes = concentrationFit.classes;
  const customers = new FieldRecords<CustomerSegment>(n, {
    customerId: (i) => ids[i],
    R: (i) => R[i],
    F: (i) => F[i],
    M: (i) => M[i],
    rfm: (i) => rfmCode(R[i], F[i], M[i]),
    segment: (i) => segmentLabels[i],
    abc: (i) => classes[i],
    cluster: clusterLabels ? (i) => clusterLabels![i] : () => null,
  });

  return {
    asOf: dayToIso(options.asOf),
    settings: { bins, monetary: scores.monetary, valueMeasure, segmentScale: table.scale },
    totals: { customers: n, revenue: totalRevenue, margin: margin ? totalMargin : null },
    scores: {
      R: scoreBands(measures.recencyDays, scores.R, bins),
      F: scoreBands(measures.transactions, scores.F, bins),
      M: scoreBands(measures.monetary, scores.M, bins),
    },
    segments,
    grid: rfGrid(scores.R, scores.F, measures.monetary, bins),
    concentration: { measure: valueMeasure, ...concentrationFit.result },
    clusters,
    profiles,
    customers,
    warnings,
  };
}

/** @throws UsageError when no customer has the attribute column */
function checkAttributeColumn(attributes: ReadonlyMap<string, Record<string, string>> | undefined, column: string): void {
  if (!attributes || attributes.size === 0) throw new UsageError(`profile by "${column}" needs customer attributes`, { hint: 'give the customers file' });
  for (const record of attributes.values()) if (Object.hasOwn(record, column)) return;
  const first = attributes.values().next().value as Record<string, string>;
  throw new UsageError(`unknown customer attribute "${column}"`, { hint: `the customers file has ${Object.keys(first).map((c) => `"${c}"`).join(', ') || 'no attribute columns'}` });
}
