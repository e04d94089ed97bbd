/**
 * Issue 18.4: the default survival view measures the observed lifetime (first to last purchase), with
 * customers still inside the churn window censored at their last purchase; the window-dated view stays as an
 * option. Kaplan-Meier numbers of the new default checked by hand on a small data set.
 */
import { describe, expect, it } from 'vitest';
import { purchaseLifetimes, survivalDefinition } from '../../src/churn/lifetimes.js';
import { kaplanMeier, survivalAt } from '../../src/churn/kaplan-meier.js';
import { churnRates } from '../../src/churn/churn-rate.js';
import { dayFromYmd, type Day } from '../../src/core/days.js';
import type { CustomerHistory } from '../../src/core/types.js';

function history(id: string, days: readonly Day[]): CustomerHistory {
  return { id, days: days.slice(), amounts: days.map(() => 10), otherReturns: 0, lines: days.length, margin: null };
}

// W = 30 days, as-of day 100. By hand (observed view: duration = last − first; churned when 100 − last ≥ 30):
//   a [0]          one purchase, silent 100 days  → churned, 0
//   h [60]         one purchase, silent 40 days   → churned, 0
//   e [75]         one purchase, silent 25 days   → censored, 0
//   b [0, 10, 20]  silent 80 days                 → churned, 20
//   c [10, 50]     silent 50 days                 → churned, 40
//   g [5, 45]      silent 55 days                 → churned, 40
//   d [30, 80]     silent 20 days                 → censored, 50
//   f [0, 40, 75]  silent 25 days                 → censored, 75
const W = 30;
const asOf = 100;
const data = [
  history('a', [0]),
  history('b', [0, 10, 20]),
  history('c', [10, 50]),
  history('d', [30, 80]),
  history('e', [75]),
  history('f', [0, 40, 75]),
  history('g', [5, 45]),
  history('h', [60]),
];

describe('purchase lifetimes, observed view (the default)', () => {
  const lifetimes = purchaseLifetimes(data, asOf, { churnAfterDays: W });

  it('measures first to last purchase and censors customers still inside the window at their last purchase', () => {
    expect(lifetimes.view).toBe('observed');
    expect(lifetimes.lifetimes.map((l) => [l.id, l.duration, l.churned, l.end])).toEqual([
      ['a', 0, true, 0],
      ['b', 20, true, 20],
      ['c', 40, true, 50],
      ['d', 50, false, 80],
      ['e', 0, false, 75],
      ['f', 75, false, 75],
      ['g', 40, true, 45],
      ['h', 0, true, 60],
    ]);
    expect([lifetimes.churned, lifetimes.censored]).toEqual([5, 3]);
  });

  it('gives the hand-computed Kaplan-Meier curve, Greenwood errors and median', () => {
    const curve = kaplanMeier(lifetimes.lifetimes);
    // t = 0:  n = 8, d = 2 → S = 6/8;           σ² = 2/(8·6)
    // (e censored at 0 leaves after the events)
    // t = 20: n = 5, d = 1 → S = 6/8 · 4/5 = 0.6; σ² += 1/(5·4)
    // t = 40: n = 4, d = 2 → S = 0.6 · 2/4 = 0.3; σ² += 2/(4·2)
    // t = 50, 75: censored only
    const sigma2 = [2 / 48, 2 / 48 + 1 / 20, 2 / 48 + 1 / 20 + 2 / 8];
    expect(curve.steps.map((s) => [s.time, s.atRisk, s.events, s.censored])).toEqual([
      [0, 8, 2, 1],
      [20, 5, 1, 0],
      [40, 4, 2, 0],
      [50, 2, 0, 1],
      [75, 1, 0, 1],
    ]);
    const expected = [0.75, 0.6, 0.3];
    for (let i = 0; i < 3; i++) {
      expect(curve.steps[i].survival).toBeCloseTo(expected[i], 14);
      expect(curve.steps[i].standardError).toBeCloseTo(expected[i] * Math.sqrt(sigma2[i]), 14);
    }
    // 0.3 · √(1/24 + 1/20 + 1/4) = 0.3 · √0.341666… = 0.17535680…
    expect(curve.steps[2].standardError).toBeCloseTo(0.1753568, 6);
    expect(curve.median).toBe(40);
    const at = survivalAt(curve, [0, 10, 30, 45, 90]);
    [0.75, 0.75, 0.6, 0.3].forEach((v, i) => expect(at[i].survival).toBeCloseTo(v, 14));
    expect(at[4].survival).toBeNull(); // beyond the longest lifetime (75)
    // S(t) says something before W: it is below 100% from day 0 (the one-time buyers who left)
    expect(at[0].survival).toBeLessThan(1);
  });

  it('the window view keeps the old curve: flat at 100% until W, median lifetime = W when most buy once', () => {
    const window = purchaseLifetimes(data, asOf, { churnAfterDays: W, view: 'window' });
    expect(window.view).toBe('window');
    const curve = kaplanMeier(window.lifetimes);
    expect(survivalAt(curve, [0, 10, 29]).map((p) => p.survival)).toEqual([1, 1, 1]);
    expect(Math.min(...window.lifetimes.filter((l) => l.churned).map((l) => l.duration))).toBe(W);
  });

  it('explains each view in one sentence', () => {
    expect(survivalDefinition(lifetimes)).toMatch(/first to last purchase/);
    expect(survivalDefinition({ ...lifetimes, view: 'window' })).toMatch(/flat at 100% until 30 days/);
    expect(survivalDefinition({ source: 'contracts', view: null, window: null })).toMatch(/contract/);
  });
});

