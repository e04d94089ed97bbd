import { describe, expect, it } from 'vitest';
import { ColumnRecords, ConcatRecords, fieldReader, FieldRecords, recordColumns, RecordListBuilder } from '../../src/core/record-columns.js';
import { createRng } from '../../src/core/random.js';

/** Records like the report's: ids, numbers, nullable numbers, optional keys, names, flags, arrays. */
function records(n: number, seed: number): Record<string, unknown>[] {
  const random = createRng(seed);
  const rng = (): number => random.uniform();
  const names = ['Champions', 'Loyal', 'At risk', 'Lost'];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = { customerId: `C${i}`, frequency: Math.floor(rng() * 20), clv: rng() * 1000 - 100 };
    r.margin = rng() < 0.2 ? null : rng() * 50;
    if (rng() < 0.3) r.dert = rng() * 3; // optional key
    r.segment = rng() < 0.1 ? null : names[Math.floor(rng() * names.length)];
    r.worsening = rng() < 0.5;
    r.score = 1 + Math.floor(rng() * 5);
    if (rng() < 0.05) r.odd = [rng(), rng()];
    r.edge = [0, -0, Number.NaN, Infinity, -Infinity, 1e-300, 2 ** 53 + 2][i % 7];
    r.undef = i % 3 === 0 ? undefined : 'x';
    // nested records: present, null or absent, with their own optional keys
    if (i % 11 !== 0) r.days = i % 4 === 0 ? null : { count: i % 9, mean: rng() * 30, ...(i % 5 ? { p90: rng() } : {}) };
    out.push(r);
  }
  return out;
}

