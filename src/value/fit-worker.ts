/**
 * The worker thread of the concurrent purchase fits (fit-parallel.ts): fits the models of its job, one after
 * another, posts their outcomes on the job's port in one message and sets the job's flag. It imports the
 * models only once running, inside a try, so that whatever goes wrong (a module that cannot be loaded, an
 * exception, a fitted model that cannot be cloned) is posted as a failure and the flag is always set: the main
 * thread then fits those models itself.
 */
import { threadId, workerData } from 'node:worker_threads';
import { answerJob } from '../core/blocking-worker.js';
import type { FitJob, FitReply, WorkerOutcome } from './fit-parallel.js';

await answerJob<FitJob, FitReply>(
  workerData as FitJob,
  async (job) => {
    const { PURCHASE_MODELS } = await import('../models/registry.js');
    const { ModelError } = await import('../errors.js');
    const data = { frequency: job.frequency, recency: job.recency, T: job.T };
    const outcomes: WorkerOutcome[] = job.names.map((model) => {
      try {
        return { model, fitted: PURCHASE_MODELS[model].fit(data, job.options) };
      } catch (err) {
        if (err instanceof ModelError) return { model, modelError: { message: err.text.message, ...(err.text.hint !== undefined ? { hint: err.text.hint } : {}) } };
        return { model, failed: String(err) };
      }
    });
    return { threadId, outcomes };
  },
  (failed) => ({ threadId, failed }),
);
