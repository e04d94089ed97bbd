/** The report as a folder of CSV tables (one per section table) and its notes.txt. */
import { dayToIso } from '../../core/days.js';
import { SECTION_NAMES, SECTION_TITLES, type ReportDocument } from '../document.js';
import { type CsvValue } from './line.js';
import { describeAccount } from '../text/accounts.js';
import { kpiCsvRows, profitabilityCsvRows } from './kpi.js';


export type Row = CsvValue[];

/** The report's tables as CSV files: name → rows (header first). */
export function reportTables(doc: ReportDocument): Record<string, Row[]> {
  const tables: Record<string, Row[]> = {};
  const seg = new Map(doc.segment?.customers.map((c) => [c.customerId, c]) ?? []);
  const val = new Map(doc.value?.customers.map((c) => [c.customerId, c]) ?? []);
  const pay = new Map(doc.payments?.customers.map((c) => [c.customerId, c]) ?? []);
  if (doc.summary) {
    const unit = timeUnitSuffix(doc.meta.period);
    const rows: Row[] = [['customer_id', 'first_purchase', 'last_purchase', 'transactions', 'frequency', `recency_${unit}`, `T_${unit}`, 'monetary_value', 'revenue', 'margin', 'R', 'F', 'M', 'segment', 'abc', 'cluster', 'p_alive', 'clv', 'payment_class', 'outstanding']];
    for (const c of doc.summary) {
      const s = seg.get(c.id);
      const v = val.get(c.id);
      const p = pay.get(c.id);
      rows.push([c.id, dayToIso(c.firstDay), dayToIso(c.lastDay), c.transactions, c.frequency, c.recency, c.T, c.monetaryValue, c.revenue, c.margin, s?.R, s?.F, s?.M, s?.segment, s?.abc, s?.cluster, v?.pAlive, v?.clv, p?.class, p?.outstanding]);
    }
    tables.customers = rows;
  }
  if (doc.segment) {
    tables.segments = [['segment', 'customers', 'share_of_customers', 'revenue', 'share_of_revenue', 'margin', 'mean_recency_days', 'mean_transactions', 'mean_monetary', 'action'], ...doc.segment.segments.map((s) => [s.segment, s.customers, s.shareOfCustomers, s.revenue, s.shareOfRevenue, s.margin, s.meanRecencyDays, s.meanTransactions, s.meanMonetary, s.action])];
    tables.grid = [['R', 'F', 'customers', 'mean_monetary'], ...doc.segment.grid.map((g) => [g.R, g.F, g.customers, g.meanMonetary])];
    tables.lorenz = [['customer_share', 'value_share'], ...doc.segment.concentration.lorenz.map((l) => [l.customerShare, l.valueShare])];
  }
  if (doc.value) {
    tables.value_deciles = [['decile', 'customers', 'clv', 'share_of_equity', 'min_clv', 'max_clv'], ...doc.value.deciles.map((d) => [d.decile, d.customers, d.clv, d.shareOfEquity, d.minClv, d.maxClv])];
    tables.value_segments = [['segment', 'customers', 'clv', 'share_of_equity', 'mean_clv', 'mean_p_alive'], ...doc.value.segments.map((s) => [s.segment, s.customers, s.clv, s.shareOfEquity, s.meanClv, s.meanPAlive])];
  }
  if (doc.churn) {
    const width = Math.max(0, ...doc.churn.cohorts.cohorts.map((c) => c.cells.length));
    tables.cohorts = [['cohort', 'size', ...Array.from({ length: width }, (_, k) => `period_${k}`)], ...doc.churn.cohorts.cohorts.map((c) => [c.label, c.size, ...c.cells.map((x) => x.customerRetention)])];
    const survival: Row[] = [['group', 'time_days', 'at_risk', 'events', 'survival', 'lower_95', 'upper_95']];
    for (const { group, curve } of [{ group: 'all', curve: doc.churn.survival.overall }, ...doc.churn.survival.groups]) for (const s of curve.steps) survival.push([group, s.time, s.atRisk, s.events, s.survival, s.lower, s.upper]);
    tables.survival = survival;
    tables.stages = [['stage', 'customers', 'share', 'revenue'], ...doc.churn.lifecycle.stages.map((s) => [s.stage, s.customers, s.share, s.revenue])];
  }
  if (doc.payments) {
    tables.ageing = [['bucket', 'amount', 'count', 'share'], ...doc.payments.ageing.total.buckets.map((b) => [b.label, b.amount, b.count, b.share])];
    tables.debtors = [['customer_id', 'outstanding', 'overdue', 'balance', 'max_days_past_due', 'class'], ...doc.payments.topDebtors.map((d) => [d.customerId, d.outstanding, d.overdue, d.balance, d.maxDaysPastDue, d.class])];
  }
  if (doc.kpi) tables.kpi = kpiCsvRows(doc.kpi);
  if (doc.profitability) tables.profitability = profitabilityCsvRows(doc.profitability);
  if (doc.atRisk) tables['at-risk'] = [['customer_id', 'value_at_risk', 'p_alive', 'past_revenue', 'days_since_last', 'usual_gap_days', 'segment', 'payment_class', 'reason'], ...doc.atRisk.map((a) => [a.customerId, a.valueAtRisk, a.pAlive, a.value, a.daysSinceLast, a.usualGap, a.segment, a.paymentClass, a.reason])];
  return tables;
}

/**
 * The CSV folder's notes.txt: the row accounting, every section that could not be computed with its reason,
 * and every note and warning of the run (what the terminal and HTML reports show beside their tables).
 */
export function reportNotesText(doc: ReportDocument): string {
  let out = `crm report as of ${doc.meta.asOf}\n\nData accounting\n`;
  for (const a of doc.meta.inputs as Parameters<typeof describeAccount>[0][]) out += `${a.kind} ${a.file}: ${describeAccount(a)}\n`;
  const missing = SECTION_NAMES.filter((name) => doc.errors[name] !== undefined);
  out += '\nSections not computed\n';
  out += missing.length === 0 ? 'none: every section of the inputs given was computed\n' : missing.map((name) => `${SECTION_TITLES[name]}: ${doc.errors[name]}\n`).join('');
  out += '\nNotes and warnings\n';
  out += doc.notes.length === 0 ? 'none\n' : doc.notes.map((n) => `${n}\n`).join('');
  return out;
}

/**
 * The unit of recency and T in column names: `days`, `weeks`, `months`, `years`, or `periods_14d` for a
 * period of 14 days (the summary is in the run's --period; a name must not say days when it holds weeks).
 */
export function timeUnitSuffix(period: { name: string; days: number } | undefined): string {
  if (period === undefined) return 'days';
  if (['day', 'week', 'month', 'year'].includes(period.name)) return `${period.name}s`;
  return `periods_${period.days}d`;
}
