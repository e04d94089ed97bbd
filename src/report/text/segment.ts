/** Terminal report of the customer portfolio (`crm segment`, and the segment section of `crm report`). */
import { type SegmentPortfolioResult } from '../../segment/segment-portfolio.js';
import type { ScoreBand } from '../../segment/rfm.js';
import { count, counted, fixed, percent } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';
import type { WithRecords } from '../../core/record-columns.js';

/** `F=3`; `F=1–2` for a score that stands for skipped ones; `F=2 (→1)` for a skipped score. */
function scoreLabel(measure: string, band: ScoreBand): string {
  if (band.mergedInto !== null) return `${measure}=${band.score} (→${band.mergedInto})`;
  if (band.through !== null && band.through > band.score) return `${measure}=${band.score}–${band.through}`;
  return `${measure}=${band.score}`;
}

/**
 * One line per score a tie skipped, e.g. `F=2 is not used: F=1 (11,908 customers, 50.5%, 1 transaction) stands
 * for F=1–2 ...`.
 */
function mergedScoreNotes(r: Omit<SegmentPortfolioResult, 'customers'>): string {
  const units = { R: 'days since the last purchase', F: 'transactions', M: r.settings.monetary === 'mean' ? 'revenue per transaction' : 'revenue' } as const;
  let out = '';
  for (const measure of ['R', 'F', 'M'] as const) {
    const bands = r.scores[measure];
    for (const band of bands) {
      if (band.through === null || band.through === band.score) continue;
      const skipped = bands.filter((b) => b.mergedInto === band.score).map((b) => `${measure}=${b.score}`);
      const money = measure === 'M';
      const range = band.min === band.max ? (money ? fixed(band.min) : String(band.min)) : `${money ? fixed(band.min) : band.min}–${money ? fixed(band.max) : band.max}`;
      const unit = measure === 'F' && band.max === 1 ? 'transaction' : units[measure];
      out += `${skipped.join(', ')} ${skipped.length > 1 ? 'are' : 'is'} not used: ${measure}=${band.score} (${counted(band.customers, 'customer')}, ${percent(band.customers / r.totals.customers)}, ${range} ${unit}) stands for ${measure}=${band.score}–${band.through}. Tied customers share a score and the scores a tie spans are skipped, as in R's rfm package (docs/segment.md).\n`;
    }
  }
  return out;
}

/** The terminal report of `crm segment`. */
export function renderSegment(r: WithRecords<SegmentPortfolioResult, 'customers'>, style: TextStyle, { compact = false }: { compact?: boolean } = {}): string {
  const paint = painter(style.color);
  const hasMargin = r.totals.margin !== null;
  let out = renderTable(
    ['segment', 'customers', 'share', 'revenue', 'rev. share', ...(hasMargin && !compact ? ['margin'] : []), 'recency d', compact ? 'tx' : 'transactions', 'monetary', ...(compact ? [] : ['action'])],
    r.segments.filter((s) => s.customers > 0).map((s) => [
      s.segment, count(s.customers), percent(s.shareOfCustomers), fixed(s.revenue), percent(s.shareOfRevenue), ...(hasMargin && !compact ? [fixed(s.margin)] : []),
      fixed(s.meanRecencyDays, 0), fixed(s.meanTransactions, 1), fixed(s.meanMonetary), ...(compact ? [] : [s.action.length > 48 ? `${s.action.slice(0, 47)}…` : s.action]),
    ]),
    style,
    `RFM segments as of ${r.asOf} (${counted(r.totals.customers, 'customer')}, ${r.settings.bins} score levels, M = ${r.settings.monetary} revenue)`,
  );
  const bins = r.settings.bins;
  const cell = (R: number, F: number) => r.grid.find((g) => g.R === R && g.F === F);
  const gridRows: string[][] = [];
  for (let R = bins; R >= 1; R--) {
    gridRows.push([scoreLabel('R', r.scores.R[R - 1]), ...Array.from({ length: bins }, (_, i) => {
      const c = cell(R, i + 1);
      return c && c.customers > 0 ? `${count(c.customers)} · ${fixed(c.meanMonetary, 0)}` : '';
    })]);
  }
  out += '\n' + renderTable(['', ...r.scores.F.map((band) => scoreLabel('F', band))], gridRows, style, 'R x F grid (customers · mean monetary value); R=5 most recent, F=5 most frequent');
  out += mergedScoreNotes(r);
  const c = r.concentration;
  out += `\n${paint.bold('Concentration')} of ${c.measure}: Gini ${fixed(c.gini, 3)}\n${c.top.map((t) => `top ${percent(t.fraction, 0)} of customers bring ${percent(t.valueShare)}`).join(', ')}\n`;
  out += `ABC: ${c.abc.map((a) => `${a.class} ${counted(a.customers, 'customer')} (${percent(a.shareOfCustomers)}) with ${percent(a.shareOfValue)}${a.negativeCustomers > 0 ? ` (incl. ${count(a.negativeCustomers)} with negative ${c.measure}, ${fixed(a.negativeValue)})` : ''}`).join('; ')} of ${c.measure}\n`;
  if (c.negative.customers > 0) out += `${count(c.negative.customers)} customer(s) with negative ${c.measure} (total ${fixed(c.negative.total)}), class C, left out of the Gini and top shares: ${c.negative.list.slice(0, 5).map((n) => n.customerId).join(', ')}${c.negative.customers > 5 ? ', …' : ''}\n`;
  if (r.clusters) {
    const k = r.clusters;
    out += '\n' + renderTable(
      ['cluster', 'size', 'share', 'revenue', ...k.features.map((f) => ({ recencyDays: 'recency d', transactions: 'tx' } as Record<string, string>)[f] ?? f), 'description'],
      k.clusters.map((cl) => [String(cl.cluster), count(cl.customers), percent(cl.shareOfCustomers), percent(cl.shareOfRevenue), ...k.features.map((f) => fixed(cl.centre[f], 1)), cl.description]),
      style,
      `k-means clusters (centres in original units): k=${k.k} (${k.chosenBy === 'given' ? 'given' : `chosen by mean silhouette ${fixed(k.silhouette, 2)}`}, seed ${k.seed})`,
    );
  }
  for (const p of r.profiles) {
    const rows = p.segments.map((seg) => [seg.segment, ...p.values.map((v) => {
      const cellP = p.cells.find((x) => x.segment === seg.segment && x.value === v.value);
      return cellP && cellP.customers > 0 ? `${count(cellP.customers)} (${cellP.index === null ? '' : fixed(cellP.index, 0)})` : '';
    })]);
    out += '\n' + renderTable(['segment', ...p.values.map((v) => v.value)], rows, style, `Segments by ${p.column}: customers (index: 100 = the portfolio's share)`);
  }
  return fitProse(out, style);
}
