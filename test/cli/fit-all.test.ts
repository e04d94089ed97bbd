/**
 * crm fit --model all: every purchase model fitted, compared by LL, AIC and BIC, each with its parameters;
 * with --calibration-end, each model's holdout errors, equal to crm validate's.
 */
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

const sales = ['--sales', fixture('sales.csv'), '-q'];
type Comparison = { model: string; logLikelihood: number; aic: number; bic: number; holdoutMae?: number; holdoutRmse?: number; holdoutPredicted?: number; holdoutActual?: number };

describe('crm fit --model all', () => {
  it('compares every purchase model with its holdout errors, the same as crm validate', async () => {
    const split = ['--calibration-end', '2025-06-30', '--period', 'week'];
    const fit = await runCli(['fit', '--model', 'all', ...sales, ...split, '-f', 'json']);
    expect(fit.code, fit.stderr).toBe(0);
    const doc = JSON.parse(fit.stdout) as { model: string; comparison: Comparison[]; models: { model: string; params: Record<string, number>; logLikelihood: number }[] };
    expect(doc.comparison.map((c) => c.model).sort()).toEqual(['bgnbd', 'mbgnbd', 'paretonbd']);
    expect(doc.models.map((m) => m.model)).toEqual(doc.comparison.map((c) => c.model));
    expect(doc.model).toBe(doc.comparison[0].model);
    // BIC = -2 LL + k ln n, four parameters each
    for (const m of doc.models) expect(Object.keys(m.params)).toHaveLength(m.model === 'ggompertz' ? 5 : 4);
    const validate = await runCli(['validate', ...sales, ...split, '--model', 'bgnbd,paretonbd,mbgnbd', '-f', 'json']);
    expect(validate.code, validate.stderr).toBe(0);
    const checked = JSON.parse(validate.stdout).models as { model: { model: string; logLikelihood: number }; mae: number; rmse: number; totals: { actual: number; predicted: number } }[];
    for (const c of doc.comparison.filter((m) => m.model !== 'ggompertz')) {
      const v = checked.find((m) => m.model.model === c.model)!;
      expect(c.logLikelihood).toBeCloseTo(v.model.logLikelihood, 6);
      expect(c.holdoutMae).toBeCloseTo(v.mae, 9);
      expect(c.holdoutRmse).toBeCloseTo(v.rmse, 9);
      expect(c.holdoutPredicted).toBeCloseTo(v.totals.predicted, 6);
      expect(c.holdoutActual).toBe(v.totals.actual);
    }
  });

  it('prints the comparison and every model\'s parameters; without a split, no holdout columns', async () => {
    const table = await runCli(['fit', '--model', 'all', ...sales, '-f', 'table']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Purchase models compared by BIC');
    expect(table.stdout).not.toContain('holdout MAE');
    for (const model of ['bgnbd', 'paretonbd', 'mbgnbd']) expect(table.stdout).toMatch(new RegExp(`^${model} fitted to 300 customers`, 'm'));
    const split = await runCli(['fit', '--model', 'all', ...sales, '--calibration-end', '2025-06-30', '-f', 'table']);
    expect(split.stdout).toContain('holdout MAE');
    const csv = await runCli(['fit', '--model', 'all', ...sales, '-f', 'csv']);
    expect(new Set(csv.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(['bgnbd', 'paretonbd', 'mbgnbd']));
  });
});
