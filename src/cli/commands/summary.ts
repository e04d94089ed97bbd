/** `crm summary`: the per-customer summary (frequency, recency, T, monetary value) that every model uses. */
import type { Command } from 'commander';
import { dayToIso } from '../../core/days.js';
import type { CustomerSummary } from '../../core/types.js';
import { summarize, type SummaryWindow } from '../../accumulate/summary.js';
import { writeCsv, writeJson, writeNdjson, type RecordColumns } from '../../report/records.js';
import { renderTable, painter } from '../../report/table.js';
import { count, fixed, percent } from '../../report/format.js';
import { addInputOptions, addOutputOptions, addWindowOptions, outputFormat, resolveOptions, useColor } from '../options.js';
import { accountLines, describeAccount, inputsMeta, readInputs } from '../inputs.js';
import { diagnostics, withOutput } from '../output.js';
import type { Io } from '../io.js';
import type { LoadedData } from '../../ingest/load.js';

export function summaryColumns(window: SummaryWindow, hasMargin: boolean): RecordColumns<CustomerSummary> {
  const names = ['customer_id', 'first_purchase', 'last_purchase', 'transactions', 'frequency', 'recency', 'T', 'monetary_value', 'revenue'];
  if (hasMargin) names.push('margin');
  if (window.holdout) names.push('frequency_holdout', 'monetary_value_holdout', 'duration_holdout');
  return {
    names,
    values: (c) => {
      const v: (string | number | null)[] = [c.id, dayToIso(c.firstDay), dayToIso(c.lastDay), c.transactions, c.frequency, c.recency, c.T, c.monetaryValue, c.revenue];
      if (hasMargin) v.push(c.margin);
      if (window.holdout) v.push(c.frequencyHoldout ?? 0, c.monetaryValueHoldout ?? 0, c.durationHoldout ?? 0);
      return v;
    },
  };
}

/** Portfolio totals shown under the table and in JSON. */
export function summaryTotals(customers: CustomerSummary[]): Record<string, number | null> {
  let transactions = 0;
  let revenue = 0;
  let margin: number | null = null;
  let repeat = 0;
  let frequency = 0;
  let holdout = 0;
  for (const c of customers) {
    transactions += c.transactions;
    revenue += c.revenue;
    if (c.margin !== null) margin = (margin ?? 0) + c.margin;
    if (c.frequency > 0) repeat++;
    frequency += c.frequency;
    holdout += c.frequencyHoldout ?? 0;
  }
  return {
    customers: customers.length,
    transactions,
    revenue,
    margin,
    repeatCustomers: repeat,
    repeatShare: customers.length ? repeat / customers.length : 0,
    meanFrequency: customers.length ? frequency / customers.length : 0,
    holdoutPurchases: holdout,
  };
}

export function registerSummary(program: Command, io: Io): void {
  const cmd = program
    .command('summary')
    .description('per-customer summary: first/last purchase, frequency, recency, T, monetary value, revenue (lifetimes definitions)')
    .option('--limit <n>', 'rows shown in the terminal table (default 20)');
  addInputOptions(cmd, ['customers', 'sales']);
  addWindowOptions(cmd);
  addOutputOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n  crm summary --sales sales.csv --period week --calibration-end 1997-09-30 --format csv > summary.csv\n  crm summary --sales CDNOW_sample.txt --delimiter whitespace --no-header --columns id,customer_id,date,quantity,amount --period week');
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
      const color = useColor(options, io);
      const limit = Math.max(0, Number(options.limit ?? 20));
      const rows = customers.slice(0, limit).map((c) =>
        columns.values(c).map((v, i) => (typeof v === 'number' ? fixed(v, ['transactions', 'frequency', 'frequency_holdout'].includes(columns.names[i]) ? 0 : 2) : String(v ?? ''))),
      );
      const title = `Customer summary as of ${meta.asOf}${window!.holdout ? ` (calibration to ${meta.calibrationEnd})` : ''}; time in ${window!.period.name}s`;
      await sink.write(renderTable(columns.names, rows, { color }, title));
      if (customers.length > limit) await sink.write(`… ${count(customers.length - limit)} more customers (--format csv for all)\n`);
      const paint = painter(color);
      await sink.write(
        `\n${paint.bold('Totals')}: ${count(customers.length)} customers, ${count(totals.transactions!)} transactions, revenue ${fixed(totals.revenue)}` +
          `${totals.margin !== null ? `, margin ${fixed(totals.margin)}` : ''}; repeat customers ${count(totals.repeatCustomers!)} (${percent(totals.repeatShare)})` +
          `${window!.holdout ? `; holdout purchases ${count(totals.holdoutPurchases!)}` : ''}\n`,
      );
      await sink.write(`${paint.bold('Rows')}: ${data.accounts.map((a) => `${a.kind} ${describeAccount(a)}`).join('; ')}\n`);
      for (const n of notes.slice(data.accounts.length)) await sink.write(`${n}\n`);
    }
  });
  if (format !== 'table') diagnostics(io, options.quiet, notes);
}

function customersWithoutSales(data: LoadedData): number | null {
  if (!data.customers || !data.sales) return null;
  let n = 0;
  for (const id of data.customers.keys()) if (!data.sales.customers.has(id)) n++;
  return n;
}
