/**
 * Named RFM segments: the R × FM grid used in practice (R score against the average of the F and M scores),
 * as a data table of score ranges that a configuration can replace. Every customer gets exactly one segment:
 * the first rule that matches wins; a customer no rule matches is in 'Others'.
 *
 * The default table follows the widely shared practitioner 5 × 5 RFM segment map (Champions ... Lost), which has
 * no single canonical source; scores as in Hughes 1994, "Strategic Database Marketing". See docs/segment.md for
 * the table, how it was derived from the published R × F map, and the reading of each segment.
 */
import { UsageError } from '../errors.js';

/** One rule: customers whose (rescaled) R score and FM average both fall in the inclusive ranges. */
export interface SegmentRule {
  segment: string;
  /** Inclusive range of the R score, on the table's scale. */
  r: [number, number];
  /** Inclusive range of FM = (F + M) / 2, on the table's scale (half steps: 1, 1.5, ..., 5). */
  fm: [number, number];
}

/** A named segment with what it means and what to do about it. */
export interface SegmentDefinition {
  name: string;
  /** Who they are, in one line. */
  description: string;
  /** Suggested action, in one line. */
  action: string;
}

/** The segment rules: the scale their scores are on, the segments in report order and the rules in match order. */
export interface SegmentTable {
  /** Number of score levels the rules are written for (default table: 5). Scores of other bins are rescaled. */
  scale: number;
  segments: SegmentDefinition[];
  rules: SegmentRule[];
}

/** Name of the segment of customers that no rule matches. */
export const OTHERS = 'Others';

const OTHERS_DEFINITION: SegmentDefinition = {
  name: OTHERS,
  description: 'customers that no segment rule matches',
  action: 'review the segment rules: they leave these scores uncovered',
};

/**
 * The default segment table on the 1–5 scale: R score against FM = (F + M) / 2. It covers each of the 125
 * (R, F, M) combinations exactly once (checked by {@link segmentTableCoverage} in the tests).
 */
export const defaultSegmentTable: SegmentTable = {
  scale: 5,
  segments: [
    { name: 'Champions', description: 'bought recently, buy often and spend the most', action: 'reward them: early access, loyalty perks, ask for reviews and referrals' },
    { name: 'Loyal Customers', description: 'buy often and spend well, fairly recently', action: 'upsell higher-value products; enrol in the loyalty programme' },
    { name: 'Potential Loyalist', description: 'recent customers with average frequency and spend', action: 'offer membership or a loyalty programme; recommend related products' },
    { name: 'New Customers', description: 'bought very recently, but only once or for little', action: 'onboard them: welcome series, support, a reason for the second purchase' },
    { name: 'Promising', description: 'recent shoppers who have not bought much yet', action: 'build awareness: free trials, a second-purchase incentive' },
    { name: 'Need Attention', description: 'average recency, frequency and spend', action: 'limited-time offers based on past purchases; reactivate before they slip' },
    { name: 'About To Sleep', description: 'below average recency, low frequency and spend', action: 'share popular products and discounts to reconnect' },
    { name: 'At Risk', description: 'bought often and spent well, but long ago', action: 'personalised win-back e-mails, renewals and helpful resources' },
    { name: "Can't Lose Them", description: 'the biggest and most frequent buyers, gone quiet', action: 'win them back now: call them, offer renewals or new products' },
    { name: 'Hibernating', description: 'last purchase long ago, low spend and few orders', action: 'offer relevant products and special discounts; recreate brand value' },
    { name: 'Lost', description: 'lowest recency, frequency and spend', action: 'one reach-out campaign to revive interest; otherwise do not spend on them' },
  ],
  rules: [
    { segment: 'Champions', r: [5, 5], fm: [4, 5] },
    { segment: 'Loyal Customers', r: [3, 4], fm: [4, 5] },
    { segment: 'Potential Loyalist', r: [4, 5], fm: [2, 3.5] },
    { segment: 'New Customers', r: [5, 5], fm: [1, 1.5] },
    { segment: 'Promising', r: [4, 4], fm: [1, 1.5] },
    { segment: 'Need Attention', r: [3, 3], fm: [3, 3.5] },
    { segment: 'About To Sleep', r: [3, 3], fm: [1, 2.5] },
    { segment: 'At Risk', r: [1, 2], fm: [3, 4.5] },
    { segment: "Can't Lose Them", r: [1, 2], fm: [5, 5] },
    { segment: 'Hibernating', r: [2, 2], fm: [1, 2.5] },
    { segment: 'Hibernating', r: [1, 1], fm: [2, 2.5] },
    { segment: 'Lost', r: [1, 1], fm: [1, 1.5] },
  ],
};

/**
 * Checks a segment table: scale 2..9, every rule names a defined segment, ranges are finite with min <= max,
 * segment names are unique and not 'Others'.
 * @throws UsageError naming the first problem
 */
