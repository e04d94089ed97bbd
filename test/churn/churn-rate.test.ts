import type { RecordList } from '../../src/core/record-columns.js';
import { describe, expect, it } from 'vitest';
import { type Day, dayFromYmd, dayToIso } from '../../src/core/days.js';
import { churnRates } from '../../src/churn/churn-rate.js';
import { contractLifetimes, purchaseLifetimes, type Contract, type Lifetime } from '../../src/churn/lifetimes.js';
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


const contract = (id: string, start: string, end: string | null): Contract => ({ id, start: ymd(start), end: end === null ? null : ymd(end) });

const contracts = [
  contract('A', '2022-12-10', '2023-01-15'),
  contract('B', '2022-12-20', null),
  contract('C', '2023-01-05', '2023-01-20'), // acquired and lost in January
  contract('D', '2023-01-10', '2023-02-01'),
  contract('E', '2023-02-15', '2023-03-10'), // lost in the partial March
  contract('F', '2022-12-01', '2023-02-28'),
];
const asOf = ymd('2023-03-15');

/** Direct count with month strings: at risk = acquired in an earlier month and not churned in an earlier month. */
function direct(lifetimes: RecordList<Lifetime>, month: string) {
  const m = (day: number): string => dayToIso(day).slice(0, 7);
  const atRisk = lifetimes.filter((l) => m(l.start) < month && (!l.churned || m(l.end) >= month));
  const lost = atRisk.filter((l) => l.churned && m(l.end) === month);
  return { atRisk: atRisk.length, lost: lost.length };
}

describe('churnRates', () => {
  const data = contractLifetimes(contracts, asOf);
  const rates = churnRates(data);

  it('counts customers at risk at the start of each month and those lost in it (hand-checked)', () => {
    expect(rates.overall.periods.map((p) => [p.label, p.atRisk, p.lost, p.acquired, p.acquiredAndLost, p.partial])).toEqual([
      ['2022-12', 0, 0, 3, 0, false],
      ['2023-01', 3, 1, 2, 1, false],
      ['2023-02', 3, 2, 1, 0, false],
      ['2023-03', 2, 1, 0, 0, true],
    ]);
    expect(rates.overall.periods.map((p) => p.rate)).toEqual([null, 1 / 3, 2 / 3, 1 / 2]);
    // pooled over the complete months: (1 + 2) / (3 + 3)
    expect(rates.overall.pooledRate).toBe(0.5);
    for (const p of rates.overall.periods) expect([p.atRisk, p.lost]).toEqual(Object.values(direct(data.lifetimes, p.label)));
  });

  it('splits by group', () => {
    const attributes = new Map(['A', 'B', 'C'].map((id) => [id, { plan: 'basic' }]));
    const split = churnRates(contractLifetimes(contracts, asOf, { by: 'plan', attributes }));
    expect(split.groups.map((g) => g.group)).toEqual(['(missing)', 'basic']);
    const basic = split.groups[1].series.periods;
    expect(basic.map((p) => [p.atRisk, p.lost])).toEqual([
      [0, 0],
      [2, 1],
      [1, 0],
      [1, 0],
    ]);
    expect(churnRates(data).groups).toEqual([]);
  });

  it('dates purchase churn at the end of the window, and agrees with a direct count on purchase lifetimes', () => {
    const lifetimes = purchaseLifetimes(
      [
        history('p', ['2023-01-03']), // churned 2023-01-03 + 30 = 2023-02-02
        history('q', ['2023-01-10', '2023-02-20']), // censored (20 days before as-of... 2023-03-15 − 2023-02-20 = 23 < 30)
        history('r', ['2022-12-05', '2022-12-20']), // churned 2023-01-19
      ],
      asOf,
      { churnAfterDays: 30, view: 'window' },
    );
    expect(lifetimes.lifetimes.map((l) => dayToIso(l.end))).toEqual(['2023-02-02', '2023-03-15', '2023-01-19']);
    const r = churnRates(lifetimes, { unit: 'month' });
    for (const p of r.overall.periods) expect([p.atRisk, p.lost]).toEqual(Object.values(direct(lifetimes.lifetimes, p.label)));
    expect(r.overall.periods.find((p) => p.label === '2023-02')).toMatchObject({ atRisk: 2, lost: 1 });
  });

  it('works by quarter and is empty without lifetimes', () => {
    const q = churnRates(data, { unit: 'quarter' });
    expect(q.overall.periods.map((p) => [p.label, p.atRisk, p.lost, p.acquired, p.acquiredAndLost])).toEqual([
      ['2022-Q4', 0, 0, 3, 0],
      ['2023-Q1', 3, 2, 3, 3], // A and F lost; C, D, E acquired and lost within the quarter
    ]);
    expect(churnRates(contractLifetimes([], asOf)).overall).toEqual({ periods: [], pooledRate: null });
  });
});
