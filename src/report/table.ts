/** Terminal tables (cli-table3), plain or coloured. */
import Table from 'cli-table3';
import { Chalk, type ChalkInstance } from 'chalk';

export interface TableStyle {
  color: boolean;
}

/** A chalk instance that colours only when asked (never on a pipe). */
export function painter(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

/**
 * Renders rows as a boxed table. Columns whose header is in `right` (or whose cells are all numeric
 * text) are right-aligned.
 */
export function renderTable(headers: string[], rows: string[][], style: TableStyle, title?: string): string {
  const paint = painter(style.color);
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === '' || /^[-+]?[\d,.]+%?$|^∞$/.test(r[i])));
  const table = new Table({
    head: headers.map((h) => paint.bold(h)),
    style: { head: [], border: [], compact: true },
    colAligns: numeric.map((n) => (n ? 'right' : 'left')),
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) table.push(r);
  return `${title ? `${paint.bold(title)}\n` : ''}${table.toString()}\n`;
}
