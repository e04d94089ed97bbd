/**
 * The churn analyses: the retention section of `crm report` ({@link portfolioChurn}) and the whole of
 * `crm churn` ({@link analyseChurn}): cohorts, lifetimes and survival with log-rank, churn rates, the sBG model,
 * life-cycle stages and the at-risk list. One churn window per run for survival, rates and stages.
 */
import { dayToIso, type Day } from '../core/days.js';
import type { CustomerSummary } from '../core/types.js';
import type { HistoryInput, HistoryTable } from '../core/history-table.js';
import type { SalesAccumulator } from '../accumulate/sales.js';
import { historyTable } from '../accumulate/sales.js';
import { compareIds, summarize, type SummaryWindow } from '../accumulate/summary.js';
import { modelInputFromSummaries } from '../accumulate/model-input.js';
import { ModelError } from '../errors.js';
import { periodIndex, periodOfIndex, type CalendarUnit } from '../churn/calendar-period.js';
import { cohortRetention, MISSING_GROUP, type CohortRetention } from '../churn/cohorts.js';
import { contractLifetimes, purchaseLifetimes, resolveChurnWindow, survivalDefinition, type ChurnWindow, type Contract, lifetimeColumns, rowsByGroup, type Lifetime, type LifetimeData, type SurvivalView } from '../churn/lifetimes.js';
import { kaplanMeierColumns, survivalAt, type KaplanMeierCurve } from '../churn/kaplan-meier.js';
import { logRankColumns, type LogRankResult } from '../churn/log-rank.js';
import { churnRates } from '../churn/churn-rate.js';
import { lifecycleStages, type LifecycleResult } from '../churn/lifecycle.js';
import { activeCounts } from '../churn/sbg-counts.js';
import { atRiskList } from '../churn/at-risk.js';
import type { ChurnResult, ChurnRun, ChurnSection, ChurnSurvival } from '../churn/result.js';
import { fitSbg, sbgExpectedResidualLifetime, sbgProjection } from '../models/sbg.js';
import { PURCHASE_MODELS, type PurchaseModelName } from '../models/registry.js';
import type { FittedModel } from '../models/types.js';
import type { PaymentLedger } from '../payments/ledger.js';
import { analysePayments } from '../payments/analyse-payments.js';
import { segmentPortfolio } from '../segment/segment-portfolio.js';
import { DEFAULTS, type ModelChoice } from './settings.js';
import { fitValuationModels } from '../value/fit-valuation.js';
import type { FitParallelSettings } from '../value/fit-parallel.js';
import { trace, type Tracer } from './trace.js';
import type { Lookup } from '../core/types.js';

/** The survival and churn-rate tables of a run, from its lifetimes. */
export function survivalOf(lifetimes: LifetimeData, by: string | undefined, times: readonly number[]): { survival: ChurnSurvival; logRank: LogRankResult | null } {
  // counted by column: no object per customer (a million lifetimes, and copies of them per group)
  const columns = lifetimeColumns(lifetimes);
  const overall = kaplanMeierColumns(columns.duration, columns.churned, null);
  let groups: { group: string; curve: KaplanMeierCurve }[] = [];
  let logRank: LogRankResult | null = null;
  if (by) {
    // the groups in sorted order, a lifetime without a group in MISSING_GROUP
    const { names, rows } = rowsByGroup(columns, MISSING_GROUP);
    groups = names.map((g, k) => ({ group: g, curve: kaplanMeierColumns(columns.duration, columns.churned, rows[k]) }));
    logRank = logRankColumns(names, columns.duration, columns.churned, rows);
  }
  const survival: ChurnSurvival = {
    view: lifetimes.source === 'contracts' ? 'contracts' : (lifetimes.view ?? 'observed'),
    definition: lifetimes.definition ?? survivalDefinition(lifetimes),
    overall,
    groups,
    times: [...times],
    at: [{ group: 'all', points: survivalAt(overall, times as number[]) }, ...groups.map((g) => ({ group: g.group, points: survivalAt(g.curve, times as number[]) }))],
  };
  return { survival, logRank };
}

