/** Formatting helpers and HTML building blocks shared by the report sections: number formats, data tables, key figures, chart figures. */
import { count, fixed } from '../format.js';
import {
    escapeHtml
} from './svg.js';

// ---------------------------------------------------------------------------------------------------------
// Formatting and HTML building blocks

export const money = (value: number | null | undefined): string => fixed(value, 2);
export const whole = (value: number | null | undefined): string => (value === null || value === undefined || !Number.isFinite(value) ? '' : count(Math.round(value)));
export const days = (value: number | null | undefined): string => (value === null || value === undefined || !Number.isFinite(value) ? '' : `${fixed(value, 0)} d`);
export const probability = (value: number | null | undefined): string => fixed(value, 3);

/** A number in a table cell or figure: 4 significant digits for parameters of any size. */
export function parameter(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return fixed(value, abs >= 100 ? 1 : abs >= 1 ? 3 : 4);
}

export const NUMERIC_CELL = /^[-+−]?[\d,.]+(%\*?|\s?d)?$|^∞$|^$/;

/** Options of {@link dataTable}. */
export interface TableOptions {
  caption?: string;
  /** Class of the wrapper, e.g. 'scroll' for long tables. */
  className?: string;
  /** Rows (by index) to emphasise, e.g. a total row. */
  strongRows?: number[];
  /** Columns (by index) of running text, which wrap; other cells stay on one line. */
  prose?: number[];
}

/**
 * A table of text cells; every header and cell is escaped. Columns whose cells are all numbers are
 * right-aligned.
 */
export function dataTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => NUMERIC_CELL.test(r[i] ?? '')));
  const prose = new Set(options.prose ?? []);
  const cls = (i: number): string => (numeric[i] ? ' class="num"' : prose.has(i) ? ' class="prose"' : '');
  const head = `<thead><tr>${headers.map((h, i) => `<th scope="col"${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const strong = new Set(options.strongRows ?? []);
  const body = rows
    .map((r, k) => `<tr${strong.has(k) ? ' class="total"' : ''}>${headers.map((_, i) => `<td${cls(i)}>${escapeHtml(r[i] ?? '')}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  return `<div class="table-wrap${options.className ? ` ${options.className}` : ''}"><table>${caption}${head}<tbody>\n${body}\n</tbody></table></div>`;
}

/** Key figures as a definition list of cards. */
export function keyFigures(items: readonly (readonly [label: string, value: string, note?: string])[]): string {
  const cards = items
    .filter(([, value]) => value !== '')
    .map(([label, value, note]) => `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>${note ? `<dd class="sub">${escapeHtml(note)}</dd>` : ''}</div>`);
  return `<dl class="kpis">${cards.join('')}</dl>`;
}

export function paragraph(content: string, className?: string): string {
  return `<p${className ? ` class="${className}"` : ''}>${escapeHtml(content)}</p>`;
}

export function subheading(content: string): string {
  return `<h3>${escapeHtml(content)}</h3>`;
}

export function warningList(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return `<div class="warnings"><h4>Notes</h4><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>`;
}

/**
 * A chart: the SVG, a caption that says how to read it, and the numbers behind it in a table that opens on
 * demand.
 */
export function chartFigure(id: string, heading: string, svg: string, caption: string, table: string): string {
  return (
    `<figure class="chart" id="fig-${id}">\n${svg}\n` +
    `<figcaption><strong>${escapeHtml(heading)}.</strong> ${escapeHtml(caption)}</figcaption>\n` +
    `<details><summary>Numbers behind the chart</summary>\n${table}\n</details>\n</figure>`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Overview and data accounting
