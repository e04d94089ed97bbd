/**
 * The typed settings of the analyses, with every default in one place. The CLI turns flags and the config file
 * into these objects (src/cli/settings.ts); the library takes them as they are. A setting left out takes the
 * default below, so the same setting means the same thing in every command and in the library.
 */
import type { PurchaseModelName } from '../models/registry.js';

/** A purchase model by name, or `auto`: the trusted fit of lowest BIC. */
export type ModelChoice = PurchaseModelName | 'auto';

/** Where a margin share came from, as written beside the CLV (e.g. "--margin" from the CLI, "given" in the library). */
export interface GivenShare {
  share: number;
  source: string;
}

/** How customers are valued (crm report, crm profile; crm value adds its horizon and what-if settings). */
export interface ValuationSettings {
  /** The purchase model (default {@link DEFAULTS}.model). */
  model: ModelChoice;
  /** Fit Gamma-Gamma for the spend; false: each customer's observed mean repeat spend. */
  fitSpend: boolean;
  /** The contribution margin as a share of spend; undefined: from the sales' cost (total margin / total revenue), else 1. */
  margin?: GivenShare;
  /** Annual discount rate of the NPV. */
  annualDiscountRate: number;
}

/** The settings of the whole report (crm report). */
export interface ReportSettings {
  valuation: ValuationSettings;
  /** Customers in the at-risk list. */
  top: number;
  /** The k-means seed of the clusters. */
  clusterSeed: number;
  /** The margin share of the campaign ROI when the sales have no cost or margin column (unchecked otherwise). */
  campaignMargin?: GivenShare;
}

/** The defaults of every analysis setting. */
export const DEFAULTS = {
  model: 'auto' as ModelChoice,
  fitSpend: true,
  annualDiscountRate: 0.1,
  top: 20,
  clusterSeed: 1,
  /** The report's valuation horizon: 12 monthly steps. */
  horizonSteps: 12,
  horizonUnit: 'month',
  /** Survival is reported at these days. */
  survivalTimes: [30, 90, 180, 365] as readonly number[],
} as const;

/** The valuation settings with every default filled in. */
export function valuationSettings(given: Partial<ValuationSettings> = {}): ValuationSettings {
  return {
    model: given.model ?? DEFAULTS.model,
    fitSpend: given.fitSpend ?? DEFAULTS.fitSpend,
    ...(given.margin !== undefined ? { margin: given.margin } : {}),
    annualDiscountRate: given.annualDiscountRate ?? DEFAULTS.annualDiscountRate,
  };
}

/** The report settings with every default filled in. */
export function reportSettings(given: Partial<Omit<ReportSettings, 'valuation'>> & { valuation?: Partial<ValuationSettings> } = {}): ReportSettings {
  return {
    valuation: valuationSettings(given.valuation),
    top: given.top ?? DEFAULTS.top,
    clusterSeed: given.clusterSeed ?? DEFAULTS.clusterSeed,
    ...(given.campaignMargin !== undefined ? { campaignMargin: given.campaignMargin } : {}),
  };
}
