/**
 * A worker thread whose reply the main thread takes synchronously (docs/performance.md, "Purchase fits on two
 * threads"): the worker posts its reply on a MessagePort and then sets a shared flag; the main thread blocks on
 * the flag (Atomics.wait) and takes the reply with `receiveMessageOnPort`. No event loop is needed, so the
 * library functions that use a worker (the candidate fits, the payments analysis) stay synchronous.
 *
 * The worker is started from a boot script that sets the flag when the thread ends, whatever the reason (its
 * module missing or failing as it loads, an uncaught exception, a crash of the code it runs), so the main
 * thread never waits for a dead worker: it then finds no reply and does the work itself.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';

/**
 * The worker's first code: sets the flag when the thread ends whatever the reason, then loads the worker
 * module (`workerData.url`).
 */
const BOOT = `const { workerData } = require('node:worker_threads');
process.on('exit', () => { Atomics.store(workerData.flag, 0, 1); Atomics.notify(workerData.flag, 0); });
import(workerData.url).catch(() => { process.exitCode = 1; });`;

/** What every job carries (the rest is the worker's own). */
export interface BlockingJob {
  /** The worker module. */
  url: string;
  /** Where the worker posts its one reply. */
  port: MessagePort;
  /** Set to 1 (and notified) once the reply is posted, or when nothing can be posted. */
  flag: Int32Array;
}

/** A started worker: `reply()` blocks until it has answered (or ended) and gives its reply, or null when none. */
export interface BlockingWorker<R> {
  reply(timeoutMs?: number): R | null;
}

/** The threads a blocking worker's caller may use: `threads` (1 or 2), by default min(cores, 2). */
export function blockingThreads(threads: number | undefined): number {
  return Math.max(1, Math.min(2, threads ?? Math.min(availableParallelism(), 2)));
}

/** Whether `url` is a worker module that can be started (a file: URL of a file that exists). */
export function workerModuleExists(url: URL): boolean {
  return url.protocol === 'file:' && existsSync(fileURLToPath(url));
}

/**
 * Starts the worker module `url` with `job` (plus the port and flag this adds) as its workerData, the
 * `transfer` list moved to it; null when the thread cannot be started. Nothing of the worker keeps the
 * process alive or reaches the user (an 'error' event is ignored: the reply is then null).
 */
export function startBlockingWorker<J extends object, R>(url: URL, job: J, transfer: TransferListItem[] = []): BlockingWorker<R> | null {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const data: J & BlockingJob = { ...job, url: url.href, port: port2, flag };
  let worker: Worker;
  try {
    worker = new Worker(BOOT, { eval: true, workerData: data, transferList: [port2, ...transfer] });
  } catch {
    port1.close();
    port2.close();
    return null;
  }
  worker.unref();
  worker.on('error', () => {});
  let taken = false;
  return {
    reply(timeoutMs = Infinity) {
      if (taken) return null;
      taken = true;
      const deadline = Date.now() + timeoutMs;
      let answered = true;
      while (Atomics.load(flag, 0) === 0) {
        const left = deadline - Date.now();
        if (left <= 0) {
          answered = false;
          break;
        }
        Atomics.wait(flag, 0, 0, Number.isFinite(left) ? left : undefined);
      }
      const message = answered ? receiveMessageOnPort(port1) : undefined;
      port1.close();
      if (!answered) void worker.terminate();
      return message === undefined ? null : (message.message as R);
    },
  };
}

/**
 * The worker side: runs `work` on the job, posts what it returns (with `transfer` of it moved, not copied) and
 * sets the flag, whatever happens. `work` throwing, or a reply that cannot be cloned, posts
 * `failed(String(error))` instead.
 */
export async function answerJob<J extends BlockingJob, R>(
  job: J,
  work: (job: J) => Promise<R> | R,
  failed: (reason: string) => R,
  transfer: (reply: R) => TransferListItem[] = () => [],
): Promise<void> {
  try {
    let reply: R;
    try {
      reply = await work(job);
    } catch (err) {
      reply = failed(String(err));
    }
    try {
      job.port.postMessage(reply, transfer(reply));
    } catch (err) {
      job.port.postMessage(failed(String(err)));
    }
  } finally {
    Atomics.store(job.flag, 0, 1);
    Atomics.notify(job.flag, 0);
  }
}
