/** writeJson: the streamed JSON parses to exactly what JSON.stringify gives, with one record per line. */
import { describe, expect, it } from 'vitest';
import { writeJson, type Replacer } from '../../src/report/json-stream.js';
import type { Sink } from '../../src/report/output.js';
import { ColumnRecords, recordColumns } from '../../src/core/record-columns.js';

async function streamed(value: unknown, replacer: Replacer = (_k, v) => v): Promise<{ text: string; writes: number }> {
  let text = '';
  let writes = 0;
  const sink: Sink = {
    async write(t) {
      text += t;
      writes++;
    },
    async close() {},
    async abort() {},
  };
  await writeJson(sink, value, replacer);
  return { text, writes };
}

const cleanNumbers: Replacer = (key, v) => (key === 'day' && typeof v === 'number' ? `day ${v}` : typeof v === 'number' ? (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null) : v);

describe('writeJson', () => {
  const cases: [string, unknown][] = [
    ['scalars', { a: 1, b: 'x"\n', c: null, d: true, e: -0.5 }],
    ['empty containers', { a: [], b: {}, c: [[]], d: [{}] }],
    ['undefined and functions are left out of objects, null in arrays', { a: undefined, b: () => 1, c: [undefined, 1, () => 2] }],
    ['non-finite numbers', { a: NaN, b: [Infinity, -Infinity], c: [{ x: NaN }] }],
    ['toJSON', { when: new Date(Date.UTC(2025, 0, 2)), list: [{ when: new Date(0) }] }],
    ['nested records', { rows: [{ id: 'a', cells: [{ v: 1 }, { v: 2 }], day: 3 }, { id: 'b', cells: [], day: 4 }], grid: [[1, 2], [3, 4]] }],
    ['mixed arrays', [1, { a: 1 }, 'x', [2]]],
    ['a top-level scalar', 42],
  ];
  for (const [name, value] of cases) {
    it(`equals JSON.stringify after parsing: ${name}`, async () => {
      for (const replacer of [(_k: string, v: unknown) => v, cleanNumbers]) {
        const { text } = await streamed(value, replacer);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value, replacer)));
      }
    });
  }

  it('applies the replacer by key inside records, as JSON.stringify does', async () => {
    const { text } = await streamed({ rows: [{ day: 1, amount: 0.1 + 0.2 }] }, cleanNumbers);
    expect(JSON.parse(text)).toEqual({ rows: [{ day: 'day 1', amount: 0.3 }] });
  });

  it('writes an array of objects one compact object per line, indented like JSON.stringify elsewhere', async () => {
    const { text } = await streamed({ meta: { n: 2 }, rows: [{ id: 'a', v: 1 }, { id: 'b', v: 2 }] });
    expect(text).toBe('{\n  "meta": {\n    "n": 2\n  },\n  "rows": [\n    {"id":"a","v":1},\n    {"id":"b","v":2}\n  ]\n}\n');
  });

  it('writes a large document in chunks of bounded size rather than one string', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => ({ id: `C${i}`, value: i / 7 }));
    const { text, writes } = await streamed({ rows });
    expect(writes).toBeGreaterThan(10);
    expect(JSON.parse(text).rows).toHaveLength(50_000);
    expect(JSON.parse(text).rows[49_999]).toEqual({ id: 'C49999', value: 49_999 / 7 });
  });

  it('writes records stored by column as the same text as the array they were made from, one record at a time', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: `C${i}`, day: i % 40, value: i / 7, segment: i % 3 ? 'Loyal' : null, ...(i % 5 ? {} : { extra: NaN }) }));
    const columns = recordColumns(rows);
    expect(columns).toBeInstanceOf(ColumnRecords);
    for (const replacer of [(_k: string, v: unknown) => v, cleanNumbers]) {
      const plain = await streamed({ rows, empty: [] }, replacer);
      const stored = await streamed({ rows: columns, empty: recordColumns([]) }, replacer);
      expect(stored.text).toBe(plain.text);
    }
    // never the whole array at once: toJSON (which makes it) is not called
    (columns as unknown as { toJSON: () => unknown }).toJSON = () => {
      throw new Error('materialised');
    };
    expect((await streamed({ rows: columns })).text).toContain('"C999"');
  });
});
