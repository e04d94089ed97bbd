/** `crm churn`: cohort retention, survival with log-rank, churn rates, the sBG model, life-cycle stages. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { dayToIso, type Day } from '../../core/days.js';
import { compareIds, summarize } from '../../accumulate/summary.js';
import { modelInputFromSummaries } from '../../accumulate/model-input.js';
import { PURCHASE_MODELS, type PurchaseModelName } from '../../models/registry.js';
import { segmentPortfolio } from '../../segment/segment-portfolio.js';
import { analysePayments } from '../../payments/analyse-payments.js';
import { atRiskList } from '../../churn/at-risk.js';
import type { AtRiskRow } from '../../report/document.js';
import { histories } from '../../accumulate/sales.js';
import { ModelError, StrictError, UsageError } from '../../errors.js';
import { parseCalendarUnit, periodIndex, type CalendarUnit } from '../../churn/calendar-period.js';
import { cohortRetention, type CohortRetention } from '../../churn/cohorts.js';
import { contractLifetimes, purchaseLifetimes, type Contract, type LifetimeData } from '../../churn/lifetimes.js';
import { kaplanMeier, survivalAt, type KaplanMeierCurve } from '../../churn/kaplan-meier.js';
import { logRankTest, type LogRankResult } from '../../churn/log-rank.js';
import { churnRates, type ChurnRates } from '../../churn/churn-rate.js';
import { lifecycleStages, LIFECYCLE_STAGES, type LifecycleResult } from '../../churn/lifecycle.js';
import { activeCounts } from '../../churn/sbg-counts.js';
import { fitSbg, sbgExpectedResidualLifetime, sbgProjection } from '../../models/sbg.js';
import type { FittedModel } from '../../models/types.js';
import { createDateParser, DateParseError } from '../../ingest/dates.js';
import { count, fixed, percent } from '../../report/format.js';
import { csvLine } from '../../report/csv.js';
import { jsonReplacer } from '../../report/format.js';
import { painter, renderTable } from '../../report/table.js';
import { accountLines, inputsMeta, readInputs } from '../inputs.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, outputFormat, parseDateOption, resolveOptions, useColor } from '../options.js';
import { diagnostics, withOutput } from '../output.js';
import { groupAttributes } from '../groups.js';

const UNIT_DAYS: Record<CalendarUnit, number> = { week: 7, month: 365.25 / 12, quarter: 365.25 / 4 };
const TABLES = ['cohorts', 'revenue', 'survival', 'churn-rates', 'stages', 'transitions', 'sbg', 'at-risk'] as const;
type ChurnTable = (typeof TABLES)[number];

/** Parses `90d`, `90`, `12w`, `3m` into days. @throws UsageError */
export function parseDays(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(d|days?|w|weeks?|m|months?|y|years?)?$/i.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`invalid ${flag} "${text}"`, { hint: 'e.g. 90d, 12w, 3m' });
  const unit = (m[2] ?? 'd').toLowerCase()[0];
  const days = Number(m[1]) * (unit === 'w' ? 7 : unit === 'm' ? 365.25 / 12 : unit === 'y' ? 365.25 : 1);
  return Math.round(days);
}

function numberList(text: string, flag: string): number[] {
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new UsageError(`invalid ${flag} "${text}": numbers >= 0 separated by commas`);
  return values;
}

export interface ChurnResult {
  asOf: string;
  cohorts: CohortRetention;
  lifetimes: Omit<LifetimeData, 'lifetimes' | 'asOf'> & { asOf: string };
  survival: { overall: KaplanMeierCurve; groups: { group: string; curve: KaplanMeierCurve }[]; times: number[]; at: { group: string; points: ReturnType<typeof survivalAt> }[] };
  logRank: LogRankResult | null;
  churnRates: ChurnRates;
  sbg: { source: string; counts: number[]; model: FittedModel; projection: ReturnType<typeof sbgProjection>; expectedResidualPeriods: number } | null;
  lifecycle: LifecycleResult;
  atRisk: { model: FittedModel; rows: AtRiskRow[] } | null;
  /** Why the at-risk list could not be made (its model could not be fitted); absent when it was, or not asked. */
  atRiskError?: string;
}