describe('recordColumns', () => {
  it('gives back every record equal to the original: same keys in the same order, same values (-0, NaN, null, undefined, absent)', () => {
    const rows = records(5000, 1);
    const list = recordColumns(rows);
    expect(list).toBeInstanceOf(ColumnRecords);
    expect(list.length).toBe(rows.length);
    let i = 0;
    for (const r of list) {
      const want = rows[i++];
      expect(Object.keys(r as object)).toEqual(Object.keys(want));
      // primitives the same by Object.is; records and arrays equal (they are made anew)
      for (const key of Object.keys(want)) expect(Object.is((r as Record<string, unknown>)[key], want[key]) || typeof want[key] === 'object').toBe(true);
      expect(r).toEqual(want);
    }
    expect(i).toBe(rows.length);
    expect(JSON.stringify(list)).toBe(JSON.stringify(rows));
  });

  it('keeps values that repeat in runs (the last-value shortcuts): 0 then -0, NaN, names, absent keys', () => {
    const rows: Record<string, unknown>[] = [];
    const runs = [0, 0, -0, -0, 0, Number.NaN, Number.NaN, 3, 3, null, null, -0];
    for (let i = 0; i < 600; i++) {
      const r: Record<string, unknown> = { id: `C${i}`, small: runs[Math.floor(i / 50)], name: i < 300 ? 'A' : 'B' };
      if (Math.floor(i / 25) % 2 === 0) r.sometimes = Math.floor(i / 100); // absent in runs of 25
      r.many = i < 400 ? i : 399; // 400 distinct numbers, then a run of the last one
      rows.push(r);
    }
    const list = recordColumns(rows);
    expect(list).toBeInstanceOf(ColumnRecords);
    rows.forEach((want, i) => {
      const got = list.at(i) as Record<string, unknown>;
      expect(Object.keys(got)).toEqual(Object.keys(want));
      for (const key of Object.keys(want)) expect([i, key, Object.is(got[key], want[key])]).toEqual([i, key, true]);
    });
  });

  it('answers map, filter, forEach, some, reduce, slice and at as the array does', () => {
    const rows = records(500, 2);
    const list = recordColumns(rows);
    expect(list.map((r, i) => `${i}:${r.customerId}`)).toEqual(rows.map((r, i) => `${i}:${r.customerId}`));
    expect(list.filter((r) => r.segment === 'Lost')).toEqual(rows.filter((r) => r.segment === 'Lost'));
    const seen: unknown[] = [];
    list.forEach((r, i) => seen.push([i, r.clv]));
    expect(seen).toEqual(rows.map((r, i) => [i, r.clv]));
    expect(list.some((r) => r.frequency === 19)).toBe(rows.some((r) => r.frequency === 19));
    expect(list.some((r) => r.frequency === 99)).toBe(false);
    expect(list.reduce((s, r) => s + (r.clv as number), 0)).toBe(rows.reduce((s, r) => s + (r.clv as number), 0));
    for (const [a, b] of [[0, 10], [490, 600], [-5, undefined], [3, -3], [10, 5], [undefined, undefined]] as [number | undefined, number | undefined][]) {
      expect(list.slice(a, b)).toEqual(rows.slice(a, b));
    }
    expect(list.at(0)).toEqual(rows[0]);
    expect(list.at(-1)).toEqual(rows.at(-1));
    expect(list.at(500)).toBeUndefined();
    expect(list.at(1.5)).toBeUndefined();
  });

  it('gives new objects: changing one does not change the list', () => {
    const list = recordColumns(records(100, 3));
    const first = list.at(0)!;
    first.clv = -1;
    expect(list.at(0)!.clv).not.toBe(-1);
  });

  it('keeps short lists, class instances and lists of too many key orders as they are', () => {
    const short = records(10, 4);
    expect(recordColumns(short)).toBe(short);
    class Row {
      constructor(readonly id: number) {}
    }
    const instances = Array.from({ length: 100 }, (_, i) => new Row(i));
    expect(recordColumns(instances)).toBe(instances);
    const shapes = Array.from({ length: 300 }, (_, i) => ({ [`k${i}`]: i }));
    expect(recordColumns(shapes)).toBe(shapes);
  });

  it('stores a million records in a fraction of what the objects take', () => {
    const n = 200_000;
    const rows = Array.from({ length: n }, (_, i) => ({ customerId: `C${i}`, pAlive: i / n, clv: i * 1.5 + 0.25, expected: i / 7, segment: i % 2 ? 'Loyal' : 'Lost', flag: i % 3 === 0 }));
    const list = recordColumns(rows) as ColumnRecords<(typeof rows)[number]>;
    // the columns: three Float64Arrays (24 bytes a record), two one-byte code columns, and the id pointers
    const columns = (list as unknown as { columns: { kind: string; values?: Float64Array | unknown[]; codes?: Uint8Array }[] }).columns;
    expect(columns.map((c) => c.kind)).toEqual(['value', 'number', 'number', 'number', 'code', 'code']);
    // a field of records is stored by column in turn
    const nested = recordColumns(rows.slice(0, 1000).map((r, i) => ({ id: r.customerId, stats: i % 3 ? { mean: i / 3, n: i } : null })));
    expect((nested as unknown as { columns: { kind: string }[] }).columns.map((c) => c.kind)).toEqual(['code', 'nested']);
    expect(fieldReader(nested, 'stats')(4)).toEqual({ mean: 4 / 3, n: 4 });
    expect(fieldReader(nested, 'stats')(3)).toBeNull();
    expect(columns[4].codes).toBeInstanceOf(Uint8Array);
    expect(list.at(n - 1)).toEqual(rows[n - 1]);
  });

  it('joins parts into one list (ConcatRecords): the same records, methods and field readers as the whole', () => {
    const rows = records(1000, 5);
    const cuts = [0, 100, 100, 164, 700, 1000]; // an empty part, a short one kept as an array, column parts
    const parts = cuts.slice(1).map((end, k) => recordColumns(rows.slice(cuts[k], end)));
    const list = new ConcatRecords(parts);
    expect(list.length).toBe(1000);
    expect([...list]).toEqual(rows);
    expect(list.slice(95, 170)).toEqual(rows.slice(95, 170));
    expect(list.at(-1)).toEqual(rows[999]);
    expect(list.at(1000)).toBeUndefined();
    const clv = fieldReader(list, 'clv');
    const dert = fieldReader(list, 'dert');
    for (let i = 0; i < 1000; i++) {
      expect(clv(i)).toBe(rows[i].clv);
      expect(dert(i)).toBe(rows[i].dert);
    }
    expect(recordColumns(list)).toBe(list);
  });

  it('builds a list part by part (RecordListBuilder): the records pushed, in order, whatever the part size', () => {
    const rows = records(1000, 6);
    for (const size of [64, 100, 999, 1000, 1 << 16]) {
      const builder = new RecordListBuilder<Record<string, unknown>>(size);
      for (const r of rows) builder.push(r);
      const list = builder.finish();
      expect(list.length).toBe(1000);
      expect([...list]).toEqual(rows);
      if (size < 1000) expect(list).toBeInstanceOf(ConcatRecords);
    }
    expect([...new RecordListBuilder().finish()]).toEqual([]);
  });
});

describe('FieldRecords', () => {
  it('makes each record from the readers, keys in their order; reads fields without the records; lists like an array', () => {
    const ids = ['a', 'b', 'c'];
    const scores = Float64Array.of(1, -0, 2.5);
    const list = new FieldRecords<{ id: string; score: number; label: string | null }>(3, { id: (i) => ids[i], score: (i) => scores[i], label: (i) => (i === 1 ? null : `L${i}`) });
    const want = [{ id: 'a', score: 1, label: 'L0' }, { id: 'b', score: -0, label: null }, { id: 'c', score: 2.5, label: 'L2' }];
    expect(list.slice()).toEqual(want);
    expect(Object.keys(list.at(0)!)).toEqual(['id', 'score', 'label']);
    expect(Object.is(fieldReader(list, 'score')(1), -0)).toBe(true);
    expect(fieldReader(list, 'label')(2)).toBe('L2');
    expect(fieldReader(list, 'other' as never)(0)).toBeUndefined();
    expect(JSON.stringify(list)).toBe(JSON.stringify(want));
    expect(list.filter((r) => r.score > 0).map((r) => r.id)).toEqual(['a', 'c']);
    expect(list.at(3)).toBeUndefined();
    expect(list.at(-1)).toEqual(want[2]);
  });
});
