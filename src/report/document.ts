/**
 * The whole report as one JSON document (`crm report --format json`), and the input of the HTML and CSV
 * writers. Each section is present only when its input was given. Day numbers inside sections are
 * written as ISO dates in JSON.
 */
import type { CustomerSummary } from '../core/types.js';
import type { SegmentPortfolioResult } from '../segment/segment-portfolio.js';
import type { ValueResult } from '../value/types.js';
import type { ChurnResult } from '../cli/commands/churn.js';
import type { PaymentsAnalysis } from '../payments/analyse-payments.js';

export const SCHEMA_VERSION = 1;

export interface AtRiskRow {
  customerId: string;
  pAlive: number;
  /** Past revenue or CLV, whichever the list was ranked by. */
  value: number;
  valueAtRisk: number;
  daysSinceLast: number;
  /** Median days between this customer's purchases; null with fewer than two purchases. */
  usualGap: number | null;
  segment: string | null;
  paymentClass: string | null;
}

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
  summary: CustomerSummary[] | null;
  segment: SegmentPortfolioResult | null;
  value: ValueResult | null;
  churn: ChurnResult | null;
  payments: PaymentsAnalysis | null;
  atRisk: AtRiskRow[] | null;
}
