/**
 * Acquisition-cohort retention triangles: customers grouped by the calendar period of their first purchase,
 * and for each period k since acquisition the share of the cohort that bought in that period (customer
 * retention) and the cohort's revenue in that period relative to its revenue in the acquisition period
 * (revenue retention, "net revenue retention", which can exceed 100%). See docs/churn.md.
 *
 * Reference: Fader & Hardie (2007) "How to project customer retention", J. Interactive Marketing 21(1)
 * (retention as the share of a cohort still active); Gupta et al. (2006) "Modeling customer
 * lifetime value", J. Service Research 9(2) for cohort tables in CLV work.
 */
import type { Day } from '../core/days.js';
import { HistoryTable, type HistoryInput } from '../core/history-table.js';
import { UsageError } from '../errors.js';
import { periodIndex, periodOfIndex, type CalendarUnit } from './calendar-period.js';

/** Options of {@link cohortRetention}. */
export interface CohortOptions {
  /** Length of a cohort and of a period: calendar `month`, calendar `quarter` or ISO `week`. Default `month`. */
  unit?: CalendarUnit;
  /** Attribute (column of the customers file) to split the triangle by. Default: no split. */
  by?: string;
  /** Customer attributes by customer id; required with `by`. Customers without the attribute, or with a blank value, go to `(missing)`. */
  attributes?: Map<string, Record<string, string>>;
}

/** One cell of the triangle: cohort × periods since acquisition. */
export interface CohortCell {
  /** Periods since acquisition: 0 is the acquisition period itself. */
  period: number;
  /** Calendar label of the period (`2023-03`). */
  label: string;
  /** First and last calendar day of the period. */
  start: Day;
  end: Day;
  /** True for the period that contains the as-of day and ends after it: it is not yet complete. */
  partial: boolean;
  /** Customers of the cohort with at least one purchase day in the period. */
  active: number;
  /** active / cohort size (period 0 is 1 by definition). */
  customerRetention: number;
  /** Net revenue of the cohort's purchase days in the period. */
  revenue: number;
  /** revenue / period-0 revenue; null when the period-0 revenue is not positive. */
  revenueRetention: number | null;
}

/** One cohort: the customers acquired in one calendar period. */
export interface CohortRow {
  /** Calendar label of the acquisition period (`2023-01`, `2023-Q1`, `2023-W05`). */
  label: string;
  start: Day;
  end: Day;
  /** Number of customers acquired in the period. */
  size: number;
  /** Periods 0 .. (as-of period − acquisition period); the last one may be partial. */
  cells: CohortCell[];
}

/** A cell of the cohort-size-weighted average row. */
export interface CohortAverageCell {
  period: number;
  /** Cohorts averaged: those whose period k is complete; when none is, the partial one (and `partial` is true). */
  cohorts: number;
  /** Sum of the sizes of the averaged cohorts. */
  customers: number;
  partial: boolean;
  /** Σ active / Σ size over the averaged cohorts (the size-weighted mean of their customer retention). */
  customerRetention: number;
  /** Size-weighted mean of the cohorts' revenue retention (cohorts with a positive period-0 revenue); null when none. */
  revenueRetention: number | null;
}

/** A triangle: cohorts × periods, with the average row. */
export interface CohortTable {
  /** Customers in the table (sum of the cohort sizes). */
  customers: number;
  /** Cohorts in calendar order. */
  cohorts: CohortRow[];
  /** Average over cohorts for each period index k. */
  average: CohortAverageCell[];
}

/** Result of {@link cohortRetention}. */
export interface CohortRetention extends CohortTable {
  unit: CalendarUnit;
  asOf: Day;
  /** Customers left out: no purchase day on or before as-of. */
  excluded: number;
  /** The attribute split by, or null. */
  by: string | null;
  /** One triangle per attribute value (sorted by value); empty without `by`. */
  groups: { value: string; table: CohortTable }[];
}

/** Group name for customers without the `by` attribute. */
export const MISSING_GROUP = '(missing)';

interface CohortAccumulator {
  index: number;
  size: number;
  active: number[];
  revenue: number[];
}

/**
 * Cohort retention triangle of purchase histories as of a day. Purchase days after `asOf` are ignored;
 * returns on days without purchases (`otherReturns`) carry no day and are not in the revenue.
 *
 * Cost: O(total purchase days + cohorts × periods), per group with `by`.
 *
 * @throws {UsageError} when `by` is given without attributes
 * @example
 * const h = (id: string, days: number[]) => ({ id, days, amounts: days.map(() => 10), otherReturns: 0, lines: days.length, margin: null });
 * cohortRetention([h('a', [dayFromYmd(2023, 1, 5), dayFromYmd(2023, 2, 5)]), h('b', [dayFromYmd(2023, 1, 9)])],
 *   dayFromYmd(2023, 2, 28)).cohorts[0].cells[1].customerRetention // => 0.5
 */
