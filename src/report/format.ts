/** Number and value formatting shared by the CSV, JSON and table writers. */

/** Rounds to 12 significant digits, removing binary floating-point noise (0.1 + 0.2 → 0.3). */
export function clean(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  // Fast path for amounts in cents: a value that is the double nearest to k/100 (|k| < 1e11) prints with at
  // most 11 significant digits, so rounding it to 12 gives it back unchanged.
  if (value < 1e9 && value > -1e9 && Math.round(value * 100) / 100 === value) return value;
  return Number(value.toPrecision(12));
}

/** A JSON replacer that cleans numbers and writes non-finite numbers as null. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? clean(value) : null;
  return value;
}

/**
 * Magnitudes from which tables write numbers in scientific notation: beyond 1e15 the digits of a double are
 * noise, and a fitted parameter of 3e43 would otherwise print as a 44-digit integer.
 */
export const SCIENTIFIC_FROM = 1e15;

/** Scientific notation with 4 significant digits (3.046e+43). */
function scientific(value: number): string {
  return value.toExponential(3);
}

/**
 * Fixed decimals for tables, with thousands separators for large numbers; scientific notation from
 * {@link SCIENTIFIC_FROM}.
 *
 * @example
 * fixed(1234.5) // => '1,234.50'
 * fixed(3.0e43) // => '3.000e+43'
 */
export function fixed(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Math.abs(value) >= SCIENTIFIC_FROM) return scientific(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A share (0..1) as a percentage. */
export function percent(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return `${(value * 100).toFixed(decimals)}%`;
}

/** Integers with thousands separators; scientific notation from {@link SCIENTIFIC_FROM}. */
export function count(value: number): string {
  if (Number.isFinite(value) && Math.abs(value) >= SCIENTIFIC_FROM) return scientific(value);
  return value.toLocaleString('en-US');
}

/** `1 customer`, `2 customers`, `1,234 customers`: a count with its word, singular for one. */
export function counted(n: number, word: string): string {
  return `${count(n)} ${n === 1 ? word : word === 'credit note' ? 'credit notes' : `${word}s`}`;
}
