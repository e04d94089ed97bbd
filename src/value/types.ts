/** The result of `crm value`: per-customer CLV from a fitted purchase model and spend model, and the portfolio. */
import type { RecordList } from '../core/record-columns.js';
import type { FittedModel } from '../models/types.js';

export interface CustomerValue {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  /** Probability that the customer is still active (purchase model). */
  pAlive: number;
  /** Expected transactions over the horizon (undiscounted). */
  expectedTransactions: number;
  /** Expected value of a transaction (Gamma-Gamma conditional mean, or the portfolio mean). */
  expectedSpend: number;
  /** Margin share applied to spend. */
  margin: number;
  /** Discounted expected contribution over the horizon. */
  clv: number;
  /** Observed revenue in the calibration window, when known. */
  pastRevenue: number | null;
  /** RFM segment, when computed. */
  segment: string | null;
  /** Baseline CLV from the retention formula m·r/(1+d−r), by segment. */
  baselineClv: number | null;
  /** Pareto/NBD only: discounted expected residual transactions over an infinite horizon, and its value. */
  dert?: number;
  clvInfinite?: number;
  /**
   * Intervals from parameter uncertainty (`ValueOptions.interval`; docs/value.md, "Intervals"): the central
   * interval of the given level of each prediction; null when not available for this customer.
   */
  pAliveLow?: number | null;
  pAliveHigh?: number | null;
  expectedTransactionsLow?: number | null;
  expectedTransactionsHigh?: number | null;
  expectedSpendLow?: number | null;
  expectedSpendHigh?: number | null;
  clvLow?: number | null;
  clvHigh?: number | null;
  /** Median days to the next purchase if alive at as-of (null when the customer is more likely to die first). */
  medianDaysToPurchase?: number | null;
  /** P(at least one purchase within each of `ValueResult.shortHorizon.withinDays`). */
  purchaseWithin?: number[];
  /** P(alive) at each of `ValueResult.shortHorizon.aliveAtDays` days after as-of. */
  aliveAt?: number[];
}

export interface ValueDecile {
  decile: number;
  customers: number;
  clv: number;
  shareOfEquity: number;
  minClv: number;
  maxClv: number;
}

export interface SegmentValue {
  segment: string;
  customers: number;
  clv: number;
  shareOfEquity: number;
  meanClv: number;
  meanPAlive: number;
  /** Baseline retention r and margin per period m of the segment, and the formula CLV. */
  retention: number | null;
  marginPerPeriod: number | null;
  baselineClv: number | null;
}

export interface ValueResult {
  asOf: string;
  period: { name: string; days: number };
  purchaseModel: FittedModel;
  spendModel: FittedModel | null;
  /**
   * How spend per transaction was valued: the Gamma-Gamma model, each customer's observed mean repeat
   * spend (the fallback when the spend model is not trusted or not usable: `fallbackReason`), or the
   * portfolio's mean repeat spend (`--no-spend-model`); `populationMean` is the value given to customers
   * without a usable own mean under a fallback (null with the Gamma-Gamma model).
   */
  spend?: { method: 'gammagamma' | 'observed-mean' | 'portfolio-mean'; fallbackReason: string | null; populationMean: number | null };
  horizon: { periods: number; unit: string; steps: number };
  discount: { annualRate: number; perStep: number; formula: string };
  /** Margin share used: from --margin, or from the sales (margin / revenue), or 1. */
  margin: { share: number; source: string };
  equity: number;
  /** Equity after discounting by observed collection rates (`--collected`), when asked. */
  collected: { equity: number; removed: number } | null;
  deciles: ValueDecile[];
  segments: SegmentValue[];
  whatIf: { retentionUplift: number; baselineEquity: number; baselineEquityAfter: number; modelEquityAfter: number | null } | null;
  customers: RecordList<CustomerValue>;
  warnings: string[];
  /**
   * The intervals' settings and the portfolio's: equity and mean CLV (quantiles of the per-draw sums), when
   * intervals were asked for; `available` false (with the reason in `warnings`) when the purchase model has
   * no covariance.
   */
  intervals?: {
    level: number;
    available: boolean;
    method: string;
    draws: number;
    seed: number;
    /** Whether the spend model's parameter uncertainty is included (Gamma-Gamma with a covariance). */
    spendUncertainty: boolean;
    equity: [number, number] | null;
    meanClv: [number, number] | null;
  };
  /**
   * A customer who makes a first purchase at as-of: the repeat purchases expected over the horizon (the
   * model's E[X(t)] from the prior, as for a customer with T = 0), the population's mean spend per purchase,
   * and the CLV of those repeat purchases (the first purchase itself not included).
   */
  newCustomer?: { expectedTransactions: number; expectedSpend: number; clv: number };
  /** The short-horizon scores computed: windows and future dates in days after as-of. */
  shortHorizon?: { withinDays: number[]; aliveAtDays: number[] };
}