export function cohortRetention(histories: HistoryInput, asOf: Day, options: CohortOptions = {}): CohortRetention {
  const unit = options.unit ?? 'month';
  const by = options.by ?? null;
  if (by !== null && options.attributes === undefined) {
    throw new UsageError(`cohorts by "${by}" need customer attributes`, { hint: 'give the customers file' });
  }
  const table = HistoryTable.from(histories);
  const included: number[] = [];
  for (let i = 0; i < table.length; i++) if (table.count(i) > 0 && table.days[table.start[i]] <= asOf) included.push(i);
  const overall = cohortTable(table, included, asOf, unit);
  const groups: { value: string; table: CohortTable }[] = [];
  if (by !== null) {
    const members = new Map<string, number[]>();
    for (const i of included) {
      const raw = options.attributes?.get(table.ids[i])?.[by];
      const value = raw === undefined || raw.trim() === '' ? MISSING_GROUP : raw;
      const list = members.get(value);
      if (list === undefined) members.set(value, [i]);
      else list.push(i);
    }
    const values = [...members.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const value of values) groups.push({ value, table: cohortTable(table, members.get(value) ?? [], asOf, unit) });
  }
  return { unit, asOf, excluded: table.length - included.length, by, ...overall, groups };
}

/** The cohort table of the customers `members` (indexes into `table`, each with a purchase day on or before as-of). */
function cohortTable(table: HistoryTable, members: readonly number[], asOf: Day, unit: CalendarUnit): CohortTable {
  const asOfIndex = periodIndex(asOf, unit);
  const asOfPeriod = periodOfIndex(asOfIndex, unit);
  const lastIsPartial = asOf < asOfPeriod.end;
  const byIndex = new Map<number, CohortAccumulator>();
  const { days, amounts, start } = table;
  for (const c of members) {
    const from = start[c];
    const to = start[c + 1];
    const cohortIndex = periodIndex(days[from], unit);
    let cohort = byIndex.get(cohortIndex);
    if (cohort === undefined) {
      const length = asOfIndex - cohortIndex + 1;
      cohort = { index: cohortIndex, size: 0, active: new Array<number>(length).fill(0), revenue: new Array<number>(length).fill(0) };
      byIndex.set(cohortIndex, cohort);
    }
    cohort.size++;
    let lastCounted = -1;
    for (let i = from; i < to && days[i] <= asOf; i++) {
      const k = periodIndex(days[i], unit) - cohortIndex;
      if (k !== lastCounted) {
        cohort.active[k]++;
        lastCounted = k;
      }
      cohort.revenue[k] += amounts[i];
    }
  }
  const accumulators = [...byIndex.values()].sort((a, b) => a.index - b.index);
  const cohorts: CohortRow[] = accumulators.map((cohort) => {
    const acquisition = periodOfIndex(cohort.index, unit);
    const revenue0 = cohort.revenue[0];
    const cells = cohort.active.map((active, k): CohortCell => {
      const period = periodOfIndex(cohort.index + k, unit);
      return {
        period: k,
        label: period.label,
        start: period.start,
        end: period.end,
        partial: lastIsPartial && cohort.index + k === asOfIndex,
        active,
        customerRetention: active / cohort.size,
        revenue: cohort.revenue[k],
        revenueRetention: revenue0 > 0 ? cohort.revenue[k] / revenue0 : null,
      };
    });
    return { label: acquisition.label, start: acquisition.start, end: acquisition.end, size: cohort.size, cells };
  });
  const average: CohortAverageCell[] = [];
  const longest = cohorts.reduce((m, c) => Math.max(m, c.cells.length), 0);
  for (let k = 0; k < longest; k++) {
    const reached = cohorts.filter((c) => c.cells.length > k);
    const complete = reached.filter((c) => !c.cells[k].partial);
    const used = complete.length > 0 ? complete : reached;
    let customers = 0;
    let active = 0;
    let revenueWeight = 0;
    let revenueSum = 0;
    for (const c of used) {
      customers += c.size;
      active += c.cells[k].active;
      const r = c.cells[k].revenueRetention;
      if (r !== null) {
        revenueWeight += c.size;
        revenueSum += c.size * r;
      }
    }
    average.push({
      period: k,
      cohorts: used.length,
      customers,
      partial: complete.length === 0,
      customerRetention: active / customers,
      revenueRetention: revenueWeight > 0 ? revenueSum / revenueWeight : null,
    });
  }
  return { customers: members.length, cohorts, average };
}
