/**
 * Bar charts shared by the report's sections: paired share bars (a group's share of the customers beside its
 * share of something else: revenue, equity, outstanding), small multiples of one bar per group in several
 * units, and columns over time.
 */
import { percent } from '../format.js';
import { axisBottom, axisLeft, bandScale, categoryColor, frame, legend, linearScale, niceDomain, percentTick, rect, shortNumber, svgDocument, text, CHART_WIDTH } from './svg.js';

/** Room for group labels left of the bars: about 7 px a character at 12 px, between 90 and 220 px. */
export function labelRoom(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((l) => [...l].length));
  return Math.min(220, Math.max(90, Math.ceil(longest * 7.2) + 16));
}

/** One group of {@link pairedShareBars}: two shares (0..1; null leaves the bar out) and their tooltips. */
export interface SharePair {
  label: string;
  first: number | null;
  firstTip: string;
  second: number | null;
  secondTip: string;
}

/**
 * Two horizontal bars per group on one percent axis: `names[0]` in blue, `names[1]` in orange, each with its
 * value printed at its end.
 */
export function pairedShareBars(name: string, title: string, groups: readonly SharePair[], names: readonly [string, string], axisLabel: string): string {
  const rowHeight = 34;
  const f = frame(CHART_WIDTH, 60 + groups.length * rowHeight + 40, { top: 40, right: 60, bottom: 40, left: labelRoom(groups.map((g) => g.label)) });
  const maxShare = Math.max(0.01, ...groups.map((g) => Math.max(g.first ?? 0, g.second ?? 0)));
  const x = linearScale(niceDomain(0, maxShare), [f.left, f.left + f.innerWidth]);
  const y = bandScale(
    groups.map((g) => g.label),
    [f.top, f.top + f.innerHeight],
    0.25,
  );
  const colors = [categoryColor(0), categoryColor(1)];
  let body = axisBottom(x, f, { format: percentTick, label: axisLabel, grid: true });
  body += legend([{ label: names[0], color: colors[0] }, { label: names[1], color: colors[1] }], f.left, 18);
  for (const g of groups) {
    const top = y(g.label);
    const h = y.bandwidth / 2;
    body += text(f.left - 8, top + y.bandwidth / 2, g.label, { anchor: 'end', baseline: 'middle' });
    const bars: [number | null, string][] = [
      [g.first, g.firstTip],
      [g.second, g.secondTip],
    ];
    bars.forEach(([share, tip], k) => {
      if (share === null || !Number.isFinite(share)) return;
      const barTop = top + k * h;
      body += rect(f.left, barTop, Math.max(0, x(Math.max(0, share)) - f.left), h - 1, { fill: colors[k], title: tip });
      body += text(x(Math.max(0, share)) + 4, barTop + h / 2, percent(share), { baseline: 'middle', size: 10 });
    });
  }
  return svgDocument(f, name, title, body);
}

/** One panel of {@link smallMultipleBars}: a measure over the same groups, with its own axis. */
export interface BarPanel {
  title: string;
  values: readonly (number | null)[];
  /** The value printed at the end of each bar. */
  format: (value: number) => string;
}

/** Panels side by side, one bar per group in each, groups in the same rows; each panel has its own axis. */
export function smallMultipleBars(name: string, title: string, labels: readonly string[], panels: readonly BarPanel[]): string {
  const rowHeight = 24;
  const left = labelRoom(labels);
  const gap = 36;
  const panelWidth = Math.floor((CHART_WIDTH - left - gap * (panels.length - 1) - 20) / panels.length);
  const f = frame(CHART_WIDTH, 50 + labels.length * rowHeight + 40, { top: 40, right: 20, bottom: 40, left });
  const y = bandScale(labels, [f.top, f.top + f.innerHeight], 0.2);
  let body = '';
  for (const label of labels) body += text(left - 8, y(label) + y.bandwidth / 2, label, { anchor: 'end', baseline: 'middle' });
  panels.forEach((panel, p) => {
    const x0 = left + p * (panelWidth + gap);
    const finite = panel.values.filter((v): v is number => v !== null && Number.isFinite(v));
    const domain = niceDomain(Math.min(0, ...finite), Math.max(0, ...finite) || 1, 3);
    const x = linearScale(domain, [x0, x0 + panelWidth - 40]);
    const pf = { ...f, left: x0, right: f.width - x0 - panelWidth + 40, innerWidth: panelWidth - 40 };
    body += axisBottom(x, pf, { format: shortNumber, grid: true, ticks: x.ticks(3) });
    body += text(x0, 24, panel.title, { weight: '600', size: 12 });
    panel.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      const top = y(labels[i]);
      body += rect(x(0), top, x(v) - x(0), y.bandwidth, { fill: categoryColor(p), title: `${labels[i]}: ${panel.title} ${panel.format(v)}` });
      body += text(Math.max(x(v), x(0)) + 4, top + y.bandwidth / 2, panel.format(v), { baseline: 'middle', size: 10 });
    });
  });
  return svgDocument(f, name, title, body);
}

/** One bar of {@link columnPanels}: a period with a count and a rate; `faint` draws it lighter (provisional). */
export interface PeriodColumn {
  label: string;
  count: number;
  rate: number | null;
  faint?: boolean;
  tip: string;
}

/**
 * Two panels over the same periods: counts as columns above, a rate (0..1) as columns below; every few
 * period labels under the lower panel so they never overlap.
 */
export function columnPanels(name: string, title: string, periods: readonly PeriodColumn[], countLabel: string, rateLabel: string): string {
  const f = frame(CHART_WIDTH, 380, { top: 30, right: 20, bottom: 50, left: 64 });
  const panelHeight = (f.innerHeight - 40) / 2;
  const x = bandScale(
    periods.map((p) => p.label),
    [f.left, f.left + f.innerWidth],
    0.15,
  );
  const maxCount = Math.max(1, ...periods.map((p) => p.count));
  const maxRate = Math.max(0.01, ...periods.map((p) => p.rate ?? 0));
  const top = { ...f, bottom: f.height - f.top - panelHeight, innerHeight: panelHeight };
  const lowerTop = f.top + panelHeight + 40;
  const lower = { ...f, top: lowerTop, innerHeight: panelHeight };
  const yCount = linearScale(niceDomain(0, maxCount, 3), [f.top + panelHeight, f.top]);
  const yRate = linearScale(niceDomain(0, maxRate, 3), [lowerTop + panelHeight, lowerTop]);
  let body = axisLeft(yCount, top, { format: shortNumber, grid: true, ticks: yCount.ticks(3) });
  body += axisLeft(yRate, lower, { format: percentTick, grid: true, ticks: yRate.ticks(3) });
  body += text(f.left, f.top - 12, countLabel, { weight: '600', size: 12 });
  body += text(f.left, lowerTop - 12, rateLabel, { weight: '600', size: 12 });
  const every = Math.max(1, Math.ceil(periods.length / 12));
  periods.forEach((p, i) => {
    const left = x(p.label);
    const opacity = p.faint ? 0.35 : 1;
    body += rect(left, yCount(p.count), x.bandwidth, yCount(0) - yCount(p.count), { fill: categoryColor(0), opacity, title: p.tip });
    if (p.rate !== null && Number.isFinite(p.rate)) body += rect(left, yRate(p.rate), x.bandwidth, yRate(0) - yRate(p.rate), { fill: categoryColor(5), opacity, title: p.tip });
    if (i % every === 0) body += text(left + x.bandwidth / 2, lowerTop + panelHeight + 16, p.label, { anchor: 'middle', size: 10 });
  });
  return svgDocument(f, name, title, body);
}