export function checkSegmentTable(table: SegmentTable): void {
  if (!Number.isInteger(table.scale) || table.scale < 2 || table.scale > 9) {
    throw new UsageError(`invalid segment table scale ${table.scale}`, { hint: 'use an integer from 2 to 9' });
  }
  if (!Array.isArray(table.segments) || !Array.isArray(table.rules)) throw new UsageError('segment table: segments and rules must be lists');
  if (table.segments.length > 200) throw new UsageError(`segment table: ${table.segments.length} segments, at most 200 allowed`);
  const names = new Set<string>();
  for (const s of table.segments) {
    if (typeof s.name !== 'string' || s.name === '') throw new UsageError('segment table: a segment has no name');
    if (s.name === OTHERS) throw new UsageError(`segment table: "${OTHERS}" is reserved for customers no rule matches`);
    if (names.has(s.name)) throw new UsageError(`segment table: segment "${s.name}" is defined twice`);
    names.add(s.name);
  }
  table.rules.forEach((rule, index) => {
    if (!names.has(rule.segment)) {
      throw new UsageError(`segment table: rule ${index + 1} names undefined segment "${rule.segment}"`, { hint: 'add it to segments' });
    }
    for (const [label, range] of [['r', rule.r], ['fm', rule.fm]] as const) {
      if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || range[0] > range[1]) {
        throw new UsageError(`segment table: rule ${index + 1} (${rule.segment}) has an invalid ${label} range ${JSON.stringify(range)}`, {
          hint: 'give [min, max] with min <= max',
        });
      }
    }
  });
}

/**
 * Maps a score on 1..bins to the table's 1..scale by the middle of its percentile band:
 * `1 + floor(scale × (score − ½) / bins)`. Identity when bins = scale; always an integer in 1..scale, so no
 * rescaled score falls between two rules' ranges.
 * @example
 * rescaleScore(2, 3, 5); // => 3
 */
export function rescaleScore(score: number, bins: number, scale: number): number {
  return 1 + Math.floor((scale * (2 * score - 1)) / (2 * bins));
}

/**
 * A compiled table: for each (R, F, M) on 1..bins, the index of its segment in `names` (Others last).
 * Built once (bins³ lookups), then each customer is a table look-up.
 */
export interface SegmentLookup {
  bins: number;
  names: string[];
  definitions: SegmentDefinition[];
  /** Segment index of each (R−1)·bins² + (F−1)·bins + (M−1). */
  index: Uint8Array;
}

/**
 * Compiles a segment table for scores on 1..bins: each (R, F, M) goes to the first rule whose ranges contain
 * the rescaled R and FM = (rescaled F + rescaled M) / 2, or to 'Others' when none does.
 *
 * O(bins³ × rules).
 *
 * @throws UsageError when the table is invalid
 * @example
 * const lookup = compileSegmentTable(defaultSegmentTable, 5);
 * lookup.names[segmentIndex(lookup, 5, 5, 4)]; // => 'Champions'
 */
export function compileSegmentTable(table: SegmentTable, bins: number): SegmentLookup {
  checkSegmentTable(table);
  const names = [...table.segments.map((s) => s.name), OTHERS];
  const definitions = [...table.segments, OTHERS_DEFINITION];
  const position = new Map(names.map((n, i) => [n, i]));
  const index = new Uint8Array(bins * bins * bins);
  for (let r = 1; r <= bins; r++) {
    for (let f = 1; f <= bins; f++) {
      for (let m = 1; m <= bins; m++) {
        const rule = matchRule(table, rescaleScore(r, bins, table.scale), (rescaleScore(f, bins, table.scale) + rescaleScore(m, bins, table.scale)) / 2);
        index[(r - 1) * bins * bins + (f - 1) * bins + (m - 1)] = rule === undefined ? names.length - 1 : position.get(rule.segment)!;
      }
    }
  }
  return { bins, names, definitions, index };
}

/** The first rule that contains (r, fm), if any. */
function matchRule(table: SegmentTable, r: number, fm: number): SegmentRule | undefined {
  return table.rules.find((rule) => r >= rule.r[0] && r <= rule.r[1] && fm >= rule.fm[0] && fm <= rule.fm[1]);
}

/** Index (into `lookup.names`) of the segment of scores R, F, M. O(1). */
export function segmentIndex(lookup: SegmentLookup, R: number, F: number, M: number): number {
  const b = lookup.bins;
  return lookup.index[(R - 1) * b * b + (F - 1) * b + (M - 1)];
}

/**
 * The segment of one customer's scores (on 1..bins) under a table; 'Others' when no rule matches.
 * @example
 * assignSegment(1, 5, 5); // => "Can't Lose Them"
 */
