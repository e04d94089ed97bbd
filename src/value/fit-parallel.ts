/**
 * The candidate purchase fits on two threads (docs/performance.md, "Purchase fits on two threads"): with
 * several models to fit on enough customers, a worker thread (fit-worker.ts) fits its share of them while the
 * main thread fits the others (and, for a valuation, the Gamma-Gamma model), then the main thread blocks on a
 * shared flag until the worker has posted its fits and takes them from the port with `receiveMessageOnPort`:
 * synchronous from end to end, no event loop needed, so the callers stay synchronous functions.
 *
 * Each fit is the same function on the same numbers in both threads, so the fitted models are those of the
 * sequential fits to the last bit (structured clone keeps -0, NaN, infinities, key order and undefined
 * values of plain data). A ModelError of the worker comes back as the same ModelError (message and hint,
 * rebuilt from its unrendered text); any other failure of the worker (module missing or failing to load, an
 * exception, a model that cannot be cloned, no answer in time) makes the main thread fit that model itself,
 * so that the result never depends on whether the worker ran. A boot script sets the flag when the worker
 * thread exits, whatever the reason, so the main thread never waits for a dead worker. The data are checked (validateRfm, with the
 * customer ids) on the main thread before the worker is started: the worker gets the three columns without
 * the ids, which only the messages of invalid data use; invalid data are fitted sequentially.
 */
import { threadId } from 'node:worker_threads';
import { blockingThreads, startBlockingWorker, workerModuleExists, type BlockingJob } from '../core/blocking-worker.js';
import { ModelError } from '../errors.js';
import { DEFAULT_TIME_BUDGET_MS, validateRfm, type FitOptions } from '../models/fit-common.js';
import { PURCHASE_MODELS, type PurchaseModelName } from '../models/registry.js';
import type { FittedModel, RfmData } from '../models/types.js';

/** Settings of the concurrent fits; undefined fields take the defaults (library code reads no environment). */
export interface FitParallelSettings {
  /** Threads for the candidate fits (1 = one after another). Default min(cores, 2); the CLI takes CRM_THREADS. */
  threads?: number;
  /**
   * The compiled worker module (fit-worker.js). Default: the one beside this module in dist/; when it does not
   * exist (code run from its TypeScript source, as the tests) the fits are sequential. Tests give a compiled copy.
   */
  workerUrl?: URL;
  /** Fewest customers whose fits are shared with a worker. Default {@link FIT_PARALLEL_MIN_CUSTOMERS}. */
  minCustomers?: number;
}

/**
 * Default of {@link FitParallelSettings.minCustomers}. Starting the worker and loading its modules takes
 * about 40 ms and its first fit runs on code not yet optimised; the three fits of 50,000 customers take
 * about 0.3 s on one thread (docs/performance.md).
 */
export const FIT_PARALLEL_MIN_CUSTOMERS = 50_000;

/** Relative cost of each fit, for sharing them out (1M-customer benchmark: 1.1, 1.4, 1.1 and 1.5 s). */
const COST: Record<PurchaseModelName | 'spend', number> = { bgnbd: 1.1, paretonbd: 1.4, mbgnbd: 1.1, spend: 1.5 };
/** The order in which models are given to the worker (the slowest first). */
const WORKER_ORDER: PurchaseModelName[] = ['paretonbd', 'bgnbd', 'mbgnbd'];
/** Time allowed to the worker beyond the time budgets of its fits before the main thread fits them itself. */
const WAIT_MARGIN_MS = 60_000;

/** The job of a worker (its workerData). */
export interface FitJob extends BlockingJob {
  names: PurchaseModelName[];
  options: FitOptions;
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
}

/** The outcome of one fit in the worker. */
export type WorkerOutcome =
  | { model: PurchaseModelName; fitted: FittedModel }
  | { model: PurchaseModelName; modelError: { message: string; hint?: string } }
  | { model: PurchaseModelName; failed: string };

/** The worker's reply: its thread and the outcome of each of its models, or why it could not fit. */
export type FitReply = { threadId: number; outcomes: WorkerOutcome[] } | { threadId: number; failed: string };

/** The outcome of a fit: the model or what was thrown. */
type Outcome = { ok: true; model: FittedModel } | { ok: false; error: unknown };

/** The candidate fits of {@link fitCandidates}. */
export interface CandidateFits<E> {
  /**
   * The fit of `name` (one of the names given), or throws what fitting it threw: the outcome of the thread that
   * fitted it, or a fit made now on this thread (sequential run, or a worker failure).
   */
  fit(name: PurchaseModelName): FittedModel;
  /** The outcome of `extra` when it was run alongside the worker (undefined otherwise: the caller runs it). */
  extra?: { ok: true; value: E } | { ok: false; error: unknown };
  /** Diagnostic: the thread id that fitted each model fitted ahead (this thread's or the worker's). */
  threads: Map<PurchaseModelName, number>;
}

