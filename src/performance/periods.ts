/**
 * Calendar periods of the KPI scorecard: calendar months, quarters and years, and ISO weeks (Monday to
 * Sunday). Months, quarters and weeks are those of src/churn/calendar-period.ts (same running indexes); a
 * week is labelled here by its first day (`2024-01-01`), a year by its number (`2024`).
 */
import { dayFromYmd, dayToIso, dayToYmd, type Day } from '../core/days.js';
import { setting, UsageError } from '../errors.js';
import { periodIndex, periodOfIndex } from '../churn/calendar-period.js';

/** The length of a KPI period. */
export type KpiUnit = 'month' | 'quarter' | 'year' | 'week';

/** The units, the default first. */
export const KPI_UNITS: readonly KpiUnit[] = ['month', 'quarter', 'year', 'week'];

/** One period: running index, label, first and last day (both inclusive). */
export interface KpiPeriod {
  index: number;
  /** `2024-03` (month), `2024-Q1` (quarter), `2024` (year), `2024-01-01` (week: its Monday). */
  label: string;
  start: Day;
  end: Day;
}

/**
 * Parses a KPI period unit.
 *
 * @throws {UsageError} when the text is not month, quarter, year or week
 * @example
 * parseKpiUnit('Quarter') // => 'quarter'
 */
export function parseKpiUnit(text: string): KpiUnit {
  const t = text.trim().toLowerCase();
  if (t === 'month' || t === 'months' || t === 'm') return 'month';
  if (t === 'quarter' || t === 'quarters' || t === 'q') return 'quarter';
  if (t === 'year' || t === 'years' || t === 'y') return 'year';
  if (t === 'week' || t === 'weeks' || t === 'w') return 'week';
  throw new UsageError(`invalid ${setting('period')} "${text}"`, { hint: 'month, quarter, year or week' });
}

/** Index of the period that contains `day`. O(1). */
export function kpiPeriodIndex(day: Day, unit: KpiUnit): number {
  return unit === 'year' ? dayToYmd(day).year : periodIndex(day, unit);
}

/**
 * The period with the given index. O(1).
 *
 * @example
 * kpiPeriodOfIndex(kpiPeriodIndex(dayFromYmd(2024, 1, 3), 'week'), 'week').label // => '2024-01-01'
 */
export function kpiPeriodOfIndex(index: number, unit: KpiUnit): KpiPeriod {
  if (unit === 'year') return { index, label: String(index), start: dayFromYmd(index, 1, 1), end: dayFromYmd(index + 1, 1, 1) - 1 };
  const p = periodOfIndex(index, unit);
  return { index, label: unit === 'week' ? dayToIso(p.start) : p.label, start: p.start, end: p.end };
}
