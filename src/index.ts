/**
 * `crm` as a library: the analyses of the command line as functions, without printing, exiting or reading
 * the environment. Read inputs ({@link readInputFiles}), summarise them per customer ({@link summarize}),
 * then segment, fit and value, analyse churn and payments; every result is plain data. See docs/library.md.
 *
 * Errors are typed ({@link CrmError} and its kinds); an {@link InputError} names file, line and column.
 */

// Errors
export { CrmError, InputError, ModelError, OutputError, renderSettings, setting, StrictError, UsageError, type InputPosition, type SettingKey } from './errors.js';

// Days
export { dayFromYmd, dayToIso, dayToYmd, type Day } from './core/days.js';
export type { CustomerHistory, CustomerSummary, PeriodUnit } from './core/types.js';
export type { Lookup } from './core/types.js';
export { fieldReader, recordColumns, type RecordList, type WithRecords } from './core/record-columns.js';

// Ingest
export { ingestDefaults, readInputFiles, type ReadInputsOptions } from './ingest/read.js';
export { loadInputs, type LoadedData, type LoadRequest, type UnknownCustomers, type UnknownPolicy } from './ingest/load.js';
export type { IngestOptions, RejectSink, RowAccount } from './ingest/table.js';
export { createDateParser } from './ingest/dates.js';
export type { InputKind, ColumnMap } from './ingest/schema.js';

// Per-customer state and summaries
export { compareIds, histories, historyTable, SalesAccumulator } from './accumulate/sales.js';
export { HistoryTable, type HistoryInput } from './core/history-table.js';
export { parsePeriod, summarize, type SummaryWindow } from './accumulate/summary.js';
export { modelInputFromSummaries, type ModelInput } from './accumulate/model-input.js';

// Portfolio analysis
export * from './segment/index.js';

// Models and valuation
export { PURCHASE_MODEL_NAMES, PURCHASE_MODELS, type PurchaseModel, type PurchaseModelName } from './models/registry.js';
export type { FittedModel, ModelName } from './models/types.js';
export * as gammaGamma from './models/gamma-gamma.js';
export * as bgbb from './models/bg-bb.js';
export * as sbg from './models/sbg.js';
export { fitPurchaseModels, fitSpendModel, fitValuationModels, type ValuationModelOptions, type ValuationModels } from './value/fit-valuation.js';
export type { FitParallelSettings } from './value/fit-parallel.js';
export { valuePortfolio, type ValueOptions } from './value/value.js';
export type { ValueResult } from './value/types.js';
export { tracking, validatePurchases, validateSpend } from './value/validate.js';

// Churn and retention
export { cohortRetention, type CohortRetention } from './churn/cohorts.js';
export { contractLifetimes, purchaseLifetimes, resolveChurnWindow, type ChurnWindow, type Contract, type LifetimeData } from './churn/lifetimes.js';
export { kaplanMeier, kaplanMeierColumns, survivalAt, type KaplanMeierCurve } from './churn/kaplan-meier.js';
export { logRankColumns, logRankTest, type LogRankResult } from './churn/log-rank.js';
export { churnRates, type ChurnRates } from './churn/churn-rate.js';
export { lifecycleStages, type LifecycleResult } from './churn/lifecycle.js';
export { atRiskList, type AtRiskRow } from './churn/at-risk.js';
export type { ChurnResult } from './churn/result.js';

// Payments
export { analysePayments, type PaymentsAnalysis, type PaymentsOptions } from './payments/analyse-payments.js';

// Outputs
export { csvLine } from './report/csv/line.js';
export { renderHtml, type HtmlOptions } from './report/html/index.js';
export type { ReportDocument } from './report/document.js';
export { summarySql, SQL_DIALECTS, type SqlDialect, type SummarySqlOptions } from './sql/summary-sql.js';
