/**
 * Relationship life-cycle stages from each customer's own purchase history: exploration, expansion,
 * commitment, dissolution and lost (Dwyer, Schurr & Oh 1987, "Developing buyer-seller relationships",
 * Journal of Marketing 51(2); operationalised on purchase data in the spirit of Reinartz & Kumar 2000,
 * Journal of Marketing 64(4)). The rules, applied in this order (first match wins), with W the churn window
 * and the gap the days since the last purchase (as of the as-of day):
 *
 * 1. lost: gap ≥ W (the same rule as purchase lifetimes: W days without purchase, see lifetimes.ts);
 * 2. exploration: at most `explorationMaxPurchaseDays` (2) purchase days, and not lost, i.e. recent;
 * 3. dissolution: with a P(alive) for the customer (from a fitted BG/NBD or Pareto/NBD), P(alive) <
 *    `pAliveThreshold` (0.5); otherwise gap > `dissolutionGapFactor` (2) × the median of the customer's own
 *    inter-purchase gaps;
 * 4. expansion: the customer's observed life [first purchase, as-of] is cut in two halves at its midpoint;
 *    the later half (days ≥ midpoint) holds at least `expansionFactor` (1.5) × the purchase days of the
 *    earlier half, or (with a positive earlier spend) at least 1.5 × its net spend;
 * 5. commitment: everyone else (steady and alive).
 *
 * Stages can be compared between two as-of days: the stages at the earlier day are recomputed from the
 * histories truncated at that day, with the same churn window (P(alive) is used only at the later day).
 */
import type { Day } from '../core/days.js';
import { HistoryTable, type HistoryInput } from '../core/history-table.js';
import { UsageError } from '../errors.js';
import { FieldRecords, type RecordList } from '../core/record-columns.js';
import { resolveChurnWindow, type ChurnWindow } from './lifetimes.js';
import type { Lookup } from '../core/types.js';

/** The five stages, in life-cycle order. */
export type LifecycleStage = 'exploration' | 'expansion' | 'commitment' | 'dissolution' | 'lost';

/** The stages in life-cycle order (the order of tables). */
export const LIFECYCLE_STAGES: readonly LifecycleStage[] = ['exploration', 'expansion', 'commitment', 'dissolution', 'lost'];

/** The rules of {@link lifecycleStages}; every field has a default. */
export interface LifecycleRules {
  /** Churn window W in days: gap ≥ W is lost. Default: {@link suggestChurnWindow} of the histories at as-of. */
  churnAfterDays?: number;
  /** The run's churn window as already chosen (takes precedence over `churnAfterDays`): one window for every analysis. */
  churnWindow?: ChurnWindow;
  /** At most this many purchase days (and not lost) is exploration. Default 2. */
  explorationMaxPurchaseDays?: number;
  /** Dissolution when the gap exceeds this multiple of the customer's median inter-purchase gap. Default 2. */
  dissolutionGapFactor?: number;
  /** Dissolution when P(alive) is below this (when a P(alive) is given for the customer). Default 0.5. */
  pAliveThreshold?: number;
  /** Expansion when the later half of the life has at least this multiple of the earlier half's purchase days or spend. Default 1.5. */
  expansionFactor?: number;
}

/** The rules as applied, with how the churn window was chosen. */
export interface ResolvedLifecycleRules {
  churnWindow: ChurnWindow;
  explorationMaxPurchaseDays: number;
  dissolutionGapFactor: number;
  pAliveThreshold: number;
  expansionFactor: number;
}

/** Options of {@link lifecycleStages}. */
export interface LifecycleOptions {
  rules?: LifecycleRules;
  /** P(alive) at as-of by customer id (e.g. from a fitted BG/NBD); replaces the gap rule of dissolution for those customers. */
  pAlive?: Lookup<number>;
  /** A value per customer (e.g. predicted CLV) to total per stage. */
  values?: Map<string, number>;
  /**
   * Net revenue per customer up to as-of (e.g. the customer summary's `revenue`). Default: the history's net
   * purchase-day amounts plus its returns on days without a purchase (the same figure).
   */
  revenue?: Lookup<number>;
  /** An earlier as-of day: adds the transition table from the stages then to the stages at as-of. */
  compareAsOf?: Day;
}

