/**
 * Customer lifetimes for survival analysis (Kaplan-Meier, log-rank, churn rates), from two sources:
 *
 * - contracts: a start and an end day per customer; no end (or an end after as-of) is censored at as-of;
 * - purchases (non-contractual): a customer is churned when no purchase follows the last one within
 *   `churnAfterDays` days. Precisely, with W = churnAfterDays and `last` the last purchase day on or before
 *   as-of: the customer is *observed churned* when the W days after the last purchase (last+1 … last+W)
 *   are all observed and hold no purchase, i.e. when `asOf − last ≥ W`. Otherwise (`asOf − last < W`) the
 *   customer is *censored*. A purchase exactly W days after the previous one continues the lifetime.
 *   Two views of the same rule (`view`):
 *   - `observed` (default): the lifetime is the observed active span, first to last purchase. A churned
 *     customer's lifetime ends at the last purchase (one-time buyers: duration 0); a censored customer is
 *     censored at the last purchase (known to buy at least until then). S(t) is the share of customers who
 *     still bought more than t days after their first purchase.
 *   - `window`: the churn is dated at `last + W`, the day it becomes known, and censored customers are
 *     censored at as-of; every churned lifetime includes the W silent days, so S(t) = 1 for t < W and
 *     customers acquired after `asOf − W` can only be censored.
 *   See docs/churn.md for what each view says.
 *
 * Durations are whole days. Reference for the censoring set-up: Klein & Moeschberger (2003) "Survival
 * Analysis", 2nd ed., section 3.2 (right censoring); for the non-contractual churn window: Ascarza et al.
 * (2018) "In pursuit of enhanced customer retention management", Customer Needs and Solutions 5.
 */
import type { Day } from '../core/days.js';
import { HistoryTable, type HistoryInput } from '../core/history-table.js';
import { UsageError } from '../errors.js';
import { MISSING_GROUP } from './cohorts.js';
import type { Lookup } from '../core/types.js';
import { FieldRecords, type RecordList } from '../core/record-columns.js';

/** One customer's lifetime: from the first day to churn (observed) or to as-of (censored). */
export interface Lifetime {
  id: string;
  /** Contract start, or first purchase day. */
  start: Day;
  /**
   * End of the lifetime, start + duration. Contracts: the end day when churned, as-of when censored. Purchases,
   * `observed` view: the last purchase day (churned or censored); `window` view: last purchase + W when
   * churned, as-of when censored.
   */
  end: Day;
  /** end − start, in days. */
  duration: number;
  /** True when the churn was observed on or before as-of; false when censored at as-of. */
  churned: boolean;
  /** Last purchase day on or before as-of (purchase source); null for contracts. */
  lastPurchase: Day | null;
  /** Value of the `by` attribute, or null without `by`. */
  group: string | null;
}

/** How the churn window of the purchase source was chosen. */
export interface ChurnWindow {
  /** The window W in days. */
  days: number;
  /** `given` by the caller, the `gap-quantile` of the observed inter-purchase gaps, or the `default` when there are too few gaps. */
  basis: 'given' | 'gap-quantile' | 'default';
  /** Number of inter-purchase gaps the quantile was computed from (0 when given). */
  gaps: number;
  /** The quantile used (0.9 by default), or null when given. */
  quantile: number | null;
}

/** How purchase lifetimes are measured: the observed active span, or dated at the end of the churn window. */
export type SurvivalView = 'observed' | 'window';

/** The survival views, the default first. */
export const SURVIVAL_VIEWS: readonly SurvivalView[] = ['observed', 'window'];

