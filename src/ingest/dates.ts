/**
 * Date parsing for the formats real exports use. Every date becomes a `Day` (integer days since
 * 1970-01-01). Only the calendar date as written is kept: a time of day and a zone offset are read and
 * validated, then ignored (the business's own calendar day is the purchase day).
 *
 * Accepted without options: ISO 8601 dates and date-times (`2023-01-05`, `2023-01-05T10:00:00Z`,
 * `2023-01-05 10:00:00+02:00`, `2023-01-05T10:00`), and compact `YYYYMMDD`.
 * With `--date-format`: explicit day/month orders such as `DD/MM/YYYY`, `MM/DD/YYYY`, `DD.MM.YYYY`,
 * `YYYY/MM/DD`, `DD-MM-YY` (any single separator), optionally followed by a time; and month names in English
 * with `MMM` (`DD-MMM-YY` reads `11-Feb-17`, `D MMM YYYY` reads `1 Feb 2017` and `1 February 2017`,
 * `MMM D, YYYY` reads `Feb 1, 2017`).
 * A date like `03/04/2023` is never guessed: without a format it is an error that names the option.
 */
import { dayFromYmd, type Day } from '../core/days.js';
import { shownValue } from '../core/strings.js';
import { setting } from '../errors.js';

/** A parsed date format: the order of the three parts and the year width. */
export interface DateFormat {
  /** e.g. 'DD/MM/YYYY' as the user wrote it. */
  text: string;
  order: ('D' | 'M' | 'Y')[];
  /** 2 or 4 digit years in the input. */
  yearDigits: 2 | 4;
  /** The month is written as a name (`MMM` or `MMMM` in the format): Jan, Feb., September... */
  monthNames: boolean;
}

/** English month names and abbreviations (lower case, without a final dot) → month number. */
const MONTH_NAMES: ReadonlyMap<string, number> = new Map(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].flatMap((name, i) => [
    [name, i + 1],
    [name.slice(0, 3), i + 1],
    ...(name === 'september' ? [['sept', 9] as [string, number]] : []),
  ]),
);

/** A date with a month name: three parts (letters or digits) between separators, optionally a time. */
const NAMED = /^([A-Za-z]+\.?|\d{1,4})[\s/.\-,]+([A-Za-z]+\.?|\d{1,4})[\s/.\-,]+([A-Za-z]+\.?|\d{1,4})(?:[T ]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp][Mm])?)?$/;

/** Thrown by the date parser; the ingest layer adds the file position. */
export class DateParseError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Parses a `--date-format` value such as `DD/MM/YYYY`. Returns null when it is not a valid format. */
export function parseDateFormat(text: string): DateFormat | null {
  const upper = text.trim().toUpperCase();
  if (upper === 'ISO' || upper === 'YYYY-MM-DD') return null;
  const numeric = /^(DD?|MM?|YY(?:YY)?)[^A-Z0-9](DD?|MM?|YY(?:YY)?)[^A-Z0-9](DD?|MM?|YY(?:YY)?)$/.exec(upper);
  const named = numeric ? null : /^(DD?|MMMM?|YY(?:YY)?)[^A-Z0-9]+(DD?|MMMM?|YY(?:YY)?)[^A-Z0-9]+(DD?|MMMM?|YY(?:YY)?)$/.exec(upper);
  const m = numeric ?? named;
  if (!m) return null;
  const parts = [m[1], m[2], m[3]];
  const order = parts.map((p) => p[0] as 'D' | 'M' | 'Y');
  if (new Set(order).size !== 3) return null;
  const year = parts.find((p) => p.startsWith('Y'))!;
  return { text, order, yearDigits: year.length === 2 ? 2 : 4, monthNames: named !== null };
}

/** Whether `text` is an accepted `--date-format` value (`ISO` or a day/month/year order). */
export function isValidDateFormat(text: string): boolean {
  const upper = text.trim().toUpperCase();
  return upper === 'ISO' || upper === 'YYYY-MM-DD' || parseDateFormat(text) !== null;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function makeDay(year: number, month: number, day: number, raw: string): Day {
  // Years 0-99 written with four digits are not read as 19xx (Date.UTC would); no export has such dates.
  if (year < 100) throw new DateParseError(`invalid date ${shownValue(raw)}: year ${String(year).padStart(4, '0')} is out of range`, `years before 0100 are not read; two-digit years need ${setting('dateFormat')} such as DD.MM.YY`);
  if (month < 1 || month > 12) throw new DateParseError(`invalid date ${shownValue(raw)}: month ${month} is out of range`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new DateParseError(`invalid date ${shownValue(raw)}: day ${day} is out of range`);
  }
  return dayFromYmd(year, month, day);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const SEPARATED = /^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function checkTime(raw: string, m: RegExpExecArray): void {
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 60))) {
    throw new DateParseError(`invalid date ${shownValue(raw)}: time out of range`);
  }
}

