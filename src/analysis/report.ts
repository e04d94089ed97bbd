/**
 * The whole analysis of `crm report` in one pass over inputs read once: overview, segments, payments,
 * valuation, churn, at-risk, KPIs, profitability and campaigns. Each section is computed on its own: one that
 * fails (a model that cannot be fitted, data it cannot use) keeps its reason in `errors` and the others go on.
 * The order matters for memory: the payment rows are let go before the valuation, the purchase histories are
 * made after it.
 */
import { dayToIso } from '../core/days.js';
import type { CustomerSummary } from '../core/types.js';
import { compareIds, summarizeColumns, type SummaryWindow } from '../accumulate/summary.js';
import { historyTable } from '../accumulate/sales.js';
import { CrmError, UsageError } from '../errors.js';
import type { LoadedData } from '../ingest/load.js';
import { segmentPortfolio } from '../segment/segment-portfolio.js';
import { analysePaymentsAhead, type PaymentsParallelSettings } from '../payments/payments-parallel.js';
import { atRiskList } from '../churn/at-risk.js';
import { runProfitability } from '../performance/profitability.js';
import { excludeRows, unknownCustomers, unknownCustomerWarnings } from './accounting.js';
import { reportCampaigns } from './campaigns.js';
import { portfolioChurn } from './churn.js';
import { SCHEMA_VERSION, type ReportDocument, type SectionName } from './document.js';
import { reportKpis } from './kpi.js';
import type { ReportSettings } from './settings.js';
import { trace, type Tracer } from './trace.js';
import type { FitParallelSettings } from '../value/fit-parallel.js';
import { lookupOf } from './lookup.js';
import { recordColumns, type RecordList, type WithRecords } from '../core/record-columns.js';
import { valuationSection, WEEK } from './valuation.js';
import { modelInputInPeriod } from '../accumulate/model-input.js';

/** What the report says about the tool that made it. */
export interface ToolInfo {
  name: string;
  version: string;
}

/** `result` with its per-customer records stored by column (src/core/record-columns.ts); null stays null. */
function withColumns<S extends { customers: RecordList<object> }>(result: S): WithRecords<S, 'customers'>;
function withColumns<S extends { customers: RecordList<object> }>(result: S | null): WithRecords<S, 'customers'> | null;
function withColumns<S extends { customers: RecordList<object> }>(result: S | null): WithRecords<S, 'customers'> | null {
  return result && ({ ...result, customers: recordColumns(result.customers) } as WithRecords<S, 'customers'>);
}

/** The overview: customers, transactions, revenue, margin and the share who bought more than once. */
export function overviewSection(summaries: RecordList<CustomerSummary>, first: number, last: number): NonNullable<ReportDocument['overview']> {
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
  return {
    customers: summaries.length,
    transactions,
    revenue,
    margin,
    repeatShare: summaries.length ? repeat / summaries.length : 0,
    firstPurchase: dayToIso(first),
    lastPurchase: dayToIso(last),
  };
}

/**
 * The report document of `data` (sales required; customers, payments, costs, contacts optional) in `window`.
 * The row accounts of `data` are updated with the rows the analyses leave out (invoices, costs and contacts
 * after as-of, ...); `data.payments` is released after the payments section.
 *
 * @throws {UsageError} only for settings that cannot be used; a section's own failure is its `errors` entry
 */
