import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { contractLifetimes, purchaseLifetimes, suggestChurnWindow } from '../../src/churn/lifetimes.js';
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
const W = 90;

describe('purchaseLifetimes, window view: the churn window edges (W = 90, as-of day 1000)', () => {
  const data = purchaseLifetimes(
    [
      history('edge', [500, 910]), // last purchase exactly W days before as-of: the window is fully observed → churned
      history('inside', [500, 911]), // W − 1 days: still inside the window → censored
      history('newAtEdge', [910]), // acquired exactly at as-of − W, one purchase → churned after W days
      history('newAfter', [911]), // acquired after as-of − W: can only be censored
      history('newLast', [1000]), // bought on the as-of day
      history('future', [900, 1005]), // purchases after as-of are ignored
      history('notStarted', [1001]),
      history('none', []),
    ],
    asOf,
    { churnAfterDays: W, view: 'window' },
  );
  const byId = new Map(data.lifetimes.map((l) => [l.id, l]));

  it('churns a customer whose last purchase is exactly W days before as-of, dated last + W', () => {
    expect(byId.get('edge')).toMatchObject({ start: 500, end: 1000, duration: 500, churned: true, lastPurchase: 910 });
  });

  it('censors a customer still inside the window at as-of', () => {
    expect(byId.get('inside')).toMatchObject({ start: 500, end: 1000, duration: 500, churned: false, lastPurchase: 911 });
  });

  it('can only censor customers acquired after as-of − W', () => {
    expect(byId.get('newAtEdge')).toMatchObject({ end: 1000, duration: 90, churned: true });
    expect(byId.get('newAfter')).toMatchObject({ end: 1000, duration: 89, churned: false });
    expect(byId.get('newLast')).toMatchObject({ end: 1000, duration: 0, churned: false });
  });

  it('ignores purchases after as-of and leaves out customers without a purchase by then', () => {
    expect(byId.get('future')).toMatchObject({ lastPurchase: 900, end: 990, duration: 90, churned: true });
    expect(byId.has('notStarted')).toBe(false);
    expect(byId.has('none')).toBe(false);
    expect(data.excluded).toEqual({ notStarted: 1, noPurchase: 1, endBeforeStart: 0 });
    expect(data.churned).toBe(3);
    expect(data.censored).toBe(3);
    expect(data.window).toEqual({ days: 90, basis: 'given', gaps: 0, quantile: null });
  });

  it('continues a lifetime through a gap of exactly W, and counts longer gaps as reactivations', () => {
    const r = purchaseLifetimes([history('exactly', [100, 190, 280]), history('longer', [100, 191, 280])], 300, { churnAfterDays: W, view: 'window' });
    expect(r.lifetimes.some((l) => l.churned || l.duration !== 200)).toBe(false);
    expect(r.reactivated).toBe(1);
  });

  it('attaches the by attribute as the group', () => {
    const attributes = new Map([['a', { plan: 'pro' }]]);
    const r = purchaseLifetimes([history('a', [1]), history('b', [2])], asOf, { churnAfterDays: W, by: 'plan', attributes });
    expect(r.lifetimes.map((l) => l.group)).toEqual(['pro', '(missing)']);
    expect(() => purchaseLifetimes([], asOf, { by: 'plan' })).toThrow(UsageError);
  });

  it('puts a blank attribute value in (missing), for purchases and contracts (issue 18.7)', () => {
    const attributes = new Map([['a', { plan: '' }], ['b', { plan: ' ' }], ['c', { plan: 'pro' }]]);
    const r = purchaseLifetimes([history('a', [1]), history('b', [2]), history('c', [3]), history('d', [4])], asOf, { churnAfterDays: W, by: 'plan', attributes });
    expect(r.lifetimes.map((l) => l.group)).toEqual(['(missing)', '(missing)', 'pro', '(missing)']);
    const c = contractLifetimes([{ id: 'a', start: 1, end: null }, { id: 'c', start: 1, end: 5 }], asOf, { by: 'plan', attributes });
    expect(c.lifetimes.map((l) => l.group)).toEqual(['(missing)', 'pro']);
  });

  it('rejects a window that is not a positive whole number of days', () => {
    expect(() => purchaseLifetimes([], asOf, { churnAfterDays: 0 })).toThrow(UsageError);
    expect(() => purchaseLifetimes([], asOf, { churnAfterDays: 1.5 })).toThrow(UsageError);
  });
});

describe('suggestChurnWindow', () => {
  it('is the rounded-up 90th percentile (type 7) of the pooled inter-purchase gaps', () => {
    // one customer with gaps 1, 2, ..., 20: type-7 quantile = 18 + 0.1·(19 − 18) = 18.1 → 19 days
    const days = [0];
    for (let gap = 1; gap <= 20; gap++) days.push(days[days.length - 1] + gap);
    const window = suggestChurnWindow([history('a', days)], 10_000);
    expect(window).toEqual({ days: 19, basis: 'gap-quantile', gaps: 20, quantile: 0.9 });
    // gaps after as-of do not count
    expect(suggestChurnWindow([history('a', days)], days[19]).basis).toBe('default');
    // used by purchaseLifetimes when no window is given
    expect(purchaseLifetimes([history('a', days)], 10_000).window?.days).toBe(19);
  });

  it('falls back to 90 days with fewer than 20 gaps', () => {
    expect(suggestChurnWindow([history('a', [0, 5, 10])], 100)).toEqual({ days: 90, basis: 'default', gaps: 2, quantile: 0.9 });
    expect(suggestChurnWindow([], 100, { fallbackDays: 30 }).days).toBe(30);
    expect(() => suggestChurnWindow([], 100, { quantile: 1 })).toThrow(UsageError);
  });
});

describe('contractLifetimes', () => {
  it('churns contracts ended on or before as-of and censors the others at as-of', () => {
    const data = contractLifetimes(
      [
        { id: 'ended', start: 100, end: 400 },
        { id: 'endsOnAsOf', start: 200, end: 1000 },
        { id: 'endsLater', start: 300, end: 1200 },
        { id: 'running', start: 400, end: null },
        { id: 'sameDay', start: 500, end: 500 },
        { id: 'notStarted', start: 1001, end: null },
        { id: 'bad', start: 600, end: 599 },
      ],
      asOf,
    );
    expect(data.lifetimes.map((l) => [l.id, l.end, l.duration, l.churned])).toEqual([
      ['ended', 400, 300, true],
      ['endsOnAsOf', 1000, 800, true],
      ['endsLater', 1000, 700, false],
      ['running', 1000, 600, false],
      ['sameDay', 500, 0, true],
    ]);
    expect(data.excluded).toEqual({ notStarted: 1, noPurchase: 0, endBeforeStart: 1 });
    expect([data.churned, data.censored, data.source, data.window]).toEqual([3, 2, 'contracts', null]);
  });
});
