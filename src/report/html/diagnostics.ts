/**
 * Diagnostic plots of a purchase model, inline in the HTML report and as stand-alone SVG files
 * (`crm validate --plots DIR`): the frequency/recency matrix of expected purchases and of P(alive), the
 * calibration-versus-holdout plot by calibration frequency, and the weekly tracking plots (cumulative and
 * incremental). Every mark carries its value in a tooltip (`<title>`), so the file holds what it shows.
 */
import { count, fixed, percent } from '../format.js';
import type { FrequencyRecencyMatrix, IncrementalPoint } from '../../value/diagnostics.js';
import type { ModelValidation } from '../../value/validate.js';
import {
  axisBottom,
  axisLeft,
  bandScale,
  categoryColor,
  CHART_WIDTH,
  circle,
  frame,
  evenSample,
  legend,
  line,
  linearScale,
  logScale,
  niceDomain,
  path,
  pathData,
  rampLegend,
  rect,
  sequentialColor,
  svgDocument,
  text,
} from './svg.js';

/** The chart rules of the report's stylesheet, for an SVG file opened on its own. */
const STANDALONE_STYLE =
  'svg{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",Arial,sans-serif;font-size:11px;background:#ffffff}' +
  'text:not([fill]){fill:#333333}.axis line,line.domain{stroke:#8a8a8a}line.grid{stroke:#ebebeb}.axis-label{fill:#555555;font-size:11.5px}';

