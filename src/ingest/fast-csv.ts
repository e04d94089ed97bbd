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
  ) {
    super(message);
  }
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
  constructor(
    private readonly delimiter: string,
    private readonly onRecord: (fields: string[], line: number) => void,
    private readonly onLine?: LineHandler,
  ) {}

  /** Feeds the next piece of text. */
  push(text: string): void {
    let buffer = this.rest === '' ? text : this.rest + text;
    if (this.first && buffer.length > 0) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      this.first = false;
    }
    this.rest = this.consume(buffer, false);
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
        throw new FastCsvError(`invalid closing quote: found "${c}" after a closing quote`, this.line + lines);
      }
      // An unquoted field: up to the delimiter or the line end; a quote inside it is an error.
      let j = i;
      while (j < n) {
        const c = buffer[j];
        if (c === d || c === '\n') break;
        if (c === '"') throw new FastCsvError('invalid opening quote: a quote inside an unquoted field', this.line + lines);
        j++;
      }
      if (j >= n && !final) return -1;
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
}
