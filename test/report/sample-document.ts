/**
 * A realistic ReportDocument for the report tests, built from the fixtures (customers, sales, payments) by
 * the real pure analyses, composed as the commands compose them: ingest, summary (weeks), segment portfolio,
 * BG/NBD + Gamma-Gamma valuation (`crm value`), churn with the at-risk list (`crm churn`), payments. One
 * customer named `<script>alert(1)</script>` is added to the value customers and the at-risk list to test
 * the escaping.
 */
import { PassThrough } from 'node:stream';
import { compareIds, summarize, type SummaryWindow } from '../../src/accumulate/summary.js';
import { histories } from '../../src/accumulate/sales.js';
import { cohortRetention } from '../../src/churn/cohorts.js';
import { churnRates } from '../../src/churn/churn-rate.js';
import { kaplanMeier, survivalAt } from '../../src/churn/kaplan-meier.js';
import { lifecycleStages } from '../../src/churn/lifecycle.js';
import { purchaseLifetimes } from '../../src/churn/lifetimes.js';
import { logRankTest } from '../../src/churn/log-rank.js';
import type { ChurnResult } from '../../src/cli/commands/churn.js';
import { dayToIso, type Day } from '../../src/core/days.js';
import { loadInputs } from '../../src/ingest/load.js';
import { DEFAULT_INGEST } from '../../src/ingest/table.js';
import { modelInputFromSummaries } from '../../src/accumulate/model-input.js';
import { atRiskList } from '../../src/churn/at-risk.js';
import type { CustomerHistory } from '../../src/core/types.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import * as gammagamma from '../../src/models/gamma-gamma.js';
import type { FittedModel } from '../../src/models/types.js';
import { analysePayments } from '../../src/payments/analyse-payments.js';
import { SCHEMA_VERSION, type AtRiskRow, type ReportDocument } from '../../src/report/document.js';
import { segmentPortfolio } from '../../src/segment/segment-portfolio.js';
import type { ValueResult } from '../../src/value/types.js';
import { valuePortfolio } from '../../src/value/value.js';
import { fixture } from '../helpers/data.js';

/** The customer whose id must come out escaped. */
export const HOSTILE_ID = '<script>alert(1)</script>';

/** The report document of the fixtures at their last sales day, with every section present. */
export async function sampleDocument(): Promise<ReportDocument> {
  const stdin = new PassThrough();
  stdin.end();
  const data = await loadInputs(
    {
      customers: fixture('customers.csv'),
      sales: fixture('sales.csv'),
      payments: fixture('payments.csv'),
      ingest: { customers: DEFAULT_INGEST, sales: DEFAULT_INGEST, payments: DEFAULT_INGEST, summary: DEFAULT_INGEST },
      window: {},
      unknown: 'keep',
    },
    { stdin },
  );
  const sales = data.sales!;
  const asOf: Day = sales.maxDay;
  const period = { name: 'week', days: 7 };
  const window: SummaryWindow = { asOf, calibrationEnd: asOf, holdout: false, period };
  const { customers: summaries } = summarize(sales, window);
  const all = histories(sales, asOf, compareIds);

  const segment = segmentPortfolio(summaries, { asOf, attributes: data.customers, clusters: { seed: 1 } });
  const segmentOf = new Map(segment.customers.map((c) => [c.customerId, c.segment]));
  const payments = analysePayments(data.payments!, asOf, { group: segmentOf, groupName: 'segment' });
  const value = valuation(sales, summaries, all, segmentOf, asOf);

  const pAlive = new Map(value.customers.map((c) => [c.customerId, c.pAlive]));
  const paymentClasses = new Map(payments.customers.map((c) => [c.customerId, c.class as string]));
  const atRiskRows = atRiskList(summaries, { asOf, pAlive, segments: segmentOf, paymentClasses, histories: new Map(all.map((h) => [h.id, h])), top: 20 });
  const churn = churnResult(all, asOf, data.customers!, pAlive, { model: value.purchaseModel, rows: atRiskRows });

  // The hostile name, as a customer of the value table and the first row of the at-risk list.
  value.customers.push({
    customerId: HOSTILE_ID,
    frequency: 3,
    recency: 30,
    T: 90,
    pAlive: 0.12,
    expectedTransactions: 0.2,
    expectedSpend: 250,
    margin: value.margin.share,
    clv: 119.94,
    pastRevenue: 999.5,
    segment: 'At Risk',
    baselineClv: null,
  });
  const atRisk: AtRiskRow[] = [{ customerId: HOSTILE_ID, pAlive: 0.12, value: 999.5, valueAtRisk: 879.56, daysSinceLast: 400, usualGap: 30, segment: 'At Risk', paymentClass: 'late' }, ...atRiskRows];

  const revenue = summaries.reduce((s, c) => s + c.revenue, 0);
  const margin = sales.hasMargin ? summaries.reduce((s, c) => s + (c.margin ?? 0), 0) : null;
  const first = Math.min(...summaries.map((c) => c.firstDay));
  const last = Math.max(...summaries.map((c) => c.lastDay));
  return {
    schemaVersion: SCHEMA_VERSION,
    meta: {
      tool: 'crm',
      version: '0.1.0',
      asOf: dayToIso(asOf),
      period,
      inputs: data.accounts,
      unknownCustomers: { ...(data.unknownSales ? { sales: data.unknownSales } : {}), ...(data.unknownPayments ? { payments: data.unknownPayments } : {}) },
      dateRange: { first: dayToIso(sales.minDay), last: dayToIso(sales.maxDay) },
    },
    overview: {
      customers: summaries.length,
      transactions: summaries.reduce((s, c) => s + c.transactions, 0),
      revenue,
      margin,
      repeatShare: summaries.filter((c) => c.frequency > 0).length / summaries.length,
      firstPurchase: dayToIso(first),
      lastPurchase: dayToIso(last),
    },
    summary: summaries,
    segment,
    value,
    churn,
    payments,
    atRisk,
    notes: [`warning: value: a note that names ${HOSTILE_ID}`],
    errors: {},
  };
}

