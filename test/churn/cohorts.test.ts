import { describe, expect, it } from 'vitest';
import { type Day, dayFromYmd, dayToIso } from '../../src/core/days.js';
import type { CustomerHistory } from '../../src/core/types.js';
import { UsageError } from '../../src/errors.js';
import { cohortRetention, type CohortRow } from '../../src/churn/cohorts.js';

const ymd = (iso: string): Day => {
  const [y, m, d] = iso.split('-').map(Number);
  return dayFromYmd(y, m, d);
};

/** A history from ascending distinct days (numbers or ISO dates) and amounts (default 10 each). */
function history(id: string, days: readonly (Day | string)[], amounts?: readonly number[]): CustomerHistory {
  const asDays = days.map((d) => (typeof d === 'string' ? ymd(d) : d));
  return { id, days: asDays, amounts: amounts ? amounts.slice() : asDays.map(() => 10), otherReturns: 0, lines: asDays.length, margin: null };
}


// a: Jan (two days), Feb, Mar; b: Jan only; c: Feb, Mar and one purchase after as-of; d: Feb;
// e: first purchase after as-of; f: no purchase. As of 2023-03-15 (March is partial).
const histories: CustomerHistory[] = [
  history('a', ['2023-01-05', '2023-01-20', '2023-02-03', '2023-03-01'], [10, 5, 20, 7]),
  history('b', ['2023-01-31'], [30]),
  history('c', ['2023-02-10', '2023-03-10', '2023-04-02'], [40, 10, 99]),
  history('d', ['2023-02-28'], [10]),
  history('e', ['2023-04-01'], [50]),
  history('f', [], []),
];
const asOf = ymd('2023-03-15');

describe('cohortRetention by month', () => {
  const result = cohortRetention(histories, asOf);

  it('groups customers by the month of their first purchase', () => {
    expect(result.unit).toBe('month');
    expect(result.excluded).toBe(2);
    expect(result.customers).toBe(4);
    expect(result.cohorts.map((c) => [c.label, c.size])).toEqual([
      ['2023-01', 2],
      ['2023-02', 2],
    ]);
  });

  it('counts customer and revenue retention per period since acquisition, hand-checked', () => {
    const [jan, feb] = result.cohorts;
    expect(jan.cells.map((c) => c.label)).toEqual(['2023-01', '2023-02', '2023-03']);
    expect(jan.cells.map((c) => c.active)).toEqual([2, 1, 1]);
    expect(jan.cells.map((c) => c.customerRetention)).toEqual([1, 0.5, 0.5]);
    expect(jan.cells.map((c) => c.revenue)).toEqual([45, 20, 7]);
    expect(jan.cells.map((c) => c.revenueRetention)).toEqual([1, 20 / 45, 7 / 45]);
    expect(jan.cells.map((c) => c.partial)).toEqual([false, false, true]);
    // the purchase of c after as-of is ignored
    expect(feb.cells.map((c) => c.active)).toEqual([2, 1]);
    expect(feb.cells.map((c) => c.revenueRetention)).toEqual([1, 10 / 50]);
    expect(feb.cells[1].partial).toBe(true);
  });

  it('averages over the cohorts whose period k is complete, weighted by cohort size', () => {
    expect(result.average.map((a) => [a.period, a.cohorts, a.customers, a.partial])).toEqual([
      [0, 2, 4, false],
      [1, 1, 2, false], // February's period 1 is the partial March: left out
      [2, 1, 2, true], // only a partial cell exists
    ]);
    expect(result.average.map((a) => a.customerRetention)).toEqual([1, 0.5, 0.5]);
    expect(result.average[1].revenueRetention).toBeCloseTo(20 / 45, 12);
  });

  it('has no partial period when as-of is the last day of a month', () => {
    const full = cohortRetention(histories, ymd('2023-03-31'));
    expect(full.cohorts[0].cells.every((c) => !c.partial)).toBe(true);
    expect(full.average[1]).toMatchObject({ cohorts: 2, customers: 4, customerRetention: 2 / 4, partial: false });
  });

  it('lets revenue retention exceed 100% and is null without period-0 revenue', () => {
    const r = cohortRetention([history('x', ['2023-01-10', '2023-02-10'], [10, 35]), history('y', ['2023-05-02'], [0])], ymd('2023-05-31'));
    expect(r.cohorts[0].cells[1].revenueRetention).toBe(3.5);
    expect(r.cohorts[1].cells[0].revenueRetention).toBeNull();
  });

  it('splits by an attribute, with (missing) for customers without it', () => {
    const attributes = new Map([
      ['a', { region: 'north' }],
      ['b', { region: 'south' }],
      ['c', { region: 'north' }],
    ]);
    const split = cohortRetention(histories, asOf, { by: 'region', attributes });
    expect(split.by).toBe('region');
    expect(split.groups.map((g) => [g.value, g.table.customers])).toEqual([
      ['(missing)', 1],
      ['north', 2],
      ['south', 1],
    ]);
    const north = split.groups[1].table;
    expect(north.cohorts.map((c) => c.label)).toEqual(['2023-01', '2023-02']);
    expect(north.cohorts[0].cells.map((c) => c.active)).toEqual([1, 1, 1]);
    expect(() => cohortRetention(histories, asOf, { by: 'region' })).toThrow(UsageError);
  });

  it('puts a blank attribute value in (missing), not in a group named "" (issue 18.7)', () => {
    const attributes = new Map([
      ['a', { region: 'north' }],
      ['b', { region: '' }],
      ['c', { region: '  ' }],
    ]);
    const split = cohortRetention(histories, asOf, { by: 'region', attributes });
    expect(split.groups.map((g) => [g.value, g.table.customers])).toEqual([
      ['(missing)', 3],
      ['north', 1],
    ]);
  });
});