export function registerChurn(program: Command, io: Io): void {
  const cmd = program
    .command('churn')
    .description('retention and churn: cohort triangle, Kaplan-Meier survival, log-rank, churn rates, sBG, life-cycle stages')
    .option('--cohort <unit>', 'acquisition cohorts and churn-rate periods: month, quarter or week (default month)')
    .option('--by <column>', 'groups: a customer attribute, or payment_class (needs --payments)')
    .option('--churn-after <days>', 'non-contractual: churned when no purchase follows within this window, e.g. 90d (default: 90th percentile of the gaps between purchases)')
    .option('--start <column>', 'contractual: start date column in the customers file')
    .option('--end <column>', 'contractual: end (cancellation) date column; empty = still active')
    .option('--times <days>', 'survival reported at these days (default 30,90,180,365)')
    .option('--counts <list>', 'sBG: customers active at the start of each period, e.g. 1000,631,468,382')
    .option('--horizon <n>', 'sBG: periods to project (default 5)')
    .option('--compare-as-of <date>', 'life-cycle transitions from this earlier date to --as-of')
    .addOption(new Option('--model <model>', 'purchase model for P(alive) in the at-risk list and the life-cycle stages').choices(['bgnbd', 'paretonbd', 'mbgnbd']).default('bgnbd'))
    .option('--no-at-risk', 'skip the at-risk list (and the model fit it needs)')
    .option('--top <n>', 'customers in the at-risk list (default 20)')
    .option('--strict', 'exit 1 (after writing the output) when the at-risk list could not be computed')
    .option('--table <name>', `with --format csv/ndjson: which table (${TABLES.join(', ')}; default cohorts)`)
    .option('--as-of <date>', 'end of observation (default: the last date in the sales)');
  addInputOptions(cmd, ['customers', 'sales', 'payments']);
  addOutputOptions(cmd);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    const table = (options.table ?? 'cohorts') as ChurnTable;
    if (!TABLES.includes(table)) throw new UsageError(`invalid --table "${options.table}"`, { hint: TABLES.join(', ') });
    const unit = parseCalendarUnit(String(options.cohort ?? 'month'));
    if ((options.start === undefined) !== (options.end === undefined)) throw new UsageError('--start and --end go together');
    if (options.start !== undefined && options.customers === undefined) throw new UsageError('--start/--end need --customers');
    const counts = options.counts !== undefined ? numberList(String(options.counts), '--counts') : undefined;
    const horizon = options.horizon !== undefined ? Number(options.horizon) : 5;
    if (!Number.isInteger(horizon) || horizon < 0) throw new UsageError('--horizon must be a whole number >= 0');
    const times = numberList(String(options.times ?? '30,90,180,365'), '--times');
    const churnAfter = options.churnAfter !== undefined ? parseDays(String(options.churnAfter), '--churn-after') : undefined;
    const { data, window } = await readInputs(cmd, options, config, io, { sales: 'required', customers: 'optional', payments: 'optional' }, { holdout: false });
    const asOf = window!.asOf;
    const compareAsOf = parseDateOption(options.compareAsOf, '--compare-as-of');
    if (compareAsOf !== undefined && compareAsOf >= asOf) throw new UsageError('--compare-as-of must be before --as-of');
    const by = options.by as string | undefined;
    const attributes = groupAttributes(by, data, asOf);
    const all = histories(data.sales!, asOf, compareIds);

    const cohorts = cohortRetention(all, asOf, { unit, by, attributes });
    let lifetimes: LifetimeData;
    if (options.start !== undefined) {
      lifetimes = contractLifetimes(contracts(data.customers!, String(options.start), String(options.end), options.dateFormat as string | undefined), asOf, { by, attributes });
    } else {
      lifetimes = purchaseLifetimes(all, asOf, { churnAfterDays: churnAfter, by, attributes });
    }
    const overall = kaplanMeier(lifetimes.lifetimes);
    const groupNames = by ? [...new Set(lifetimes.lifetimes.map((l) => l.group ?? '(missing)'))].sort() : [];
    const groups = groupNames.map((g) => ({ group: g, curve: kaplanMeier(lifetimes.lifetimes.filter((l) => (l.group ?? '(missing)') === g)) }));
    const logRank = by ? logRankTest(lifetimes.lifetimes.map((l) => ({ ...l, group: l.group ?? '(missing)' }))) : null;
    const rates = churnRates(lifetimes, { unit });

    let sbg: ChurnResult['sbg'] = null;
    let sbgCounts = counts;
    let sbgSource = 'given with --counts';
    if (!sbgCounts && lifetimes.source === 'contracts') {
      // sBG is a contractual model: from the data only with observed cancellations (--start/--end).
      // The earliest cohort with at least three observed periods (two transitions to fit two parameters).
      const byCohort = new Map<number, typeof lifetimes.lifetimes>();
      for (const l of lifetimes.lifetimes) {
        const k = periodIndex(l.start, unit);
        if (!byCohort.has(k)) byCohort.set(k, []);
        byCohort.get(k)!.push(l);
      }
      for (const k of [...byCohort.keys()].sort((a, b) => a - b)) {
        const c = activeCounts(byCohort.get(k)!, UNIT_DAYS[unit]);
        if (c.length >= 3 && c[0] >= 10) {
          sbgCounts = c;
          sbgSource = `cohort ${cohorts.cohorts.find((row) => periodIndex(row.start, unit) === k)?.label ?? k}, ${unit}s since acquisition`;
          break;
        }
      }
    }
    if (sbgCounts && sbgCounts.length >= 2) {
      const model = fitSbg(sbgCounts);
      sbg = {
        source: sbgSource,
        counts: sbgCounts,
        model,
        projection: sbgProjection(model.params, sbgCounts, horizon),
        expectedResidualPeriods: sbgExpectedResidualLifetime(model.params, sbgCounts.length - 1),
      };
    }
    // P(alive) from a purchase model fitted on the summary at as-of (weekly units): the at-risk list and stages.
    let atRisk: ChurnResult['atRisk'] = null;
    let atRiskError: string | undefined;
    let pAlive: Map<string, number> | undefined;
    if (options.atRisk !== false) {
      const { customers: summaries } = summarize(data.sales!, { ...window!, period: { name: 'week', days: 7 } });
      const input = modelInputFromSummaries(summaries);
      try {
        const model = PURCHASE_MODELS[options.model as PurchaseModelName];
        const fitted = model.fit({ frequency: input.frequency, recency: input.recency, T: input.T });
        pAlive = new Map(summaries.map((c) => [c.id, model.probabilityAlive(fitted.params, c.frequency, c.recency, c.T)]));
        const segments = new Map(segmentPortfolio(summaries, { asOf, clusters: false }).customers.map((c) => [c.customerId, c.segment]));
        const paymentClasses = data.payments ? new Map(analysePayments(data.payments, asOf).customers.map((c) => [c.customerId, c.class as string])) : undefined;
        const top = options.top !== undefined ? Number(options.top) : 20;
        if (!Number.isInteger(top) || top < 1) throw new UsageError('--top must be a positive whole number');
        atRisk = { model: fitted, rows: atRiskList(summaries, { asOf, pAlive, segments, paymentClasses, histories: new Map(all.map((h) => [h.id, h])), top }) };
      } catch (err) {
        if (!(err instanceof ModelError)) throw err;
        atRiskError = err.message + (err.hint ? ` (hint: ${err.hint})` : '');
      }
    }
    const lifecycle = lifecycleStages(all, asOf, { compareAsOf, pAlive });

    const result: ChurnResult = {
      asOf: dayToIso(asOf),
      cohorts,
      lifetimes: { source: lifetimes.source, asOf: dayToIso(lifetimes.asOf), window: lifetimes.window, by: lifetimes.by, churned: lifetimes.churned, censored: lifetimes.censored, reactivated: lifetimes.reactivated, excluded: lifetimes.excluded },
      survival: { overall, groups, times, at: [{ group: 'all', points: survivalAt(overall, times) }, ...groups.map((g) => ({ group: g.group, points: survivalAt(g.curve, times) }))] },
      logRank,
      churnRates: rates,
      sbg,
      lifecycle,
      atRisk,
      ...(atRiskError === undefined ? {} : { atRiskError }),
    };
    const notes = accountLines(data);
    const warnings = atRiskError === undefined ? [] : [`warning: at-risk list not computed: ${atRiskError}`];
    const meta = { command: 'churn', asOf: result.asOf, cohortUnit: unit, ...inputsMeta(data) };
    await withOutput(options.output, io, async (sink) => {
      if (format === 'json') {
        const { lifecycle: lc, atRiskError: failed, ...rest } = result;
        const atRiskJson = failed === undefined ? rest.atRisk : { error: failed };
        await sink.write(`${JSON.stringify({ meta, ...rest, atRisk: atRiskJson, lifecycle: { ...lc, customers: lc.customers }, notes: [...notes.slice(data.accounts.length), ...warnings] }, (k, v) => (isDayKey(k) && typeof v === 'number' ? dayToIso(v) : jsonReplacer(k, v)), 2)}\n`);
      } else if (format === 'csv' || format === 'ndjson') {
        const rows = churnTable(result, table);
        if (format === 'csv') for (const r of rows) await sink.write(csvLine(r));
        else {
          const [head, ...body] = rows;
          for (const r of body) await sink.write(`${JSON.stringify(Object.fromEntries(head.map((h, i) => [String(h), r[i] ?? null])), jsonReplacer)}\n`);
        }
      } else await sink.write(renderChurn(result, useColor(options, io)) + notes.map((n) => `${n}\n`).join(''));
    });
    if (format !== 'table') diagnostics(io, options.quiet, [...notes, ...warnings]);
    if (options.strict && atRiskError !== undefined) throw new StrictError(`--strict: the at-risk list could not be computed: ${atRiskError}`);
  });
}

