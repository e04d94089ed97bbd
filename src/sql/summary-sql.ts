/**
 * SQL that computes `crm summary` where the data lives (a warehouse), with the same definitions: purchase
 * days (same-day lines summed), returns netted into their day and never purchases on their own, the first
 * purchase day not a repeat, time in days divided by the period length, a calibration/holdout split.
 * See docs/scale.md.
 */
import { dayToIso, type Day } from '../core/days.js';

export type SqlDialect = 'duckdb' | 'postgres' | 'bigquery' | 'spark';
export const SQL_DIALECTS: SqlDialect[] = ['duckdb', 'postgres', 'bigquery', 'spark'];

export interface SummarySqlOptions {
  dialect: SqlDialect;
  /** A table name, or (DuckDB) a table function such as read_csv('sales.csv'); used as written. */
  source: string;
  /** Column names in the source, by field (customer_id, date, amount, order_id?, cost?, margin?). */
  columns: { customer_id: string; date: string; amount: string; order_id?: string; cost?: string; margin?: string };
  periodDays: number;
  asOf?: Day;
  calibrationEnd?: Day;
}

interface Dialect {
  quote(name: string): string;
  double: string;
  date(iso: string): string;
  /** Days from a to b (b - a) as an integer. */
  diff(a: string, b: string): string;
  dateCast(expr: string): string;
}

const DIALECTS: Record<SqlDialect, Dialect> = {
  duckdb: {
    quote: (n) => `"${n.replace(/"/g, '""')}"`,
    double: 'DOUBLE',
    date: (d) => `DATE '${d}'`,
    diff: (a, b) => `date_diff('day', ${a}, ${b})`,
    dateCast: (e) => `CAST(${e} AS DATE)`,
  },
  postgres: {
    quote: (n) => `"${n.replace(/"/g, '""')}"`,
    double: 'DOUBLE PRECISION',
    date: (d) => `DATE '${d}'`,
    diff: (a, b) => `(${b} - ${a})`,
    dateCast: (e) => `CAST(${e} AS DATE)`,
  },
  bigquery: {
    quote: (n) => `\`${n.replace(/`/g, '\\`')}\``,
    double: 'FLOAT64',
    date: (d) => `DATE '${d}'`,
    diff: (a, b) => `DATE_DIFF(${b}, ${a}, DAY)`,
    dateCast: (e) => `CAST(${e} AS DATE)`,
  },
  spark: {
    quote: (n) => `\`${n.replace(/`/g, '``')}\``,
    double: 'DOUBLE',
    date: (d) => `DATE '${d}'`,
    diff: (a, b) => `datediff(${b}, ${a})`,
    dateCast: (e) => `CAST(${e} AS DATE)`,
  },
};

