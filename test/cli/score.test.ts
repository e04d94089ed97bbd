/**
 * crm score: the same numbers as crm value on the same data and models, the short-horizon probabilities
 * against hand computations, the period check, stdin, NDJSON, bad rows, Pareto/NBD refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';
import { createScorer, probabilityOfPurchaseWithin } from '../../src/score/score.js';
import { valuePortfolio } from '../../src/value/value.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import * as mbgnbd from '../../src/models/mbg-nbd.js';
import type { FittedModel } from '../../src/models/types.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-score-'));
const summary = join(dir, 'summary.csv');
const bg = join(dir, 'bg.json');
const mbg = join(dir, 'mbg.json');
const gg = join(dir, 'gg.json');
type Row = Record<string, string>;

beforeAll(async () => {
  const s = await runCli(['summary', '--sales', fixture('sales.csv'), '--period', 'week', '-f', 'csv', '-q']);
  expect(s.code, s.stderr).toBe(0);
  writeFileSync(summary, s.stdout);
  for (const [model, file] of [['bgnbd', bg], ['mbgnbd', mbg], ['gammagamma', gg]]) {
    const r = await runCli(['fit', '--model', model, '--summary', summary, '--period', 'week', '--save', file, '-f', 'json', '-q']);
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (csv: string): Row[] => parse(csv, { columns: true }) as Row[];

describe('crm score', () => {
  it('gives crm value\'s P(alive), expected transactions, spend and CLV on the same data and models', async () => {
    const horizon = ['--horizon', '12', '--horizon-unit', 'month'];
    const score = await runCli(['score', '--summary', summary, '--model-file', bg, '--spend-model-file', gg, ...horizon]);
    expect(score.code, score.stderr).toBe(0);
    const value = await runCli(['value', '--summary', summary, '--model-file', bg, '--period', 'week', ...horizon, '-f', 'csv', '-q']);
    expect(value.code, value.stderr).toBe(0);
    const ours = rows(score.stdout);
    const theirs = new Map(rows(value.stdout).map((r) => [r.customer_id, r]));
    expect(ours.length).toBe(300);
    expect(theirs.size).toBe(300);
    for (const o of ours) {
      const v = theirs.get(o.customer_id)!;
      // The purchase model is the same saved file: the printed numbers are the same strings.
      expect(o.p_alive, o.customer_id).toBe(v.p_alive);
      expect(o.expected_purchases, o.customer_id).toBe(v.expected_transactions);
      // crm value refits the Gamma-Gamma model in memory; the saved file has its parameters to 12 digits.
      expect(Number(o.expected_spend)).toBeCloseTo(Number(v.expected_spend), 8);
      expect(Math.abs(Number(o.clv) - Number(v.clv))).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(Number(v.clv))));
    }
    expect(score.stderr).toMatch(/over 12 month\(s\) = 52\.1786 weeks/);
  });

  it('is exactly valuePortfolio (the library) with the same models', () => {
    const load = (f: string): FittedModel => JSON.parse(readFileSync(f, 'utf8')) as FittedModel;
    const data = rows(readFileSync(summary, 'utf8'));
    const input = {
      ids: data.map((r) => r.customer_id),
      frequency: Float64Array.from(data, (r) => Number(r.frequency)),
      recency: Float64Array.from(data, (r) => Number(r.recency)),
      T: Float64Array.from(data, (r) => Number(r.T)),
      monetaryValue: Float64Array.from(data, (r) => Number(r.monetary_value)),
      revenue: null,
      margin: null,
      holdout: null,
    };
    for (const file of [bg, mbg]) {
      const settings = { purchaseModel: load(file), spendModel: load(gg), periodDays: 7, horizonSteps: 4, stepDays: 365.25 / 4, annualDiscountRate: 0.12, marginShare: 0.3 };
      const value = valuePortfolio(input, { asOf: '', period: { name: 'week', days: 7 }, purchaseModel: settings.purchaseModel, spendModel: settings.spendModel, horizonSteps: 4, stepDays: 365.25 / 4, stepName: 'quarter', annualDiscountRate: 0.12, margin: { share: 0.3, source: 'test' } });
      const score = createScorer(settings);
      value.customers.forEach((c, i) => {
        const s = score({ id: input.ids[i], frequency: input.frequency[i], recency: input.recency[i], T: input.T[i], monetary: input.monetaryValue[i] });
        expect(s.pAlive).toBe(c.pAlive);
        expect(s.expectedPurchases).toBe(c.expectedTransactions);
        expect(s.expectedSpend).toBe(c.expectedSpend);
        expect(s.clv).toBe(c.clv);
      });
    }
  });

  it('P(purchase within t) by hand', () => {
    const p = { r: 0.5, alpha: 2, a: 0.8, b: 2.5 };
    // BG/NBD, x = 2, t_x = 6, T = 10, t = 30/7 weeks.
    const t = 30 / 7;
    const alive = 1 / (1 + (0.8 / (2.5 + 2 - 1)) * ((2 + 10) / (2 + 6)) ** (0.5 + 2));
    const hand = alive * (1 - ((2 + 10) / (2 + 10 + t)) ** (0.5 + 2));
    expect(probabilityOfPurchaseWithin('bgnbd', p, t, 2, 6, 10)).toBeCloseTo(hand, 14);
    // MBG/NBD: P(alive) has b + x, and is below 1 for x = 0.
    const aliveM = 1 / (1 + (0.8 / (2.5 + 0)) * ((2 + 10) / (2 + 0)) ** 0.5);
    expect(probabilityOfPurchaseWithin('mbgnbd', p, t, 0, 0, 10)).toBeCloseTo(aliveM * (1 - (12 / (12 + t)) ** 0.5), 14);
    // A new customer (T = 0): 1 − P(X(t) = 0) of the models' own eq. (8) and its MBG/NBD analogue.
    for (const days of [1, 30, 90, 365]) {
      expect(probabilityOfPurchaseWithin('bgnbd', p, days / 7, 0, 0, 0)).toBeCloseTo(1 - bgnbd.probabilityOfPurchases(p, days / 7, 0), 13);
      expect(probabilityOfPurchaseWithin('mbgnbd', p, days / 7, 0, 0, 0)).toBeCloseTo(1 - mbgnbd.probabilityOfPurchases(p, days / 7, 0), 13);
    }
    // Small t keeps relative precision: ≈ P(alive)·(r + x)·t/(α + T).
    expect(probabilityOfPurchaseWithin('bgnbd', p, 1e-12, 2, 6, 10) / (alive * 2.5 * 1e-12 / 12)).toBeCloseTo(1, 9);
  });

  it('prints p_purchase_30d/90d of the hand formula with the saved parameters', async () => {
    const r = await runCli(['score', '--summary', summary, '--model-file', mbg, '-q']);
    expect(r.code, r.stderr).toBe(0);
    const params = (JSON.parse(readFileSync(mbg, 'utf8')) as FittedModel).params;
    const monetary = new Map(rows(readFileSync(summary, 'utf8')).map((s) => [s.customer_id, s.monetary_value]));
    for (const o of rows(r.stdout).slice(0, 20)) {
      const [x, tx, T] = [Number(o.frequency), Number(o.recency), Number(o.T)];
      const alive = 1 / (1 + (params.a / (params.b + x)) * ((params.alpha + T) / (params.alpha + tx)) ** (params.r + x));
      for (const [col, days] of [['p_purchase_30d', 30], ['p_purchase_90d', 90]] as const) {
        const hand = alive * (1 - ((params.alpha + T) / (params.alpha + T + days / 7)) ** (params.r + x));
        expect(Number(o[col])).toBeCloseTo(hand, 10);
      }
      // Without a spend model, the customer's own monetary value.
      expect(Number(o.expected_spend)).toBe(Number(monetary.get(o.customer_id)));
    }
    expect(r.stdout.split('\n')[0]).toBe('customer_id,frequency,recency,T,p_alive,expected_purchases,p_purchase_30d,p_purchase_90d,expected_spend,clv');
  });

  it('reads stdin and writes NDJSON', async () => {
    const r = await runCli(['score', '--summary', '-', '--model-file', bg, '-f', 'ndjson', '-q'], { stdin: readFileSync(summary) });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(300);
    expect(Object.keys(lines[0])).toContain('p_purchase_90d');
  });

  it('refuses a summary in another period than the model, and Pareto/NBD', async () => {
    const r = await runCli(['score', '--summary', summary, '--model-file', bg, '--period', 'day']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fitted in weeks \(7 days\) but --period is day/);
    const pareto = join(dir, 'pareto.json');
    writeFileSync(pareto, JSON.stringify({ ...JSON.parse(readFileSync(bg, 'utf8')), model: 'paretonbd', params: { r: 1, alpha: 1, s: 1, beta: 1 } }));
    const p = await runCli(['score', '--summary', summary, '--model-file', pareto]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/Pareto\/NBD is not supported yet/);
    const g = await runCli(['score', '--summary', summary, '--model-file', gg]);
    expect(g.code).toBe(2);
  });

  it('stops at a bad row with its position, or skips it with --skip-invalid', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'customer_id,frequency,recency,T\nA,1,2,3\nB,2,9,3\nC,0,0,1\n');
    const r = await runCli(['score', '--summary', bad, '--model-file', bg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv:3:3: recency 9 is greater than T 3/);
    const s = await runCli(['score', '--summary', bad, '--model-file', bg, '--skip-invalid']);
    expect(s.code, s.stderr).toBe(0);
    expect(rows(s.stdout).map((o) => o.customer_id)).toEqual(['A', 'C']);
    expect(s.stderr).toMatch(/read 3, scored 2, rejected 1/);
  });
});