/** One customer's stage with the figures the rules looked at. */
export interface CustomerStage {
  id: string;
  stage: LifecycleStage;
  /** Purchase days on or before as-of. */
  purchaseDays: number;
  /** as-of − last purchase day. */
  daysSinceLast: number;
  /** Median of the gaps between consecutive purchase days; null with one purchase day. */
  medianGap: number | null;
  /** Purchase days and net spend in the earlier and the later half of [first purchase, as-of]. */
  earlierPurchaseDays: number;
  laterPurchaseDays: number;
  earlierSpend: number;
  laterSpend: number;
  /** Net revenue up to as-of: purchase days and returns booked on days without a purchase (as the customer summary). */
  revenue: number;
  /** The P(alive) used, or null. */
  pAlive: number | null;
  /** Why this stage, lowercase. */
  reason: string;
}

/** Count and value of one stage. */
export interface StageSummary {
  stage: LifecycleStage;
  customers: number;
  /** customers / all classified customers. */
  share: number;
  /** Net revenue of the stage's customers up to as-of. */
  revenue: number;
  /** revenue / customers; null for an empty stage. */
  averageRevenue: number | null;
  /** Sum of `values` over the stage's customers; null without `values`. */
  value: number | null;
}

/** Stage at the earlier day: a stage, or `new` for customers not yet acquired then. */
export type EarlierStage = LifecycleStage | 'new';

/** Transition table between two as-of days. */
export interface LifecycleTransitions {
  fromAsOf: Day;
  toAsOf: Day;
  /** Row order: `new`, then the stages. */
  fromStages: readonly EarlierStage[];
  toStages: readonly LifecycleStage[];
  /** counts[from][to]: customers in stage `from` at the earlier day and `to` at as-of. */
  counts: Record<EarlierStage, Record<LifecycleStage, number>>;
}

/** Result of {@link lifecycleStages}. */
export interface LifecycleResult {
  asOf: Day;
  rules: ResolvedLifecycleRules;
  /**
   * Customers with a purchase on or before as-of, in input order; stored by column as they are classified
   * (a million stages as objects at once were the report's peak), read with `at(i)` or by iterating.
   */
  customers: RecordList<CustomerStage>;
  /** One row per stage, in life-cycle order. */
  stages: StageSummary[];
  /** Customers without a purchase day on or before as-of. */
  excluded: number;
  /** Present when `compareAsOf` was given. */
  transitions: LifecycleTransitions | null;
}

function median(sorted: ArrayLike<number>): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new UsageError(`life-cycle rule ${name} must be a positive number, found ${value}`);
  return value;
}

function resolveRules(histories: HistoryInput, asOf: Day, rules: LifecycleRules): ResolvedLifecycleRules {
  const churnWindow = rules.churnWindow ?? resolveChurnWindow(histories, asOf, rules.churnAfterDays);
  const explorationMaxPurchaseDays = rules.explorationMaxPurchaseDays ?? 2;
  if (!(Number.isInteger(explorationMaxPurchaseDays) && explorationMaxPurchaseDays >= 1)) {
    throw new UsageError(`life-cycle rule explorationMaxPurchaseDays must be a positive whole number, found ${explorationMaxPurchaseDays}`);
  }
  const pAliveThreshold = rules.pAliveThreshold ?? 0.5;
  if (!(pAliveThreshold > 0 && pAliveThreshold < 1)) throw new UsageError(`life-cycle rule pAliveThreshold must be between 0 and 1, found ${pAliveThreshold}`);
  return {
    churnWindow,
    explorationMaxPurchaseDays,
    dissolutionGapFactor: positive(rules.dissolutionGapFactor ?? 2, 'dissolutionGapFactor'),
    pAliveThreshold,
    expansionFactor: positive(rules.expansionFactor ?? 1.5, 'expansionFactor'),
  };
}

