import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { lifecycleStages } from '../../src/churn/lifecycle.js';
import { fieldReader } from '../../src/core/record-columns.js';
import { dayFromYmd, type Day } from '../../src/core/days.js';
import type { CustomerHistory } from '../../src/core/types.js';

const ymd = (iso: string): Day => {
  const [y, m, d] = iso.split('-').map(Number);
  return dayFromYmd(y, m, d);
};

/** A history from ascending distinct days (numbers or ISO dates) and amounts (default 10 each). */
function history(id: string, days: readonly (Day | string)[], amounts?: readonly number[]): CustomerHistory {
  const asDays = days.map((d) => (typeof d === 'string' ? ymd(d) : d));
  return { id, days: asDays, amounts: amounts ? amounts.slice() : asDays.map(() => 10), otherReturns: 0, lines: asDays.length, margin: null };
}


const asOf = 1000;
const rules = { churnAfterDays: 90 };

const histories = [
  history('lost', [100, 200], [50, 50]), // 800 days silent
  history('lostAtEdge', [500, 910]), // exactly W = 90 days silent: lost (same rule as purchase lifetimes)
  history('justInside', [200, 500, 911]), // 89 days: not lost; median gap 355.5; midpoint 600: 2 days before, 1 after
  history('explorer', [950], [30]),
  history('explorer2', [900, 950]),
  history('fading', [900, 905, 910, 915]), // 85 days silent vs a median gap of 5
  history('accelerating', [500, 900, 950, 990]), // midpoint 750: 1 purchase day before, 3 after
  history('bigger', [600, 700, 850, 950], [10, 10, 30, 30]), // midpoint 800: 2 and 2 days; spend 20 → 60
  history('steady', [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]), // midpoint 550: 5 and 5
  history('later', [1200]), // first purchase after as-of
];

