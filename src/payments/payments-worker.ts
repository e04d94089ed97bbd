/**
 * The worker thread of the payments analysis (payments-parallel.ts): makes the ledger of its job (the columns
 * read in place), analyses it, posts the analysis (its customers' columns moved) and sets the job's flag. The
 * analysis is imported once running, inside a try: whatever goes wrong is posted as a failure, or the flag is
 * set when the thread ends, and the main thread then analyses the payments itself.
 */
import { threadId, workerData } from 'node:worker_threads';
import { answerJob } from '../core/blocking-worker.js';
import { sentBuffers, type PaymentsJob, type PaymentsReply } from './payments-parallel.js';

await answerJob<PaymentsJob, PaymentsReply>(
  workerData as PaymentsJob,
  async (job) => {
    const { PaymentLedger } = await import('./ledger.js');
    const { analysePayments } = await import('./analyse-payments.js');
    const { sendable } = await import('./payments-parallel.js');
    return { threadId, analysis: sendable(analysePayments(PaymentLedger.fromState(job.ledger), job.asOf, job.options)) };
  },
  (failed) => ({ threadId, failed }),
  // the customers' columns are moved, not copied
  (reply) => ('analysis' in reply ? sentBuffers(reply.analysis) : []),
);
