/**
 * Stage timings for performance work: with CRM_TRACE=1 in the environment, `trace('stage')` prints the
 * seconds since the previous stage, the heap in use, the array buffers (typed arrays, outside the heap) and the resident memory to stderr. Silent otherwise.
 */
import { memoryUsage } from 'node:process';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';

let last = performance.now();
let first = true;

/** Prints one line `crm: trace <stage> <s> heap <MB> rss <MB>` on stderr when CRM_TRACE is set. */
export function trace(stage: string): void {
  if (!process.env.CRM_TRACE) return;
  if (first) {
    first = false;
    process.stderr.write(`crm: trace heap limit ${(getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MB\n`);
  }
  const now = performance.now();
  // with node --expose-gc, the heap after a full collection (what is really kept)
  (globalThis as { gc?: () => void }).gc?.();
  // CRM_TRACE_SNAPSHOT=<stage>: a V8 heap snapshot after that stage, for finding what holds the memory
  if (process.env.CRM_TRACE_SNAPSHOT === stage.trim()) process.stderr.write(`crm: trace heap snapshot ${writeHeapSnapshot()}\n`);
  const m = memoryUsage();
  process.stderr.write(`crm: trace ${stage.padEnd(24)} ${((now - last) / 1000).toFixed(2).padStart(7)} s  heap ${(m.heapUsed / 2 ** 20).toFixed(0).padStart(6)} MB  buffers ${(m.arrayBuffers / 2 ** 20).toFixed(0).padStart(5)} MB  rss ${(m.rss / 2 ** 20).toFixed(0).padStart(6)} MB\n`);
  last = now;
}
