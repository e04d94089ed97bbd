/**
 * The model-fitting step of a valuation, shared by `crm value`, `crm report`, `crm profile` and
 * `crm validate`: the purchase model(s) (one named, or all of them with the trusted fit of lowest BIC), the
 * Gamma-Gamma spend model with its fallback, and the notes to show. Pure: no printing, no process or
 * environment; errors are ModelErrors with the reason.
 *
 * The rules (docs/value.md, "When a model cannot be trusted"):
 * - a purchase model that is not trusted (FittedModel.trusted: not converged, a parameter at a bound, a flat
 *   optimum, out of time) is never used: the valuation is refused with a ModelError giving the reasons;
 * - `auto` considers only trusted fits and reports the others as dropped, with why;
 * - a spend model that is not trusted, or not usable (q <= 1: infinite mean spend; no repeat customer with
 *   a positive mean spend), is replaced by each customer's observed mean repeat spend (the mean of those
 *   over the repeat customers for customers without a repeat purchase), with a warning saying so.
 */
import type { ModelInput } from '../accumulate/model-input.js';
import { ModelError } from '../errors.js';
import { UNTRUSTED_ADVICE, type FitOptions } from '../models/fit-common.js';
import * as gammagamma from '../models/gamma-gamma.js';
import { PURCHASE_MODEL_NAMES, type PurchaseModelName } from '../models/registry.js';
import type { FittedModel } from '../models/types.js';
import { fitCandidates, type FitParallelSettings } from './fit-parallel.js';

/** How a valuation turns expected transactions into money (see docs/value.md). */
export type SpendMethod = 'gammagamma' | 'observed-mean' | 'portfolio-mean';

/** The data of the purchase models. */
export type PurchaseInput = Pick<ModelInput, 'ids' | 'frequency' | 'recency' | 'T'>;
/** The data of the spend model. */
export type SpendInput = Pick<ModelInput, 'ids' | 'frequency' | 'monetaryValue'>;

/** The Gamma-Gamma data: customers with at least one repeat purchase and a positive mean repeat spend. */
export function spendData(input: SpendInput): { frequency: number[]; monetaryValue: number[]; ids: string[]; excluded: number } {
  const frequency: number[] = [];
  const monetaryValue: number[] = [];
  const ids: string[] = [];
  let excluded = 0;
  for (let i = 0; i < input.ids.length; i++) {
    if (input.frequency[i] > 0) {
      // Returns can exceed a customer's repeat purchases: a mean spend <= 0 has no Gamma-Gamma likelihood.
      if (!(input.monetaryValue[i] > 0)) {
        excluded++;
        continue;
      }
      frequency.push(input.frequency[i]);
      monetaryValue.push(input.monetaryValue[i]);
      ids.push(input.ids[i]);
    }
  }
  return { frequency, monetaryValue, ids, excluded };
}

/** The note on the repeat customers left out of the Gamma-Gamma fit, or null when none was. */
export function spendExclusionNote(data: { excluded: number; frequency: readonly number[] }): string | null {
  if (data.excluded === 0 || data.frequency.length === 0) return null;
  return `note: gammagamma: ${data.excluded} of ${data.excluded + data.frequency.length} repeat customers have a mean repeat spend <= 0 (returns exceeding purchases) and are left out of the spend fit; their expected spend is the population mean`;
}

/**
 * Fits the Gamma-Gamma model to the repeat customers with a positive mean repeat spend.
 *
 * @throws {ModelError} when nobody has a repeat purchase, or when every repeat customer's mean spend is <= 0
 *   (saying which); or from the fit
 */
export function fitSpendModel(input: SpendInput, options: FitOptions = {}): { model: FittedModel; notes: string[] } {
  const data = spendData(input);
  if (data.frequency.length === 0) {
    if (data.excluded > 0) {
      throw new ModelError(`gammagamma: every repeat customer's mean repeat spend is <= 0 (${data.excluded} of ${data.excluded} repeat customers), so spend cannot be modelled`, {
        hint: 'check the amount column (all zero? returns netted against purchases?)',
      });
    }
    throw new ModelError('gammagamma: no customer has a repeat purchase (frequency >= 1), so spend cannot be modelled', {
      hint: 'the model uses the mean value of repeat purchases; use a longer calibration period',
    });
  }
  const notes: string[] = [];
  const excludedNote = spendExclusionNote(data);
  if (excludedNote) notes.push(excludedNote);
  return { model: gammagamma.fit(data, options), notes };
}

