/**
 * `crm report`: the whole analysis in one run (each input read once): data accounting, overview, segments,
 * concentration, value, churn, payments, at-risk; as a terminal report, one JSON document, a folder of CSVs
 * or a self-contained HTML file.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { dayToIso, type Day } from '../../core/days.js';
import type { CustomerHistory, CustomerSummary } from '../../core/types.js';
import type { ValueResult } from '../../value/types.js';
import { compareIds, summarize } from '../../accumulate/summary.js';
import { histories } from '../../accumulate/sales.js';
import { modelInputFromSummaries } from '../../accumulate/model-input.js';
import { CrmError, ModelError, StrictError, UsageError } from '../../errors.js';
import { segmentPortfolio } from '../../segment/segment-portfolio.js';
import { analysePayments } from '../../payments/analyse-payments.js';
import { cohortRetention } from '../../churn/cohorts.js';
import { purchaseLifetimes } from '../../churn/lifetimes.js';
import { kaplanMeier, survivalAt } from '../../churn/kaplan-meier.js';
import { logRankTest } from '../../churn/log-rank.js';
import { churnRates } from '../../churn/churn-rate.js';
import { lifecycleStages } from '../../churn/lifecycle.js';
import { atRiskList } from '../../churn/at-risk.js';
import { PURCHASE_MODEL_NAMES, type PurchaseModelName } from '../../models/registry.js';
import type { FittedModel } from '../../models/types.js';
import { valuePortfolio } from '../../value/value.js';
import { fitValuationModels } from '../../value/fit-valuation.js';
import { jsonDocument, SCHEMA_VERSION, SECTION_NAMES, SECTION_TITLES, strictProblems, type ReportDocument, type SectionName } from '../../report/document.js';
import { renderHtml } from '../../report/html.js';
import { csvLine, type CsvValue } from '../../report/csv.js';
import { count, fixed, jsonReplacer, percent } from '../../report/format.js';
import { folderOutput } from '../../report/output.js';
import { writeJson } from '../../report/json-stream.js';
import { painter } from '../../report/table.js';
import { accountLines, describeAccount, excludeRows, inputsMeta, readInputs } from '../inputs.js';
import type { Io } from '../io.js';
import { addInputOptions, addWindowOptions, resolveOptions, useColor } from '../options.js';
import { refuseInputOverwrite, withOutput } from '../output.js';
import { VERSION } from '../version.js';
import { trace } from '../trace.js';
import { renderSegment } from './segment.js';
import { renderValue } from './value.js';
import { renderAtRisk, renderChurn, type ChurnResult } from './churn.js';
import { renderPayments } from './payments.js';
import { kpiCsvRows, profitabilityCsvRows, renderKpi, renderProfitability, reportKpis } from './kpi.js';
import { runCampaigns } from './campaign.js';
import { runProfitability } from '../../performance/profitability.js';

const DAY_KEYS = new Set(['start', 'end', 'asOf', 'lastPurchase', 'fromAsOf', 'toAsOf', 'windowStart', 'windowEnd', 'firstDay', 'lastDay', 'invoiceDate', 'dueDate']);

/** JSON replacer of the report: day numbers under date keys as ISO dates, numbers cleaned, non-finite as null. */
export function reportReplacer(key: string, value: unknown): unknown {
  if (DAY_KEYS.has(key) && typeof value === 'number' && Number.isInteger(value)) return dayToIso(value);
  return jsonReplacer(key, value);
}

/**
 * The valuation of the report (and of `crm profile`): weekly model input, the models from
 * {@link fitValuationModels} (`--model`, or `defaultModel`; auto = the trusted fit of lowest BIC; an
 * untrusted purchase model refuses the valuation; an untrusted or unusable Gamma-Gamma model is replaced by
 * each customer's observed mean repeat spend), 12 monthly steps at the annual discount rate, margin from
 * --margin or the sales' cost. Null, with the reason as a "warning: no valuation: ..." note, when no
 * purchase model can be used.
 */