/** Result of {@link contractLifetimes} and {@link purchaseLifetimes}. */
export interface LifetimeData {
  source: 'contracts' | 'purchases';
  /** Purchases: how the lifetimes were measured; null for contracts. */
  view?: SurvivalView | null;
  /** What a survival curve of these lifetimes measures, in one sentence ({@link survivalDefinition}). */
  definition?: string;
  asOf: Day;
  /** The churn window (purchases), null for contracts. */
  window: ChurnWindow | null;
  /** The attribute split by, or null. */
  by: string | null;
  /** One per included customer, in input order (purchase lifetimes: stored by column, made when read). */
  lifetimes: RecordList<Lifetime>;
  churned: number;
  censored: number;
  /** Customers (purchases) with an earlier gap longer than W between two purchases: churned and came back; their lifetime runs on. */
  reactivated: number;
  /** Left out: start after as-of, no purchase on or before as-of, or an end before the start. */
  excluded: { notStarted: number; noPurchase: number; endBeforeStart: number };
}

/** A contract: start and end day (null while running). */
export interface Contract {
  id: string;
  start: Day;
  end: Day | null;
}

/** Options shared by the lifetime builders. */
export interface LifetimeOptions {
  /** Attribute to attach to each lifetime as `group`. Default: none. */
  by?: string;
  /** Customer attributes by id; required with `by`. */
  attributes?: Lookup<Record<string, string>>;
}

/** Options of {@link purchaseLifetimes}. */
export interface PurchaseLifetimeOptions extends LifetimeOptions {
  /** Churn window W in days (a positive integer). Default: {@link suggestChurnWindow} of the histories. */
  churnAfterDays?: number;
  /** `observed` (default): first to last purchase; `window`: churn dated at last purchase + W. */
  view?: SurvivalView;
  /** The churn window as already chosen for the run (e.g. by {@link resolveChurnWindow}); takes precedence over `churnAfterDays`. */
  window?: ChurnWindow;
}

/** Options of {@link suggestChurnWindow}. */
export interface ChurnWindowOptions {
  /** Quantile of the pooled inter-purchase gaps. Default 0.9. */
  quantile?: number;
  /** Fewer gaps than this give the fallback. Default 20. */
  minimumGaps?: number;
  /** Window when there are too few gaps. Default 90 days. */
  fallbackDays?: number;
}

/** The `by` group of a customer: its attribute value, or MISSING_GROUP when it has none or it is blank. */
const groupOf = (id: string, options: LifetimeOptions): string | null => {
  if (options.by === undefined) return null;
  const value = options.attributes?.get(id)?.[options.by];
  return value === undefined || value.trim() === '' ? MISSING_GROUP : value;
};

function checkBy(options: LifetimeOptions): void {
  if (options.by !== undefined && options.attributes === undefined) {
    throw new UsageError(`lifetimes by "${options.by}" need customer attributes`, { hint: 'give the customers file' });
  }
}

/**
 * Lifetimes from contracts. A contract that ended on or before as-of is churned at its end; one without an
 * end, or ending after as-of, is censored at as-of. Contracts starting after as-of, or ending before they
 * start, are left out and counted. One contract per customer (merge renewals before).
 *
 * Cost: O(contracts).
 *
 * @throws {UsageError} when `by` is given without attributes
 * @example
 * contractLifetimes([{ id: 'a', start: 0, end: 30 }, { id: 'b', start: 10, end: null }], 100).lifetimes.map((l) => l.duration) // => [30, 90]
 */
export function contractLifetimes(contracts: readonly Contract[], asOf: Day, options: LifetimeOptions = {}): LifetimeData {
  checkBy(options);
  const lifetimes: Lifetime[] = [];
  const excluded = { notStarted: 0, noPurchase: 0, endBeforeStart: 0 };
  let churned = 0;
  for (const contract of contracts) {
    if (contract.start > asOf) {
      excluded.notStarted++;
      continue;
    }
    if (contract.end !== null && contract.end < contract.start) {
      excluded.endBeforeStart++;
      continue;
    }
    const ended = contract.end !== null && contract.end <= asOf;
    const end = ended ? (contract.end as Day) : asOf;
    if (ended) churned++;
    lifetimes.push({ id: contract.id, start: contract.start, end, duration: end - contract.start, churned: ended, lastPurchase: null, group: groupOf(contract.id, options) });
  }
  const definition = survivalDefinition({ source: 'contracts', view: null, window: null });
  return { source: 'contracts', view: null, definition, asOf, window: null, by: options.by ?? null, lifetimes, churned, censored: lifetimes.length - churned, reactivated: 0, excluded };
}

