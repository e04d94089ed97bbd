/**
 * Log-rank test of equal survival in G ≥ 2 groups (Mantel 1966, Cancer Chemotherapy Reports 50(3);
 * Peto & Peto 1972, JRSS A 135), as R's survival::survdiff(rho = 0). At each distinct event time t_j with
 * n_j at risk and d_j events in all groups, and n_gj, d_gj in group g:
 *   O_g = Σ d_gj,   E_g = Σ d_j n_gj / n_j,
 *   V_gh = Σ d_j (n_j − d_j) / (n_j − 1) · (n_gj / n_j) (δ_gh − n_hj / n_j)
 * and the statistic (O − E)ᵀ V⁻¹ (O − E) over the first G − 1 groups is chi-square with G − 1 degrees of
 * freedom under the null (Klein & Moeschberger 2003, section 7.3, eqs. 7.3.2–7.3.4).
 */
import { invertSymmetric } from '../math/linear-algebra.js';
import { chiSquareSurvival } from '../math/chi-square.js';
import { checkDuration, sortedColumns, type SortedDurations, type SurvivalObservation } from './kaplan-meier.js';

/** An observation with its group; observations with a null group (e.g. lifetimes built without `by`) are left out. */
export interface GroupedObservation extends SurvivalObservation {
  group: string | null;
}

/** Per-group counts of {@link logRankTest}. */
export interface LogRankGroup {
  group: string;
  n: number;
  /** Observed churn events. */
  observed: number;
  /** Expected events under equal survival. */
  expected: number;
}

/** Result of {@link logRankTest}. */
export interface LogRankResult {
  /** Groups in sorted order. */
  groups: LogRankGroup[];
  /** Chi-square statistic; null when it cannot be computed (fewer than two groups, no events, singular variance). */
  statistic: number | null;
  degreesOfFreedom: number;
  /** P(χ²_df > statistic); null with the statistic. */
  pValue: number | null;
  /** Lowercase notes, e.g. why the statistic is null. */
  warnings: string[];
}

/**
 * Log-rank test comparing the survival of the groups. Takes the `Lifetime`s of lifetimes.ts built with `by` directly.
 *
 * Cost: O(n log n + T·G²) for T distinct event times and G groups, plus O(G³) for the inverse.
 *
 * @throws {RangeError} when a duration is negative or not finite
 * @example
 * logRankTest([{ duration: 1, churned: true, group: 'a' }, { duration: 2, churned: true, group: 'b' }]).statistic // => 1
 */
export function logRankTest(allObservations: readonly GroupedObservation[]): LogRankResult {
  const observations = allObservations.filter((o): o is SurvivalObservation & { group: string } => o.group !== null);
  for (const o of observations) checkDuration(o.duration);
  const names = [...new Set(observations.map((o) => o.group))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const indexOf = new Map(names.map((name, i) => [name, i]));
  const rows = names.map(() => [] as number[]);
  observations.forEach((o, i) => rows[indexOf.get(o.group) as number].push(i));
  const durations = observations.map((o) => o.duration);
  const churned = observations.map((o) => (o.churned ? 1 : 0));
  return logRankSorted(names, rows.map((r) => sortedColumns(durations, churned, r)), allObservations.length - observations.length);
}

/**
 * {@link logRankTest} of observations stored by column: the rows of each group (`rows[g]`, the groups in
 * sorted order of `names`) into `durations` and `churned` (non-zero: observed churn). The same result as
 * {@link logRankTest} of the same observations, to the last bit: only the counts at each distinct duration enter.
 *
 * @throws {RangeError} when a duration is negative or not finite
 */
export function logRankColumns(names: readonly string[], durations: ArrayLike<number>, churned: ArrayLike<number>, rows: readonly ArrayLike<number>[], ungrouped = 0): LogRankResult {
  return logRankSorted(names, rows.map((r) => sortedColumns(durations, churned, r)), ungrouped);
}

/** The test from each group's sorted durations, walking the distinct durations of all groups in ascending order. */
function logRankSorted(names: readonly string[], byGroup: readonly SortedDurations[], ungrouped: number): LogRankResult {
  const groupCount = names.length;
  const atRisk = byGroup.map((g) => g.all.length);
  const sizes = atRisk.slice();
  const observed = new Array<number>(groupCount).fill(0);
  const expected = new Array<number>(groupCount).fill(0);
  const variance: number[][] = Array.from({ length: groupCount }, () => new Array<number>(groupCount).fill(0));
  // next unread duration (and event duration) of each group
  const nextAll = new Array<number>(groupCount).fill(0);
  const nextEvent = new Array<number>(groupCount).fill(0);
  for (;;) {
    let time = Infinity;
    let any = false;
    for (let g = 0; g < groupCount; g++) {
      const all = byGroup[g].all;
      if (nextAll[g] < all.length && (!any || all[nextAll[g]] < time)) {
        time = all[nextAll[g]];
        any = true;
      }
    }
    if (!any) break;
    const eventsByGroup = new Array<number>(groupCount).fill(0);
    const leaving = new Array<number>(groupCount).fill(0);
    for (let g = 0; g < groupCount; g++) {
      const { all, events: eventDays } = byGroup[g];
      while (nextAll[g] < all.length && all[nextAll[g]] === time) {
        leaving[g]++;
        nextAll[g]++;
      }
      while (nextEvent[g] < eventDays.length && eventDays[nextEvent[g]] === time) {
        eventsByGroup[g]++;
        nextEvent[g]++;
      }
    }
    const events = eventsByGroup.reduce((a, b) => a + b, 0);
    const total = atRisk.reduce((a, b) => a + b, 0);
    if (events > 0) {
      const factor = total > 1 ? (events * (total - events)) / (total - 1) : 0;
      for (let g = 0; g < groupCount; g++) {
        observed[g] += eventsByGroup[g];
        const share = atRisk[g] / total;
        expected[g] += events * share;
        for (let h = 0; h < groupCount; h++) variance[g][h] += factor * share * ((g === h ? 1 : 0) - atRisk[h] / total);
      }
    }
    for (let g = 0; g < groupCount; g++) atRisk[g] -= leaving[g];
  }
  const groups = names.map((group, g) => ({ group, n: sizes[g], observed: observed[g], expected: expected[g] }));
  const degreesOfFreedom = Math.max(0, groupCount - 1);
  const warnings: string[] = [];
  if (ungrouped > 0) warnings.push(`${ungrouped} observation${ungrouped === 1 ? '' : 's'} without a group left out`);
  if (groupCount < 2) {
    warnings.push('the log-rank test needs at least two groups');
    return { groups, statistic: null, degreesOfFreedom, pValue: null, warnings };
  }
  const k = groupCount - 1;
  const reduced = variance.slice(0, k).map((row) => row.slice(0, k));
  const inverse = invertSymmetric(reduced);
  if (inverse === null) {
    warnings.push('the variance matrix is singular (a group has no customer at risk at any event time, or there are no events)');
    return { groups, statistic: null, degreesOfFreedom, pValue: null, warnings };
  }
  const difference = observed.slice(0, k).map((o, g) => o - expected[g]);
  let statistic = 0;
  for (let g = 0; g < k; g++) for (let h = 0; h < k; h++) statistic += difference[g] * inverse[g][h] * difference[h];
  statistic = Math.max(0, statistic);
  return { groups, statistic, degreesOfFreedom, pValue: chiSquareSurvival(statistic, degreesOfFreedom), warnings };
}
