/**
 * Opening an input: a file path, `-` for stdin, gzip by its magic bytes (whatever the name). Yields Buffers.
 * Workbooks and archives (xlsx, xls, zip, Parquet) are refused by their magic bytes with a hint.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';

/** Display name of an input: the path, or `<stdin>`. */
export function inputName(path: string): string {
  return path === '-' ? '<stdin>' : path;
}

/**
 * Returns the bytes of an input as an async iterable of Buffers, decompressing gzip.
 * @throws InputError when the file cannot be opened
 */
export async function openInput(path: string, stdin: Readable): Promise<AsyncIterable<Buffer>> {
  const name = inputName(path);
  let raw: Readable;
  if (path === '-') raw = stdin;
  else {
    try {
      const info = await stat(path);
      if (info.isDirectory()) throw new InputError({ file: name }, 'is a directory, not a file');
    } catch (err) {
      if (err instanceof InputError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError({ file: name }, code === 'ENOENT' ? 'no such file' : `cannot open (${code ?? String(err)})`);
    }
    raw = createReadStream(path, { highWaterMark: 1 << 20 });
  }
  return gunzipIfNeeded(raw, name);
}

/**
 * The bytes `start` (inclusive) to `end` (exclusive) of a regular file, as they are: no gzip detection (the
 * parallel sales ingest reads the parts of a plain file this way, see parallel.ts).
 * @throws InputError when the file cannot be read
 */
export async function* openRange(path: string, start: number, end: number): AsyncIterable<Buffer> {
  if (end <= start) return;
  const raw = createReadStream(path, { highWaterMark: 1 << 20, start, end: end - 1 });
  try {
    for await (const chunk of raw) yield chunk as Buffer;
  } catch (err) {
    throw new InputError({ file: inputName(path) }, `cannot read (${(err as Error).message})`);
  } finally {
    raw.destroy();
  }
}

/**
 * Files that are not text, known by their first bytes (magic numbers): a zip archive (an .xlsx or .ods
 * workbook is one), an old Excel .xls (OLE2) workbook, Parquet. Null for anything else (gzip is read).
 */
export function notCsv(head: Uint8Array): { reason: string; hint: string } | null {
  const starts = (...bytes: number[]): boolean => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) {
    return { reason: 'is a zip archive (an Excel .xlsx workbook?), not a CSV file', hint: 'export the sheet as CSV (CSV UTF-8), or unzip the CSV file' };
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    return { reason: 'is an Excel .xls workbook (OLE2), not a CSV file', hint: 'export the sheet as CSV (CSV UTF-8)' };
  }
  if (starts(0x50, 0x41, 0x52, 0x31)) return { reason: 'is a Parquet file, not a CSV file', hint: 'export it as CSV' };
  return null;
}

async function* gunzipIfNeeded(raw: Readable, name: string): AsyncIterable<Buffer> {
  const iterator = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let first: IteratorResult<Buffer | string>;
  try {
    first = await iterator.next();
  } catch (err) {
    throw new InputError({ file: name }, `cannot read (${(err as Error).message})`);
  }
  if (first.done) return;
  const head = typeof first.value === 'string' ? Buffer.from(first.value) : first.value;
  async function* rest(): AsyncIterable<Buffer> {
    yield head;
    for (;;) {
      let next: IteratorResult<Buffer | string>;
      try {
        next = await iterator.next();
      } catch (err) {
        throw new InputError({ file: name }, `cannot read (${(err as Error).message})`);
      }
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  const refused = notCsv(head);
  if (refused) throw new InputError({ file: name }, refused.reason, { hint: refused.hint });
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    const decompressed = Readable.from(rest()).pipe(gunzip);
    try {
      for await (const chunk of decompressed) yield chunk as Buffer;
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError({ file: name }, `cannot decompress gzip data (${(err as Error).message})`);
    }
    return;
  }
  yield* rest();
}

/** Candidate delimiters, in order of preference on a tie. */
const DELIMITERS = [',', ';', '\t', '|'];

/**
 * Detects the delimiter from the header line: the candidate that occurs most often outside quotes.
 * Returns 'whitespace' when none occurs but runs of spaces line up columns, and ',' otherwise (a one-column file).
 */
export function detectDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    let count = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === d) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  // No delimiter character, but columns lined up with runs of spaces (CDNOW_master.txt: " 00001 19970101  1
  // 11.77"): whitespace-separated. One space between two words alone ("Customer ID") stays one field.
  if (bestCount === 0 && /\S\s+\S/.test(firstLine.trim()) && (/^\s/.test(firstLine) || / {2,}/.test(firstLine.trim()))) return 'whitespace';
  return best;
}

/** Names accepted by `--delimiter`: a single character, or `tab`, `comma`, `semicolon`, `pipe`, `whitespace`. */
export function parseDelimiterOption(text: string): string | null {
  const named: Record<string, string> = {
    tab: '\t',
    '\\t': '\t',
    comma: ',',
    semicolon: ';',
    pipe: '|',
    whitespace: 'whitespace',
    ws: 'whitespace',
    space: 'whitespace',
  };
  if (named[text.toLowerCase()]) return named[text.toLowerCase()];
  if ([...text].length === 1) return text;
  return null;
}