/** The churn result as src/cli/commands/churn.ts composes it (purchase lifetimes by region, monthly cohorts). */
function churnResult(
  all: CustomerHistory[],
  asOf: Day,
  attributes: Map<string, Record<string, string>>,
  pAlive: Map<string, number>,
  atRisk: ChurnResult['atRisk'],
): ChurnResult {
  const unit = 'month';
  const by = 'region';
  const times = [30, 90, 180, 365];
  const cohorts = cohortRetention(all, asOf, { unit });
  const lifetimes = purchaseLifetimes(all, asOf, { by, attributes });
  const overall = kaplanMeier(lifetimes.lifetimes);
  const groupNames = [...new Set(lifetimes.lifetimes.map((l) => l.group ?? '(missing)'))].sort();
  const groups = groupNames.map((g) => ({ group: g, curve: kaplanMeier(lifetimes.lifetimes.filter((l) => (l.group ?? '(missing)') === g)) }));
  const logRank = logRankTest(lifetimes.lifetimes.map((l) => ({ ...l, group: l.group ?? '(missing)' })));
  return {
    asOf: dayToIso(asOf),
    cohorts,
    lifetimes: {
      source: lifetimes.source,
      asOf: dayToIso(lifetimes.asOf),
      window: lifetimes.window,
      by: lifetimes.by,
      churned: lifetimes.churned,
      censored: lifetimes.censored,
      reactivated: lifetimes.reactivated,
      excluded: lifetimes.excluded,
    },
    survival: {
      overall,
      groups,
      times,
      at: [{ group: 'all', points: survivalAt(overall, times) }, ...groups.map((g) => ({ group: g.group, points: survivalAt(g.curve, times) }))],
    },
    logRank,
    churnRates: churnRates(lifetimes, { unit }),
    sbg: null,
    lifecycle: lifecycleStages(all, asOf, { pAlive }),
    atRisk,
  };
}

/**
 * The valuation as `crm value` composes it with its defaults: BG/NBD and Gamma-Gamma fitted on the weekly
 * summary, 12 monthly steps at 10% a year, the sales' margin share, segments now and a year earlier.
 */
function valuation(
  sales: Parameters<typeof histories>[0],
  summaries: Parameters<typeof modelInputFromSummaries>[0],
  all: CustomerHistory[],
  segments: Map<string, string>,
  asOf: Day,
): ValueResult {
  const input = modelInputFromSummaries(summaries);
  const purchaseModel: FittedModel = bgnbd.fit({ frequency: input.frequency, recency: input.recency, T: input.T });
  const repeat = summaries.filter((c) => c.frequency > 0);
  const spendModel = gammagamma.fit({ frequency: repeat.map((c) => c.frequency), monetaryValue: repeat.map((c) => c.monetaryValue) });
  const revenue = input.revenue!.reduce((s, v) => s + v, 0);
  const margin = input.margin ? input.margin.reduce((s, v) => s + v, 0) : revenue;
  const earlier = asOf - 365;
  const past = summarize(sales, { asOf: earlier, calibrationEnd: earlier, holdout: false, period: { name: 'week', days: 7 } }).customers;
  return valuePortfolio(input, {
    asOf: dayToIso(asOf),
    period: { name: 'week', days: 7 },
    purchaseModel,
    spendModel: spendModel.params.q > 1 ? spendModel : null,
    horizonSteps: 12,
    stepDays: 365.25 / 12,
    stepName: 'month',
    annualDiscountRate: 0.1,
    margin: { share: revenue > 0 ? margin / revenue : 1, source: 'the sales (total margin / total revenue)' },
    segments,
    histories: all,
    earlierSegments: new Map(segmentPortfolio(past, { asOf: earlier, clusters: false }).customers.map((c) => [c.customerId, c.segment])),
    asOfDay: asOf,
  });
}
