/** `crm churn`: cohort retention, survival with log-rank, churn rates, the sBG model, life-cycle stages. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { dayToIso, type Day } from '../../core/days.js';
import { AT_RISK_BELOW, AT_RISK_GONE_BELOW, type AtRiskRow } from '../../churn/at-risk.js';
import { ModelError, StrictError, UsageError } from '../../errors.js';
import { parseCalendarUnit } from '../../churn/calendar-period.js';
import { describeChurnWindow, survivalDefinition, SURVIVAL_VIEWS, type Contract, type SurvivalView } from '../../churn/lifetimes.js';
import { survivalAt } from '../../churn/kaplan-meier.js';
import { LIFECYCLE_STAGES } from '../../churn/lifecycle.js';
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
import { analyseChurn } from '../../analysis/churn.js';
import { modelOption } from '../settings.js';
import { CHURN_SECTIONS, type ChurnRun, type ChurnSection } from '../../churn/result.js';

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

export { CHURN_SECTIONS, type ChurnResult, type ChurnRun, type ChurnSection, type ChurnSurvival } from '../../churn/result.js';

const SECTION_TITLES: Record<ChurnSection, string> = {
  cohorts: 'cohort triangle',
  survival: 'survival, log-rank and churn rates',
  sbg: 'sBG model',
  lifecycle: 'life-cycle stages',
  atRisk: 'at-risk list',
};

const INPUTS_HELP = `
Inputs each analysis reads (an analysis whose input is missing is skipped, with the reason in the output):
  cohort triangle, life-cycle stages   --sales
  at-risk list                         --sales (a purchase model is fitted to it for P(alive))
  survival, log-rank, churn rates      --sales (purchase lifetimes), or --customers with --start/--end (contracts)
  sBG model                            --counts, or --customers with --start/--end (earliest cohort)
  --by COLUMN                          --customers (--by payment_class: --payments)
Contracts without sales:  crm churn --customers c.csv --start signup_date --end cancel_date
sBG from counts alone:    crm churn --counts 1000,631,468,382
`;

export function registerChurn(program: Command, io: Io): void {
  const cmd = program
    .command('churn')
    .description('retention and churn: cohort triangle, Kaplan-Meier survival, log-rank, churn rates, sBG, life-cycle stages')
    .option('--cohort <unit>', 'acquisition cohorts and churn-rate periods: month, quarter or week (default month)')
    .option('--by <column>', 'groups: a customer attribute, or payment_class (needs --payments)')
    .option('--churn-after <days>', 'non-contractual: churned when no purchase follows within this window, e.g. 90d (default: 90th percentile of the gaps between purchases); one window for survival, churn rates and life-cycle stages')
    .addOption(new Option('--survival <view>', 'purchase lifetimes: observed = first to last purchase, recent customers censored (default); window = churn dated at last purchase + the churn window').choices([...SURVIVAL_VIEWS]))
    .option('--start <column>', 'contractual: start date column in the customers file (no --sales needed)')
    .option('--end <column>', 'contractual: end (cancellation) date column; empty = still active')
    .option('--times <days>', 'survival reported at these days (default 30,90,180,365)')
    .option('--counts <list>', 'sBG: customers active at the start of each period, e.g. 1000,631,468,382 (no --sales needed)')
    .option('--horizon <n>', 'sBG: periods to project (default 5)')
    .option('--compare-as-of <date>', 'life-cycle transitions from this earlier date to --as-of')
    .addOption(new Option('--model <model>', 'purchase model for P(alive) in the at-risk list and the life-cycle stages (default auto: the trusted fit of lowest BIC)').choices(['bgnbd', 'paretonbd', 'mbgnbd', 'auto']))
    .option('--no-at-risk', 'skip the at-risk list (and the model fit it needs)')
    .option('--top <n>', 'customers in the at-risk list (default 20)')
    .option('--strict', 'exit 1 (after writing the output) when the at-risk list could not be computed')
    .option('--table <name>', `with --format csv/ndjson: which table (${TABLES.join(', ')}; default cohorts, or the first one computed)`)
    .option('--as-of <date>', 'end of observation (default: the last date in the sales; without sales, the last contract date)');
  addInputOptions(cmd, ['customers', 'sales', 'payments']);
  addOutputOptions(cmd);
  cmd.addHelpText('after', INPUTS_HELP);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    if (options.table !== undefined && !TABLES.includes(options.table as ChurnTable)) throw new UsageError(`invalid --table "${options.table}"`, { hint: TABLES.join(', ') });
    const unit = parseCalendarUnit(String(options.cohort ?? 'month'));
    if ((options.start === undefined) !== (options.end === undefined)) throw new UsageError('--start and --end go together');
    if (options.start !== undefined && options.customers === undefined) throw new UsageError('--start/--end need --customers');
    const contractual = options.start !== undefined;
    const counts = options.counts !== undefined ? numberList(String(options.counts), '--counts') : undefined;
    const horizon = options.horizon !== undefined ? Number(options.horizon) : 5;
    if (!Number.isInteger(horizon) || horizon < 0) throw new UsageError('--horizon must be a whole number >= 0');
    const times = numberList(String(options.times ?? '30,90,180,365'), '--times');
    const churnAfter = options.churnAfter !== undefined ? parseDays(String(options.churnAfter), '--churn-after') : undefined;
    const view = (options.survival ?? 'observed') as SurvivalView;
    if (options.sales === undefined && !contractual && counts === undefined) {
      throw new UsageError('missing --sales FILE', { hint: 'contracts need only --customers with --start/--end, the sBG model only --counts; see crm churn --help' });
    }
    const { data, window, asOf: resolved } = await readInputs(cmd, options, config, io, { sales: 'optional', customers: 'optional', payments: 'optional' }, { holdout: false });
    const contractList = contractual ? contracts(data.customers!, String(options.start), String(options.end), options.dateFormat as string | undefined) : undefined;
    // As-of: --as-of, else the last sale date, else the last date of the other inputs (payments, contracts).
    let asOfRule: string | undefined;
    let asOfDay: Day | undefined = window?.asOf ?? resolved?.day;
    if (asOfDay === undefined && contractList && contractList.length > 0) {
      asOfDay = Math.max(...contractList.map((c) => Math.max(c.start, c.end ?? c.start)));
      asOfRule = 'last contract start or end date (no sales given)';
    }
    const compareAsOf = parseDateOption(options.compareAsOf, '--compare-as-of');
    if (compareAsOf !== undefined && asOfDay !== undefined && compareAsOf >= asOfDay) throw new UsageError('--compare-as-of must be before --as-of');
    const by = options.by as string | undefined;
    if (by !== undefined && data.sales === undefined && !contractual) throw new UsageError('--by groups the survival curves: give --sales, or --customers with --start/--end');
    const attributes = asOfDay !== undefined ? groupAttributes(by, data, asOfDay) : undefined;
    if (churnAfter !== undefined && !(data.sales && asOfDay !== undefined)) throw new UsageError('--churn-after dates churn after the last purchase: it needs --sales');
    if (options.survival !== undefined && (contractList || !data.sales)) throw new UsageError('--survival chooses how purchase lifetimes are measured: it needs --sales without --start/--end');
    const top = options.top !== undefined ? Number(options.top) : 20;
    if (data.sales && window && options.atRisk !== false && (!Number.isInteger(top) || top < 1)) throw new UsageError('--top must be a positive whole number');
    const result: ChurnRun = analyseChurn({ sales: data.sales, payments: data.payments, window }, asOfDay, {
      unit, by, attributes, churnAfter, view, times, counts, horizon, compareAsOf, contracts: contractList,
      atRisk: options.atRisk !== false, model: modelOption(options.model), top,
    });
    const notComputed = result.notComputed ?? {};
    const atRiskError = result.atRiskError;
    const table: ChurnTable = (options.table as ChurnTable | undefined) ?? defaultTable(result);
    const notes = [...accountLines(data), ...(result.notes ?? [])];
    const skipped = CHURN_SECTIONS.filter((name) => notComputed[name] !== undefined && !(name === 'sbg' && !contractual && counts === undefined)).map((name) => `note: ${SECTION_TITLES[name]} not computed: ${notComputed[name]}`);
    const warnings = atRiskError === undefined ? [] : [`warning: at-risk list not computed: ${atRiskError}`];
    const inputs = inputsMeta(data);
    const meta = {
      command: 'churn',
      asOf: result.asOf,
      ...(inputs.asOfRule === undefined && asOfRule !== undefined ? { asOfRule } : {}),
      cohortUnit: unit,
      churnWindow: result.churnWindow,
      survival: result.survival?.view ?? null,
      ...inputs,
    };
    await withOutput(options.output, io, async (sink) => {
      if (format === 'json') {
        const { lifecycle: lc, atRiskError: failed, notComputed: reasons, notes: _fitNotes, ...rest } = result;
        const orError = <T>(value: T | null, name: ChurnSection): T | { error: string } | null => (value === null && reasons?.[name] !== undefined ? { error: reasons[name]! } : value);
        const survivalReason = reasons?.survival;
        const doc = {
          meta,
          ...rest,
          cohorts: orError(rest.cohorts, 'cohorts'),
          lifetimes: orError(rest.lifetimes, 'survival'),
          survival: orError(rest.survival, 'survival'),
          logRank: by !== undefined && survivalReason !== undefined ? { error: survivalReason } : rest.logRank,
          churnRates: orError(rest.churnRates, 'survival'),
          sbg: orError(rest.sbg, 'sbg'),
          atRisk: failed === undefined ? orError(rest.atRisk, 'atRisk') : { error: failed },
          lifecycle: lc ? { ...lc, customers: lc.customers } : orError(lc, 'lifecycle'),
          notes: [...notes.slice(data.accounts.length), ...skipped, ...warnings],
        };
        await sink.write(`${JSON.stringify(doc, (k, v) => (isDayKey(k) && typeof v === 'number' ? dayToIso(v) : jsonReplacer(k, v)), 2)}\n`);
      } else if (format === 'csv' || format === 'ndjson') {
        const rows = churnTable(result, table);
        if (format === 'csv') for (const r of rows) await sink.write(csvLine(r));
        else {
          const [head, ...body] = rows;
          for (const r of body) await sink.write(`${JSON.stringify(Object.fromEntries(head.map((h, i) => [String(h), r[i] ?? null])), jsonReplacer)}\n`);
        }
      } else await sink.write(renderChurn(result, useColor(options, io)) + notes.map((n) => `${n}\n`).join(''));
    });
    if (format !== 'table') diagnostics(io, options.quiet, [...notes, ...skipped, ...warnings]);
    if (options.strict && atRiskError !== undefined) throw new StrictError(`--strict: the at-risk list could not be computed: ${atRiskError}`);
  });
}

/** The CSV table when none is asked for: the cohort triangle, else the first table the run computed. */
function defaultTable(r: ChurnRun): ChurnTable {
  if (r.cohorts) return 'cohorts';
  if (r.survival) return 'survival';
  return 'sbg';
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

/** The reason a table's section was not computed, as the error of asking for it. */
function notComputedError(r: ChurnRun, name: ChurnSection, table: string): UsageError {
  return new UsageError(`no ${table} table: the ${SECTION_TITLES[name]} was not computed: ${r.notComputed?.[name] ?? 'not asked for'}`);
}

/** One table of the churn result as rows (the first row is the header), for CSV. */
export function churnTable(r: ChurnRun, table: ChurnTable): Cell[][] {
  if (table === 'cohorts' || table === 'revenue') {
    if (!r.cohorts) throw notComputedError(r, 'cohorts', table);
    const width = Math.max(0, ...r.cohorts.cohorts.map((c) => c.cells.length));
    const value = (cell: { customerRetention: number; revenueRetention: number | null }): Cell => (table === 'cohorts' ? cell.customerRetention : cell.revenueRetention);
    const rows: Cell[][] = [['cohort', 'size', ...Array.from({ length: width }, (_, k) => `period_${k}`)]];
    for (const c of r.cohorts.cohorts) rows.push([c.label, c.size, ...c.cells.map(value)]);
    rows.push(['weighted average', r.cohorts.customers, ...r.cohorts.average.map(value)]);
    return rows;
  }
  if (table === 'survival') {
    if (!r.survival) throw notComputedError(r, 'survival', table);
    const rows: Cell[][] = [['group', 'time_days', 'at_risk', 'events', 'censored', 'survival', 'lower_95', 'upper_95']];
    for (const { group, curve } of [{ group: 'all', curve: r.survival.overall }, ...r.survival.groups]) {
      for (const s of curve.steps) rows.push([group, s.time, s.atRisk, s.events, s.censored, s.survival, s.lower, s.upper]);
    }
    return rows;
  }
  if (table === 'churn-rates') {
    if (!r.churnRates) throw notComputedError(r, 'survival', table);
    const rows: Cell[][] = [['group', 'period', 'partial', 'at_risk', 'lost', 'rate', 'acquired', 'provisional']];
    for (const { name, series } of [{ name: 'all', series: r.churnRates.overall }, ...r.churnRates.groups.map((g) => ({ name: g.group, series: g.series }))]) {
      for (const p of series.periods) rows.push([name, p.label, p.partial, p.atRisk, p.lost, p.rate, p.acquired, p.provisional]);
    }
    return rows;
  }
  if (table === 'stages') {
    if (!r.lifecycle) throw notComputedError(r, 'lifecycle', table);
    const rows: Cell[][] = [['customer_id', 'stage', 'purchase_days', 'days_since_last', 'median_gap', 'revenue', 'reason']];
    for (const c of r.lifecycle.customers) rows.push([c.id, c.stage, c.purchaseDays, c.daysSinceLast, c.medianGap, c.revenue, c.reason]);
    return rows;
  }
  if (table === 'transitions') {
    if (!r.lifecycle) throw notComputedError(r, 'lifecycle', table);
    const t = r.lifecycle.transitions;
    if (!t) throw new UsageError('--table transitions needs --compare-as-of');
    const rows: Cell[][] = [['from \\ to', ...t.toStages]];
    for (const from of t.fromStages) rows.push([from, ...t.toStages.map((to) => t.counts[from][to])]);
    return rows;
  }
  if (table === 'at-risk') {
    if (!r.atRisk) {
      if (r.atRiskError !== undefined) throw new ModelError(`no at-risk list: ${r.atRiskError}`);
      if (r.notComputed?.atRisk !== undefined) throw notComputedError(r, 'atRisk', table);
      throw new UsageError('no at-risk list: --no-at-risk was given');
    }
    const rows: Cell[][] = [['customer_id', 'value_at_risk', 'p_alive', 'past_revenue', 'days_since_last', 'usual_gap_days', 'segment', 'payment_class', 'reason']];
    for (const a of r.atRisk.rows) rows.push([a.customerId, a.valueAtRisk, a.pAlive, a.value, a.daysSinceLast, a.usualGap, a.segment, a.paymentClass, a.reason]);
    return rows;
  }
  if (!r.sbg) throw new UsageError(`no sBG fit: ${r.notComputed?.sbg ?? 'give --counts, or data with a cohort observed for 3 periods'}`);
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

/** The first line of the terminal report: as-of, the one churn window of the run and the survival view. */
export function churnHeader(r: ChurnRun): string {
  const parts = [`Churn as of ${r.asOf ?? '(no date: sBG from counts only)'}`];
  if (r.churnWindow) parts.push(`churn window ${describeChurnWindow(r.churnWindow)}, for ${r.lifetimes?.source === 'purchases' ? 'survival, churn rates and ' : ''}life-cycle stages`);
  if (r.survival?.view) parts.push(`survival: ${r.survival.view === 'contracts' ? 'contract lifetimes' : `${r.survival.view} view`}`);
  return `${parts.join('; ')}\n`;
}

/** The terminal report of `crm churn` (and of the churn section of `crm report`). */
export function renderChurn(r: ChurnRun, color: boolean): string {
  const paint = painter(color);
  const skipped = (name: ChurnSection, title: string): string => `\n${paint.bold(title)} not computed: ${r.notComputed?.[name] ?? 'not asked for'}\n`;
  let out = churnHeader(r);
  if (r.cohorts) {
    const width = Math.min(13, Math.max(0, ...r.cohorts.cohorts.map((c) => c.cells.length)));
    const header = ['cohort', 'size', ...Array.from({ length: width }, (_, k) => String(k))];
    const rows = r.cohorts.cohorts.map((c) => [c.label, count(c.size), ...Array.from({ length: width }, (_, k) => {
      const cell = c.cells[k];
      return cell ? shade(paint, cell.customerRetention, `${percent(cell.customerRetention, 0)}${cell.partial ? '*' : ''}`) : '';
    })]);
    rows.push(['average', count(r.cohorts.customers), ...Array.from({ length: width }, (_, k) => (r.cohorts!.average[k] ? percent(r.cohorts!.average[k].customerRetention, 0) : ''))]);
    out += renderTable(header, rows, { color }, `Customer retention by ${r.cohorts.unit} of first purchase (share active in each ${r.cohorts.unit} since; * = period not complete at as-of ${r.asOf})`);
  } else out += skipped('cohorts', 'Cohort retention');
  if (r.survival && r.lifetimes) {
    const definition = r.survival.definition ?? survivalDefinition({ source: r.lifetimes.source, view: r.lifetimes.view, window: r.lifetimes.window });
    out += `\n${paint.bold('Survival')} (${definition}): ${count(r.lifetimes.churned)} churned, ${count(r.lifetimes.censored)} censored; S(t) with its 95% interval in brackets\n`;
    const survivalRows = r.survival.at.map(({ group, points }) => [group, ...points.map((p) => (p.survival === null ? '' : p.lower === null || p.upper === null ? percent(p.survival, 1) : `${percent(p.survival, 1)} (${(p.lower * 100).toFixed(0)}–${(p.upper * 100).toFixed(0)})`))]);
    const medians = [{ group: 'all', curve: r.survival.overall }, ...r.survival.groups].map((g) => (g.curve.median === null ? 'not reached' : `${fixed(g.curve.median, 0)} d`));
    out += renderTable(['group', ...r.survival.times.map((t) => `S(${t} d)`), 'median lifetime'], survivalRows.map((row, i) => [...row, medians[i]]), { color });
    if (r.survival.view === 'observed') {
      const s0 = survivalAt(r.survival.overall, [0])[0].survival;
      if (s0 !== null) out += `S(0) = ${percent(s0, 1)}: the estimated share of customers who buy again after their first purchase day${s0 <= 0.5 ? ' (fewer than half: the median lifetime is 0)' : ''}. Other view: --survival window.\n`;
    } else if (r.survival.view === 'window') out += 'S(t) = 100% until the churn window by construction; --survival observed measures the purchase span instead.\n';
    if (r.logRank) {
      out += `Log-rank test: chi-square ${fixed(r.logRank.statistic, 2)} on ${r.logRank.degreesOfFreedom} df, p = ${r.logRank.pValue === null ? '' : r.logRank.pValue < 0.0001 ? r.logRank.pValue.toExponential(2) : r.logRank.pValue.toFixed(4)}${r.logRank.pValue !== null && r.logRank.pValue < 0.05 ? ' (the groups differ)' : ''}\n`;
    }
  } else out += skipped('survival', 'Survival');
  if (r.churnRates) {
    const complete = r.churnRates.overall.periods.filter((p) => !p.partial);
    const periods = complete.filter((p) => !p.provisional).slice(-6);
    const provisional = complete.filter((p) => p.provisional).length;
    out += '\n' + renderTable(['period', 'at risk', 'lost', 'churn rate'], periods.map((p) => [p.label, count(p.atRisk), count(p.lost), percent(p.rate)]), { color }, `Churn rate per ${r.churnRates.unit} (last final periods; pooled ${percent(r.churnRates.overall.pooledRate)})`);
    out += `Churn: ${r.churnRates.definition}${provisional > 0 ? ` (${provisional} complete ${r.churnRates.unit}${provisional === 1 ? '' : 's'} after the last shown ${provisional === 1 ? 'is' : 'are'} provisional)` : ''}.\n`;
  }
  if (r.sbg) {
    const m = r.sbg.model;
    out += `\n${paint.bold('sBG')} (${r.sbg.source}): alpha ${fixed(m.params.alpha, 3)}, beta ${fixed(m.params.beta, 3)}, log-likelihood ${fixed(m.logLikelihood, 1)}; expected further periods of a customer active now ${fixed(r.sbg.expectedResidualPeriods, 1)}\n`;
    const shown = r.sbg.projection.filter((p) => p.period < 12 || p.projected).slice(0, 24);
    out += renderTable(['period', 'observed', 'expected', 'retention'], shown.map((p) => [String(p.period), p.observedActive === null ? '' : fixed(p.observedActive, 0), fixed(p.expectedActive, 1), percent(p.retentionRate)]), { color });
  } else if (r.notComputed?.sbg !== undefined && r.lifetimes?.source !== 'purchases') out += skipped('sbg', 'sBG model');
  if (r.lifecycle) {
    out += '\n' + renderTable(['stage', 'customers', 'share', 'revenue', 'mean revenue'], r.lifecycle.stages.map((s) => [s.stage, count(s.customers), percent(s.share), fixed(s.revenue), fixed(s.averageRevenue)]), { color }, `Life-cycle stages (churn window ${r.lifecycle.rules.churnWindow.days} days)`);
  } else out += skipped('lifecycle', 'Life-cycle stages');
  if (r.atRisk) out += '\n' + renderAtRisk(r.atRisk.rows, r.atRisk.model.model, color);
  else if (r.atRiskError !== undefined) out += `\nAt-risk list not computed: ${r.atRiskError}\n`;
  else if (r.notComputed?.atRisk !== undefined) out += skipped('atRisk', 'At-risk list');
  const t = r.lifecycle?.transitions;
  if (t) out += '\n' + renderTable([`${dayToIso(t.fromAsOf)} → ${dayToIso(t.toAsOf)}`, ...LIFECYCLE_STAGES], t.fromStages.map((from) => [from, ...LIFECYCLE_STAGES.map((to) => count(t.counts[from][to]))]), { color }, 'Stage transitions');
  return out;
}

/** The at-risk list as a terminal table, with the rule it was made by. */
export function renderAtRisk(rows: AtRiskRow[], model: string, color: boolean): string {
  const title = `At risk: customers with ${AT_RISK_GONE_BELOW} <= P(alive) < ${AT_RISK_BELOW} (P(alive) from ${model}; below ${AT_RISK_GONE_BELOW} counted as gone), ranked by value at stake = P(alive) x expected revenue over 12 months if retained`;
  if (rows.length === 0) return `${title}\nNo customer is at risk by this rule.\n`;
  const table = renderTable(
    ['customer_id', 'at stake', 'P(alive)', 'revenue', 'days since', 'gap', 'segment', 'payment'],
    rows.map((a) => [a.customerId, fixed(a.valueAtRisk), fixed(a.pAlive, 3), fixed(a.value), String(a.daysSinceLast), a.usualGap === null ? '' : String(a.usualGap), a.segment ?? '', a.paymentClass ?? '']),
    { color },
    title,
  );
  // The reasons under the table, one line per customer (a column would not fit a terminal).
  const reasons = rows.filter((a) => a.reason !== undefined).map((a) => `  ${a.customerId}: ${a.reason}\n`).join('');
  return reasons === '' ? table : `${table}Why each customer is on the list:\n${reasons}`;
}