/** A chart's `<svg>` as a file of its own: the SVG namespace, a white background and the chart styles inline. */
export function standaloneSvg(svg: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.replace('<svg ', `<svg xmlns="http://www.w3.org/2000/svg" `).replace(/(<svg [^>]*>)/, `$1<style>${STANDALONE_STYLE}</style>`)}\n`;
}

/** Which quantity of the matrix a heat map shows. */
export type MatrixMeasure = 'expected' | 'pAlive';

/**
 * The frequency/recency heat map: rows are repeat purchases (0 at the top), columns the time of the last
 * purchase; darker cells expect more purchases (or are more likely alive). Impossible cells are left blank.
 */
export function frequencyRecencyHeatmap(m: FrequencyRecencyMatrix, measure: MatrixMeasure, unit: string, name?: string): string {
  const values = measure === 'expected' ? m.expected : m.pAlive;
  const finite = values.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const top = measure === 'pAlive' ? 1 : Math.max(1e-9, ...finite);
  const left = 70;
  const cellW = Math.max(8, Math.min(32, (CHART_WIDTH - left - 30) / m.recencies.length));
  const cellH = m.frequencies.length > 30 ? 10 : 16;
  const f = frame(left + cellW * m.recencies.length + 30, 70 + cellH * m.frequencies.length + 50, { top: 70, right: 30, bottom: 50, left });
  const label = measure === 'expected' ? `expected purchases in the next ${fixed(m.horizon, 0)} ${unit}${m.horizon === 1 ? '' : 's'}` : 'P(alive)';
  let body = rampLegend(left, 24, 200, '0', measure === 'pAlive' ? '1' : fixed(top, 2), label);
  const rowEvery = Math.max(1, Math.ceil(12 / cellH));
  m.frequencies.forEach((x, i) => {
    const y = f.top + i * cellH;
    if (i % rowEvery === 0) body += text(left - 6, y + cellH / 2, String(x), { anchor: 'end', baseline: 'middle', size: 10 });
    m.recencies.forEach((r, j) => {
      const v = values[i][j];
      if (v === null || !Number.isFinite(v)) return;
      body += rect(left + j * cellW, y, cellW - 1, cellH - 1, {
        fill: sequentialColor(v / top),
        title: `frequency ${x}, recency ${fixed(r, 2)} ${unit}s: ${measure === 'expected' ? fixed(v, 4) : fixed(v, 4)}`,
      });
    });
  });
  const columnEvery = Math.max(1, Math.ceil(36 / cellW));
  m.recencies.forEach((r, j) => {
    if (j % columnEvery === 0 || j === m.recencies.length - 1) body += text(left + j * cellW + cellW / 2, f.top + m.frequencies.length * cellH + 14, fixed(r, 0), { anchor: 'middle', size: 10 });
  });
  body += text(left + (cellW * m.recencies.length) / 2, f.height - 10, `recency: ${unit}s from the first to the last purchase (age T = ${fixed(m.T, 1)})`, { anchor: 'middle', className: 'axis-label' });
  body += text(14, f.top + (cellH * m.frequencies.length) / 2, 'frequency (repeat purchases)', { anchor: 'middle', rotate: -90, className: 'axis-label' });
  const title = measure === 'expected' ? `Expected purchases by frequency and recency (${m.model})` : `P(alive) by frequency and recency (${m.model})`;
  return svgDocument(f, name ?? (measure === 'expected' ? 'frequency-recency-expected' : 'frequency-recency-alive'), title, body);
}

/** Mean holdout purchases per calibration-frequency group: actual against predicted (lifetimes' calibration plot). */
export function calibrationChart(v: ModelValidation, unit: string): string {
  const groups = v.groups;
  const f = frame(CHART_WIDTH, 380, { top: 40, right: 24, bottom: 56, left: 64 });
  const x = bandScale(
    groups.map((g) => g.frequency),
    [f.left, f.left + f.innerWidth],
    0.3,
  );
  const y = linearScale(niceDomain(0, Math.max(0.1, ...groups.flatMap((g) => [g.actual, g.predicted]))), [f.top + f.innerHeight, f.top]);
  const colors = [categoryColor(0), categoryColor(1)];
  let body = axisLeft(y, f, { grid: true, label: `mean purchases in the holdout (${fixed(v.holdoutLength, 1)} ${unit}s)` });
  body += legend([{ label: 'actual', color: colors[0] }, { label: `predicted (${v.model.model})`, color: colors[1] }], f.left, 18);
  for (const g of groups) {
    const x0 = x(g.frequency);
    const w = x.bandwidth / 2;
    body += rect(x0, y(g.actual), w - 1, y(0) - y(g.actual), { fill: colors[0], title: `frequency ${g.frequency} (${count(g.customers)} customers): actual ${fixed(g.actual, 4)}` });
    body += rect(x0 + w, y(g.predicted), w - 1, y(0) - y(g.predicted), { fill: colors[1], title: `frequency ${g.frequency} (${count(g.customers)} customers): predicted ${fixed(g.predicted, 4)}` });
    body += text(x0 + x.bandwidth / 2, f.top + f.innerHeight + 16, g.frequency, { anchor: 'middle' });
  }
  body += line(f.left, y(0), f.left + f.innerWidth, y(0), { className: 'domain' });
  body += text(f.left + f.innerWidth / 2, f.height - 8, 'purchases in the calibration period (frequency)', { anchor: 'middle', className: 'axis-label' });
  return svgDocument(f, 'calibration-holdout', `Holdout purchases by calibration frequency, actual and predicted (${v.model.model})`, body);
}

/** Weekly repeat transactions, cumulative or per week, actual against predicted, with the calibration end marked. */
export function trackingChart(points: readonly IncrementalPoint[], model: string, mode: 'cumulative' | 'incremental'): string {
  const f = frame(CHART_WIDTH, 380, { top: 40, right: 24, bottom: 56, left: 72 });
  const actual = (p: IncrementalPoint): number => (mode === 'cumulative' ? p.actual : p.actualWeek);
  const predicted = (p: IncrementalPoint): number => (mode === 'cumulative' ? p.predicted : p.predictedWeek);
  const weeks = points.length;
  const x = linearScale([0, Math.max(1, weeks)], [f.left, f.left + f.innerWidth]);
  const y = linearScale(niceDomain(0, Math.max(1, ...points.flatMap((p) => [actual(p), predicted(p)]))), [f.top + f.innerHeight, f.top]);
  const colors = [categoryColor(0), categoryColor(1)];
  let body = axisLeft(y, f, { grid: true, label: mode === 'cumulative' ? 'repeat transactions, cumulative' : 'repeat transactions per week' });
  body += axisBottom(x, f, { label: 'weeks since the first purchase of the first cohort' });
  body += legend([{ label: 'actual', color: colors[0] }, { label: `predicted (${model})`, color: colors[1] }], f.left, 18);
  const split = points.findIndex((p) => p.holdout);
  if (split > 0) {
    body += line(x(split), f.top, x(split), f.top + f.innerHeight, { stroke: '#8a8a8a', dash: '4 3' });
    body += text(x(split) + 4, f.top + 12, `holdout from ${points[split].end.slice(0, 10)}`, { size: 10 });
  }
  const series: [(p: IncrementalPoint) => number, string, string][] = [
    [actual, colors[0], 'actual'],
    [predicted, colors[1], 'predicted'],
  ];
  for (const [value, color, name] of series) {
    body += path(pathData(points.map((p) => [x(p.week), y(value(p))])), { stroke: color, width: 2, dash: name === 'predicted' ? '6 3' : undefined });
    for (const p of points) body += circle(x(p.week), y(value(p)), 1.6, { fill: color, title: `week ${p.week} (to ${p.end}): ${name} ${fixed(value(p), 2)}` });
  }
  return svgDocument(f, `tracking-${mode}`, `Repeat transactions ${mode === 'cumulative' ? 'cumulative' : 'per week'}, actual and predicted (${model})`, body);
}

/** A one-line reading of a validation for captions. */
export function validationSummary(v: ModelValidation): string {
  const t = v.totals;
  return `${v.model.model}: ${fixed(t.predicted, 0)} holdout purchases predicted, ${fixed(t.actual, 0)} made (${t.actual > 0 ? percent(t.error / t.actual) : ''} off); MAE ${fixed(v.mae, 3)} per customer`;
}

/** The most customers drawn in {@link clvIntervalChart}. */
export const MAX_INTERVAL_CUSTOMERS = 200;

/** One customer of {@link clvIntervalChart}. */
export interface ClvWithInterval {
  customerId: string;
  clv: number;
  low: number;
  high: number;
}

/**
 * The distribution of CLV with its uncertainty: customers ranked by CLV (highest first, at most
 * {@link MAX_INTERVAL_CUSTOMERS}: the top 20 and an even sample of the rest), each a point with its interval as a
 * vertical line, on a log scale (CLVs span orders of magnitude). Customers with a CLV of 0 or less are left
 * out (a log scale has no room for them) and counted in the title.
 */
export function clvIntervalChart(customers: readonly ClvWithInterval[], level: number): string {
  const ranked = [...customers].filter((c) => c.clv > 0 && Number.isFinite(c.clv)).sort((a, b) => b.clv - a.clv);
  const left = customers.length - ranked.length;
  const shown = evenSample(ranked, MAX_INTERVAL_CUSTOMERS, 20);
  const rankOf = new Map(ranked.map((c, i) => [c, i + 1]));
  const f = frame(CHART_WIDTH, 400, { top: 40, right: 24, bottom: 56, left: 72 });
  const lows = shown.map((c) => (c.low > 0 ? c.low : c.clv));
  const lo = Math.max(1e-9, Math.min(...lows, ...shown.map((c) => c.clv)));
  const hi = Math.max(lo * 10, ...shown.map((c) => (Number.isFinite(c.high) ? c.high : c.clv)));
  const y = logScale([10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))], [f.top + f.innerHeight, f.top]);
  const x = linearScale([0, Math.max(1, ranked.length)], [f.left, f.left + f.innerWidth]);
  let body = axisLeft(y, f, { grid: true, label: 'CLV (log scale)' });
  body += axisBottom(x, f, { label: `customers ranked by CLV (1 = highest)${left > 0 ? `; ${count(left)} with CLV 0 or less not shown` : ''}` });
  body += legend([{ label: 'CLV', color: categoryColor(0) }, { label: `${percent(level, 0)} interval from parameter uncertainty`, color: '#9ab8d8' }], f.left, 18);
  for (const c of shown) {
    const cx = x(rankOf.get(c)!);
    const low = Math.max(c.low, y.domain[0]);
    body += line(cx, y(low), cx, y(Math.min(c.high, y.domain[1])), { stroke: '#9ab8d8', width: 1.5 });
    body += circle(cx, y(c.clv), 2.4, { fill: categoryColor(0), title: `#${rankOf.get(c)} ${c.customerId}: CLV ${fixed(c.clv, 2)} (${fixed(c.low, 2)} – ${fixed(c.high, 2)})` });
  }
  return svgDocument(f, 'clv-intervals', `CLV of ${count(ranked.length)} customers ranked, with ${percent(level, 0)} intervals`, body);
}
