/**
 * Per-customer scores from a saved purchase model (BG/NBD or MBG/NBD) and optionally a Gamma-Gamma spend
 * model, one customer at a time, so a summary of any length can be scored as a stream: P(alive), expected
 * purchases over the horizon, the probability of at least one purchase within 30 and 90 days, expected spend
 * and CLV. CLV is the formula of `crm value` (src/value/clv.ts: discountedTransactions, spendOf), called,
 * not copied. Pure: no I/O.
 */
import { UsageError } from '../errors.js';
import { PURCHASE_MODELS, type PurchaseModel } from '../models/registry.js';
import type { FittedModel } from '../models/types.js';
import { discountedTransactions, spendOf, stepRate, type ClvSettings } from '../value/clv.js';

/** The purchase models with closed-form short-horizon probabilities here. */
export const SCORE_MODELS = ['bgnbd', 'mbgnbd'] as const;
export type ScoreModelName = (typeof SCORE_MODELS)[number];

type Params = Readonly<Record<string, number>>;

/**
 * Probability that a customer with history (x, tₓ, T) makes at least one purchase in (T, T + t], t in model
 * periods, for BG/NBD and MBG/NBD:
 *
 *   P(X(T, T + t) > 0 | x, tₓ, T) = P(alive | x, tₓ, T) · (1 − ((α + T)/(α + T + t))^(r + x)).
 *
 * Given alive at T, λ | x, T ~ Gamma(r + x, α + T), and no dropout can come before the next purchase (in
 * both models a customer drops out only right after a purchase, or at time 0 in MBG/NBD), so the customer
 * buys in (T, T + t] exactly when the Poisson process has an event there: 1 − E[e^(−λt)]. Computed as
 * −expm1(−(r + x)·log1p(t/(α + T))) to keep precision for small t.
 */
export function probabilityOfPurchaseWithin(model: ScoreModelName, params: Params, t: number, frequency: number, recency: number, T: number): number {
  if (!(t >= 0)) throw new UsageError(`the window must be >= 0 periods, not ${t}`);
  const pAlive = PURCHASE_MODELS[model].probabilityAlive(params, frequency, recency, T);
  const buys = -Math.expm1(-(params.r + frequency) * Math.log1p(t / (params.alpha + T)));
  return pAlive * buys;
}

export interface ScoreSettings {
  purchaseModel: FittedModel;
  /** Gamma-Gamma; null = each customer's own monetary value (mean repeat spend) is the expected spend. */
  spendModel: FittedModel | null;
  /** The period of the model and of the summary, in days. */
  periodDays: number;
  /** CLV and expected purchases horizon, as in `crm value`: steps of stepDays days. */
  horizonSteps: number;
  stepDays: number;
  annualDiscountRate: number;
  /** Contribution margin as a share of spend. */
  marginShare: number;
  /** Windows of the purchase probabilities, in days (30 and 90). */
  windowsDays?: number[];
}

export interface SummaryInput {
  id: string;
  frequency: number;
  recency: number;
  T: number;
  /** Mean repeat spend (monetary_value); 0 when unknown. */
  monetary: number;
}

export interface CustomerScore {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  pAlive: number;
  expectedPurchases: number;
  /** One per window of settings.windowsDays. */
  pPurchase: number[];
  expectedSpend: number;
  clv: number;
}

/**
 * Distinct (frequency, recency, T) per generation of the cache of model figures: two generations (the
 * current one and the one before, whose hits are carried over) keep the frequent tuples, such as the
 * one-time buyers', and at most 2 × 30,000 entries (about 15 MB).
 */
const CACHE_GENERATION = 30_000;

type Figures = { pAlive: number; discounted: number; total: number; p: number[] };

/**
 * A scoring function for one customer at a time. Model figures depend on the customer only through
 * (frequency, recency, T): they are cached (bounded, cleared when full).
 * @throws UsageError for a model without closed forms here (Pareto/NBD, BG/BB) or a bad setting
 */
export function createScorer(settings: ScoreSettings): (row: SummaryInput) => CustomerScore {
  const name = settings.purchaseModel.model;
  if (name === 'paretonbd') throw new UsageError('crm score: Pareto/NBD is not supported yet (its P(purchase within t) has no closed form here)', { hint: 'crm fit --model bgnbd or mbgnbd --save, or crm value for Pareto/NBD' });
  if (!(SCORE_MODELS as readonly string[]).includes(name)) throw new UsageError(`crm score needs a BG/NBD or MBG/NBD purchase model, not ${name}`);
  const modelName = name as ScoreModelName;
  const model: PurchaseModel = PURCHASE_MODELS[modelName];
  const params = settings.purchaseModel.params;
  const clv: ClvSettings = {
    steps: settings.horizonSteps,
    stepPeriods: settings.stepDays / settings.periodDays,
    stepRate: stepRate(settings.annualDiscountRate, settings.stepDays),
  };
  const windows = (settings.windowsDays ?? [30, 90]).map((d) => d / settings.periodDays);
  let cache = new Map<string, Figures>();
  let previous = new Map<string, Figures>();
  return (row) => {
    const { frequency: f, recency: r, T } = row;
    const key = `${f} ${r} ${T}`;
    let figures = cache.get(key);
    if (figures === undefined) figures = previous.get(key);
    if (figures === undefined) {
      const d = discountedTransactions(model, params, clv, f, r, T);
      figures = {
        pAlive: model.probabilityAlive(params, f, r, T),
        discounted: d.discounted,
        total: d.total,
        p: windows.map((t) => probabilityOfPurchaseWithin(modelName, params, t, f, r, T)),
      };
    }
    if (cache.size >= CACHE_GENERATION) {
      previous = cache;
      cache = new Map();
    }
    if (!cache.has(key)) cache.set(key, figures);
    const spend = settings.spendModel ? spendOf(settings.spendModel, 0, f, row.monetary) : row.monetary;
    return {
      customerId: row.id,
      frequency: f,
      recency: r,
      T,
      pAlive: figures.pAlive,
      expectedPurchases: figures.total,
      pPurchase: figures.p,
      expectedSpend: spend,
      clv: figures.discounted * spend * settings.marginShare,
    };
  };
}