export function assignSegment(R: number, F: number, M: number, bins = 5, table: SegmentTable = defaultSegmentTable): string {
  const rule = matchRule(table, rescaleScore(R, bins, table.scale), (rescaleScore(F, bins, table.scale) + rescaleScore(M, bins, table.scale)) / 2);
  return rule === undefined ? OTHERS : rule.segment;
}

/** Score combinations on the table's own scale that no rule matches (gaps) or more than one rule matches. */
export interface SegmentTableCoverage {
  gaps: { R: number; F: number; M: number }[];
  overlaps: { R: number; F: number; M: number; segments: string[] }[];
}

/**
 * Checks that a table covers every (R, F, M) on its scale exactly once. Overlaps are not errors (the first rule
 * wins) but usually a mistake in a hand-written table.
 *
 * O(scale³ × rules).
 *
 * @example
 * segmentTableCoverage(defaultSegmentTable); // => { gaps: [], overlaps: [] }
 */
export function segmentTableCoverage(table: SegmentTable): SegmentTableCoverage {
  const coverage: SegmentTableCoverage = { gaps: [], overlaps: [] };
  const s = table.scale;
  for (let r = 1; r <= s; r++) {
    for (let f = 1; f <= s; f++) {
      for (let m = 1; m <= s; m++) {
        const fm = (f + m) / 2;
        const matches = table.rules.filter((rule) => r >= rule.r[0] && r <= rule.r[1] && fm >= rule.fm[0] && fm <= rule.fm[1]);
        if (matches.length === 0) coverage.gaps.push({ R: r, F: f, M: m });
        else if (matches.length > 1) coverage.overlaps.push({ R: r, F: f, M: m, segments: matches.map((rule) => rule.segment) });
      }
    }
  }
  return coverage;
}

/** Figures of one segment. Means are null for an empty segment. */
export interface SegmentStatistics {
  segment: string;
  description: string;
  action: string;
  customers: number;
  shareOfCustomers: number;
  revenue: number;
  /** Segment revenue / total revenue of all customers; null when the total is 0. */
  shareOfRevenue: number | null;
  /** Sum of margins; null when the sales carry no cost or margin. */
  margin: number | null;
  meanRecencyDays: number | null;
  meanTransactions: number | null;
  /** Mean of the monetary measure used for M (total revenue or revenue per transaction). */
  meanMonetary: number | null;
}

/** Per-customer inputs of {@link segmentStatistics}, parallel arrays. */
export interface SegmentStatisticsInput {
  /** Segment index of each customer, into `lookup.names`. */
  segment: ArrayLike<number>;
  revenue: ArrayLike<number>;
  /** Margin of each customer, or null when the sales carry no margin. */
  margin: ArrayLike<number> | null;
  recencyDays: ArrayLike<number>;
  transactions: ArrayLike<number>;
  monetary: ArrayLike<number>;
}

/**
 * Figures per segment, in table order; 'Others' is listed only when it has customers. Segments of the table
 * without customers are listed with zero counts and null means.
 *
 * O(n + segments).
 *
 * @example
 * segmentStatistics(lookup, { segment, revenue, margin: null, recencyDays, transactions, monetary })[0].segment; // => 'Champions'
 */
export function segmentStatistics(lookup: SegmentLookup, input: SegmentStatisticsInput): SegmentStatistics[] {
  const k = lookup.names.length;
  const count = new Float64Array(k);
  const revenue = new Float64Array(k);
  const margin = new Float64Array(k);
  const recency = new Float64Array(k);
  const transactions = new Float64Array(k);
  const monetary = new Float64Array(k);
  const n = input.segment.length;
  let totalRevenue = 0;
  for (let i = 0; i < n; i++) {
    const s = input.segment[i];
    count[s]++;
    revenue[s] += input.revenue[i];
    totalRevenue += input.revenue[i];
    if (input.margin) margin[s] += input.margin[i];
    recency[s] += input.recencyDays[i];
    transactions[s] += input.transactions[i];
    monetary[s] += input.monetary[i];
  }
  const result: SegmentStatistics[] = [];
  for (let s = 0; s < k; s++) {
    if (s === k - 1 && count[s] === 0) continue;
    const c = count[s];
    const d = lookup.definitions[s];
    result.push({
      segment: d.name,
      description: d.description,
      action: d.action,
      customers: c,
      shareOfCustomers: n > 0 ? c / n : 0,
      revenue: revenue[s],
      shareOfRevenue: totalRevenue !== 0 ? revenue[s] / totalRevenue : null,
      margin: input.margin ? margin[s] : null,
      meanRecencyDays: c > 0 ? recency[s] / c : null,
      meanTransactions: c > 0 ? transactions[s] / c : null,
      meanMonetary: c > 0 ? monetary[s] / c : null,
    });
  }
  return result;
}