const DAY_KEYS = new Set(['start', 'end', 'asOf', 'lastPurchase', 'fromAsOf', 'toAsOf']);
function isDayKey(key: string): boolean {
  return DAY_KEYS.has(key);
}

function contracts(customers: Map<string, Record<string, string>>, start: string, end: string, dateFormat?: string): Contract[] {
  const parse = createDateParser(dateFormat);
  const out: Contract[] = [];
  for (const [id, attrs] of customers) {
    if (!(start in attrs)) throw new UsageError(`--start ${start}: no such column in the customers file`);
    if (!(end in attrs)) throw new UsageError(`--end ${end}: no such column in the customers file`);
    const read = (col: string): Day | null => {
      const text = attrs[col];
      if (text === '') return null;
      try {
        return parse(text);
      } catch (err) {
        if (err instanceof DateParseError) throw new UsageError(`customer ${id}: ${err.message} in column "${col}"`, { hint: err.hint });
        throw err;
      }
    };
    const s = read(start);
    if (s === null) continue;
    out.push({ id, start: s, end: read(end) });
  }
  return out;
}

type Cell = string | number | boolean | null | undefined;

/** One table of the churn result as rows (the first row is the header), for CSV. */
export function churnTable(r: ChurnResult, table: ChurnTable): Cell[][] {
  if (table === 'cohorts' || table === 'revenue') {
    const width = Math.max(0, ...r.cohorts.cohorts.map((c) => c.cells.length));
    const value = (cell: { customerRetention: number; revenueRetention: number | null }): Cell => (table === 'cohorts' ? cell.customerRetention : cell.revenueRetention);
    const rows: Cell[][] = [['cohort', 'size', ...Array.from({ length: width }, (_, k) => `period_${k}`)]];
    for (const c of r.cohorts.cohorts) rows.push([c.label, c.size, ...c.cells.map(value)]);
    rows.push(['weighted average', r.cohorts.customers, ...r.cohorts.average.map(value)]);
    return rows;
  }
  if (table === 'survival') {
    const rows: Cell[][] = [['group', 'time_days', 'at_risk', 'events', 'censored', 'survival', 'lower_95', 'upper_95']];
    for (const { group, curve } of [{ group: 'all', curve: r.survival.overall }, ...r.survival.groups]) {
      for (const s of curve.steps) rows.push([group, s.time, s.atRisk, s.events, s.censored, s.survival, s.lower, s.upper]);
    }
    return rows;
  }
  if (table === 'churn-rates') {
    const rows: Cell[][] = [['group', 'period', 'partial', 'at_risk', 'lost', 'rate', 'acquired']];
    for (const { name, series } of [{ name: 'all', series: r.churnRates.overall }, ...r.churnRates.groups.map((g) => ({ name: g.group, series: g.series }))]) {
      for (const p of series.periods) rows.push([name, p.label, p.partial, p.atRisk, p.lost, p.rate, p.acquired]);
    }
    return rows;
  }
  if (table === 'stages') {
    const rows: Cell[][] = [['customer_id', 'stage', 'purchase_days', 'days_since_last', 'median_gap', 'revenue', 'reason']];
    for (const c of r.lifecycle.customers) rows.push([c.id, c.stage, c.purchaseDays, c.daysSinceLast, c.medianGap, c.revenue, c.reason]);
    return rows;
  }
  if (table === 'transitions') {
    const t = r.lifecycle.transitions;
    if (!t) throw new UsageError('--table transitions needs --compare-as-of');
    const rows: Cell[][] = [['from \\ to', ...t.toStages]];
    for (const from of t.fromStages) rows.push([from, ...t.toStages.map((to) => t.counts[from][to])]);
    return rows;
  }
  if (table === 'at-risk') {
    if (!r.atRisk) {
      if (r.atRiskError !== undefined) throw new ModelError(`no at-risk list: ${r.atRiskError}`);
      throw new UsageError('no at-risk list: --no-at-risk was given');
    }
    const rows: Cell[][] = [['customer_id', 'value_at_risk', 'p_alive', 'past_revenue', 'days_since_last', 'usual_gap_days', 'segment', 'payment_class']];
    for (const a of r.atRisk.rows) rows.push([a.customerId, a.valueAtRisk, a.pAlive, a.value, a.daysSinceLast, a.usualGap, a.segment, a.paymentClass]);
    return rows;
  }
  if (!r.sbg) throw new UsageError('no sBG fit: give --counts, or data with a cohort observed for 3 periods');
  const rows: Cell[][] = [['period', 'observed_active', 'expected_active', 'survival', 'retention_rate', 'projected']];
  for (const p of r.sbg.projection) rows.push([p.period, p.observedActive, p.expectedActive, p.survival, p.retentionRate, p.projected]);
  return rows;
}