/** The SQL text of the summary query. */
export function summarySql(options: SummarySqlOptions): string {
  const d = DIALECTS[options.dialect];
  const c = options.columns;
  const q = d.quote;
  const f = (expr: string): string => `CAST(${expr} AS ${d.double})`;
  const marginExpr = c.cost ? `${f(q(c.amount))} - ${f(q(c.cost))}` : c.margin ? q(c.margin) : null;
  const orderKey = c.order_id ? `CASE WHEN ${f(q(c.amount))} >= 0 THEN CONCAT(CAST(${d.dateCast(q(c.date))} AS VARCHAR), '|', CAST(${q(c.order_id)} AS VARCHAR)) END` : null;
  const varchar = options.dialect === 'bigquery' ? 'STRING' : options.dialect === 'spark' ? 'STRING' : 'VARCHAR';
  const asOf = options.asOf !== undefined ? d.date(dayToIso(options.asOf)) : '(SELECT MAX(day) FROM lines)';
  const asOfFilter = options.asOf !== undefined ? `\n  WHERE ${d.dateCast(q(c.date))} <= ${d.date(dayToIso(options.asOf))}` : '';
  const calEnd = options.calibrationEnd !== undefined ? d.date(dayToIso(options.calibrationEnd)) : 'w.as_of';
  const holdout = options.calibrationEnd !== undefined;
  const p = options.periodDays;
  const lines = [
    `-- crm summary (${options.dialect}): per-customer frequency, recency, T, monetary value; period = ${p} day(s)`,
    'WITH lines AS (',
    `  SELECT CAST(${q(c.customer_id)} AS ${varchar}) AS customer_id, ${d.dateCast(q(c.date))} AS day, ${f(q(c.amount))} AS amount,`,
    // Typed NULLs: an untyped NULL is text in PostgreSQL, and SUM(text) does not exist.
    `    ${marginExpr ? f(marginExpr) : `CAST(NULL AS ${d.double})`} AS margin, ${orderKey ? orderKey.replace(/VARCHAR/g, varchar) : `CAST(NULL AS ${varchar})`} AS order_key`,
    `  FROM ${options.source}${asOfFilter}`,
    '),',
    'w AS (',
    `  SELECT ${asOf} AS as_of`,
    '),',
    'cw AS (',
    `  SELECT as_of, ${calEnd} AS cal_end FROM w`,
    '),',
    'days AS (',
    '  SELECT customer_id, day, SUM(amount) AS amount, MAX(CASE WHEN amount >= 0 THEN 1 ELSE 0 END) AS purchase',
    '  FROM lines GROUP BY customer_id, day',
    '),',
    'cal AS (',
    '  SELECT days.* FROM days, cw WHERE days.day <= cw.cal_end',
    '),',
    'firsts AS (',
    '  SELECT customer_id, MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS purchase_days',
    '  FROM cal WHERE purchase = 1 GROUP BY customer_id',
    '),',
    'money AS (',
    '  SELECT cal.customer_id, SUM(cal.amount) AS revenue,',
    '    SUM(CASE WHEN cal.purchase = 1 AND cal.day > firsts.first_day THEN cal.amount ELSE 0 END) AS repeat_total',
    '  FROM cal JOIN firsts ON cal.customer_id = firsts.customer_id GROUP BY cal.customer_id',
    '),',
    'tx AS (',
    `  SELECT customer_id, ${c.order_id ? 'COUNT(DISTINCT order_key)' : 'SUM(CASE WHEN amount >= 0 THEN 1 ELSE 0 END)'} AS transactions, SUM(margin) AS margin`,
    '  FROM lines, cw WHERE lines.day <= cw.cal_end GROUP BY customer_id',
    ')',
  ];
  if (holdout) {
    lines[lines.length - 1] = '),';
    lines.push(
      'hold AS (',
      '  SELECT days.customer_id, COUNT(*) AS frequency_holdout, SUM(days.amount) AS holdout_total',
      '  FROM days, cw WHERE days.purchase = 1 AND days.day > cw.cal_end AND days.day <= cw.as_of GROUP BY days.customer_id',
      ')',
    );
  }
  const select = [
    'SELECT firsts.customer_id,',
    '  firsts.first_day AS first_purchase, firsts.last_day AS last_purchase,',
    '  tx.transactions,',
    '  firsts.purchase_days - 1 AS frequency,',
    `  ${f(d.diff('firsts.first_day', 'firsts.last_day'))} / ${p} AS recency,`,
    `  ${f(d.diff('firsts.first_day', 'cw.cal_end'))} / ${p} AS ${q('T')},`, // quoted: PostgreSQL folds a bare T to t
    `  CASE WHEN firsts.purchase_days > 1 THEN money.repeat_total / (firsts.purchase_days - 1) ELSE 0 END AS monetary_value,`,
    '  money.revenue' + (marginExpr ? ',\n  tx.margin' : ''),
  ];
  if (holdout) {
    select[select.length - 1] += ',';
    select.push(
      '  COALESCE(hold.frequency_holdout, 0) AS frequency_holdout,',
      '  COALESCE(hold.holdout_total / hold.frequency_holdout, 0) AS monetary_value_holdout,',
      `  ${f(d.diff('cw.cal_end', 'cw.as_of'))} / ${p} AS duration_holdout`,
    );
  }
  select.push(
    'FROM firsts',
    'JOIN money ON money.customer_id = firsts.customer_id',
    'JOIN tx ON tx.customer_id = firsts.customer_id',
    'CROSS JOIN cw',
  );
  if (holdout) select.push('LEFT JOIN hold ON hold.customer_id = firsts.customer_id');
  select.push('ORDER BY firsts.customer_id;');
  return `${lines.join('\n')}\n${select.join('\n')}\n`;
}
