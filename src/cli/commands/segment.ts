/** `crm segment`: RFM scores and named segments, R × F grid, concentration (Pareto/ABC), clusters, profiles. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { summarize } from '../../accumulate/summary.js';
import { UsageError } from '../../errors.js';
import { checkSegmentTable, type SegmentTable } from '../../segment/segments.js';
import { segmentPortfolio, type CustomerSegment, type SegmentPortfolioResult } from '../../segment/segment-portfolio.js';
import type { ScoreBand } from '../../segment/rfm.js';
import { count, fixed, percent } from '../../report/format.js';
import { writeCsv, writeJson, writeNdjson, type RecordColumns } from '../../report/records.js';
import { painter, renderTable } from '../../report/table.js';
import { accountLines, inputsMeta, readInputs } from '../inputs.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, outputFormat, resolveOptions, useColor } from '../options.js';
import { diagnostics, withOutput } from '../output.js';
import { groupAttributes } from '../groups.js';

export const segmentColumns: RecordColumns<CustomerSegment> = {
  names: ['customer_id', 'R', 'F', 'M', 'rfm', 'segment', 'abc', 'cluster'],
  values: (c) => [c.customerId, c.R, c.F, c.M, c.rfm, c.segment, c.abc, c.cluster],
};

function integerOption(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}

function list(value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

/** The segmentation options from the command's options (shared with `crm report`). */
export function segmentOptions(options: Record<string, unknown>): {
  bins?: number;
  monetary: 'total' | 'mean';
  valueMeasure: 'revenue' | 'margin';
  abc?: [number, number];
  k?: number;
  seed: number;
  features: string[];
  clusters: boolean;
  profiles: string[];
  segmentTable?: SegmentTable;
} {
  const abc = options.abc !== undefined ? list(options.abc).map(Number) : undefined;
  if (abc && (abc.length !== 2 || !(abc[0] > 0 && abc[0] < abc[1] && abc[1] <= 1))) {
    throw new UsageError(`invalid --abc "${options.abc}"`, { hint: 'two cumulative shares, e.g. 0.8,0.95' });
  }
  const table = options.segmentTable as SegmentTable | undefined;
  if (table !== undefined) {
    if (typeof table !== 'object' || !Array.isArray(table.rules) || !Array.isArray(table.segments)) {
      throw new UsageError('invalid segmentTable in the config file', { hint: 'see docs/segment.md for its shape' });
    }
    checkSegmentTable(table);
  }
  return {
    bins: integerOption(options.bins, '--bins', 2, 9),
    monetary: (options.monetary as 'total' | 'mean' | undefined) ?? 'total',
    valueMeasure: (options.byValue as 'revenue' | 'margin' | undefined) ?? 'revenue',
    abc: abc as [number, number] | undefined,
    k: integerOption(options.k, '--k', 1, 50),
    seed: integerOption(options.seed, '--seed', 0, 2 ** 31) ?? 1,
    features: list(options.features),
    clusters: options.clusters !== false,
    profiles: list(options.by),
    segmentTable: table,
  };
}

export function registerSegment(program: Command, io: Io): void {
  const cmd = program
    .command('segment')
    .description('customer portfolio: RFM scores and named segments, R x F grid, Pareto/ABC concentration, k-means clusters, profiles')
    .option('--bins <n>', 'score levels for R, F and M (default 5)')
    .addOption(new Option('--monetary <measure>', 'M is total revenue or mean per transaction (default total)').choices(['total', 'mean']))
    .addOption(new Option('--by-value <measure>', 'rank concentration and ABC by revenue or margin (default revenue)').choices(['revenue', 'margin']))
    .option('--abc <a,b>', 'cumulative value shares ending classes A and B (default 0.8,0.95)')
    .option('--k <n>', 'number of clusters (default: 2..8 chosen by mean silhouette)')
    .option('--seed <n>', 'random seed of the clustering (default 1)')
    .option('--features <columns>', 'numeric customer attributes added to the clustering features')
    .option('--no-clusters', 'skip the clustering')
    .option('--by <columns>', 'profile the segments by these customer attributes (or payment_class, with --payments)')
    .option('--per-customer', 'table/JSON: add one row per customer; CSV: write the per-customer rows (the default for CSV)')
    .option('--as-of <date>', 'recency is measured to this date (default: the last date in the sales)');
  addInputOptions(cmd, ['customers', 'sales', 'payments']);
  addOutputOptions(cmd);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    const settings = segmentOptions(options);
    const { data, window } = await readInputs(cmd, options, config, io, { sales: 'required', customers: 'optional', payments: 'optional' }, { holdout: false });
    const { customers } = summarize(data.sales!, window!);
    const asOf = window!.asOf;
    const attributes = groupAttributes([...settings.profiles, ...settings.features], data, asOf);
    const result = segmentPortfolio(customers, {
      asOf,
      attributes,
      bins: settings.bins,
      monetary: settings.monetary,
      valueMeasure: settings.valueMeasure,
      segmentTable: settings.segmentTable,
      concentration: settings.abc ? { abcThresholds: settings.abc } : undefined,
      clusters: settings.clusters ? { k: settings.k, seed: settings.seed, features: settings.features } : false,
      profiles: settings.profiles,
    });
    const notes = [...accountLines(data), ...result.warnings.map((w) => `warning: ${w}`)];
    const meta = { command: 'segment', asOf: result.asOf, ...inputsMeta(data) };
    await withOutput(options.output, io, async (sink) => {
      if (format === 'csv') await writeCsv(sink, segmentColumns, result.customers);
      else if (format === 'ndjson') await writeNdjson(sink, segmentColumns, result.customers);
      else if (format === 'json') {
        const { customers: perCustomer, ...rest } = result;
        await writeJson(sink, meta, 'customers', segmentColumns, options.perCustomer ? perCustomer : [], rest);
      } else {
        await sink.write(renderSegment(result, useColor(options, io)));
        if (options.perCustomer) {
          await sink.write('\n' + renderTable(segmentColumns.names, result.customers.map((c) => segmentColumns.values(c).map((v) => String(v ?? ''))), { color: useColor(options, io) }, 'Customers'));
        }
        for (const n of notes) await sink.write(`${n}\n`);
      }
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
  });
}

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
function mergedScoreNotes(r: SegmentPortfolioResult): string {
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
      out += `${skipped.join(', ')} ${skipped.length > 1 ? 'are' : 'is'} not used: ${measure}=${band.score} (${count(band.customers)} customers, ${percent(band.customers / r.totals.customers)}, ${range} ${unit}) stands for ${measure}=${band.score}–${band.through}. Tied customers share a score and the scores a tie spans are skipped, as in R's rfm package (docs/segment.md).\n`;
    }
  }
  return out;
}

