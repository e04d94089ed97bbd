/** Terminal report of payment behaviour, ageing and DSO (`crm payments`, and the payments section of `crm report`). */
import { dayToIso } from '../../core/days.js';
import { type PaymentsAnalysis } from '../../payments/analyse-payments.js';
import type { AgeingTable } from '../../payments/portfolio.js';
import { count, counted, fixed, percent } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';
import type { WithRecords } from '../../core/record-columns.js';

/** Ageing tables as text rows. */
export function ageingRows(tables: { name: string; table: AgeingTable }[]): { headers: string[]; rows: string[][] } {
  const labels = tables[0]?.table.buckets.map((b) => b.label) ?? [];
  return {
    headers: ['', ...labels, 'outstanding', 'credit', 'net'],
    rows: tables.flatMap(({ name, table }) => [
      [name, ...table.buckets.map((b) => fixed(b.amount)), fixed(table.outstanding), fixed(table.credit), fixed(table.net)],
      ['  share', ...table.buckets.map((b) => percent(b.share, 0)), '', '', ''],
    ]),
  };
}

/** The terminal report of `crm payments`. */
export function renderPayments(a: WithRecords<PaymentsAnalysis, 'customers'>, style: TextStyle, asOfRule?: string): string {
  const paint = painter(style.color);
  const t = a.totals;
  let out = `${paint.bold(`Payments as of ${dayToIso(a.asOf)}`)}${asOfRule ? ` (${asOfRule})` : ''}: ${counted(t.customers, 'customer')}, ${counted(t.invoices, 'invoice')}, ${counted(t.creditNotes, 'credit note')}\n`;
  out += `Invoiced ${fixed(t.invoiced)}, paid ${fixed(t.paid)}, outstanding ${fixed(t.outstanding)} (overdue ${fixed(t.overdue)}), credit ${fixed(t.credit)}, balance ${fixed(t.balance)}\n`;
  out += `Collection rate ${percent(t.collectionRate)} of ${fixed(t.due)} due; DSO ${fixed(a.dso.standard, 1)} days (receivables net of credits / credit sales of the last ${a.dso.windowDays} days; on open invoices gross ${fixed(a.dso.grossStandard, 1)}; best possible ${fixed(a.dso.bestPossible, 1)}, countback ${fixed(a.dso.countback, 1)}); ${count(t.worsening)} customer(s) paying later and later\n\n`;
  out += renderTable(
    ['class', 'customers', 'share', 'outstanding', 'overdue', 'share of outstanding'],
    a.classes.map((c) => [c.class, count(c.customers), percent(c.shareOfCustomers), fixed(c.outstanding), fixed(c.overdue), percent(c.shareOfOutstanding)]),
    style,
    `Payment behaviour (delinquent: overdue > ${a.settings.delinquentAfterDays} days; slow: up to ${a.settings.slowMaxDaysLate} days late)`,
  );
  const tables = [{ name: 'total', table: a.ageing.total }, ...a.ageing.groups.map((g) => ({ name: g.group || '(missing)', table: g }))];
  const ageing = ageingRows(tables);
  out += '\n' + renderTable(ageing.headers, ageing.rows, style, `Receivables ageing (days past due)${a.ageing.groupBy ? ` by ${a.ageing.groupBy}` : ''}`);
  if (a.topDebtors.length > 0) {
    out += '\n' + renderTable(
      ['customer_id', 'outstanding', 'overdue', 'balance', 'max days past due', 'class', 'share'],
      a.topDebtors.map((d) => [d.customerId, fixed(d.outstanding), fixed(d.overdue), fixed(d.balance), d.maxDaysPastDue === null ? '' : String(d.maxDaysPastDue), d.class, percent(d.shareOfOutstanding)]),
      style,
      'Largest debtors',
    );
  }
  return fitProse(out, style);
}
