/**
 * The sales accumulator's day lists stay fast whatever the row order: a crafted order (the latest day first,
 * then ascending; or reversed; or shuffled) used to walk the whole list per row (200k rows of one customer:
 * 71 s). Same state as the sorted rows, in linear or n log n time.
 */
import { describe, expect, it } from 'vitest';
import { compareIds, SalesAccumulator } from '../../src/accumulate/sales.js';
import { createRng } from '../../src/core/random.js';
import { salesState } from '../helpers/ingest.js';

interface Row {
  id: string;
  day: number;
  amount: number;
}

function fold(rows: Row[], window = {}): SalesAccumulator {
  const sales = new SalesAccumulator(window);
  for (const r of rows) sales.addLine(r.id, r.day, r.amount, r.amount / 2, '', 0, 0);
  return sales;
}

/** The state with customers in a fixed order (first-seen order depends on the row order). */
function canonical(sales: SalesAccumulator): unknown {
  const state = salesState(sales);
  return { ...state, customers: [...state.customers].sort((a, b) => String((a as string[])[0]).localeCompare(String((b as string[])[0]))) };
}

describe('day lists in any row order', () => {
  // 200k rows of one customer on 50k days (4 rows a day, whole amounts so that sums do not depend on order).
  const days = 50_000;
  const sorted: Row[] = [];
  for (let d = 0; d < days; d++) for (let k = 0; k < 4; k++) sorted.push({ id: 'C1', day: 10_000 + d, amount: k === 3 ? -1 : 1 + ((d * 7 + k) % 13) });

  it('the latest day first, then ascending: 200k rows in well under 5 s, same state as sorted', () => {
    const crafted = [sorted[sorted.length - 1], ...sorted.slice(0, -1)];
    const start = performance.now();
    const sales = fold(crafted);
    const state = salesState(sales);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(5000);
    expect(state).toEqual(salesState(fold(sorted)));
  });
  it('reversed and shuffled, several customers, windows: same state as sorted', () => {
    const rng = createRng(5);
    const rows: Row[] = [];
    for (let i = 0; i < 60_000; i++) rows.push({ id: `C${i % 5}`, day: 20_000 + rng.int(3_000), amount: rng.int(20) - 3 });
    const byDay = [...rows].sort((a, b) => a.day - b.day);
    const window = { asOf: 22_500, calibrationEnd: 21_000 };
    const reference = canonical(fold(byDay, window));
    const start = performance.now();
    expect(canonical(fold([...byDay].reverse(), window))).toEqual(reference);
    expect(canonical(fold(rows, window))).toEqual(reference);
    expect(performance.now() - start).toBeLessThan(5000);
  });
  it('rows added after the state was read keep the days sorted', () => {
    const sales = new SalesAccumulator({});
    for (let d = 100; d >= 0; d--) sales.addLine('A', 1000 + d, 1, null, '', 0, 0);
    sales.addLine('A', 1000 + 200, 1, null, '', 0, 0);
    expect(sales.customers.get('A')!.days.slice(-3)).toEqual([1099, 1100, 1200]);
    // Out of order again after the read: sorted again.
    for (let d = 300; d > 150; d--) sales.addLine('A', 1000 + d, 2, null, '', 0, 0);
    sales.addLine('A', 1000 + 50, 5, null, '', 0, 0);
    const state = sales.customers.get('A')!;
    expect(state.days).toEqual([...state.days].sort((a, b) => a - b));
    expect(new Set(state.days).size).toBe(state.days.length);
    expect(state.amounts[state.days.indexOf(1050)]).toBe(6);
    expect(state.days.length).toBe(101 + 150); // 1200 is among 1151-1300
  });
});

describe('trim', () => {
  it('shrinks the arrays to what they hold and keeps the state; rows added after it land as before', () => {
    const rng = createRng(3);
    const rows: Row[] = Array.from({ length: 5000 }, () => ({ id: `C${rng.int(1500)}`, day: rng.int(400), amount: rng.int(200) - 20 }));
    const whole = fold(rows);
    const trimmed = fold(rows.slice(0, 3000));
    const buffers = (s: SalesAccumulator): number => Object.values(s).reduce((n: number, v) => n + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
    const before = buffers(trimmed);
    trimmed.trim();
    expect(buffers(trimmed)).toBeLessThan(before);
    expect(salesState(trimmed)).toEqual(salesState(fold(rows.slice(0, 3000))));
    for (const r of rows.slice(3000)) trimmed.addLine(r.id, r.day, r.amount, r.amount / 2, '', 0, 0);
    expect(salesState(trimmed)).toEqual(salesState(whole));
    const empty = new SalesAccumulator({});
    empty.trim();
    empty.addLine('A', 1, 10, 5, '', 0, 0);
    expect(salesState(empty).customers).toHaveLength(1);
  });
});

describe('order', () => {
  it('gives the customers in id order again after more are added (the kept order is for the customers of then), as a copy', () => {
    const sales = new SalesAccumulator({});
    for (const id of ['10', '9', 'b', 'a']) sales.add({ customerId: id, day: 100, amount: 1, orderId: '', margin: null });
    const ids = (order: number[]): string[] => order.map((c) => sales.ids[c]);
    expect(ids(sales.order(compareIds))).toEqual(['9', '10', 'a', 'b']);
    const mine = sales.order(compareIds);
    mine.reverse();
    expect(ids(sales.order(compareIds))).toEqual(['9', '10', 'a', 'b']);
    sales.add({ customerId: '1', day: 101, amount: 1, orderId: '', margin: null });
    sales.add({ customerId: 'a0', day: 101, amount: 1, orderId: '', margin: null });
    expect(ids(sales.order(compareIds))).toEqual(['1', '9', '10', 'a', 'a0', 'b']);
    expect(ids(sales.order((x, y) => (x < y ? 1 : x > y ? -1 : 0)))).toEqual(['b', 'a0', 'a', '9', '10', '1']);
  });
});
