/**
 * Diagnostic plots: the frequency/recency matrix holds the model's own predictions; every plot's SVG holds
 * the values it plots (read back from its tooltips); crm validate --plots writes them as stand-alone files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PURCHASE_MODELS } from '../../src/models/registry.js';
import type { FittedModel } from '../../src/models/types.js';
import { calibrationChart, clvIntervalChart, frequencyRecencyHeatmap, standaloneSvg, trackingChart } from '../../src/report/html/diagnostics.js';
import { frequencyRecencyMatrix, incrementalTracking } from '../../src/value/diagnostics.js';
import type { ModelValidation, TrackingPoint } from '../../src/value/validate.js';
import { fixture } from '../helpers/data.js';
import { fixed } from '../../src/report/format.js';
import { runCli } from '../helpers/run-cli.js';

/** CDNOW's BG/NBD parameters (Fader, Hardie & Lee 2005), weekly. */
const bgnbd = { model: 'bgnbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } } as unknown as FittedModel;
const titles = (svg: string, tag: string): string[] => [...svg.matchAll(new RegExp(`<${tag} [^>]*><title>([^<]*)</title></${tag}>`, 'g'))].map((m) => m[1]);

describe('frequency/recency matrix', () => {
  const model = PURCHASE_MODELS.bgnbd;
  const m = frequencyRecencyMatrix(model, bgnbd, 38.86, 20, 39);

  it('holds the model predictions on the grid; impossible histories are empty', () => {
    expect(m.frequencies).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(m.recencies[0]).toBe(0);
    expect(m.recencies.at(-1)).toBeCloseTo(38.86, 12);
    expect(m.recencies).toHaveLength(30);
    // a one-time buyer: recency 0 only, and P(alive) 1 under BG/NBD
    expect(m.pAlive[0][0]).toBe(1);
    expect(m.pAlive[0].slice(1).every((v) => v === null)).toBe(true);
    expect(m.expected[0][0]).toBeCloseTo(model.expectedTransactions(bgnbd.params, 39, 0, 0, 38.86), 12);
    // repeat buyers at recency 0 cannot exist
    for (let i = 1; i < m.frequencies.length; i++) expect(m.pAlive[i][0]).toBeNull();
    for (const [i, j] of [[1, 5], [7, 29], [20, 12]]) {
      expect(m.pAlive[i][j]).toBeCloseTo(model.probabilityAlive(bgnbd.params, i, m.recencies[j], 38.86), 12);
      expect(m.expected[i][j]).toBeCloseTo(model.expectedTransactions(bgnbd.params, 39, i, m.recencies[j], 38.86), 12);
    }
    // more purchases long ago: less likely alive; the same purchases recently: more likely
    expect(m.pAlive[10][3]!).toBeLessThan(m.pAlive[10][29]!);
  });

  it('the heat maps hold every plotted value', () => {
    for (const measure of ['expected', 'pAlive'] as const) {
      const svg = frequencyRecencyHeatmap(m, measure, 'week');
      const cells = titles(svg, 'rect').filter((t) => t.startsWith('frequency '));
      const values = (measure === 'expected' ? m.expected : m.pAlive).flat().filter((v) => v !== null) as number[];
      expect(cells).toHaveLength(values.length);
      for (const cell of cells) {
        const [, x, r, v] = /^frequency (\d+), recency ([\d.]+) weeks: ([\d.]+)$/.exec(cell)!;
        const i = Number(x);
        const j = m.recencies.findIndex((rec) => Math.abs(rec - Number(r)) < 0.006);
        expect(Number(v)).toBeCloseTo((measure === 'expected' ? m.expected : m.pAlive)[i][j]!, 4);
      }
    }
  });
});

describe('calibration and tracking plots', () => {
  const validation = {
    model: bgnbd,
    holdoutLength: 39,
    totals: { actual: 10, predicted: 12, error: 2 },
    mae: 0.5,
    rmse: 0.7,
    groups: [
      { frequency: '0', customers: 100, actual: 0.25, predicted: 0.23 },
      { frequency: '1', customers: 40, actual: 0.78, predicted: 0.52 },
      { frequency: '7+', customers: 5, actual: 6.1, predicted: 5.9 },
    ],
    tracking: [],
  } as ModelValidation;

  it('calibration vs holdout: one actual and one predicted bar per frequency group, with their values', () => {
    const svg = calibrationChart(validation, 'week');
    const bars = titles(svg, 'rect');
    expect(bars).toEqual(validation.groups.flatMap((g) => [`frequency ${g.frequency} (${g.customers} customers): actual ${g.actual.toFixed(4)}`, `frequency ${g.frequency} (${g.customers} customers): predicted ${g.predicted.toFixed(4)}`]));
  });

  it('tracking: every week of both series, cumulative and per week; the weeks add up to the running total', () => {
    const points: TrackingPoint[] = [1, 2, 3, 4].map((week) => ({ week, end: `1997-01-0${week}`, actual: week * week, predicted: 1.5 * week, holdout: week > 2 }));
    const inc = incrementalTracking(points);
    expect(inc.map((p) => p.actualWeek)).toEqual([1, 3, 5, 7]);
    expect(inc.map((p) => p.predictedWeek)).toEqual([1.5, 1.5, 1.5, 1.5]);
    const cumulative = titles(trackingChart(inc, 'bgnbd', 'cumulative'), 'circle');
    expect(cumulative).toEqual([...points.map((p) => `week ${p.week} (to ${p.end}): actual ${p.actual.toFixed(2)}`), ...points.map((p) => `week ${p.week} (to ${p.end}): predicted ${p.predicted.toFixed(2)}`)]);
    const weekly = trackingChart(inc, 'bgnbd', 'incremental');
    expect(titles(weekly, 'circle').slice(0, 4)).toEqual(inc.map((p) => `week ${p.week} (to ${p.end}): actual ${p.actualWeek.toFixed(2)}`));
    expect(weekly).toContain('holdout from 1997-01-03');
  });

  it('a stand-alone file is an SVG document with its styles', () => {
    const file = standaloneSvg(calibrationChart(validation, 'week'));
    expect(file).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" /);
    expect(file).toMatch(/<style>[^<]*line\.grid\{stroke:#ebebeb\}[^<]*<\/style>/);
  });
});

describe('crm validate --plots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-plots-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the five plots of every model into the folder', async () => {
    const out = join(dir, 'plots');
    const r = await runCli(['validate', '--sales', fixture('sales.csv'), '--calibration-end', '2025-06-30', '--model', 'bgnbd,mbgnbd', '--plots', out, '-f', 'json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const names = readdirSync(out).sort();
    expect(names).toEqual(['bgnbd', 'mbgnbd'].flatMap((m) => ['calibration', 'expected-purchases', 'p-alive', 'tracking-cumulative', 'tracking-incremental'].map((k) => `${m}-${k}.svg`)).sort());
    const doc = JSON.parse(r.stdout);
    const calibration = readFileSync(join(out, 'mbgnbd-calibration.svg'), 'utf8');
    const groups = (doc.models as { model: { model: string }; groups: { frequency: string; actual: number; predicted: number }[] }[]).find((m) => m.model.model === 'mbgnbd')!.groups;
    for (const g of groups) expect(calibration).toContain(`predicted ${g.predicted.toFixed(4)}`);
    const tracking = readFileSync(join(out, 'bgnbd-tracking-cumulative.svg'), 'utf8');
    expect(titles(tracking, 'circle').length).toBe(2 * doc.models[0].tracking.length);
  });
});

describe('CLV with its intervals', () => {
  it('every plotted customer carries rank, CLV and interval; at most 200 drawn, the top 20 always', () => {
    const customers = Array.from({ length: 500 }, (_, i) => ({ customerId: `C${i}`, clv: 1000 / (i + 1), low: 800 / (i + 1), high: 1300 / (i + 1) }));
    customers.push({ customerId: 'zero', clv: 0, low: 0, high: 0 });
    const svg = clvIntervalChart(customers, 0.9);
    const points = titles(svg, 'circle');
    expect(points).toHaveLength(200);
    expect(points.slice(0, 20)).toEqual(customers.slice(0, 20).map((c, i) => `#${i + 1} ${c.customerId}: CLV ${fixed(c.clv, 2)} (${fixed(c.low, 2)} – ${fixed(c.high, 2)})`));
    expect(svg).toContain('1 with CLV 0 or less not shown');
  });

  it('crm value --plots writes the ranked CLVs with the intervals of the JSON and the P(alive) matrix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-value-plots-'));
    try {
      const r = await runCli(['value', '--sales', fixture('sales.csv'), '--plots', join(dir, 'p'), '-f', 'json', '-q']);
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(join(dir, 'p')).sort()).toEqual(['bgnbd-p-alive.svg', 'clv-intervals.svg']);
      const doc = JSON.parse(r.stdout) as { customers: { customer_id: string; clv: number; clv_low: number; clv_high: number }[] };
      const best = [...doc.customers].sort((a, b) => b.clv - a.clv)[0];
      const svg = readFileSync(join(dir, 'p', 'clv-intervals.svg'), 'utf8');
      expect(svg).toContain(`#1 ${best.customer_id}: CLV ${fixed(best.clv, 2)} (${fixed(best.clv_low, 2)} – ${fixed(best.clv_high, 2)})`);
      const none = await runCli(['value', '--sales', fixture('sales.csv'), '--plots', join(dir, 'q'), '--interval', '0', '-f', 'json']);
      expect(none.code).toBe(0);
      expect(readdirSync(join(dir, 'q'))).toEqual(['bgnbd-p-alive.svg']);
      expect(none.stderr).toContain('clv-intervals.svg not written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
