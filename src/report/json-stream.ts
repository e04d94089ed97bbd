/**
 * JSON written piece by piece, for documents too large to hold as one string (the report of a million
 * customers is about a gigabyte of JSON). The layout is JSON.stringify's with an indent of 2, except that the
 * elements of an array of objects are written one compact object per line, which keeps per-customer tables
 * readable (one customer per line, as in JSON Lines) and about half the size. The output parses to exactly
 * what `JSON.parse(JSON.stringify(value, replacer))` gives.
 */
import type { Sink } from './output.js';
import { LazyRecords } from '../core/record-columns.js';

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
  // Pieces go to `buffer`; the sink is awaited only when a chunk is full (not once per piece).
  const flush = async (): Promise<void> => {
    const out = buffer;
    buffer = '';
    await sink.write(out);
  };
  // The elements of an array of records, one compact object per line.
  const records = async (length: number, element: (i: number) => unknown, indent: string): Promise<void> => {
    let index = 0;
    const elementReplacer = (k: string, x: unknown): unknown => replacer(k === '' ? String(index) : k, x);
    for (; index < length; index++) {
      const text = JSON.stringify(element(index), elementReplacer);
      buffer += `${index > 0 ? ',' : ''}\n${indent}${text === undefined ? 'null' : text}`;
      if (buffer.length >= CHUNK) await flush();
    }
  };
  const walk = async (key: string, raw: unknown, indent: string): Promise<boolean> => {
    // records stored by column are written one at a time, never as one array of objects
    const v = replacer(key, raw instanceof LazyRecords ? raw : toJsonValue(raw));
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return false;
    if (v instanceof LazyRecords) {
      buffer += '[';
      await records(v.length, (i) => v.at(i), `${indent}  `);
      buffer += v.length === 0 ? ']' : `\n${indent}]`;
      return true;
    }
    if (v === null || typeof v !== 'object') {
      buffer += JSON.stringify(v);
      return true;
    }
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        buffer += '[]';
        return true;
      }
      let allRecords = true;
      for (const e of v) {
        if (e === null || typeof e !== 'object' || Array.isArray(e)) {
          allRecords = false;
          break;
        }
      }
      buffer += '[';
      if (allRecords) await records(v.length, (i) => v[i], inner);
      else {
        for (let i = 0; i < v.length; i++) {
          buffer += `${i > 0 ? ',' : ''}\n${inner}`;
          if (!(await walk(String(i), v[i], inner))) buffer += 'null';
          if (buffer.length >= CHUNK) await flush();
        }
      }
      buffer += `\n${indent}]`;
      return true;
    }
    let written = 0;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const probe = replacer(k, x instanceof LazyRecords ? x : toJsonValue(x));
      if (probe === undefined || typeof probe === 'function' || typeof probe === 'symbol') continue;
      buffer += `${written === 0 ? '{' : ','}\n${inner}${JSON.stringify(k)}: `;
      await walk(k, x, inner);
      if (buffer.length >= CHUNK) await flush();
      written++;
    }
    buffer += written === 0 ? '{}' : `\n${indent}}`;
    return true;
  };
  await walk('', value, '');
  buffer += '\n';
  await flush();
}

/** What JSON.stringify would serialise for `value` before the replacer: the result of `toJSON` when present. */
function toJsonValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: (key?: string) => unknown }).toJSON();
  }
  return value;
}
