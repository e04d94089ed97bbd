/**
 * Churn rate per calendar period: customers lost in the period / customers at risk at its start, from
 * lifetimes (contracts or purchase histories with a churn window, see lifetimes.ts). A customer is at risk
 * at the start of period p when acquired before p starts and not churned before p starts; lost in p when
 * its churn day falls in p. Customers acquired during p are not in p's denominator (they are counted as
 * `acquired`, and those who also churn within p as `acquiredAndLost`). This is the "customers lost /
 * customers at the start" retention rate of Fader & Hardie (2007), "How to project customer retention",
 * J. Interactive Marketing 21(1), computed per calendar period.
 *
 * With purchase lifetimes the churn day depends on the view (lifetimes.ts):
 * - `observed` (default): the churn is dated at the last purchase, the day the customer actually stopped.
 *   A churn is only recognised W days later, so a period that ends less than W days before as-of can still
 *   gain churned customers: it is `provisional` and left out of the pooled rate. One-time buyers churn in the
 *   period they were acquired (`acquiredAndLost`), not in a later one.
 * - `window`: the churn is dated at the end of the churn window (last purchase + W), so each period's rate
 *   counts the customers whose silence reached W days in that period: every period up to as-of is final,
 *   but the series lags behaviour by W days, and an acquisition wave of one-time buyers shows up as a spike
 *   W days later.
 */
import { dayToIso, type Day } from '../core/days.js';
import { periodIndex, periodOfIndex, type CalendarUnit } from './calendar-period.js';
import { lifetimeColumns, rowsByGroup, type LifetimeColumns, type LifetimeData } from './lifetimes.js';

/** Options of {@link churnRates}. */
export interface ChurnRateOptions {
  /** Calendar period: `month`, `quarter` or ISO `week`. Default `month`. */
  unit?: CalendarUnit;
}

/** One period of a churn-rate series. */
export interface ChurnRatePeriod {
  label: string;
  start: Day;
  end: Day;
  /** The period contains as-of and ends after it. */
  partial: boolean;
  /**
   * Observed purchase lifetimes only: the period ends less than W days before as-of, so customers whose last
   * purchase fell in it may still be recognised as churned later: its `lost` can still grow. Left out of the
   * pooled rate. Always false for contracts and the window view.
   */
  provisional: boolean;
  /** Customers acquired before the period and not churned before it started. */
  atRisk: number;
  /** Of those, churned in the period. */
  lost: number;
  /** lost / atRisk; null when nobody was at risk. */
  rate: number | null;
  /** Customers acquired in the period (not in the denominator). */
  acquired: number;
  /** Customers acquired and churned in the same period (not in `lost`). */
  acquiredAndLost: number;
}

/** A churn-rate series with its pooled rate. */
export interface ChurnRateSeries {
  periods: ChurnRatePeriod[];
  /** Σ lost / Σ atRisk over the complete, not provisional periods: the average churn rate per period, weighted by the customers at risk; null when nobody was at risk. */
  pooledRate: number | null;
}

/** Result of {@link churnRates}. */
export interface ChurnRates {
  unit: CalendarUnit;
  asOf: Day;
  /** What a churn in these rates is and when it is dated, in one sentence. */
  definition: string;
  overall: ChurnRateSeries;
  /** One series per lifetime `group` (sorted); empty when the lifetimes carry no group. */
  groups: { group: string; series: ChurnRateSeries }[];
}

/**
 * Churn rates per calendar period, overall and per group (the lifetimes' `group`, set with `by`).
 *
 * Cost: O(customers + periods) per series.
 *
 * @example
 * churnRates(contractLifetimes([{ id: 'a', start: dayFromYmd(2023, 1, 5), end: dayFromYmd(2023, 2, 10) }], dayFromYmd(2023, 3, 31)))
 *   .overall.periods.map((p) => p.rate) // => [null, 1, null]
 */
export function churnRates(data: LifetimeData, options: ChurnRateOptions = {}): ChurnRates {
  const unit = options.unit ?? 'month';
  const observed = data.source === 'purchases' && (data.view ?? 'observed') === 'observed' && data.window !== null;
  const finalThrough = observed ? data.asOf - data.window!.days : null;
  const definition =
    data.source === 'contracts'
      ? 'a contract is lost in the period of its end day'
      : observed
        ? `a customer is lost in the period of the last purchase, once ${data.window!.days} days without a purchase have followed it; periods ending after ${dayToIso(finalThrough!)} are provisional (their churn is not all known yet) and left out of the pooled rate`
        : `a customer is lost in the period where the silence after the last purchase reaches ${data.window?.days} days (churn dated last purchase + ${data.window?.days} days)`;
  const columns = lifetimeColumns(data);
  const overall = series(columns, null, data.asOf, unit, finalThrough);
  const { names, rows } = rowsByGroup(columns, null);
  const groups = names.map((group, g) => ({ group, series: series(columns, rows[g], data.asOf, unit, finalThrough) }));
  return { unit, asOf: data.asOf, definition, overall, groups };
}

/** The series of the lifetimes `rows` of `columns` (all when null). */
function series(columns: LifetimeColumns, rows: readonly number[] | null, asOf: Day, unit: CalendarUnit, finalThrough: Day | null): ChurnRateSeries {
  const n = rows === null ? columns.length : rows.length;
  if (n === 0) return { periods: [], pooledRate: null };
  const { start, end, churned } = columns;
  const asOfIndex = periodIndex(asOf, unit);
  let firstIndex = Infinity;
  for (let k = 0; k < n; k++) firstIndex = Math.min(firstIndex, periodIndex(start[rows === null ? k : rows[k]], unit));
  const length = asOfIndex - firstIndex + 1;
  // riskChange[k]: change of the at-risk count at the start of period firstIndex + k
  const riskChange = new Array<number>(length + 1).fill(0);
  const lost = new Array<number>(length).fill(0);
  const acquired = new Array<number>(length).fill(0);
  const acquiredAndLost = new Array<number>(length).fill(0);
  for (let k = 0; k < n; k++) {
    const i = rows === null ? k : rows[k];
    const isChurned = churned[i] === 1;
    const startK = periodIndex(start[i], unit) - firstIndex;
    acquired[startK]++;
    const endK = isChurned ? periodIndex(end[i], unit) - firstIndex : length - 1;
    if (isChurned && endK === startK) {
      acquiredAndLost[startK]++;
      continue;
    }
    // at risk from the period after acquisition through the period of churn (or as-of)
    riskChange[startK + 1]++;
    riskChange[endK + 1]--;
    if (isChurned) lost[endK]++;
  }
  const lastPartial = asOf < periodOfIndex(asOfIndex, unit).end;
  const periods: ChurnRatePeriod[] = [];
  let atRisk = 0;
  let pooledLost = 0;
  let pooledRisk = 0;
  for (let k = 0; k < length; k++) {
    atRisk += riskChange[k];
    const period = periodOfIndex(firstIndex + k, unit);
    const partial = lastPartial && k === length - 1;
    const provisional = finalThrough !== null && period.end > finalThrough;
    if (!partial && !provisional) {
      pooledLost += lost[k];
      pooledRisk += atRisk;
    }
    periods.push({
      label: period.label,
      start: period.start,
      end: period.end,
      partial,
      provisional,
      atRisk,
      lost: lost[k],
      rate: atRisk > 0 ? lost[k] / atRisk : null,
      acquired: acquired[k],
      acquiredAndLost: acquiredAndLost[k],
    });
  }
  return { periods, pooledRate: pooledRisk > 0 ? pooledLost / pooledRisk : null };
}
