/** The report as a folder of CSV tables (one per section table) and its notes.txt. */
import { alignRecords, fieldReader, type RecordList } from '../../core/record-columns.js';
import { dayToIso } from '../../core/days.js';
import { SECTION_NAMES, SECTION_TITLES, type ReportDocument } from '../document.js';
import { type CsvValue } from './line.js';
import { describeAccount } from '../text/accounts.js';
import { kpiCsvRows, profitabilityCsvRows } from './kpi.js';


export type Row = CsvValue[];

/** The report's tables as CSV files: name → rows (header first). */
export function reportTables(doc: ReportDocument, { customers = true }: { customers?: boolean } = {}): Record<string, Row[]> {
  const tables: Record<string, Row[]> = {};
  const asOf = doc.meta.asOf;
  // the per-customer scores (customers.csv): here when asked; a writer of a large folder streams customerScoreRows instead
  if (doc.summary && customers) tables.customers = [...customerScoreRows(doc)];
  if (doc.segment) {
    tables.segments = [['segment', 'customers', 'share_of_customers', 'revenue', 'share_of_revenue', 'margin', 'mean_recency_days', 'mean_transactions', 'mean_monetary', 'action'], ...doc.segment.segments.map((s) => [s.segment, s.customers, s.shareOfCustomers, s.revenue, s.shareOfRevenue, s.margin, s.meanRecencyDays, s.meanTransactions, s.meanMonetary, s.action])];
    tables.grid = [['R', 'F', 'customers', 'mean_monetary'], ...doc.segment.grid.map((g) => [g.R, g.F, g.customers, g.meanMonetary])];
    tables.lorenz = [['customer_share', 'value_share'], ...doc.segment.concentration.lorenz.map((l) => [l.customerShare, l.valueShare])];
    const k = doc.segment.clusters;
    if (k) {
      tables.clusters = [
        ['cluster', 'customers', 'share_of_customers', 'share_of_revenue', ...k.features.map((f) => `centre_${snake(f)}`), 'description'],
        ...k.clusters.map((c) => [c.cluster, c.customers, c.shareOfCustomers, c.shareOfRevenue, ...k.features.map((f) => c.centre[f]), c.description]),
      ];
    }
  }
  if (doc.value) {
    tables.value_deciles = [['decile', 'customers', 'clv', 'share_of_equity', 'min_clv', 'max_clv'], ...doc.value.deciles.map((d) => [d.decile, d.customers, d.clv, d.shareOfEquity, d.minClv, d.maxClv])];
    tables.value_top = [['rank', 'customer_id', 'clv', 'p_alive', 'expected_transactions', 'expected_spend', 'past_revenue', 'segment', 'as_of'], ...[...doc.value.customers].sort((a, b) => b.clv - a.clv).slice(0, TOP_CLV).map((c, i) => [i + 1, c.customerId, c.clv, c.pAlive, c.expectedTransactions, c.expectedSpend, c.pastRevenue, c.segment, asOf])];
    tables.value_segments = [['segment', 'customers', 'clv', 'share_of_equity', 'mean_clv', 'mean_p_alive'], ...doc.value.segments.map((s) => [s.segment, s.customers, s.clv, s.shareOfEquity, s.meanClv, s.meanPAlive])];
  }
  if (doc.churn) {
    const width = Math.max(0, ...doc.churn.cohorts.cohorts.map((c) => c.cells.length));
    tables.cohorts = [['cohort', 'size', ...Array.from({ length: width }, (_, k) => `period_${k}`)], ...doc.churn.cohorts.cohorts.map((c) => [c.label, c.size, ...c.cells.map((x) => x.customerRetention)])];
    const survival: Row[] = [['group', 'time_days', 'at_risk', 'events', 'survival', 'lower_95', 'upper_95']];
    for (const { group, curve } of [{ group: 'all', curve: doc.churn.survival.overall }, ...doc.churn.survival.groups]) for (const s of curve.steps) survival.push([group, s.time, s.atRisk, s.events, s.survival, s.lower, s.upper]);
    tables.survival = survival;
    const rates = doc.churn.churnRates;
    if (rates) {
      const rows: Row[] = [['group', 'period', 'partial', 'provisional', 'at_risk', 'lost', 'churn_rate']];
      for (const { group, series } of [{ group: 'all', series: rates.overall }, ...rates.groups]) for (const q of series.periods) rows.push([group, q.label, q.partial, q.provisional, q.atRisk, q.lost, q.rate]);
      tables.churn_rates = rows;
    }
    tables.stages = [['stage', 'customers', 'share', 'revenue'], ...doc.churn.lifecycle.stages.map((s) => [s.stage, s.customers, s.share, s.revenue])];
  }
  if (doc.payments) {
    tables.ageing = [['bucket', 'amount', 'count', 'share'], ...doc.payments.ageing.total.buckets.map((b) => [b.label, b.amount, b.count, b.share])];
    tables.payment_classes = [['class', 'customers', 'share_of_customers', 'outstanding', 'overdue', 'share_of_outstanding'], ...doc.payments.classes.map((c) => [c.class, c.customers, c.shareOfCustomers, c.outstanding, c.overdue, c.shareOfOutstanding])];
    tables.debtors = [['customer_id', 'outstanding', 'overdue', 'balance', 'max_days_past_due', 'class', 'as_of'], ...doc.payments.topDebtors.map((d) => [d.customerId, d.outstanding, d.overdue, d.balance, d.maxDaysPastDue, d.class, asOf])];
  }
  if (doc.kpi) tables.kpi_periods = kpiCsvRows(doc.kpi);
  if (doc.profitability) {
    const [head, ...rows] = profitabilityCsvRows(doc.profitability);
    tables.profitability = [[...head, 'as_of'], ...rows.map((r) => [...r, asOf])];
  }
  if (doc.atRisk) tables.at_risk = [['customer_id', 'value_at_risk', 'p_alive', 'past_revenue', 'days_since_last', 'usual_gap_days', 'segment', 'payment_class', 'reason', 'as_of'], ...doc.atRisk.map((a) => [a.customerId, a.valueAtRisk, a.pAlive, a.value, a.daysSinceLast, a.usualGap, a.segment, a.paymentClass, a.reason, asOf])];
  tables.kpis = headlineRows(doc);
  return tables;
}