/** The purchase fits of {@link fitPurchaseModels}. */
export interface PurchaseFits {
  /** Trusted fits by BIC (lowest first), then the untrusted ones by BIC. */
  fits: FittedModel[];
  /** The chosen trusted fit: lowest BIC, except MBG/NBD within CLOSE_BIC of BG/NBD; null when no fit is trusted. */
  best: FittedModel | null;
  /** Models that could not be fitted (a ModelError), with the message. */
  failures: { model: PurchaseModelName; error: string }[];
  /** Every model left out of the choice (failed or untrusted) and why. */
  dropped: { model: PurchaseModelName; reason: string }[];
  /** Why the first fit is not the one of lowest BIC (MBG/NBD preferred to a BG/NBD within CLOSE_BIC), if so. */
  preference?: string;
}

/**
 * Fits the purchase models named and ranks them: trusted fits by BIC first. With one name, a ModelError of
 * the fit is thrown as it is; with several, it is recorded in `failures` and the others go on.
 *
 * With several names and enough customers, a worker thread fits some of them while this thread fits the
 * others (fit-parallel.ts, `parallel`); the result is the sequential one to the last bit.
 */
export function fitPurchaseModels(names: readonly PurchaseModelName[], input: PurchaseInput, options: FitOptions = {}, parallel: FitParallelSettings = {}): PurchaseFits {
  return purchaseFitsOf(names, fitCandidates(names, purchaseData(input), options, parallel).fit);
}

const purchaseData = (input: PurchaseInput) => ({ frequency: input.frequency, recency: input.recency, T: input.T, ids: input.ids });

/** The fits of `names` (each from `fit`, in the order of the names) ranked, as {@link fitPurchaseModels}. */
function purchaseFitsOf(names: readonly PurchaseModelName[], fit: (name: PurchaseModelName) => FittedModel): PurchaseFits {
  const fits: FittedModel[] = [];
  const failures: { model: PurchaseModelName; error: string }[] = [];
  for (const name of names) {
    try {
      fits.push(fit(name));
    } catch (err) {
      if (!(err instanceof ModelError) || names.length === 1) throw err;
      failures.push({ model: name, error: err.message });
    }
  }
  return { ...rankPurchaseFits(fits, failures), failures };
}

/**
 * Orders purchase fits for a choice: trusted fits with a finite BIC first, by BIC (lowest first; a tie
 * keeps the given order), then the others by BIC; `best` is the first trusted one (null when none is), and
 * `dropped` every untrusted fit and failure with its reason (the model's name not repeated). When BG/NBD
 * comes first and a trusted MBG/NBD is within {@link CLOSE_BIC}, MBG/NBD is put first and `preference` says why.
 *
 * @example
 * rankPurchaseFits([untrustedWithLowerBic, trusted], []).best === trusted // => true
 */