export function reportValuation(
  weekly: CustomerSummary[],
  asOf: Day,
  options: Record<string, unknown>,
  segments: Map<string, string>,
  notes: string[],
  { defaultModel, collectionRates }: { defaultModel: string; collectionRates?: Map<string, number> },
): ValueResult | null {
  const input = modelInputFromSummaries(weekly);
  trace('valuation: model input');
  try {
    const choice = String(options.model ?? defaultModel);
    const models = fitValuationModels(input, { model: choice === 'auto' ? 'auto' : (choice as PurchaseModelName), fitSpend: options.spendModel !== false });
    trace(`valuation: fit ${choice} and spend`);
    notes.push(...models.notes);
    const purchase: FittedModel = models.purchase;
    const marginShare = options.margin !== undefined
      ? Number(options.margin)
      : input.margin && input.revenue ? input.margin.reduce((a, b) => a + b, 0) / Math.max(1e-9, input.revenue.reduce((a, b) => a + b, 0)) : 1;
    const value = valuePortfolio(input, {
      asOf: dayToIso(asOf),
      period: { name: 'week', days: 7 },
      purchaseModel: purchase,
      spendModel: models.spend,
      spendMethod: models.spendMethod,
      spendFallbackReason: models.spendFallbackReason,
      horizonSteps: 12,
      stepDays: 365.25 / 12,
      stepName: 'month',
      annualDiscountRate: options.discountRate !== undefined ? Number(options.discountRate) : 0.1,
      margin: { share: marginShare, source: options.margin !== undefined ? '--margin' : input.margin ? 'the sales (total margin / total revenue)' : 'none: CLV in revenue' },
      segments,
      collectionRates,
    });
    for (const warning of value.warnings) notes.push(`warning: value: ${warning}`);
    return value;
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    notes.push(`warning: no valuation: ${err.message}`);
    return null;
  }
}

