/** The segments and concentration sections of the HTML report: segment bars, the R x F heat map, the Lorenz curve. */
import type { ReportDocument } from '../document.js';
import { count, counted, fixed, percent } from '../format.js';
import {
    axisBottom,
    axisLeft, categoryColor,
    circle, frame, line,
    linearScale, path,
    pathData,
    percentTick,
    rampLegend,
    rect,
    sequentialColor, svgDocument,
    text,
    textOn
} from './svg.js';

import { pairedShareBars, smallMultipleBars } from './bars.js';
import { money, dataTable, keyFigures, paragraph, subheading, warningList, chartFigure } from './common.js';

export type Segment = NonNullable<ReportDocument['segment']>;

export function segmentsSection(s: Segment): string {
  const measure = s.settings.monetary === 'total' ? 'total revenue' : 'revenue per transaction';
  let out = paragraph(
    `Customers scored 1–${s.settings.bins} on recency (R, higher = bought more recently), frequency (F, transactions) and monetary value (M, ${measure}) at ${s.asOf}, and named by the segment rules. ${counted(s.totals.customers, 'customer')}, revenue ${money(s.totals.revenue)}.`,
  );
  out += segmentBarsChart(s);
  out += segmentRfmChart(s);
  out += subheading('Segment profiles');
  out += dataTable(
    ['segment', 'customers', 'share', 'revenue', 'share of revenue', 'margin', 'mean days since last purchase', 'mean transactions', `mean ${measure}`],
    s.segments.map((g) => [g.segment, count(g.customers), percent(g.shareOfCustomers), money(g.revenue), percent(g.shareOfRevenue), money(g.margin), fixed(g.meanRecencyDays, 0), fixed(g.meanTransactions, 1), money(g.meanMonetary)]),
  );
  out += subheading('What the segments mean and what to do');
  out += dataTable(
    ['segment', 'who they are', 'suggested action'],
    s.segments.map((g) => [g.segment, g.description, g.action]),
    { prose: [1, 2] },
  );
  out += rfHeatmap(s);
  out += subheading('What each score covers');
  const range = (b: { min: number | null; max: number | null }, format: (v: number) => string): string =>
    b.min === null || b.max === null ? '' : b.min === b.max ? format(b.min) : `${format(b.min)} – ${format(b.max)}`;
  out += dataTable(
    ['score', 'R: days since last purchase', 'customers', 'F: transactions', 'customers', `M: ${measure}`, 'customers'],
    s.scores.R.map((band, i) => {
      const f = s.scores.F[i];
      const m = s.scores.M[i];
      return [String(band.score), range(band, (v) => fixed(v, 0)), count(band.customers), f ? range(f, (v) => fixed(v, 0)) : '', f ? count(f.customers) : '', m ? range(m, money) : '', m ? count(m.customers) : ''];
    }),
  );
  if (s.clusters) {
    const c = s.clusters;
    out += subheading(`Clusters (k-means, k = ${c.k}${c.chosenBy === 'silhouette' ? ' chosen by silhouette' : ''})`);
    out += dataTable(
      ['cluster', 'customers', 'share', 'revenue', 'share of revenue', 'median days since last', 'median transactions', `median ${measure}`, 'description'],
      c.clusters.map((k) => [String(k.cluster), count(k.customers), percent(k.shareOfCustomers), money(k.revenue), percent(k.shareOfRevenue), fixed(k.median.recencyDays, 0), fixed(k.median.transactions, 1), money(k.median.monetary), k.description]),
      { prose: [8] },
    );
  }
  out += warningList(s.warnings);
  return out;
}

export function segmentBarsChart(s: Segment): string {
  const segments = s.segments;
  const svg = pairedShareBars(
    'segments',
    'Share of customers and of revenue by segment',
    segments.map((g) => ({
      label: g.segment,
      first: g.shareOfCustomers,
      firstTip: `${g.segment}: ${counted(g.customers, 'customer')}, ${percent(g.shareOfCustomers)} of all`,
      second: g.shareOfRevenue,
      secondTip: `${g.segment}: revenue ${money(g.revenue)}, ${percent(g.shareOfRevenue)} of the total`,
    })),
    ['customers', 'revenue'],
    'share of all customers / of total revenue',
  );
  const table = dataTable(
    ['segment', 'customers', 'share of customers', 'revenue', 'share of revenue'],
    segments.map((g) => [g.segment, count(g.customers), percent(g.shareOfCustomers), money(g.revenue), percent(g.shareOfRevenue)]),
  );
  return chartFigure(
    'segments',
    'Segments by customers and revenue',
    svg,
    'For each segment, the blue bar is its share of all customers and the orange bar its share of total revenue. An orange bar longer than the blue one means the segment is worth more than its size suggests.',
    table,
  );
}

