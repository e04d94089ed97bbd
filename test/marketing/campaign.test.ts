/**
 * analyseCampaigns on a small campaign with known counts; every expected number is worked in the comments.
 *
 * Campaign "spring", contacts on 2024-03-01 (window 30 days: 2024-03-02 .. 2024-03-31), as-of 2024-06-30.
 *   treatment t1..t10 (cost 2 per contact), control c1..c5 (no cost)
 *   t1 buys 100 on 03-05; t2 buys 60 on 03-10 and returns 10 on 03-12 (net 50 in the window); t3 30 on 03-31 (the
 *   window's last day); t4 20 on 03-02 (its first); t5 buys 70 on 03-01 (the contact day: not a response);
 *   t6 buys 80 on 04-01 (day 31: outside); t7 is contacted again on 04-15 and buys 10 on 04-20 (in the second window);
 *   t8 also appears as a control contact on 03-01 of the same campaign (left out: 'other group in the campaign');
 *   c1 buys 40 on 03-20; c2 buys 25 on 02-20 (before the contact).
 * Treated responders t1 t2 t3 t4 t7 = 5/10 = 0.5; control c1 = 1/5 = 0.2; lift 0.3.
 * Window revenue: treated 100 + 50 + 30 + 20 + 10 = 210, mean 21; control 40, mean 8.
 * Incremental revenue (21 − 8) × 10 = 130; margin share 0.5: incremental margin 65; cost 11 contacts × 2 = 22;
 * ROI = (65 − 22) / 22 = 1.954545.
 */
import { describe, expect, it } from 'vitest';
import { analyseCampaigns, campaignRows, type CampaignContact, type PurchaseHistory } from '../../src/marketing/campaign.js';
import { dayFromYmd } from '../../src/core/days.js';

const d = (iso: string): number => {
  const [y, m, day] = iso.split('-').map(Number);
  return dayFromYmd(y, m, day);
};

function contact(customerId: string, campaign: string, date: string, group: 'treatment' | 'control', cost: number | null = null): CampaignContact {
  return { customerId, campaign, day: d(date), group, cost };
}

const contacts: CampaignContact[] = [
  ...Array.from({ length: 10 }, (_, i) => contact(`t${i + 1}`, 'spring', '2024-03-01', 'treatment', 2)),
  contact('t7', 'spring', '2024-04-15', 'treatment', 2),
  contact('t8', 'spring', '2024-03-01', 'control'),
  ...Array.from({ length: 5 }, (_, i) => contact(`c${i + 1}`, 'spring', '2024-03-01', 'control')),
  // "winter": no control group; contacted 2024-06-20, its window (to 07-20) is not complete at 06-30
  contact('t1', 'winter', '2024-06-20', 'treatment', 1),
  contact('c1', 'winter', '2024-06-20', 'treatment', 1),
  contact('t2', 'winter', '2024-07-05', 'treatment', 1), // after as-of
];

const sales: Record<string, [string, number][]> = {
  t1: [['2024-03-05', 100], ['2024-06-25', 15]],
  t2: [['2024-03-10', 60], ['2024-03-12', -10]],
  t3: [['2024-03-31', 30]],
  t4: [['2024-03-02', 20]],
  t5: [['2024-03-01', 70]],
  t6: [['2024-04-01', 80]],
  t7: [['2024-04-20', 10]],
  c1: [['2024-03-20', 40], ['2024-07-01', 99]],
  c2: [['2024-02-20', 25]],
};

function history(id: string): PurchaseHistory | undefined {
  const rows = sales[id];
  if (!rows) return undefined;
  return { days: rows.map(([day]) => d(day)), amounts: rows.map(([, a]) => a), purchase: rows.map(([, a]) => (a >= 0 ? 1 : 0)) };
}

const region = (id: string): string => (['t1', 't2', 't3', 't4', 't5', 'c1', 'c2', 'c3'].includes(id) ? 'north' : 'south');

const analysis = analyseCampaigns(contacts, { asOf: d('2024-06-30'), windowDays: 30, history, marginShare: 0.5, breakdowns: [{ by: 'region', valueOf: region }] });
const spring = analysis.campaigns.find((c) => c.campaign === 'spring')!;
const winter = analysis.campaigns.find((c) => c.campaign === 'winter')!;