describe('churn rates, observed view', () => {
  const d = (iso: string): Day => {
    const [y, m, dd] = iso.split('-').map(Number);
    return dayFromYmd(y, m, dd);
  };
  // W = 60, as-of 2023-06-30: churn is final only for last purchases on or before 2023-05-01.
  const asOfDay = d('2023-06-30');
  const customers = [
    history('once', [d('2023-01-10')]), // one-time buyer: lost in its acquisition month (acquiredAndLost), not later
    history('twice', [d('2023-01-05'), d('2023-03-10')]), // lost in 2023-03
    history('loyal', [d('2023-01-20'), d('2023-02-15'), d('2023-06-20')]), // censored
    history('recent', [d('2023-02-01'), d('2023-05-20')]), // last purchase 41 days before as-of: censored
  ];
  const lifetimes = purchaseLifetimes(customers, asOfDay, { churnAfterDays: 60 });
  const rates = churnRates(lifetimes, { unit: 'month' });

  it('dates the churn in the month of the last purchase: no spike W days after an acquisition wave', () => {
    const byLabel = new Map(rates.overall.periods.map((p) => [p.label, p]));
    expect(byLabel.get('2023-01')).toMatchObject({ acquired: 3, acquiredAndLost: 1, lost: 0 });
    expect(byLabel.get('2023-03')).toMatchObject({ atRisk: 3, lost: 1, provisional: false });
    // with the window view the one-time buyer would be lost in March (10 Jan + 60 days)
    const windowRates = churnRates(purchaseLifetimes(customers, asOfDay, { churnAfterDays: 60, view: 'window' }), { unit: 'month' });
    expect(windowRates.overall.periods.find((p) => p.label === '2023-03')).toMatchObject({ lost: 1 });
    expect(windowRates.overall.periods.find((p) => p.label === '2023-05')).toMatchObject({ lost: 1 });
    expect(windowRates.overall.periods.every((p) => !p.provisional)).toBe(true);
  });

  it('marks the months ending less than W days before as-of provisional and leaves them out of the pooled rate', () => {
    expect(rates.overall.periods.map((p) => [p.label, p.provisional, p.partial])).toEqual([
      ['2023-01', false, false],
      ['2023-02', false, false],
      ['2023-03', false, false],
      ['2023-04', false, false], // ends 2023-04-30, 61 days before as-of
      ['2023-05', true, false], // ends 2023-05-31: a last purchase in May may still turn out final
      ['2023-06', true, false],
    ]);
    // pooled over Jan–Apr: at risk 0 + 2 (twice, loyal) + 3 (and recent) + 2, lost 0 + 0 + 1 + 0
    expect(rates.overall.periods.slice(0, 4).map((p) => [p.atRisk, p.lost])).toEqual([[0, 0], [2, 0], [3, 1], [2, 0]]);
    expect(rates.overall.pooledRate).toBeCloseTo(1 / 7, 14);
    expect(rates.definition).toMatch(/provisional/);
  });
});
