import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportDocument } from '../../src/report/document.js';
import { escapeHtml, renderHtml } from '../../src/report/html/index.js';
import { bandScale, evenSample, linearScale, logScale, niceDomain, niceTicks, sequentialColor, shortNumber, stepPoints } from '../../src/report/html/svg.js';
import { HOSTILE_ID, sampleDocument } from './sample-document.js';
import { PURCHASE_MODELS, type PurchaseModelName } from '../../src/models/registry.js';

/** Every chart of a full document, by figure id and svg data-chart name. */
const CHARTS = [
  'segments', 'segment-rfm', 'rf-grid', 'lorenz', 'clv-histogram', 'alive-value', 'alive-matrix', 'clv-segments', 'cohorts', 'survival', 'churn-rates', 'lifecycle',
  'payment-classes', 'ageing', 'kpi-customers', 'kpi-revenue', 'worth-keeping',
];

/** The markup of each <figure> in the page. */
function figures(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<figure class="chart" id="fig-([a-z-]+)">([\s\S]*?)<\/figure>/g)) out.set(m[1], m[2]);
  return out;
}

function sectionIds(html: string): string[] {
  return [...html.matchAll(/<section id="([a-z-]+)"/g)].map((m) => m[1]);
}

describe('renderHtml', () => {
  let doc: ReportDocument;
  let html: string;
  beforeAll(async () => {
    doc = await sampleDocument();
    html = renderHtml(doc, { title: 'Fixture company' });
    if (process.env.REPORT_HTML_OUT) (await import('node:fs')).writeFileSync(process.env.REPORT_HTML_OUT, html);
  });

  it('churn rates: provisional and partial periods are not in the final-period table; the survival paragraph is the view\'s definition', () => {
    const churn = doc.churn!;
    const periods = churn.churnRates.overall.periods;
    const shown = periods.filter((p) => !p.partial && !p.provisional).slice(-12);
    const withProvisional = { ...churn, churnRates: { ...churn.churnRates, overall: { ...churn.churnRates.overall, periods: periods.map((p, i) => (i === periods.length - 2 ? { ...p, provisional: true, partial: false, lost: 0 } : p)) } } };
    const page = renderHtml({ ...doc, churn: withProvisional });
    const marked = withProvisional.churnRates.overall.periods[periods.length - 2];
    const table = page.slice(page.indexOf('Churn rate per'), page.indexOf('</table>', page.indexOf('Churn rate per')));
    expect(table).not.toContain(`<td>${marked.label}</td>`);
    expect(shown.length).toBeGreaterThan(0);
    if (churn.survival.definition) expect(html).toContain(escapeHtml(churn.survival.definition));
  });

  it('value: says when spend is each customer\'s observed mean (an untrusted spend model), and marks an untrusted fit', () => {
    const value = { ...doc.value!, spendModel: null, spend: { method: 'observed-mean' as const, fallbackReason: 'gammagamma: parameter q ran to the upper bound', populationMean: 65.52 } };
    const page = renderHtml({ ...doc, value: { ...value, purchaseModel: { ...value.purchaseModel, trusted: false, problems: ['parameter r ran to the upper bound'] } } });
    const section = page.slice(page.indexOf('<section id="value"'), page.indexOf('</section>', page.indexOf('<section id="value"')));
    expect(section).toContain('each customer&#39;s own mean repeat spend');
    expect(section).toContain('parameter q ran to the upper bound');
    expect(section).toContain('65.52');
    expect(section).not.toContain('the portfolio mean gives');
    expect(section).toContain('NOT trusted (parameter r ran to the upper bound)');
  });

  it('at-risk table: each row says why the customer is on the list', () => {
    const rows = doc.atRisk!.map((r) => ({ ...r, reason: `reason of ${r.customerId}` }));
    const page = renderHtml({ ...doc, atRisk: rows });
    const section = page.slice(page.indexOf('<section id="at-risk"'), page.indexOf('</section>', page.indexOf('<section id="at-risk"')));
    expect(section).toContain('why on the list');
    for (const r of rows) expect(section).toContain(escapeHtml(`reason of ${r.customerId}`));
    expect(section).not.toContain('weighted by the chance that they are gone');
  });

  it('is one HTML document with the title and every section', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<title>Fixture company</title>');
    expect(html).not.toMatch(/NaN|undefined|\[object /);
    expect(sectionIds(html)).toEqual(['glance', 'overview', 'data', 'segments', 'concentration', 'value', 'retention', 'payments', 'at-risk', 'kpi', 'profitability', 'notes']);
  });

  it('has no script and loads nothing from the network', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\bon[a-z]+\s*=/i); // no inline event handlers
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*(?!["']?#)/i); // only in-page anchors
    expect(html).not.toMatch(/url\((?!#)/i); // only in-document SVG references such as url(#hatch-partial)
    expect(html).not.toMatch(/@import|<link|<img|<iframe|<object|<embed/i);
  });

  it('escapes values from the data', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain(HOSTILE_ID);
    // in the at-risk table, the value tables and the scatter plot's tooltips
    expect(html.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1).toBeGreaterThanOrEqual(3);
    const atRisk = html.slice(html.indexOf('<section id="at-risk"'));
    expect(atRisk).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(figures(html).get('alive-value')).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;: P(alive) 0.120');
    // segment names with an apostrophe, in text and in attributes
    if (doc.segment!.segments.some((s) => s.segment === "Can't Lose Them")) expect(html).toContain('Can&#39;t Lose Them');
  });

  it('draws every chart as inline SVG with a viewBox, a caption and its numbers', () => {
    const found = figures(html);
    expect([...found.keys()].sort()).toEqual([...CHARTS].sort());
    for (const id of CHARTS) {
      const figure = found.get(id)!;
      const svg = /<svg class="chart-svg" data-chart="([a-z-]+)" viewBox="([^"]*)"/.exec(figure);
      expect(svg, id).not.toBeNull();
      expect(svg![1]).toBe(id);
      const box = svg![2].split(' ').map(Number);
      expect(box, id).toHaveLength(4);
      expect(box[2] > 0 && box[3] > 0, id).toBe(true);
      expect(figure).toMatch(/<figcaption><strong>[^<]+\.<\/strong> \S[^<]{40,}<\/figcaption>/);
      expect(figure).toMatch(/<details( open)?><summary>[^<]+<\/summary>[\s\S]*<table>[\s\S]*<tbody>\s*<tr>/);
    }
  });

  it('shows the figures of the analyses', () => {
    const s = doc.segment!;
    expect(figures(html).get('lorenz')).toContain(`Gini ${s.concentration.gini!.toFixed(3)}`);
    const cohort = doc.churn!.cohorts.cohorts[0];
    expect(html).toContain(`<td>${cohort.label}</td>`);
    // partial cells are marked in the chart and in the table
    expect(figures(html).get('cohorts')).toContain('url(#hatch-partial)');
    expect(figures(html).get('cohorts')).toMatch(/<td class="num">\d+%\*<\/td>/);
    // survival: one step path per curve (overall and the region groups)
    const survival = figures(html).get('survival')!;
    expect((survival.match(/<path d="M/g) ?? []).length).toBeGreaterThanOrEqual(1 + doc.churn!.survival.groups.length);
    // payments: day numbers are shown as dates
    expect(html).toContain(`Receivables at ${doc.meta.asOf}`);
    expect(html).not.toMatch(/Receivables at \d{5}\b/);
    // numbers for reading
    expect(html).toContain(doc.overview!.revenue.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(html).toMatch(/\d{1,3}(,\d{3})+\.\d{2}/);
    // data accounting: one row per input
    for (const input of doc.meta.inputs as { file: string }[]) expect(html).toContain(`<td>${escapeHtml(input.file)}</td>`);
  });

  it('the bar charts hold the plotted values: one bar per group whose length is its value', () => {
    /** The bars of a figure: tooltip, x, width, y, height. */
    const bars = (id: string): { tip: string; x: number; width: number; y: number; height: number; fill: string }[] =>
      [...figures(html).get(id)!.matchAll(/<rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"[^>]*><title>([^<]*)<\/title><\/rect>/g)].map((m) => ({
        fill: m[5],
        x: Number(m[1]),
        y: Number(m[2]),
        width: Number(m[3]),
        height: Number(m[4]),
        tip: m[6],
      }));
    /** Bar widths are proportional to the values: width / value is the same for every bar of a series. */
    const proportional = (widths: number[], given: (number | null)[]): void => {
      const values = given.map((v) => v ?? 0);
      expect(widths).toHaveLength(values.length);
      const k = values.indexOf(Math.max(...values));
      const scale = widths[k] / values[k];
      expect(scale).toBeGreaterThan(0);
      // coordinates are written to 0.1 px
      widths.forEach((w, i) => expect(Math.abs(w - scale * values[i]), `bar ${i}`).toBeLessThan(0.2));
    };
    const v = doc.value!;
    const clv = bars('clv-segments');
    expect(clv).toHaveLength(2 * v.segments.length);
    proportional(clv.filter((_, i) => i % 2 === 1).map((b) => b.width), v.segments.map((g) => g.shareOfEquity));
    for (const g of v.segments) expect(clv.some((b) => b.tip.startsWith(`${escapeHtml(g.segment)}: CLV ${g.clv.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`))).toBe(true);

    const lc = doc.churn!.lifecycle;
    const stages = bars('lifecycle');
    expect(stages).toHaveLength(2 * lc.stages.length);
    proportional(stages.filter((_, i) => i % 2 === 0).map((b) => b.width), lc.stages.map((s) => s.share));

    const classes = bars('payment-classes');
    const p = doc.payments!;
    proportional(classes.filter((_, i) => i % 2 === 0).map((b) => b.width), p.classes.map((c) => c.shareOfCustomers));
    proportional(classes.filter((_, i) => i % 2 === 1).map((b) => b.width), p.classes.map((c) => c.shareOfOutstanding));

    const s = doc.segment!;
    const rfm = bars('segment-rfm');
    expect(rfm).toHaveLength(3 * s.segments.length);
    proportional(rfm.slice(0, s.segments.length).map((b) => b.width), s.segments.map((g) => g.meanRecencyDays));
    proportional(rfm.slice(2 * s.segments.length).map((b) => b.width), s.segments.map((g) => g.meanMonetary));

    // churn rates: the complete periods (provisional ones faint), column heights proportional to the counts and rates
    const periods = doc.churn!.churnRates.overall.periods.filter((q) => !q.partial).slice(-36);
    const columns = bars('churn-rates');
    const counts = columns.filter((b) => b.fill === columns[0].fill);
    expect(counts).toHaveLength(periods.length);
    proportional(counts.map((b) => b.height), periods.map((q) => q.atRisk));
    proportional(columns.filter((b) => b.fill !== columns[0].fill).map((b) => b.height), periods.filter((q) => q.rate !== null).map((q) => q.rate!));
    expect(figures(html).get('churn-rates')).toContain('opacity="0.35"');
    expect(counts.every((b, i) => b.tip.startsWith(`${periods[i].label}: `))).toBe(true);
  });

  it('the P(alive) matrix is drawn at the oldest customer\'s age in the model\'s unit, with the model\'s values', () => {
    const v = doc.value!;
    const T = Math.max(...v.customers.map((c) => c.T));
    const figure = figures(html).get('alive-matrix')!;
    expect(figure).toContain(`age T = ${T.toFixed(1)}`);
    const model = PURCHASE_MODELS[v.purchaseModel.model as PurchaseModelName];
    const cells = [...figure.matchAll(/<title>frequency (\d+), recency ([\d.]+) weeks: ([\d.]+)<\/title>/g)];
    expect(cells.length).toBeGreaterThan(20);
    for (const [, x, r, p] of cells.filter((_, k) => k % 37 === 0)) {
      // recency is printed to 2 decimals; P(alive) changes little within that
      expect(Number(p)).toBeCloseTo(model.probabilityAlive(v.purchaseModel.params, Number(x), Number(r), T), 2);
    }
    const last = cells.find(([, x, r]) => x === '1' && Math.abs(Number(r) - T) < 0.006)!;
    expect(Number(last[3])).toBeCloseTo(model.probabilityAlive(v.purchaseModel.params, 1, T, T), 4);
  });

  it('has a print stylesheet with page breaks and no dark backgrounds', () => {
    expect(html).toMatch(/@media print \{[\s\S]*section \{ break-before: page;/);
    expect(html).toMatch(/@media print \{[\s\S]*body \{[^}]*background: #ffffff/);
  });

  it('leaves out the sections whose part of the document is null', () => {
    const empty: ReportDocument = { ...doc, overview: null, summary: null, segment: null, value: null, churn: null, payments: null, atRisk: null, kpi: null, profitability: null, notes: [] };
    const page = renderHtml(empty);
    expect(sectionIds(page)).toEqual(['data']);
    expect(page).not.toContain('<figure');
    expect(page).not.toContain('<svg');
    expect(page).toContain(`<title>Customer report, as of ${doc.meta.asOf}</title>`);

    const noChurn = renderHtml({ ...doc, churn: null, atRisk: null, kpi: null, profitability: null, notes: [] });
    expect(sectionIds(noChurn)).toEqual(['glance', 'overview', 'data', 'segments', 'concentration', 'value', 'payments']);
    expect([...figures(noChurn).keys()]).not.toContain('cohorts');
    expect([...figures(noChurn).keys()]).not.toContain('survival');
    expect(noChurn).not.toContain('href="#retention"');

    const onlyPayments = renderHtml({ ...empty, payments: doc.payments });
    expect([...figures(onlyPayments).keys()]).toEqual(['payment-classes', 'ageing']);
    expect(renderHtml({ ...empty, atRisk: [] })).toContain('No customer is on the at-risk list.');
  });

  it('renders parts without rows', () => {
    const churn = doc.churn!;
    const emptyCurve = { ...churn.survival.overall, n: 0, events: 0, censored: 0, steps: [], median: null, maxTime: 0 };
    const page = renderHtml({
      ...doc,
      segment: { ...doc.segment!, concentration: { ...doc.segment!.concentration, gini: null, lorenz: [] }, clusters: null },
      value: { ...doc.value!, customers: [], deciles: [], segments: [] },
      churn: { ...churn, cohorts: { ...churn.cohorts, cohorts: [], average: [] }, survival: { ...churn.survival, overall: emptyCurve, groups: [] }, logRank: null },
      payments: { ...doc.payments!, topDebtors: [], issues: [], ageing: { ...doc.payments!.ageing, groups: [] } },
      atRisk: [],
    });
    const found = figures(page);
    expect([...found.keys()].sort()).toEqual(CHARTS.filter((c) => c !== 'cohorts' && c !== 'clv-segments' && c !== 'alive-matrix').sort());
    expect(found.get('lorenz')).toContain('Gini not defined');
    expect(page).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('downsamples the scatter plot deterministically to at most 2,000 points', () => {
    const base = doc.value!.customers.at(0)!;
    const customers = Array.from({ length: 5000 }, (_, i) => ({ ...base, customerId: `C${i}`, clv: (i * 7919) % 5000, pAlive: ((i * 31) % 100) / 100 }));
    const page = renderHtml({ ...doc, value: { ...doc.value!, customers } });
    const scatter = figures(page).get('alive-value')!;
    const points = (scatter.match(/<circle /g) ?? []).length;
    expect(points).toBe(2000);
    expect(scatter).toContain('2,000 of 5,000 customers are shown');
    const top = customers.reduce((a, b) => (b.clv > a.clv ? b : a));
    expect(scatter).toContain(`<title>${top.customerId}: `); // the most valuable customers are always kept
    expect(renderHtml({ ...doc, value: { ...doc.value!, customers } })).toBe(page);
  });
});

describe('escapeHtml', () => {
  it('escapes the five special characters and stringifies', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(12)).toBe('12');
  });
});

describe('svg primitives', () => {
  it('makes nice ticks and domains', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 97, 5)).toEqual([0, 20, 40, 60, 80]);
    expect(niceDomain(0, 97)).toEqual([0, 100]);
    expect(niceDomain(0, 0)).toEqual([0, 1]);
  });

  it('maps values with linear, log and band scales', () => {
    const x = linearScale([0, 10], [100, 200]);
    expect(x(2.5)).toBe(125);
    const y = linearScale([0, 1], [300, 20]);
    expect(y(1)).toBe(20);
    const log = logScale([1, 1000], [0, 300]);
    expect(log(10)).toBeCloseTo(100, 9);
    expect(log(0)).toBe(0); // at or below the domain: the bottom edge
    expect(log.ticks()).toEqual([1, 10, 100, 1000]);
    const band = bandScale(['a', 'b', 'c', 'd'], [0, 100], 0.2);
    expect(band('c')).toBeCloseTo(52.5, 9);
    expect(band.bandwidth).toBeCloseTo(20, 9);
  });

  it('draws step functions and formats ticks', () => {
    expect(stepPoints([[0, 1], [2, 0.5], [5, 0.25]], 8)).toEqual([[0, 1], [2, 1], [2, 0.5], [5, 0.5], [5, 0.25], [8, 0.25]]);
    expect(shortNumber(12500)).toBe('12.5k');
    expect(shortNumber(3_400_000)).toBe('3.4M');
    expect(shortNumber(0.25)).toBe('0.25');
    expect(sequentialColor(0)).toBe('#f7fbff');
    expect(sequentialColor(1)).toBe('#08306b');
  });

  it('samples evenly and deterministically', () => {
    expect(evenSample([1, 2, 3, 4, 5, 6], 3)).toEqual([1, 3, 5]);
    expect(evenSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4, 2)).toEqual([1, 2, 3, 7]);
    const short = [1, 2];
    expect(evenSample(short, 3)).toBe(short);
  });
});

describe('At a glance', () => {
  it('opens the report with equity, at-risk value, concentration and churn, equal to the sections below', async () => {
    const { glanceFigures } = await import('../../src/report/html/summary.js');
    const { runCli } = await import('../helpers/run-cli.js');
    const { fixture } = await import('../helpers/data.js');
    const r = await runCli(['report', '--sales', fixture('sales.csv'), '--model', 'bgnbd', '--format', 'json', '--quiet', '--per-customer']);
    const doc = JSON.parse(r.stdout);
    const figures = Object.fromEntries(glanceFigures(doc).map(([label, value, note]) => [label, { value, note }]));
    expect(figures['Customer equity'].value).toBe(doc.value.equity.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    expect(figures['Customers at risk'].value).toBe(String(doc.atRisk.length));
    expect(figures.Concentration.value).toBe(`Gini ${doc.segment.concentration.gini.toFixed(2)}`);
    expect(figures['Churn per month'].note).toMatch(/^\d{4}-\d{2}: [\d.]+%, (rising|falling|steady) against the 3 months before$/);
    const html = await runCli(['report', '--sales', fixture('sales.csv'), '--model', 'bgnbd', '--format', 'html', '--quiet']);
    const glance = /<section id="glance"[\s\S]*?<\/section>/.exec(html.stdout)![0];
    expect(glance).toContain('Customer equity');
    expect(html.stdout.indexOf('id="glance"')).toBeLessThan(html.stdout.indexOf('id="overview"'));
  });
});
