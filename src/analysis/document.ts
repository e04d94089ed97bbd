/**
 * The result of the whole analysis (`analyseReport` in report.ts): the report as one JSON document (`crm report --format json`), and the input of the HTML and CSV
 * writers. A section is null when its input was not given (payments without --payments); a section that
 * could not be computed is null here with its reason in `errors`, and is written as `{ "error": reason }`
 * in JSON ({@link jsonDocument}), as a "not computed" paragraph in the terminal and HTML reports, and in the
 * CSV folder's notes.txt. Day numbers inside sections are written as ISO dates in JSON.
 */
import type { CustomerSummary } from '../core/types.js';
import type { SegmentPortfolioResult } from '../segment/segment-portfolio.js';
import type { ValueResult } from '../value/types.js';
import type { AtRiskRow } from '../churn/at-risk.js';
import type { ChurnResult } from '../churn/result.js';
import type { PaymentsAnalysis } from '../payments/analyse-payments.js';
import type { KpiResult } from '../performance/kpi.js';
import type { ProfitabilityResult } from '../performance/profitability.js';
import type { CampaignAnalysis } from '../marketing/campaign.js';
import type { LifecycleResult } from '../churn/lifecycle.js';
import type { RecordList, WithRecords } from '../core/record-columns.js';

/** The churn section as the report keeps it: the life-cycle stages of every customer stored by column. */
export type ReportChurn = Omit<ChurnResult, 'lifecycle'> & { lifecycle: WithRecords<LifecycleResult, 'customers'> };

export const SCHEMA_VERSION = 3;

/** The sections of the report that can fail on their own while the others are still computed. */
export const SECTION_NAMES = ['segment', 'value', 'churn', 'payments', 'atRisk', 'kpi', 'profitability', 'campaigns'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** Human names of the sections, for messages. */
export const SECTION_TITLES: Record<SectionName, string> = {
  segment: 'segments',
  value: 'customer value',
  churn: 'retention and churn',
  payments: 'payments',
  atRisk: 'at-risk list',
  kpi: 'KPIs over time',
  profitability: 'profitability and cost-to-serve',
  campaigns: 'campaigns',
};

export type { AtRiskRow } from '../churn/at-risk.js';

export interface ReportDocument {
  schemaVersion: number;
  meta: {
    tool: string;
    version: string;
    asOf: string;
    period: { name: string; days: number };
    inputs: unknown[];
    unknownCustomers: unknown;
    dateRange: { first: string; last: string } | null;
  };
  overview: {
    customers: number;
    transactions: number;
    revenue: number;
    margin: number | null;
    repeatShare: number;
    firstPurchase: string | null;
    lastPurchase: string | null;
  } | null;
  summary: RecordList<CustomerSummary> | null;
  segment: WithRecords<SegmentPortfolioResult, 'customers'> | null;
  value: WithRecords<ValueResult, 'customers'> | null;
  churn: ReportChurn | null;
  payments: WithRecords<PaymentsAnalysis, 'customers'> | null;
  atRisk: AtRiskRow[] | null;
  /** The monthly KPI scorecard (docs/kpi.md); absent in documents of older runs. */
  kpi?: KpiResult | null;
  /** Customer profitability and the worth-keeping quadrants (docs/profitability.md); absent in older documents. */
  profitability?: WithRecords<ProfitabilityResult, 'customers'> | null;
  /** Campaign response and lift with --contacts (docs/campaign.md); absent in older documents. */
  campaigns?: CampaignAnalysis | null;
  /** Warnings and notes of the run (fits, fallbacks, excluded customers, unknown customers), in order. */
  notes: string[];
  /** The reason of every section that could not be computed (its value above is null). */
  errors: Partial<Record<SectionName, string>>;
}
