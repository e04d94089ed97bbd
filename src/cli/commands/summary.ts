/** `crm summary`: the per-customer summary (frequency, recency, T, monetary value) that every model uses. */
import type { Command } from 'commander';
import { dayToIso } from '../../core/days.js';
import { summarize } from '../../accumulate/summary.js';
import { writeCsv, writeJson, writeNdjson } from '../../report/records.js';
import { addInputOptions, addOutputOptions, addWindowOptions, outputFormat, resolveOptions, textStyle } from '../options.js';
import { inputsMeta, readInputs } from '../inputs.js';
import { accountLines } from '../../report/text/accounts.js';
import { diagnostics, withOutput } from '../output.js';
import type { Io } from '../io.js';
import { summaryColumns } from '../../report/columns.js';
import { customersWithoutSales, summaryTotals } from '../../analysis/summary.js';
import { renderSummary } from '../../report/text/summary.js';

export function registerSummary(program: Command, io: Io): void {
  const cmd = program
    .command('summary')
    .description('per-customer summary: first/last purchase, frequency, recency, T, monetary value, revenue (lifetimes definitions)')
    .option('--limit <n>', 'rows shown in the terminal table (default 20)');
  addInputOptions(cmd, ['customers', 'sales']);
  addWindowOptions(cmd);
  addOutputOptions(cmd);
  cmd.action(async () => {
    await runSummary(cmd, io);
  });
}

export async function runSummary(cmd: Command, io: Io): Promise<void> {
  const { options, config } = resolveOptions(cmd, io);
  const format = outputFormat(options, io);
  const { data, window } = await readInputs(cmd, options, config, io, { sales: 'required', customers: 'optional' });
  const sales = data.sales!;
  const { customers, exclusions } = summarize(sales, window!);
  const columns = summaryColumns(window!, sales.hasMargin);
  const totals = summaryTotals(customers);
  const meta = {
    command: 'summary',
    asOf: dayToIso(window!.asOf),
    calibrationEnd: window!.holdout ? dayToIso(window!.calibrationEnd) : null,
    period: window!.period,
    dateRange: { first: dayToIso(sales.minDay), last: dayToIso(sales.maxDay) },
    options: { skipInvalid: Boolean(options.skipInvalid), unknown: options.unknown ?? 'keep' },
    ...inputsMeta(data),
    customersExcluded: exclusions,
    customersWithoutSales: customersWithoutSales(data),
    totals,
  };
  const notes = accountLines(data);
  if (exclusions.firstPurchaseInHoldout > 0) notes.push(`${exclusions.firstPurchaseInHoldout} customer(s) whose first purchase is in the holdout are not in the calibration summary`);
  if (exclusions.noPurchase > 0) notes.push(`${exclusions.noPurchase} customer(s) with only returns (negative amounts) are not in the summary`);
  await withOutput(options.output, io, async (sink) => {
    if (format === 'csv') await writeCsv(sink, columns, customers);
    else if (format === 'ndjson') await writeNdjson(sink, columns, customers);
    else if (format === 'json') await writeJson(sink, meta, 'customers', columns, customers);
    else {
      await sink.write(renderSummary(customers, columns, totals, { asOf: meta.asOf, calibrationEnd: meta.calibrationEnd, window: window!, limit: Math.max(0, Number(options.limit ?? 20)), accounts: data.accounts }, textStyle(options, io)));
      for (const n of notes.slice(data.accounts.length)) await sink.write(`${n}\n`);
    }
  });
  if (format !== 'table') diagnostics(io, options.quiet, notes);
}
