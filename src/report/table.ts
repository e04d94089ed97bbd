/** Terminal tables (cli-table3), plain or coloured. */
import Table from 'cli-table3';
import { Chalk, type ChalkInstance } from 'chalk';

export interface TableStyle {
  color: boolean;
  /**
   * Characters a table may take (a terminal's width); columns from the right are left out until it fits,
   * and a line under it names them. Unset: every column, however wide.
   */
  width?: number;
  /** Said after the names of the columns left out (the command line: how to see them all). */
  wideHint?: string;
}

/** How text renderers draw: colour, and the width tables must fit. */
export type TextStyle = TableStyle;

/** The smallest width honoured: narrower terminals get the first two columns anyway. */
const MIN_WIDTH = 20;

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
  const head = `${title ? `${paint.bold(title)}\n` : ''}`;
  let shown = headers.length;
  let text = boxed(headers, rows, style.color);
  if (style.width !== undefined) {
    const width = Math.max(MIN_WIDTH, style.width);
    while (shown > 2 && visibleWidth(text) > width) {
      shown -= 1;
      text = boxed(headers.slice(0, shown), rows.map((r) => r.slice(0, shown)), style.color);
    }
  }
  if (shown === headers.length) return `${head}${text}\n`;
  const left = headers.slice(shown);
  const names = left.map((h) => (h === '' ? '(unnamed)' : h)).join(', ');
  const note = `${left.length} more column${left.length === 1 ? '' : 's'} not shown: ${names}${style.wideHint ? ` (${style.wideHint})` : ''}`;
  return `${head}${text}\n${paint.dim(note)}\n`;
}

/** The width of a rendered table: its longest line without colour codes. */
function visibleWidth(text: string): number {
  let widest = 0;
  // eslint-disable-next-line no-control-regex
  for (const line of text.split('\n')) widest = Math.max(widest, [...line.replace(/\u001b\[[0-9;]*m/g, '')].length);
  return widest;
}

function boxed(headers: string[], rows: string[][], color: boolean): string {
  const paint = painter(color);
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === '' || /^[-+]?[\d,.]+%?$|^∞$/.test(r[i])));
  const table = new Table({
    head: headers.map((h) => paint.bold(h)),
    style: { head: [], border: [], compact: true },
    colAligns: numeric.map((n) => (n ? 'right' : 'left')),
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) table.push(r);
  return table.toString();
}

/**
 * Wraps the prose lines of a terminal text (not table rows) at the style's width, on spaces, continuation
 * lines indented by two; unchanged without a width. Never narrower than 40 columns.
 */
export function fitProse(text: string, style: TextStyle): string {
  if (style.width === undefined) return text;
  const width = Math.max(40, style.width);
  return text.split('\n').map((line) => wrapLine(line, width)).join('\n');
}

function wrapLine(line: string, width: number): string {
  if (visibleWidth(line) <= width || /^[│┌└├]/.test(line)) return line;
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && visibleWidth(current) + 1 + visibleWidth(word) > width) {
      out.push(current);
      current = `  ${word}`;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') out.push(current);
  return out.join('\n');
}