/**
 * Makes a date parser for one column. `format` is the `--date-format` value (undefined = ISO and
 * YYYYMMDD only). Results are cached per distinct string, since exports repeat the same dates.
 * @throws DateParseError with a hint when the value cannot be read or is ambiguous.
 */
export function createDateParser(format?: string): (raw: string) => Day {
  const explicit = format === undefined ? null : parseDateFormat(format);
  const cache = new Map<string, Day>();

  function parseUncached(raw: string): Day {
    const text = raw.trim();
    let m = ISO.exec(text);
    if (m) {
      checkTime(text, m);
      return makeDay(Number(m[1]), Number(m[2]), Number(m[3]), text);
    }
    m = COMPACT.exec(text);
    if (m) return makeDay(Number(m[1]), Number(m[2]), Number(m[3]), text);
    if (explicit?.monthNames) return namedDate(text, explicit);
    m = SEPARATED.exec(text);
    if (m) {
      const fields = [m[1], m[3], m[4]];
      if (explicit) {
        let year = 0;
        let month = 0;
        let day = 0;
        explicit.order.forEach((part, i) => {
          const v = Number(fields[i]);
          if (part === 'Y') year = v;
          else if (part === 'M') month = v;
          else day = v;
        });
        const yearText = fields[explicit.order.indexOf('Y')];
        if (yearText.length === 2) year += year < 70 ? 2000 : 1900;
        else if (yearText.length !== 4) {
          throw new DateParseError(`invalid date ${shownValue(text)}: expected ${explicit.text}`, setting('dateFormat'));
        }
        return makeDay(year, month, day, text);
      }
      if (fields[0].length === 4) {
        // YYYY/MM/DD: year first is never ambiguous in practice.
        return makeDay(Number(fields[0]), Number(fields[1]), Number(fields[2]), text);
      }
      throw new DateParseError(
        `ambiguous date ${shownValue(text)}: day-first or month-first is not guessed`,
        `${setting('dateFormat', 'DD/MM/YYYY')} or ${setting('dateFormat', 'MM/DD/YYYY')}`,
      );
    }
    throw new DateParseError(
      `invalid date ${shownValue(text)}`,
      explicit ? `expected ${explicit.text}` : `ISO 8601 or YYYYMMDD expected; use ${setting('dateFormat')} for other orders`,
    );
  }

  /** A date of a format with a month name, e.g. `11-Feb-17` for `DD-MMM-YY`. */
  function namedDate(text: string, format: DateFormat): Day {
    const m = NAMED.exec(text);
    if (!m) throw new DateParseError(`invalid date ${shownValue(text)}: expected ${format.text}`, 'a month name in English: Jan, Feb., March...');
    let year = 0;
    let month = 0;
    let day = 0;
    format.order.forEach((part, i) => {
      const field = m[i + 1];
      if (part === 'M') {
        month = MONTH_NAMES.get(field.replace(/\.$/, '').toLowerCase()) ?? NaN;
        if (Number.isNaN(month)) throw new DateParseError(`invalid date ${shownValue(text)}: ${shownValue(field)} is not a month name`, 'a month name in English: Jan, Feb., March...');
        return;
      }
      if (!/^\d+$/.test(field)) throw new DateParseError(`invalid date ${shownValue(text)}: expected ${format.text}`);
      if (part === 'Y') {
        if (field.length === 2) year = Number(field) + (Number(field) < 70 ? 2000 : 1900);
        else if (field.length === 4) year = Number(field);
        else throw new DateParseError(`invalid date ${shownValue(text)}: expected ${format.text}`, setting('dateFormat'));
      } else day = Number(field);
    });
    return makeDay(year, month, day, text);
  }

  return (raw: string): Day => {
    const hit = cache.get(raw);
    if (hit !== undefined) return hit;
    const day = parseUncached(raw);
    if (cache.size > 200_000) cache.clear();
    cache.set(raw, day);
    return day;
  };
}
