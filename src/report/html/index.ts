/**
 * The report as one self-contained HTML file: inline CSS, inline SVG charts, no script, no network resource.
 * Each chart is a `<figure>` with a caption that says how to read it and the numbers behind it in a table.
 * Sections appear only for the parts of the {@link ReportDocument} that are present. Pure rendering: the
 * charts show what the analyses computed (the CLV histogram's bins come from src/value/histogram.ts; the
 * scatter plot is downsampled deterministically). Every value from the data is escaped.
 *
 * Layout: this file assembles the page; page.ts holds its style, svg.ts the chart primitives, common.ts the
 * tables and figures, and one file per section (overview, segments, value, churn, payments, kpi,
 * profitability, campaign).
 */
import type { ReportDocument, SectionName } from '../document.js';
import { kpiSection } from './kpi.js';
import { profitabilitySection } from './profitability.js';
import { campaignSection } from './campaign.js';
import {
    escapeHtml
} from './svg.js';

import { overviewSection, dataSection } from './overview.js';
import { segmentsSection, concentrationSection } from './segments.js';
import { valueSection } from './value.js';
import { retentionSection } from './churn.js';
import { paymentsSection, atRiskSection } from './payments.js';
import { STYLE } from './page.js';
import { glanceSection } from './summary.js';

export { escapeHtml } from './svg.js';

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** Title of the page. Default 'Customer report, as of <as-of>'. */
  title?: string;
}

export { MAX_SCATTER_POINTS } from './value.js';

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
  add('glance', 'At a glance', glanceSection(doc));
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
    `<p class="meta">As of <strong>${escapeHtml(meta.asOf)}</strong> · ${escapeHtml(range)} · ${escapeHtml(unitText(doc))} · ${escapeHtml(meta.tool)} ${escapeHtml(meta.version)}</p>`,
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

/**
 * The time units of the page's numbers: the summary's (recency, T) and, when they differ, the purchase
 * model's (its parameters and rates), e.g. `summary in days, model parameters in weeks`.
 */
function unitText(doc: ReportDocument): string {
  const summary = `summary in ${doc.meta.period.name}s`;
  const model = doc.value?.period.name;
  return model === undefined || model === doc.meta.period.name ? `time unit ${doc.meta.period.name}` : `${summary}, model parameters in ${model}s`;
}
