import { shownValue } from '../core/strings.js';
import { setting } from '../errors.js';

/**
 * A fast RFC 4180 reader for the common case, giving the same records as csv-parse with the options used in
 * records.ts (no trimming, no casting, any number of fields, empty lines as ['']). Lines without a quote
 * are split natively; a record with quotes goes through a small state machine (doubled quotes, delimiters
 * and newlines inside quotes). A malformed record (text after a closing quote, a quote inside an unquoted
 * field, an unclosed quote) throws a `FastCsvError`, which records.ts turns into the usual one-line error.
 * test/ingest/fast-csv.test.ts runs the same files through both readers.
 */

export class FastCsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** 1-based field of the record, when known. */
    readonly column?: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Takes a malformed record (a quote inside an unquoted field, text after a closing quote) instead of an error:
 * the record is skipped up to the end of the line where the problem is, and reading goes on.
 * `raw` is the text of the skipped lines (without the last line end).
 */
export type BadRecordHandler = (line: number, column: number, reason: string, raw: string) => void;

/** Limits and error handling of the reader. */
export interface FastCsvLimits {
  /** Longest field, in characters (default: none). A longer one is an error (not skipped). */
  maxField?: number;
  /** When given, malformed records go here and are skipped (see BadRecordHandler); else they throw. */
  onBad?: BadRecordHandler;
}

/** The message of a field over the limit. */
export function tooLong(max: number): { message: string; hint: string } {
  return { message: `field longer than ${max} characters (an unclosed quote?)`, hint: `check the quoting, or raise ${setting('maxField')}` };
}

/** Takes one unquoted line `text.slice(start, end)`; returns false to have it split into fields instead. */
export type LineHandler = (text: string, start: number, end: number, line: number, delimiter: string) => boolean;

/** Streaming state: feed decoded text, get records through the callback. */
export class FastCsvReader {
  private rest = '';
  /** Line number of the start of `rest`. */
  private line = 1;
  private first = true;

  /**
   * `onLine`, when given, sees every non-empty line without quotes first, as `text.slice(start, end)` (no line
   * end) without that string being made; when it returns true the line is taken, otherwise it is split and
   * goes to `onRecord` as usual.
   */
  private readonly maxField: number;
  private readonly onBad?: BadRecordHandler;

  constructor(
    private readonly delimiter: string,
    private readonly onRecord: (fields: string[], line: number) => void,
    private readonly onLine?: LineHandler,
    limits: FastCsvLimits = {},
  ) {
    this.maxField = limits.maxField ?? Infinity;
    this.onBad = limits.onBad;
  }

  /** The line of the text not yet taken (the start of a record in progress, plus its line ends). */
  pendingLine(): number {
    let line = this.line;
    for (let k = this.rest.indexOf('\n'); k >= 0; k = this.rest.indexOf('\n', k + 1)) line++;
    return line;
  }