/** The lifetimes of a result without the per-customer rows, dates as ISO. */
export function lifetimesMeta(l: LifetimeData): ChurnResult['lifetimes'] {
  return { source: l.source, view: l.view ?? null, definition: l.definition, asOf: dayToIso(l.asOf), window: l.window, by: l.by, churned: l.churned, censored: l.censored, reactivated: l.reactivated, excluded: l.excluded };
}

/**
 * The retention section of the report: monthly cohorts, survival of the observed lifetimes (by `by` when
 * given, e.g. the payment class, with the log-rank test), monthly churn rates, life-cycle stages with the
 * valuation's P(alive) when there is one. The at-risk list is added by the report.
 */
export function portfolioChurn(
  all: HistoryInput,
  asOf: Day,
  { by, attributes, pAlive, revenue, tracer }: { by?: string; attributes?: Lookup<Record<string, string>>; pAlive?: Lookup<number>; revenue: Lookup<number>; tracer?: Tracer },
): ChurnResult {
  const cohorts = cohortRetention(all, asOf, { unit: 'month' });
  trace(tracer, 'churn: cohorts');
  // Survival of the observed lifetimes (first to last purchase), as crm churn by default; the churn window
  // chosen here is the one window of every churn analysis (survival, rates, life-cycle stages).
  let lifetimes: LifetimeData | null = purchaseLifetimes(all, asOf, { view: 'observed', by, attributes });
  trace(tracer, 'churn: lifetimes');
  const { survival, logRank } = survivalOf(lifetimes, by, DEFAULTS.survivalTimes);
  trace(tracer, 'churn: survival, log-rank');
  const rates = churnRates(lifetimes, { unit: 'month' });
  trace(tracer, 'churn: rates');
  // the lifetime of every customer is let go before the stages (a million of them are ~200 MB)
  const window = lifetimes.window;
  const meta = lifetimesMeta(lifetimes);
  lifetimes = null;
  // Revenue per customer from the summary (it includes returns booked on days without a purchase).
  const lifecycle = lifecycleStages(all, asOf, { pAlive, rules: { churnWindow: window! }, revenue });
  trace(tracer, 'churn: life-cycle stages');
  return {
    asOf: dayToIso(asOf),
    churnWindow: window,
    cohorts,
    lifetimes: meta,
    survival,
    logRank,
    churnRates: rates,
    sbg: null,
    lifecycle,
    atRisk: null,
  };
}

const UNIT_DAYS: Record<CalendarUnit, number> = { week: 7, month: 365.25 / 12, quarter: 365.25 / 4 };

/** Expected purchases over the next 12 months, as the purchase model gives them (weekly units, P(alive)-weighted). */
const YEAR_WEEKS = 365.25 / 7;

/** The reason of a section that needs the sales. */
export const NEEDS_SALES = 'needs --sales: it is built from the purchase histories';

/** The settings of `crm churn`, resolved (src/cli/commands/churn.ts). */
export interface ChurnSettings {
  /** The at-risk list's candidate purchase fits on two threads (the CLI passes CRM_THREADS); the defaults when absent. */
  fitParallel?: FitParallelSettings;
  /** Cohorts and churn-rate periods. */
  unit: CalendarUnit;
  /** Group by this attribute, with `attributes` holding it. */
  by?: string;
  attributes?: Map<string, Record<string, string>>;
  /** The churn window in days; undefined: the 90th percentile of the gaps between purchases. */
  churnAfter?: number;
  view: SurvivalView;
  times: number[];
  /** sBG: customers active at the start of each period, as given. */
  counts?: number[];
  /** sBG: periods to project. */
  horizon: number;
  /** Life-cycle transitions from this day to as-of. */
  compareAsOf?: Day;
  /** Contract lifetimes (from --start/--end) instead of purchase lifetimes. */
  contracts?: Contract[];
  /** Make the at-risk list (fits the purchase model). */
  atRisk: boolean;
  /** The purchase model of P(alive); auto: the trusted fit of lowest BIC. */
  model: ModelChoice;
  top: number;
}

