/**
 * Bytes → records (arrays of field strings) with the line number where each record starts.
 * CSV goes through csv-parse (quotes, embedded delimiters and newlines, BOM, CRLF); `whitespace`
 * splits each line on runs of blanks (the original CDNOW files).
 */
import { StringDecoder } from 'node:string_decoder';
import { CsvError, parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { detectDelimiter } from './source.js';
import { FastCsvError, FastCsvReader, type LineHandler } from './fast-csv.js';

export type { LineHandler };

export interface RawRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

export interface RecordOptions {
  /** Delimiter, `whitespace`, or undefined to detect it from the first line. */
  delimiter?: string;
  /**
   * 'fast' (default): the native-split reader of fast-csv.ts; 'csv-parse': the csv-parse library. Both give
   * the same records (test/ingest/fast-csv.test.ts). CRM_CSV_PARSER=csv-parse in the environment forces it.
   */
  parser?: 'fast' | 'csv-parse';
}

/** Takes the first line of the input (up to 64 KiB) to detect the delimiter, keeping every byte for the parser. */
async function* withDetectedDelimiter(
  chunks: AsyncIterable<Buffer>,
  found: (delimiter: string) => void,
): AsyncIterable<Buffer> {
  const held: Buffer[] = [];
  let size = 0;
  let decided = false;
  for await (const chunk of chunks) {
    if (decided) {
      yield chunk;
      continue;
    }
    held.push(chunk);
    size += chunk.length;
    const joined = Buffer.concat(held);
    const newline = joined.indexOf(0x0a);
    if (newline >= 0 || size > 65536) {
      const head = joined.subarray(0, newline >= 0 ? newline : joined.length).toString('utf8');
      found(detectDelimiter(head));
      decided = true;
      held.length = 0;
      yield joined;
    }
  }
  if (!decided) {
    const joined = Buffer.concat(held);
    found(detectDelimiter(joined.toString('utf8')));
    if (joined.length > 0) yield joined;
  }
}

/** Called for every record: its fields and the 1-based line where it starts. May throw to stop the read. */
export type RecordHandler = (fields: string[], line: number) => void;

/**
 * Reads the records of an input, calling `onRecord` synchronously for each (no per-record promise).
 * `onLine` (fast parser only) is offered each unquoted line first, before it is split (see FastCsvReader);
 * the lines it declines, and all records with the csv-parse parser or `whitespace`, go to `onRecord`.
 * @throws InputError on malformed CSV (unclosed quote, ...); whatever `onRecord` or `onLine` throws
 */
export async function readRecords(
  chunks: AsyncIterable<Buffer>,
  file: string,
  options: RecordOptions,
  onRecord: RecordHandler,
  onLine?: LineHandler,
): Promise<void> {
  if (options.delimiter === 'whitespace') {
    await whitespaceRecords(chunks, onRecord);
    return;
  }
  let delimiter = options.delimiter ?? ',';
  const source =
    options.delimiter === undefined
      ? withDetectedDelimiter(chunks, (d) => {
          delimiter = d;
        })
      : chunks;
  const iterator = source[Symbol.asyncIterator]();
  // Pull the first chunk so the delimiter is known before the parser is made.
  const first = await iterator.next();
  if (first.done) return;
  if ((options.parser ?? 'fast') === 'fast') {
    // StringDecoder, not TextDecoder: it gives one-byte strings for ASCII/Latin-1 text (TextDecoder's are
    // two-byte), half the memory for every id and value cut from them, and decodes about 3x faster
    // (1M customers: summary 10.7 -> 8.7 s). Invalid bytes become U+FFFD in both; the BOM is dropped by the
    // reader.
    const decoder = new StringDecoder('utf8');
    const reader = new FastCsvReader(delimiter, (fields, line) => {
      if (fields.length === 1 && fields[0] === '') return; // an empty line, as below
      onRecord(fields, line);
    }, onLine);
    try {
      reader.push(decoder.write(first.value));
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        reader.push(decoder.write(next.value));
      }
      reader.push(decoder.end());
      reader.end();
    } catch (err) {
      if (err instanceof FastCsvError) throw new InputError({ file, line: err.line }, `malformed CSV: ${err.message}`, { hint: 'check the quoting or --delimiter' });
      throw err;
    }
    return;
  }
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    // Empty lines come through as [''] and are skipped here, so that line numbers can be counted without
    // csv-parse's per-record `info` object (which doubles the parse time).
    skip_empty_lines: false,
    trim: false,
  });
  const input = Readable.from(
    (async function* () {
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
  );
  let failure: unknown;
  let nextLine = 1;
  try {
    await new Promise<void>((resolve, reject) => {
      input.on('error', (err) => parser.destroy(err));
      parser.on('error', (err) => reject(failure ?? err));
      parser.on('end', () => resolve());
      parser.on('data', (fields: string[]) => {
        if (failure !== undefined) return;
        const line = nextLine;
        nextLine++;
        if (fields.length === 1 && fields[0] === '') return;
        for (let i = 0; i < fields.length; i++) {
          if (fields[i].includes('\n')) nextLine += fields[i].split('\n').length - 1;
        }
        try {
          onRecord(fields, line);
        } catch (err) {
          failure = err;
          input.unpipe(parser);
          parser.destroy(err as Error);
        }
      });
      input.pipe(parser);
    });
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const e = err as CsvError & { lines?: number };
    const reason = e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'unclosed quote' : e.message.replace(/^[^:]*: /, '').toLowerCase();
    throw new InputError({ file, line: e.lines }, `malformed CSV: ${reason}`, {
      hint: e.code === 'INVALID_OPENING_QUOTE' || e.code === 'CSV_INVALID_CLOSING_QUOTE' ? 'check the quoting or --delimiter' : undefined,
    });
  } finally {
    input.destroy();
  }
}

async function whitespaceRecords(chunks: AsyncIterable<Buffer>, onRecord: RecordHandler): Promise<void> {
  let rest = '';
  let line = 0;
  let first = true;
  const decoder = new StringDecoder('utf8');
  const emit = (text: string): void => {
    line++;
    let t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (first) {
      first = false;
      if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    }
    t = t.trim();
    if (t !== '') onRecord(t.split(/\s+/), line);
  };
  for await (const chunk of chunks) {
    rest += decoder.write(chunk);
    let start = 0;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', start)) {
      emit(rest.slice(start, nl));
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest !== '') emit(rest);
}