/** Type-7 quantile (linear interpolation between order statistics, R's default) of sorted values. */
function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * A data-driven churn window: the 90th percentile (type 7) of all gaps between consecutive purchase days
 * (on or before as-of), pooled over customers and rounded up to whole days; 90 days when there are fewer
 * than 20 gaps. With this window, 90% of the repeat purchases seen so far came within W days of the
 * previous one, so a customer silent for W days has passed the point where 9 of 10 returns happen.
 * Pooled gaps over-represent frequent buyers and miss long gaps not yet closed, so the window errs short;
 * pass `churnAfterDays` when the business knows its cycle.
 *
 * Cost: O(G log G) for G gaps.
 *
 * @throws {UsageError} when the quantile is not in (0, 1)
 * @example
 * suggestChurnWindow([], 100).days // => 90
 */
export function suggestChurnWindow(histories: HistoryInput, asOf: Day, options: ChurnWindowOptions = {}): ChurnWindow {
  const quantile = options.quantile ?? 0.9;
  const minimumGaps = options.minimumGaps ?? 20;
  const fallbackDays = options.fallbackDays ?? 90;
  if (!(quantile > 0 && quantile < 1)) throw new UsageError(`churn window quantile must be between 0 and 1, found ${quantile}`);
  const { days, start, length } = HistoryTable.from(histories);
  // at most one gap per purchase day; sorted as numbers (a typed array sorts numerically, and fast)
  const all = new Float64Array(Math.max(0, days.length - 1));
  let count = 0;
  for (let c = 0; c < length; c++) {
    const to = start[c + 1];
    for (let i = start[c] + 1; i < to && days[i] <= asOf; i++) all[count++] = days[i] - days[i - 1];
  }
  if (count < minimumGaps) return { days: fallbackDays, basis: 'default', gaps: count, quantile };
  const gaps = all.subarray(0, count).sort();
  return { days: Math.max(1, Math.ceil(quantileSorted(gaps, quantile) - 1e-9)), basis: 'gap-quantile', gaps: count, quantile };
}

/**
 * The churn window of a run: the given number of days (`basis: 'given'`), else {@link suggestChurnWindow}.
 * One window for every analysis of a run (lifetimes, churn rates, life-cycle stages).
 *
 * @throws {UsageError} when `churnAfterDays` is not a positive integer
 */
export function resolveChurnWindow(histories: HistoryInput, asOf: Day, churnAfterDays?: number): ChurnWindow {
  if (churnAfterDays === undefined) return suggestChurnWindow(histories, asOf);
  if (!(Number.isInteger(churnAfterDays) && churnAfterDays >= 1)) {
    throw new UsageError(`churn window must be a positive whole number of days, found ${churnAfterDays}`);
  }
  return { days: churnAfterDays, basis: 'given', gaps: 0, quantile: null };
}

/** The window in words: `234 days (90th percentile of 930 gaps between purchases)`. */
export function describeChurnWindow(window: ChurnWindow): string {
  const how = window.basis === 'given'
    ? 'given'
    : window.basis === 'gap-quantile'
      ? `${Math.round((window.quantile ?? 0.9) * 100)}th percentile of ${window.gaps.toLocaleString('en-US')} gaps between purchases`
      : `default: only ${window.gaps} gaps between purchases`;
  return `${window.days} days (${how})`;
}

