/**
 * Worker thread of the parallel sales ingest: reads one byte range of the sales file into log chunks
 * (sales-range.ts) and posts them to the main thread (parallel.ts), which adds them in file order.
 * Started with a RangeJob as workerData; waits for the resolved header (RangeColumns, or null to stop).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RangeLog, readRange } from './sales-range.js';
import type { RangeColumns, RangeJob, RangeMessage, RangeOrder } from './protocol.js';

const port = parentPort!;
const job = workerData as RangeJob;

function post(message: RangeMessage): void {
  port.postMessage(message);
}

port.once('message', (columns: RangeColumns | null) => {
  if (columns === null) return;
  let log: RangeLog | undefined;
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
      log = new RangeLog(columns, job, (chunk) => post({ type: 'chunk', chunk }));
      const result = await readRange(job, log, (bytes) => post({ type: 'progress', bytes }), released);
      post(typeof result === 'number' ? { type: 'done', lines: result } : { type: 'declined', reason: result });
    } catch (err) {
      post({ type: 'declined', reason: `error in the worker: ${(err as Error).message}` });
    }
    // Nothing keeps the thread alive now: it ends once the messages are delivered.
    port.off('message', listener);
  })();
});