/** ISO week label by the common recipe: move to the Thursday of the week, count weeks from 1 January of its year. */
function isoWeekLabel(iso: string): string {
  const date = new Date(`${iso}T00:00:00Z`);
  const weekday = date.getUTCDay() || 7; // Monday 1 ... Sunday 7
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
const labelers = {
  month: (iso: string) => iso.slice(0, 7),
  quarter: (iso: string) => `${iso.slice(0, 4)}-Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`,
  week: isoWeekLabel,
};

/** Direct count: for each cohort label and calendar label, the customers who bought and their revenue. */
function directCount(list: CustomerHistory[], cutoff: number, label: (iso: string) => string) {
  const sizes = new Map<string, number>();
  const active = new Map<string, Set<string>>();
  const revenue = new Map<string, number>();
  for (const h of list) {
    const inWindow = h.days.map((d, i) => [d, h.amounts[i]] as const).filter(([d]) => d <= cutoff);
    if (inWindow.length === 0) continue;
    const cohort = label(dayToIso(inWindow[0][0]));
    sizes.set(cohort, (sizes.get(cohort) ?? 0) + 1);
    for (const [d, amount] of inWindow) {
      const key = `${cohort}|${label(dayToIso(d))}`;
      if (!active.has(key)) active.set(key, new Set());
      active.get(key)?.add(h.id);
      revenue.set(key, (revenue.get(key) ?? 0) + amount);
    }
  }
  return { sizes, active, revenue };
}

describe('cohortRetention against a direct count on random histories', () => {
  // deterministic pseudo-random histories over 2022-2023
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const start = ymd('2022-01-01');
  const list: CustomerHistory[] = [];
  for (let i = 0; i < 300; i++) {
    const days = new Set<number>();
    const first = start + Math.floor(random() * 700);
    days.add(first);
    let d = first;
    while (random() < 0.8) {
      d += 1 + Math.floor(random() * 60);
      days.add(d);
    }
    const sorted = [...days].sort((a, b) => a - b);
    list.push(history(`c${i}`, sorted, sorted.map(() => Math.round(random() * 100))));
  }
  const cutoff = ymd('2023-10-17');

  for (const unit of ['month', 'quarter', 'week'] as const) {
    it(`matches for unit ${unit}`, () => {
      const result = cohortRetention(list, cutoff, { unit });
      const direct = directCount(list, cutoff, labelers[unit]);
      expect(result.cohorts.map((c: CohortRow) => [c.label, c.size])).toEqual([...direct.sizes.entries()].sort());
      let cells = 0;
      for (const cohort of result.cohorts) {
        const revenue0 = direct.revenue.get(`${cohort.label}|${cohort.label}`) ?? 0;
        for (const cell of cohort.cells) {
          const key = `${cohort.label}|${cell.label}`;
          expect(cell.active).toBe(direct.active.get(key)?.size ?? 0);
          expect(cell.revenue).toBeCloseTo(direct.revenue.get(key) ?? 0, 9);
          if (revenue0 > 0) expect(cell.revenueRetention).toBeCloseTo((direct.revenue.get(key) ?? 0) / revenue0, 12);
          cells++;
        }
        // the triangle reaches the as-of period, and only that one is partial
        expect(cohort.cells[cohort.cells.length - 1].label).toBe(labelers[unit](dayToIso(cutoff)));
        expect(cohort.cells.filter((c) => c.partial).length).toBe(1);
      }
      expect(cells).toBeGreaterThan(result.cohorts.length);
    });
  }
});