/** The data `crm churn` reads: any of sales, payments, contracts (in the settings) or counts. */
export interface ChurnData {
  sales?: SalesAccumulator;
  payments?: PaymentLedger;
  window?: SummaryWindow;
}

/** The whole churn analysis of `crm churn` at `asOfDay` (undefined only for sBG from counts alone). */
export function analyseChurn(data: ChurnData, asOfDay: Day | undefined, s: ChurnSettings): ChurnRun {
  const notComputed: Partial<Record<ChurnSection, string>> = {};
  const all = data.sales && asOfDay !== undefined ? historyTable(data.sales, asOfDay, compareIds) : null;
  // One churn window for every analysis of the run (survival, churn rates, life-cycle stages).
  const churnWindow: ChurnWindow | null = all ? resolveChurnWindow(all, asOfDay!, s.churnAfter) : null;

  let cohorts: CohortRetention | null = null;
  if (all) cohorts = cohortRetention(all, asOfDay!, { unit: s.unit, by: s.by, attributes: s.attributes });
  else notComputed.cohorts = NEEDS_SALES;

  let lifetimes: LifetimeData | null = null;
  if (s.contracts) lifetimes = contractLifetimes(s.contracts, asOfDay!, { by: s.by, attributes: s.attributes });
  else if (all) lifetimes = purchaseLifetimes(all, asOfDay!, { window: churnWindow!, view: s.view, by: s.by, attributes: s.attributes });
  else notComputed.survival = 'needs --sales (purchase lifetimes) or --customers with --start/--end (contract lifetimes)';
  const computed = lifetimes ? survivalOf(lifetimes, s.by, s.times) : null;
  const rates = lifetimes ? churnRates(lifetimes, { unit: s.unit }) : null;

  const sbg = sbgSection(lifetimes, s, notComputed);
  const { atRisk, atRiskError, pAlive, summaries, notes } = atRiskSection(data, asOfDay, all, s, notComputed);
  let lifecycle: LifecycleResult | null = null;
  if (all && summaries) {
    lifecycle = lifecycleStages(all, asOfDay!, { compareAsOf: s.compareAsOf, pAlive, rules: { churnWindow: churnWindow! }, revenue: new Map(summaries.map((c) => [c.id, c.revenue])) });
  } else notComputed.lifecycle = NEEDS_SALES;

  return {
    asOf: asOfDay === undefined ? null : dayToIso(asOfDay),
    churnWindow,
    cohorts,
    lifetimes: lifetimes ? lifetimesMeta(lifetimes) : null,
    survival: computed?.survival ?? null,
    logRank: computed?.logRank ?? null,
    churnRates: rates,
    sbg,
    lifecycle,
    atRisk,
    ...(atRiskError === undefined ? {} : { atRiskError }),
    notComputed,
    notes: notes ?? [],
  };
}