describe('a campaign with a control group', () => {
  it('counts contacted customers, contacts, responders and window revenue per group', () => {
    expect(spring.treatment).toMatchObject({ contacted: 10, contacts: 11, responders: 5, responseRate: 0.5, revenue: 210, revenuePerContacted: 21, cost: 22, incomplete: 0 });
    // margin = revenue × 0.5: 105 and 10.5 per contacted
    expect(spring.treatment!.margin).toBe(105);
    expect(spring.treatment!.marginPerContacted).toBe(10.5);
    expect(spring.control).toMatchObject({ contacted: 5, contacts: 5, responders: 1, responseRate: 0.2, revenue: 40, revenuePerContacted: 8, cost: 0 });
  });

  it('lift, its Newcombe interval and the pooled z test', () => {
    // Wilson 5/10: 0.23659 to 0.76341; 1/5: 0.03622 to 0.62447
    // L = 0.3 − √((0.5 − 0.23659)² + (0.62447 − 0.2)²) = 0.3 − √(0.069385 + 0.180173) = 0.3 − 0.49956 = −0.19955
    // U = 0.3 + √((0.76341 − 0.5)² + (0.2 − 0.03622)²) = 0.3 + √(0.069385 + 0.026823) = 0.3 + 0.31017 = 0.61017
    expect(spring.lift).toBeCloseTo(0.3, 12);
    expect(spring.liftInterval![0]).toBeCloseTo(-0.19955, 4);
    expect(spring.liftInterval![1]).toBeCloseTo(0.61017, 4);
    // p̂ = 6/15 = 0.4; se = √(0.4·0.6·(1/10 + 1/5)) = √0.072 = 0.268328; z = 0.3/0.268328 = 1.118034; p = 0.263552
    expect(spring.pValue).toBeCloseTo(0.263552, 5);
  });

  it("incremental revenue with Welch's interval, incremental margin and ROI", () => {
    // Welch (see stats.test.ts for the same numbers): 13 ± 2.16543·13.01708 = −15.1876 .. 41.1876 per treated; × 10
    expect(spring.incrementalRevenue).toBeCloseTo(130, 9);
    expect(spring.incrementalRevenueInterval![0]).toBeCloseTo(-151.876, 2);
    expect(spring.incrementalRevenueInterval![1]).toBeCloseTo(411.876, 2);
    expect(spring.incrementalRevenueDf!).toBeCloseTo(12.7076, 3);
    expect(spring.incrementalMargin).toBeCloseTo(65, 9);
    expect(spring.totalCost).toBe(22);
    expect(spring.roi).toBeCloseTo(43 / 22, 12);
  });

  it('warns that the control group is too small, with the size that would do', () => {
    // the interval −0.19955 .. 0.61017 holds zero; with 10 treated at 0.5 and the control at 0.2, 43 control
    // customers make the lower bound positive (stats.test.ts)
    expect(spring.controlSizeNeeded).toBe(43);
    expect(spring.warnings.join('\n')).toMatch(/control group \(5\) is too small .* about 43 control customers would/);
  });

  it('breaks down by a customer attribute', () => {
    // north: treated t1..t5, responders t1..t4 = 4/5; control c1 c2 c3, responder c1 = 1/3; lift 0.8 − 0.3333 = 0.4667
    // north revenue: treated 100 + 50 + 30 + 20 = 200 → mean 40; control 40 → mean 13.333; incremental (40 − 13.333) × 5 = 133.33
    const north = spring.breakdowns.find((b) => b.by === 'region' && b.value === 'north')!;
    expect(north.treatment).toMatchObject({ contacted: 5, responders: 4 });
    expect(north.control).toMatchObject({ contacted: 3, responders: 1 });
    expect(north.lift).toBeCloseTo(0.8 - 1 / 3, 12);
    expect(north.incrementalRevenue).toBeCloseTo((40 - 40 / 3) * 5, 9);
    // south: treated t6..t10, responder t7 = 1/5; control c4 c5: 0/2; cost 6 contacts × 2 = 12
    const south = spring.breakdowns.find((b) => b.value === 'south')!;
    expect(south.treatment).toMatchObject({ contacted: 5, contacts: 6, responders: 1, cost: 12 });
    expect(south.control).toMatchObject({ contacted: 2, responders: 0 });
    expect(south.lift).toBeCloseTo(0.2, 12);
  });
});

describe('a campaign without a control group, windows not complete, contacts left out', () => {
  it('reports response rates only and says that lift cannot be measured', () => {
    expect(winter.control).toBeNull();
    expect(winter.lift).toBeNull();
    expect(winter.liftInterval).toBeNull();
    expect(winter.pValue).toBeNull();
    expect(winter.incrementalRevenue).toBeNull();
    expect(winter.roi).toBeNull();
    expect(winter.liftNote).toMatch(/no control group: lift cannot be measured/);
    expect(winter.warnings.join('\n')).toMatch(/no control group/);
  });

  it('counts the windows not complete at as-of and their purchases up to as-of only', () => {
    // t1 buys 15 on 06-25 (in 06-21 .. 06-30); c1's 99 on 07-01 is after as-of. Both windows end 07-20 > 06-30.
    expect(winter.treatment).toMatchObject({ contacted: 2, responders: 1, revenue: 15, incomplete: 2 });
    expect(winter.warnings.join('\n')).toMatch(/2 contacted customer\(s\) .* not complete at the as-of day 2024-06-30/);
  });

  it('accounts for every contact: after as-of and the other group of a campaign are left out', () => {
    // 20 contacts (spring 10 + t7's second + t8's control + 5 control; winter 3): 1 after as-of (t2 winter 07-05),
    // 1 in the other group (t8 control) → 18 used
    expect(analysis.account).toEqual({ contacts: 20, used: 18, excluded: { 'after as-of': 1, 'other group in the campaign': 1 } });
  });

  it('the rows of the CSV output: campaign × breakdown × group', () => {
    const rows = [...campaignRows(analysis)].map((r) => [r.campaign, r.by, r.value, r.group]);
    expect(rows).toEqual([
      ['spring', 'all', '', 'treatment'], ['spring', 'all', '', 'control'],
      ['spring', 'region', 'north', 'treatment'], ['spring', 'region', 'north', 'control'],
      ['spring', 'region', 'south', 'treatment'], ['spring', 'region', 'south', 'control'],
      // winter: t1 and c1, both north, treated only
      ['winter', 'all', '', 'treatment'], ['winter', 'region', 'north', 'treatment'],
    ]);
  });

  it('refuses a window that is not a whole number of days', () => {
    expect(() => analyseCampaigns([], { asOf: 0, windowDays: 0, history })).toThrow(/whole number of days/);
  });
});
