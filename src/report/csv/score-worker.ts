/**
 * The worker thread of the scores file (score-parallel.ts): makes the CSV text of its rows from their columns
 * and posts it; whatever goes wrong is posted as a failure (or the flag is set when the thread ends), and the
 * main thread then makes the text itself.
 */
import { threadId, workerData } from 'node:worker_threads';
import { answerJob } from '../../core/blocking-worker.js';
import type { ScoreJob, ScoreReply } from './score-parallel.js';

await answerJob<ScoreJob, ScoreReply>(
  workerData as ScoreJob,
  async (job) => {
    const { scoreText } = await import('./score-parallel.js');
    return { threadId, pieces: scoreText(job.columns, job.length, job.formulaSafe) };
  },
  (failed) => ({ threadId, failed }),
);