/** The history of `id` in `all` (ordered by compareIds, as histories() gives them) by binary search. */
function historyById(all: readonly CustomerHistory[], id: string): CustomerHistory | undefined {
  let lo = 0;
  let hi = all.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareIds(all[mid].id, id);
    if (c === 0) return all[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Builds the whole report document from the inputs. */
export async function buildReport(cmd: Command, options: Record<string, unknown>, config: Record<string, unknown>, io: Io): Promise<{ doc: ReportDocument; notes: string[] }> {
  const { data, window } = await readInputs(cmd, options, config, io, { sales: 'required', customers: 'optional', payments: 'optional', costs: 'optional', contacts: 'optional' }, { holdout: false });
  trace('read inputs');
  const notes = accountLines(data);
  const accounted = data.accounts.length;
  const w = window!;
  const asOf = w.asOf;
  const sales = data.sales!;
  const { customers: summaries } = summarize(sales, w);
  trace('summary');
  // Each section is computed on its own: one that fails (a model that cannot be fitted, data it cannot use)
  // keeps its reason in `errors` and the others go on.
  const errors: ReportDocument['errors'] = {};
  const section = <T>(name: SectionName, compute: () => T): T | null => {
    try {
      return compute();
    } catch (err) {
      if (!(err instanceof CrmError) || err instanceof UsageError) throw err;
      errors[name] = err.message + (err.hint ? ` (hint: ${err.hint})` : '');
      return null;
    }
  };
  const segment = section('segment', () => segmentPortfolio(summaries, { asOf, attributes: data.customers, clusters: { seed: 1 } }));
  for (const warning of segment?.warnings ?? []) notes.push(`warning: segment: ${warning}`);
  const segments = new Map(segment?.customers.map((c) => [c.customerId, c.segment]) ?? []);
  trace('segment');
  const payments = data.payments ? section('payments', () => analysePayments(data.payments!, asOf)) : null;
  // Invoices dated after the as-of day are left out of the analysis: the row account says so.
  if (payments) {
    excludeRows(data, 'payments', payments.account.excluded);
    notes.splice(0, accounted, ...accountLines(data).slice(0, accounted));
  }
  // The payment rows are not needed after the analysis: let them go before the valuation (4.5M rows of a
  // 1M-customer ledger are about 380 MB of heap that the fits would otherwise work beside).
  data.payments = undefined;
  trace('payments');
  const paymentClasses = payments ? new Map(payments.customers.map((c) => [c.customerId, c.class as string])) : undefined;

  // Valuation: models in weekly units, chosen by BIC unless given.
  const collectionRates = payments ? new Map(payments.customers.map((c) => [c.customerId, c.collectionRate ?? 1])) : undefined;
  const valuationNotes: string[] = [];
  const value = section('value', () => reportValuation(summarize(sales, { ...w, period: { name: 'week', days: 7 } }).customers, asOf, options, segments, valuationNotes, { defaultModel: 'auto', collectionRates }));
  // reportValuation answers null with its reason as a "no valuation" note: that reason is the section's error.
  for (const note of valuationNotes) {
    const failed = /^warning: no valuation: (.*)$/s.exec(note);
    if (failed && value === null) errors.value ??= failed[1];
    else notes.push(note);
  }
  if (value === null) errors.value ??= 'no purchase model could be fitted to these data';
  trace('valuation');
  const purchase = value?.purchaseModel ?? null;
  const pAlive = value ? new Map(value.customers.map((c) => [c.customerId, c.pAlive])) : undefined;

  // Churn: cohorts, survival (by payment class when the payments are there), rates, stages. The purchase
  // histories are made here, after the valuation, so that they do not weigh on its heap.
  const all = histories(sales, asOf, compareIds);
  trace('histories');
  // Survival by payment class: one shared { payment_class } record per class, not a copy per customer.
  const classRecords = new Map<string, Record<string, string>>();
  const classRecord = (cls: string): Record<string, string> => {
    let record = classRecords.get(cls);
    if (!record) classRecords.set(cls, (record = { payment_class: cls }));
    return record;
  };
  const attributes = paymentClasses ? new Map([...paymentClasses].map(([id, cls]) => [id, classRecord(cls)])) : data.customers;
  const by = paymentClasses ? 'payment_class' : undefined;
  const churn = section('churn', (): ChurnResult => {
    const cohorts = cohortRetention(all, asOf, { unit: 'month' });
    trace('churn: cohorts');
    // Survival of the observed lifetimes (first to last purchase), as crm churn by default; the churn window
    // chosen here is the one window of every churn analysis (survival, rates, life-cycle stages).
    const lifetimes = purchaseLifetimes(all, asOf, { view: 'observed', by, attributes });
    trace('churn: lifetimes');
    const overall = kaplanMeier(lifetimes.lifetimes);
    const groupNames = by ? [...new Set(lifetimes.lifetimes.map((l) => l.group ?? '(missing)'))].sort() : [];
    const groups = groupNames.map((g) => ({ group: g, curve: kaplanMeier(lifetimes.lifetimes.filter((l) => (l.group ?? '(missing)') === g)) }));
    const times = [30, 90, 180, 365];
    const survival = { view: lifetimes.view ?? 'observed', definition: lifetimes.definition, overall, groups, times, at: [{ group: 'all', points: survivalAt(overall, times) }, ...groups.map((g) => ({ group: g.group, points: survivalAt(g.curve, times) }))] };
    const logRank = by ? logRankTest(lifetimes.lifetimes.map((l) => ({ ...l, group: l.group ?? '(missing)' }))) : null;
    trace('churn: survival, log-rank');
    const rates = churnRates(lifetimes, { unit: 'month' });
    trace('churn: rates');
    // Revenue per customer from the summary (it includes returns booked on days without a purchase).
    const lifecycle = lifecycleStages(all, asOf, { pAlive, rules: { churnWindow: lifetimes.window! }, revenue: new Map(summaries.map((s) => [s.id, s.revenue])) });
    trace('churn: life-cycle stages');
    const result: ChurnResult = {
      asOf: dayToIso(asOf),
      churnWindow: lifetimes.window,
      cohorts,
      lifetimes: { source: lifetimes.source, view: lifetimes.view, definition: lifetimes.definition, asOf: dayToIso(lifetimes.asOf), window: lifetimes.window, by: lifetimes.by, churned: lifetimes.churned, censored: lifetimes.censored, reactivated: lifetimes.reactivated, excluded: lifetimes.excluded },
      survival,
      logRank,
      churnRates: rates,
      sbg: null,
      lifecycle,
      atRisk: null,
    };
    return result;
  });
  // At risk: 0.1 <= P(alive) < 0.5, ranked by P(alive) x expected 12-month revenue if retained (src/churn/at-risk.ts),
  // with the valuation's expected transactions over its 12-month horizon.
  const expectedPurchases = value ? new Map(value.customers.map((c) => [c.customerId, c.expectedTransactions])) : undefined;
  const atRisk = pAlive && purchase
    ? section('atRisk', () => atRiskList(summaries, { asOf, pAlive, expectedPurchases, horizon: '12 months', segments, paymentClasses, histories: { get: (id: string) => historyById(all, id) }, top: options.top !== undefined ? Number(options.top) : 20 }))
    : null;
  if (!value) errors.atRisk ??= `it ranks customers by the valuation's P(alive), which was not computed (${errors.value})`;
  trace('churn: at-risk');
  if (atRisk && purchase && churn) churn.atRisk = { model: purchase, rows: atRisk };
  const kpi = section('kpi', () => reportKpis(sales, asOf, all, churn?.churnWindow));
  trace('kpi');
  const profitability = section('profitability', () => runProfitability({ asOf, summaries, valuation: value, payments, costs: data.costs, marginShare: options.margin !== undefined ? Number(options.margin) : undefined }));
  if (profitability) {
    // Cost events after the as-of day (the last sale date without --as-of) are left out: the row account says so.
    excludeRows(data, 'costs', profitability.costAccount.excluded);
    notes.splice(0, accounted, ...accountLines(data).slice(0, accounted));
  }

  // Campaigns (--contacts): contacts the analysis leaves out (after as-of, the other group) are excluded in the account.
  const campaigns = data.contacts ? section('campaigns', () => runCampaigns(data, asOf, options, notes)) : null;
  if (campaigns) {
    excludeRows(data, 'contacts', campaigns.account.excluded);
    notes.splice(0, accounted, ...accountLines(data).slice(0, accounted));
    notes.push(...campaigns.warnings.map((w) => `warning: campaigns: ${w}`));
  }

  let transactions = 0;
  let revenue = 0;
  let margin: number | null = null;
  let repeat = 0;
  for (const s of summaries) {
    transactions += s.transactions;
    revenue += s.revenue;
    if (s.margin !== null) margin = (margin ?? 0) + s.margin;
    if (s.frequency > 0) repeat++;
  }
  const meta = inputsMeta(data);
  const doc: ReportDocument = {
    schemaVersion: SCHEMA_VERSION,
    meta: {
      tool: 'crm',
      version: VERSION,
      asOf: dayToIso(asOf),
      period: w.period,
      inputs: meta.inputs as unknown[],
      unknownCustomers: meta.unknownCustomers,
      dateRange: { first: dayToIso(sales.minDay), last: dayToIso(sales.maxDay) },
    },
    overview: {
      customers: summaries.length,
      transactions,
      revenue,
      margin,
      repeatShare: summaries.length ? repeat / summaries.length : 0,
      firstPurchase: dayToIso(sales.minDay),
      lastPurchase: dayToIso(sales.maxDay),
    },
    summary: summaries,
    segment,
    value,
    churn,
    payments,
    atRisk,
    kpi,
    profitability,
    campaigns,
    notes: notes.slice(accounted),
    errors,
  };
  return { doc, notes };
}

type Row = CsvValue[];

/** The report's tables as CSV files: name → rows (header first). */
export function reportTables(doc: ReportDocument): Record<string, Row[]> {
  const tables: Record<string, Row[]> = {};
  const seg = new Map(doc.segment?.customers.map((c) => [c.customerId, c]) ?? []);
  const val = new Map(doc.value?.customers.map((c) => [c.customerId, c]) ?? []);
  const pay = new Map(doc.payments?.customers.map((c) => [c.customerId, c]) ?? []);
  if (doc.summary) {
    const rows: Row[] = [['customer_id', 'first_purchase', 'last_purchase', 'transactions', 'frequency', 'recency_days', 'T_days', 'monetary_value', 'revenue', 'margin', 'R', 'F', 'M', 'segment', 'abc', 'cluster', 'p_alive', 'clv', 'payment_class', 'outstanding']];
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

/** The terminal report: every section, readable at 100 columns. */
export function renderReport(doc: ReportDocument, color: boolean): string {
  const paint = painter(color);
  const h = (title: string): string => `\n${paint.bold.underline(title)}\n\n`;
  let out = `${paint.bold(`crm report as of ${doc.meta.asOf}`)} (data ${doc.meta.dateRange?.first} to ${doc.meta.dateRange?.last})\n`;
  out += h('Data accounting');
  for (const a of doc.meta.inputs as Parameters<typeof describeAccount>[0][]) out += `${a.kind} ${a.file}: ${describeAccount(a)}\n`;
  if (doc.overview) {
    const o = doc.overview;
    out += h('Portfolio overview');
    out += `${count(o.customers)} customers, ${count(o.transactions)} transactions, revenue ${fixed(o.revenue)}${o.margin !== null ? `, margin ${fixed(o.margin)}` : ''}; ${percent(o.repeatShare)} bought more than once\n`;
  }
  const failed = (name: SectionName): string => `${paint.red('Not computed')}: ${doc.errors[name]}\n`;
  if (doc.segment) out += h('Segments, R x F grid, concentration, clusters') + renderSegment(doc.segment, color, { compact: true });
  else if (doc.errors.segment) out += h('Segments, R x F grid, concentration, clusters') + failed('segment');
  if (doc.value) out += h('Customer value and equity') + renderValue(doc.value, 10, color, { compact: true });
  else if (doc.errors.value) out += h('Customer value and equity') + failed('value');
  if (doc.churn) out += h('Retention and survival') + renderChurn({ ...doc.churn, atRisk: null }, color);
  else if (doc.errors.churn) out += h('Retention and survival') + failed('churn');
  if (doc.payments) out += h('Payments and ageing') + renderPayments(doc.payments, color);
  else if (doc.errors.payments) out += h('Payments and ageing') + failed('payments');
  if (doc.atRisk && doc.churn?.atRisk) out += h('At risk') + renderAtRisk(doc.atRisk, doc.churn.atRisk.model.model, color);
  else if (doc.errors.atRisk) out += h('At risk') + failed('atRisk');
  if (doc.kpi) out += h('KPIs over time') + renderKpi(doc.kpi, color, false, undefined, { compact: true });
  else if (doc.errors.kpi) out += h('KPIs over time') + failed('kpi');
  if (doc.profitability) out += h('Profitability and cost-to-serve') + renderProfitability(doc.profitability, color);
  else if (doc.errors.profitability) out += h('Profitability and cost-to-serve') + failed('profitability');
  if (doc.notes.length > 0) out += h('Notes') + doc.notes.map((n) => `${n}\n`).join('');
  return out.split('\n').map((line) => wrapProse(line, 100)).join('\n');
}

/** Wraps a prose line (not a table row) at `width` columns on spaces. */
function wrapProse(line: string, width: number): string {
  if ([...line].length <= width || /^[│┌└├]/.test(line)) return line;
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && [...current].length + 1 + [...word].length > width) {
      out.push(current);
      current = `  ${word}`;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') out.push(current);
  return out.join('\n');
}

export function registerReport(program: Command, io: Io): void {
  const cmd = program
    .command('report')
    .description('the whole analysis in one run: terminal report, one JSON document, a folder of CSVs, or a self-contained HTML file')
    .addOption(new Option('-f, --format <format>', 'table (default on a terminal), json, csv (with --output-dir) or html').choices(['table', 'json', 'csv', 'html']))
    .option('-o, --output <file>', 'write the report here (atomically)')
    .option('--output-dir <dir>', 'csv: the folder for one CSV per table')
    .option('--dated', 'name the output files by the as-of date (report-YYYY-MM-DD.html, customers-YYYY-MM-DD.csv, ...)')
    .option('--no-formula-safe', 'csv: do not neutralise cells that begin with = + - @ (formula injection)')
    .addOption(new Option('--model <model>', 'purchase model (default auto: lowest BIC)').choices([...PURCHASE_MODEL_NAMES, 'auto']))
    .option('--margin <share>', 'contribution margin as a share of spend (default: from cost in the sales)')
    .option('--discount-rate <rate>', 'annual discount rate (default 0.1)')
    .option('--top <n>', 'customers in the at-risk list (default 20)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('-q, --quiet', 'print nothing on success')
    .option('--strict', 'exit 1 (after writing the report) when a section could not be computed or a warning was raised');
  addInputOptions(cmd, ['customers', 'sales', 'payments', 'costs', 'contacts']);
  addWindowOptions(cmd, { holdout: false });
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = (options.format as string | undefined) ?? (options.outputDir !== undefined ? 'csv' : options.output !== undefined && String(options.output).endsWith('.html') ? 'html' : options.output !== undefined && String(options.output).endsWith('.json') ? 'json' : io.stdout.isTTY ? 'table' : 'json');
    if (format === 'csv' && options.outputDir === undefined) throw new UsageError('--format csv writes one file per table: give --output-dir DIR');
    const { doc, notes } = await buildReport(cmd, options, config, io);
    const dated = (name: string, ext: string): string => (options.dated ? `${name}-${doc.meta.asOf}.${ext}` : `${name}.${ext}`);
    if (format === 'csv') {
      // The folder is written as a whole: a temporary folder beside it, renamed into place when every file
      // was written (src/report/output.ts, docs/reliability.md); never over one of the inputs.
      const dir = String(options.outputDir);
      const tables = reportTables(doc);
      const names = [...Object.keys(tables).map((name) => dated(name, 'csv')), dated('notes', 'txt')];
      for (const name of names) refuseInputOverwrite(join(dir, name), '--output-dir');
      const folder = folderOutput(dir);
      try {
        for (const [name, rows] of Object.entries(tables)) {
          const sink = folder.file(dated(name, 'csv'));
          for (const row of rows) await sink.write(csvLine(row, options.formulaSafe !== false));
        }
        await folder.file(dated('notes', 'txt')).write(reportNotesText(doc));
      } catch (err) {
        await folder.abort();
        throw err;
      }
      await folder.close();
    } else {
      let output = options.output as string | undefined;
      if (output !== undefined && options.dated) output = output.replace(/(\.[^./]+)?$/, (ext) => `-${doc.meta.asOf}${ext}`);
      await withOutput(output, io, async (sink) => {
        if (format === 'json') await writeJson(sink, jsonDocument(doc), reportReplacer);
        else if (format === 'html') await sink.write(renderHtml(doc));
        else await sink.write(renderReport(doc, useColor(options, io)));
      });
    }
    // The terminal report on stdout already shows the accounting, the notes and the reasons: not again on stderr.
    const onScreen = format === 'table' && (options.output === undefined || options.output === '-');
    if (!options.quiet && !onScreen) {
      for (const n of notes) io.stderr.write(`crm: ${n}\n`);
      for (const name of SECTION_NAMES) if (doc.errors[name] !== undefined) io.stderr.write(`crm: warning: ${SECTION_TITLES[name]} not computed: ${doc.errors[name]}\n`);
    }
    if (options.strict) {
      const problems = strictProblems(doc);
      if (problems.length > 0) {
        throw new StrictError(`--strict: the report is incomplete or has warnings (${problems.length}): ${problems.join('; ')}`);
      }
    }
  });
}
