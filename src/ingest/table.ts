/**
 * Records → typed rows, with the header resolved through the column mapping, every value checked,
 * every row accounted for (used, rejected with its reason, or excluded with its reason), and a bad row
 * either stopping the run with `file:line:column: reason` or, with `skipInvalid`, written to the rejects.
 */
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InputError, setting, UsageError } from '../errors.js';
import { AmountParseError, createAmountParser } from './amounts.js';
import { createDateParser, DateParseError } from './dates.js';
import { readRecords } from './records.js';
import type { Encoding } from './encoding.js';
import { shownValue } from '../core/strings.js';
import { FIELDS, mappedHeader, normalizeHeader, type ColumnMap, type InputKind } from './schema.js';
import { inputName, openInput } from './source.js';
import { dayToIso, type Day } from '../core/days.js';
import { solid } from './chars.js';

/** Ingest options shared by every input; see docs/data-formats.md. */
export interface IngestOptions {
  /** Delimiter (`,` `;` `\t` `|` or `whitespace`); undefined = detected from the header line. */
  delimiter?: string;
  /** Whether the first record is a header row (default true). */
  header: boolean;
  /** Column names for files without a header row. */
  columns?: string[];
  map: ColumnMap;
  /** `--date-format`, e.g. `DD/MM/YYYY`; undefined = ISO 8601 and YYYYMMDD only. */
  dateFormat?: string;
  decimal: '.' | ',';
  /** Reject bad rows and go on, instead of stopping at the first. */
  skipInvalid: boolean;
  /** CSV reader: 'fast' (default) or 'csv-parse' (see records.ts). */
  parser?: 'fast' | 'csv-parse';
  /** `--encoding`; undefined = UTF-8 (checked), or UTF-16 by its byte-order mark. See encoding.ts. */
  encoding?: Encoding;
  /** `--max-field`: the longest field in characters (default 1 MiB, DEFAULT_MAX_FIELD). */
  maxField?: number;
  /**
   * The run date (the CLI passes the day it runs; library code does not read the clock). When no as-of day
   * is given, a sales or invoice date more than one day after it is an error ('future date'): the one day
   * allows for an export written in a time zone ahead of this one. Undefined = no check.
   */
  today?: Day;
  /** The period of T and recency in a summary file, in days (default 1). */
  periodDays?: number;
}

/**
 * The last day a sales or invoice date may have: the day after `options.today` (a day of slack for time zones),
 * or undefined (no limit) when an as-of day is given (later rows are then left out as 'after as-of') or no run
 * date is known.
 */
export function latestDay(options: IngestOptions, asOf: Day | undefined): Day | undefined {
  return asOf === undefined && options.today !== undefined ? options.today + 1 : undefined;
}

/** The error of a date after latestDay. */
export function futureDate(day: Day, latest: Day, column: number): RowError {
  return new RowError(
    `date ${dayToIso(day)} is in the future (the run date is ${dayToIso(latest - 1)})`,
    'future date',
    column,
    `${setting('asOf', 'DATE')} to read data dated later (rows after it are left out)`,
  );
}

export const DEFAULT_INGEST: IngestOptions = { header: true, map: {}, decimal: '.', skipInvalid: false };

/** How every row of one input was used. read = used + rejected + sum(excluded). */
export interface RowAccount {
  file: string;
  kind: InputKind;
  read: number;
  used: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Valid rows left out on purpose (e.g. after the as-of date), by reason. */
  excluded: Record<string, number>;
}