/** Mean recency, transactions and monetary value per segment, side by side (what the R, F and M scores stand for). */
export function segmentRfmChart(s: Segment): string {
  const measure = s.settings.monetary === 'total' ? 'total revenue' : 'revenue per transaction';
  const segments = s.segments;
  const svg = smallMultipleBars(
    'segment-rfm',
    'Mean recency, transactions and monetary value by segment',
    segments.map((g) => g.segment),
    [
      { title: 'days since last purchase', values: segments.map((g) => g.meanRecencyDays), format: (v) => fixed(v, 0) },
      { title: 'transactions', values: segments.map((g) => g.meanTransactions), format: (v) => fixed(v, 1) },
      { title: measure, values: segments.map((g) => g.meanMonetary), format: (v) => fixed(v, 0) },
    ],
  );
  const table = dataTable(
    ['segment', 'customers', 'mean days since last purchase', 'mean transactions', `mean ${measure}`],
    segments.map((g) => [g.segment, count(g.customers), fixed(g.meanRecencyDays, 0), fixed(g.meanTransactions, 1), money(g.meanMonetary)]),
  );
  return chartFigure(
    'segment-rfm',
    'What the segments look like',
    svg,
    `Per segment, the mean days since the last purchase (shorter is better), the mean number of transactions and the mean ${measure}, each on its own axis.`,
    table,
  );
}

