/** `crm kpi`: the CRM scorecard per calendar period (customers, retention, revenue, orders, receivables). */
import type { Command } from 'commander';
import { dayToIso } from '../../core/days.js';
import { UsageError } from '../../errors.js';
import { type KpiRow } from '../../performance/kpi.js';
import { KPI_UNITS, parseKpiUnit } from '../../performance/periods.js';
import { writeCsv, writeJson, writeNdjson, type RecordColumns } from '../../report/records.js';
import { excludeRows, inputsMeta, readInputs } from '../inputs.js';
import { accountLines } from '../../report/text/accounts.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, outputFormat, resolveOptions, textStyle } from '../options.js';
import { fitProse } from '../../report/table.js';
import { diagnostics, withOutput } from '../output.js';
import { parseDays } from '../settings.js';
import { computeKpis } from '../../analysis/kpi.js';
import { kpiColumns } from '../../report/columns.js';
import { kpiNotes, renderKpi } from '../../report/text/kpi.js';

export function registerKpi(program: Command, io: Io): void {
  const cmd = program
    .command('kpi')
    .description('the CRM scorecard per period: active, new, returning, reactivated and lost customers, retention, revenue, orders, AOV, top-20% share; DSO and overdue share with --payments')
    .option('--period <unit>', `period: ${KPI_UNITS.join(', ')} (default month)`)
    .option('--churn-after <days>', 'lost and reactivated: churned when no purchase follows within this window, e.g. 90d (default: 90th percentile of the gaps between purchases, as crm churn)')
    .option('--dso-window <days>', 'with --payments: sales window of the DSO, ending at each period end (default 90)')
    .option('--as-of <date>', 'end of observation (default: the last date in the sales)');
  addInputOptions(cmd, ['customers', 'sales', 'payments']);
  addOutputOptions(cmd);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    const unit = parseKpiUnit(String(options.period ?? 'month'));
    const churnAfter = options.churnAfter !== undefined ? parseDays(String(options.churnAfter), '--churn-after') : undefined;
    let dsoWindowDays: number | undefined;
    if (options.dsoWindow !== undefined) {
      dsoWindowDays = Number(options.dsoWindow);
      if (!Number.isInteger(dsoWindowDays) || dsoWindowDays < 1) throw new UsageError(`--dso-window must be a positive whole number of days, not "${options.dsoWindow}"`);
      if (options.payments === undefined) throw new UsageError('--dso-window needs --payments');
    }
    // --period here is the KPI period, not the summary's time unit that readInputs parses.
    const { data, window, asOf: resolved } = await readInputs(cmd, { ...options, period: undefined }, config, io, { sales: 'required', customers: 'optional', payments: 'optional' }, { holdout: false });
    const asOf = window!.asOf;
    const withPayments = data.payments !== undefined;
    const { result, excludedPayments } = computeKpis(data.sales!, asOf, { unit, churnAfter, payments: data.payments, dsoWindowDays });
    if (withPayments) excludeRows(data, 'payments', excludedPayments);
    const notes = [...accountLines(data), ...kpiNotes(result)];
    if (withPayments) notes.push(`dso and overdue_share: the payments analysis run at each period end (${result.periods.length} runs over the ledger; a partial period at as-of)`);
    const columns = kpiColumns(withPayments);
    const meta = {
      command: 'kpi',
      asOf: dayToIso(asOf),
      period: unit,
      churnWindow: result.window,
      topShare: result.topShare,
      customers: result.customers,
      lostProvisionalFrom: result.provisionalFrom,
      ...inputsMeta(data),
    };
    await withOutput(options.output, io, async (sink) => {
      if (format === 'csv') await writeCsv(sink, columns, result.periods);
      else if (format === 'ndjson') await writeNdjson(sink, columns, result.periods);
      else if (format === 'json') {
        const provisional: RecordColumns<KpiRow> = { names: [...columns.names, 'lost_provisional', 'start', 'end'], values: (r) => [...columns.values(r), r.lostProvisional, dayToIso(r.start), dayToIso(r.end)] };
        await writeJson(sink, meta, 'periods', provisional, result.periods, { notes });
      } else await sink.write(renderKpi(result, textStyle(options, io), withPayments, resolved?.rule) + fitProse(notes.map((n) => `${n}\n`).join(''), textStyle(options, io)));
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
  });
}
