/**
 * `crm score`: streams one row of scores per customer of a summary (a file, stdin, or a PostgreSQL table or
 * query) with saved models: P(alive), expected purchases, P(purchase within 30 and 90 days), expected spend
 * and CLV (the formula of crm value). Memory does not grow with the number of customers. docs/scale.md.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { parsePeriod } from '../../accumulate/summary.js';
import { ModelError, UsageError } from '../../errors.js';
import { parseMapOption, type ColumnMap } from '../../ingest/schema.js';
import { databaseSource, isDatabaseUrl, type DatabaseSource } from '../../ingest/database.js';
import { streamSummaryFile } from '../../ingest/summary-file.js';
import { csvLine } from '../../report/csv/line.js';
import { createScorer } from '../../score/score.js';
import type { Io } from '../io.js';
import { ingestOptions, inputColumnsHelp, numberOption, resolveOptions } from '../options.js';
import { diagnostics, withOutput } from '../output.js';
import { readSavedModel } from '../saved-model.js';
import { SCORE_COLUMNS, scoreValues } from '../../report/columns.js';
import { STEP_DAYS } from '../../analysis/value.js';

export function registerScore(program: Command, io: Io): void {
  const cmd = program
    .command('score')
    .description('stream per-customer scores (P(alive), expected purchases, P(purchase in 30/90 days), expected spend, CLV) from a summary and saved models')
    .option('--summary <file|url>', 'the summary: a CSV file (- for stdin, .gz accepted) or postgres://... (with --table or --query)')
    .option('--db <url>', 'a PostgreSQL database to read the summary from (postgres://user@host/db), with --table or --query')
    .option('--table <name>', 'with a database: the summary table (used as written)')
    .option('--query <sql>', 'with a database: a SELECT returning customer_id, frequency, recency, T[, monetary_value]')
    .option('--model-file <file>', 'purchase model saved by crm fit --save (bgnbd or mbgnbd)')
    .option('--spend-model-file <file>', 'Gamma-Gamma model saved by crm fit --model gammagamma --save')
    .option('--period <unit>', "the summary's time unit (default: the model's; must be the model's)")
    .option('--horizon <n>', 'expected purchases and CLV over this many steps (default 52)')
    .option('--horizon-unit <unit>', 'step: day, week, month, quarter or year (default week)')
    .option('--discount-rate <rate>', 'annual discount rate for CLV (default 0.1)')
    .option('--margin <share>', 'contribution margin as a share of spend (default 1: CLV in revenue)')
    .option('--map <field=Column,...>', 'column names of the summary, e.g. frequency=x,recency=t_x', (v: string, prev: ColumnMap | undefined) => ({ ...(prev ?? {}), ...parseMapOption(v) }))
    .option('-d, --delimiter <char>', 'field delimiter of a CSV summary (default: detected)')
    .option('--skip-invalid', 'skip bad rows (counted on stderr) instead of stopping at the first')
    .option('--config <file>', 'config file (default: crm.config.json in the working folder, if present)')
    .option('--no-config', 'ignore crm.config.json in the working folder')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['csv', 'ndjson']))
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('-q, --quiet', 'no diagnostics on stderr on success');
  cmd.addHelpText('after', inputColumnsHelp(['summary']));
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    if (options.modelFile === undefined) throw new UsageError('crm score needs --model-file (a model saved by crm fit --save)', { hint: 'crm fit --model bgnbd --summary summary.csv --period week --save model.json' });
    const model = readSavedModel(String(options.modelFile), '--model-file', { refuseUntrusted: true });
    if (model.model === 'gammagamma') throw new UsageError('--model-file is the purchase model; give the Gamma-Gamma model as --spend-model-file');
    const spendModel = options.spendModelFile !== undefined ? readSavedModel(String(options.spendModelFile), '--spend-model-file', { refuseUntrusted: true }) : null;
    if (spendModel && spendModel.model !== 'gammagamma') throw new UsageError(`--spend-model-file must be a gammagamma model, not ${spendModel.model}`);
    if (spendModel && !(spendModel.params.q > 1)) throw new ModelError(`the spend model has q = ${spendModel.params.q} <= 1: its expected spend is infinite`, { hint: 'leave out --spend-model-file to use each customer\'s monetary value' });
    if (!model.period || !Number.isFinite(model.period.days)) throw new UsageError(`${String(options.modelFile)} records no period in days (not a BG/NBD or MBG/NBD model?)`);
    const notes: string[] = [];
    if (options.period === undefined) {
      options.period = String(model.period.days);
      notes.push(`note: the summary is taken to be in ${model.period.name}s, the model's period (--period to say so)`);
    } else if (parsePeriod(String(options.period)).days !== model.period.days) {
      throw new UsageError(`the model was fitted in ${model.period.name}s (${model.period.days} days) but --period is ${String(options.period)}`, { hint: `recompute the summary with --period ${model.period.name}, or refit` });
    }
    const steps = numberOption(options.horizon, '--horizon', 1, 1200, 52);
    if (!Number.isInteger(steps)) throw new UsageError('--horizon must be a whole number of steps');
    const stepName = String(options.horizonUnit ?? 'week');
    if (!(stepName in STEP_DAYS)) throw new UsageError(`invalid --horizon-unit "${stepName}"`, { hint: Object.keys(STEP_DAYS).join(', ') });
    const annual = numberOption(options.discountRate, '--discount-rate', 0, 10, 0.1);
    const margin = numberOption(options.margin, '--margin', 0, 1, 1);
    const format = (options.format as string | undefined) ?? (String(options.output ?? '').match(/\.(nd)?jsonl?$/i) ? 'ndjson' : 'csv');
    // The source: a file, stdin, or a database table/query.
    let source: string | DatabaseSource;
    const given = [options.summary, options.db].filter((v) => v !== undefined);
    if (given.length !== 1) throw new UsageError(given.length === 0 ? 'missing --summary FILE|URL or --db URL' : 'give --summary or --db, not both');
    const where = String(given[0]);
    if (options.db !== undefined || isDatabaseUrl(where)) {
      if (!isDatabaseUrl(where)) throw new UsageError(`--db needs a postgres:// URL, not ${where}`);
      source = databaseSource(where, options.table as string | undefined, options.query as string | undefined);
    } else {
      if (options.table !== undefined || options.query !== undefined) throw new UsageError('--table and --query go with a database (--db URL or --summary postgres://...)');
      source = where;
    }
    const score = createScorer({
      purchaseModel: model,
      spendModel,
      periodDays: model.period.days,
      horizonSteps: steps,
      stepDays: STEP_DAYS[stepName],
      annualDiscountRate: annual,
      marginShare: margin,
      windowsDays: [30, 90],
    });
    const horizonPeriods = (steps * STEP_DAYS[stepName]) / model.period.days;
    notes.push(`horizon: expected_purchases and clv over ${steps} ${stepName}(s) = ${Number(horizonPeriods.toFixed(4))} ${model.period.name}s; p_purchase_30d/90d over 30/90 days = ${Number((30 / model.period.days).toFixed(4))}/${Number((90 / model.period.days).toFixed(4))} ${model.period.name}s`);
    if (!spendModel) notes.push("note: no --spend-model-file: expected_spend is each customer's monetary_value (mean repeat spend; 0 for customers without a repeat purchase, whose CLV is then 0)");
    if (margin === 1 && options.margin === undefined) notes.push('note: no --margin: CLV is expected revenue, not contribution');
    if (model.model === 'bgnbd') notes.push('note: BG/NBD gives P(alive) = 1 to customers who never repurchased (a property of the model); MBG/NBD does not');
    const ingest = ingestOptions(options, config, cmd).summary;
    let customers = 0;
    await withOutput(options.output, io, async (sink) => {
      // Rows are formatted as they come and written out between input chunks: one chunk's rows in memory.
      let pending: string[] = [];
      const drain = async (): Promise<void> => {
        if (pending.length === 0) return;
        const text = pending.join('');
        pending = [];
        await sink.write(text);
      };
      if (format === 'csv') pending.push(csvLine(SCORE_COLUMNS));
      const { account } = await streamSummaryFile(
        source,
        ingest,
        { stdin: io.stdin },
        (row) => {
          const s = score(row);
          customers++;
          if (format === 'csv') pending.push(csvLine(scoreValues(s)));
          else {
            const values = scoreValues(s);
            const obj: Record<string, string | number | null> = {};
            SCORE_COLUMNS.forEach((n, i) => {
              const v = values[i];
              obj[n] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
            });
            pending.push(`${JSON.stringify(obj)}\n`);
          }
        },
        drain,
      );
      await drain();
      notes.unshift(`summary ${account.file}: read ${account.read}, scored ${customers}, rejected ${account.rejected}`);
    });
    diagnostics(io, options.quiet, notes);
  });
}
