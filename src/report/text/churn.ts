/** Terminal report of churn and retention (`crm churn`, and the churn and at-risk sections of `crm report`). */
import { dayToIso } from '../../core/days.js';
import { AT_RISK_BELOW, AT_RISK_GONE_BELOW, type AtRiskRow } from '../../churn/at-risk.js';
import { describeChurnWindow, survivalDefinition } from '../../churn/lifetimes.js';
import { survivalAt } from '../../churn/kaplan-meier.js';
import { LIFECYCLE_STAGES } from '../../churn/lifecycle.js';
import { count, fixed, percent } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';
import { type ChurnRun, type ChurnSection } from '../../churn/result.js';

/** Periods of the cohort triangle in the terminal (the CSV and JSON have all). */
const COHORT_PERIODS_SHOWN = 13;

export const SECTION_TITLES: Record<ChurnSection, string> = {
  cohorts: 'cohort triangle',
  survival: 'survival, log-rank and churn rates',
  sbg: 'sBG model',
  lifecycle: 'life-cycle stages',
  atRisk: 'at-risk list',
};

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
export function renderChurn(r: ChurnRun, style: TextStyle): string {
  const paint = painter(style.color);
  const skipped = (name: ChurnSection, title: string): string => `\n${paint.bold(title)} not computed: ${r.notComputed?.[name] ?? 'not asked for'}\n`;
  let out = churnHeader(r);
  if (r.cohorts) {
    const periods = Math.max(0, ...r.cohorts.cohorts.map((c) => c.cells.length));
    const width = Math.min(COHORT_PERIODS_SHOWN, periods);
    const header = ['cohort', 'size', ...Array.from({ length: width }, (_, k) => String(k))];
    const rows = r.cohorts.cohorts.map((c) => [c.label, count(c.size), ...Array.from({ length: width }, (_, k) => {
      const cell = c.cells[k];
      return cell ? shade(paint, cell.customerRetention, `${percent(cell.customerRetention, 0)}${cell.partial ? '*' : ''}`) : '';
    })]);
    rows.push(['average', count(r.cohorts.customers), ...Array.from({ length: width }, (_, k) => (r.cohorts!.average[k] ? percent(r.cohorts!.average[k].customerRetention, 0) : ''))]);
    out += renderTable(header, rows, style, `Customer retention by ${r.cohorts.unit} of first purchase (share active in each ${r.cohorts.unit} since; * = period not complete at as-of ${r.asOf})`);
    if (periods > width) out += `${r.cohorts.unit}s 0 to ${width - 1} of ${periods} shown; every ${r.cohorts.unit}: --format csv --table cohorts\n`;
  } else out += skipped('cohorts', 'Cohort retention');
  if (r.survival && r.lifetimes) {
    const definition = r.survival.definition ?? survivalDefinition({ source: r.lifetimes.source, view: r.lifetimes.view, window: r.lifetimes.window });
    out += `\n${paint.bold('Survival')} (${definition}): ${count(r.lifetimes.churned)} churned, ${count(r.lifetimes.censored)} censored; S(t) with its 95% interval in brackets\n`;
    const survivalRows = r.survival.at.map(({ group, points }) => [group, ...points.map((p) => (p.survival === null ? '' : p.lower === null || p.upper === null ? percent(p.survival, 1) : `${percent(p.survival, 1)} (${(p.lower * 100).toFixed(0)}–${(p.upper * 100).toFixed(0)})`))]);
    const medians = [{ group: 'all', curve: r.survival.overall }, ...r.survival.groups].map((g) => (g.curve.median === null ? 'not reached' : `${fixed(g.curve.median, 0)} d`));
    out += renderTable(['group', ...r.survival.times.map((t) => `S(${t} d)`), 'median lifetime'], survivalRows.map((row, i) => [...row, medians[i]]), style);
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
    out += '\n' + renderTable(['period', 'at risk', 'lost', 'churn rate'], periods.map((p) => [p.label, count(p.atRisk), count(p.lost), percent(p.rate)]), style, `Churn rate per ${r.churnRates.unit} (last final periods; pooled ${percent(r.churnRates.overall.pooledRate)})`);
    out += `Churn: ${r.churnRates.definition}${provisional > 0 ? ` (${provisional} complete ${r.churnRates.unit}${provisional === 1 ? '' : 's'} after the last shown ${provisional === 1 ? 'is' : 'are'} provisional)` : ''}.\n`;
  }
  if (r.sbg) {
    const m = r.sbg.model;
    out += `\n${paint.bold('sBG')} (${r.sbg.source}): alpha ${fixed(m.params.alpha, 3)}, beta ${fixed(m.params.beta, 3)}, log-likelihood ${fixed(m.logLikelihood, 1)}; expected further periods of a customer active now ${fixed(r.sbg.expectedResidualPeriods, 1)}\n`;
    const shown = r.sbg.projection.filter((p) => p.period < 12 || p.projected).slice(0, 24);
    out += renderTable(['period', 'observed', 'expected', 'retention'], shown.map((p) => [String(p.period), p.observedActive === null ? '' : fixed(p.observedActive, 0), fixed(p.expectedActive, 1), percent(p.retentionRate)]), style);
  } else if (r.notComputed?.sbg !== undefined && r.lifetimes?.source !== 'purchases') out += skipped('sbg', 'sBG model');
  if (r.lifecycle) {
    out += '\n' + renderTable(['stage', 'customers', 'share', 'revenue', 'mean revenue'], r.lifecycle.stages.map((s) => [s.stage, count(s.customers), percent(s.share), fixed(s.revenue), fixed(s.averageRevenue)]), style, `Life-cycle stages (churn window ${r.lifecycle.rules.churnWindow.days} days)`);
  } else out += skipped('lifecycle', 'Life-cycle stages');
  if (r.atRisk) out += '\n' + renderAtRisk(r.atRisk.rows, r.atRisk.model.model, style);
  else if (r.atRiskError !== undefined) out += `\nAt-risk list not computed: ${r.atRiskError}\n`;
  else if (r.notComputed?.atRisk !== undefined) out += skipped('atRisk', 'At-risk list');
  const t = r.lifecycle?.transitions;
  if (t) out += '\n' + renderTable([`${dayToIso(t.fromAsOf)} → ${dayToIso(t.toAsOf)}`, ...LIFECYCLE_STAGES], t.fromStages.map((from) => [from, ...LIFECYCLE_STAGES.map((to) => count(t.counts[from][to]))]), style, 'Stage transitions');
  return fitProse(out, style);
}

