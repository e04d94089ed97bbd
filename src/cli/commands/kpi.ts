/** `crm kpi`: the CRM scorecard per calendar period (customers, retention, revenue, orders, receivables). */
import type { Command } from 'commander';
import { dayToIso } from '../../core/days.js';
import { describeChurnWindow } from '../../churn/lifetimes.js';
import type { CsvValue } from '../../report/csv/line.js';
import { UsageError } from '../../errors.js';
import { type KpiResult, type KpiRow } from '../../performance/kpi.js';
import { KPI_UNITS, parseKpiUnit } from '../../performance/periods.js';
import type { CustomerProfitability, ProfitabilityResult } from '../../performance/profitability.js';
import { count, fixed, percent } from '../../report/format.js';
import { writeCsv, writeJson, writeNdjson, type RecordColumns } from '../../report/records.js';
import { painter, renderTable } from '../../report/table.js';
import { accountLines, excludeRows, inputsMeta, readInputs } from '../inputs.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, outputFormat, resolveOptions, useColor } from '../options.js';
import { diagnostics, withOutput } from '../output.js';
import { parseDays } from '../settings.js';
import { computeKpis } from '../../analysis/kpi.js';
export { computeKpis, kpiCustomers, reportKpis } from '../../analysis/kpi.js';

/** The CSV / NDJSON / JSON columns; dso and overdue_share only with payments. */
export function kpiColumns(withPayments: boolean): RecordColumns<KpiRow> {
  return {
    names: [
      'period', 'active_customers', 'new_customers', 'returning_customers', 'reactivated_customers', 'lost_customers', 'retention_rate',
      'revenue', 'orders', 'average_order_value', 'revenue_per_active', 'top20_revenue_share', ...(withPayments ? ['dso', 'overdue_share'] : []), 'partial',
    ],
    values: (r) => [
      r.period, r.activeCustomers, r.newCustomers, r.returningCustomers, r.reactivatedCustomers, r.lostCustomers, r.retentionRate,
      r.revenue, r.orders, r.averageOrderValue, r.revenuePerActive, r.top20RevenueShare, ...(withPayments ? [r.dso, r.overdueShare] : []), r.partial,
    ],
  };
}

/** The scorecard as CSV rows, header first (the report's CSV folder). */
export function kpiCsvRows(result: KpiResult): CsvValue[][] {
  const columns = kpiColumns(result.periods.some((p) => p.dso !== undefined));
  return [columns.names, ...result.periods.map((p) => columns.values(p))];
}

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
export function renderKpi(result: KpiResult, color: boolean, withPayments: boolean, asOfRule?: string, { compact = false }: { compact?: boolean } = {}): string {
  const paint = painter(color);
  let out = `${paint.bold(`KPIs by ${result.unit} as of ${dayToIso(result.asOf)}`)}${asOfRule ? ` (${asOfRule})` : ''}: ${count(result.customers)} customers; churn window ${describeChurnWindow(result.window)}\n`;
  // compact (crm report, 100 columns): without returning (active − new), revenue per active customer and the receivables.
  const headers = ['period', 'active', 'new', ...(compact ? [] : ['returning']), compact ? 'react.' : 'reactivated', 'lost', compact ? 'retained' : 'retention', 'revenue', 'orders', 'AOV', ...(compact ? [] : ['rev/active']), 'top 20%', ...(withPayments && !compact ? ['DSO', 'overdue'] : [])];
  const rows = result.periods.map((r) => [
    `${r.period}${r.partial ? '*' : ''}`, count(r.activeCustomers), count(r.newCustomers), ...(compact ? [] : [count(r.returningCustomers)]), count(r.reactivatedCustomers),
    `${count(r.lostCustomers)}${r.lostProvisional ? '?' : ''}`, percent(r.retentionRate), fixed(r.revenue), count(r.orders), fixed(r.averageOrderValue),
    ...(compact ? [] : [fixed(r.revenuePerActive)]), percent(r.top20RevenueShare), ...(withPayments && !compact ? [fixed(r.dso, 1), percent(r.overdueShare)] : []),
  ]);
  out += renderTable(headers, rows, { color });
  out += `* partial period (as-of before its end); ? lost count provisional (period ends within the churn window of as-of)\n`;
  return out;
}

