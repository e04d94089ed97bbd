import { describe, expect, it } from 'vitest';
import { lookupOf, lookupOfArrays } from '../../src/analysis/lookup.js';
import { recordColumns } from '../../src/core/record-columns.js';

const sales = { ids: ['a', 'b', 'c', 'd'], index: new Map([['a', 0], ['b', 1], ['c', 2], ['d', 3]]) };

describe('lookups through the sales id index', () => {
  it('lookupOfArrays gives each id its value, the last when an id repeats, undefined for ids without one or outside the sales', () => {
    const lookup = lookupOfArrays(sales, ['c', 'a', 'x', 'c'], ['first c', 'A', 'X', 'last c']);
    expect(lookup.get('a')).toBe('A');
    expect(lookup.get('c')).toBe('last c');
    expect(lookup.get('b')).toBeUndefined();
    expect(lookup.get('x')).toBeUndefined();
    expect(lookup.get('zz')).toBeUndefined();
  });

  it('lookupOf (record lists) and lookupOfArrays agree', () => {
    const records = [{ id: 'd', v: 4 }, { id: 'b', v: 2 }, { id: 'd', v: 5 }];
    const byRecords = lookupOf(sales, recordColumns(records), 'id', 'v');
    const byArrays = lookupOfArrays(sales, records.map((r) => r.id), records.map((r) => r.v));
    for (const id of ['a', 'b', 'c', 'd', 'q']) expect(byArrays.get(id)).toBe(byRecords.get(id));
    expect(byArrays.get('d')).toBe(5);
  });

  it('the shortcuts answer as the index: entries in the last id order, gets in the entries\' order, repeats and outsiders', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `c${i}`);
    // the last ordering: reversed
    const order = ids.map((_, i) => 49 - i);
    const indexed = { ids, index: new Map(ids.map((id, i) => [id, i])), lastOrder: () => order };
    const plain = { ids, index: indexed.index };
    const cases: [string[], number[]][] = [
      [order.map((c) => ids[c]), order.map((c) => c * 10)], // aligned with the last order
      [ids.slice(), ids.map((_, i) => i)], // not aligned: through the index
      [[...ids.slice(0, 10), 'c3', 'zz', ...ids.slice(10, 20)], Array.from({ length: 22 }, (_, i) => i + 100)], // a repeat and an outsider
    ];
    for (const [keys, values] of cases) {
      const a = lookupOfArrays(indexed, keys, values);
      const b = lookupOfArrays(plain, keys, values);
      const c = lookupOfArrays({ ...plain, lastOrder: () => null }, keys, values);
      // in the entries' order (the sequential shortcut), then in any order, then again in order
      const asked = [...keys, 'nobody', ...ids, ...[...keys].reverse(), ...keys];
      for (const id of asked) {
        expect(a.get(id)).toBe(b.get(id));
        expect(c.get(id)).toBe(b.get(id));
      }
    }
    // the repeated id answers with its last entry even when asked right after the first
    const r = lookupOfArrays(indexed, ['c1', 'c2', 'c1'], [1, 2, 3]);
    expect([r.get('c1'), r.get('c2'), r.get('c1')]).toEqual([3, 2, 3]);
    // an outsider named in the entries is not answered, even in order
    const o = lookupOfArrays(indexed, ['c1', 'zz', 'c2'], [1, 2, 3]);
    expect([o.get('c1'), o.get('zz'), o.get('c2')]).toEqual([1, undefined, 3]);
  });
});
