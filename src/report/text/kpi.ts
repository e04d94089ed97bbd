/** Terminal reports of the KPI scorecard (`crm kpi`) and of profitability (`crm report`, `crm profile`). */
import { dayToIso } from '../../core/days.js';
import { describeChurnWindow } from '../../churn/lifetimes.js';
import { type KpiResult } from '../../performance/kpi.js';
import type { CustomerProfitability, ProfitabilityResult } from '../../performance/profitability.js';
import { count, counted, fixed, percent } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';
import type { WithRecords } from '../../core/record-columns.js';

/** Lines that say what is provisional or partial. */
export function kpiNotes(result: KpiResult): string[] {
  const notes: string[] = [];
  if (result.provisionalFrom !== null) {
    notes.push(`lost customers are provisional from ${result.provisionalFrom} on: those periods end less than the churn window (${result.window.days} days) before as-of ${dayToIso(result.asOf)}, so customers whose last purchase falls in them may still be counted lost`);
  }
  const last = result.periods[result.periods.length - 1];
  if (last?.partial) notes.push(`${last.period} is partial: as-of ${dayToIso(result.asOf)} is before its end ${dayToIso(last.end)}`);
  return notes;
}

/** The terminal report of `crm kpi`. */
export function renderKpi(result: KpiResult, style: TextStyle, withPayments: boolean, asOfRule?: string, { compact = false }: { compact?: boolean } = {}): string {
  const paint = painter(style.color);
  let out = `${paint.bold(`KPIs by ${result.unit} as of ${dayToIso(result.asOf)}`)}${asOfRule ? ` (${asOfRule})` : ''}: ${counted(result.customers, 'customer')}; churn window ${describeChurnWindow(result.window)}\n`;
  // compact (crm report, 100 columns): without returning (active − new), revenue per active customer and the receivables.
  const headers = ['period', 'active', 'new', ...(compact ? [] : ['returning']), compact ? 'react.' : 'reactivated', 'lost', compact ? 'retained' : 'retention', 'revenue', 'orders', 'AOV', ...(compact ? [] : ['rev/active']), 'top 20%', ...(withPayments && !compact ? ['DSO', 'overdue'] : [])];
  const rows = result.periods.map((r) => [
    `${r.period}${r.partial ? '*' : ''}`, count(r.activeCustomers), count(r.newCustomers), ...(compact ? [] : [count(r.returningCustomers)]), count(r.reactivatedCustomers),
    `${count(r.lostCustomers)}${r.lostProvisional ? '?' : ''}`, percent(r.retentionRate), fixed(r.revenue), count(r.orders), fixed(r.averageOrderValue),
    ...(compact ? [] : [fixed(r.revenuePerActive)]), percent(r.top20RevenueShare), ...(withPayments && !compact ? [fixed(r.dso, 1), percent(r.overdueShare)] : []),
  ]);
  out += renderTable(headers, rows, style);
  out += `* partial period (as-of before its end); ? lost count provisional (period ends within the churn window of as-of)\n`;
  return fitProse(out, style);
}

/** The terminal view of the profitability (crm report): totals and the quadrants, within 100 columns. */
export function renderProfitability(p: WithRecords<ProfitabilityResult, 'customers'>, style: TextStyle): string {
  const t = p.totals;
  const kinds = Object.entries(t.costByKind).map(([k, v]) => `${k || '(no kind)'} ${fixed(v)}`).join(', ');
  let out = `Revenue ${fixed(t.revenue)}, product margin ${fixed(t.margin)}${p.marginSource === 'sales' ? '' : ` (${percent(p.marginShare)} of revenue where the sales have no cost)`}, cost-to-serve ${fixed(t.costToServe)}${kinds ? ` (${kinds})` : ''}, contribution ${fixed(t.contribution)}; ${count(t.unprofitable)} of ${counted(t.customers, 'customer')} unprofitable${p.medianNetClv !== null ? `; high value = net CLV above the median ${fixed(p.medianNetClv)}` : ''}\n`;
  out += renderTable(
    ['quadrant', 'customers', 'contribution', 'net CLV', 'debtors', 'late', 'outstanding'],
    p.quadrants.map((q) => [q.quadrant, count(q.customers), fixed(q.contribution), q.netClv === null ? '' : fixed(q.netClv), count(q.debtors), count(q.latePayers), fixed(q.outstanding)]),
    style,
    'Worth keeping (contribution x net CLV)',
  );
  return fitProse(out, style);
}

/** One line on a customer's profitability (crm profile). */
export function profitabilityLine(c: CustomerProfitability): string {
  const flags = [c.unprofitable ? 'unprofitable' : '', c.debtor ? 'debtor' : '', c.latePayer ? 'late payer' : ''].filter(Boolean);
  return `contribution ${fixed(c.contribution)} = margin ${fixed(c.margin)} - cost-to-serve ${fixed(c.costToServe)}${c.netClv !== null ? `; net CLV ${fixed(c.netClv)}` : ''}; ${c.quadrant}${flags.length ? ` (${flags.join(', ')})` : ''}`;
}