/** The sBG model: from the counts given, else (contracts only) the earliest cohort observed for three periods. */
function sbgSection(lifetimes: LifetimeData | null, s: ChurnSettings, notComputed: Partial<Record<ChurnSection, string>>): ChurnResult['sbg'] {
  let sbgCounts = s.counts;
  let sbgSource = 'given with --counts';
  if (!sbgCounts && lifetimes?.source === 'contracts') {
    // sBG is a contractual model: from the data only with observed cancellations (--start/--end).
    // The earliest cohort with at least three observed periods (two transitions to fit two parameters).
    const byCohort = new Map<number, Lifetime[]>();
    for (const l of lifetimes.lifetimes) {
      const k = periodIndex(l.start, s.unit);
      if (!byCohort.has(k)) byCohort.set(k, []);
      byCohort.get(k)!.push(l);
    }
    for (const k of [...byCohort.keys()].sort((a, b) => a - b)) {
      const c = activeCounts(byCohort.get(k)!, UNIT_DAYS[s.unit]);
      if (c.length >= 3 && c[0] >= 10) {
        sbgCounts = c;
        sbgSource = `cohort ${periodOfIndex(k, s.unit).label}, ${s.unit}s since acquisition`;
        break;
      }
    }
  }
  if (!sbgCounts || sbgCounts.length < 2) {
    notComputed.sbg = sbgCounts
      ? '--counts needs at least two periods'
      : s.contracts
        ? 'no cohort of at least 10 contracts observed for three periods'
        : 'the sBG model is contractual: give --counts, or --customers with --start/--end';
    return null;
  }
  // An sBG fit that cannot be trusted (no churn at all, a parameter at its bound) is a reason, not a projection.
  let model: FittedModel | null = null;
  try {
    model = fitSbg(sbgCounts);
    if (model.trusted === false) {
      notComputed.sbg = `the sBG fit cannot be used: ${model.problems.join('; ')}`;
      model = null;
    }
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    notComputed.sbg = err.message;
  }
  if (!model) return null;
  return {
    source: sbgSource,
    counts: sbgCounts,
    model,
    projection: sbgProjection(model.params, sbgCounts, s.horizon),
    expectedResidualPeriods: sbgExpectedResidualLifetime(model.params, sbgCounts.length - 1),
  };
}

/** P(alive) from a purchase model fitted on the summary at as-of (weekly units): the at-risk list and the stages. */
function atRiskSection(
  data: ChurnData,
  asOfDay: Day | undefined,
  all: HistoryTable | null,
  s: ChurnSettings,
  notComputed: Partial<Record<ChurnSection, string>>,
): { atRisk: ChurnResult['atRisk']; atRiskError?: string; pAlive?: Map<string, number>; summaries: CustomerSummary[] | null; notes?: string[] } {
  const summaries = data.sales && data.window ? summarize(data.sales, { ...data.window, period: { name: 'week', days: 7 } }).customers : null;
  if (!summaries) {
    notComputed.atRisk = NEEDS_SALES;
    return { atRisk: null, summaries };
  }
  if (!s.atRisk) return { atRisk: null, summaries };
  const input = modelInputFromSummaries(summaries);
  let pAlive: Map<string, number> | undefined;
  try {
    // The purchase model as every valuation chooses it (the settings' model; auto: the trusted fit of lowest BIC).
    const models = fitValuationModels(input, { model: s.model, fitSpend: false, parallel: s.fitParallel });
    const fitted = models.purchase;
    const model = PURCHASE_MODELS[fitted.model as PurchaseModelName];
    pAlive = new Map(summaries.map((c) => [c.id, model.probabilityAlive(fitted.params, c.frequency, c.recency, c.T)]));
    const byId = new Map(summaries.map((c) => [c.id, c]));
    const expectedPurchases = { get: (id: string): number | undefined => {
      const c = byId.get(id);
      return c ? model.expectedTransactions(fitted.params, YEAR_WEEKS, c.frequency, c.recency, c.T) : undefined;
    } };
    const segments = new Map(segmentPortfolio(summaries, { asOf: asOfDay!, clusters: false }).customers.map((c) => [c.customerId, c.segment]));
    const paymentClasses = data.payments ? new Map(analysePayments(data.payments, asOfDay!).customers.map((c) => [c.customerId, c.class as string])) : undefined;
    const rows = atRiskList(summaries, { asOf: asOfDay!, pAlive, expectedPurchases, horizon: '12 months', segments, paymentClasses, histories: { get: (id: string) => all!.at(all!.indexIn(id, compareIds)) }, top: s.top });
    return { atRisk: { model: fitted, rows }, pAlive, summaries, notes: models.notes };
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    return { atRisk: null, atRiskError: err.message + (err.hint ? ` (hint: ${err.hint})` : ''), pAlive, summaries };
  }
}
