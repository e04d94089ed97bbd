/**
 * Bytes → records (arrays of field strings) with the line number where each record starts.
 * CSV goes through csv-parse (quotes, embedded delimiters and newlines, BOM, CRLF); `whitespace`
 * splits each line on runs of blanks (the original CDNOW files).
 */
import { CsvError, parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { InputError, setting, UsageError } from '../errors.js';
import { shownValue } from '../core/strings.js';
import { detectDelimiter } from './source.js';
import { EncodingError, InputDecoder, type Encoding } from './encoding.js';
import { FastCsvError, FastCsvReader, tooLong, type BadRecordHandler, type LineHandler } from './fast-csv.js';

export type { BadRecordHandler, LineHandler };

/** The default longest field (`--max-field`): 1 MiB characters. */
export const DEFAULT_MAX_FIELD = 1 << 20;

/**
 * The `--max-field` option's value: a whole number of characters, with an optional k or M (x 1024, x 1024^2).
 * @throws UsageError
 * @example
 * maxFieldOption('4M') // => 4194304
 */
export function maxFieldOption(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const m = /^\s*(\d+)\s*([kKmM]?)\s*$/.exec(String(value));
  const n = m ? Number(m[1]) * (m[2] === '' ? 1 : m[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024) : NaN;
  if (!(n >= 1 && n <= 2 ** 29)) {
    throw new UsageError(`invalid ${setting('maxField')} ${shownValue(String(value))}`, { hint: 'a number of characters from 1 to 512M, e.g. 1048576 or 4M' });
  }
  return n;
}

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
  /** The encoding of the bytes; undefined = UTF-8, or UTF-16 by its byte-order mark (see encoding.ts). */
  encoding?: Encoding;
  /** Longest field in characters (default DEFAULT_MAX_FIELD). */
  maxField?: number;
}

/**
 * The text of the input: decoded (see encoding.ts), with the first line (up to 64 Ki characters) held until it is
 * complete so that `found` can detect the delimiter from it before the rest is read. An encoding error comes
 * after the text before the bad byte (so that the reader has taken every record before it).
 */
async function* decodedText(
  chunks: AsyncIterable<Buffer>,
  decoder: InputDecoder,
  found: ((delimiter: string) => void) | undefined,
): AsyncIterable<string> {
  let held = '';
  let decided = found === undefined;
  let failure: EncodingError | undefined;
  async function* texts(): AsyncIterable<string> {
    try {
      for await (const chunk of chunks) {
        const text = decoder.write(chunk);
        if (text !== '') yield text;
      }
      const text = decoder.end();
      if (text !== '') yield text;
    } catch (err) {
      if (!(err instanceof EncodingError)) throw err;
      failure = err;
      if (err.text !== '') yield err.text;
    }
  }
  for await (const text of texts()) {
    if (decided) {
      yield text;
      continue;
    }
    held += text;
    const newline = held.indexOf('\n');
    if (newline >= 0 || held.length > 65536) {
      found!(detectDelimiter(held.slice(0, newline >= 0 ? newline : held.length)));
      decided = true;
      yield held;
      held = '';
    }
  }
  if (!decided) {
    found!(detectDelimiter(held));
    if (held !== '') yield held;
  }
  if (failure) throw failure;
}

/** Called for every record: its fields and the 1-based line where it starts. May throw to stop the read. */
export type RecordHandler = (fields: string[], line: number) => void;

/**
 * Reads the records of an input, calling `onRecord` synchronously for each (no per-record promise).
 * `onLine` (fast parser only) is offered each unquoted line first, before it is split (see FastCsvReader);
 * the lines it declines, and all records with the csv-parse parser or `whitespace`, go to `onRecord`.
 * `onBad` (fast parser only), when given, takes malformed records (quoting errors) instead of an error.
 * @throws InputError on malformed CSV (unclosed quote, a field over `maxField`, bytes not in the encoding...);
 *   whatever `onRecord` or `onLine` throws
 */
export async function readRecords(
  chunks: AsyncIterable<Buffer>,
  file: string,
  options: RecordOptions,
  onRecord: RecordHandler,
  onLine?: LineHandler,
  onBad?: BadRecordHandler,
): Promise<void> {
  const decoder = new InputDecoder(options.encoding);
  const maxField = options.maxField ?? DEFAULT_MAX_FIELD;
  const encodingError = (err: EncodingError, line: number): InputError =>
    new InputError({ file, line }, err.message, { hint: err.hint });
  if (options.delimiter === 'whitespace') {
    await whitespaceRecords(decodedText(chunks, decoder, undefined), file, maxField, onRecord, encodingError);
    return;
  }
  let delimiter = options.delimiter ?? ',';
  const source = decodedText(
    chunks,
    decoder,
    options.delimiter === undefined
      ? (d) => {
          delimiter = d;
        }
      : undefined,
  );
  const iterator = source[Symbol.asyncIterator]();
  if ((options.parser ?? 'fast') === 'fast') {
    let reader: FastCsvReader | undefined;
    try {
      // Pull the first text so the delimiter is known before the reader is made.
      const first = await iterator.next();
      if (first.done) return;
      if (delimiter === 'whitespace') {
        // detected from the header line (columns lined up with spaces)
        await whitespaceRecords(withFirst(first.value, iterator), file, maxField, onRecord, encodingError);
        return;
      }
      reader = new FastCsvReader(delimiter, (fields, line) => {
        if (fields.length === 1 && fields[0] === '') return; // an empty line, as below
        onRecord(fields, line);
      }, onLine, { maxField, onBad });
      reader.push(first.value);
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        reader.push(next.value);
      }
      reader.end();
    } catch (err) {
      if (err instanceof FastCsvError) {
        throw new InputError({ file, line: err.line, column: err.column }, `malformed CSV: ${err.message}`, { hint: err.hint ?? `check the quoting or ${setting('delimiter')}` });
      }
      if (err instanceof EncodingError) throw encodingError(err, reader?.pendingLine() ?? 1);
      throw err;
    }
    return;
  }
  let first: IteratorResult<string>;
  try {
    first = await iterator.next();
  } catch (err) {
    if (err instanceof EncodingError) throw encodingError(err, 1 + newlines(err.text));
    throw err;
  }
  if (first.done) return;
  if (delimiter === 'whitespace') {
    await whitespaceRecords(withFirst(first.value, iterator), file, maxField, onRecord, encodingError);
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
    // A memory bound: csv-parse limits records, not fields (each field is checked below).
    max_record_size: maxField === Infinity ? 0 : Math.min(2 ** 29, maxField * 16),
  });
  // Line ends in the text given to csv-parse, for the line of an encoding error.
  let textLines = 0;
  let encodingFailure: EncodingError | undefined;
  const input = Readable.from(
    (async function* () {
      textLines += newlines(first.value);
      yield first.value;
      for (;;) {
        let next: IteratorResult<string>;
        try {
          next = await iterator.next();
        } catch (err) {
          if (err instanceof EncodingError) encodingFailure = err;
          throw err;
        }
        if (next.done) return;
        textLines += newlines(next.value);
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
          for (let i = 0; i < fields.length; i++) {
            if (fields[i].length > maxField) {
              const { message, hint } = tooLong(maxField);
              throw new InputError({ file, line, column: i + 1 }, `malformed CSV: ${message}`, { hint });
            }
          }
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
    if (encodingFailure !== undefined) {
      // Every text before the bad byte was given to csv-parse: the bad byte is on the line after its line ends.
      throw encodingError(encodingFailure, textLines + 1);
    }
    if (!(err instanceof CsvError)) throw err;
    const e = err as CsvError & { lines?: number };
    const reasons: Record<string, string> = {
      CSV_QUOTE_NOT_CLOSED: 'unclosed quote',
      INVALID_OPENING_QUOTE: 'invalid opening quote: a quote inside an unquoted field',
      CSV_INVALID_CLOSING_QUOTE: 'invalid closing quote: text after a closing quote',
      CSV_MAX_RECORD_SIZE: `record longer than ${maxField * 16} characters (an unclosed quote?)`,
    };
    const reason = reasons[e.code] ?? shownValue(e.message.replace(/^[^:]*: /, '').toLowerCase());
    throw new InputError({ file, line: e.lines }, `malformed CSV: ${reason}`, {
      hint: e.code === 'INVALID_OPENING_QUOTE' || e.code === 'CSV_INVALID_CLOSING_QUOTE' ? `check the quoting or ${setting('delimiter')}` : e.code === 'CSV_MAX_RECORD_SIZE' ? `check the quoting, or raise ${setting('maxField')}` : undefined,
    });
  } finally {
    input.destroy();
  }
}

/** The number of line ends in `text`. */
function newlines(text: string): number {
  let n = 0;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) n++;
  return n;
}

/** The texts of an iterator whose first text was already taken. */
async function* withFirst(first: string, rest: AsyncIterator<string>): AsyncIterable<string> {
  yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

async function whitespaceRecords(
  texts: AsyncIterable<string>,
  file: string,
  maxField: number,
  onRecord: RecordHandler,
  encodingError: (err: EncodingError, line: number) => InputError,
): Promise<void> {
  let rest = '';
  let line = 0;
  let first = true;
  const emit = (text: string): void => {
    line++;
    let t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (first) {
      first = false;
      if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    }
    t = t.trim();
    if (t === '') return;
    const fields = t.split(/\s+/);
    if (t.length > maxField) {
      const long = fields.findIndex((f) => f.length > maxField);
      if (long >= 0) throw new InputError({ file, line, column: long + 1 }, `malformed CSV: ${tooLong(maxField).message}`, { hint: tooLong(maxField).hint });
    }
    onRecord(fields, line);
  };
  try {
    for await (const text of texts) {
      rest += text;
      let start = 0;
      for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', start)) {
        emit(rest.slice(start, nl));
        start = nl + 1;
      }
      rest = rest.slice(start);
      if (rest.length > maxField && /\S{1,}/.test(rest)) {
        const long = rest.trim().split(/\s+/).findIndex((f) => f.length > maxField);
        if (long >= 0) throw new InputError({ file, line: line + 1, column: long + 1 }, `malformed CSV: ${tooLong(maxField).message}`, { hint: tooLong(maxField).hint });
      }
    }
  } catch (err) {
    if (err instanceof EncodingError) throw encodingError(err, line + 1 + newlines(rest));
    throw err;
  }
  if (rest !== '') emit(rest);
}