/** Customers in value_top.csv (the terminal's top list is 10; the full list is in customers.csv). */
const TOP_CLV = 100;

/** `recencyDays` → `recency_days`. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/[^a-z0-9_]+/gi, '_').toLowerCase();
}

/**
 * kpis.csv: one row of headline figures at as-of, for appending run after run to a trend sheet; a figure whose
 * section was not computed is empty (notes.txt says why).
 */
export function headlineRows(doc: ReportDocument): Row[] {
  const o = doc.overview;
  const atRisk = doc.atRisk ?? null;
  const rates = doc.churn?.churnRates ?? null;
  return [
    ['as_of', 'customers', 'transactions', 'revenue', 'margin', 'repeat_share', 'equity', 'mean_clv', 'purchase_model', 'gini', 'churn_rate', 'churn_rate_unit', 'customers_at_risk', 'value_at_risk', 'outstanding', 'overdue', 'dso_days', 'collection_rate'],
    [
      doc.meta.asOf, o?.customers, o?.transactions, o?.revenue, o?.margin, o?.repeatShare,
      doc.value?.equity, doc.value ? doc.value.equity / Math.max(1, doc.value.customers.length) : null, doc.value?.purchaseModel.model,
      doc.segment?.concentration.gini, rates?.overall.pooledRate, rates?.unit,
      atRisk?.length, atRisk ? atRisk.reduce((s, a) => s + a.valueAtRisk, 0) : null,
      doc.payments?.totals.outstanding, doc.payments?.totals.overdue, doc.payments?.dso.standard, doc.payments?.totals.collectionRate,
    ],
  ];
}

/**
 * The per-customer scores of a report, one row per customer of the summary after the header: the summary's
 * figures (recency and T named with their unit), R, F, M, segment, ABC class, cluster, P(alive), expected
 * transactions and spend over the valuation's horizon, CLV, life-cycle stage, payment class and
 * outstanding, and as_of; a figure whose section was not computed is empty. Rows are made one at a time (a
 * writer streams them).
 */