/** A problem with one row; `reasonKey` groups rejects in the account. */
export class RowError extends Error {
  constructor(
    message: string,
    readonly reasonKey: string,
    readonly column?: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Where rejected rows go (a CSV with line, column, reason and the original fields). The reason may name
 * settings: `renderSettings(reason, 'library')` (src/errors.ts) writes them for a reader.
 */
export interface RejectSink {
  reject(file: string, line: number, column: number | undefined, reason: string, fields: string[]): void;
}

/** Typed access to the fields of the current record. Column indexes are 0-based; -1 = absent. */
export class FieldReader {
  fields: string[] = [];
  private readonly parseDate: (raw: string) => Day;
  private readonly parseAmount: (raw: string) => number;
  constructor(
    readonly headers: string[],
    options: IngestOptions,
  ) {
    this.parseDate = createDateParser(options.dateFormat);
    this.parseAmount = createAmountParser(options.decimal);
  }
  private name(col: number): string {
    return this.headers[col] ?? `column ${col + 1}`;
  }
  /** Trimmed text; '' when the column is absent. */
  text(col: number): string {
    return col < 0 ? '' : this.fields[col].trim();
  }
  /** Non-empty text. @throws RowError */
  requiredText(col: number): string {
    const v = this.text(col);
    if (v === '') {
      const shown = shownValue(this.name(col));
      // The reason key is printed in the row account: the plain name, or its escaped form when it needs one.
      throw new RowError(`empty value in column ${shown}`, `empty ${shown === `"${this.name(col)}"` ? this.name(col) : shown}`, col + 1);
    }
    return v;
  }
  /** @throws RowError */
  date(col: number): Day {
    const raw = this.fields[col];
    if (raw.trim() === '') throw new RowError(`empty date in column ${shownValue(this.name(col))}`, 'empty date', col + 1);
    try {
      return this.parseDate(raw);
    } catch (err) {
      if (err instanceof DateParseError) {
        throw new RowError(`${err.message} in column ${shownValue(this.name(col))}`, err.message.startsWith('ambiguous') ? 'ambiguous date' : 'invalid date', col + 1, err.hint ?? setting('dateFormat'));
      }
      throw err;
    }
  }
  /** Date or null when empty or the column is absent. @throws RowError */
  optionalDate(col: number): Day | null {
    if (col < 0 || this.fields[col].trim() === '') return null;
    return this.date(col);
  }
  /** @throws RowError */
  amount(col: number): number {
    const raw = this.fields[col];
    if (raw.trim() === '') throw new RowError(`empty amount in column ${shownValue(this.name(col))}`, 'empty amount', col + 1);
    try {
      return this.parseAmount(raw);
    } catch (err) {
      if (err instanceof AmountParseError) {
        throw new RowError(`${err.message} in column ${shownValue(this.name(col))}`, 'invalid amount', col + 1, err.hint);
      }
      throw err;
    }
  }
  /** Amount or null when empty or the column is absent. @throws RowError */
  optionalAmount(col: number): number | null {
    if (col < 0 || this.fields[col].trim() === '') return null;
    return this.amount(col);
  }
}

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Dates cached by year (FIRST_YEAR..+255), month and day of month for `YYYY-MM-DD` text. */
const FIRST_YEAR = 1900;


/**
 * Typed access to the fields of one unquoted line without splitting it: the fast path of readTable for
 * plain rows. Every method returns exactly what FieldReader returns for the same field, or a "not here"
 * value (NaN, '') when the field needs FieldReader (unusual text, or an error, whose message and column
 * FieldReader produces); the caller then declines the line and it takes the general path.
 */
export class LineFields {
  text = '';
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  private readonly parseDate: (raw: string) => Day;
  private readonly parseAmount: (raw: string) => number;
  /** Decimal mark as a character code. */
  private readonly mark: number;
  /** Day by (year - FIRST_YEAR, month, day of month); NaN = not yet parsed. */
  private readonly days = new Float64Array(256 * 16 * 32).fill(NaN);

  constructor(
    readonly count: number,
    readonly delimiter: string,
    options: IngestOptions,
  ) {
    this.starts = new Int32Array(count);
    this.ends = new Int32Array(count);
    this.parseDate = createDateParser(options.dateFormat);
    this.parseAmount = createAmountParser(options.decimal);
    this.mark = options.decimal.charCodeAt(0);
  }

  /** Finds the fields of `text.slice(start, end)`; false when it does not have exactly `count` fields. */
  scan(text: string, start: number, end: number): boolean {
    const d = this.delimiter;
    const step = d.length;
    const last = this.count - 1;
    const starts = this.starts;
    const ends = this.ends;
    let s = start;
    for (let i = 0; i < last; i++) {
      const k = text.indexOf(d, s);
      if (k < 0 || k >= end) return false;
      starts[i] = s;
      ends[i] = k;
      s = k + step;
    }
    const k = text.indexOf(d, s);
    if (k >= 0 && k < end) return false;
    starts[last] = s;
    ends[last] = end;
    this.text = text;
    return true;
  }

  /**
   * {@link scan} for a one-character delimiter given as its character code, in one pass over the characters
   * (the parallel range reader's loop); the same fields, the same answer.
   */
  scanCode(text: string, start: number, end: number, delimiter: number): boolean {
    const starts = this.starts;
    const ends = this.ends;
    const last = this.count - 1;
    let field = 0;
    let s = start;
    for (let i = start; i < end; i++) {
      if (text.charCodeAt(i) === delimiter) {
        if (field === last) return false;
        starts[field] = s;
        ends[field] = i;
        field++;
        s = i + 1;
      }
    }
    if (field !== last) return false;
    starts[last] = s;
    ends[last] = end;
    this.text = text;
    return true;
  }

  /** Whether field `col` is empty (no characters at all). */
  empty(col: number): boolean {
    return this.starts[col] === this.ends[col];
  }

  /** FieldReader.requiredText; '' = not here. */
  requiredText(col: number): string {
    const s = this.starts[col];
    const e = this.ends[col];
    if (s === e) return '';
    const text = this.text;
    if (solid(text.charCodeAt(s)) && solid(text.charCodeAt(e - 1))) return text.slice(s, e);
    return text.slice(s, e).trim();
  }

  /** FieldReader.date; NaN = not here. */
  date(col: number): Day {
    const s = this.starts[col];
    const e = this.ends[col];
    const text = this.text;
    let slot = -1;
    if (e - s === 10 && text.charCodeAt(s + 4) === 45 && text.charCodeAt(s + 7) === 45) {
      const y = digits(text, s, 4);
      const m = digits(text, s + 5, 2);
      const d = digits(text, s + 8, 2);
      if (y >= FIRST_YEAR && y < FIRST_YEAR + 256 && m >= 0 && d >= 0 && m < 16 && d < 32) {
        slot = ((y - FIRST_YEAR) * 16 + m) * 32 + d;
        const day = this.days[slot];
        if (day === day) return day;
      }
    }
    let day: Day;
    try {
      day = this.parseDate(text.slice(s, e));
    } catch {
      return NaN;
    }
    if (slot >= 0) this.days[slot] = day;
    return day;
  }

  /** FieldReader.amount; NaN = not here. */
  amount(col: number): number {
    const s = this.starts[col];
    const e = this.ends[col];
    const text = this.text;
    // -?\d+(?:[.,]\d+)? with at most 15 digits: the integer of its digits divided by a power of ten is
    // exactly Number(text), both being the correctly rounded value (the digits and the power are exact).
    let i = s;
    const negative = i < e && text.charCodeAt(i) === 45;
    if (negative) i++;
    let value = 0;
    let n = 0;
    let fraction = -1;
    for (; i < e; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c >= 0 && c <= 9) {
        value = value * 10 + c;
        n++;
      } else if (c + 48 === this.mark && fraction < 0 && n > 0) fraction = n;
      else break;
    }
    if (i === e && n > 0 && n <= 15 && fraction !== n) {
      if (fraction > 0) value /= POW10[n - fraction];
      return negative ? -value : value;
    }
    if (s === e) return NaN;
    try {
      return this.parseAmount(text.slice(s, e));
    } catch {
      return NaN;
    }
  }
}

/** The number written by `n` ASCII digits at `start`; -1 when one is not a digit. */
function digits(text: string, start: number, n: number): number {
  let v = 0;
  for (let i = start; i < start + n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * The fast path for one input kind: given the resolved columns and the delimiter, a function that takes an
 * unquoted line and either consumes it (returning nothing when the row is used, or the reason it is excluded)
 * or returns false to send it through FieldReader, convert and consume. It must not change anything before
 * it decides. undefined = no fast path.
 */
export type FastRows = (
  columns: ResolvedColumns,
  delimiter: string,
) => ((fields: LineFields, line: number) => string | void | false) | undefined;

/** Resolved header: the index of each known field (-1 when absent), and the header names. */
export interface ResolvedColumns {
  headers: string[];
  index: Record<string, number>;
  /**
   * Fields mapped to a product of two columns (`--map amount=Quantity*UnitPrice`): the two columns; the
   * field's `index` is then -1 and its value is read with {@link readProduct}.
   */
  products?: Record<string, [number, number]>;
}

/** The two header names of a product mapping (`Quantity*UnitPrice`), or null when the mapping is one header. */
export function productParts(mapped: string | undefined): [string, string] | null {
  if (mapped === undefined) return null;
  const m = /^\s*([^*]+?)\s*\*\s*([^*]+?)\s*$/.exec(mapped);
  return m ? [m[1], m[2]] : null;
}

/**
 * A field mapped to a product of two columns, as an amount: both read as amounts, multiplied, and rounded to
 * 1e-9 (3 × 19.99 is 59.97, not 59.970000000000006). @throws RowError as FieldReader.amount does
 */
export function readProduct(reader: FieldReader, [a, b]: [number, number]): number {
  return Math.round(reader.amount(a) * reader.amount(b) * 1e9) / 1e9;
}

/** The header names for a message: the first 20, each quoted and escaped. */
function headerList(headers: string[]): string {
  const shown = headers.slice(0, 20).map(shownValue).join(', ');
  return headers.length > 20 ? `${shown}, ... (${headers.length} columns)` : shown;
}

/**
 * Checks that no two columns have the same name (after trimming; empty names, as trailing delimiters make,
 * are allowed). @throws InputError at line 1, column of the second one
 */
export function checkDuplicateHeaders(headers: string[], file: string): void {
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h === '') return;
    const first = seen.get(h);
    if (first !== undefined) {
      throw new InputError({ file, line: 1, column: i + 1 }, `duplicate column ${shownValue(h)} (columns ${first + 1} and ${i + 1})`, { hint: 'rename one of them in the header' });
    }
    seen.set(h, i);
  });
}

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`. */
function quotedList(names: readonly string[]): string {
  const quoted = names.map((n) => `"${n}"`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

const DELIMITER_NAMES: [string, string][] = [[';', 'semicolon'], ['\t', 'tab'], ['|', 'pipe'], [',', 'comma']];

/**
 * When the header is one field that another delimiter would split, what it would split into:
 * `wrong delimiter? the header is one field, which splits into 3 at each semicolon`.
 */
function delimiterGuess(headers: readonly string[]): { text: string; delimiter: string } | null {
  if (headers.length !== 1) return null;
  let best: { text: string; delimiter: string; parts: number } | null = null;
  for (const [d, name] of DELIMITER_NAMES) {
    const parts = headers[0].split(d).length;
    if (parts > 1 && (best === null || parts > best.parts)) best = { text: `at each ${name}`, delimiter: d === '\t' ? 'tab' : d, parts };
  }
  const words = headers[0].trim().split(/\s{2,}|\s+/).length;
  if (best === null && words > 1) best = { text: 'at whitespace', delimiter: 'whitespace', parts: words };
  return best && { text: `wrong delimiter? the header is one field, which splits into ${best.parts} ${best.text}`, delimiter: best.delimiter };
}

/** The error for columns that are not in the header: all of them, and a wrong delimiter when it looks like one. */
function missingColumnsError(headers: string[], missing: string[], notFound: { field: string; mapped: string }[], file: string): InputError {
  const found = headerList(headers);
  const guess = delimiterGuess(headers);
  const fields = [...missing, ...notFound.map((n) => n.field)];
  const hint = guess ? setting('delimiter', guess.delimiter === ';' || guess.delimiter === '|' ? `'${guess.delimiter}'` : guess.delimiter) : setting('map', fields.map((f) => `${f}=COLUMN`).join(','));
  const suffix = guess ? `; ${guess.text}` : '';
  if (fields.length === 1) {
    const message = notFound.length === 1
      ? `column ${shownValue(notFound[0].mapped)} (mapped to ${notFound[0].field}) not found; the header has ${found}`
      : `missing column "${missing[0]}"; the header has ${found}`;
    return new InputError({ file, line: 1 }, message + suffix, { hint });
  }
  const parts = [
    ...(missing.length > 0 ? [`missing column${missing.length > 1 ? 's' : ''} ${quotedList(missing)}`] : []),
    ...notFound.map((n) => `column ${shownValue(n.mapped)} (mapped to ${n.field}) not found`),
  ];
  return new InputError({ file, line: 1 }, `${parts.join('; ')}; the header has ${found}${suffix}`, { hint });
}

/**
 * Resolves the fields of `kind` against a header row.
 * @throws InputError for a missing required column, or a field that two columns match (`Amount` and `amount`)
 */
export function resolveColumns(
  headers: string[],
  kind: InputKind,
  map: ColumnMap,
  file: string,
): ResolvedColumns {
  const normalized = headers.map(normalizeHeader);
  const index: Record<string, number> = {};
  // Every missing column at once: the unmapped required fields, and the mapped columns not found.
  const missing: string[] = [];
  const notFound: { field: string; mapped: string }[] = [];
  const products: Record<string, [number, number]> = {};
  for (const field of FIELDS[kind]) {
    const mapped = mappedHeader(map, kind, field.name);
    const parts = productParts(mapped);
    if (parts !== null) {
      const [a, b] = parts.map((p) => normalized.indexOf(normalizeHeader(p)));
      for (const [k, p] of parts.entries()) if ((k === 0 ? a : b) < 0) notFound.push({ field: field.name, mapped: p });
      if (a >= 0 && b >= 0) products[field.name] = [a, b];
      continue;
    }
    const i = normalized.indexOf(normalizeHeader(mapped ?? field.name));
    if (i >= 0 || !(field.required || mapped !== undefined)) continue;
    if (mapped !== undefined) notFound.push({ field: field.name, mapped });
    else missing.push(field.name);
  }
  if (missing.length + notFound.length > 0) throw missingColumnsError(headers, missing, notFound, file);
  for (const field of FIELDS[kind]) {
    const mapped = mappedHeader(map, kind, field.name);
    if (products[field.name] !== undefined) {
      index[field.name] = -1;
      continue;
    }
    const wanted = normalizeHeader(mapped ?? field.name);
    const i = normalized.indexOf(wanted);
    const again = i < 0 ? -1 : normalized.indexOf(wanted, i + 1);
    if (again >= 0) {
      throw new InputError(
        { file, line: 1, column: again + 1 },
        `columns ${shownValue(headers[i])} (${i + 1}) and ${shownValue(headers[again])} (${again + 1}) are both ${field.name}`,
        { hint: 'rename one of them in the header (names match ignoring case, spaces, _ and -)' },
      );
    }
    index[field.name] = i;
  }
  return Object.keys(products).length > 0 ? { headers, index, products } : { headers, index };
}

/** Text cells a spreadsheet would run as a formula (= + - @ tab CR first) get a leading apostrophe. */
function formulaSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export interface TableIo {
  stdin: Readable;
  rejects?: RejectSink;
  /** Called as bytes are read (decompressed), and once with done = true at the end. */
  progress?: ProgressCallback;
  /**
   * The bytes to read instead of opening `path` (which still names the input): the first part of a plain
   * file in the parallel sales ingest (parallel.ts). No gzip detection.
   */
  chunks?: AsyncIterable<Buffer>;
  /** The account to count the rows in (a new one when absent). */
  account?: RowAccount;
}

/** Progress of reading one input: bytes read so far and the file size when known (not for stdin or .gz). */
export type ProgressCallback = (file: string, bytes: number, total: number | null, done: boolean) => void;

async function* counted(chunks: AsyncIterable<Buffer>, file: string, total: number | null, progress: ProgressCallback): AsyncIterable<Buffer> {
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    progress(file, bytes, total, false);
    yield chunk;
  }
  progress(file, bytes, total, true);
}

/**
 * Reads one input end to end. `convert` turns the current record into a typed row (throwing RowError);
 * `consume` takes it and returns nothing when used, or the reason it was excluded.
 * @throws InputError on the first bad row unless `skipInvalid`
 */
export async function readTable<T>(
  path: string,
  kind: InputKind,
  options: IngestOptions,
  io: TableIo,
  convert: (reader: FieldReader, columns: ResolvedColumns) => T,
  consume: (row: T, line: number) => string | void,
  fast?: FastRows,
): Promise<{ account: RowAccount; columns: ResolvedColumns }> {
  const file = inputName(path);
  const account: RowAccount = io.account ?? { file, kind, read: 0, used: 0, rejected: 0, rejectedByReason: {}, excluded: {} };
  const opened = io.chunks ?? (await openInput(path, io.stdin));
  let total: number | null = null;
  if (io.progress && path !== '-' && !path.endsWith('.gz')) total = (await stat(path)).size;
  const chunks = io.progress ? counted(opened, file, total, io.progress) : opened;
  let columns: ResolvedColumns | undefined;
  let reader: FieldReader | undefined;
  if (!options.header) {
    if (!options.columns || options.columns.length === 0) {
      throw new UsageError(`${setting('noHeader')} needs ${setting('columns', 'a,b,c')} to name the columns`);
    }
    checkDuplicateHeaders(options.columns, file);
    columns = resolveColumns(options.columns, kind, options.map, file);
    reader = new FieldReader(options.columns, options);
  }
  // The fast path, made once the columns are known (null = none).
  let fastRow: ((fields: LineFields, line: number) => string | void | false) | null | undefined;
  let lineFields: LineFields | undefined;
  const onLine = fast && ((text: string, start: number, end: number, line: number, delimiter: string): boolean => {
    if (fastRow === undefined) {
      if (!columns) return false;
      fastRow = fast(columns, delimiter) ?? null;
      lineFields = new LineFields(columns.headers.length, delimiter, options);
    }
    if (fastRow === null || !lineFields!.scan(text, start, end)) return false;
    const excluded = fastRow(lineFields!, line);
    if (excluded === false) return false;
    account.read++;
    if (excluded) account.excluded[excluded] = (account.excluded[excluded] ?? 0) + 1;
    else account.used++;
    return true;
  });
  const reject = (line: number, column: number | undefined, reasonKey: string, reason: string, fields: string[]): void => {
    account.rejected++;
    account.rejectedByReason[reasonKey] = (account.rejectedByReason[reasonKey] ?? 0) + 1;
    io.rejects?.reject(file, line, column, reason, fields.map(formulaSafe));
  };
  // With skipInvalid, a record with a quoting error is skipped to the end of its line and rejected.
  const onBad = options.skipInvalid
    ? (line: number, column: number, reason: string, raw: string): void => {
        if (!columns) throw new InputError({ file, line, column }, `malformed CSV: ${reason}`, { hint: 'check the quoting of the header' });
        account.read++;
        reject(line, column, 'quoting', `malformed CSV: ${reason}`, [raw]);
      }
    : undefined;
  const recordOptions = { delimiter: options.delimiter, parser: options.parser, encoding: options.encoding, maxField: options.maxField };
  await readRecords(chunks, file, recordOptions, (fields, line) => {
    if (!columns || !reader) {
      const headers = fields.map((h) => h.trim());
      checkDuplicateHeaders(headers, file);
      columns = resolveColumns(headers, kind, options.map, file);
      reader = new FieldReader(headers, options);
      return;
    }
    account.read++;
    try {
      if (fields.length !== columns.headers.length) {
        const n = columns.headers.length;
        throw new RowError(
          `expected ${n} fields, found ${fields.length}`,
          'wrong number of fields',
          fields.length < n ? fields.length + 1 : n + 1,
          fields.length === 1 && n > 1 ? `check ${setting('delimiter')}` : undefined,
        );
      }
      reader.fields = fields;
      const row = convert(reader, columns);
      const excluded = consume(row, line);
      if (excluded) account.excluded[excluded] = (account.excluded[excluded] ?? 0) + 1;
      else account.used++;
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      if (!options.skipInvalid) {
        throw new InputError({ file, line, column: err.column }, err.message, { hint: err.hint });
      }
      reject(line, err.column, err.reasonKey, err.message, fields);
    }
  }, onLine || undefined, onBad);
  if (!columns) {
    throw new InputError({ file }, 'empty file: no header row', { hint: options.header ? undefined : setting('columns') });
  }
  return { account, columns };
}
