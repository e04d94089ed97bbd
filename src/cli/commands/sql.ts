/** `crm sql summary`: prints the SQL that computes `crm summary` in a warehouse. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { parsePeriod } from '../../accumulate/summary.js';
import { mappedHeader, parseMapOption, type ColumnMap } from '../../ingest/schema.js';
import { readFileSync } from 'node:fs';
import { SQL_DIALECTS, summarySql, type SqlDialect } from '../../sql/summary-sql.js';
import { scoreSql } from '../../sql/score-sql.js';
import { parseDateOption } from '../options.js';
import type { Io } from '../io.js';

export function registerSql(program: Command, io: Io): void {
  const sql = program.command('sql').description('print SQL that computes an analysis where the data lives (DuckDB, PostgreSQL, BigQuery, Spark)');
  registerSqlScore(sql, io);
  const cmd = sql
    .command('summary')
    .description('SQL for the per-customer summary, with exactly the definitions of crm summary')
    .addOption(new Option('--dialect <dialect>', 'SQL dialect').choices(SQL_DIALECTS).default('duckdb'))
    .option('--table <name>', 'source table or table expression (default: sales)')
    .option('--sales <file>', 'DuckDB only: read this CSV file with read_csv')
    .option('--map <field=Column,...>', 'column names in the source, e.g. date=order_date,amount=total')
    .option('--order-id', 'the source has an order_id column (orders count as transactions)')
    .option('--cost', 'the source has a cost column (margin = amount - cost)')
    .option('--as-of <date>', 'end of observation (default: the last date in the data)')
    .option('--calibration-end <date>', 'calibration/holdout split')
    .option('--period <unit>', 'day, week, month, year or a number of days (default: day)');
  cmd.action(() => {
    const o = cmd.opts();
    const dialect = o.dialect as SqlDialect;
    if (o.sales !== undefined && dialect !== 'duckdb') throw new UsageError('--sales works with --dialect duckdb only', { hint: '--table' });
    if (o.sales !== undefined && o.table !== undefined) throw new UsageError('give --table or --sales, not both');
    const map: ColumnMap = o.map ? parseMapOption(String(o.map)) : {};
    const column = (field: string): string => mappedHeader(map, 'sales', field) ?? field;
    const asOf = parseDateOption(o.asOf, '--as-of');
    const calibrationEnd = parseDateOption(o.calibrationEnd, '--calibration-end');
    if (asOf !== undefined && calibrationEnd !== undefined && calibrationEnd >= asOf) throw new UsageError('--calibration-end must be before --as-of');
    const source = o.sales !== undefined ? `read_csv('${String(o.sales).replace(/'/g, "''")}', header = true, all_varchar = true)` : String(o.table ?? 'sales');
    io.stdout.write(
      summarySql({
        dialect,
        source,
        columns: {
          customer_id: column('customer_id'),
          date: column('date'),
          amount: column('amount'),
          order_id: o.orderId || map.order_id ? column('order_id') : undefined,
          cost: o.cost || map.cost ? column('cost') : undefined,
          margin: map.margin ? column('margin') : undefined,
        },
        periodDays: parsePeriod(String(o.period ?? 'day')).days,
        asOf,
        calibrationEnd,
      }),
    );
  });
}

/** `crm sql score`: P(alive) and P(purchase within 30/90 days) of every row of a summary table. */
export function registerSqlScore(sql: Command, io: Io): void {
  const cmd = sql
    .command('score')
    .description('SQL for the closed-form P(alive) and P(purchase within 30/90 days) of BG/NBD or MBG/NBD on a summary table, with a saved model')
    .addOption(new Option('--dialect <dialect>', 'SQL dialect').choices(SQL_DIALECTS).default('duckdb'))
    .option('--table <name>', 'summary table or table expression with customer_id, frequency, recency, T (default: summary)')
    .option('--model-file <file>', 'a BG/NBD or MBG/NBD model saved by crm fit --save')
    .option('--map <field=Column,...>', 'column names in the table, e.g. frequency=x,recency=t_x,T=age');
  cmd.action(() => {
    const o = cmd.opts();
    if (o.modelFile === undefined) throw new UsageError('crm sql score needs --model-file (crm fit --save)');
    let model: { model?: string; params?: Record<string, number>; period?: { name: string; days: number } };
    try {
      model = JSON.parse(readFileSync(String(o.modelFile), 'utf8')) as typeof model;
    } catch (err) {
      throw new UsageError(`cannot read --model-file ${String(o.modelFile)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!model || typeof model.model !== 'string' || typeof model.params !== 'object' || !model.period) throw new UsageError(`${String(o.modelFile)} is not a model saved by crm fit --save`);
    const map: ColumnMap = o.map ? parseMapOption(String(o.map)) : {};
    const column = (field: string): string => mappedHeader(map, 'summary', field) ?? field;
    io.stdout.write(
      scoreSql({
        dialect: o.dialect as SqlDialect,
        source: String(o.table ?? 'summary'),
        columns: { customer_id: column('customer_id'), frequency: column('frequency'), recency: column('recency'), T: column('T') },
        model: model.model,
        params: model.params!,
        periodDays: model.period.days,
      }),
    );
  });
}
