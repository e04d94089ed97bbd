/** The retention section of the HTML report: cohort heat map, survival curves with their bands, churn rates, stages. */
import { dayToIso } from '../../core/days.js';
import type { KaplanMeierCurve } from '../../churn/kaplan-meier.js';
import type { ReportDocument } from '../document.js';
import { count, counted, fixed, percent } from '../format.js';
import {
    axisBottom,
    axisLeft, categoryColor, frame,
    legend, linearScale, niceDomain,
    path,
    pathData,
    percentTick,
    rampLegend,
    rect,
    sequentialColor, stepPoints,
    svgDocument,
    text,
    textOn, CHART_WIDTH } from './svg.js';

import { money, days, dataTable, keyFigures, paragraph, subheading, chartFigure } from './common.js';
import { columnPanels, pairedShareBars } from './bars.js';
import { modelTable } from './value.js';

export type Churn = NonNullable<ReportDocument['churn']>;

export function retentionSection(c: Churn): string {
  const w = c.lifetimes.window;
  const definition =
    c.lifetimes.source === 'contracts'
      ? 'A lifetime runs from contract start to cancellation.'
      : `A lifetime runs from the first purchase; a customer counts as churned when no purchase follows within ${w ? `${count(w.days)} days` : 'the churn window'}${w ? (w.basis === 'given' ? ' (given)' : w.basis === 'gap-quantile' ? ` (the ${Math.round((w.quantile ?? 0.9) * 100)}th percentile of ${count(w.gaps)} gaps between purchases)` : ' (default)') : ''}, and churn is dated at the last purchase plus that window.`;
  const overall = c.survival.overall;
  let out = paragraph(c.survival.definition ?? `${definition} Observation ends at ${c.asOf}; customers not churned by then are censored (still active).`);
  out += keyFigures([
    ['Churned', count(c.lifetimes.churned)],
    ['Still active (censored)', count(c.lifetimes.censored)],
    ['Median lifetime', overall.median === null ? 'not reached' : days(overall.median)],
    [`Churn rate per ${c.churnRates.unit}`, percent(c.churnRates.overall.pooledRate), 'pooled over complete periods'],
    ['Reactivated', c.lifetimes.source === 'purchases' ? count(c.lifetimes.reactivated) : '', 'came back after a gap longer than the window'],
  ]);
  if (c.cohorts.cohorts.length) out += cohortHeatmap(c);
  out += survivalChart(c);
  out += subheading('Survival at chosen times');
  const curves = [{ group: 'all', curve: overall }, ...c.survival.groups];
  out += dataTable(
    ['group', 'customers', ...c.survival.times.map((t) => `S(${t} d)`), 'median lifetime'],
    c.survival.at.map(({ group, points }, i) => [
      group,
      count(curves[i]?.curve.n ?? 0),
      ...points.map((p) => (p.survival === null ? '' : `${percent(p.survival)}${p.lower === null || p.upper === null ? '' : ` (${percent(p.lower, 0)}–${percent(p.upper, 0)})`}`)),
      medianText(curves[i]?.curve),
    ]),
  );
  out += paragraph('S(t) is the share of customers still active t days after their start, with its 95% interval.', 'note');
  if (c.logRank) {
    const lr = c.logRank;
    const p = lr.pValue === null ? '' : lr.pValue < 0.0001 ? lr.pValue.toExponential(2) : lr.pValue.toFixed(4);
    out += paragraph(
      lr.statistic === null
        ? `Log-rank test: not computed (${lr.warnings.join('; ')}).`
        : `Log-rank test of equal survival across the groups: chi-square ${fixed(lr.statistic, 2)} on ${lr.degreesOfFreedom} degrees of freedom, p = ${p}${lr.pValue !== null && lr.pValue < 0.05 ? ': the groups differ' : ': no evidence that the groups differ'}.`,
    );
    out += dataTable(['group', 'customers', 'churned (observed)', 'churned (expected if equal)'], lr.groups.map((g) => [g.group, count(g.n), count(g.observed), fixed(g.expected, 1)]));
  }
  // Partial periods and provisional ones (whose churn is not all known yet) would read as low churn.
  if (c.churnRates.overall.periods.some((p) => !p.partial)) out += churnRateChart(c);
  const periods = c.churnRates.overall.periods.filter((p) => !p.partial && !p.provisional).slice(-12);
  if (periods.length) {
    out += subheading(`Churn rate per ${c.churnRates.unit} (last ${periods.length} final)`);
    out += dataTable(
      [c.churnRates.unit, 'from', 'to', 'at risk', 'lost', 'churn rate', 'acquired'],
      periods.map((p) => [p.label, dayToIso(p.start), dayToIso(p.end), count(p.atRisk), count(p.lost), percent(p.rate), count(p.acquired)]),
    );
    if (c.churnRates.definition) out += paragraph(`How it is counted: ${c.churnRates.definition}.`, 'note');
  }
  if (c.sbg) {
    const m = c.sbg.model;
    out += subheading('Shifted beta-geometric (sBG) retention model');
    out += paragraph(`Fitted to ${c.sbg.source}: counts ${c.sbg.counts.map((n) => count(n)).join(', ')}. Expected further periods of a customer active now: ${fixed(c.sbg.expectedResidualPeriods, 1)}.`);
    out += modelTable(m);
    out += dataTable(
      ['period', 'observed active', 'expected active', 'survival', 'retention rate', ''],
      c.sbg.projection.map((p) => [String(p.period), p.observedActive === null ? '' : count(p.observedActive), fixed(p.expectedActive, 1), percent(p.survival), percent(p.retentionRate), p.projected ? 'projected' : '']),
    );
  }
  const lc = c.lifecycle;
  out += lifecycleChart(c);
  if (lc.transitions) {
    const t = lc.transitions;
    out += subheading(`Stage transitions from ${dayToIso(t.fromAsOf)} to ${dayToIso(t.toAsOf)}`);
    out += dataTable(['from \\ to', ...t.toStages], t.fromStages.map((from) => [from, ...t.toStages.map((to) => count(t.counts[from][to]))]));
  }
  return out;
}

