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
});
