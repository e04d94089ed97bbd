/** The tables of a churn run as CSV rows (`crm churn --format csv --table NAME`). */
import { type ChurnRun } from '../../churn/result.js';

export const CHURN_TABLES = ['cohorts', 'revenue', 'survival', 'churn-rates', 'stages', 'transitions', 'sbg', 'at-risk'] as const;

export type ChurnTable = (typeof CHURN_TABLES)[number];

/** The CSV table when none is asked for: the cohort triangle, else the first table the run computed. */
export function defaultTable(r: ChurnRun): ChurnTable {
  if (r.cohorts) return 'cohorts';
  if (r.survival) return 'survival';
  return 'sbg';
}

export type Cell = string | number | boolean | null | undefined;

/** One table of the churn result as rows (the first row is the header), for CSV; null when its section was not computed. */
export function churnTable(r: ChurnRun, table: ChurnTable): Cell[][] | null {
  if (table === 'cohorts' || table === 'revenue') {
    if (!r.cohorts) return null;
    const width = Math.max(0, ...r.cohorts.cohorts.map((c) => c.cells.length));
    const value = (cell: { customerRetention: number; revenueRetention: number | null }): Cell => (table === 'cohorts' ? cell.customerRetention : cell.revenueRetention);
    const rows: Cell[][] = [['cohort', 'size', ...Array.from({ length: width }, (_, k) => `period_${k}`)]];
    for (const c of r.cohorts.cohorts) rows.push([c.label, c.size, ...c.cells.map(value)]);
    rows.push(['weighted average', r.cohorts.customers, ...r.cohorts.average.map(value)]);
    return rows;
  }
  if (table === 'survival') {
    if (!r.survival) return null;
    const rows: Cell[][] = [['group', 'time_days', 'at_risk', 'events', 'censored', 'survival', 'lower_95', 'upper_95']];
    for (const { group, curve } of [{ group: 'all', curve: r.survival.overall }, ...r.survival.groups]) {
      for (const s of curve.steps) rows.push([group, s.time, s.atRisk, s.events, s.censored, s.survival, s.lower, s.upper]);
    }
    return rows;
  }
  if (table === 'churn-rates') {
    if (!r.churnRates) return null;
    const rows: Cell[][] = [['group', 'period', 'partial', 'at_risk', 'lost', 'rate', 'acquired', 'provisional']];
    for (const { name, series } of [{ name: 'all', series: r.churnRates.overall }, ...r.churnRates.groups.map((g) => ({ name: g.group, series: g.series }))]) {
      for (const p of series.periods) rows.push([name, p.label, p.partial, p.atRisk, p.lost, p.rate, p.acquired, p.provisional]);
    }
    return rows;
  }
  if (table === 'stages') {
    if (!r.lifecycle) return null;
    const rows: Cell[][] = [['customer_id', 'stage', 'purchase_days', 'days_since_last', 'median_gap', 'revenue', 'reason']];
    for (const c of r.lifecycle.customers) rows.push([c.id, c.stage, c.purchaseDays, c.daysSinceLast, c.medianGap, c.revenue, c.reason]);
    return rows;
  }
  if (table === 'transitions') {
    if (!r.lifecycle) return null;
    const t = r.lifecycle.transitions;
    if (!t) return null;
    const rows: Cell[][] = [['from \\ to', ...t.toStages]];
    for (const from of t.fromStages) rows.push([from, ...t.toStages.map((to) => t.counts[from][to])]);
    return rows;
  }
  if (table === 'at-risk') {
    if (!r.atRisk) return null;
    const rows: Cell[][] = [['customer_id', 'value_at_risk', 'p_alive', 'past_revenue', 'days_since_last', 'usual_gap_days', 'segment', 'payment_class', 'reason']];
    for (const a of r.atRisk.rows) rows.push([a.customerId, a.valueAtRisk, a.pAlive, a.value, a.daysSinceLast, a.usualGap, a.segment, a.paymentClass, a.reason]);
    return rows;
  }
  if (!r.sbg) return null;
  const rows: Cell[][] = [['period', 'observed_active', 'expected_active', 'survival', 'retention_rate', 'projected']];
  for (const p of r.sbg.projection) rows.push([p.period, p.observedActive, p.expectedActive, p.survival, p.retentionRate, p.projected]);
  return rows;
}
