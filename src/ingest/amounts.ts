/**
 * Amount parsing for the formats real exports use: `1234.5`, `1,234.50`, `$1,234.50`, `€ 12`, `12 EUR`,
 * `-12`, `(12.00)` (accounting negative), `12-` (trailing minus), and with `decimal: ','` the European
 * `1.234,50` / `1 234,50`. Thousands separators are accepted only in groups of three digits.
 */

import { shownValue } from '../core/strings.js';
import { setting } from '../errors.js';

/** Thrown by the amount parser; the ingest layer adds the file position. */
export class AmountParseError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Amounts must be below 10^15 in magnitude: beyond 15 digits a double no longer holds every cent, sums of such
 * values are not exact, and text such as 400 nines would be Infinity (a blank revenue).
 */
export const MAX_AMOUNT = 1e15;

function outOfRange(raw: string): AmountParseError {
  return new AmountParseError(`amount ${shownValue(raw.trim())} is out of range (at most 15 digits before the decimal mark)`);
}

const CURRENCY = /^(?:[$€£¥₹₽₩₺₪฿]|[A-Z]{3}|R\$|US\$|CHF|kr\.?|zł)\s*|\s*(?:[$€£¥₹₽₩₺₪฿]|[A-Z]{3}|R\$|CHF|kr\.?|zł)$/g;

/**
 * Makes an amount parser. `decimal` is the decimal mark ('.' default, or ',').
 * Empty text is an error here; optional columns check for emptiness before calling.
 * @throws AmountParseError
 */
export function createAmountParser(decimal: '.' | ',' = '.'): (raw: string) => number {
  const thousands = decimal === '.' ? /^\d{1,3}(?:[, '\u00a0\u202f]\d{3})+(?:\.\d*)?$/ : /^\d{1,3}(?:[. '\u00a0\u202f]\d{3})+(?:,\d*)?$/;
  const plain = decimal === '.' ? /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/ : /^(?:\d+(?:,\d*)?|,\d+)$/;
  const simple = decimal === '.' ? /^-?\d+(?:\.\d+)?$/ : /^-?\d+(?:,\d+)?$/;
  return (raw: string): number => {
    // Fast path for the common plain number.
    if (simple.test(raw)) {
      const value = Number(decimal === '.' ? raw : raw.replace(',', '.'));
      if (Math.abs(value) < MAX_AMOUNT) return value;
      throw outOfRange(raw);
    }
    let text = raw.trim();
    if (text === '') throw new AmountParseError('empty amount');
    let negative = false;
    if (text.startsWith('(') && text.endsWith(')')) {
      negative = true;
      text = text.slice(1, -1).trim();
    }
    // A sign may stand before or after the currency symbol: -$12, $-12, 12-.
    let signed = false;
    const takeSign = (): void => {
      if (signed) return;
      if (text.startsWith('-') || text.startsWith('\u2212')) {
        negative = !negative;
        signed = true;
        text = text.slice(1).trim();
      } else if (text.startsWith('+')) {
        signed = true;
        text = text.slice(1).trim();
      }
    };
    takeSign();
    text = text.replace(CURRENCY, '').trim();
    takeSign();
    if (!signed && text.endsWith('-')) {
      negative = !negative;
      text = text.slice(0, -1).trim();
    }
    let normal: string;
    if (plain.test(text)) normal = text;
    else if (thousands.test(text)) {
      const mark = text.indexOf(decimal);
      const integer = mark < 0 ? text : text.slice(0, mark);
      normal = integer.replace(/\D/g, '') + (mark < 0 ? '' : text.slice(mark));
    }
    else {
      const hint =
        decimal === '.' && /^\d{1,3}(?:\.\d{3})*,\d+$/.test(text) ? `${setting('decimal', ',')} for European number formats` : undefined;
      throw new AmountParseError(`invalid amount ${shownValue(raw.trim())}`, hint);
    }
    if (decimal === ',') normal = normal.replace(',', '.');
    const value = Number(normal);
    if (!(Math.abs(value) < MAX_AMOUNT)) throw outOfRange(raw);
    return negative ? -value : value;
  };
}
