/** `crm segment`: RFM scores and named segments, R × F grid, concentration (Pareto/ABC), clusters, profiles. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { summarize } from '../../accumulate/summary.js';
import { segmentPortfolio } from '../../segment/segment-portfolio.js';
import { writeCsv, writeJson, writeNdjson } from '../../report/records.js';
import { fitProse, renderTable } from '../../report/table.js';
import { inputsMeta, readInputs } from '../inputs.js';
import { accountLines } from '../../report/text/accounts.js';
import type { Io } from '../io.js';
import { addInapplicableOption, addInputOptions, addOutputOptions, outputFormat, resolveOptions, textStyle } from '../options.js';
import { diagnostics, withOutput } from '../output.js';
import { groupAttributes } from '../groups.js';
import { segmentColumns } from '../../report/columns.js';
import { renderSegment } from '../../report/text/segment.js';
import { segmentOptions } from '../settings.js';

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
  addInapplicableOption(cmd, '--period <unit>', 'RFM recency is measured in days to as-of, and the segments need no time unit (--period sets the unit of the purchase models in value, fit, report)');
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
        await sink.write(renderSegment(result, textStyle(options, io)));
        if (options.perCustomer) {
          await sink.write('\n' + renderTable(segmentColumns.names, result.customers.map((c) => segmentColumns.values(c).map((v) => String(v ?? ''))), textStyle(options, io), 'Customers'));
        }
        for (const n of notes) await sink.write(fitProse(`${n}\n`, textStyle(options, io)));
      }
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
  });
}

