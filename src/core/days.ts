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

/**
 * Year, month (1-12) and day of month of a day number: by arithmetic on the 400-year cycle of the Gregorian
 * calendar (H. Hinnant's civil_from_days; no Date object, which made it the hot spot of the cohorts and KPIs
 * over a million customers), the same as the Date's UTC fields for every day the Date can hold.
 */
export function dayToYmd(day: Day): { year: number; month: number; day: number } {
  if (!Number.isInteger(day) || Math.abs(day) > 100_000_000) {
    const d = new Date(day * MS_PER_DAY);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  const z = day + 719468; // days since 0000-03-01
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097; // day of the 400-year era, 0..146096
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // day of the March-based year
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

/** Day of the week, 0 = Monday ... 6 = Sunday (ISO order). */
export function isoWeekday(day: Day): number {
  // 1970-01-01 was a Thursday (ISO weekday index 3).
  return (((day + 3) % 7) + 7) % 7;
}
