/** The customer value section of the HTML report: the model, equity, the CLV histogram and the P(alive) x CLV scatter. */
import type { FittedModel } from '../../models/types.js';
import type { ReportDocument } from '../document.js';
import { count, counted, fixed, percent } from '../format.js';
import {
    axisBottom,
    axisLeft,
    bandScale,
    categoryColor,
    circle, evenSample,
    frame, line,
    linearScale,
    logScale,
    niceDomain, rect, shortNumber, svgDocument,
    text, type Scale, CHART_WIDTH } from './svg.js';

import { money, probability, parameter, dataTable, keyFigures, paragraph, subheading, warningList, chartFigure } from './common.js';
import { pairedShareBars } from './bars.js';
import { frequencyRecencyHeatmap } from './diagnostics.js';
import { frequencyRecencyMatrix } from '../../value/diagnostics.js';
import { PURCHASE_MODELS, type PurchaseModel } from '../../models/registry.js';
import { histogramBins } from '../../value/histogram.js';

/** Largest number of points drawn in the P(alive) × CLV scatter plot. */
export const MAX_SCATTER_POINTS = 2000;

export type Value = NonNullable<ReportDocument['value']>;

export function modelTable(model: FittedModel): string {
  const rows = Object.entries(model.params).map(([name, value]) => {
    const interval = model.intervals[name];
    return [name, parameter(value), parameter(model.stdErrors[name]), interval ? `${parameter(interval[0])} – ${parameter(interval[1])}` : ''];
  });
  return dataTable(['parameter', 'estimate', 'standard error', '95% interval'], rows);
}

export function modelNote(model: FittedModel): string {
  const status = model.trusted === false ? `NOT trusted (${(model.problems ?? []).join('; ') || 'see the warnings'})` : model.converged ? 'converged' : 'did NOT converge';
  return `Fitted on ${counted(model.n, 'customer')} (${count(model.nDistinct)} distinct tuples): log-likelihood ${fixed(model.logLikelihood, 1)}, AIC ${fixed(model.aic, 1)}, ${status} after ${count(model.iterations)} iterations.`;
}

export const MODEL_NAMES: Record<string, string> = {
  bgnbd: 'BG/NBD',
  mbgnbd: 'MBG/NBD',
  paretonbd: 'Pareto/NBD',
  bgbb: 'BG/BB',
  gammagamma: 'Gamma-Gamma',
  sbg: 'shifted beta-geometric',
};

export function modelName(model: FittedModel): string {
  return MODEL_NAMES[model.model] ?? model.model;
}

/** How the valuation priced spend per transaction, in words. */
export function spendText(v: Value): string {
  if (v.spendModel) return `the ${modelName(v.spendModel)} model their spend per transaction`;
  if (v.spend?.method === 'observed-mean') {
    return `each customer's own mean repeat spend gives their spend per transaction (the spend model was not used: ${v.spend.fallbackReason ?? 'not trusted'}; customers without a repeat purchase get the mean over repeat customers${v.spend.populationMean === null ? '' : `, ${money(v.spend.populationMean)}`})`;
  }
  return 'the portfolio mean gives their spend per transaction';
}

