/** The purchase models by name, behind one interface, for the commands that fit and use them. */
import type { FitOptions } from './fit-common.js';
import type { FittedModel, RfmData } from './types.js';
import * as bgnbd from './bg-nbd.js';
import * as mbgnbd from './mbg-nbd.js';
import * as paretonbd from './pareto-nbd.js';

export type PurchaseModelName = 'bgnbd' | 'paretonbd' | 'mbgnbd';
export const PURCHASE_MODEL_NAMES: PurchaseModelName[] = ['bgnbd', 'paretonbd', 'mbgnbd'];

type Params = Readonly<Record<string, number>>;

export interface PurchaseModel {
  name: PurchaseModelName;
  title: string;
  parameterNames: readonly string[];
  fit(data: RfmData, options?: FitOptions): FittedModel;
  logLikelihood(params: Params, data: RfmData): number;
  probabilityAlive(params: Params, frequency: number, recency: number, T: number): number;
  expectedTransactions(params: Params, t: number, frequency: number, recency: number, T: number): number;
  /**
   * expectedTransactions at each of `times` into `out`, the same values to the last bit, with the work that
   * does not depend on t done once per call; `numerators` (NaN until filled) carries the part that depends
   * on (t, frequency, T) only between customers that share frequency and T (BG/NBD and MBG/NBD).
   */
  expectedTransactionsSteps(params: Params, times: ArrayLike<number>, frequency: number, recency: number, T: number, out: Float64Array, numerators?: Float64Array): void;
  expectedTransactionsNew(params: Params, t: number): number;
  /** P(at least one purchase in (T, T + t]) for a customer with history (frequency, recency, T). */
  probabilityPurchaseWithin(params: Params, t: number, frequency: number, recency: number, T: number): number;
  /** P(alive at T + t). */
  probabilityAliveAfter(params: Params, t: number, frequency: number, recency: number, T: number): number;
  /** Median time to the next purchase if alive at T, in model periods (Infinity when less likely than not). */
  medianTimeToPurchase(params: Params, frequency: number, recency: number, T: number): number;
}

export const PURCHASE_MODELS: Record<PurchaseModelName, PurchaseModel> = {
  bgnbd: { name: 'bgnbd', title: 'BG/NBD (Fader, Hardie & Lee 2005)', ...bgnbd },
  paretonbd: { name: 'paretonbd', title: 'Pareto/NBD (Schmittlein, Morrison & Colombo 1987)', ...paretonbd },
  mbgnbd: { name: 'mbgnbd', title: 'MBG/NBD (Batislam, Denizel & Filiztekin 2007)', ...mbgnbd },
};

/**
 * A copy of a model's parameters with the dropout made proportionally lower by `factor` (< 1 = fewer
 * dropouts): BG/NBD and MBG/NBD scale a (the mean dropout probability a/(a+b) falls by about the factor when
 * a is small relative to b); Pareto/NBD scales beta up by 1/factor (the mean dropout rate s/beta falls by
 * exactly the factor).
 */
export function withLowerDropout(model: PurchaseModelName, params: Params, factor: number): Record<string, number> {
  if (model === 'paretonbd') return { ...params, beta: params.beta / factor };
  return { ...params, a: params.a * factor };
}