function shade(paint: ReturnType<typeof painter>, value: number | null, text: string): string {
  if (value === null) return text;
  if (value >= 0.5) return paint.green(text);
  if (value >= 0.2) return paint.yellow(text);
  return paint.red(text);
}

/** The terminal report of `crm churn`. */
export function renderChurn(r: ChurnResult, color: boolean): string {
  const paint = painter(color);
  let out = '';
  const width = Math.min(13, Math.max(0, ...r.cohorts.cohorts.map((c) => c.cells.length)));
  const header = ['cohort', 'size', ...Array.from({ length: width }, (_, k) => String(k))];
  const rows = r.cohorts.cohorts.map((c) => [c.label, count(c.size), ...Array.from({ length: width }, (_, k) => {
    const cell = c.cells[k];
    return cell ? shade(paint, cell.customerRetention, `${percent(cell.customerRetention, 0)}${cell.partial ? '*' : ''}`) : '';
  })]);
  rows.push(['average', count(r.cohorts.customers), ...Array.from({ length: width }, (_, k) => (r.cohorts.average[k] ? percent(r.cohorts.average[k].customerRetention, 0) : ''))]);
  out += renderTable(header, rows, { color }, `Customer retention by ${r.cohorts.unit} of first purchase (share active in each ${r.cohorts.unit} since; * = period not complete at as-of ${r.asOf})`);
  const w = r.lifetimes.window;
  out += `\n${paint.bold('Survival')} (${r.lifetimes.source === 'contracts' ? 'contract start to cancellation' : `first purchase to churn; churned = no purchase within ${w?.days} days (${w?.basis === 'given' ? 'given' : w?.basis === 'gap-quantile' ? `${Math.round((w.quantile ?? 0.9) * 100)}th percentile of ${count(w.gaps)} gaps between purchases` : 'default'})`}): ${count(r.lifetimes.churned)} churned, ${count(r.lifetimes.censored)} still active (censored)\n`;
  const survivalRows = r.survival.at.map(({ group, points }) => [group, ...points.map((p) => (p.survival === null ? '' : `${percent(p.survival, 1)} (${percent(p.lower, 0)}–${percent(p.upper, 0)})`))]);
  const medians = [{ group: 'all', curve: r.survival.overall }, ...r.survival.groups].map((g) => (g.curve.median === null ? 'not reached' : `${fixed(g.curve.median, 0)} d`));
  out += renderTable(['group', ...r.survival.times.map((t) => `S(${t} d)`), 'median lifetime'], survivalRows.map((row, i) => [...row, medians[i]]), { color });
  if (r.logRank) {
    out += `Log-rank test: chi-square ${fixed(r.logRank.statistic, 2)} on ${r.logRank.degreesOfFreedom} df, p = ${r.logRank.pValue === null ? '' : r.logRank.pValue < 0.0001 ? r.logRank.pValue.toExponential(2) : r.logRank.pValue.toFixed(4)}${r.logRank.pValue !== null && r.logRank.pValue < 0.05 ? ' (the groups differ)' : ''}\n`;
  }
  const periods = r.churnRates.overall.periods.filter((p) => !p.partial).slice(-6);
  out += '\n' + renderTable(['period', 'at risk', 'lost', 'churn rate'], periods.map((p) => [p.label, count(p.atRisk), count(p.lost), percent(p.rate)]), { color }, `Churn rate per ${r.churnRates.unit} (last complete periods; pooled ${percent(r.churnRates.overall.pooledRate)})`);
  if (r.sbg) {
    const m = r.sbg.model;
    out += `\n${paint.bold('sBG')} (${r.sbg.source}): alpha ${fixed(m.params.alpha, 3)}, beta ${fixed(m.params.beta, 3)}, log-likelihood ${fixed(m.logLikelihood, 1)}; expected further periods of a customer active now ${fixed(r.sbg.expectedResidualPeriods, 1)}\n`;
    const shown = r.sbg.projection.filter((p) => p.period < 12 || p.projected).slice(0, 24);
    out += renderTable(['period', 'observed', 'expected', 'retention'], shown.map((p) => [String(p.period), p.observedActive === null ? '' : fixed(p.observedActive, 0), fixed(p.expectedActive, 1), percent(p.retentionRate)]), { color });
  }
  out += '\n' + renderTable(['stage', 'customers', 'share', 'revenue', 'mean revenue'], r.lifecycle.stages.map((s) => [s.stage, count(s.customers), percent(s.share), fixed(s.revenue), fixed(s.averageRevenue)]), { color }, 'Life-cycle stages');
  if (r.atRisk) out += '\n' + renderAtRisk(r.atRisk.rows, r.atRisk.model.model, color);
  else if (r.atRiskError !== undefined) out += `\nAt-risk list not computed: ${r.atRiskError}\n`;
  const t = r.lifecycle.transitions;
  if (t) out += '\n' + renderTable([`${dayToIso(t.fromAsOf)} → ${dayToIso(t.toAsOf)}`, ...LIFECYCLE_STAGES], t.fromStages.map((from) => [from, ...LIFECYCLE_STAGES.map((to) => count(t.counts[from][to]))]), { color }, 'Stage transitions');
  return out;
}

/** The at-risk list as a terminal table. */
export function renderAtRisk(rows: AtRiskRow[], model: string, color: boolean): string {
  return renderTable(
    ['customer_id', 'at risk', 'P(alive)', 'revenue', 'days since', 'gap', 'segment', 'payment'],
    rows.map((a) => [a.customerId, fixed(a.valueAtRisk), fixed(a.pAlive, 3), fixed(a.value), String(a.daysSinceLast), a.usualGap === null ? '' : String(a.usualGap), a.segment ?? '', a.paymentClass ?? '']),
    { color },
    `At risk: value at risk = (1 - P(alive)) x past revenue; P(alive) from ${model}`,
  );
}
