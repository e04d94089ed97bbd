/**
 * Writes a list of records as CSV (header + rows), JSON (`{ meta, <key>: [...] }`, streamed) or NDJSON
 * (one object per line).
 */
import { csvLine, type CsvValue } from './csv/line.js';
import { jsonReplacer } from './format.js';
import type { Sink } from './output.js';

export interface RecordColumns<T> {
  names: string[];
  values(row: T): CsvValue[];
}

/** Characters of rows gathered before each write to the sink (one await per chunk, not per row). */
const CHUNK = 1 << 16;

/** Streams rows as CSV with a header row. */
export async function writeCsv<T>(sink: Sink, columns: RecordColumns<T>, rows: Iterable<T>): Promise<void> {
  let chunk = csvLine(columns.names);
  for (const row of rows) {
    chunk += csvLine(columns.values(row));
    if (chunk.length >= CHUNK) {
      await sink.write(chunk);
      chunk = '';
    }
  }
  await sink.write(chunk);
}

function objectOf<T>(columns: RecordColumns<T>, row: T): Record<string, CsvValue> {
  const values = columns.values(row);
  const obj: Record<string, CsvValue> = {};
  columns.names.forEach((n, i) => {
    obj[n] = values[i] === undefined ? null : values[i];
  });
  return obj;
}

/** Streams `{ "meta": ..., "<key>": [ rows ] }`. */
export async function writeJson<T>(
  sink: Sink,
  meta: unknown,
  key: string,
  columns: RecordColumns<T>,
  rows: Iterable<T>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await sink.write(`{\n"meta": ${JSON.stringify(meta, jsonReplacer, 2)},\n`);
  for (const [k, v] of Object.entries(extra)) await sink.write(`${JSON.stringify(k)}: ${JSON.stringify(v, jsonReplacer, 2)},\n`);
  await sink.write(`${JSON.stringify(key)}: [`);
  let first = true;
  for (const row of rows) {
    await sink.write(`${first ? '\n' : ',\n'}${JSON.stringify(objectOf(columns, row), jsonReplacer)}`);
    first = false;
  }
  await sink.write('\n]\n}\n');
}

/** Streams one JSON object per line. */
export async function writeNdjson<T>(sink: Sink, columns: RecordColumns<T>, rows: Iterable<T>): Promise<void> {
  let chunk = '';
  for (const row of rows) {
    chunk += `${JSON.stringify(objectOf(columns, row), jsonReplacer)}\n`;
    if (chunk.length >= CHUNK) {
      await sink.write(chunk);
      chunk = '';
    }
  }
  if (chunk) await sink.write(chunk);
}
