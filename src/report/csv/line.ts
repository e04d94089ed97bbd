/**
 * CSV writing (RFC 4180): fields with a delimiter, quote, CR or LF are quoted. Text cells that a
 * spreadsheet would run as a formula (starting with = + - @ tab or CR) are prefixed with a single quote
 * unless `formulaSafe` is off; numbers stay numbers.
 */
import { clean } from '../format.js';

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field. */
export function csvField(value: CsvValue, formulaSafe = true): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    // Short decimal forms carry no floating-point noise; only long ones need rounding to 12 digits.
    const text = String(value);
    return text.length <= 13 ? text : cleanText(value, text);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = value;
  if (formulaSafe && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * `String(clean(value))` for a finite number whose shortest form is `text`, without parsing the rounded
 * digits back: when `toPrecision(12)` is in plain (not exponential) notation, the rounded number's shortest
 * form is those digits without trailing zeros (a decimal of at most 15 significant digits is the shortest
 * form of the double nearest to it), and JavaScript writes numbers from 1e-6 to below 1e21 in plain notation
 * too. Integers (which `clean` leaves alone) and exponential forms take the plain way.
 */
function cleanText(value: number, text: string): string {
  if (Number.isInteger(value)) return text;
  const rounded = value.toPrecision(12);
  if (rounded.includes('e')) return String(clean(value));
  if (!rounded.includes('.')) return String(Number(rounded)); // 12 integer digits (e.g. 123456789012.4 → '123456789012')
  let end = rounded.length;
  while (rounded.charCodeAt(end - 1) === 48) end--; // trailing '0's of the fraction
  if (rounded.charCodeAt(end - 1) === 46) end--; // and then the '.'
  const out = rounded.slice(0, end);
  return out === '-0' ? '0' : out;
}

/** One CSV line with its newline. */
export function csvLine(values: CsvValue[], formulaSafe = true): string {
  return values.map((v) => csvField(v, formulaSafe)).join(',') + '\n';
}
