/**
 * The candidate purchase fits on two threads (src/value/fit-parallel.ts): the fits, failures, drops, notes and
 * errors are those of the sequential fits to the last bit (compared key by key with Object.is, and as JSON),
 * whether the worker fits its share, fails to load, or is not there; the worker is really used when asked
 * (the thread ids of the fits); and it is not used below the threshold or with one thread.
 *
 * The worker runs src/ compiled into a temporary folder (test/helpers/compiled.ts), not dist/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelInput } from '../../src/accumulate/model-input.js';
import { createRng } from '../../src/core/random.js';
import { ModelError } from '../../src/errors.js';
import * as paretonbd from '../../src/models/pareto-nbd.js';
import { PURCHASE_MODEL_NAMES } from '../../src/models/registry.js';
import { fitCandidates, type FitParallelSettings } from '../../src/value/fit-parallel.js';
import { fitPurchaseModels, fitValuationModels, type ValuationModelOptions } from '../../src/value/fit-valuation.js';
import { compiledModule, removeCompiled } from '../helpers/compiled.js';
import { expectIdentical } from '../helpers/identical.js';
import { readSharedCsv } from '../helpers/data.js';

afterAll(() => removeCompiled());

const SEQUENTIAL: FitParallelSettings = { threads: 1 };
const worker = (): FitParallelSettings => ({ threads: 2, minCustomers: 0, workerUrl: compiledModule('value/fit-worker.js') });

function inputOf(frequency: ArrayLike<number>, recency: ArrayLike<number>, T: ArrayLike<number>, monetaryValue: ArrayLike<number>): ModelInput {
  return {
    ids: Array.from(frequency, (_, i) => `C${i}`),
    frequency: Float64Array.from(frequency),
    recency: Float64Array.from(recency),
    T: Float64Array.from(T),
    monetaryValue: Float64Array.from(monetaryValue),
    revenue: null,
    margin: null,
    holdout: null,
  };
}

const rows = readSharedCsv('cdnow_customers_summary_with_transactions.csv');
const cdnow = inputOf(
  rows.map((r) => Number(r.x)),
  rows.map((r) => Number(r.t_x)),
  rows.map((r) => Number(r.T)),
  rows.map((r) => Number(r.zbar)),
);

/** The result of `f`, or the error it threw. */
function outcome<T>(f: () => T): { value: T } | { error: unknown } {
  try {
    return { value: f() };
  } catch (error) {
    return { error };
  }
}


/** Checks that the valuation's models and the candidate fits are the same on one thread and with `parallel`. */
function expectSameFits(input: ModelInput, parallel: FitParallelSettings, options: Omit<ValuationModelOptions, 'parallel'> = { model: 'auto' }, { purchase = true } = {}): void {
  expectIdentical(outcome(() => fitValuationModels(input, { ...options, parallel })), outcome(() => fitValuationModels(input, { ...options, parallel: SEQUENTIAL })));
  if (purchase) expectIdentical(
    outcome(() => fitPurchaseModels(PURCHASE_MODEL_NAMES, input, options.fit, parallel)),
    outcome(() => fitPurchaseModels(PURCHASE_MODEL_NAMES, input, options.fit, SEQUENTIAL)),
  );
}