export function rfHeatmap(s: Segment): string {
  const bins = s.settings.bins;
  const cell = Math.min(56, Math.floor(400 / bins));
  const f = frame(70 + bins * cell + 190, 30 + bins * cell + 50, { top: 20, right: 190, bottom: 50, left: 70 });
  const maxCustomers = Math.max(1, ...s.grid.map((c) => c.customers));
  const xOf = (F: number): number => f.left + (F - 1) * cell;
  const yOf = (R: number): number => f.top + (bins - R) * cell;
  let body = '';
  for (const c of s.grid) {
    const t = c.customers / maxCustomers;
    const tip = `R ${c.R}, F ${c.F}: ${counted(c.customers, 'customer')}${c.meanMonetary === null ? '' : `, mean monetary ${money(c.meanMonetary)}`}`;
    body += rect(xOf(c.F), yOf(c.R), cell - 2, cell - 2, { fill: c.customers === 0 ? '#ffffff' : sequentialColor(t), stroke: '#d0d0d0', title: tip });
    body += text(xOf(c.F) + (cell - 2) / 2, yOf(c.R) + (cell - 2) / 2, count(c.customers), { anchor: 'middle', baseline: 'middle', fill: textOn(t), size: cell >= 50 ? 12 : 10 });
  }
  for (let k = 1; k <= bins; k++) {
    body += text(xOf(k) + (cell - 2) / 2, f.top + bins * cell + 16, String(k), { anchor: 'middle' });
    body += text(f.left - 10, yOf(k) + (cell - 2) / 2, String(k), { anchor: 'end', baseline: 'middle' });
  }
  body += text(f.left + (bins * cell) / 2, f.height - 10, 'F score (frequency) →', { anchor: 'middle', className: 'axis-label' });
  body += text(20, f.top + (bins * cell) / 2, 'R score (recency) →', { anchor: 'middle', rotate: -90, className: 'axis-label' });
  body += rampLegend(f.left + bins * cell + 24, f.top + 24, 140, '0', count(maxCustomers), 'customers per cell');
  const svg = svgDocument(f, 'rf-grid', 'Customers by R and F score', body);
  const table = dataTable(
    ['R score', 'F score', 'customers', 'mean monetary'],
    [...s.grid].sort((a, b) => b.R - a.R || a.F - b.F).map((c) => [String(c.R), String(c.F), count(c.customers), money(c.meanMonetary)]),
  );
  return chartFigure(
    'rf-grid',
    'R × F grid',
    svg,
    `Each cell counts the customers with that recency score (rows, ${bins} = most recent at the top) and frequency score (columns, ${bins} = most frequent on the right); darker cells hold more customers. The top-right corner holds the best customers, the bottom-left the lapsed one-off buyers. The table gives each cell's mean monetary value.`,
    table,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Concentration

export function concentrationSection(s: Segment): string {
  const c = s.concentration;
  const measure = c.measure;
  let out = keyFigures([
    ['Gini coefficient', fixed(c.gini, 3), '0 = equal, 1 = one customer holds all'],
    ...c.top.map((t): [string, string, string] => [`Top ${percent(t.fraction, t.fraction < 0.01 ? 1 : 0)} of customers`, percent(t.valueShare), `of ${measure} (${counted(t.customers, 'customer')})`]),
  ]);
  out += lorenzChart(s);
  out += subheading(`ABC classes (A up to ${percent(c.abcThresholds[0], 0)} of ${measure}, B up to ${percent(c.abcThresholds[1], 0)})`);
  out += dataTable(
    ['class', 'customers', 'share of customers', measure, `share of ${measure}`],
    c.abc.map((a) => [a.class, count(a.customers), percent(a.shareOfCustomers), money(a.value), percent(a.shareOfValue)]),
  );
  if (c.negative.customers > 0) {
    out += paragraph(
      `${counted(c.negative.customers, 'customer')} have a negative ${measure} (total ${money(c.negative.total)}); they are left out of the Lorenz curve, the Gini coefficient and the top shares, and are class C.`,
      'note',
    );
  }
  return out;
}

export function lorenzChart(s: Segment): string {
  const c = s.concentration;
  const gini = c.gini === null ? 'not defined' : fixed(c.gini, 3);
  const f = frame(560, 440, { top: 20, right: 20, bottom: 50, left: 60 });
  const x = linearScale([0, 1], [f.left, f.left + f.innerWidth]);
  const y = linearScale([0, 1], [f.top + f.innerHeight, f.top]);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const points = c.lorenz.map((p) => [x(p.customerShare), y(p.valueShare)] as [number, number]);
  let body = axisBottom(x, f, { ticks, format: percentTick, label: 'share of customers, lowest value first', grid: true });
  body += axisLeft(y, f, { ticks, format: percentTick, label: `cumulative share of ${c.measure}`, grid: true });
  body += path(pathData([...points, [x(1), y(1)], [x(0), y(0)]], true), { fill: categoryColor(0), opacity: 0.12 });
  body += line(x(0), y(0), x(1), y(1), { stroke: '#777', dash: '5 4', title: 'equality: every customer worth the same' });
  body += text(x(0.55), y(0.55) - 8, 'equality', { anchor: 'middle', rotate: -38, fill: '#666', size: 10 });
  body += path(pathData(points), { stroke: categoryColor(0), width: 2.5, title: `Lorenz curve, Gini ${gini}` });
  const top20 = c.top.find((t) => t.fraction === 0.2);
  if (top20 && top20.valueShare !== null) {
    const px = x(0.8);
    const py = y(1 - top20.valueShare);
    body += circle(px, py, 4, { fill: categoryColor(5), title: `the top 20% of customers hold ${percent(top20.valueShare)}` });
    body += text(px - 8, py - 10, `top 20% hold ${percent(top20.valueShare, 0)}`, { anchor: 'end', size: 11, weight: '600' });
  }
  const svg = svgDocument(f, 'lorenz', `Lorenz curve of ${c.measure}, Gini ${gini}`, body);
  const table = dataTable(
    ['share of customers', `share of ${c.measure}`],
    c.lorenz.map((p) => [percent(p.customerShare), percent(p.valueShare)]),
    { className: 'scroll' },
  );
  return chartFigure(
    'lorenz',
    `Lorenz curve (Gini ${gini})`,
    svg,
    `Customers are lined up from the lowest to the highest ${c.measure} along the horizontal axis; the curve shows which share of the total ${c.measure} the customers up to that point hold. The dashed diagonal is a portfolio where every customer is worth the same; the further the curve sags below it (the shaded area), the more the value is concentrated in a few customers. The Gini coefficient is ${gini} (twice the shaded area: 0 = equal, 1 = one customer holds everything).`,
    table,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Customer value