/**
 * The figures of one classification (reused from customer to customer: no object per customer); `revenue` is
 * the purchase-day amounts plus returns on days without a purchase.
 */
type Classified = Omit<CustomerStage, 'id' | 'pAlive' | 'reason'>;

const classified = (): Classified => ({ stage: 'lost', purchaseDays: 0, daysSinceLast: 0, medianGap: null, earlierPurchaseDays: 0, laterPurchaseDays: 0, earlierSpend: 0, laterSpend: 0, revenue: 0 });

/**
 * The stage of customer `c` of `table` as of a day, in `out`; false when it has no purchase day on or
 * before it. `gaps` is scratch room for the customer's gaps (at least its number of purchase days).
 */
function classify(table: HistoryTable, c: number, asOf: Day, rules: ResolvedLifecycleRules, pAlive: number | null, gaps: Float64Array, out: Classified): boolean {
  const from = table.start[c];
  const count = table.countUntil(c, asOf);
  if (count === 0) return false;
  const days = table.days;
  const amounts = table.amounts;
  const first = days[from];
  const last = days[from + count - 1];
  const daysSinceLast = asOf - last;
  for (let i = 1; i < count; i++) gaps[i - 1] = days[from + i] - days[from + i - 1];
  const medianGap = count > 1 ? median(gaps.subarray(0, count - 1).sort()) : null;
  const midpoint = first + (asOf - first) / 2;
  let earlierPurchaseDays = 0;
  let laterPurchaseDays = 0;
  let earlierSpend = 0;
  let laterSpend = 0;
  let revenue = 0;
  for (let k = from; k < from + count; k++) {
    revenue += amounts[k];
    if (days[k] < midpoint) {
      earlierPurchaseDays++;
      earlierSpend += amounts[k];
    } else {
      laterPurchaseDays++;
      laterSpend += amounts[k];
    }
  }
  const factor = rules.expansionFactor;
  let stage: LifecycleStage;
  if (daysSinceLast >= rules.churnWindow.days) stage = 'lost';
  else if (count <= rules.explorationMaxPurchaseDays) stage = 'exploration';
  else if (pAlive !== null && pAlive < rules.pAliveThreshold) stage = 'dissolution';
  else if (pAlive === null && medianGap !== null && daysSinceLast > rules.dissolutionGapFactor * medianGap) stage = 'dissolution';
  else if (laterPurchaseDays >= factor * earlierPurchaseDays) stage = 'expansion';
  else if (earlierSpend > 0 && laterSpend >= factor * earlierSpend) stage = 'expansion';
  else stage = 'commitment';
  out.stage = stage;
  out.purchaseDays = count;
  out.daysSinceLast = daysSinceLast;
  out.medianGap = medianGap;
  out.earlierPurchaseDays = earlierPurchaseDays;
  out.laterPurchaseDays = laterPurchaseDays;
  out.earlierSpend = earlierSpend;
  out.laterSpend = laterSpend;
  out.revenue = revenue + table.otherReturns[c];
  return true;
}

/**
 * Why a customer is in its stage, lowercase: made from the figures the rules looked at (the branch of
 * {@link classify} that gave the stage is the first whose condition the figures meet).
 */
function stageReason(s: Omit<CustomerStage, 'id' | 'reason' | 'revenue'>, rules: ResolvedLifecycleRules): string {
  const count = s.purchaseDays;
  switch (s.stage) {
    case 'lost':
      return `${s.daysSinceLast} days since the last purchase >= churn window ${rules.churnWindow.days}`;
    case 'exploration':
      return `${count} purchase day${count === 1 ? '' : 's'}, the last ${s.daysSinceLast} days ago`;
    case 'dissolution':
      return s.pAlive !== null
        ? `p(alive) ${s.pAlive.toFixed(3)} < ${rules.pAliveThreshold}`
        : `${s.daysSinceLast} days since the last purchase > ${rules.dissolutionGapFactor} x median gap ${s.medianGap}`;
    case 'expansion':
      return s.laterPurchaseDays >= rules.expansionFactor * s.earlierPurchaseDays
        ? `${s.laterPurchaseDays} purchase days in the later half of the life vs ${s.earlierPurchaseDays} in the earlier`
        : `spend ${round(s.laterSpend)} in the later half of the life vs ${round(s.earlierSpend)} in the earlier`;
    default:
      return `${count} purchase days, median gap ${s.medianGap}, last ${s.daysSinceLast} days ago`;
  }
}

