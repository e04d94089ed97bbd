/**
 * Shared pieces of the parallel ingest tests (sales and payments): a run of loadInputs with given parallel
 * settings, compared with the sequential run; splits before a given line.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ParallelSettings } from '../../src/ingest/parallel/parallel.js';
import { compiledModule } from './compiled.js';

/** What a test compares: the state read (or the error) and how the file was read. */
export interface Run {
  error?: string;
  state?: unknown;
  ranges?: number;
  sequential?: string;
  sequentialFrom?: number;
}

export const SEQUENTIAL: ParallelSettings = { threads: 1 };
/**
 * Two threads whatever the file size, with src/ compiled for the worker (removeCompiled in afterAll). A
 * function: the test files share this module (isolate: false), and a file's afterAll removes the folder, which
 * the next file compiles again.
 */
export function parallel(more: ParallelSettings = {}): ParallelSettings {
  return { threads: 2, minBytes: 0, workerUrl: compiledModule('ingest/parallel/worker.js'), ...more };
}

/**
 * `same(path, parallel, extra)`: runs `load` sequentially and with `parallel`; expects the same state (or
 * error) and returns the parallel run.
 */
export function sameAs<E>(load: (path: string, parallel: ParallelSettings, extra: E) => Promise<Run>) {
  return async (path: string, settings: ParallelSettings = parallel(), extra = {} as E): Promise<Run> => {
    const reference = await load(path, SEQUENTIAL, extra);
    const run = await load(path, settings, extra);
    if (reference.error === undefined) expect(reference.sequential).toBe('one thread');
    expect({ error: run.error, state: run.state }).toEqual({ error: reference.error, state: reference.state });
    return run;
  };
}

/** Expects a run read in `ranges` ranges to their ends. */
export function expectParallel(run: Run, ranges = 2): void {
  expect({ ranges: run.ranges, sequential: run.sequential }).toEqual({ ranges, sequential: undefined });
}

/** Settings that split just before the line starting with `marker` (its first occurrence). */
export function before(path: string, marker: string, more: ParallelSettings = {}): ParallelSettings {
  const text = readFileSync(path, 'latin1');
  const at = text.indexOf(`\n${marker}`);
  if (at < 0) throw new Error(`no line ${marker}`);
  return parallel({ at: [at], ...more });
}
