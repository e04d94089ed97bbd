/** crm fit, value and validate end to end: published fits, parameter recovery, CLV by hand, holdout counts. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture, readSharedCsv, readSimpleCsv, sharedData } from '../helpers/data.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import * as gammagamma from '../../src/models/gamma-gamma.js';

const cdnow = ['--sales', sharedData('cdnow_sample_transactions.csv'), '--period', 'week'];
const json = async (args: string[]) => {
  const r = await runCli([...args, '--format', 'json']);
  expect(r.stderr.match(/crm: error/) ? r.stderr : '').toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

describe('crm fit reproduces the published fits', () => {
  it('BG/NBD and Pareto/NBD on the CDNOW calibration period', async () => {
    const bg = await json(['fit', '--model', 'bgnbd', ...cdnow, '--as-of', '1997-09-30']);
    expect(bg.params.r).toBeCloseTo(0.243, 3);
    expect(bg.params.alpha).toBeCloseTo(4.414, 2);
    expect(bg.params.a).toBeCloseTo(0.793, 3);
    expect(bg.params.b).toBeCloseTo(2.426, 2);
    expect(bg.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(bg.n).toBe(2357);
    expect(bg.period).toEqual({ name: 'week', days: 7 });
    const pnbd = await json(['fit', '--model', 'paretonbd', ...cdnow, '--as-of', '1997-09-30']);
    expect(pnbd.params.r).toBeCloseTo(0.553, 3);
    expect(pnbd.params.alpha).toBeCloseTo(10.578, 1);
    expect(pnbd.params.s).toBeCloseTo(0.606, 2);
    expect(pnbd.params.beta).toBeCloseTo(11.669, 0);
    expect(pnbd.logLikelihood).toBeCloseTo(-9595.0, 1);
  });
  it('Gamma-Gamma from the published summary file with column mapping, BG/BB on the donations', async () => {
    const gg = await json(['fit', '--model', 'gammagamma', '--summary', sharedData('cdnow_customers_summary_with_transactions.csv'), '--map', 'customer_id=ID,frequency=x,recency=t_x,monetary_value=zbar']);
    expect(gg.params.p).toBeCloseTo(6.25, 1);
    expect(gg.params.q).toBeCloseTo(3.74, 1);
    expect(Math.abs(gg.params.gamma - 15.44)).toBeLessThan(0.01);
    const bb = await json(['fit', '--model', 'bgbb', '--summary', sharedData('donations.csv')]);
    expect(bb.params.alpha).toBeCloseTo(1.204, 2);
    expect(bb.params.beta).toBeCloseTo(0.75, 2);
    expect(bb.params.gamma).toBeCloseTo(0.657, 2);
    expect(bb.params.delta).toBeCloseTo(2.783, 1);
    expect(bb.logLikelihood).toBeCloseTo(-33225.6, 1);
  });
  it('auto compares the purchase models by BIC', async () => {
    const auto = await json(['fit', ...cdnow, '--as-of', '1997-09-30']);
    const bics = auto.comparison.map((c: { bic: number }) => c.bic);
    expect(bics).toEqual([...bics].sort((a: number, b: number) => a - b));
    expect(auto.comparison.map((c: { model: string }) => c.model).sort()).toEqual(['bgnbd', 'mbgnbd', 'paretonbd']);
  });
});

describe('parameter recovery from crm generate', () => {
  it('BG/NBD and Gamma-Gamma recover the stated parameters within their 95% intervals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-recover-'));
    expect((await runCli(['generate', '--customers', '4000', '--seed', '5', '--out', dir])).code).toBe(0);
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
    const bg = await json(['fit', '--model', 'bgnbd', '--sales', join(dir, 'sales.csv')]);
    for (const k of ['r', 'alpha', 'a', 'b']) {
      expect(truth.bgnbd[k], k).toBeGreaterThan(bg.intervals[k][0]);
      expect(truth.bgnbd[k], k).toBeLessThan(bg.intervals[k][1]);
    }
    const gg = await json(['fit', '--model', 'gammagamma', '--sales', join(dir, 'sales.csv')]);
    for (const k of ['p', 'q', 'gamma']) {
      expect(truth.gammagamma[k], k).toBeGreaterThan(gg.intervals[k][0]);
      expect(truth.gammagamma[k], k).toBeLessThan(gg.intervals[k][1]);
    }
  });
});

describe('crm value', () => {
  it('CLV over one month equals E[X(month)] x spend x margin / (1 + monthly rate), for every customer', async () => {
    const doc = await json(['value', '--sales', fixture('sales.csv'), '--period', 'week', '--horizon', '1', '--horizon-unit', 'month', '--discount-rate', '0.12', '--margin', '0.4']);
    const monthWeeks = 365.25 / 12 / 7;
    const rate = 1.12 ** (365.25 / 12 / 365.25) - 1;
    expect(doc.discount.perStep).toBeCloseTo(rate, 12);
    const p = doc.purchaseModel.params;
    const s = doc.spendModel.params;
    for (const c of doc.customers.slice(0, 50)) {
      const x = bgnbd.expectedTransactions(p, monthWeeks, c.frequency, c.recency, c.T);
      const spend = c.frequency > 0 ? gammagamma.expectedSpend(s, c.frequency, Number(readCell(c.customer_id))) : gammagamma.populationMeanSpend(s);
      expect(c.clv).toBeCloseTo((x * spend * 0.4) / (1 + rate), 6);
    }
    expect(doc.equity).toBeCloseTo(doc.customers.reduce((t: number, c: { clv: number }) => t + c.clv, 0), 4);
  });
  it('twelve monthly steps discount each month at its end; a saved model gives the same values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-value-'));
    const model = join(dir, 'model.json');
    await json(['fit', '--model', 'bgnbd', '--sales', fixture('sales.csv'), '--period', 'week', '--save', model]);
    const fitted = await json(['value', '--sales', fixture('sales.csv'), '--period', 'week', '--margin', '0.3']);
    const reused = await json(['value', '--sales', fixture('sales.csv'), '--model-file', model, '--margin', '0.3']);
    expect(reused.equity).toBeCloseTo(fitted.equity, 6);
    const c = fitted.customers[3];
    const p = fitted.purchaseModel.params;
    const step = 365.25 / 12 / 7;
    const rate = 1.1 ** (1 / 12) - 1;
    let npv = 0;
    for (let k = 1; k <= 12; k++) npv += (bgnbd.expectedTransactions(p, k * step, c.frequency, c.recency, c.T) - bgnbd.expectedTransactions(p, (k - 1) * step, c.frequency, c.recency, c.T)) / (1 + rate) ** k;
    expect(c.clv).toBeCloseTo(npv * c.expected_spend * 0.3, 8);
  });
  it('--collected lowers equity by the customers\' collection rates; --retention-uplift raises it', async () => {
    const doc = await json(['value', '--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--collected', '--retention-uplift', '0.05', '--period', 'week']);
    expect(doc.collected.equity).toBeLessThan(doc.equity);
    expect(doc.collected.removed).toBeCloseTo(doc.equity - doc.collected.equity, 6);
    expect(doc.whatIf.baselineEquityAfter).toBeGreaterThan(doc.whatIf.baselineEquity);
    expect(doc.whatIf.modelEquityAfter).toBeGreaterThan(doc.equity);
    expect(doc.segments.length).toBeGreaterThan(5);
  });
  it('refuses --collected without payments', async () => {
    const r = await runCli(['value', '--sales', fixture('sales.csv'), '--collected']);
    expect(r.code).toBe(2);
  });
});

// The mean repeat spend of a fixture customer, from crm summary, for the hand check above.
const fixtureSummary = new Map<string, string>();
function readCell(id: string): string {
  if (fixtureSummary.size === 0) {
    const text = readFileSync(fixture('sales.csv'), 'utf8');
    const rows = readSimpleCsv(text);
    const days = new Map<string, Map<string, number>>();
    for (const r of rows) {
      if (!days.has(r.customer_id)) days.set(r.customer_id, new Map());
      const m = days.get(r.customer_id)!;
      m.set(r.date, (m.get(r.date) ?? 0) + Number(r.amount));
    }
    for (const [cid, m] of days) {
      // Purchase days: days with a non-negative line; a return-only day is not a purchase.
      const purchaseDays = new Set(rows.filter((r) => r.customer_id === cid && Number(r.amount) >= 0).map((r) => r.date));
      const sorted = [...purchaseDays].sort();
      const repeat = sorted.slice(1).map((d) => m.get(d)!);
      fixtureSummary.set(cid, String(repeat.length ? repeat.reduce((a, b) => a + b, 0) / repeat.length : 0));
    }
  }
  return fixtureSummary.get(id)!;
}

describe('crm validate on CDNOW (weeks 1-39 calibration, 40-78 holdout)', () => {
  it('counts the actual holdout purchases independently and reports both models', async () => {
    const doc = await json(['validate', ...cdnow, '--calibration-end', '1997-09-30', '--as-of', '1998-06-30']);
    const rows = readSharedCsv('cdnow_sample_transactions.csv');
    const holdout = new Set(rows.filter((r) => r.date > '1997-09-30').map((r) => `${r.customer_id}|${r.date}`));
    expect(doc.models.map((m: { model: { model: string } }) => m.model.model)).toEqual(['bgnbd', 'paretonbd']);
    for (const m of doc.models) {
      expect(m.totals.actual).toBe(holdout.size);
      expect(m.groups.reduce((s: number, g: { customers: number }) => s + g.customers, 0)).toBe(2357);
      const predicted = m.groups.reduce((s: number, g: { customers: number; predicted: number }) => s + g.customers * g.predicted, 0);
      expect(predicted).toBeCloseTo(m.totals.predicted, 6);
      // Within 15% of the actual total, as in the paper's holdout comparison.
      expect(Math.abs(m.totals.error) / m.totals.actual).toBeLessThan(0.15);
      expect(m.tracking).toHaveLength(78);
      // Cumulative repeat purchases at week 78 = distinct (customer, day) pairs minus each customer's first day.
      const distinctDays = new Set(rows.map((r) => `${r.customer_id}|${r.date}`)).size;
      expect(m.tracking[77].actual).toBe(distinctDays - new Set(rows.map((r) => r.customer_id)).size);
    }
    expect(doc.spend.customers).toBeGreaterThan(400);
  });
});

describe('Gamma-Gamma with customers whose returns exceed their repeat purchases', () => {
  it('leaves them out of the spend fit with a note, values them at the population mean, and fits the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-gg-'));
    const path = join(dir, 'sales.csv');
    // Z1 repeats once on 2024-02-01 with a purchase of 10 and a return of 30 that day: mean repeat spend -20.
    const extra = ['Z1-1,Z1,2024-01-02,x,1,50,,web', 'Z1-2,Z1,2024-02-01,x,1,10,,web', 'Z1-3,Z1,2024-02-01,x,1,-30,,web'].join('\n');
    writeFileSync(path, `${readFileSync(fixture('sales.csv'), 'utf8').trimEnd()}\n${extra}\n`);
    const fit = await runCli(['fit', '--model', 'gammagamma', '--sales', path, '--period', 'week', '--format', 'json']);
    expect(fit.code).toBe(0);
    expect(fit.stderr).toMatch(/note: gammagamma: 1 of \d+ repeat customers have a mean repeat spend <= 0/);
    const alone = await json(['fit', '--model', 'gammagamma', '--sales', fixture('sales.csv'), '--period', 'week']);
    // the same customers as the fixtures' (Z1 left out): the same estimates
    expect(JSON.parse(fit.stdout).params).toEqual(alone.params);
    const value = await runCli(['value', '--model', 'bgnbd', '--sales', path, '--period', 'week', '--format', 'json']);
    expect(value.code).toBe(0);
    const doc = JSON.parse(value.stdout);
    expect(doc.spendModel).not.toBeNull();
    const z1 = doc.customers.find((c: { customer_id: string }) => c.customer_id === 'Z1');
    const { p, q, gamma } = alone.params;
    expect(z1.expected_spend).toBeCloseTo((p * gamma) / (q - 1), 6);
  });
});
