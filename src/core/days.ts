/**
 * Calendar days as integers: the number of days since 1970-01-01 (UTC calendar). Every date in the toolkit
 * is a `Day`; time spans are differences of days, expressed in a period unit only at the end.
 */
export type Day = number;

const MS_PER_DAY = 86_400_000;

/** Day number of a calendar date. Months are 1-based. */
export function dayFromYmd(year: number, month: number, day: number): Day {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

const isoCache = new Map<Day, string>();

/** `YYYY-MM-DD` of a day number (cached: outputs repeat the same days). */
export function dayToIso(day: Day): string {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (isoCache.size > 100_000) isoCache.clear();
    isoCache.set(day, iso);
  }
  return iso;
}

/** Year, month (1-12) and day of month of a day number. */
export function dayToYmd(day: Day): { year: number; month: number; day: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Day of the week, 0 = Monday ... 6 = Sunday (ISO order). */
export function isoWeekday(day: Day): number {
  // 1970-01-01 was a Thursday (ISO weekday index 3).
  return (((day + 3) % 7) + 7) % 7;
}