export function cohortHeatmap(c: Churn): string {
  const cohorts = c.cohorts.cohorts;
  const average = c.cohorts.average;
  const periods = Math.max(1, ...cohorts.map((r) => r.cells.length), average.length);
  // room for the longest row label ("2024-01 (12,345)") at 10 px, about 6.2 px a character
  const longest = Math.max('average'.length, ...cohorts.map((r) => `${r.label} (${count(r.size)})`.length));
  const left = Math.max(80, Math.ceil(longest * 6.2) + 12);
  const right = 16;
  const cellW = Math.max(6, Math.min(40, (CHART_WIDTH - left - right) / periods));
  const cellH = cohorts.length > 40 ? 12 : 18;
  const rows = cohorts.length + 1;
  const top = 56;
  const f = frame(left + periods * cellW + right, top + rows * cellH + 8 + 44, { top, right, bottom: 44, left });
  let maxLater = 0;
  for (const r of cohorts) for (const cell of r.cells) if (cell.period > 0) maxLater = Math.max(maxLater, cell.customerRetention);
  const scaleMax = maxLater > 0 ? maxLater : 1;
  const showText = cellW >= 30 && cellH >= 16;
  const labelEvery = Math.max(1, Math.ceil(14 / cellH));
  let body = rampLegend(left, 14, 160, '0%', `${percent(scaleMax, 0)} or more`, '');
  body += rect(left + 200, 14, 14, 10, { fill: sequentialColor(0.5) }) + rect(left + 200, 14, 14, 10, { fill: 'url(#hatch-partial)' });
  body += text(left + 220, 23, 'hatched: period not complete at as-of', { size: 10 });
  const columnEvery = Math.max(1, Math.ceil(22 / cellW));
  for (let k = 0; k < periods; k += columnEvery) body += text(left + k * cellW + cellW / 2, top - 6, String(k), { anchor: 'middle', size: 10 });
  const cellsOf = (cells: readonly { period: number; customerRetention: number; partial: boolean }[], y: number, label: string, tipOf: (cell: number) => string): string => {
    let out = '';
    for (const cell of cells) {
      const t = cell.customerRetention / scaleMax;
      const x = left + cell.period * cellW;
      out += rect(x, y, cellW - 1, cellH - 1, { fill: sequentialColor(t), title: `${label}, period ${cell.period}: ${percent(cell.customerRetention)} active${cell.partial ? ' (period not complete)' : ''}; ${tipOf(cell.period)}` });
      if (cell.partial) out += rect(x, y, cellW - 1, cellH - 1, { fill: 'url(#hatch-partial)' });
      if (showText) out += text(x + (cellW - 1) / 2, y + (cellH - 1) / 2, percent(cell.customerRetention, 0), { anchor: 'middle', baseline: 'middle', size: 9, fill: textOn(t) });
    }
    return out;
  };
  cohorts.forEach((r, i) => {
    const y = top + i * cellH;
    if (i % labelEvery === 0) body += text(left - 6, y + cellH / 2, `${r.label} (${count(r.size)})`, { anchor: 'end', baseline: 'middle', size: 10 });
    body += cellsOf(r.cells, y, `cohort ${r.label}`, (k) => `${count(r.cells[k]?.active ?? 0)} of ${counted(r.size, 'customer')}`);
  });
  const avgY = top + cohorts.length * cellH + 8;
  body += text(left - 6, avgY + cellH / 2, 'average', { anchor: 'end', baseline: 'middle', size: 10, weight: '600' });
  body += cellsOf(average, avgY, 'weighted average', (k) => `over ${counted(average[k]?.cohorts ?? 0, 'cohort')}, ${counted(average[k]?.customers ?? 0, 'customer')}`);
  body += text(left + (periods * cellW) / 2, f.height - 10, `${c.cohorts.unit}s since the first purchase →`, { anchor: 'middle', className: 'axis-label' });
  const defs = '<pattern id="hatch-partial" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2.5" stroke-opacity="0.85"/></pattern>';
  const svg = svgDocument(f, 'cohorts', `Customer retention by ${c.cohorts.unit} of first purchase`, body, defs);
  const header = ['cohort', 'first day', 'customers', ...Array.from({ length: periods }, (_, k) => String(k))];
  const cellText = (cell: { customerRetention: number; partial: boolean } | undefined): string => (cell ? `${percent(cell.customerRetention, 0)}${cell.partial ? '*' : ''}` : '');
  const tableRows = cohorts.map((r) => [r.label, dayToIso(r.start), count(r.size), ...Array.from({ length: periods }, (_, k) => cellText(r.cells[k]))]);
  tableRows.push(['average', '', count(c.cohorts.customers), ...Array.from({ length: periods }, (_, k) => cellText(average[k]))]);
  const table = dataTable(header, tableRows, { className: 'scroll', strongRows: [tableRows.length - 1], caption: `Share of each cohort active in each ${c.cohorts.unit} since its first; * = period not complete at ${c.asOf}.` });
  return chartFigure(
    'cohorts',
    `Cohort retention by ${c.cohorts.unit}`,
    svg,
    `Each row is a cohort: the customers whose first purchase fell in that ${c.cohorts.unit} (its size in brackets). Column k is the share of the cohort that bought again ${c.cohorts.unit === 'week' ? 'k weeks' : `k ${c.cohorts.unit}s`} later (column 0 is the first ${c.cohorts.unit}, always 100%); darker is higher, with the colour scale topped at the highest later-period retention (${percent(scaleMax, 0)}). Hatched cells are periods still running at ${c.asOf}, so they are understated. The bottom row is the average weighted by cohort size.`,
    table,
  );
}