/** The at-risk list as a terminal table, with the rule it was made by. */
export function renderAtRisk(rows: AtRiskRow[], model: string, style: TextStyle): string {
  const title = `At risk: customers with ${AT_RISK_GONE_BELOW} <= P(alive) < ${AT_RISK_BELOW} (P(alive) from ${model}; below ${AT_RISK_GONE_BELOW} counted as gone), ranked by value at stake = P(alive) x expected revenue over 12 months if retained`;
  if (rows.length === 0) return `${title}\nNo customer is at risk by this rule.\n`;
  const table = renderTable(
    ['customer_id', 'at stake', 'P(alive)', 'revenue', 'days since', 'gap', 'segment', 'payment'],
    rows.map((a) => [a.customerId, fixed(a.valueAtRisk), fixed(a.pAlive, 3), fixed(a.value), String(a.daysSinceLast), a.usualGap === null ? '' : String(a.usualGap), a.segment ?? '', a.paymentClass ?? '']),
    style,
    title,
  );
  // The reasons under the table, one line per customer (a column would not fit a terminal).
  const reasons = rows.filter((a) => a.reason !== undefined).map((a) => `  ${a.customerId}: ${a.reason}\n`).join('');
  return fitProse(reasons === '' ? table : `${table}Why each customer is on the list:\n${reasons}`, style);
}