describe('purchase fits on two threads', () => {
  it('gives the sequential fits, ranking and notes on CDNOW, with the worker fitting its share', () => {
    const parallel = worker();
    expectSameFits(cdnow, parallel);
    const candidates = fitCandidates(PURCHASE_MODEL_NAMES, cdnow, {}, parallel);
    for (const name of PURCHASE_MODEL_NAMES) expectIdentical(candidates.fit(name), fitCandidates([name], cdnow, {}).fit(name));
    // Pareto/NBD, the slowest, goes to the worker; this thread keeps at least one
    expect(candidates.threads.get('paretonbd')).toBeGreaterThan(0);
    expect(candidates.threads.get('paretonbd')).not.toBe(threadId);
    expect([...candidates.threads.values()]).toContain(threadId);
  });

  it('overlaps the spend fit with the worker and gives its result and notes in their place', () => {
    const parallel = worker();
    const candidates = fitCandidates(PURCHASE_MODEL_NAMES, cdnow, {}, parallel, () => 'spend');
    expect(candidates.extra).toEqual({ ok: true, value: 'spend' });
    // a spend model with every repeat customer's mean spend <= 0 (a ModelError of the spend fit) falls back, with the same reason
    expectSameFits({ ...cdnow, monetaryValue: cdnow.monetaryValue.map(() => -1) }, parallel, { model: 'auto' }, { purchase: false });
    expectSameFits(cdnow, parallel, { model: 'auto', fitSpend: false }, { purchase: false });
  });

  it('gives the same untrusted fits and drops', () => {
    // every repeat buyer bought on the last day: nobody seems to drop out, the optimum is flat in the dropout
    const alive = { ...cdnow, recency: cdnow.T.map((t, i) => (cdnow.frequency[i] > 0 ? t : 0)) };
    const parallel = worker();
    expectSameFits(alive, parallel);
    const fits = fitPurchaseModels(PURCHASE_MODEL_NAMES, alive, {}, parallel);
    expect(fits.fits.filter((f) => !f.trusted).length).toBeGreaterThan(0);
    expect(fits.dropped.length).toBeGreaterThan(0);
    expect(outcome(() => fitValuationModels(alive, { model: 'auto', parallel }))).toMatchObject({ error: { message: expect.stringMatching(/^no purchase model can be used/) } });
  });

  it("brings a worker's ModelError back as the same error, in its place", () => {
    // nobody bought again: every model fails with a ModelError, the worker's too
    const none = inputOf([0, 0, 0, 0], [0, 0, 0, 0], [10, 20, 30, 40], [0, 0, 0, 0]);
    const parallel = worker();
    expectSameFits(none, parallel);
    const candidates = fitCandidates(PURCHASE_MODEL_NAMES, none, {}, parallel);
    expect(candidates.threads.get('paretonbd')).not.toBe(threadId);
    const thrown = outcome(() => candidates.fit('paretonbd'));
    const expected = outcome(() => fitCandidates(['paretonbd'], none, {}).fit('paretonbd'));
    expect(thrown).toHaveProperty('error');
    expect((thrown as { error: unknown }).error).toBeInstanceOf(ModelError);
    expectIdentical(thrown, expected);
    expect(fitPurchaseModels(PURCHASE_MODEL_NAMES, none, {}, parallel).failures.map((f) => f.model)).toEqual(PURCHASE_MODEL_NAMES);
  });

  it('fits on this thread when the worker module is missing or fails to load: the same results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-fit-worker-'));
    try {
      const missing = { threads: 2, minCustomers: 0, workerUrl: pathToFileURL(join(dir, 'fit-worker.js')) };
      expect(fitCandidates(PURCHASE_MODEL_NAMES, cdnow, {}, missing).threads.size).toBe(0);
      expectSameFits(cdnow, missing);
      writeFileSync(join(dir, 'broken.mjs'), "throw new Error('cannot load');\n");
      const broken = { threads: 2, minCustomers: 0, workerUrl: pathToFileURL(join(dir, 'broken.mjs')) };
      const candidates = fitCandidates(PURCHASE_MODEL_NAMES, cdnow, {}, broken);
      // the worker's models were not fitted ahead: this thread fits them when asked
      expect([...candidates.threads.values()].every((id) => id === threadId)).toBe(true);
      expect(candidates.threads.has('paretonbd')).toBe(false);
      expectSameFits(cdnow, broken);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shares the fits from 50,000 customers by default, with the same results', () => {
    const sample = paretonbd.simulate({ r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 }, { customers: 50_000, T: 39 }, createRng(7));
    const input = inputOf(sample.frequency, sample.recency, sample.T, Array.from(sample.frequency, (x, i) => (x > 0 ? 20 + (i % 17) : 0)));
    const parallel = { workerUrl: compiledModule('value/fit-worker.js') };
    const candidates = fitCandidates(PURCHASE_MODEL_NAMES, input, {}, { ...parallel, threads: 2 });
    expect(candidates.threads.get('paretonbd')).not.toBe(threadId);
    for (const name of PURCHASE_MODEL_NAMES) expectIdentical(candidates.fit(name), fitCandidates([name], input, {}).fit(name));
    const fewer = { ...input, frequency: input.frequency.subarray(1), recency: input.recency.subarray(1), T: input.T.subarray(1), ids: input.ids.slice(1) };
    expect(fitCandidates(PURCHASE_MODEL_NAMES, fewer, {}, { ...parallel, threads: 2 }).threads.size).toBe(0);
  });

  it('fits one after another with one thread, one model, or invalid data', () => {
    const url = compiledModule('value/fit-worker.js');
    expect(fitCandidates(PURCHASE_MODEL_NAMES, cdnow, {}, { threads: 1, minCustomers: 0, workerUrl: url }).threads.size).toBe(0);
    expect(fitCandidates(['paretonbd'], cdnow, {}, { threads: 2, minCustomers: 0, workerUrl: url }).threads.size).toBe(0);
    const invalid = { ...cdnow, recency: cdnow.T.map((t) => t + 1) };
    expect(fitCandidates(PURCHASE_MODEL_NAMES, invalid, {}, { threads: 2, minCustomers: 0, workerUrl: url }).threads.size).toBe(0);
    expectSameFits(invalid, { threads: 2, minCustomers: 0, workerUrl: url });
  });
});