export function valueSection(v: Value): string {
  const customers = v.customers.length;
  let out = paragraph(
    `Customer lifetime value (CLV) over ${v.horizon.periods} ${v.horizon.unit}${v.horizon.periods === 1 ? '' : 's'} from ${v.asOf}: the ${modelName(v.purchaseModel)} model predicts each customer's transactions, ${spendText(v)}, a margin share of ${percent(v.margin.share)} (${v.margin.source}) turns spend into contribution, discounted at ${percent(v.discount.annualRate)} a year (${v.discount.formula}).`,
  );
  out += keyFigures([
    ['Customer equity', money(v.equity), `sum of CLV over ${counted(customers, 'customer')}`],
    ['Mean CLV', customers > 0 ? money(v.equity / customers) : ''],
    ['CLV of a new customer', v.newCustomer ? money(v.newCustomer.clv) : '', v.newCustomer ? `${fixed(v.newCustomer.expectedTransactions, 2)} repeat purchases expected after the first` : undefined],
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
  out += aliveMatrixChart(v);
  out += subheading('Equity by CLV decile');
  out += dataTable(
    ['decile', 'customers', 'CLV', 'share of equity', 'lowest CLV', 'highest CLV'],
    v.deciles.map((d) => [String(d.decile), count(d.customers), money(d.clv), percent(d.shareOfEquity), money(d.minClv), money(d.maxClv)]),
  );
  if (v.segments.length) {
    out += clvSegmentChart(v);
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

export function clvHistogram(v: Value): string {
  const { edges, counts, overflow } = histogramBins(v.customers.map((c) => c.clv));
  const labels = counts.map((_, k) => `${shortNumber(edges[k])}–${shortNumber(edges[k + 1])}`);
  const bars = counts.map((n, k) => ({ label: labels[k], from: edges[k], to: edges[k + 1], n }));
  if (overflow > 0) bars.push({ label: `> ${shortNumber(edges[edges.length - 1])}`, from: edges[edges.length - 1], to: Infinity, n: overflow });
  const f = frame(CHART_WIDTH, 340, { top: 20, right: 20, bottom: 56, left: 64 });
  const x = bandScale(bars.map((b) => b.label), [f.left, f.left + f.innerWidth], 0.08);
  const y = linearScale(niceDomain(0, Math.max(1, ...bars.map((b) => b.n))), [f.top + f.innerHeight, f.top]);
  let body = axisLeft(y, f, { label: 'customers', grid: true, format: (t) => (Number.isInteger(t) ? shortNumber(t) : '') });
  const base = f.top + f.innerHeight;
  const every = Math.max(1, Math.ceil(bars.length / 10));
  bars.forEach((b, k) => {
    const overflowBar = b.to === Infinity;
    body += rect(x(b.label), y(b.n), x.bandwidth, base - y(b.n), {
      fill: overflowBar ? categoryColor(5) : categoryColor(0),
      title: `CLV ${overflowBar ? `above ${money(b.from)}` : `${money(b.from)} to ${money(b.to)}`}: ${counted(b.n, 'customer')}`,
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
    `Each bar counts the customers whose CLV falls in the bin (a bin includes its lower edge; the last also its upper edge). ${overflow > 0 ? `The orange bar on the right gathers the ${counted(overflow, 'customer')} above the 99th percentile, so that a few very valuable customers do not squash the rest. ` : ''}A long tail to the right is usual: few customers hold much of the equity (see the deciles table).`,
    table,
  );
}

export function aliveValueScatter(v: Value): string {
  const byValue = [...v.customers].sort((a, b) => b.clv - a.clv || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  const shown = evenSample(byValue, MAX_SCATTER_POINTS, Math.floor(MAX_SCATTER_POINTS / 10));
  const f = frame(CHART_WIDTH, 420, { top: 20, right: 24, bottom: 50, left: 72 });
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
    `One dot per customer: how likely the customer is still active (left = probably gone, right = surely active) against their CLV. Valuable customers on the left are the ones to win back before they are lost; the top right are the customers to keep.${sampled ? ` ${count(shown.length)} of ${counted(v.customers.length, 'customer')} are shown: the ${count(Math.floor(MAX_SCATTER_POINTS / 10))} most valuable and an even sample of the rest.` : ''}${useLog ? ` CLV is on a log scale; CLV below ${money(floor)} is drawn on the bottom edge.` : ''}`,
    table,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Retention and survival

/** Each segment's share of the customers beside its share of customer equity. */
export function clvSegmentChart(v: Value): string {
  const total = v.segments.reduce((n, g) => n + g.customers, 0);
  const svg = pairedShareBars(
    'clv-segments',
    'Share of customers and of customer equity by segment',
    v.segments.map((g) => ({
      label: g.segment,
      first: total > 0 ? g.customers / total : null,
      firstTip: `${g.segment}: ${counted(g.customers, 'customer')}`,
      second: g.shareOfEquity,
      secondTip: `${g.segment}: CLV ${money(g.clv)}, ${percent(g.shareOfEquity)} of equity, mean ${money(g.meanClv)}`,
    })),
    ['customers', 'customer equity'],
    'share of all customers / of customer equity (sum of CLV)',
  );
  const table = dataTable(
    ['segment', 'customers', 'share of customers', 'CLV', 'share of equity', 'mean CLV'],
    v.segments.map((g) => [g.segment, count(g.customers), percent(total > 0 ? g.customers / total : null), money(g.clv), percent(g.shareOfEquity), money(g.meanClv)]),
  );
  return chartFigure(
    'clv-segments',
    'Customer lifetime value by segment',
    svg,
    'For each RFM segment, the blue bar is its share of the customers and the orange bar its share of customer equity (the sum of CLV): where the future value is, next to where the customers are.',
    table,
  );
}

/**
 * P(alive) of the purchase model over frequency × recency at the oldest customer's age (lifetimes'
 * probability-alive matrix): where a history of purchases must end for the model to still count it alive.
 */
export function aliveMatrixChart(v: Value): string {
  const model = (PURCHASE_MODELS as Record<string, PurchaseModel | undefined>)[v.purchaseModel.model];
  if (model === undefined || v.customers.length === 0) return '';
  // customers' recency and T are in the valuation's period (the model's unit)
  const T = v.customers.reduce((m, c) => Math.max(m, c.T), 0);
  const maxFrequency = v.customers.reduce((m, c) => Math.max(m, c.frequency), 0);
  const m = frequencyRecencyMatrix(model, v.purchaseModel, T, maxFrequency, 1);
  const svg = frequencyRecencyHeatmap(m, 'pAlive', v.period.name, 'alive-matrix');
  const table = dataTable(
    ['frequency', ...m.recencies.map((r) => `recency ${fixed(r, 1)}`)],
    m.frequencies.map((x, i) => [String(x), ...m.pAlive[i].map((p) => (p === null ? '' : fixed(p, 3)))]),
    { className: 'scroll', caption: `P(alive) at age T = ${fixed(T, 1)} ${v.period.name}s; recency in ${v.period.name}s.` },
  );
  return chartFigure(
    'alive-matrix',
    `P(alive) by frequency and recency (${modelName(v.purchaseModel)})`,
    svg,
    `For a customer as old as the oldest (${fixed(T, 1)} ${v.period.name}s since the first purchase), the model's probability of still being a customer, by the number of repeat purchases (rows) and the time of the last one (columns, ${v.period.name}s after the first). Frequent buyers who stopped long ago are the likeliest lost; recent buyers are alive whatever their frequency.`,
    table,
  );
}