export function rankPurchaseFits(
  fits: readonly FittedModel[],
  failures: readonly { model: PurchaseModelName; error: string }[],
): { fits: FittedModel[]; best: FittedModel | null; dropped: { model: PurchaseModelName; reason: string }[]; preference?: string } {
  const rank = (f: FittedModel): number => (f.trusted === true && Number.isFinite(f.bic) ? 0 : 1);
  const bic = (f: FittedModel): number => (Number.isFinite(f.bic) ? f.bic : Infinity);
  const sorted = [...fits].sort((a, b) => rank(a) - rank(b) || bic(a) - bic(b));
  const dropped = [
    ...failures.map((f) => ({ model: f.model, reason: f.error.startsWith(`${f.model}: `) ? f.error.slice(f.model.length + 2) : f.error })),
    ...sorted.filter((f) => rank(f) === 1).map((f) => ({ model: f.model as PurchaseModelName, reason: untrustedReason(f) })),
  ];
  // BG/NBD and MBG/NBD differ in one assumption: under BG/NBD a customer who never bought again cannot have
  // dropped out (P(alive) = 1), under MBG/NBD they can. When the data cannot tell the two apart (BIC within
  // CLOSE_BIC), MBG/NBD is chosen so that one-time buyers are not all reported alive.
  let preference: string | undefined;
  if (sorted.length > 1 && sorted[0].model === 'bgnbd') {
    const k = sorted.findIndex((f) => f.model === 'mbgnbd' && rank(f) === 0);
    if (k > 0 && bic(sorted[k]) - bic(sorted[0]) < CLOSE_BIC) {
      const difference = bic(sorted[k]) - bic(sorted[0]);
      const [m] = sorted.splice(k, 1);
      sorted.unshift(m);
      preference = `mbgnbd chosen over bgnbd: their BIC differ by ${difference.toFixed(2)} (< ${CLOSE_BIC}, the data do not prefer either), and MBG/NBD does not give P(alive) = 1 to customers who never bought again`;
    }
  }
  const best = sorted.length > 0 && rank(sorted[0]) === 0 ? sorted[0] : null;
  return { fits: sorted, best, dropped, ...(preference !== undefined ? { preference } : {}) };
}

/** BIC differences below this are "not worth more than a bare mention" (Kass and Raftery 1995, section 3.2). */
export const CLOSE_BIC = 2;

/** Why a fit is not trusted, in one line, with what to do. */
export function untrustedReason(fit: FittedModel): string {
  const problems = fit.problems ?? [];
  const why = problems.length > 0 ? problems.join('; ') : !Number.isFinite(fit.bic) ? 'the log-likelihood at the estimate is not finite' : 'the fit is not trusted';
  return `${why}; ${UNTRUSTED_ADVICE}`;
}

function rethrow(error: unknown): never {
  throw error;
}

/** Options of {@link fitValuationModels}. */
export interface ValuationModelOptions {
  /** The purchase model: one name, or 'auto' for the trusted fit of lowest BIC among all. */
  model: PurchaseModelName | 'auto';
  /** A purchase model fitted before (e.g. read from `crm fit --save`): used instead of fitting. */
  purchaseModel?: FittedModel | null;
  /** A Gamma-Gamma model fitted before: used instead of fitting. */
  spendModel?: FittedModel | null;
  /** False: no spend model; every transaction is valued at the portfolio's mean repeat spend. Default true. */
  fitSpend?: boolean;
  /** Options of every fit (time budget, iterations). */
  fit?: FitOptions;
  /** The candidate fits on two threads (fit-parallel.ts); the defaults when absent. */
  parallel?: FitParallelSettings;
}

/** The models of a valuation, what was left out, and the notes to show. */
export interface ValuationModels {
  /** The purchase model used (trusted, or a saved model). */
  purchase: FittedModel;
  /** Every purchase fit made (empty with a saved model): trusted by BIC first, then untrusted. */
  purchaseFits: FittedModel[];
  /** Purchase models left out of the choice and why (auto). */
  dropped: { model: PurchaseModelName; reason: string }[];
  /** The Gamma-Gamma model used; null when spend comes from the fallback. */
  spend: FittedModel | null;
  /** How expected spend per transaction is computed. */
  spendMethod: SpendMethod;
  /** Why the Gamma-Gamma model is not used (null when it is, or when it was switched off). */
  spendFallbackReason: string | null;
  /** Lines for the user, each starting 'note: ' or 'warning: '. */
  notes: string[];
}

/**
 * The valuation's models: the purchase model (given, the one named, or the trusted fit of lowest BIC), and
 * the Gamma-Gamma spend model or its fallback (module comment). Pure.
 *
 * Cost: one fit per purchase model named (three for auto) plus one Gamma-Gamma fit, each within the fit
 * options' time budget.
 *
 * @throws {ModelError} when the purchase model cannot be fitted, is not trusted (the reasons and what to
 *   do), or with auto when no model is trusted (each model's reason)
 */
