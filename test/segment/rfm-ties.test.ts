/**
 * Issue 18.6: on CDNOW half the customers bought once, so F = 2 is skipped. The scores keep the tie rule of R's
 * rfm package (checked here against an independent implementation of it), and the skipped score is shown as
 * merged: in the score bands, the grid and the terminal report.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rfGrid } from '../../src/segment/rfm.js';
import { runCli } from '../helpers/run-cli.js';
import { sharedData } from '../helpers/data.js';

/** Quantile type 7 (R's default). */
function quantile7(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
}

/**
 * The F score of R's rfm package (0.3.0, rfm_prep_bins with utils.R's bins/bins_lower/bins_upper): breaks
 * b_k = quantile(x, k/bins) + 1 for k = 1..bins−1, lower = (min, b_1..), upper = (.., b_{bins−1}, max + 1);
 * score i when lower_i <= x < upper_i. Equal breaks make an empty interval: a skipped score.
 */
function rfmPackageScores(values: number[], bins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const breaks = Array.from({ length: bins - 1 }, (_, k) => quantile7(sorted, (k + 1) / bins) + 1);
  const lower = [sorted[0], ...breaks];
  const upper = [...breaks, sorted[sorted.length - 1] + 1];
  return values.map((x) => lower.findIndex((lo, i) => x >= lo && x < upper[i]) + 1);
}

describe('skipped scores (ties)', () => {
  it('CDNOW master: F = 2 is empty in R\'s rfm package too; our F equals its F, and F = 2 is shown merged into 1', async () => {
    const transactions = new Map<string, number>();
    const lines = readFileSync(sharedData('cdnow_master_transactions.csv'), 'utf8').split('\n').slice(1).filter((l) => l !== '');
    for (const line of lines) {
      const id = line.slice(0, line.indexOf(','));
      transactions.set(id, (transactions.get(id) ?? 0) + 1);
    }
    const f = [...transactions.values()];
    expect(f).toHaveLength(23570);
    const rScores = rfmPackageScores(f, 5);
    const rCounts = [1, 2, 3, 4, 5].map((s) => rScores.filter((x) => x === s).length);
    // 11,908 of 23,570 bought once (50.5%): quantiles at 20% and 40% are both 1, so R's breaks are 2, 2, 3, 5
    // and [2, 2) is empty.
    expect(rCounts).toEqual([11908, 0, 4079, 3658, 3925]);

    const r = await runCli(['segment', '--sales', sharedData('cdnow_master_transactions.csv'), '--no-clusters', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // Ours: score = 1 + floor(5 × below / n); for 2 transactions below = 11,908 → 1 + floor(2.526) = 3.
    expect(doc.scores.F.map((b: { customers: number }) => b.customers)).toEqual(rCounts);
    expect(doc.scores.F[0]).toMatchObject({ score: 1, min: 1, max: 1, through: 2, mergedInto: null });
    expect(doc.scores.F[1]).toMatchObject({ score: 2, customers: 0, through: null, mergedInto: 1 });
    expect(doc.scores.F[2]).toMatchObject({ score: 3, min: 2, max: 2, through: 3, mergedInto: null });
    for (const cell of doc.grid.filter((c: { F: number }) => c.F === 2)) expect(cell).toMatchObject({ customers: 0, mergedInto: { R: cell.R, F: 1 } });
    expect(doc.grid.filter((c: { mergedInto: unknown }) => c.mergedInto !== null)).toHaveLength(5);
  }, 60_000);

  it('the grid marks the cells of a skipped score and the terminal report explains it', async () => {
    // F: 1, 1, 2 over 3 customers → below 0, 0, 2 → scores 1, 1, 1 + floor(2 × 2/3) = 2 with 2 bins: nothing
    // skipped. With 3 customers and 3 bins, 1, 1, 2 → 1, 1, 1 + floor(3 × 2/3) = 3: score 2 skipped.
    const grid = rfGrid([3, 3, 3], [1, 1, 3], [10, 20, 30], 3);
    expect(grid.find((c) => c.R === 3 && c.F === 2)).toEqual({ R: 3, F: 2, customers: 0, meanMonetary: null, mergedInto: { R: 3, F: 1 } });
    expect(grid.find((c) => c.R === 3 && c.F === 1)?.mergedInto).toBeNull();
    // R = 1 and 2 are not used either (everyone bought on the same day: R = 3 for all), and nothing is below
    // them to merge into: left null.
    expect(grid.find((c) => c.R === 2 && c.F === 2)?.mergedInto).toBeNull();

    const dir = mkdtempSync(join(tmpdir(), 'crm-rfm-'));
    const file = join(dir, 'sales.csv');
    // Transactions: a..f one each (6 of 10), g, h two, i, j three: F = 1 for 60%, then 1 + floor(5 × 6/10) = 4
    // and 1 + floor(5 × 8/10) = 5. Scores 2 and 3 are skipped, merged into 1.
    const rows = ['customer_id,date,amount'];
    const counts: Record<string, number> = { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 2, h: 2, i: 3, j: 3 };
    for (const [id, n] of Object.entries(counts)) for (let k = 0; k < n; k++) rows.push(`${id},2024-01-0${k + 1},10`);
    writeFileSync(file, rows.join('\n') + '\n');
    const out = await runCli(['segment', '--sales', file, '--no-clusters', '--format', 'table']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/│ F=1–3 +│ F=2 \(→1\) +│ F=3 \(→1\) +│ F=4 +│ F=5 +│/);
    expect(out.stdout).toMatch(/F=2, F=3 are not used: F=1 \(6 customers, 60\.0%, 1 transaction\) stands for F=1–3\. Tied customers share a score and the scores a tie spans are skipped, as in R's rfm package/);
  });
});
