/**
 * The purchase histories stored by column (src/core/history-table.ts): the table the report's churn analyses
 * read must hold, customer by customer, exactly the histories of `histories()` (historyOf): the same days,
 * amounts, returns on days without a purchase, transactions of the calibration window and margin.
 */
import { describe, expect, it } from 'vitest';
import { compareIds, histories, historyTable, SalesAccumulator } from '../../src/accumulate/sales.js';
import { HistoryTable } from '../../src/core/history-table.js';
import { createRng } from '../../src/core/random.js';
import { cohortRetention } from '../../src/churn/cohorts.js';
import { purchaseLifetimes, suggestChurnWindow } from '../../src/churn/lifetimes.js';
import { lifecycleStages } from '../../src/churn/lifecycle.js';
import type { CustomerHistory } from '../../src/core/types.js';

/** Random sales: returns, return-only days, rows out of day order, orders spanning lines, some customers with only returns. */
function randomSales(seed: number, window: { asOf?: number; calibrationEnd?: number }, withMargin: boolean): SalesAccumulator {
  const rng = createRng(seed);
  const sales = new SalesAccumulator(window);
  for (let i = 0; i < 6000; i++) {
    const id = `C${rng.int(700)}`;
    const day = 1000 + rng.int(900);
    // a third of the customers of id ending in 7 only ever return goods
    const amount = id.endsWith('7') ? -1 - rng.int(30) : rng.int(10) === 0 ? -rng.int(40) - 0.25 : rng.int(300) / 4;
    const order = rng.int(3) === 0 ? '' : `O${rng.int(4000)}`;
    sales.addLine(id, day, amount, withMargin ? amount / 3 : null, order, 0, order.length);
  }
  return sales;
}

const fromTable = (t: HistoryTable): CustomerHistory[] => Array.from({ length: t.length }, (_, i) => t.at(i)!);

describe('historyTable: the histories by column', () => {
  for (const [name, window, until, withMargin] of [
    ['all days, margins', {}, 1899, true],
    ['calibration end and an earlier as-of of the histories', { calibrationEnd: 1500 }, 1700, false],
    ['as-of before most sales', { calibrationEnd: 1300 }, 1200, true],
  ] as const) {
    it(`equals histories() customer by customer: ${name}`, () => {
      const sales = randomSales(name.length, window, withMargin);
      const arrays = histories(sales, until, compareIds);
      const table = historyTable(sales, until, compareIds);
      expect(table.length).toBe(arrays.length);
      expect(arrays.some((h) => h.otherReturns < 0)).toBe(true);
      expect(fromTable(table)).toEqual(arrays);
      // and the table of those arrays is the same table
      expect(fromTable(HistoryTable.from(arrays))).toEqual(arrays);
    });
  }

  it('counts, days until a day, and ids found by binary search in compareIds order', () => {
    const sales = randomSales(9, {}, false);
    const table = historyTable(sales, 1899, compareIds);
    const arrays = histories(sales, 1899, compareIds);
    for (let i = 0; i < table.length; i += 37) {
      expect(table.count(i)).toBe(arrays[i].days.length);
      expect(table.countUntil(i, 1400)).toBe(arrays[i].days.filter((d) => d <= 1400).length);
      expect(table.indexIn(arrays[i].id, compareIds)).toBe(i);
    }
    expect(table.indexIn('nobody', compareIds)).toBe(-1);
    expect(table.at(table.length)).toBeUndefined();
    expect(table.at(-1)).toBeUndefined();
  });

  it('customers without a purchase day are left out; an empty history in an array is kept with no days', () => {
    const sales = new SalesAccumulator({});
    sales.addLine('a', 10, -5, null, '', 0, 0);
    sales.addLine('b', 11, 5, null, '', 0, 0);
    expect(fromTable(historyTable(sales, 20, compareIds)).map((h) => h.id)).toEqual(['b']);
    const empty: CustomerHistory = { id: 'e', days: [], amounts: [], otherReturns: -3, lines: 0, margin: null };
    const t = HistoryTable.from([empty]);
    expect(t.count(0)).toBe(0);
    expect(t.at(0)).toEqual(empty);
  });

  it('the churn analyses give the same results from the table as from the arrays', () => {
    const sales = randomSales(4, {}, true);
    const arrays = histories(sales, 1899, compareIds);
    const table = historyTable(sales, 1899, compareIds);
    for (const asOf of [1899, 1500]) {
      expect(cohortRetention(table, asOf)).toEqual(cohortRetention(arrays, asOf));
      expect(suggestChurnWindow(table, asOf)).toEqual(suggestChurnWindow(arrays, asOf));
      const [l, m] = [purchaseLifetimes(table, asOf), purchaseLifetimes(arrays, asOf)];
      expect({ ...l, lifetimes: [...l.lifetimes] }).toEqual({ ...m, lifetimes: [...m.lifetimes] });
      const a = lifecycleStages(arrays, asOf, { compareAsOf: 1300 });
      const b = lifecycleStages(table, asOf, { compareAsOf: 1300 });
      expect({ ...b, customers: b.customers.slice() }).toEqual({ ...a, customers: a.customers.slice() });
    }
  });
});

describe('the churn window from the pooled gaps', () => {
  it('is the type-7 90th percentile of the gaps on or before as-of, by hand', () => {
    // gaps: a 1..20 (20 gaps of 1..20 days), b 100: 21 gaps; sorted 1..20, 100; p90 at h = 20 × 0.9 = 18 → 19 + 0 = 19
    let day = 0;
    const aDays = [0];
    for (let g = 1; g <= 20; g++) aDays.push((day += g));
    const h = (id: string, days: number[]): CustomerHistory => ({ id, days, amounts: days.map(() => 1), otherReturns: 0, lines: days.length, margin: null });
    const w = suggestChurnWindow([h('a', aDays), h('b', [0, 100, 5000])], 1000);
    expect(w).toEqual({ days: 19, basis: 'gap-quantile', gaps: 21, quantile: 0.9 });
  });
});