/**
 * Lifetimes from purchase histories with a churn window W (see the file comment for the exact rule):
 * churned when `asOf − last ≥ W`, otherwise censored. `observed` view (default): duration `last − first`
 * for both; `window` view: churned with the churn dated `last + W` and duration `last + W − first`,
 * censored at as-of with duration `asOf − first`. Purchases after as-of are ignored.
 *
 * Cost: O(total purchase days), plus {@link suggestChurnWindow} when W is not given.
 *
 * @throws {UsageError} when `churnAfterDays` is not a positive integer, or `by` has no attributes
 * @example
 * const h = { id: 'a', days: [0, 10], amounts: [5, 5], otherReturns: 0, lines: 2, margin: null };
 * purchaseLifetimes([h], 100, { churnAfterDays: 90 }).lifetimes[0] // => { ..., end: 10, duration: 10, churned: true }
 * purchaseLifetimes([h], 100, { churnAfterDays: 90, view: 'window' }).lifetimes[0] // => { ..., end: 100, duration: 100, churned: true }
 */
export function purchaseLifetimes(histories: HistoryInput, asOf: Day, options: PurchaseLifetimeOptions = {}): LifetimeData {
  checkBy(options);
  const view = options.view ?? 'observed';
  if (!SURVIVAL_VIEWS.includes(view)) throw new UsageError(`survival view must be ${SURVIVAL_VIEWS.join(' or ')}, found ${view}`);
  const table = HistoryTable.from(histories);
  const window = options.window ?? resolveChurnWindow(table, asOf, options.churnAfterDays);
  const w = window.days;
  // By column: a million lifetimes as objects were about 90 MB, held through the survival analyses.
  const n = table.length;
  const rows = new Int32Array(n);
  const starts = new Int32Array(n);
  const ends = new Float64Array(n);
  const durations = new Float64Array(n);
  const lasts = new Int32Array(n);
  const flags = new Uint8Array(n);
  const groups = new Groups(options, n);
  const excluded = { notStarted: 0, noPurchase: 0, endBeforeStart: 0 };
  let churned = 0;
  let reactivated = 0;
  let k = 0;
  const { days, start } = table;
  for (let c = 0; c < n; c++) {
    const from = start[c];
    const to = start[c + 1];
    if (to === from) {
      excluded.noPurchase++;
      continue;
    }
    const first = days[from];
    if (first > asOf) {
      excluded.notStarted++;
      continue;
    }
    let last = first;
    let cameBack = false;
    for (let i = from + 1; i < to && days[i] <= asOf; i++) {
      if (days[i] - last > w) cameBack = true;
      last = days[i];
    }
    if (cameBack) reactivated++;
    const isChurned = asOf - last >= w;
    const end = view === 'observed' ? last : isChurned ? last + w : asOf;
    if (isChurned) churned++;
    rows[k] = c;
    starts[k] = first;
    ends[k] = end;
    durations[k] = end - first;
    lasts[k] = last;
    flags[k] = isChurned ? 1 : 0;
    groups.add(k, table.ids[c]);
    k++;
  }
  const columns: LifetimeColumns = { length: k, start: starts.slice(0, k), end: ends.slice(0, k), duration: durations.slice(0, k), churned: flags.slice(0, k), group: groups.codes(k), groups: groups.names };
  const ids = table.ids;
  const lastPurchase = lasts.slice(0, k);
  const at = rows.slice(0, k);
  const lifetimes = new FieldRecords<Lifetime>(k, {
    id: (i) => ids[at[i]],
    start: (i) => columns.start[i],
    end: (i) => columns.end[i],
    duration: (i) => columns.duration[i],
    churned: (i) => columns.churned[i] === 1,
    lastPurchase: (i) => lastPurchase[i],
    group: (i) => (columns.group === null || columns.group[i] < 0 ? null : columns.groups[columns.group[i]]),
  });
  stored.set(lifetimes, columns);
  return { source: 'purchases', view, definition: survivalDefinition({ source: 'purchases', view, window }), asOf, window, by: options.by ?? null, lifetimes, churned, censored: k - churned, reactivated, excluded };
}

/**
 * The numbers of lifetimes by column, what the survival analyses and churn rates count: start, end, duration,
 * churned (1 or 0) and the group as a code into `groups` (−1: none; `group` is null without `by`).
 */
