/**
 * SQL that scores a summary table where it lives: the closed-form P(alive) of BG/NBD or MBG/NBD and the
 * probability of at least one purchase within 30 and 90 days, with a saved model's parameters, for every
 * row (customer_id, frequency, recency, T). The same formulas as src/models (probabilityAlive) and
 * src/score/score.ts (probabilityOfPurchaseWithin); expected purchases and CLV need the hypergeometric
 * function and stay with `crm score`. See docs/scale.md.
 */
import { UsageError } from '../errors.js';
import type { SqlDialect } from './summary-sql.js';

export interface ScoreSqlOptions {
  dialect: SqlDialect;
  /** A table name or table expression, used as written. */
  source: string;
  columns: { customer_id: string; frequency: string; recency: string; T: string };
  model: string;
  params: Readonly<Record<string, number>>;
  /** The model's period in days (the windows are 30 and 90 days). */
  periodDays: number;
  windowsDays?: number[];
}

const QUOTE: Record<SqlDialect, (n: string) => string> = {
  duckdb: (n) => `"${n.replace(/"/g, '""')}"`,
  postgres: (n) => `"${n.replace(/"/g, '""')}"`,
  bigquery: (n) => `\`${n.replace(/`/g, '\\`')}\``,
  spark: (n) => `\`${n.replace(/`/g, '``')}\``,
};
const DOUBLE: Record<SqlDialect, string> = { duckdb: 'DOUBLE', postgres: 'DOUBLE PRECISION', bigquery: 'FLOAT64', spark: 'DOUBLE' };

/**
 * The SQL text. P(alive) = 1/(1 + exp(L)) with L = ln a − ln(b + x − 1) + (r + x)(ln(α + T) − ln(α + tₓ))
 * for BG/NBD (1 when x = 0), ln(b + x) for MBG/NBD; P(buy within t) = P(alive)·(1 − exp(−(r + x)·ln(1 +
 * t/(α + T)))). exp is kept within ±700 (PostgreSQL raises an error on overflow and underflow): beyond it
 * the value is 0 or 1 to double precision anyway.
 * @throws UsageError for a model other than bgnbd and mbgnbd
 */
export function scoreSql(o: ScoreSqlOptions): string {
  if (o.model !== 'bgnbd' && o.model !== 'mbgnbd') {
    throw new UsageError(`crm sql score supports bgnbd and mbgnbd, not ${o.model}${o.model === 'paretonbd' ? ' (Pareto/NBD is not supported yet)' : ''}`);
  }
  const q = QUOTE[o.dialect];
  const dbl = DOUBLE[o.dialect];
  const num = (v: number): string => {
    if (!Number.isFinite(v)) throw new UsageError(`parameter ${v} is not a finite number`);
    return `CAST(${String(v)} AS ${dbl})`;
  };
  const p = o.params;
  for (const k of ['r', 'alpha', 'a', 'b']) if (!(p[k] > 0)) throw new UsageError(`the model has no positive parameter ${k}`);
  const [r, alpha, a, b] = [num(p.r), num(p.alpha), num(p.a), num(p.b)];
  const c = o.columns;
  const bg = o.model === 'bgnbd';
  const windows = o.windowsDays ?? [30, 90];
  const logOdds = `LN(${a}) - LN(${b}${bg ? ' - 1' : ''} + x) + (${r} + x) * (LN(${alpha} + t_cal) - LN(${alpha} + tx))`;
  const buy = (days: number): string => {
    const t = num(days / o.periodDays);
    return `p_alive * CASE WHEN (${r} + x) * LN(1 + ${t} / (${alpha} + t_cal)) > 700 THEN 1 ELSE 1 - EXP(-(${r} + x) * LN(1 + ${t} / (${alpha} + t_cal))) END`;
  };
  return [
    `-- crm score (${o.dialect}): ${o.model} P(alive) and P(purchase within ${windows.join('/')} days); r = ${p.r}, alpha = ${p.alpha}, a = ${p.a}, b = ${p.b}; period = ${o.periodDays} day(s)`,
    'WITH s AS (',
    `  SELECT ${q(c.customer_id)} AS customer_id, CAST(${q(c.frequency)} AS ${dbl}) AS x, CAST(${q(c.recency)} AS ${dbl}) AS tx, CAST(${q(c.T)} AS ${dbl}) AS t_cal`,
    `  FROM ${o.source}`,
    '),',
    'o AS (',
    `  SELECT customer_id, x, tx, t_cal, ${bg ? `CASE WHEN x = 0 THEN NULL ELSE ${logOdds} END` : logOdds} AS log_odds`,
    '  FROM s',
    '),',
    'a AS (',
    '  SELECT customer_id, x, t_cal,',
    `    CASE${bg ? ' WHEN x = 0 THEN 1' : ''} WHEN log_odds > 700 THEN 0 WHEN log_odds < -700 THEN 1 ELSE 1 / (1 + EXP(log_odds)) END AS p_alive`,
    '  FROM o',
    ')',
    'SELECT customer_id, p_alive,',
    windows.map((d) => `  ${buy(d)} AS p_purchase_${d}d`).join(',\n'),
    'FROM a',
    'ORDER BY customer_id;',
    '',
  ].join('\n');
}
