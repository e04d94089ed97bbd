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
    return text.length <= 13 ? text : String(clean(value));
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = value;
  if (formulaSafe && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line with its newline. */
export function csvLine(values: CsvValue[], formulaSafe = true): string {
  return values.map((v) => csvField(v, formulaSafe)).join(',') + '\n';
}
