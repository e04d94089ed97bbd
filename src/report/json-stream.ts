/**
 * JSON written piece by piece, for documents too large to hold as one string (the report of a million
 * customers is about a gigabyte of JSON). The layout is JSON.stringify's with an indent of 2, except that the
 * elements of an array of objects are written one compact object per line, which keeps per-customer tables
 * readable (one customer per line, as in JSON Lines) and about half the size. The output parses to exactly
 * what `JSON.parse(JSON.stringify(value, replacer))` gives.
 */
import type { Sink } from './output.js';

export type Replacer = (key: string, value: unknown) => unknown;

/** Pieces are collected up to this many characters before one write to the sink. */
const CHUNK = 1 << 16;

/**
 * Writes `value` as JSON to `sink` (see the file comment for the layout); `replacer` is applied as by
 * JSON.stringify (to every key and value, depth first, the root under the key '').
 *
 * Cost: O(size of the output); memory O(largest single object outside an array of objects + 64 KiB).
 *
 * @example
 * await writeJson(sink, { rows: [{ a: 1 }, { a: 2 }] }, (_k, v) => v)
 * // {
 * //   "rows": [
 * //     {"a":1},
 * //     {"a":2}
 * //   ]
 * // }
 */
export async function writeJson(sink: Sink, value: unknown, replacer: Replacer): Promise<void> {
  let buffer = '';
  const emit = async (text: string): Promise<void> => {
    buffer += text;
    if (buffer.length >= CHUNK) {
      const out = buffer;
      buffer = '';
      await sink.write(out);
    }
  };
  const walk = async (key: string, raw: unknown, indent: string): Promise<boolean> => {
    const v = replacer(key, toJsonValue(raw));
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return false;
    if (v === null || typeof v !== 'object') {
      await emit(JSON.stringify(v));
      return true;
    }
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        await emit('[]');
        return true;
      }
      const records = v.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e));
      await emit('[');
      for (let i = 0; i < v.length; i++) {
        await emit(`${i > 0 ? ',' : ''}\n${inner}`);
        if (records) {
          const text = JSON.stringify(v[i], (k, x) => replacer(k === '' ? String(i) : k, x));
          await emit(text === undefined ? 'null' : text);
        } else if (!(await walk(String(i), v[i], inner))) await emit('null');
      }
      await emit(`\n${indent}]`);
      return true;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    let written = 0;
    for (const [k, x] of entries) {
      const probe = replacer(k, toJsonValue(x));
      if (probe === undefined || typeof probe === 'function' || typeof probe === 'symbol') continue;
      await emit(`${written === 0 ? '{' : ','}\n${inner}${JSON.stringify(k)}: `);
      await walk(k, x, inner);
      written++;
    }
    await emit(written === 0 ? '{}' : `\n${indent}}`);
    return true;
  };
  await walk('', value, '');
  await emit('\n');
  if (buffer !== '') await sink.write(buffer);
}

/** What JSON.stringify would serialise for `value` before the replacer: the result of `toJSON` when present. */
function toJsonValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: (key?: string) => unknown }).toJSON();
  }
  return value;
}