  /** Feeds the next piece of text. */
  push(text: string): void {
    let buffer = this.rest === '' ? text : this.rest + text;
    if (this.first && buffer.length > 0) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      this.first = false;
    }
    this.rest = this.consume(buffer, false);
    if (this.rest.length > this.maxField) this.checkPartial(this.rest);
  }

  /** Ends the input: the last record may lack its newline. */
  end(): void {
    if (this.rest !== '') this.rest = this.consume(this.rest, true);
    if (this.rest !== '') throw new FastCsvError('unclosed quote', this.line);
  }

  /** Emits every complete record of `buffer`; returns the unconsumed tail. */
  private consume(buffer: string, final: boolean): string {
    const d = this.delimiter;
    const onLine = this.onLine;
    let start = 0;
    const n = buffer.length;
    // Position of the next quote at or after `start` (n when none): found once, not per line.
    let quote = -1;
    while (start < n) {
      let nl = buffer.indexOf('\n', start);
      if (nl < 0) {
        if (!final) break;
        nl = n;
      }
      if (quote < start) {
        quote = buffer.indexOf('"', start);
        if (quote < 0) quote = n;
      }
      if (quote > nl || quote === n) {
        let end = nl;
        if (end > start && buffer.charCodeAt(end - 1) === 13) end--;
        if (end - start > this.maxField) this.checkLine(buffer, start, end);
        if (end === start) this.onRecord([''], this.line);
        else if (onLine === undefined || !onLine(buffer, start, end, this.line, d)) this.onRecord(buffer.slice(start, end).split(d), this.line);
        this.line++;
        start = nl + 1;
        continue;
      }
      const next = this.quoted(buffer, start, final);
      if (next < 0) break; // the record continues beyond the buffer
      start = next;
    }
    return start >= n ? '' : buffer.slice(start);
  }

  /**
   * Parses one record with quotes starting at `start`. Returns the index after its line end, or -1 when the
   * buffer ends inside the record (and more input may follow).
   */
  private quoted(buffer: string, start: number, final: boolean): number {
    const d = this.delimiter;
    const fields: string[] = [];
    const n = buffer.length;
    let i = start;
    let lines = 0;
    for (;;) {
      // At the start of a field.
      if (i < n && buffer[i] === '"') {
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = buffer.indexOf('"', j);
          if (q < 0) {
            if (final) throw new FastCsvError('unclosed quote', this.line);
            return -1;
          }
          value += buffer.slice(j, q);
          if (q + 1 < n && buffer[q + 1] === '"') {
            value += '"';
            j = q + 2;
            continue;
          }
          if (q + 1 >= n && !final) return -1;
          i = q + 1;
          break;
        }
        for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) lines++;
        if (value.length > this.maxField) this.fail(tooLong(this.maxField).message, this.line, fields.length + 1, tooLong(this.maxField).hint);
        fields.push(value);
        if (i >= n) break;
        const c = buffer[i];
        if (c === d) {
          i++;
          continue;
        }
        if (c === '\n' || (c === '\r' && buffer[i + 1] === '\n')) {
          i += c === '\n' ? 1 : 2;
          break;
        }
        if (c === '\r' && i + 1 >= n && !final) return -1;
        return this.bad(buffer, start, i, final, fields.length, `invalid closing quote: found ${shownValue(c)} after a closing quote`);
      }
      // An unquoted field: up to the delimiter or the line end; a quote inside it is an error.
      let j = i;
      while (j < n) {
        const c = buffer[j];
        if (c === d || c === '\n') break;
        if (c === '"') return this.bad(buffer, start, j, final, fields.length + 1, 'invalid opening quote: a quote inside an unquoted field');
        j++;
      }
      if (j >= n && !final) return -1;
      if (j - i > this.maxField) this.fail(tooLong(this.maxField).message, this.line, fields.length + 1, tooLong(this.maxField).hint);
      let end = j;
      if (j < n && buffer[j] === '\n' && end > i && buffer.charCodeAt(end - 1) === 13) end--;
      else if (j >= n && end > i && buffer.charCodeAt(end - 1) === 13) end--;
      fields.push(buffer.slice(i, end));
      if (j >= n) {
        i = n;
        break;
      }
      i = j + 1;
      if (buffer[j] === '\n') break;
    }
    this.onRecord(fields, this.line);
    this.line += 1 + lines;
    return i;
  }

  private fail(message: string, line: number, column: number, hint?: string): never {
    throw new FastCsvError(message, line, column, hint);
  }

  /**
   * A malformed record from `start`, the problem at `at` in field `column`: an error, or (with onBad) the record
   * skipped to the end of the line of `at`. Returns the index after that line end, or -1 when it is not in the
   * buffer yet.
   */
  private bad(buffer: string, start: number, at: number, final: boolean, column: number, reason: string): number {
    let lines = 0;
    for (let k = buffer.indexOf('\n', start); k >= 0 && k < at; k = buffer.indexOf('\n', k + 1)) lines++;
    if (this.onBad === undefined) throw new FastCsvError(reason, this.line + lines, undefined, `check the quoting or ${setting('delimiter')}; ${setting('skipInvalid')} skips such records`);
    let nl = buffer.indexOf('\n', at);
    if (nl < 0) {
      if (!final) return -1;
      nl = buffer.length;
    }
    let end = nl;
    if (end > start && buffer.charCodeAt(end - 1) === 13) end--;
    this.onBad(this.line, column, reason, buffer.slice(start, end));
    this.line += 1 + lines;
    return nl + 1;
  }

  /** An unquoted line longer than the field limit: an error when one of its fields is. */
  private checkLine(buffer: string, start: number, end: number): void {
    const d = this.delimiter;
    let s = start;
    for (let column = 1; ; column++) {
      const k = buffer.indexOf(d, s);
      const e = k < 0 || k >= end ? end : k;
      if (e - s > this.maxField) this.fail(tooLong(this.maxField).message, this.line, column, tooLong(this.maxField).hint);
      if (e === end) return;
      s = k + d.length;
    }
  }

  /** A record in progress longer than the field limit: an error when its field in progress (or one before) is. */
  private checkPartial(buffer: string): void {
    const d = this.delimiter;
    const max = this.maxField;
    let column = 1;
    let length = 0;
    let quoted = false;
    let fieldStart = true;
    let line = this.line;
    let recordLine = line;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c === 10) line++;
      if (quoted) {
        if (c === 34) {
          if (buffer.charCodeAt(i + 1) === 34) i++;
          else {
            quoted = false;
            continue;
          }
        }
        length++;
      } else if (c === 34 && fieldStart) {
        quoted = true;
        fieldStart = false;
        continue;
      } else if (buffer.startsWith(d, i)) {
        column++;
        length = 0;
        fieldStart = true;
        i += d.length - 1;
        continue;
      } else if (c === 10) {
        column = 1;
        length = 0;
        fieldStart = true;
        recordLine = line;
        continue;
      } else {
        fieldStart = false;
        length++;
      }
      if (length > max) this.fail(tooLong(max).message, recordLine, column, tooLong(max).hint);
    }
  }
}