export function survivalChart(c: Churn): string {
  const curves: { name: string; curve: KaplanMeierCurve }[] = [{ name: 'all customers', curve: c.survival.overall }, ...c.survival.groups.map((g) => ({ name: g.group, curve: g.curve }))];
  const grouped = curves.length > 1;
  const maxTime = Math.max(1, ...curves.map((k) => k.curve.maxTime));
  const f = frame(CHART_WIDTH, 400, { top: 34, right: 24, bottom: 50, left: 60 });
  const x = linearScale(niceDomain(0, maxTime), [f.left, f.left + f.innerWidth]);
  const y = linearScale([0, 1], [f.top + f.innerHeight, f.top]);
  let body = axisBottom(x, f, { label: 'days since start', grid: true });
  body += axisLeft(y, f, { ticks: [0, 0.25, 0.5, 0.75, 1], format: percentTick, label: 'still active (survival)', grid: true });
  let bands = '';
  let lines = '';
  // Groups first, all customers last: the overall curve stays on top.
  [...curves.keys()].reverse().forEach((i) => {
    const { name, curve } = curves[i];
    const color = grouped && i === 0 ? '#333333' : categoryColor(grouped ? i - 1 : 0);
    for (const band of bandPolygons(curve)) bands += path(pathData(band.map(([t, s]) => [x(t), y(s)] as [number, number]), true), { fill: color, opacity: grouped && i > 0 ? 0.07 : 0.14 });
    const points: [number, number][] = [[0, 1], ...curve.steps.map((s) => [s.time, s.survival] as [number, number])];
    lines += path(pathData(stepPoints(points, curve.maxTime).map(([t, s]) => [x(t), y(s)] as [number, number])), {
      stroke: color,
      width: i === 0 ? 2.5 : 1.8,
      title: `${name}: ${counted(curve.n, 'customer')}, ${count(curve.events)} churned, median ${curve.median === null ? 'not reached' : days(curve.median)}`,
    });
  });
  body += bands + lines;
  body += legend(curves.map(({ name }, i) => ({ label: name, color: grouped && i === 0 ? '#333333' : categoryColor(grouped ? i - 1 : 0) })), f.left, 16);
  const svg = svgDocument(f, 'survival', 'Kaplan-Meier survival curves with 95% intervals', body);
  const rows: string[][] = [];
  for (const { name, curve } of curves) {
    for (const s of curve.steps) if (s.events > 0) rows.push([name, fixed(s.time, 0), count(s.atRisk), count(s.events), count(s.censored), percent(s.survival), percent(s.lower), percent(s.upper)]);
  }
  const table = dataTable(['curve', 'day', 'at risk', 'churned', 'censored', 'survival', 'lower 95%', 'upper 95%'], rows, { className: 'scroll', caption: 'The steps of each curve: the days on which customers churned.' });
  return chartFigure(
    'survival',
    'Survival curves',
    svg,
    `Kaplan-Meier estimate of the share of customers still active against the days since their start${grouped ? `, for all customers (black) and by ${c.lifetimes.by ?? 'group'}` : ''}. The curve steps down on each day customers churned; customers still active at ${c.asOf} count only as long as they were observed (censored). The shaded band around each curve is its pointwise 95% confidence interval; the lifetime is the day a curve crosses 50%.`,
    table,
  );
}

