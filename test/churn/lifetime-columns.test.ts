/**
 * Lifetimes stored by column (purchaseLifetimes) and the survival analyses that count them by column: the
 * same records, curves, tests and rates as from plain objects, to the last bit.
 */
import { describe, expect, it } from 'vitest';
import { contractLifetimes, lifetimeColumns, purchaseLifetimes, type Lifetime } from '../../src/churn/lifetimes.js';
import { kaplanMeier, kaplanMeierColumns } from '../../src/churn/kaplan-meier.js';
import { logRankColumns, logRankTest } from '../../src/churn/log-rank.js';
import { churnRates } from '../../src/churn/churn-rate.js';
import { survivalOf } from '../../src/analysis/churn.js';
import { seededRandom } from '../../src/segment/k-means.js';
import type { CustomerHistory } from '../../src/core/types.js';

/** Random purchase histories: ids c0..c(n-1), 1–6 ascending days in 0..999, some customers with no day. */
function randomHistories(n: number, seed: number): CustomerHistory[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const count = Math.floor(random() * 7) - 1;
    const days = [...new Set(Array.from({ length: Math.max(0, count) }, () => Math.floor(random() * 1000)))].sort((a, b) => a - b);
    return { id: `c${i}`, days, amounts: days.map(() => 10), otherReturns: 0, lines: days.length, margin: null };
  });
}

const classes = ['prompt', 'late', 'slow', ''];
const attributes = {
  get: (id: string): Record<string, string> | undefined => {
    const k = Number(id.slice(1));
    return k % 11 === 0 ? undefined : { payment_class: classes[k % classes.length] };
  },
};

/** The lifetimes as objects, by the rule of the module comment of lifetimes.ts, written out here. */
function byHand(histories: CustomerHistory[], asOf: number, w: number, view: 'observed' | 'window', by: boolean): Lifetime[] {
  const out: Lifetime[] = [];
  for (const h of histories) {
    const days = h.days.filter((d) => d <= asOf);
    if (h.days.length === 0 || h.days[0] > asOf) continue;
    const first = days[0];
    const last = days[days.length - 1];
    const churned = asOf - last >= w;
    const end = view === 'observed' ? last : churned ? last + w : asOf;
    const value = by ? attributes.get(h.id)?.payment_class : undefined;
    const group = !by ? null : value === undefined || value.trim() === '' ? '(missing)' : value;
    out.push({ id: h.id, start: first, end, duration: end - first, churned, lastPurchase: last, group });
  }
  return out;
}

describe('purchaseLifetimes stored by column', () => {
  const histories = randomHistories(3000, 7);
  for (const view of ['observed', 'window'] as const) {
    for (const by of [false, true]) {
      it(`gives the records of the rule (${view} view${by ? ', by group' : ''}), and columns equal to those read from them`, () => {
        const data = purchaseLifetimes(histories, 900, { churnAfterDays: 60, view, ...(by ? { by: 'payment_class', attributes } : {}) });
        const expected = byHand(histories, 900, 60, view, by);
        expect(data.lifetimes.length).toBe(expected.length);
        expect([...data.lifetimes]).toEqual(expected);
        expect(data.lifetimes.map((l) => Object.keys(l))[0]).toEqual(Object.keys(expected[0]));
        const stored = lifetimeColumns(data);
        const read = lifetimeColumns({ lifetimes: [...data.lifetimes] });
        for (const key of ['start', 'end', 'duration', 'churned'] as const) expect(Array.from(stored[key])).toEqual(Array.from(read[key]));
        const names = (c: typeof stored) => (c.group === null ? null : Array.from(c.group, (g) => (g < 0 ? null : c.groups[g])));
        expect(names(stored)).toEqual(names(read));
      });
    }
  }
});

describe('survival counted by column', () => {
  const random = seededRandom(3);
  // ties on purpose (durations in whole days 0..40) and one half-day duration
  const observations = Array.from({ length: 2000 }, (_, i) => ({ duration: i === 5 ? 2.5 : Math.floor(random() * 41), churned: random() < 0.6, group: ['b', 'a', 'c', null][Math.floor(random() * 4)] }));
  const durations = observations.map((o) => o.duration);
  const churned = observations.map((o) => (o.churned ? 1 : 0));

  it('kaplanMeierColumns is kaplanMeier of the same observations, for all rows and for a subset', () => {
    expect(kaplanMeierColumns(durations, churned, null)).toEqual(kaplanMeier(observations));
    const rows = observations.flatMap((o, i) => (o.group === 'a' ? [i] : []));
    expect(kaplanMeierColumns(durations, churned, rows)).toEqual(kaplanMeier(observations.filter((o) => o.group === 'a')));
    expect(kaplanMeierColumns(durations, churned, rows).steps.length).toBeGreaterThan(10);
  });

  it('counts at each duration the customers at risk, the events and the censored (by hand)', () => {
    const curve = kaplanMeierColumns([3, 1, 3, 3, 7, 1], [1, 0, 1, 0, 1, 1], null);
    expect(curve.steps.map((s) => [s.time, s.atRisk, s.events, s.censored])).toEqual([[1, 6, 1, 1], [3, 4, 2, 1], [7, 1, 1, 0]]);
    expect(curve.steps[1].survival).toBe((1 - 1 / 6) * (1 - 2 / 4));
  });

  it('rejects what kaplanMeier rejects', () => {
    expect(() => kaplanMeierColumns([1, -1], [1, 1], null)).toThrow('durations must be finite and non-negative, found -1');
    expect(() => kaplanMeierColumns([1, NaN], [1, 1], [0, 1])).toThrow('found NaN');
    expect(() => kaplanMeierColumns([], [], null)).toThrow('at least one observation');
  });

  it('logRankColumns is logRankTest of the same observations', () => {
    const names = ['a', 'b', 'c'];
    const rows = names.map((g) => observations.flatMap((o, i) => (o.group === g ? [i] : [])));
    const ungrouped = observations.filter((o) => o.group === null).length;
    const expected = logRankTest(observations);
    expect(expected.statistic).not.toBeNull();
    expect(logRankColumns(names, durations, churned, rows, ungrouped)).toEqual(expected);
  });

  it('survivalOf and churnRates give the same results for lifetimes by column and as objects', () => {
    const data = purchaseLifetimes(randomHistories(3000, 11), 900, { churnAfterDays: 45, by: 'payment_class', attributes });
    const asObjects = { ...data, lifetimes: [...data.lifetimes] };
    expect(survivalOf(data, 'payment_class', [0, 30, 365])).toEqual(survivalOf(asObjects, 'payment_class', [0, 30, 365]));
    expect(survivalOf(data, 'payment_class', [0, 30]).logRank?.groups.map((g) => g.group)).toEqual(['(missing)', 'late', 'prompt', 'slow']);
    expect(churnRates(data)).toEqual(churnRates(asObjects));
    expect(churnRates(data).groups.map((g) => g.group)).toEqual(['(missing)', 'late', 'prompt', 'slow']);
  });

  it('contract lifetimes (plain objects) go through the same counting', () => {
    const data = contractLifetimes([{ id: 'a', start: 0, end: 30 }, { id: 'b', start: 10, end: null }, { id: 'c', start: 5, end: 35 }], 100);
    expect(survivalOf(data, undefined, [0, 30]).survival.overall).toEqual(kaplanMeier(data.lifetimes));
  });
});
