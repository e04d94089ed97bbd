import { describe, expect, it } from 'vitest';
import { dayFromYmd, dayToYmd } from '../../src/core/days.js';

/** The UTC fields of a Date: what dayToYmd gave before it computed them itself. */
function viaDate(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

describe('dayToYmd', () => {
  it("gives the Date's UTC year, month and day for every day from 2700 BC to AD 4700 (and leap-year edges)", () => {
    for (let day = -1_700_000; day <= 1_000_000; day++) {
      const got = dayToYmd(day);
      const want = viaDate(day);
      if (got.year !== want.year || got.month !== want.month || got.day !== want.day) expect([day, got]).toEqual([day, want]);
    }
    expect(dayToYmd(dayFromYmd(2000, 2, 29))).toEqual({ year: 2000, month: 2, day: 29 });
    expect(dayToYmd(dayFromYmd(1900, 3, 1) - 1)).toEqual({ year: 1900, month: 2, day: 28 });
    expect(dayToYmd(0)).toEqual({ year: 1970, month: 1, day: 1 });
    expect(dayToYmd(-1)).toEqual({ year: 1969, month: 12, day: 31 });
  });

  it('falls back to the Date for days it cannot hold exactly (not integers, beyond ±100M days)', () => {
    expect(dayToYmd(Number.NaN).year).toBeNaN();
    expect(dayToYmd(100_000_001)).toEqual(viaDate(100_000_001));
  });
});