/**
 * The customers' stages stored by column as they are classified: no object per customer is made (a million of
 * them, with their reasons, were the report's peak); `finish` gives the records, each made when read, with
 * its reason made from its figures.
 */
class StageColumns {
  length = 0;
  private readonly ids: string[] = [];
  private readonly stages: Uint8Array;
  private readonly purchaseDays: Float64Array;
  private readonly daysSinceLast: Float64Array;
  private readonly medianGap: Float64Array;
  private readonly earlierPurchaseDays: Float64Array;
  private readonly laterPurchaseDays: Float64Array;
  private readonly earlierSpend: Float64Array;
  private readonly laterSpend: Float64Array;
  private readonly revenue: Float64Array;
  private readonly pAlive: Float64Array;
  /** Bit 1: medianGap is null; bit 2: pAlive is null. */
  private readonly nulls: Uint8Array;

  constructor(capacity: number) {
    this.stages = new Uint8Array(capacity);
    this.purchaseDays = new Float64Array(capacity);
    this.daysSinceLast = new Float64Array(capacity);
    this.medianGap = new Float64Array(capacity);
    this.earlierPurchaseDays = new Float64Array(capacity);
    this.laterPurchaseDays = new Float64Array(capacity);
    this.earlierSpend = new Float64Array(capacity);
    this.laterSpend = new Float64Array(capacity);
    this.revenue = new Float64Array(capacity);
    this.pAlive = new Float64Array(capacity);
    this.nulls = new Uint8Array(capacity);
  }

  add(id: string, s: Classified, revenue: number, pAlive: number | null): void {
    const i = this.length++;
    this.ids.push(id);
    this.stages[i] = LIFECYCLE_STAGES.indexOf(s.stage);
    this.purchaseDays[i] = s.purchaseDays;
    this.daysSinceLast[i] = s.daysSinceLast;
    this.medianGap[i] = s.medianGap ?? 0;
    this.earlierPurchaseDays[i] = s.earlierPurchaseDays;
    this.laterPurchaseDays[i] = s.laterPurchaseDays;
    this.earlierSpend[i] = s.earlierSpend;
    this.laterSpend[i] = s.laterSpend;
    this.revenue[i] = revenue;
    this.pAlive[i] = pAlive ?? 0;
    this.nulls[i] = (s.medianGap === null ? 1 : 0) | (pAlive === null ? 2 : 0);
  }