export function fitValuationModels(input: ModelInput, options: ValuationModelOptions): ValuationModels {
  const notes: string[] = [];
  let purchase: FittedModel;
  let purchaseFits: FittedModel[] = [];
  let dropped: { model: PurchaseModelName; reason: string }[] = [];
  const fitsSpend = options.fitSpend !== false && !options.spendModel;
  let spendFitted: { ok: true; value: ReturnType<typeof fitSpendModel> } | { ok: false; error: unknown } | undefined;
  if (options.purchaseModel) {
    purchase = options.purchaseModel;
    if (!PURCHASE_MODEL_NAMES.includes(purchase.model as PurchaseModelName)) {
      throw new ModelError(`a valuation needs a purchase model (${PURCHASE_MODEL_NAMES.join(', ')}), not ${purchase.model}`);
    }
    if (purchase.trusted === false) {
      throw new ModelError(`the saved ${purchase.model} model is not trusted: ${untrustedReason(purchase)}`, { hint: 'refit with crm fit on more data or another model' });
    }
  } else {
    const names = options.model === 'auto' ? PURCHASE_MODEL_NAMES : [options.model];
    // with a worker, this thread fits the spend model too while the worker fits its purchase models
    const candidates = fitCandidates(names, purchaseData(input), options.fit ?? {}, options.parallel, fitsSpend ? () => fitSpendModel(input, options.fit) : undefined);
    spendFitted = candidates.extra;
    const fitted = purchaseFitsOf(names, candidates.fit);
    purchaseFits = fitted.fits;
    dropped = fitted.dropped;
    if (fitted.best === null) {
      const reasons = fitted.dropped.map((d) => `${d.model}: ${d.reason}`).join(' | ');
      throw new ModelError(
        names.length === 1 ? `the ${names[0]} fit cannot be used for a valuation: ${reasons.slice(names[0].length + 2)}` : `no purchase model can be used for a valuation: ${reasons}`,
        { hint: 'each purchase model needs repeat purchases with varying timing; try a longer calibration window or more customers' },
      );
    }
    purchase = fitted.best;
    if (fitted.preference !== undefined) notes.push(`note: ${fitted.preference}`);
    // a candidate left out while another is used is information, not a problem of the valuation
    for (const d of dropped) notes.push(`note: ${d.model} left out of the model choice: ${d.reason}`);
  }
  for (const w of purchase.warnings) notes.push(`warning: ${purchase.model}: ${w}`);
  if (purchase.model === 'bgnbd') notes.push('note: BG/NBD gives P(alive) = 1 to customers who never repurchased; --model mbgnbd does not');

  if (options.fitSpend === false && !options.spendModel) {
    return { purchase, purchaseFits, dropped, spend: null, spendMethod: 'portfolio-mean', spendFallbackReason: null, notes };
  }
  let spend: FittedModel | null = options.spendModel ?? null;
  let reason: string | null = null;
  if (!spend) {
    try {
      const fitted = spendFitted === undefined ? fitSpendModel(input, options.fit) : spendFitted.ok ? spendFitted.value : rethrow(spendFitted.error);
      notes.push(...fitted.notes);
      spend = fitted.model;
      for (const w of spend.warnings) notes.push(`warning: gammagamma: ${w}`);
    } catch (err) {
      if (!(err instanceof ModelError)) throw err;
      reason = err.message;
    }
  }
  if (spend && spend.trusted === false) {
    reason = `the gammagamma fit is not trusted: ${spend.problems.length > 0 ? spend.problems.join('; ') : 'see its warnings'}`;
    spend = null;
  } else if (spend && !(spend.params.q > 1)) {
    reason = `gammagamma q = ${Number(spend.params.q.toPrecision(4))} <= 1: the expected spend is infinite`;
    spend = null;
  }
  return { purchase, purchaseFits, dropped, spend, spendMethod: spend ? 'gammagamma' : 'observed-mean', spendFallbackReason: reason, notes };
}
