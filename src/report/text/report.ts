/** The terminal report of `crm report`: every section, readable at 100 columns. */
import { type ReportDocument, type SectionName } from '../document.js';
import { counted, fixed, percent } from '../format.js';
import { fitProse, painter, type TextStyle } from '../table.js';
import { describeAccount } from './accounts.js';
import { renderSegment } from './segment.js';
import { renderValue } from './value.js';
import { renderAtRisk, renderChurn } from './churn.js';
import { renderPayments } from './payments.js';
import { renderKpi, renderProfitability } from './kpi.js';

/** The terminal report: every section, prose wrapped at 100 columns or the terminal's width if narrower. */
export function renderReport(doc: ReportDocument, style: TextStyle): string {
  const paint = painter(style.color);
  const h = (title: string): string => `\n${paint.bold.underline(title)}\n\n`;
  let out = `${paint.bold(`crm report as of ${doc.meta.asOf}`)} (data ${doc.meta.dateRange?.first} to ${doc.meta.dateRange?.last})\n`;
  out += h('Data accounting');
  for (const a of doc.meta.inputs as Parameters<typeof describeAccount>[0][]) out += `${a.kind} ${a.file}: ${describeAccount(a)}\n`;
  if (doc.overview) {
    const o = doc.overview;
    out += h('Portfolio overview');
    out += `${counted(o.customers, 'customer')}, ${counted(o.transactions, 'transaction')}, revenue ${fixed(o.revenue)}${o.margin !== null ? `, margin ${fixed(o.margin)}` : ''}; ${percent(o.repeatShare)} bought more than once\n`;
  }
  const failed = (name: SectionName): string => `${paint.red('Not computed')}: ${doc.errors[name]}\n`;
  if (doc.segment) out += h('Segments, R x F grid, concentration, clusters') + renderSegment(doc.segment, style, { compact: true });
  else if (doc.errors.segment) out += h('Segments, R x F grid, concentration, clusters') + failed('segment');
  if (doc.value) out += h('Customer value and equity') + renderValue(doc.value, 10, style, { compact: true });
  else if (doc.errors.value) out += h('Customer value and equity') + failed('value');
  if (doc.churn) out += h('Retention and survival') + renderChurn({ ...doc.churn, atRisk: null }, style);
  else if (doc.errors.churn) out += h('Retention and survival') + failed('churn');
  if (doc.payments) out += h('Payments and ageing') + renderPayments(doc.payments, style);
  else if (doc.errors.payments) out += h('Payments and ageing') + failed('payments');
  if (doc.atRisk && doc.churn?.atRisk) out += h('At risk') + renderAtRisk(doc.atRisk, doc.churn.atRisk.model.model, style);
  else if (doc.errors.atRisk) out += h('At risk') + failed('atRisk');
  if (doc.kpi) out += h('KPIs over time') + renderKpi(doc.kpi, style, false, undefined, { compact: true });
  else if (doc.errors.kpi) out += h('KPIs over time') + failed('kpi');
  if (doc.profitability) out += h('Profitability and cost-to-serve') + renderProfitability(doc.profitability, style);
  else if (doc.errors.profitability) out += h('Profitability and cost-to-serve') + failed('profitability');
  if (doc.notes.length > 0) out += h('Notes') + doc.notes.map((n) => `${n}\n`).join('');
  return fitProse(out, { ...style, width: Math.min(100, style.width ?? 100) });
}
