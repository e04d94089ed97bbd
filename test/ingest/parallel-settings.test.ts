/** The parallel ingest reads no environment: the CLI turns CRM_THREADS / CRM_PARALLEL_MIN_BYTES into settings. */
import { afterEach, describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { salesThreads } from '../../src/ingest/parallel/parallel.js';
import { parallelSettings } from '../../src/cli/inputs.js';

describe('parallel ingest settings', () => {
  const saved = process.env.CRM_THREADS;
  afterEach(() => {
    if (saved === undefined) delete process.env.CRM_THREADS;
    else process.env.CRM_THREADS = saved;
  });

  it('the library ignores CRM_THREADS in the process environment', () => {
    process.env.CRM_THREADS = '7';
    expect(salesThreads({})).toBe(Math.min(availableParallelism(), 2));
    expect(salesThreads({ threads: 3 })).toBe(3);
  });

  it('the CLI reads them from its environment', () => {
    expect(parallelSettings({ CRM_THREADS: '1', CRM_PARALLEL_MIN_BYTES: '0' })).toEqual({ threads: 1, minBytes: 0 });
    expect(parallelSettings({ CRM_THREADS: 'x' })).toEqual({});
    expect(parallelSettings({})).toEqual({});
  });
});
