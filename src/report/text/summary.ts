/** Terminal table of the per-customer summary (`crm summary`): the first rows, the totals and the row account. */
import type { SummaryWindow } from '../../accumulate/summary.js';
import type { CustomerSummary } from '../../core/types.js';
import type { RowAccount } from '../../ingest/table.js';
import { count, counted, fixed, percent } from '../format.js';
import type { RecordColumns } from '../records.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';
import { describeAccount } from './accounts.js';

export interface SummaryView {
  asOf: string;
  calibrationEnd: string | null;
  window: SummaryWindow;
  /** Rows shown. */
  limit: number;
  accounts: RowAccount[];
}

const COUNTS = ['transactions', 'frequency', 'frequency_holdout'];
const TIMES = ['recency', 'T', 'duration_holdout'];

export function renderSummary(customers: CustomerSummary[], columns: RecordColumns<CustomerSummary>, totals: Record<string, number | null>, view: SummaryView, style: TextStyle): string {
  const { window, limit } = view;
  const shown = customers.slice(0, limit).map((c) => columns.values(c));
  // counts are whole; times are whole in days (any unit that happens to be whole), else 2 decimals
  const whole = columns.names.map(
    (name, i) => COUNTS.includes(name) || (TIMES.includes(name) && shown.every((v) => typeof v[i] !== 'number' || Number.isInteger(v[i]))),
  );
  const rows = shown.map((values) => values.map((v, i) => (typeof v === 'number' ? fixed(v, whole[i] ? 0 : 2) : String(v ?? ''))));
  const title = `Customer summary as of ${view.asOf}${window.holdout ? ` (calibration to ${view.calibrationEnd})` : ''}; time in ${window.period.name}s`;
  let out = renderTable(columns.names, rows, style, title);
  if (customers.length > limit) out += `… ${count(customers.length - limit)} more customers (--format csv for all)\n`;
  const paint = painter(style.color);
  out +=
    `\n${paint.bold('Totals')}: ${counted(customers.length, 'customer')}, ${counted(totals.transactions!, 'transaction')}, revenue ${fixed(totals.revenue)}` +
    `${totals.margin !== null ? `, margin ${fixed(totals.margin)}` : ''}; repeat customers ${count(totals.repeatCustomers!)} (${percent(totals.repeatShare)})` +
    `${window.holdout ? `; holdout purchases ${count(totals.holdoutPurchases!)}` : ''}\n`;
  out += `${paint.bold('Rows')}: ${view.accounts.map((a) => `${a.kind} ${describeAccount(a)}`).join('; ')}\n`;
  return fitProse(out, style);
}
