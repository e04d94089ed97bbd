import { describe, expect, it } from 'vitest';
import { MISSING, profileByAttribute } from '../../src/segment/profile.js';

describe('profileByAttribute', () => {
  // 10 customers: Champions 4 (40%), Lost 6 (60%).
  const segments = ['Champions', 'Champions', 'Champions', 'Champions', 'Lost', 'Lost', 'Lost', 'Lost', 'Lost', 'Lost'];
  const revenue = [100, 100, 50, 50, 10, 10, 10, 10, 5, 5];
  const region = ['north', 'north', 'north', 'south', 'south', 'south', 'south', undefined, '', 'north'];
  const profile = profileByAttribute('region', ['Champions', 'Loyal Customers', 'Lost'], segments, revenue, region);
  const cell = (segment: string, value: string) => profile.cells.find((c) => c.segment === segment && c.value === value)!;

  it('counts customers and revenue per value, missing last', () => {
    expect(profile.column).toBe('region');
    expect(profile.values).toEqual([
      { value: 'north', customers: 4, shareOfCustomers: 0.4, revenue: 255, shareOfRevenue: 255 / 350 },
      { value: 'south', customers: 4, shareOfCustomers: 0.4, revenue: 80, shareOfRevenue: 80 / 350 },
      { value: MISSING, customers: 2, shareOfCustomers: 0.2, revenue: 15, shareOfRevenue: 15 / 350 },
    ]);
    expect(profile.segments).toEqual([
      { segment: 'Champions', customers: 4, shareOfCustomers: 0.4 },
      { segment: 'Loyal Customers', customers: 0, shareOfCustomers: 0 },
      { segment: 'Lost', customers: 6, shareOfCustomers: 0.6 },
    ]);
    expect(profile.cells).toHaveLength(9);
  });

  it('indexes the share within the value against the overall share (100 = average), by hand', () => {
    // North: 3 of 4 are Champions = 75%; overall 40% → 187.5. South: 1 of 4 = 25% → 62.5.
    expect(cell('Champions', 'north')).toEqual({
      segment: 'Champions', value: 'north', customers: 3, shareWithinValue: 0.75, revenue: 250, revenueShareWithinValue: 250 / 255, index: 187.5,
    });
    expect(cell('Champions', 'south').index).toBe(62.5);
    expect(cell('Champions', MISSING)).toMatchObject({ customers: 0, shareWithinValue: 0, index: 0 });
    // Lost: north 1/4 = 25% vs 60% → 41.67; south 3/4 → 125; missing 2/2 → 166.67.
    expect(cell('Lost', 'north').index).toBeCloseTo(25 / 0.6, 12);
    expect(cell('Lost', 'south').index).toBeCloseTo(125, 12);
    expect(cell('Lost', MISSING).index).toBeCloseTo(100 / 0.6, 12);
    expect(cell('Loyal Customers', 'north')).toMatchObject({ customers: 0, index: null });
    // Index weighted by the values' sizes averages to 100 for every segment.
    for (const s of ['Champions', 'Lost']) {
      const weighted = profile.values.reduce((sum, v) => sum + cell(s, v.value).index! * v.shareOfCustomers, 0);
      expect(weighted).toBeCloseTo(100, 10);
    }
  });
});