export interface LifetimeColumns {
  length: number;
  start: ArrayLike<number>;
  end: ArrayLike<number>;
  duration: ArrayLike<number>;
  churned: ArrayLike<number>;
  group: Int32Array | null;
  groups: string[];
}

/**
 * The rows of each group of `columns`, the groups in sorted order of their names; a lifetime without a group
 * goes to `missing`, or is left out when it is null.
 */
export function rowsByGroup(columns: LifetimeColumns, missing: string | null): { names: string[]; rows: number[][] } {
  const rowsOf = new Map<string, number[]>();
  for (let i = 0; i < columns.length; i++) {
    const code = columns.group === null ? -1 : columns.group[i];
    const name = code < 0 ? missing : columns.groups[code];
    if (name === null) continue;
    const rows = rowsOf.get(name);
    if (rows === undefined) rowsOf.set(name, [i]);
    else rows.push(i);
  }
  const names = [...rowsOf.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { names, rows: names.map((name) => rowsOf.get(name)!) };
}

/** The columns of the lists made by {@link purchaseLifetimes}. */
const stored = new WeakMap<object, LifetimeColumns>();

/**
 * The lifetimes of `data` by column: those stored by {@link purchaseLifetimes}, else read from the records
 * (contracts, or lifetimes made by hand).
 */
export function lifetimeColumns(data: Pick<LifetimeData, 'lifetimes'>): LifetimeColumns {
  const known = stored.get(data.lifetimes);
  if (known !== undefined) return known;
  const n = data.lifetimes.length;
  const columns = { start: new Float64Array(n), end: new Float64Array(n), duration: new Float64Array(n), churned: new Uint8Array(n) };
  const codes = new Int32Array(n);
  const names: string[] = [];
  const index = new Map<string, number>();
  let grouped = false;
  let k = 0;
  for (const l of data.lifetimes) {
    columns.start[k] = l.start;
    columns.end[k] = l.end;
    columns.duration[k] = l.duration;
    columns.churned[k] = l.churned ? 1 : 0;
    if (l.group === null) codes[k] = -1;
    else {
      grouped = true;
      let code = index.get(l.group);
      if (code === undefined) index.set(l.group, (code = names.push(l.group) - 1));
      codes[k] = code;
    }
    k++;
  }
  return { length: n, ...columns, group: grouped ? codes : null, groups: names };
}

/** The `by` group of each lifetime as a code into `names` (see {@link groupOf}); nothing without `by`. */
class Groups {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly values: Int32Array | null;

  constructor(private readonly options: LifetimeOptions, capacity: number) {
    this.values = options.by === undefined ? null : new Int32Array(capacity);
  }

  add(k: number, id: string): void {
    if (this.values === null) return;
    const group = groupOf(id, this.options) as string;
    let code = this.index.get(group);
    if (code === undefined) this.index.set(group, (code = this.names.push(group) - 1));
    this.values[k] = code;
  }

  codes(length: number): Int32Array | null {
    return this.values === null ? null : this.values.slice(0, length);
  }
}

/**
 * What a survival curve of these lifetimes measures, in one sentence (for the terminal, the JSON
 * `definition` and the report).
 */
export function survivalDefinition(data: Pick<LifetimeData, 'source' | 'view' | 'window'>): string {
  if (data.source === 'contracts') return 'contract start to cancellation; contracts still running are censored at as-of';
  const w = data.window?.days;
  if (data.view === 'window') {
    return `first purchase to churn dated at the last purchase + ${w} days (the churn window); flat at 100% until ${w} days by construction, every churned lifetime includes the ${w} silent days; customers still inside the window are censored at as-of`;
  }
  return `observed lifetime, first to last purchase; churned = no purchase within ${w} days after the last one; customers whose last purchase is less than ${w} days before as-of are censored at their last purchase (one-time buyers who churned have lifetime 0, so S(0) is the share who bought again)`;
}
