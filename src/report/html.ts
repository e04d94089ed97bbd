/**
 * The report as one self-contained HTML file: inline CSS, inline SVG charts, no script, no network resource.
 * Each chart is a `<figure>` with a caption that says how to read it and the numbers behind it in a table.
 * Sections appear only for the parts of the {@link ReportDocument} that are present. Pure rendering: the
 * charts show what the analyses computed (the only computation here is the binning of the CLV histogram
 * and the deterministic downsampling of the scatter plot). Every value from the data is escaped.
 */
import { dayToIso } from '../core/days.js';
import type { KaplanMeierCurve } from '../churn/kaplan-meier.js';
import type { FittedModel } from '../models/types.js';
import type { AtRiskRow, ReportDocument, SectionName } from './document.js';
import { count, fixed, percent } from './format.js';
import { kpiSection } from './html-kpi.js';
import { profitabilitySection } from './html-profitability.js';
import { campaignSection } from './html-campaign.js';
import {
  axisBottom,
  axisLeft,
  bandScale,
  categoryColor,
  circle,
  escapeHtml,
  evenSample,
  frame,
  legend,
  line,
  linearScale,
  logScale,
  niceDomain,
  path,
  pathData,
  percentTick,
  rampLegend,
  rect,
  sequentialColor,
  shortNumber,
  stepPoints,
  svgDocument,
  text,
  textOn,
  tickStep,
  type Scale,
} from './svg.js';

export { escapeHtml } from './svg.js';

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** Title of the page. Default 'Customer report, as of <as-of>'. */
  title?: string;
}

/** Largest number of points drawn in the P(alive) × CLV scatter plot. */
export const MAX_SCATTER_POINTS = 2000;

/**
 * Renders the report document as one self-contained HTML page (inline CSS and SVG; no script, font, image
 * or other external resource), readable on screen and printable.
 *
 * O(customers) for the value charts and tables, O(cells) for the rest.
 *
 * @example
 * const html = renderHtml(document, { title: 'ACME customers' });
 * html.startsWith('<!doctype html>'); // => true
 */