/** The number of threads for the fits. */
export function fitThreads(settings: FitParallelSettings = {}): number {
  return blockingThreads(settings.threads);
}

const fitOn = (name: PurchaseModelName, data: RfmData, options: FitOptions): Outcome => {
  try {
    return { ok: true, model: PURCHASE_MODELS[name].fit(data, options) };
  } catch (error) {
    return { ok: false, error };
  }
};

/**
 * Fits the purchase models `names` for {@link fitPurchaseModels}: on two threads when it pays (several
 * distinct models, at least `minCustomers` customers in Float64Arrays, two threads, valid data, the worker
 * module present), else one at a time as they are asked for. `extra` (the Gamma-Gamma fit of a valuation)
 * runs on this thread while the worker fits, when there is a worker; otherwise the caller runs it.
 */
export function fitCandidates<E>(
  names: readonly PurchaseModelName[],
  data: RfmData & { ids?: ArrayLike<string> },
  options: FitOptions,
  settings: FitParallelSettings = {},
  extra?: () => E,
): CandidateFits<E> {
  const sequential: CandidateFits<E> = { fit: (name) => PURCHASE_MODELS[name].fit(data, options), threads: new Map() };
  const { frequency, recency, T } = data;
  if (names.length < 2 || new Set(names).size !== names.length || fitThreads(settings) < 2) return sequential;
  if (!(frequency instanceof Float64Array && recency instanceof Float64Array && T instanceof Float64Array) || data.weights !== undefined) return sequential;
  if (frequency.length < (settings.minCustomers ?? FIT_PARALLEL_MIN_CUSTOMERS)) return sequential;
  try {
    validateRfm(names[0], data);
  } catch {
    return sequential;
  }
  const url = settings.workerUrl ?? new URL('./fit-worker.js', import.meta.url);
  if (!workerModuleExists(url)) return sequential;

  // Share out: the worker takes models, slowest first, while that lowers the longer of the two threads' work.
  let workerCost = 0;
  let mainCost = names.reduce((sum, name) => sum + COST[name], extra ? COST.spend : 0);
  const workerNames: PurchaseModelName[] = [];
  for (const name of WORKER_ORDER) {
    if (!names.includes(name) || workerNames.length === names.length - 1) continue;
    if (Math.max(workerCost + COST[name], mainCost - COST[name]) < Math.max(workerCost, mainCost)) {
      workerNames.push(name);
      workerCost += COST[name];
      mainCost -= COST[name];
    }
  }
  if (workerNames.length === 0) return sequential;

  const columns = { frequency: frequency.slice(), recency: recency.slice(), T: T.slice() };
  const job: Omit<FitJob, keyof BlockingJob> = { names: workerNames, options: { ...options }, ...columns };
  const worker = startBlockingWorker<typeof job, FitReply>(url, job, [columns.frequency.buffer, columns.recency.buffer, columns.T.buffer]);
  if (worker === null) return sequential;

  const outcomes = new Map<PurchaseModelName, Outcome>();
  const threads = new Map<PurchaseModelName, number>();
  for (const name of names) {
    if (workerNames.includes(name)) continue;
    outcomes.set(name, fitOn(name, data, options));
    threads.set(name, threadId);
  }
  let extraOutcome: CandidateFits<E>['extra'];
  if (extra) {
    try {
      extraOutcome = { ok: true, value: extra() };
    } catch (error) {
      extraOutcome = { ok: false, error };
    }
  }

  const reply = worker.reply(workerNames.length * (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS) + WAIT_MARGIN_MS);
  if (reply !== null && 'outcomes' in reply) {
    for (const outcome of reply.outcomes) {
      if (!workerNames.includes(outcome.model)) continue;
      if ('fitted' in outcome) outcomes.set(outcome.model, { ok: true, model: outcome.fitted });
      else if ('modelError' in outcome) outcomes.set(outcome.model, { ok: false, error: new ModelError(outcome.modelError.message, outcome.modelError.hint === undefined ? undefined : { hint: outcome.modelError.hint }) });
      else continue;
      threads.set(outcome.model, reply.threadId);
    }
  }
  return {
    fit(name) {
      const outcome = outcomes.get(name);
      // not fitted ahead (a worker failure): fitted here, now, as in a sequential run
      if (outcome === undefined) return PURCHASE_MODELS[name].fit(data, options);
      if (outcome.ok) return outcome.model;
      throw outcome.error;
    },
    ...(extraOutcome !== undefined ? { extra: extraOutcome } : {}),
    threads,
  };
}