export function registerKpi(program: Command, io: Io): void {
  const cmd = program
    .command('kpi')
    .description('the CRM scorecard per period: active, new, returning, reactivated and lost customers, retention, revenue, orders, AOV, top-20% share; DSO and overdue share with --payments')
    .option('--period <unit>', `period: ${KPI_UNITS.join(', ')} (default month)`)
    .option('--churn-after <days>', 'lost and reactivated: churned when no purchase follows within this window, e.g. 90d (default: 90th percentile of the gaps between purchases, as crm churn)')
    .option('--dso-window <days>', 'with --payments: sales window of the DSO, ending at each period end (default 90)')
    .option('--as-of <date>', 'end of observation (default: the last date in the sales)');
  addInputOptions(cmd, ['customers', 'sales', 'payments']);
  addOutputOptions(cmd);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    const unit = parseKpiUnit(String(options.period ?? 'month'));
    const churnAfter = options.churnAfter !== undefined ? parseDays(String(options.churnAfter), '--churn-after') : undefined;
    let dsoWindowDays: number | undefined;
    if (options.dsoWindow !== undefined) {
      dsoWindowDays = Number(options.dsoWindow);
      if (!Number.isInteger(dsoWindowDays) || dsoWindowDays < 1) throw new UsageError(`--dso-window must be a positive whole number of days, not "${options.dsoWindow}"`);
      if (options.payments === undefined) throw new UsageError('--dso-window needs --payments');
    }
    // --period here is the KPI period, not the summary's time unit that readInputs parses.
    const { data, window, asOf: resolved } = await readInputs(cmd, { ...options, period: undefined }, config, io, { sales: 'required', customers: 'optional', payments: 'optional' }, { holdout: false });
    const asOf = window!.asOf;
    const withPayments = data.payments !== undefined;
    const { result, excludedPayments } = computeKpis(data.sales!, asOf, { unit, churnAfter, payments: data.payments, dsoWindowDays });
    if (withPayments) excludeRows(data, 'payments', excludedPayments);
    const notes = [...accountLines(data), ...kpiNotes(result)];
    if (withPayments) notes.push(`dso and overdue_share: the payments analysis run at each period end (${result.periods.length} runs over the ledger; a partial period at as-of)`);
    const columns = kpiColumns(withPayments);
    const meta = {
      command: 'kpi',
      asOf: dayToIso(asOf),
      period: unit,
      churnWindow: result.window,
      topShare: result.topShare,
      customers: result.customers,
      lostProvisionalFrom: result.provisionalFrom,
      ...inputsMeta(data),
    };
    await withOutput(options.output, io, async (sink) => {
      if (format === 'csv') await writeCsv(sink, columns, result.periods);
      else if (format === 'ndjson') await writeNdjson(sink, columns, result.periods);
      else if (format === 'json') {
        const provisional: RecordColumns<KpiRow> = { names: [...columns.names, 'lost_provisional', 'start', 'end'], values: (r) => [...columns.values(r), r.lostProvisional, dayToIso(r.start), dayToIso(r.end)] };
        await writeJson(sink, meta, 'periods', provisional, result.periods, { notes });
      } else await sink.write(renderKpi(result, useColor(options, io), withPayments, resolved?.rule) + notes.map((n) => `${n}\n`).join(''));
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
  });
}

/** The terminal view of the profitability (crm report): totals and the quadrants, within 100 columns. */
export function renderProfitability(p: ProfitabilityResult, color: boolean): string {
  const t = p.totals;
  const kinds = Object.entries(t.costByKind).map(([k, v]) => `${k || '(no kind)'} ${fixed(v)}`).join(', ');
  let out = `Revenue ${fixed(t.revenue)}, product margin ${fixed(t.margin)}${p.marginSource === 'sales' ? '' : ` (${percent(p.marginShare)} of revenue where the sales have no cost)`}, cost-to-serve ${fixed(t.costToServe)}${kinds ? ` (${kinds})` : ''}, contribution ${fixed(t.contribution)}; ${count(t.unprofitable)} of ${count(t.customers)} customers unprofitable${p.medianNetClv !== null ? `; high value = net CLV above the median ${fixed(p.medianNetClv)}` : ''}\n`;
  out += renderTable(
    ['quadrant', 'customers', 'contribution', 'net CLV', 'debtors', 'late', 'outstanding'],
    p.quadrants.map((q) => [q.quadrant, count(q.customers), fixed(q.contribution), q.netClv === null ? '' : fixed(q.netClv), count(q.debtors), count(q.latePayers), fixed(q.outstanding)]),
    { color },
    'Worth keeping (contribution x net CLV)',
  );
  return out;
}

/** The per-customer profitability as CSV rows, header first. */
export function profitabilityCsvRows(p: ProfitabilityResult): CsvValue[][] {
  const kinds = Object.keys(p.totals.costByKind).sort();
  return [
    ['customer_id', 'revenue', 'margin', 'margin_source', 'cost_to_serve', ...kinds.map((k) => `cost_${k || 'other'}`), 'contribution', 'cost_rate', 'clv', 'net_clv', 'quadrant', 'unprofitable', 'payment_class', 'debtor', 'late_payer', 'outstanding'],
    ...p.customers.map((c: CustomerProfitability) => [c.customerId, c.revenue, c.margin, c.marginSource, c.costToServe, ...kinds.map((k) => c.costByKind[k] ?? 0), c.contribution, c.costRate, c.clv, c.netClv, c.quadrant, c.unprofitable, c.paymentClass, c.debtor, c.latePayer, c.outstanding]),
  ];
}

/** One line on a customer's profitability (crm profile). */
export function profitabilityLine(c: CustomerProfitability): string {
  const flags = [c.unprofitable ? 'unprofitable' : '', c.debtor ? 'debtor' : '', c.latePayer ? 'late payer' : ''].filter(Boolean);
  return `contribution ${fixed(c.contribution)} = margin ${fixed(c.margin)} - cost-to-serve ${fixed(c.costToServe)}${c.netClv !== null ? `; net CLV ${fixed(c.netClv)}` : ''}; ${c.quadrant}${flags.length ? ` (${flags.join(', ')})` : ''}`;
}