export function renderHtml(doc: ReportDocument, options: HtmlOptions = {}): string {
  const title = options.title ?? `Customer report, as of ${doc.meta.asOf}`;
  const sections: { id: string; title: string; html: string }[] = [];
  const add = (id: string, heading: string, body: string | null): void => {
    if (body !== null) sections.push({ id, title: heading, html: body });
  };
  add('overview', 'Overview', doc.overview ? overviewSection(doc) : null);
  add('data', 'Data accounting', dataSection(doc));
  // A section that could not be computed keeps its place, with the reason instead of the numbers.
  const failed = (name: SectionName): string | null => {
    const reason = doc.errors?.[name];
    return reason === undefined ? null : `<div class="warnings failed" role="alert"><h4>Not computed</h4><p>${escapeHtml(reason)}</p></div>`;
  };
  add('segments', 'Segments', doc.segment ? segmentsSection(doc.segment) : failed('segment'));
  add('concentration', 'Concentration of value', doc.segment ? concentrationSection(doc.segment) : null);
  add('value', 'Customer value and equity', doc.value ? valueSection(doc.value) : failed('value'));
  add('retention', 'Retention and survival', doc.churn ? retentionSection(doc.churn) : failed('churn'));
  add('payments', 'Payments and receivables', doc.payments ? paymentsSection(doc.payments) : failed('payments'));
  add('at-risk', 'Customers at risk', doc.atRisk ? atRiskSection(doc.atRisk) : failed('atRisk'));
  add('kpi', 'KPIs over time', doc.kpi ? kpiSection(doc.kpi) : failed('kpi'));
  add('profitability', 'Profitability and cost-to-serve', doc.profitability ? profitabilitySection(doc.profitability) : failed('profitability'));
  add('campaigns', 'Campaigns', doc.campaigns ? campaignSection(doc.campaigns) : failed('campaigns'));
  add('notes', 'Notes and warnings', doc.notes?.length ? `<ul class="notes">${doc.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : null);

  const meta = doc.meta;
  const range = meta.dateRange ? `sales from ${meta.dateRange.first} to ${meta.dateRange.last}` : 'no sales dates';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${escapeHtml(`${meta.tool} ${meta.version}`)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header class="top">',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">As of <strong>${escapeHtml(meta.asOf)}</strong> · ${escapeHtml(range)} · time unit ${escapeHtml(meta.period.name)} · ${escapeHtml(meta.tool)} ${escapeHtml(meta.version)}</p>`,
    `<nav aria-label="Sections"><ol>${sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join('')}</ol></nav>`,
    '</header>',
    '<main>',
    ...sections.map((s) => `<section id="${s.id}" aria-labelledby="${s.id}-title">\n<h2 id="${s.id}-title">${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`),
    '</main>',
    `<footer><p>Made by ${escapeHtml(meta.tool)} ${escapeHtml(meta.version)} (report schema ${escapeHtml(doc.schemaVersion)}). This file is self-contained: it loads nothing from the network.</p></footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Formatting and HTML building blocks

const money = (value: number | null | undefined): string => fixed(value, 2);
const whole = (value: number | null | undefined): string => (value === null || value === undefined || !Number.isFinite(value) ? '' : count(Math.round(value)));
const days = (value: number | null | undefined): string => (value === null || value === undefined || !Number.isFinite(value) ? '' : `${fixed(value, 0)} d`);
const probability = (value: number | null | undefined): string => fixed(value, 3);

/** A number in a table cell or figure: 4 significant digits for parameters of any size. */
function parameter(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return fixed(value, abs >= 100 ? 1 : abs >= 1 ? 3 : 4);
}

const NUMERIC_CELL = /^[-+−]?[\d,.]+(%\*?|\s?d)?$|^∞$|^$/;

/** Options of {@link dataTable}. */
interface TableOptions {
  caption?: string;
  /** Class of the wrapper, e.g. 'scroll' for long tables. */
  className?: string;
  /** Rows (by index) to emphasise, e.g. a total row. */
  strongRows?: number[];
  /** Columns (by index) of running text, which wrap; other cells stay on one line. */
  prose?: number[];
}

/**
 * A table of text cells; every header and cell is escaped. Columns whose cells are all numbers are
 * right-aligned.
 */
function dataTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => NUMERIC_CELL.test(r[i] ?? '')));
  const prose = new Set(options.prose ?? []);
  const cls = (i: number): string => (numeric[i] ? ' class="num"' : prose.has(i) ? ' class="prose"' : '');
  const head = `<thead><tr>${headers.map((h, i) => `<th scope="col"${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const strong = new Set(options.strongRows ?? []);
  const body = rows
    .map((r, k) => `<tr${strong.has(k) ? ' class="total"' : ''}>${headers.map((_, i) => `<td${cls(i)}>${escapeHtml(r[i] ?? '')}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  return `<div class="table-wrap${options.className ? ` ${options.className}` : ''}"><table>${caption}${head}<tbody>\n${body}\n</tbody></table></div>`;
}

/** Key figures as a definition list of cards. */
function keyFigures(items: readonly (readonly [label: string, value: string, note?: string])[]): string {
  const cards = items
    .filter(([, value]) => value !== '')
    .map(([label, value, note]) => `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>${note ? `<dd class="sub">${escapeHtml(note)}</dd>` : ''}</div>`);
  return `<dl class="kpis">${cards.join('')}</dl>`;
}

function paragraph(content: string, className?: string): string {
  return `<p${className ? ` class="${className}"` : ''}>${escapeHtml(content)}</p>`;
}

function subheading(content: string): string {
  return `<h3>${escapeHtml(content)}</h3>`;
}

function warningList(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return `<div class="warnings"><h4>Notes</h4><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>`;
}

/**
 * A chart: the SVG, a caption that says how to read it, and the numbers behind it in a table that opens on
 * demand.
 */
function chartFigure(id: string, heading: string, svg: string, caption: string, table: string): string {
  return (
    `<figure class="chart" id="fig-${id}">\n${svg}\n` +
    `<figcaption><strong>${escapeHtml(heading)}.</strong> ${escapeHtml(caption)}</figcaption>\n` +
    `<details><summary>Numbers behind the chart</summary>\n${table}\n</details>\n</figure>`
  );
}

// ---------------------------------------------------------------------------------------------------------
// Overview and data accounting

function overviewSection(doc: ReportDocument): string {
  const o = doc.overview!;
  return keyFigures([
    ['Customers', count(o.customers)],
    ['Transactions', count(o.transactions)],
    ['Revenue', money(o.revenue)],
    ['Margin', o.margin === null ? '' : money(o.margin), o.margin !== null && o.revenue !== 0 ? `${percent(o.margin / o.revenue)} of revenue` : undefined],
    ['Repeat customers', percent(o.repeatShare), 'bought on more than one day'],
    ['First purchase', o.firstPurchase ?? ''],
    ['Last purchase', o.lastPurchase ?? ''],
  ]);
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function reasons(value: unknown): string {
  return Object.entries(record(value))
    .map(([reason, n]) => `${reason} ${typeof n === 'number' ? count(n) : String(n)}`)
    .join('; ');
}

function numberOf(value: unknown): string {
  return typeof value === 'number' ? count(value) : '';
}

function dataSection(doc: ReportDocument): string {
  const rows = doc.meta.inputs.map((input) => {
    const r = record(input);
    const excluded = record(r.excluded);
    const excludedTotal = Object.values(excluded).reduce<number>((s, n) => s + (typeof n === 'number' ? n : 0), 0);
    return [String(r.kind ?? ''), String(r.file ?? ''), numberOf(r.read), numberOf(r.used), numberOf(r.rejected), reasons(r.rejectedByReason), count(excludedTotal), reasons(excluded)];
  });
  let out = paragraph('Every row of every input is accounted for: rows read = used + rejected + excluded. Rejected rows are invalid (the reason is given); excluded rows are valid but outside the analysis, e.g. dated after the as-of day.');
  out += rows.length
    ? dataTable(['input', 'file', 'rows read', 'used', 'rejected', 'rejected because', 'excluded', 'excluded because'], rows, { prose: [5, 7] })
    : paragraph('No input files are recorded in this report.', 'note');
  const unknown = Object.entries(record(doc.meta.unknownCustomers)).map(([kind, value]) => {
    const u = record(value);
    const examples = Array.isArray(u.examples) ? u.examples.map((e) => `"${String(e)}"`).join(', ') : '';
    return { row: [kind, numberOf(u.rows), numberOf(u.customers), examples], rows: typeof u.rows === 'number' ? u.rows : 0 };
  });
  if (unknown.some((u) => u.rows > 0)) {
    out += subheading('Customers missing from the customers file');
    out += dataTable(['input', 'rows', 'customers', 'examples'], unknown.map((u) => u.row), { prose: [3] });
  } else if (unknown.length) {
    out += paragraph(`Every ${unknown.map((u) => u.row[0]).join(' and ')} row names a customer of the customers file.`, 'note');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Segments

type Segment = NonNullable<ReportDocument['segment']>;

function segmentsSection(s: Segment): string {
  const measure = s.settings.monetary === 'total' ? 'total revenue' : 'revenue per transaction';
  let out = paragraph(
    `Customers scored 1–${s.settings.bins} on recency (R, higher = bought more recently), frequency (F, transactions) and monetary value (M, ${measure}) at ${s.asOf}, and named by the segment rules. ${count(s.totals.customers)} customers, revenue ${money(s.totals.revenue)}.`,
  );
  out += segmentBarsChart(s);
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

function segmentBarsChart(s: Segment): string {
  const segments = s.segments;
  const rowHeight = 34;
  const f = frame(760, 60 + segments.length * rowHeight + 40, { top: 40, right: 60, bottom: 40, left: 160 });
  const maxShare = Math.max(0.01, ...segments.map((g) => Math.max(g.shareOfCustomers, g.shareOfRevenue ?? 0)));
  const x = linearScale(niceDomain(0, maxShare), [f.left, f.left + f.innerWidth]);
  const y = bandScale(segments.map((g) => g.segment), [f.top, f.top + f.innerHeight], 0.25);
  const colors = [categoryColor(0), categoryColor(1)];
  let body = axisBottom(x, f, { format: percentTick, label: 'share of all customers / of total revenue', grid: true });
  body += legend([{ label: 'customers', color: colors[0] }, { label: 'revenue', color: colors[1] }], f.left, 18);
  for (const g of segments) {
    const top = y(g.segment);
    const h = y.bandwidth / 2;
    body += text(f.left - 8, top + y.bandwidth / 2, g.segment, { anchor: 'end', baseline: 'middle' });
    const bars: [number | null, string, string][] = [
      [g.shareOfCustomers, colors[0], `${g.segment}: ${count(g.customers)} customers, ${percent(g.shareOfCustomers)} of all`],
      [g.shareOfRevenue, colors[1], `${g.segment}: revenue ${money(g.revenue)}, ${percent(g.shareOfRevenue)} of the total`],
    ];
    bars.forEach(([share, color, tip], k) => {
      if (share === null) return;
      const barTop = top + k * h;
      body += rect(f.left, barTop, Math.max(0, x(share) - f.left), h - 1, { fill: color, title: tip });
      body += text(x(share) + 4, barTop + h / 2, percent(share), { baseline: 'middle', size: 10 });
    });
  }
  const svg = svgDocument(f, 'segments', 'Share of customers and of revenue by segment', body);
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

function rfHeatmap(s: Segment): string {
  const bins = s.settings.bins;
  const cell = Math.min(56, Math.floor(400 / bins));
  const f = frame(70 + bins * cell + 190, 30 + bins * cell + 50, { top: 20, right: 190, bottom: 50, left: 70 });
  const maxCustomers = Math.max(1, ...s.grid.map((c) => c.customers));
  const xOf = (F: number): number => f.left + (F - 1) * cell;
  const yOf = (R: number): number => f.top + (bins - R) * cell;
  let body = '';
  for (const c of s.grid) {
    const t = c.customers / maxCustomers;
    const tip = `R ${c.R}, F ${c.F}: ${count(c.customers)} customers${c.meanMonetary === null ? '' : `, mean monetary ${money(c.meanMonetary)}`}`;
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

function concentrationSection(s: Segment): string {
  const c = s.concentration;
  const measure = c.measure;
  let out = keyFigures([
    ['Gini coefficient', fixed(c.gini, 3), '0 = equal, 1 = one customer holds all'],
    ...c.top.map((t): [string, string, string] => [`Top ${percent(t.fraction, t.fraction < 0.01 ? 1 : 0)} of customers`, percent(t.valueShare), `of ${measure} (${count(t.customers)} customers)`]),
  ]);
  out += lorenzChart(s);
  out += subheading(`ABC classes (A up to ${percent(c.abcThresholds[0], 0)} of ${measure}, B up to ${percent(c.abcThresholds[1], 0)})`);
  out += dataTable(
    ['class', 'customers', 'share of customers', measure, `share of ${measure}`],
    c.abc.map((a) => [a.class, count(a.customers), percent(a.shareOfCustomers), money(a.value), percent(a.shareOfValue)]),
  );
  if (c.negative.customers > 0) {
    out += paragraph(
      `${count(c.negative.customers)} customers have a negative ${measure} (total ${money(c.negative.total)}); they are left out of the Lorenz curve, the Gini coefficient and the top shares, and are class C.`,
      'note',
    );
  }
  return out;
}

function lorenzChart(s: Segment): string {
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

type Value = NonNullable<ReportDocument['value']>;

function modelTable(model: FittedModel): string {
  const rows = Object.entries(model.params).map(([name, value]) => {
    const interval = model.intervals[name];
    return [name, parameter(value), parameter(model.stdErrors[name]), interval ? `${parameter(interval[0])} – ${parameter(interval[1])}` : ''];
  });
  return dataTable(['parameter', 'estimate', 'standard error', '95% interval'], rows);
}

function modelNote(model: FittedModel): string {
  const status = model.trusted === false ? `NOT trusted (${(model.problems ?? []).join('; ') || 'see the warnings'})` : model.converged ? 'converged' : 'did NOT converge';
  return `Fitted on ${count(model.n)} customers (${count(model.nDistinct)} distinct tuples): log-likelihood ${fixed(model.logLikelihood, 1)}, AIC ${fixed(model.aic, 1)}, ${status} after ${count(model.iterations)} iterations.`;
}

const MODEL_NAMES: Record<string, string> = {
  bgnbd: 'BG/NBD',
  mbgnbd: 'MBG/NBD',
  paretonbd: 'Pareto/NBD',
  bgbb: 'BG/BB',
  gammagamma: 'Gamma-Gamma',
  sbg: 'shifted beta-geometric',
};

function modelName(model: FittedModel): string {
  return MODEL_NAMES[model.model] ?? model.model;
}

/** How the valuation priced spend per transaction, in words. */
function spendText(v: Value): string {
  if (v.spendModel) return `the ${modelName(v.spendModel)} model their spend per transaction`;
  if (v.spend?.method === 'observed-mean') {
    return `each customer's own mean repeat spend gives their spend per transaction (the spend model was not used: ${v.spend.fallbackReason ?? 'not trusted'}; customers without a repeat purchase get the mean over repeat customers${v.spend.populationMean === null ? '' : `, ${money(v.spend.populationMean)}`})`;
  }
  return 'the portfolio mean gives their spend per transaction';
}

function valueSection(v: Value): string {
  const customers = v.customers.length;
  let out = paragraph(
    `Customer lifetime value (CLV) over ${v.horizon.periods} ${v.horizon.unit}${v.horizon.periods === 1 ? '' : 's'} from ${v.asOf}: the ${modelName(v.purchaseModel)} model predicts each customer's transactions, ${spendText(v)}, a margin share of ${percent(v.margin.share)} (${v.margin.source}) turns spend into contribution, discounted at ${percent(v.discount.annualRate)} a year (${v.discount.formula}).`,
  );
  out += keyFigures([
    ['Customer equity', money(v.equity), `sum of CLV over ${count(customers)} customers`],
    ['Mean CLV', customers > 0 ? money(v.equity / customers) : ''],
    ['Equity after collection', v.collected ? money(v.collected.equity) : '', v.collected ? `${money(v.collected.removed)} removed for unpaid invoices` : undefined],
    ['Margin share', percent(v.margin.share), v.margin.source],
    ['Discount rate', `${percent(v.discount.annualRate)} a year`],
  ]);
  out += subheading(`Purchase model: ${modelName(v.purchaseModel)}`);
  out += modelTable(v.purchaseModel) + paragraph(modelNote(v.purchaseModel), 'note');
  if (v.spendModel) {
    out += subheading(`Spend model: ${modelName(v.spendModel)}`);
    out += modelTable(v.spendModel) + paragraph(modelNote(v.spendModel), 'note');
  }
  out += clvHistogram(v);
  out += aliveValueScatter(v);
  out += subheading('Equity by CLV decile');
  out += dataTable(
    ['decile', 'customers', 'CLV', 'share of equity', 'lowest CLV', 'highest CLV'],
    v.deciles.map((d) => [String(d.decile), count(d.customers), money(d.clv), percent(d.shareOfEquity), money(d.minClv), money(d.maxClv)]),
  );
  if (v.segments.length) {
    out += subheading('Equity by segment');
    out += dataTable(
      ['segment', 'customers', 'CLV', 'share of equity', 'mean CLV', 'mean P(alive)', 'retention per period', 'margin per period', 'baseline CLV'],
      v.segments.map((g) => [g.segment, count(g.customers), money(g.clv), percent(g.shareOfEquity), money(g.meanClv), probability(g.meanPAlive), percent(g.retention), money(g.marginPerPeriod), money(g.baselineClv)]),
    );
    out += paragraph('The baseline CLV is the simple retention formula m·r / (1 + d − r) per segment, for comparison with the model.', 'note');
  }
  if (v.whatIf) {
    const w = v.whatIf;
    out += paragraph(
      `What if retention rose by ${percent(w.retentionUplift)}: baseline equity would go from ${money(w.baselineEquity)} to ${money(w.baselineEquityAfter)}${w.modelEquityAfter === null ? '' : `; the model's equity to ${money(w.modelEquityAfter)}`}.`,
    );
  }
  const top = [...v.customers].sort((a, b) => b.clv - a.clv).slice(0, 20);
  out += subheading(`Most valuable customers (top ${top.length} by CLV)`);
  const infinite = v.customers.some((c) => c.clvInfinite !== undefined);
  out += dataTable(
    ['customer', 'segment', 'P(alive)', 'expected transactions', 'expected spend', 'CLV', ...(infinite ? ['CLV, no horizon (DERT)'] : []), 'past revenue'],
    top.map((c) => [c.customerId, c.segment ?? '', probability(c.pAlive), fixed(c.expectedTransactions, 2), money(c.expectedSpend), money(c.clv), ...(infinite ? [money(c.clvInfinite)] : []), money(c.pastRevenue)]),
  );
  out += warningList(v.warnings);
  return out;
}

/** The upper end of the histogram's regular bins: the 99th percentile, so a few outliers do not squash it. */
function histogramBins(values: readonly number[]): { edges: number[]; counts: number[]; overflow: number } {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { edges: [0, 1], counts: [0], overflow: 0 };
  const low = Math.min(0, sorted[0]);
  let high = sorted[Math.floor(0.99 * (sorted.length - 1))];
  if (!(high > low)) high = sorted[sorted.length - 1] > low ? sorted[sorted.length - 1] : low + 1;
  const step = tickStep(low, high, 20);
  const start = Math.floor(low / step + 1e-9) * step;
  const bins = Math.max(1, Math.ceil((high - start) / step - 1e-9));
  const edges = Array.from({ length: bins + 1 }, (_, k) => Number((start + k * step).toPrecision(12)));
  const counts = new Array<number>(edges.length - 1).fill(0);
  let overflow = 0;
  const last = edges[edges.length - 1];
  for (const value of sorted) {
    if (value > last) {
      overflow++;
      continue;
    }
    const k = Math.min(counts.length - 1, Math.max(0, Math.floor((value - start) / step)));
    counts[k]++;
  }
  return { edges, counts, overflow };
}

function clvHistogram(v: Value): string {
  const { edges, counts, overflow } = histogramBins(v.customers.map((c) => c.clv));
  const labels = counts.map((_, k) => `${shortNumber(edges[k])}–${shortNumber(edges[k + 1])}`);
  const bars = counts.map((n, k) => ({ label: labels[k], from: edges[k], to: edges[k + 1], n }));
  if (overflow > 0) bars.push({ label: `> ${shortNumber(edges[edges.length - 1])}`, from: edges[edges.length - 1], to: Infinity, n: overflow });
  const f = frame(760, 340, { top: 20, right: 20, bottom: 56, left: 64 });
  const x = bandScale(bars.map((b) => b.label), [f.left, f.left + f.innerWidth], 0.08);
  const y = linearScale(niceDomain(0, Math.max(1, ...bars.map((b) => b.n))), [f.top + f.innerHeight, f.top]);
  let body = axisLeft(y, f, { label: 'customers', grid: true, format: (t) => (Number.isInteger(t) ? shortNumber(t) : '') });
  const base = f.top + f.innerHeight;
  const every = Math.max(1, Math.ceil(bars.length / 10));
  bars.forEach((b, k) => {
    const overflowBar = b.to === Infinity;
    body += rect(x(b.label), y(b.n), x.bandwidth, base - y(b.n), {
      fill: overflowBar ? categoryColor(5) : categoryColor(0),
      title: `CLV ${overflowBar ? `above ${money(b.from)}` : `${money(b.from)} to ${money(b.to)}`}: ${count(b.n)} customers`,
    });
    const beforeOverflow = overflow > 0 && k === bars.length - 2;
    if ((k % every === 0 && !beforeOverflow) || overflowBar) body += text(x(b.label) + x.bandwidth / 2, base + 16, overflowBar ? b.label : shortNumber(b.from), { anchor: 'middle', size: 10 });
  });
  body += line(f.left, base, f.left + f.innerWidth, base, { className: 'domain' });
  body += text(f.left + f.innerWidth / 2, f.height - 8, 'CLV per customer (lower edge of each bin)', { anchor: 'middle', className: 'axis-label' });
  const svg = svgDocument(f, 'clv-histogram', 'Distribution of customer lifetime value', body);
  const table = dataTable(
    ['CLV from', 'CLV to', 'customers'],
    bars.map((b) => [money(b.from), b.to === Infinity ? '' : money(b.to), count(b.n)]),
    { className: 'scroll' },
  );
  return chartFigure(
    'clv-histogram',
    'How CLV is distributed',
    svg,
    `Each bar counts the customers whose CLV falls in the bin (a bin includes its lower edge; the last also its upper edge). ${overflow > 0 ? `The orange bar on the right gathers the ${count(overflow)} customers above the 99th percentile, so that a few very valuable customers do not squash the rest. ` : ''}A long tail to the right is usual: few customers hold much of the equity (see the deciles table).`,
    table,
  );
}

function aliveValueScatter(v: Value): string {
  const byValue = [...v.customers].sort((a, b) => b.clv - a.clv || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  const shown = evenSample(byValue, MAX_SCATTER_POINTS, Math.floor(MAX_SCATTER_POINTS / 10));
  const f = frame(760, 420, { top: 20, right: 24, bottom: 50, left: 72 });
  const x = linearScale([0, 1], [f.left, f.left + f.innerWidth]);
  const clvs = shown.map((c) => c.clv).filter(Number.isFinite);
  const maxClv = Math.max(0, ...clvs);
  const minClv = Math.min(0, ...clvs);
  const positive = clvs.filter((c) => c > 0);
  const useLog = minClv >= 0 && positive.length > 0 && maxClv / Math.min(...positive) > 1000;
  let y: Scale;
  let floor = 0;
  if (useLog) {
    const top = 10 ** Math.ceil(Math.log10(maxClv));
    floor = Math.max(10 ** Math.floor(Math.log10(Math.min(...positive))), top / 1e5);
    y = logScale([floor, top], [f.top + f.innerHeight, f.top]);
  } else {
    y = linearScale(niceDomain(minClv, maxClv), [f.top + f.innerHeight, f.top]);
  }
  let body = axisBottom(x, f, { ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], format: (t) => t.toFixed(1), label: 'P(alive): probability the customer is still active', grid: true });
  body += axisLeft(y, f, { label: `CLV${useLog ? ' (log scale)' : ''}`, grid: true });
  let points = '';
  for (const c of shown) {
    if (!Number.isFinite(c.clv) || !Number.isFinite(c.pAlive)) continue;
    points += circle(x(c.pAlive), y(c.clv), 3, { title: `${c.customerId}: P(alive) ${probability(c.pAlive)}, CLV ${money(c.clv)}${c.segment ? `, ${c.segment}` : ''}` });
  }
  body += `<g class="points" fill="${categoryColor(0)}" fill-opacity="0.45" stroke="${categoryColor(0)}" stroke-opacity="0.8" stroke-width="0.5">${points}</g>`;
  const svg = svgDocument(f, 'alive-value', 'P(alive) against CLV, one dot per customer', body);
  const table = dataTable(
    ['customer', 'segment', 'P(alive)', 'CLV'],
    shown.map((c) => [c.customerId, c.segment ?? '', probability(c.pAlive), money(c.clv)]),
    { className: 'scroll' },
  );
  const sampled = shown.length < v.customers.length;
  return chartFigure(
    'alive-value',
    'P(alive) against value',
    svg,
    `One dot per customer: how likely the customer is still active (left = probably gone, right = surely active) against their CLV. Valuable customers on the left are the ones to win back before they are lost; the top right are the customers to keep.${sampled ? ` ${count(shown.length)} of ${count(v.customers.length)} customers are shown: the ${count(Math.floor(MAX_SCATTER_POINTS / 10))} most valuable and an even sample of the rest.` : ''}${useLog ? ` CLV is on a log scale; CLV below ${money(floor)} is drawn on the bottom edge.` : ''}`,
    table,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Retention and survival

type Churn = NonNullable<ReportDocument['churn']>;

function retentionSection(c: Churn): string {
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
  out += subheading(`Life-cycle stages at ${dayToIso(lc.asOf)}`);
  out += dataTable(
    ['stage', 'customers', 'share', 'revenue', 'mean revenue'],
    lc.stages.map((s) => [s.stage, count(s.customers), percent(s.share), money(s.revenue), money(s.averageRevenue)]),
  );
  if (lc.transitions) {
    const t = lc.transitions;
    out += subheading(`Stage transitions from ${dayToIso(t.fromAsOf)} to ${dayToIso(t.toAsOf)}`);
    out += dataTable(['from \\ to', ...t.toStages], t.fromStages.map((from) => [from, ...t.toStages.map((to) => count(t.counts[from][to]))]));
  }
  return out;
}

function cohortHeatmap(c: Churn): string {
  const cohorts = c.cohorts.cohorts;
  const average = c.cohorts.average;
  const periods = Math.max(1, ...cohorts.map((r) => r.cells.length), average.length);
  const left = 80;
  const right = 16;
  const cellW = Math.max(6, Math.min(40, (760 - left - right) / periods));
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
    body += cellsOf(r.cells, y, `cohort ${r.label}`, (k) => `${count(r.cells[k]?.active ?? 0)} of ${count(r.size)} customers`);
  });
  const avgY = top + cohorts.length * cellH + 8;
  body += text(left - 6, avgY + cellH / 2, 'average', { anchor: 'end', baseline: 'middle', size: 10, weight: '600' });
  body += cellsOf(average, avgY, 'weighted average', (k) => `over ${count(average[k]?.cohorts ?? 0)} cohorts, ${count(average[k]?.customers ?? 0)} customers`);
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

function survivalChart(c: Churn): string {
  const curves: { name: string; curve: KaplanMeierCurve }[] = [{ name: 'all customers', curve: c.survival.overall }, ...c.survival.groups.map((g) => ({ name: g.group, curve: g.curve }))];
  const grouped = curves.length > 1;
  const maxTime = Math.max(1, ...curves.map((k) => k.curve.maxTime));
  const f = frame(760, 400, { top: 34, right: 24, bottom: 50, left: 60 });
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
      title: `${name}: ${count(curve.n)} customers, ${count(curve.events)} churned, median ${curve.median === null ? 'not reached' : days(curve.median)}`,
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

function medianText(curve: KaplanMeierCurve | undefined): string {
  if (!curve) return '';
  return curve.median === null ? 'not reached' : days(curve.median);
}

/** The 95% band of a step curve as polygons (upper edge forward, lower edge back), one per run of defined steps. */
function bandPolygons(curve: KaplanMeierCurve): [number, number][][] {
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

type Payments = NonNullable<ReportDocument['payments']>;

function paymentsSection(p: Payments): string {
  const t = p.totals;
  let out = paragraph(`Receivables at ${dayToIso(p.asOf)}: ${count(t.invoices)} invoices and ${count(t.creditNotes)} credit notes of ${count(t.customers)} customers.`);
  out += keyFigures([
    ['Outstanding', money(t.outstanding), `${count(p.ageing.total.debtors)} debtors`],
    ['Overdue', money(t.overdue), t.outstanding > 0 ? `${percent(t.overdue / t.outstanding)} of outstanding` : undefined],
    ['Customer credit', money(t.credit)],
    ['Collection rate', percent(t.collectionRate), `${money(t.collected)} of ${money(t.due)} due`],
    ['DSO', days(p.dso.standard), `${p.dso.windowDays}-day sales window`],
    ['Countback DSO', days(p.dso.countback)],
    ['Average days delinquent', days(p.dso.averageDaysDelinquent)],
    ['Worsening payers', count(t.worsening), 'paying later and later'],
  ]);
  out += subheading('Payment classes');
  out += dataTable(
    ['class', 'customers', 'share of customers', 'outstanding', 'overdue', 'share of outstanding'],
    p.classes.map((c) => [c.class, count(c.customers), percent(c.shareOfCustomers), money(c.outstanding), money(c.overdue), percent(c.shareOfOutstanding)]),
  );
  const s = p.settings;
  out += paragraph(
    `Classes by the 90th percentile of days paid late and the longest open item past due: prompt up to ${s.promptMaxDaysLate} days, slow up to ${s.slowMaxDaysLate}, late beyond, delinquent after ${s.delinquentAfterDays} days; no-history = nothing settled or due yet.`,
    'note',
  );
  out += ageingChart(p);
  if (p.ageing.groups.length) {
    const labels = p.ageing.total.buckets.map((b) => b.label);
    out += subheading(`Ageing by ${p.ageing.groupBy ?? 'group'}`);
    out += dataTable(
      [p.ageing.groupBy ?? 'group', 'outstanding', 'overdue', ...labels, 'debtors'],
      p.ageing.groups.map((g) => [g.group, money(g.outstanding), money(g.overdue), ...g.buckets.map((b) => money(b.amount)), count(g.debtors)]),
    );
  }
  const d = p.dso;
  out += subheading('Days sales outstanding');
  out += dataTable(
    ['sales window', 'receivables', 'not yet due', 'credit sales in window', 'DSO', 'best possible DSO', 'average days delinquent', 'countback DSO'],
    [[`${dayToIso(d.windowStart)} – ${dayToIso(d.windowEnd)}`, money(d.receivables), money(d.currentReceivables), money(d.creditSales), days(d.standard), days(d.bestPossible), days(d.averageDaysDelinquent), days(d.countback)]],
  );
  if (p.topDebtors.length) {
    out += subheading(`Largest debtors (top ${p.topDebtors.length})`);
    out += dataTable(
      ['customer', 'class', 'outstanding', 'overdue', 'balance', 'most days past due', 'share of outstanding'],
      p.topDebtors.map((c) => [c.customerId, c.class, money(c.outstanding), money(c.overdue), money(c.balance), c.maxDaysPastDue === null ? '' : count(c.maxDaysPastDue), percent(c.shareOfOutstanding)]),
    );
  }
  const a = p.account;
  out += paragraph(
    `Payment rows: ${count(a.rows)} read, ${count(a.used)} used, ${count(a.issues)} with data issues${a.issues ? ` (${reasons(a.issuesByReason)})` : ''}, ${count(Object.values(a.excluded).reduce((x, y) => x + y, 0))} excluded (${reasons(a.excluded) || 'none'}); ${count(a.paymentsAfterAsOf)} payments dated after the as-of day are ignored.`,
    'note',
  );
  if (p.issues.length) {
    const shown = p.issues.slice(0, 20);
    out += `<details><summary>Data issues (${count(p.issues.length)}${shown.length < p.issues.length ? `, first ${shown.length} shown` : ''})</summary>${dataTable(['file', 'line', 'customer', 'invoice', 'issue'], shown.map((i) => [i.file, String(i.line), i.customerId, i.invoiceId, i.message]), { prose: [4] })}</details>`;
  }
  return out;
}

const AGEING_COLORS = ['#009E73', '#E69F00', '#D55E00', '#B2182B', '#67001F'];

function ageingChart(p: Payments): string {
  const buckets = p.ageing.total.buckets;
  const f = frame(760, 340, { top: 30, right: 20, bottom: 50, left: 72 });
  const x = bandScale(buckets.map((b) => b.label), [f.left, f.left + f.innerWidth], 0.3);
  const y = linearScale(niceDomain(0, Math.max(1, ...buckets.map((b) => b.amount))), [f.top + f.innerHeight, f.top]);
  let body = axisLeft(y, f, { label: 'open amount', grid: true });
  const base = f.top + f.innerHeight;
  buckets.forEach((b, i) => {
    const color = AGEING_COLORS[Math.min(i, AGEING_COLORS.length - 1)];
    const label = b.minDays === null ? 'current' : `${b.label} days`;
    body += rect(x(b.label), y(Math.max(0, b.amount)), x.bandwidth, Math.max(0, base - y(Math.max(0, b.amount))), { fill: color, title: `${label}: ${money(b.amount)} in ${count(b.count)} items (${percent(b.share)})` });
    body += text(x(b.label) + x.bandwidth / 2, y(Math.max(0, b.amount)) - 6, `${fixed(b.amount, 0)} · ${percent(b.share, 0)}`, { anchor: 'middle', size: 11 });
    body += text(x(b.label) + x.bandwidth / 2, base + 17, label, { anchor: 'middle' });
  });
  body += line(f.left, base, f.left + f.innerWidth, base, { className: 'domain' });
  body += text(f.left + f.innerWidth / 2, f.height - 8, 'days past due at as-of', { anchor: 'middle', className: 'axis-label' });
  const svg = svgDocument(f, 'ageing', 'Receivables ageing: open amount by days past due', body);
  const table = dataTable(
    ['bucket', 'days past due', 'open items', 'amount', 'share'],
    [
      ...buckets.map((b) => [b.label, b.minDays === null ? '≤ 0' : b.maxDays === null ? `${b.minDays} or more` : `${b.minDays} – ${b.maxDays}`, count(b.count), money(b.amount), percent(b.share)]),
      ['total', '', count(p.ageing.total.count), money(p.ageing.total.outstanding), ''],
    ],
    { strongRows: [buckets.length] },
  );
  return chartFigure(
    'ageing',
    'Receivables ageing',
    svg,
    `The open amount of unpaid invoices at ${dayToIso(p.asOf)} by how many days past their due date they are: 'current' is not yet due, the buckets to the right are ever later and ever less likely to be collected. Labels give the amount and its share of the ${money(p.ageing.total.outstanding)} outstanding; customer credit (${money(p.ageing.total.credit)}) is not bucketed.`,
    table,
  );
}

// ---------------------------------------------------------------------------------------------------------
// At risk

function atRiskSection(rows: readonly AtRiskRow[]): string {
  if (rows.length === 0) return paragraph('No customer is on the at-risk list.');
  let out = paragraph(
    'Customers the purchase model says are slipping away but are probably still reachable (P(alive) at least 0.1 and below 0.5; below 0.1 the model counts them as gone), ranked by the value still there to be saved: P(alive) × the revenue they would bring over the next 12 months if retained. The reason column says why each is on the list: days since their last purchase against their usual gap between purchases.',
  );
  out += dataTable(
    ['customer', 'segment', 'payment class', 'P(alive)', 'past revenue', 'value at stake', 'days since last purchase', 'usual gap (days)', 'why on the list'],
    rows.map((r) => [r.customerId, r.segment ?? '', r.paymentClass ?? '', probability(r.pAlive), money(r.value), money(r.valueAtRisk), whole(r.daysSinceLast), r.usualGap === null ? '' : whole(r.usualGap), r.reason ?? '']),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------

const STYLE = `
:root { --ink: #1a1a1a; --muted: #5b5b5b; --line: #d9dce1; --accent: #0b5fa5; --panel: #f4f6f8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #ffffff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.top, main, footer { max-width: 1120px; margin: 0 auto; padding-left: 2rem; padding-right: 2rem; }
header.top { padding-top: 1.5rem; padding-bottom: 0.75rem; }
h1 { font-size: 1.7rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.35rem; margin: 0 0 0.75rem; }
h3 { font-size: 1.05rem; margin: 1.75rem 0 0.5rem; }
h4 { font-size: 0.95rem; margin: 0.5rem 0 0.25rem; }
p { max-width: 52rem; }
.meta { color: var(--muted); margin: 0; }
nav ol { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; padding: 0.6rem 0 0; margin: 0.6rem 0 0; border-top: 1px solid var(--line); }
nav a { color: var(--accent); text-decoration: none; }
nav a:hover { text-decoration: underline; }
section { border-top: 1px solid var(--line); padding-top: 1.5rem; margin-top: 2rem; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(11.5rem, 1fr)); gap: 0.75rem; margin: 1rem 0 1.25rem; padding: 0; }
.kpis > div { background: var(--panel); border-radius: 6px; padding: 0.6rem 0.85rem; }
.kpis dt { font-size: 0.8rem; color: var(--muted); }
.kpis dd { margin: 0; font-size: 1.3rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpis dd.sub { font-size: 0.78rem; font-weight: 400; color: var(--muted); }
figure.chart { margin: 1.5rem 0 2rem; max-width: 860px; }
.chart-svg { display: block; width: 100%; height: auto; font-family: inherit; font-size: 11px; }
.chart-svg text:not([fill]) { fill: #333333; }
.chart-svg .axis line, .chart-svg line.domain { stroke: #8a8a8a; }
.chart-svg line.grid { stroke: #ebebeb; }
.chart-svg .axis-label { fill: #555555; font-size: 11.5px; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.5rem; max-width: 52rem; }
figcaption strong { color: var(--ink); }
details { margin: 0.5rem 0; }
summary { cursor: pointer; color: var(--accent); font-size: 0.9rem; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 1rem; }
.table-wrap.scroll { max-height: 26rem; overflow-y: auto; }
table { border-collapse: collapse; font-size: 0.87rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); font-size: 0.85rem; padding-bottom: 0.25rem; }
th, td { padding: 0.28rem 0.6rem; border-bottom: 1px solid #eceef1; text-align: left; vertical-align: top; }
th { background: #fafbfc; border-bottom: 2px solid var(--line); font-weight: 600; position: sticky; top: 0; }
td { white-space: nowrap; }
td.prose { white-space: normal; min-width: 16rem; max-width: 32rem; }
td.num, th.num { text-align: right; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
.note { color: var(--muted); font-size: 0.88rem; }
.warnings { background: #fff8e6; border-left: 3px solid #e0a800; padding: 0.25rem 1rem; margin: 1rem 0; }
.warnings ul { margin: 0.25rem 0 0.5rem; padding-left: 1.2rem; }
footer { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); margin-top: 3rem; padding-top: 0.5rem; padding-bottom: 2rem; }
@media (max-width: 700px) { header.top, main, footer { padding-left: 1rem; padding-right: 1rem; } }
@page { margin: 14mm; }
@media print {
  body { font-size: 10pt; color: #000000; background: #ffffff; }
  header.top, main, footer { max-width: none; padding: 0; }
  nav, summary { display: none; }
  section { break-before: page; border-top: none; margin-top: 0; padding-top: 0; }
  section:first-of-type { break-before: auto; margin-top: 1rem; }
  figure.chart, .kpis, tr, h3 { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .kpis > div { background: #ffffff; border: 1px solid #bbbbbb; }
  th { background: #ffffff; position: static; }
  .table-wrap, .table-wrap.scroll { max-height: none; overflow: visible; }
  .warnings { background: #ffffff; }
  a { color: inherit; text-decoration: none; }
}
`;