export function medianText(curve: KaplanMeierCurve | undefined): string {
  if (!curve) return '';
  return curve.median === null ? 'not reached' : days(curve.median);
}

/** The 95% band of a step curve as polygons (upper edge forward, lower edge back), one per run of defined steps. */
export function bandPolygons(curve: KaplanMeierCurve): [number, number][][] {
  const polygons: [number, number][][] = [];
  let upper: [number, number][] = [];
  let lower: [number, number][] = [];
  const flush = (): void => {
    if (upper.length > 1) polygons.push([...upper, ...lower.reverse()]);
    upper = [];
    lower = [];
  };
  curve.steps.forEach((s, i) => {
    const end = i + 1 < curve.steps.length ? curve.steps[i + 1].time : curve.maxTime;
    if (s.lower === null || s.upper === null) {
      flush();
      return;
    }
    upper.push([s.time, s.upper], [end, s.upper]);
    lower.push([s.time, s.lower], [end, s.lower]);
  });
  flush();
  return polygons;
}

// ---------------------------------------------------------------------------------------------------------
// Payments

/** The periods the churn-rate chart shows: the last 36 that are complete (provisional ones included, faint). */
export const CHURN_PERIODS_SHOWN = 36;

/** Customers at risk at the start of each period (the active base) and the share of them lost in it. */
export function churnRateChart(c: Churn): string {
  const unit = c.churnRates.unit;
  const periods = c.churnRates.overall.periods.filter((p) => !p.partial).slice(-CHURN_PERIODS_SHOWN);
  const svg = columnPanels(
    'churn-rates',
    `Active customers and churn rate per ${unit}`,
    periods.map((p) => ({
      label: p.label,
      count: p.atRisk,
      rate: p.rate,
      faint: p.provisional,
      tip: `${p.label}: ${counted(p.atRisk, 'customer')} active at the start, ${count(p.lost)} lost (${percent(p.rate)})${p.provisional ? '; provisional: more may yet count as lost' : ''}`,
    })),
    `customers active at the start of the ${unit}`,
    `churn rate (lost in the ${unit} / active at its start)`,
  );
  const table = dataTable(
    [unit, 'from', 'to', 'active at start', 'lost', 'churn rate', 'acquired', ''],
    periods.map((p) => [p.label, dayToIso(p.start), dayToIso(p.end), count(p.atRisk), count(p.lost), percent(p.rate), count(p.acquired), p.provisional ? 'provisional' : '']),
  );
  return chartFigure(
    'churn-rates',
    `Active customers and churn rate over time`,
    svg,
    `Above, the customers active at the start of each ${unit} (acquired earlier and not yet lost); below, the share of them lost in the ${unit}. Faint bars are provisional: customers who bought in them may still be counted as lost once the churn window has passed. The ${unit} still running at the as-of date is left out.`,
    table,
  );
}

