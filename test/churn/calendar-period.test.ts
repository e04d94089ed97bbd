import { describe, expect, it } from 'vitest';
import { dayFromYmd, dayToYmd } from '../../src/core/days.js';
import { UsageError } from '../../src/errors.js';
import { parseCalendarUnit, periodIndex, periodOf, periodOfIndex } from '../../src/churn/calendar-period.js';

describe('calendar periods', () => {
  it('labels months and quarters with their first and last days', () => {
    const feb = periodOf(dayFromYmd(2024, 2, 14), 'month');
    expect(feb).toMatchObject({ label: '2024-02', start: dayFromYmd(2024, 2, 1), end: dayFromYmd(2024, 2, 29) });
    const q4 = periodOf(dayFromYmd(2023, 11, 15), 'quarter');
    expect(q4).toMatchObject({ label: '2023-Q4', start: dayFromYmd(2023, 10, 1), end: dayFromYmd(2023, 12, 31) });
    expect(periodOfIndex(q4.index + 1, 'quarter').label).toBe('2024-Q1');
    expect(periodOfIndex(periodIndex(dayFromYmd(2023, 12, 31), 'month') + 1, 'month').label).toBe('2024-01');
  });

  it('numbers ISO weeks from Monday within the ISO week-year', () => {
    // 2023-02-01 is a Wednesday in ISO week 5 (Monday 2023-01-30 to Sunday 2023-02-05)
    expect(periodOf(dayFromYmd(2023, 2, 1), 'week')).toMatchObject({ label: '2023-W05', start: dayFromYmd(2023, 1, 30), end: dayFromYmd(2023, 2, 5) });
    // 2023-01-01 is a Sunday: the last day of 2022-W52
    expect(periodOf(dayFromYmd(2023, 1, 1), 'week').label).toBe('2022-W52');
    // 2021-01-01 (Friday) belongs to 2020-W53; 2024-12-30 (Monday) starts 2025-W01; 2026-12-31 (Thursday) is 2026-W53
    expect(periodOf(dayFromYmd(2021, 1, 1), 'week').label).toBe('2020-W53');
    expect(periodOf(dayFromYmd(2024, 12, 30), 'week').label).toBe('2025-W01');
    expect(periodOf(dayFromYmd(2026, 12, 31), 'week').label).toBe('2026-W53');
    // the week around the epoch, and before it
    expect(periodOf(0, 'week')).toMatchObject({ label: '1970-W01', start: dayFromYmd(1969, 12, 29) });
    expect(periodIndex(dayFromYmd(2023, 2, 6), 'week') - periodIndex(dayFromYmd(2023, 2, 5), 'week')).toBe(1);
  });

  it('parses units and rejects others', () => {
    expect(parseCalendarUnit('Month')).toBe('month');
    expect(parseCalendarUnit('q')).toBe('quarter');
    expect(parseCalendarUnit('weeks')).toBe('week');
    expect(() => parseCalendarUnit('year')).toThrow(UsageError);
  });
});

describe('periodIndex of months and quarters, remembered per day', () => {
  it('is year × 12 + month − 1 and year × 4 + quarter − 1, asked twice, over 3,000 years of days and negative years', () => {
    const days = [dayFromYmd(-1, 12, 31), dayFromYmd(0, 1, 1), dayFromYmd(-401, 3, 1), dayFromYmd(1969, 12, 31), 0, 0.5, -0.5];
    for (let d = dayFromYmd(1, 1, 1); d < dayFromYmd(3000, 1, 1); d += 37) days.push(d);
    for (const pass of [1, 2]) {
      for (const day of days) {
        const { year, month } = dayToYmd(day);
        expect(periodIndex(day, 'month'), `${day} pass ${pass}`).toBe(year * 12 + month - 1);
        expect(periodIndex(day, 'quarter'), `${day} pass ${pass}`).toBe(year * 4 + Math.floor((month - 1) / 3));
      }
    }
  });
});