describe('lifecycleStages', () => {
  const result = lifecycleStages(histories, asOf, { rules });
  const stageOf = new Map(result.customers.map((c) => [c.id, c.stage]));

  it('applies the rules in order: lost, exploration, dissolution, expansion, commitment', () => {
    expect(Object.fromEntries(stageOf)).toEqual({
      lost: 'lost',
      lostAtEdge: 'lost',
      justInside: 'commitment',
      explorer: 'exploration',
      explorer2: 'exploration',
      fading: 'dissolution',
      accelerating: 'expansion',
      bigger: 'expansion',
      steady: 'commitment',
    });
    expect(result.excluded).toBe(1);
  });

  it('reports the figures the rules looked at', () => {
    const fading = result.customers.filter((c) => c.id === 'fading')[0];
    expect(fading).toMatchObject({ purchaseDays: 4, daysSinceLast: 85, medianGap: 5 });
    const accelerating = result.customers.filter((c) => c.id === 'accelerating')[0];
    expect(accelerating).toMatchObject({ earlierPurchaseDays: 1, laterPurchaseDays: 3, medianGap: 50 });
    const bigger = result.customers.filter((c) => c.id === 'bigger')[0];
    expect(bigger).toMatchObject({ earlierPurchaseDays: 2, laterPurchaseDays: 2, earlierSpend: 20, laterSpend: 60 });
    expect(bigger?.reason).toMatch(/spend/);
  });

  it('counts customers and revenue per stage', () => {
    const row = (stage: string) => result.stages.find((s) => s.stage === stage);
    expect(result.stages.map((s) => s.stage)).toEqual(['exploration', 'expansion', 'commitment', 'dissolution', 'lost']);
    expect(result.stages.map((s) => s.customers)).toEqual([2, 2, 2, 1, 2]);
    expect(row('lost')).toMatchObject({ revenue: 120, averageRevenue: 60, value: null });
    expect(row('exploration')?.revenue).toBe(50);
    expect(row('commitment')?.share).toBeCloseTo(2 / 9, 14);
  });

  it('uses P(alive) instead of the gap rule when it is given, and totals values', () => {
    const pAlive = new Map([
      ['steady', 0.2],
      ['fading', 0.9],
    ]);
    const values = new Map([
      ['steady', 100],
      ['explorer', 5],
    ]);
    const r = lifecycleStages(histories, asOf, { rules, pAlive, values });
    const stage = new Map(r.customers.map((c) => [c.id, c.stage]));
    expect(stage.get('steady')).toBe('dissolution');
    // without the gap rule 'fading' is steady: midpoint 950, its 4 purchase days all in the earlier half
    expect(stage.get('fading')).toBe('commitment');
    expect(r.stages.find((s) => s.stage === 'dissolution')?.value).toBe(100);
    expect(r.stages.find((s) => s.stage === 'exploration')?.value).toBe(5);
  });

  it('honours changed rules', () => {
    const r = lifecycleStages(histories, asOf, { rules: { churnAfterDays: 100, explorationMaxPurchaseDays: 1, dissolutionGapFactor: 20 } });
    const stage = new Map(r.customers.map((c) => [c.id, c.stage]));
    // 90 < 100 days: not lost; 2 purchase days > 1: not exploration; midpoint 750: 1 and 1 purchase days, spend 10 and 10
    expect(stage.get('lostAtEdge')).toBe('commitment');
    expect(stage.get('explorer2')).not.toBe('exploration');
    expect(stage.get('fading')).not.toBe('dissolution');
  });

  it('builds the transition table from an earlier as-of day', () => {
    const r = lifecycleStages(histories, asOf, { rules, compareAsOf: 800 });
    const t = r.transitions;
    expect(t?.fromAsOf).toBe(800);
    // at day 800 (same W = 90): lost [100, 200], lostAtEdge [500], justInside [200, 500], accelerating [500] and
    // bigger [600, 700] (100 days silent) are lost; explorer, explorer2 and fading are not yet acquired;
    // steady [100..800] is commitment (midpoint 450: 4 and 4 purchase days)
    expect(t?.counts.new).toEqual({ exploration: 2, expansion: 0, commitment: 0, dissolution: 1, lost: 0 });
    expect(t?.counts.lost).toEqual({ exploration: 0, expansion: 2, commitment: 1, dissolution: 0, lost: 2 });
    expect(t?.counts.commitment).toEqual({ exploration: 0, expansion: 0, commitment: 1, dissolution: 0, lost: 0 });
    expect(t?.counts.exploration).toEqual({ exploration: 0, expansion: 0, commitment: 0, dissolution: 0, lost: 0 });
    expect(t?.fromStages).toEqual(['new', 'exploration', 'expansion', 'commitment', 'dissolution', 'lost']);
    const total = Object.values(t?.counts ?? {}).reduce((s, row) => s + Object.values(row).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(9);
    expect(() => lifecycleStages(histories, asOf, { rules, compareAsOf: 1000 })).toThrow(UsageError);
  });

  it('counts returns booked on days without a purchase in the revenue, as the customer summary (issue 18.3)', () => {
    const withReturn: CustomerHistory = { ...history('r', [900, 950], [40, 60]), otherReturns: -15 };
    const r = lifecycleStages([withReturn], asOf, { rules });
    expect(r.customers.at(0)!.revenue).toBe(85);
    expect(r.stages.find((s) => s.stage === r.customers.at(0)!.stage)?.revenue).toBe(85);
    // a revenue per customer given by the caller (e.g. the summary's) is used as is
    expect(lifecycleStages([withReturn], asOf, { rules, revenue: new Map([['r', 70]]) }).customers.at(0)!.revenue).toBe(70);
  });

  it('uses the churn window it is given, with its basis (one window for the run, issue 18.2)', () => {
    const churnWindow = { days: 30, basis: 'given' as const, gaps: 0, quantile: null };
    const r = lifecycleStages(histories, asOf, { rules: { churnWindow } });
    expect(r.rules.churnWindow).toEqual(churnWindow);
    // 'fading' (85 days silent) is lost with a 30-day window, not with 90
    expect(r.customers.filter((c) => c.id === 'fading')[0]?.stage).toBe('lost');
    expect(lifecycleStages(histories, asOf, { rules }).customers.filter((c) => c.id === 'fading')[0]?.stage).not.toBe('lost');
  });

  it('rejects invalid rules', () => {
    expect(() => lifecycleStages(histories, asOf, { rules: { churnAfterDays: 0 } })).toThrow(UsageError);
    expect(() => lifecycleStages(histories, asOf, { rules: { pAliveThreshold: 1.5 } })).toThrow(UsageError);
    expect(() => lifecycleStages(histories, asOf, { rules: { expansionFactor: -1 } })).toThrow(UsageError);
  });
});

describe('life-cycle stages stored by column', () => {
  it('gives each stage its reason, from the figures of the branch that chose it (by hand)', () => {
    const pAlive = new Map([['steady', 0.1234]]);
    const result = lifecycleStages(histories, asOf, { rules, pAlive });
    const reasons = Object.fromEntries(result.customers.map((c) => [c.id, c.reason]));
    expect(reasons).toEqual({
      lost: '800 days since the last purchase >= churn window 90',
      lostAtEdge: '90 days since the last purchase >= churn window 90',
      justInside: '3 purchase days, median gap 355.5, last 89 days ago',
      explorer: '1 purchase day, the last 50 days ago',
      explorer2: '2 purchase days, the last 50 days ago',
      fading: '85 days since the last purchase > 2 x median gap 5',
      accelerating: '3 purchase days in the later half of the life vs 1 in the earlier',
      bigger: 'spend 60 in the later half of the life vs 20 in the earlier',
      steady: 'p(alive) 0.123 < 0.5',
    });
    // fading: midpoint 900 + (1000 - 900) / 2 = 950, so its four days are all in the earlier half
    const fading = result.customers.at(5)!;
    expect(fading).toEqual({ id: 'fading', stage: 'dissolution', purchaseDays: 4, daysSinceLast: 85, medianGap: 5, earlierPurchaseDays: 4, laterPurchaseDays: 0, earlierSpend: 40, laterSpend: 0, revenue: 40, pAlive: null, reason: fading.reason });
    expect(Object.keys(fading)).toEqual(['id', 'stage', 'purchaseDays', 'daysSinceLast', 'medianGap', 'earlierPurchaseDays', 'laterPurchaseDays', 'earlierSpend', 'laterSpend', 'revenue', 'pAlive', 'reason']);
    expect(result.customers.at(3)!.medianGap).toBeNull();
  });

  it('reads each field without making the records, as the records give it', () => {
    const result = lifecycleStages(histories, asOf, { rules, pAlive: new Map([['fading', 0.9], ['steady', 0.2]]), revenue: new Map([['bigger', -0]]) });
    const records = result.customers.slice();
    for (const key of Object.keys(records[0]) as (keyof (typeof records)[0])[]) {
      const read = fieldReader(result.customers, key);
      records.forEach((r, i) => expect(Object.is(read(i), r[key]), `${key} of ${r.id}`).toBe(true));
    }
    expect(Object.is(records.find((r) => r.id === 'bigger')!.revenue, -0)).toBe(true);
    expect(fieldReader(result.customers, 'nothing' as never)(0)).toBeUndefined();
  });
});