  finish(rules: ResolvedLifecycleRules): RecordList<CustomerStage> {
    const { ids, stages, purchaseDays, daysSinceLast, medianGap, earlierPurchaseDays, laterPurchaseDays, earlierSpend, laterSpend, revenue, pAlive, nulls } = this;
    const readers = {
      id: (i: number) => ids[i],
      stage: (i: number) => LIFECYCLE_STAGES[stages[i]],
      purchaseDays: (i: number) => purchaseDays[i],
      daysSinceLast: (i: number) => daysSinceLast[i],
      medianGap: (i: number) => (nulls[i] & 1 ? null : medianGap[i]),
      earlierPurchaseDays: (i: number) => earlierPurchaseDays[i],
      laterPurchaseDays: (i: number) => laterPurchaseDays[i],
      earlierSpend: (i: number) => earlierSpend[i],
      laterSpend: (i: number) => laterSpend[i],
      revenue: (i: number) => revenue[i],
      pAlive: (i: number) => (nulls[i] & 2 ? null : pAlive[i]),
    };
    const figures = (i: number): Parameters<typeof stageReason>[0] => ({
      stage: readers.stage(i),
      purchaseDays: purchaseDays[i],
      daysSinceLast: daysSinceLast[i],
      medianGap: readers.medianGap(i),
      earlierPurchaseDays: earlierPurchaseDays[i],
      laterPurchaseDays: laterPurchaseDays[i],
      earlierSpend: earlierSpend[i],
      laterSpend: laterSpend[i],
      pAlive: readers.pAlive(i),
    });
    return new FieldRecords<CustomerStage>(this.length, { ...readers, reason: (i) => stageReason(figures(i), rules) });
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;

/**
 * Life-cycle stage of every customer as of a day (rules in the file comment and docs/churn.md), the count,
 * share and value per stage, and with `compareAsOf` the transition table from the earlier day.
 *
 * Cost: O(total purchase days × log) per as-of day.
 *
 * @throws {UsageError} on invalid rules, or `compareAsOf` not before `asOf`
 * @example
 * const h = { id: 'a', days: [0, 30, 60, 90], amounts: [1, 1, 1, 1], otherReturns: 0, lines: 4, margin: null };
 * lifecycleStages([h], 100, { rules: { churnAfterDays: 90 } }).customers.at(0)!.stage // => 'commitment'
 */
export function lifecycleStages(histories: HistoryInput, asOf: Day, options: LifecycleOptions = {}): LifecycleResult {
  const table = HistoryTable.from(histories);
  const rules = resolveRules(table, asOf, options.rules ?? {});
  const fromAsOf = options.compareAsOf;
  if (fromAsOf !== undefined && !(fromAsOf < asOf)) throw new UsageError('the comparison as-of day must be before the as-of day');
  const fromStages: readonly EarlierStage[] = ['new', ...LIFECYCLE_STAGES];
  const counts = Object.fromEntries(
    fromStages.map((from) => [from, Object.fromEntries(LIFECYCLE_STAGES.map((to) => [to, 0]))]),
  ) as Record<EarlierStage, Record<LifecycleStage, number>>;
  // Per stage, as the customers are classified (in their order, so the sums are those of the members in order).
  const members = new Map<LifecycleStage, { customers: number; revenue: number; value: number }>(LIFECYCLE_STAGES.map((stage) => [stage, { customers: 0, revenue: 0, value: 0 }]));
  let longest = 0;
  for (let c = 0; c < table.length; c++) longest = Math.max(longest, table.count(c));
  const gaps = new Float64Array(longest);
  const now = classified();
  const then = classified();
  const columns = new StageColumns(table.length);
  for (let c = 0; c < table.length; c++) {
    const id = table.ids[c];
    const found = options.pAlive?.get(id);
    const pAlive = found === undefined ? null : found;
    if (!classify(table, c, asOf, rules, pAlive, gaps, now)) continue;
    const revenue = options.revenue?.get(id) ?? now.revenue;
    const m = members.get(now.stage)!;
    m.customers++;
    m.revenue += revenue;
    if (options.values !== undefined) m.value += options.values.get(id) ?? 0;
    if (fromAsOf !== undefined) {
      counts[classify(table, c, fromAsOf, rules, null, gaps, then) ? then.stage : 'new'][now.stage]++;
    }
    columns.add(id, now, revenue, pAlive);
  }
  const classifiedCount = columns.length;
  const customers = columns.finish(rules);
  const stages: StageSummary[] = LIFECYCLE_STAGES.map((stage) => {
    const m = members.get(stage)!;
    return {
      stage,
      customers: m.customers,
      share: classifiedCount > 0 ? m.customers / classifiedCount : 0,
      revenue: m.revenue,
      averageRevenue: m.customers > 0 ? m.revenue / m.customers : null,
      value: options.values !== undefined ? m.value : null,
    };
  });
  const transitions: LifecycleTransitions | null = fromAsOf !== undefined ? { fromAsOf, toAsOf: asOf, fromStages, toStages: LIFECYCLE_STAGES, counts } : null;
  return { asOf, rules, customers, stages, excluded: table.length - customers.length, transitions };
}