/** The terminal report of `crm segment`. */
export function renderSegment(r: SegmentPortfolioResult, color: boolean, { compact = false }: { compact?: boolean } = {}): string {
  const paint = painter(color);
  const hasMargin = r.totals.margin !== null;
  let out = renderTable(
    ['segment', 'customers', 'share', 'revenue', 'rev. share', ...(hasMargin && !compact ? ['margin'] : []), 'recency d', compact ? 'tx' : 'transactions', 'monetary', ...(compact ? [] : ['action'])],
    r.segments.filter((s) => s.customers > 0).map((s) => [
      s.segment, count(s.customers), percent(s.shareOfCustomers), fixed(s.revenue), percent(s.shareOfRevenue), ...(hasMargin && !compact ? [fixed(s.margin)] : []),
      fixed(s.meanRecencyDays, 0), fixed(s.meanTransactions, 1), fixed(s.meanMonetary), ...(compact ? [] : [s.action.length > 48 ? `${s.action.slice(0, 47)}…` : s.action]),
    ]),
    { color },
    `RFM segments as of ${r.asOf} (${count(r.totals.customers)} customers, ${r.settings.bins} score levels, M = ${r.settings.monetary} revenue)`,
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
  out += '\n' + renderTable(['', ...r.scores.F.map((band) => scoreLabel('F', band))], gridRows, { color }, 'R x F grid (customers · mean monetary value); R=5 most recent, F=5 most frequent');
  out += mergedScoreNotes(r);
  const c = r.concentration;
  out += `\n${paint.bold('Concentration')} of ${c.measure}: Gini ${fixed(c.gini, 3)}\n${c.top.map((t) => `top ${percent(t.fraction, 0)} of customers bring ${percent(t.valueShare)}`).join(', ')}\n`;
  out += `ABC: ${c.abc.map((a) => `${a.class} ${count(a.customers)} customers (${percent(a.shareOfCustomers)}) with ${percent(a.shareOfValue)}${a.negativeCustomers > 0 ? ` (incl. ${count(a.negativeCustomers)} with negative ${c.measure}, ${fixed(a.negativeValue)})` : ''}`).join('; ')} of ${c.measure}\n`;
  if (c.negative.customers > 0) out += `${count(c.negative.customers)} customer(s) with negative ${c.measure} (total ${fixed(c.negative.total)}), class C, left out of the Gini and top shares: ${c.negative.list.slice(0, 5).map((n) => n.customerId).join(', ')}${c.negative.customers > 5 ? ', …' : ''}\n`;
  if (r.clusters) {
    const k = r.clusters;
    out += '\n' + renderTable(
      ['cluster', 'size', 'share', 'revenue', ...k.features.map((f) => ({ recencyDays: 'recency d', transactions: 'tx' } as Record<string, string>)[f] ?? f), 'description'],
      k.clusters.map((cl) => [String(cl.cluster), count(cl.customers), percent(cl.shareOfCustomers), percent(cl.shareOfRevenue), ...k.features.map((f) => fixed(cl.centre[f], 1)), cl.description]),
      { color },
      `k-means clusters (centres in original units): k=${k.k} (${k.chosenBy === 'given' ? 'given' : `chosen by mean silhouette ${fixed(k.silhouette, 2)}`}, seed ${k.seed})`,
    );
  }
  for (const p of r.profiles) {
    const rows = p.segments.map((seg) => [seg.segment, ...p.values.map((v) => {
      const cellP = p.cells.find((x) => x.segment === seg.segment && x.value === v.value);
      return cellP && cellP.customers > 0 ? `${count(cellP.customers)} (${cellP.index === null ? '' : fixed(cellP.index, 0)})` : '';
    })]);
    out += '\n' + renderTable(['segment', ...p.values.map((v) => v.value)], rows, { color }, `Segments by ${p.column}: customers (index: 100 = the portfolio's share)`);
  }
  return out;
}

