/**
 * Worker thread of the parallel ingest: reads one byte range of the sales or payments file into log chunks
 * (range.ts with sales-range.ts or payments-range.ts) and posts them to the main thread (parallel.ts), which
 * adds them in file order. Started with a RangeJob as workerData; waits for the resolved header (the columns
 * of the job's kind, or null to stop).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readRange, type LineLog } from './range.js';
import { SalesRangeLog } from './sales-range.js';
import { PaymentRangeLog } from './payments-range.js';
import type { HeaderColumns, LogChunk, PaymentColumns, RangeColumns, RangeJob, RangeMessage, RangeOrder } from './protocol.js';

const port = parentPort!;
const job = workerData as RangeJob;

function post(message: RangeMessage): void {
  port.postMessage(message);
}

port.once('message', (columns: HeaderColumns | null) => {
  if (columns === null) return;
  let log: LineLog | undefined;
  let wake: (() => void) | null = null;
  const listener = (order: RangeOrder): void => {
    if (order !== null && 'release' in order) {
      log?.release(order.release);
      const w = wake;
      wake = null;
      w?.();
    }
  };
  port.on('message', listener);
  const released = (): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
    });
  void (async () => {
    try {
      const emit = (chunk: LogChunk): void => post({ type: 'chunk', chunk });
      const range = job.kind === 'payments' ? new PaymentRangeLog(columns as PaymentColumns, job, emit) : new SalesRangeLog(columns as RangeColumns, job, emit);
      log = range;
      const result = await readRange(job, range, (bytes) => post({ type: 'progress', bytes }), released);
      post(typeof result === 'number' ? { type: 'done', lines: result } : { type: 'declined', reason: result });
    } catch (err) {
      post({ type: 'declined', reason: `error in the worker: ${(err as Error).message}` });
    }
    // Nothing keeps the thread alive now: it ends once the messages are delivered.
    port.off('message', listener);
  })();
});