export function analyseReport(
  data: LoadedData,
  window: SummaryWindow,
  settings: ReportSettings,
  {
    tool,
    tracer,
    fitParallel,
    paymentsParallel,
  }: {
    tool: ToolInfo;
    tracer?: Tracer;
    /** The valuation's candidate fits on two threads (the CLI passes CRM_THREADS). */
    fitParallel?: FitParallelSettings;
    /** The payments analysis on a second thread beside the summary and segments (the CLI passes CRM_THREADS). */
    paymentsParallel?: PaymentsParallelSettings;
  },
): ReportDocument {
  if (!data.sales) throw new UsageError('the report needs the sales');
  // The payments are analysed on a second thread while this one summarises and segments the sales.
  let paymentsAhead = data.payments ? analysePaymentsAhead(data.payments, window.asOf, {}, paymentsParallel) : null;
  const notes: string[] = unknownCustomerWarnings(data);
  const asOf = window.asOf;
  const sales = data.sales;
  // the summary stored by column as it is made (a million summaries as objects were about 180 MB)
  const summaries = summarizeColumns(sales, window).customers;
  trace(tracer, 'summary');
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
  // Every per-customer list is stored by column once its section is done (src/core/record-columns.ts): a
  // million customers' records as objects took about 1 KB each.
  const segment = withColumns(section('segment', () => segmentPortfolio(summaries, { asOf, attributes: data.customers, clusters: { seed: settings.clusterSeed } })));
  for (const warning of segment?.warnings ?? []) notes.push(`warning: segment: ${warning}`);
  const segments = segment ? lookupOf(sales, segment.customers, 'customerId', 'segment') : new Map<string, string>();
  trace(tracer, 'segment');
  const payments = withColumns(paymentsAhead ? section('payments', () => paymentsAhead!.result()) : null);
  paymentsAhead = null;
  // Invoices dated after the as-of day are left out of the analysis: the row account says so.
  if (payments) excludeRows(data, 'payments', payments.account.excluded);
  // The payment rows are not needed after the analysis: let them go before the valuation (4.5M rows of a
  // 1M-customer ledger are about 380 MB of heap that the fits would otherwise work beside).
  data.payments = undefined;
  trace(tracer, 'payments');
  const paymentClasses = payments ? lookupOf(sales, payments.customers, 'customerId', 'class') : undefined;

  // Valuation: models in weekly units, chosen by BIC unless given.
  const rates = payments ? lookupOf(sales, payments.customers, 'customerId', 'collectionRate') : undefined;
  // a customer without a known rate (nothing due yet) keeps the whole CLV
  const collectionRates = rates && {
    get(id: string): number | undefined {
      const rate = rates.get(id);
      return rate === undefined ? undefined : (rate ?? 1);
    },
  };
  const valuation = section('value', () => valuationSection(modelInputInPeriod(summaries, window, WEEK), asOf, settings.valuation, { segments, collectionRates, tracer, fitParallel }));
  if (valuation) notes.push(...valuation.notes);
  if (valuation && valuation.value === null) errors.value ??= valuation.reason;
  const value = withColumns(valuation?.value ?? null);
  // the records as objects are let go (the valuation keeps nothing else the report needs)
  if (valuation) valuation.value = null;
  if (value === null) errors.value ??= 'no purchase model could be fitted to these data';
  trace(tracer, 'valuation');
  const purchase = value?.purchaseModel ?? null;
  const pAlive = value ? lookupOf(sales, value.customers, 'customerId', 'pAlive') : undefined;

  // Churn: cohorts, survival (by payment class when the payments are there), rates, stages. The purchase
  // histories are made here, after the valuation, so that they do not weigh on its heap.
  const all = historyTable(sales, asOf, compareIds);
  trace(tracer, 'histories');
  // Survival by payment class: one shared { payment_class } record per class, not a copy per customer.
  const classRecords = new Map<string, Record<string, string>>();
  const classRecord = (cls: string): Record<string, string> => {
    let record = classRecords.get(cls);
    if (!record) classRecords.set(cls, (record = { payment_class: cls }));
    return record;
  };
  const attributes = paymentClasses
    ? {
        get(id: string): Record<string, string> | undefined {
          const cls = paymentClasses.get(id);
          return cls === undefined ? undefined : classRecord(cls);
        },
      }
    : data.customers;
  const by = paymentClasses ? 'payment_class' : undefined;
  const churn = ((result) => result && { ...result, lifecycle: withColumns(result.lifecycle) })(section('churn', () => portfolioChurn(all, asOf, { by, attributes, pAlive, revenue: lookupOf(sales, summaries, 'id', 'revenue'), tracer })));
  // At risk: 0.1 <= P(alive) < 0.5, ranked by P(alive) x expected 12-month revenue if retained (src/churn/at-risk.ts),
  // with the valuation's expected transactions over its 12-month horizon.
  const expectedPurchases = value ? lookupOf(sales, value.customers, 'customerId', 'expectedTransactions') : undefined;
  const atRisk = pAlive && purchase
    ? section('atRisk', () => atRiskList(summaries, { asOf, pAlive, expectedPurchases, horizon: '12 months', segments, paymentClasses, histories: { get: (id: string) => all.at(all.indexIn(id, compareIds)) }, top: settings.top }))
    : null;
  if (!value) errors.atRisk ??= `it ranks customers by the valuation's P(alive), which was not computed (${errors.value})`;
  trace(tracer, 'churn: at-risk');
  if (atRisk && purchase && churn) churn.atRisk = { model: purchase, rows: atRisk };
  const kpi = section('kpi', () => reportKpis(sales, asOf, all, churn?.churnWindow));
  trace(tracer, 'kpi');
  const profitability = withColumns(section('profitability', () => runProfitability({ asOf, summaries, valuation: value, payments, costs: data.costs, marginShare: settings.valuation.margin?.share })));
  // Cost events after the as-of day (the last sale date without --as-of) are left out: the row account says so.
  if (profitability) excludeRows(data, 'costs', profitability.costAccount.excluded);
  trace(tracer, 'profitability');

  // Campaigns: contacts the analysis leaves out (after as-of, the other group) are excluded in the account.
  const campaigns = data.contacts ? section('campaigns', () => reportCampaigns(data, asOf, settings.campaignMargin, notes)) : null;
  if (campaigns) {
    excludeRows(data, 'contacts', campaigns.account.excluded);
    notes.push(...campaigns.warnings.map((w) => `warning: campaigns: ${w}`));
  }

  return {
    schemaVersion: SCHEMA_VERSION,
    meta: {
      tool: tool.name,
      version: tool.version,
      asOf: dayToIso(asOf),
      period: window.period,
      inputs: data.accounts,
      unknownCustomers: unknownCustomers(data),
      dateRange: { first: dayToIso(sales.minDay), last: dayToIso(sales.maxDay) },
    },
    overview: overviewSection(summaries, sales.minDay, sales.maxDay),
    summary: summaries,
    segment,
    value,
    churn,
    payments,
    atRisk,
    kpi,
    profitability,
    campaigns,
    notes,
    errors,
  };
}
