/**
 * Calendar periods for cohorts and churn rates: calendar months, calendar quarters and ISO 8601 weeks
 * (Monday to Sunday, numbered within the ISO week-year, the year of the week's Thursday). A period is
 * identified by a running integer index so that "k periods after acquisition" is a subtraction.
 */
import { dayFromYmd, dayToYmd, type Day } from '../core/days.js';
import { UsageError } from '../errors.js';

/** The length of a calendar period: `month`, `quarter` or ISO `week`. */
export type CalendarUnit = 'month' | 'quarter' | 'week';

/** One calendar period: its running index, label and first and last day (both inclusive). */
export interface CalendarPeriod {
  /** Running index: months and quarters since year 0, weeks since the ISO week of 1970-01-01. */
  index: number;
  /** `2023-01`, `2023-Q1` or `2023-W05`. */
  label: string;
  start: Day;
  end: Day;
}

/**
 * Parses a cohort or churn-rate unit.
 *
 * @throws {UsageError} when the text is not month, quarter or week
 * @example
 * parseCalendarUnit('Quarter') // => 'quarter'
 */
export function parseCalendarUnit(text: string): CalendarUnit {
  const t = text.trim().toLowerCase();
  if (t === 'month' || t === 'months' || t === 'm') return 'month';
  if (t === 'quarter' || t === 'quarters' || t === 'q') return 'quarter';
  if (t === 'week' || t === 'weeks' || t === 'w') return 'week';
  throw new UsageError(`invalid calendar unit "${text}"`, { hint: 'month, quarter or week' });
}

/**
 * Index of the calendar period that contains `day`. O(1).
 *
 * @example
 * periodIndex(dayFromYmd(2023, 2, 14), 'month') - periodIndex(dayFromYmd(2023, 1, 31), 'month') // => 1
 */
export function periodIndex(day: Day, unit: CalendarUnit): number {
  if (unit === 'week') {
    // 1970-01-01 is a Thursday: its week starts on day -3 (Monday 1969-12-29)
    return Math.floor((day + 3) / 7);
  }
  const months = monthIndex(day);
  // year × 4 + quarter of the year: 12 × year is a multiple of 3
  return unit === 'month' ? months : Math.floor(months / 3);
}

/** Months since year 0 of each day seen (cohorts, churn rates and KPIs ask for a few thousand days millions of times). */
const monthsOfDay = new Map<number, number>();

/** Months since year 0 (year × 12 + month − 1) of the month that contains `day`. */
function monthIndex(day: Day): number {
  let months = monthsOfDay.get(day);
  if (months === undefined) {
    const { year, month } = dayToYmd(day);
    months = year * 12 + (month - 1);
    if (monthsOfDay.size > 100_000) monthsOfDay.clear();
    monthsOfDay.set(day, months);
  }
  return months;
}

/**
 * The calendar period with the given index: label, first and last day. O(1).
 *
 * @example
 * periodOfIndex(periodIndex(dayFromYmd(2023, 2, 1), 'week'), 'week').label // => '2023-W05'
 */
export function periodOfIndex(index: number, unit: CalendarUnit): CalendarPeriod {
  if (unit === 'week') {
    const start = index * 7 - 3;
    const thursday = start + 3;
    const isoYear = dayToYmd(thursday).year;
    const week = Math.floor((thursday - dayFromYmd(isoYear, 1, 1)) / 7) + 1;
    return { index, label: `${isoYear}-W${String(week).padStart(2, '0')}`, start, end: start + 6 };
  }
  if (unit === 'month') {
    const year = Math.floor(index / 12);
    const month = index - year * 12 + 1;
    const start = dayFromYmd(year, month, 1);
    const end = dayFromYmd(year, month + 1, 1) - 1;
    return { index, label: `${year}-${String(month).padStart(2, '0')}`, start, end };
  }
  const year = Math.floor(index / 4);
  const quarter = index - year * 4 + 1;
  const start = dayFromYmd(year, 3 * quarter - 2, 1);
  const end = dayFromYmd(year, 3 * quarter + 1, 1) - 1;
  return { index, label: `${year}-Q${quarter}`, start, end };
}

/**
 * The calendar period that contains `day`. O(1).
 *
 * @example
 * periodOf(dayFromYmd(2023, 5, 20), 'quarter').label // => '2023-Q2'
 */
export function periodOf(day: Day, unit: CalendarUnit): CalendarPeriod {
  return periodOfIndex(periodIndex(day, unit), unit);
}
