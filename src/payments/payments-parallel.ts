/**
 * The payments analysis on a second thread (docs/performance.md, "The payments analysis beside the summary"):
 * `crm report` starts it as soon as the inputs are read, a worker thread (payments-worker.ts) analyses the
 * ledger while the main thread summarises and segments the sales, and the main thread takes the result when
 * it reaches the payments section. At 1M customers the analysis takes about 4.5 s, which then overlaps the
 * summary and segment stages instead of following them.
 *
 * The worker reads the ledger's columns in place (they are moved to SharedArrayBuffers: not copied, not
 * taken from the main thread) and is sent its strings (customer ids, files). It runs the same
 * `analysePayments` on the same rows, so the result is the sequential one to the last bit: every figure is
 * computed in one thread in the same order, and structured clone keeps numbers (-0, NaN, infinities), key
 * order and nulls. The customers' columns come back moved, not copied.
 *
 * Any failure of the worker (module missing or failing to load, an exception, a result that cannot be sent)
 * makes the main thread run the analysis itself when it asks for the result, on its ledger, which is intact:
 * the result never depends on whether the worker ran, and an error the analysis throws (invalid options) is
 * thrown by the main thread's own run, as in a sequential run.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { Day } from '../core/days.js';
import { blockingThreads, startBlockingWorker, workerModuleExists, type BlockingJob } from '../core/blocking-worker.js';
import { analysePayments, type PaymentsAnalysis, type PaymentsOptions } from './analyse-payments.js';
import type { LedgerState, PaymentLedger } from './ledger.js';
import { paymentColumnsState, paymentRecordsOf, stateBuffers, type PaymentColumnsState } from './payment-columns.js';
import type { CustomerPayments } from './behaviour.js';

/** Settings of the payments analysis on a second thread; undefined fields take the defaults. */
export interface PaymentsParallelSettings {
  /** Threads (1 = the analysis runs on the calling thread when its result is asked). Default min(cores, 2); the CLI takes CRM_THREADS. */
  threads?: number;
  /**
   * The compiled worker module (payments-worker.js). Default: the one beside this module in dist/; when it
   * does not exist (code run from its TypeScript source, as the tests) the analysis runs on the calling thread.
   */
  workerUrl?: URL;
  /** Fewest ledger rows analysed on a second thread. Default {@link PAYMENTS_PARALLEL_MIN_ROWS}. */
  minRows?: number;
}

/**
 * Default of {@link PaymentsParallelSettings.minRows}. Starting the worker and sending it the customer ids
 * costs about 50 ms plus a few ms per 10,000 customers; 200,000 rows take about 0.2 s to analyse.
 */
export const PAYMENTS_PARALLEL_MIN_ROWS = 200_000;

/** Options the worker can be sent (a grouping function cannot cross threads). */
export type ParallelPaymentsOptions = Omit<PaymentsOptions, 'group'>;

/** The job of the worker (its workerData). */
export interface PaymentsJob extends BlockingJob {
  ledger: LedgerState;
  asOf: Day;
  options: ParallelPaymentsOptions;
}

/** The analysis as it crosses threads: its customers as their columns (or, a short list, as records). */
export type SentAnalysis = Omit<PaymentsAnalysis, 'customers'> & { customers: PaymentColumnsState | CustomerPayments[] };

/** The worker's reply. */
export type PaymentsReply = { threadId: number; analysis: SentAnalysis } | { threadId: number; failed: string };

/** An analysis under way: `result()` gives it (or throws what the analysis throws). */
export interface PendingPayments {
  result(): PaymentsAnalysis;
  /** Diagnostic: the thread that analysed the payments (once the result was taken); undefined when this one. */
  readonly thread?: number;
}

/** The analysis as the worker sends it: its customers as their columns (a short list as its records). */
export function sendable(analysis: PaymentsAnalysis): SentAnalysis {
  return { ...analysis, customers: paymentColumnsState(analysis.customers) ?? analysis.customers.slice() };
}

/** The buffers of a sent analysis's customer columns, moved with it rather than copied. */
export function sentBuffers(analysis: SentAnalysis): TransferListItem[] {
  return Array.isArray(analysis.customers) ? [] : stateBuffers(analysis.customers as PaymentColumnsState);
}

/** The analysis a worker sent, its customers made again from their columns. */
export function received(analysis: SentAnalysis): PaymentsAnalysis {
  const customers = Array.isArray(analysis.customers) ? analysis.customers : paymentRecordsOf(analysis.customers as PaymentColumnsState);
  return { ...analysis, customers };
}

/**
 * Starts the analysis of `ledger` at `asOf` on a second thread when it pays (two threads, at least `minRows`
 * rows, the worker module present, no grouping function); the result is taken with `result()`. Otherwise the
 * analysis runs on this thread when `result()` is first called. The ledger must not change until then.
 */
export function analysePaymentsAhead(ledger: PaymentLedger, asOf: Day, options: PaymentsOptions = {}, settings: PaymentsParallelSettings = {}): PendingPayments {
  let result: PaymentsAnalysis | undefined;
  const here = (): PaymentsAnalysis => (result ??= analysePayments(ledger, asOf, options));
  const sequential: PendingPayments = { result: here };
  if (blockingThreads(settings.threads) < 2 || ledger.length < (settings.minRows ?? PAYMENTS_PARALLEL_MIN_ROWS) || options.group !== undefined) return sequential;
  const url = settings.workerUrl ?? new URL('./payments-worker.js', import.meta.url);
  if (!workerModuleExists(url)) return sequential;
  const job: Omit<PaymentsJob, keyof BlockingJob> = { ledger: ledger.share(), asOf, options: { ...options } };
  const worker = startBlockingWorker<typeof job, PaymentsReply>(url, job);
  if (worker === null) return sequential;
  const pending = {
    thread: undefined as number | undefined,
    result(): PaymentsAnalysis {
      if (result !== undefined) return result;
      const reply = worker.reply();
      if (reply !== null && 'analysis' in reply) {
        pending.thread = reply.threadId;
        return (result = received(reply.analysis));
      }
      // the worker could not analyse them: analysed here, as in a sequential run
      return here();
    },
  };
  return pending;
}
