/**
 * The scores file on two threads (src/report/csv/score-parallel.ts): the first rows written here and the text
 * the worker makes of the last rows give the file written on one thread, byte for byte, whatever the values
 * (numbers of every kind, null, undefined, NaN, infinities, -0, text to quote or to make formula-safe,
 * columns mixing numbers and text); the worker is really used when asked; a worker that fails, a missing
 * module, one thread or few rows give the same text.
 *
 * The worker runs src/ compiled into a temporary folder (test/helpers/compiled.ts), not dist/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { csvLine, type CsvValue } from '../../src/report/csv/line.js';
import { scoreRow, type ScoreTable } from '../../src/report/csv/report.js';
import { scoreColumns, scoreTailAhead, scoreText, type ScoreParallelSettings } from '../../src/report/csv/score-parallel.js';
import { compiledModule, removeCompiled } from '../helpers/compiled.js';

afterAll(() => removeCompiled());

const worker = (more: ScoreParallelSettings = {}): ScoreParallelSettings => ({ threads: 2, minRows: 0, workerUrl: compiledModule('report/csv/score-worker.js'), ...more });

/** A table of `n` rows whose columns hold every kind of value a CSV cell can get. */
function table(n: number): ScoreTable {
  const rng = createRng(3);
  const odd: CsvValue[] = [null, undefined, Number.NaN, Infinity, -Infinity, -0, 0, 1e-7, 1.5e-300, 123456789012.4, 1 / 3, -2 / 3, 2 ** 53, 1e21, 0.1 + 0.2];
  const texts = ['plain', 'with, comma', 'with "quote"', '=SUM(A1)', '+1', '-x', '@me', '\tTab', 'line\nbreak', '', 'é ü 中'];
  const make = (f: (i: number) => CsvValue): CsvValue[] => Array.from({ length: n }, (_, i) => f(i));
  const data = [
    make((i) => `C${i}`),
    make(() => rng.uniform() * 1000),
    make(() => Math.floor(rng.uniform() * 20)),
    make(() => (rng.uniform() < 0.3 ? odd[Math.floor(rng.uniform() * odd.length)] : rng.uniform())),
    make(() => texts[Math.floor(rng.uniform() * texts.length)]),
    make(() => (rng.uniform() < 0.5 ? texts[Math.floor(rng.uniform() * texts.length)] : rng.uniform() < 0.5 ? rng.uniform() : null)),
    make(() => (rng.uniform() < 0.5 ? true : false)),
    make((i) => (i % 2 === 0 ? undefined : null)),
    make(() => '2024-12-31'),
  ];
  return { header: data.map((_, j) => `col_${j}`), length: n, columns: data.map((values) => (i: number) => values[i]) };
}

/** The file as written on one thread. */
function sequential(t: ScoreTable, formulaSafe: boolean): string {
  let out = csvLine(t.header, formulaSafe);
  for (let i = 0; i < t.length; i++) out += csvLine(scoreRow(t, i), formulaSafe);
  return out;
}

/** The file as the report writes it: the first rows here, then the worker's text. */
function twoThreads(t: ScoreTable, formulaSafe: boolean, settings: ScoreParallelSettings): { text: string; thread?: number; from?: number } {
  const tail = scoreTailAhead(t, formulaSafe, settings);
  let out = csvLine(t.header, formulaSafe);
  for (let i = 0; i < (tail?.from ?? t.length); i++) out += csvLine(scoreRow(t, i), formulaSafe);
  out += (tail?.pieces() ?? []).join('');
  return { text: out, thread: tail?.thread, from: tail?.from };
}

describe('the scores file on two threads', () => {
  const t = table(5000);

  it('is the file written on one thread, byte for byte, with the last rows made by the worker', () => {
    for (const formulaSafe of [true, false]) {
      const run = twoThreads(t, formulaSafe, worker());
      expect(run.text).toBe(sequential(t, formulaSafe));
      expect(run.from).toBe(2500);
      expect(run.thread).toBeDefined();
      expect(run.thread).not.toBe(threadId);
    }
    const other = twoThreads(t, true, worker({ workerShare: 0.9 }));
    expect(other.from).toBe(500);
    expect(other.text).toBe(sequential(t, true));
  });

  it('stores number columns as numbers and others as they are; the text of columns is the text of the rows', () => {
    const columns = scoreColumns(t, 100, 300);
    expect(columns.map((c) => ('numbers' in c ? 'numbers' : 'values'))).toEqual(['values', 'numbers', 'numbers', 'numbers', 'values', 'values', 'values', 'numbers', 'values']);
    let rows = '';
    for (let i = 100; i < 300; i++) rows += csvLine(scoreRow(t, i), true);
    expect(scoreText(columns, 200, true).join('')).toBe(rows);
  });

  it('gives the same file with one thread, few rows, a missing or failing worker module', () => {
    expect(scoreTailAhead(t, true, worker({ threads: 1 }))).toBeNull();
    expect(scoreTailAhead(t, true, worker({ minRows: 5001 }))).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'crm-scoreworker-'));
    try {
      expect(scoreTailAhead(t, true, worker({ workerUrl: pathToFileURL(join(dir, 'none.js')) }))).toBeNull();
      const failing = join(dir, 'failing.mjs');
      writeFileSync(failing, 'throw new Error("cannot load");\n');
      const run = twoThreads(t, true, worker({ workerUrl: pathToFileURL(failing) }));
      expect(run.thread).toBeUndefined();
      expect(run.text).toBe(sequential(t, true));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
