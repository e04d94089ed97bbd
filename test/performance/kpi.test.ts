/** The pure KPI fold: edges worked out by hand. */
import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../src/core/days.js';
import { kpiByPeriod, type KpiCustomer } from '../../src/performance/kpi.js';
import { kpiPeriodIndex, kpiPeriodOfIndex, parseKpiUnit } from '../../src/performance/periods.js';
import type { ChurnWindow } from '../../src/churn/lifetimes.js';

const d = (iso: string): number => {
  const [y, m, day] = iso.split('-').map(Number);
  return dayFromYmd(y, m, day);
};
const given = (days: number): ChurnWindow => ({ days, basis: 'given', gaps: 0, quantile: null });

describe('KPI periods', () => {
  it('labels: month, quarter, year, and a week by its Monday across a year end', () => {
    const day = d('2021-01-01'); // a Friday: its ISO week starts on Monday 2020-12-28
    expect(kpiPeriodOfIndex(kpiPeriodIndex(day, 'week'), 'week')).toMatchObject({ label: '2020-12-28', start: d('2020-12-28'), end: d('2021-01-03') });
    expect(kpiPeriodOfIndex(kpiPeriodIndex(day, 'month'), 'month')).toMatchObject({ label: '2021-01', end: d('2021-01-31') });
    expect(kpiPeriodOfIndex(kpiPeriodIndex(d('2024-11-30'), 'quarter'), 'quarter')).toMatchObject({ label: '2024-Q4', start: d('2024-10-01'), end: d('2024-12-31') });
    expect(kpiPeriodOfIndex(kpiPeriodIndex(day, 'year'), 'year')).toMatchObject({ label: '2021', start: d('2021-01-01'), end: d('2021-12-31') });
    expect(parseKpiUnit(' Y ')).toBe('year');
    expect(() => parseKpiUnit('day')).toThrow(/invalid period "day"/);
  });
});

describe('kpiByPeriod', () => {
  it('a comeback inside a long period: new and reactivated in the same year', () => {
    // 2024-01-10 and 2024-11-01: 296 days apart > W = 90, both in 2024.
    const a: KpiCustomer = { id: 'a', days: [d('2024-01-10'), d('2024-11-01')], amounts: [10, 20] };
    const r = kpiByPeriod([a], { asOf: d('2024-12-31'), unit: 'year', window: given(90) });
    expect(r.periods).toEqual([expect.objectContaining({ period: '2024', activeCustomers: 1, newCustomers: 1, returningCustomers: 0, reactivatedCustomers: 1, lostCustomers: 0, revenue: 30, orders: 2, partial: false, lostProvisional: true })]);
  });

  it('the churn window edge: a purchase exactly W days later is no comeback, W + 1 is; lost exactly W days before as-of', () => {
    const a: KpiCustomer = { id: 'a', days: [d('2024-01-01'), d('2024-01-31')], amounts: [1, 1] }; // 30 days
    const b: KpiCustomer = { id: 'b', days: [d('2024-01-01'), d('2024-02-01')], amounts: [1, 1] }; // 31 days
    const r = kpiByPeriod([a, b], { asOf: d('2024-03-02'), window: given(30) }); // 03-02 is 30 days after 02-01
    expect(r.periods.map((p) => p.reactivatedCustomers)).toEqual([0, 1, 0]);
    // a: last 01-31, 31 days before as-of: lost in January; b: last 02-01, exactly 30 days: lost in February.
    expect(r.periods.map((p) => p.lostCustomers)).toEqual([1, 1, 0]);
    // February ends 02-29, 2 < 30 days before as-of: provisional from February.
    expect(r.provisionalFrom).toBe('2024-02');
  });

  it('top 20% of 15 customers is 3 customers (0.2 x 15 is 3.0000000000000004 in floating point)', () => {
    // Customers with 1..15 on one day: top 3 = 15 + 14 + 13 = 42 of 120.
    const customers = Array.from({ length: 15 }, (_, i): KpiCustomer => ({ id: String(i), days: [d('2024-05-05')], amounts: [i + 1] }));
    const r = kpiByPeriod(customers, { asOf: d('2024-05-31'), window: given(30) });
    expect(r.periods[0].top20RevenueShare).toBeCloseTo(42 / 120, 12);
  });

  it('return-only days count in revenue but make nobody active; no revenue share when revenue <= 0', () => {
    const a: KpiCustomer = { id: 'a', days: [d('2024-01-05'), d('2024-02-07')], amounts: [50, -80], purchase: [1, 0] };
    const r = kpiByPeriod([a], { asOf: d('2024-02-29'), window: given(100) });
    expect(r.periods[1]).toMatchObject({ activeCustomers: 0, revenue: -80, orders: 0, averageOrderValue: null, revenuePerActive: null, top20RevenueShare: null, retentionRate: 0 });
  });

  it('refuses a window that is not a whole number of days', () => {
    expect(() => kpiByPeriod([], { asOf: 0, window: given(0) })).toThrow(/positive whole number/);
  });
});