/** Each life-cycle stage's share of the customers beside its share of revenue. */
export function lifecycleChart(c: Churn): string {
  const lc = c.lifecycle;
  const revenue = lc.stages.reduce((n, s) => n + s.revenue, 0);
  const svg = pairedShareBars(
    'lifecycle',
    'Share of customers and of revenue by life-cycle stage',
    lc.stages.map((s) => ({
      label: s.stage,
      first: s.share,
      firstTip: `${s.stage}: ${counted(s.customers, 'customer')}, ${percent(s.share)} of all`,
      second: revenue !== 0 ? s.revenue / revenue : null,
      secondTip: `${s.stage}: revenue ${money(s.revenue)}, mean ${money(s.averageRevenue)}`,
    })),
    ['customers', 'revenue'],
    'share of all customers / of revenue to date',
  );
  const table = dataTable(
    ['stage', 'customers', 'share', 'revenue', 'share of revenue', 'mean revenue'],
    lc.stages.map((s) => [s.stage, count(s.customers), percent(s.share), money(s.revenue), percent(revenue !== 0 ? s.revenue / revenue : null), money(s.averageRevenue)]),
  );
  return chartFigure(
    'lifecycle',
    `Life-cycle stages at ${dayToIso(lc.asOf)}`,
    svg,
    `Where the customers stand at ${dayToIso(lc.asOf)} (stages by the churn window of ${count(lc.rules.churnWindow.days)} days, see docs/churn.md): the blue bar is each stage's share of the customers, the orange bar its share of their revenue to date.`,
    table,
  );
}