export function* customerScoreRows(doc: ReportDocument): Generator<Row> {
  if (!doc.summary) return;
  const summary = doc.summary;
  const n = summary.length;
  const id = fieldReader(summary, 'id');
  // Each section's record of summary customer i, read field by field (no record objects, no maps when the
  // section keeps the summary's order).
  const reader = <T extends object, K extends keyof T>(list: RecordList<T> | undefined, idKey: K) => {
    if (!list) return <F extends keyof T>(_field: F) => (_i: number): T[F] | undefined => undefined;
    const listId = fieldReader(list, idKey) as (i: number) => string | undefined;
    const position = alignRecords(n, (i) => id(i)!, list.length, listId);
    return <F extends keyof T>(field: F) => {
      const get = fieldReader(list, field);
      return position === null ? get : (i: number): T[F] | undefined => (position[i] < 0 ? undefined : get(position[i]));
    };
  };
  const seg = reader(doc.segment?.customers, 'customerId');
  const val = reader(doc.value?.customers, 'customerId');
  const pay = reader(doc.payments?.customers, 'customerId');
  const stg = reader(doc.churn?.lifecycle.customers, 'id');
  const fields = {
    firstDay: fieldReader(summary, 'firstDay'), lastDay: fieldReader(summary, 'lastDay'), transactions: fieldReader(summary, 'transactions'), frequency: fieldReader(summary, 'frequency'),
    recency: fieldReader(summary, 'recency'), T: fieldReader(summary, 'T'), monetaryValue: fieldReader(summary, 'monetaryValue'), revenue: fieldReader(summary, 'revenue'), margin: fieldReader(summary, 'margin'),
    R: seg('R'), F: seg('F'), M: seg('M'), segment: seg('segment'), abc: seg('abc'), cluster: seg('cluster'),
    pAlive: val('pAlive'), expectedTransactions: val('expectedTransactions'), expectedSpend: val('expectedSpend'), clv: val('clv'),
    stage: stg('stage'), paymentClass: pay('class'), outstanding: pay('outstanding'),
  };
  const asOf = doc.meta.asOf;
  const unit = timeUnitSuffix(doc.meta.period);
  yield [
    'customer_id', 'first_purchase', 'last_purchase', 'transactions', 'frequency', `recency_${unit}`, `T_${unit}`, 'monetary_value', 'revenue', 'margin',
    'R', 'F', 'M', 'segment', 'abc', 'cluster', 'p_alive', 'expected_transactions', 'expected_spend', 'clv', 'stage', 'payment_class', 'outstanding', 'as_of',
  ];
  const f = fields;
  for (let i = 0; i < n; i++) {
    yield [
      id(i), dayToIso(f.firstDay(i)!), dayToIso(f.lastDay(i)!), f.transactions(i), f.frequency(i), f.recency(i), f.T(i), f.monetaryValue(i), f.revenue(i), f.margin(i),
      f.R(i), f.F(i), f.M(i), f.segment(i), f.abc(i), f.cluster(i), f.pAlive(i), f.expectedTransactions(i), f.expectedSpend(i), f.clv(i), f.stage(i), f.paymentClass(i), f.outstanding(i), asOf,
    ];
  }
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

/** How numbers are written in the CSV folder: money to `money` decimals, other fractions to 6 significant digits; or in full. */
export type CsvPrecision = { money: number } | 'full';

const PROBABILITY = /(^|_)(share|rate|p|survival|lower|upper|lift|silhouette|gini|probability)(_|$)|^p_|_p_|^mean_p/;
const MONEY = /(^|_)(revenue|margin|monetary|clv|outstanding|overdue|balance|amount|value|spend|cost|contribution|equity|credit|net|invoiced|paid|refunded)(_|$)/;

/** The precision kind of a column, from its name: 'money', or 'number' (probabilities, shares, times, counts). */
export function columnKind(name: string): 'money' | 'number' {
  if (PROBABILITY.test(name)) return 'number';
  return MONEY.test(name) ? 'money' : 'number';
}

/** The table with its numbers rounded for a spreadsheet (integers and text unchanged). */
export function roundTable(rows: Row[], precision: CsvPrecision): Row[] {
  if (precision === 'full' || rows.length === 0) return rows;
  const round = rowRounder(rows[0], precision);
  return rows.map((row, i) => (i === 0 ? row : round(row)));
}

/** A function rounding the rows under `header` as {@link roundTable} does, one row at a time. */
export function rowRounder(header: Row, precision: CsvPrecision): (row: Row) => Row {
  if (precision === 'full') return (row) => row;
  const kinds = header.map((name) => columnKind(String(name)));
  const factor = 10 ** precision.money;
  return (row) =>
    row.map((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || Number.isInteger(v)) return v;
      if (kinds[j] === 'money') return Math.round(v * factor) / factor;
      return Number(v.toPrecision(6));
    });
}
