/** The overview and data-accounting sections of the HTML report. */
import type { ReportDocument } from '../document.js';
import { count, percent } from '../format.js';

import { money, dataTable, keyFigures, paragraph, subheading } from './common.js';

export function overviewSection(doc: ReportDocument): string {
  const o = doc.overview!;
  return keyFigures([
    ['Customers', count(o.customers)],
    ['Transactions', count(o.transactions)],
    ['Revenue', money(o.revenue)],
    ['Margin', o.margin === null ? '' : money(o.margin), o.margin !== null && o.revenue !== 0 ? `${percent(o.margin / o.revenue)} of revenue` : undefined],
    ['Repeat customers', percent(o.repeatShare), 'bought on more than one day'],
    ['First purchase', o.firstPurchase ?? ''],
    ['Last purchase', o.lastPurchase ?? ''],
  ]);
}

export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export function reasons(value: unknown): string {
  return Object.entries(record(value))
    .map(([reason, n]) => `${reason} ${typeof n === 'number' ? count(n) : String(n)}`)
    .join('; ');
}

export function numberOf(value: unknown): string {
  return typeof value === 'number' ? count(value) : '';
}

export function dataSection(doc: ReportDocument): string {
  const rows = doc.meta.inputs.map((input) => {
    const r = record(input);
    const excluded = record(r.excluded);
    const excludedTotal = Object.values(excluded).reduce<number>((s, n) => s + (typeof n === 'number' ? n : 0), 0);
    return [String(r.kind ?? ''), String(r.file ?? ''), numberOf(r.read), numberOf(r.used), numberOf(r.rejected), reasons(r.rejectedByReason), count(excludedTotal), reasons(excluded)];
  });
  let out = paragraph('Every row of every input is accounted for: rows read = used + rejected + excluded. Rejected rows are invalid (the reason is given); excluded rows are valid but outside the analysis, e.g. dated after the as-of day.');
  out += rows.length
    ? dataTable(['input', 'file', 'rows read', 'used', 'rejected', 'rejected because', 'excluded', 'excluded because'], rows, { prose: [5, 7] })
    : paragraph('No input files are recorded in this report.', 'note');
  const unknown = Object.entries(record(doc.meta.unknownCustomers)).map(([kind, value]) => {
    const u = record(value);
    const examples = Array.isArray(u.examples) ? u.examples.map((e) => `"${String(e)}"`).join(', ') : '';
    return { row: [kind, numberOf(u.rows), numberOf(u.customers), examples], rows: typeof u.rows === 'number' ? u.rows : 0 };
  });
  if (unknown.some((u) => u.rows > 0)) {
    out += subheading('Customers missing from the customers file');
    out += dataTable(['input', 'rows', 'customers', 'examples'], unknown.map((u) => u.row), { prose: [3] });
  } else if (unknown.length) {
    out += paragraph(`Every ${unknown.map((u) => u.row[0]).join(' and ')} row names a customer of the customers file.`, 'note');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Segments
