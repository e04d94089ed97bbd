/** `crm payments`: payment behaviour, receivables ageing, DSO and the largest debtors. */
import type { Command } from 'commander';
import { dayToIso } from '../../core/days.js';
import { UsageError } from '../../errors.js';
import { analysePayments, type PaymentsAnalysis } from '../../payments/analyse-payments.js';
import type { CustomerPayments } from '../../payments/behaviour.js';
import type { AgeingTable } from '../../payments/portfolio.js';
import { count, fixed, percent } from '../../report/format.js';
import { writeCsv, writeJson, writeNdjson, type RecordColumns } from '../../report/records.js';
import { painter, renderTable } from '../../report/table.js';
import { accountLines, excludeRows, inputsMeta, readInputs } from '../inputs.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, outputFormat, resolveOptions, useColor } from '../options.js';
import { diagnostics, withOutput } from '../output.js';

export const paymentColumns: RecordColumns<CustomerPayments> = {
  names: [
    'customer_id', 'class', 'worsening', 'invoices', 'credit_notes', 'invoiced', 'credited', 'paid', 'refunded', 'outstanding', 'overdue', 'credit', 'balance',
    'open_invoices', 'overdue_invoices', 'max_days_past_due', 'settled_invoices', 'days_to_pay_mean', 'days_to_pay_median', 'days_to_pay_p90',
    'days_late_mean', 'days_late_median', 'days_late_p90', 'days_late_weighted', 'share_paid_late', 'share_unpaid_past_due', 'collection_rate',
    'lateness', 'trend_recent_mean_days_late', 'trend_earlier_mean_days_late', 'trend_increase',
  ],
  values: (c) => [
    c.customerId, c.class, c.worsening, c.invoices, c.creditNotes, c.invoiced, c.credited, c.paid, c.refunded, c.outstanding, c.overdue, c.credit, c.balance,
    c.openInvoices, c.overdueInvoices, c.maxDaysPastDue, c.settledInvoices, c.daysToPay?.mean, c.daysToPay?.median, c.daysToPay?.p90,
    c.daysLate?.mean, c.daysLate?.median, c.daysLate?.p90, c.daysLateWeighted, c.sharePaidLate, c.shareUnpaidPastDue, c.collectionRate,
    c.lateness, c.trend?.recentMeanDaysLate, c.trend?.earlierMeanDaysLate, c.trend?.increase,
  ],
};

/** The last invoice or payment date of a ledger (kept here for callers of the command module). */
export { ledgerEnd } from '../../payments/invoices.js';

function positiveInteger(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number of days, not "${value}"`);
  return n;
}

/** Ageing tables as text rows. */
export function ageingRows(tables: { name: string; table: AgeingTable }[]): { headers: string[]; rows: string[][] } {
  const labels = tables[0]?.table.buckets.map((b) => b.label) ?? [];
  return {
    headers: ['', ...labels, 'outstanding', 'credit', 'net'],
    rows: tables.flatMap(({ name, table }) => [
      [name, ...table.buckets.map((b) => fixed(b.amount)), fixed(table.outstanding), fixed(table.credit), fixed(table.net)],
      ['  share', ...table.buckets.map((b) => percent(b.share, 0)), '', '', ''],
    ]),
  };
}

export function registerPayments(program: Command, io: Io): void {
  const cmd = program
    .command('payments')
    .description('payment behaviour per customer (days to pay, lateness, class), receivables ageing, DSO, largest debtors')
    .option('--by <column>', 'ageing by this customer attribute (needs --customers)')
    .option('--delinquent-after <days>', 'delinquent: an invoice overdue beyond this many days (default 90)')
    .option('--slow-after <days>', 'late rather than slow beyond this many days late (default 15)')
    .option('--dso-window <days>', 'sales window of the DSO, ending at as-of (default 90)')
    .option('--top <n>', 'largest debtors listed (default 10)')
    .option('--as-of <date>', 'balance date (default: the last sale date with --sales, else the last invoice or payment date)');
  addInputOptions(cmd, ['customers', 'sales', 'payments']);
  addOutputOptions(cmd);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    if (options.by !== undefined && options.customers === undefined) throw new UsageError('--by needs --customers', { hint: '--customers FILE' });
    const { data, asOf: resolved } = await readInputs(cmd, options, config, io, { payments: 'required', customers: 'optional', sales: 'optional' }, { holdout: false });
    const records = data.payments!;
    if (records.length === 0 || resolved === undefined) throw new UsageError('no payment rows to analyse');
    // One as-of rule for every command (cli/inputs.ts): --as-of, else the last sale date, else the ledger's end.
    const asOf = resolved.day;
    const by = options.by as string | undefined;
    if (by !== undefined && !data.attributeNames.includes(by)) {
      throw new UsageError(`--by ${by}: no such column in the customers file`, { hint: data.attributeNames.join(', ') });
    }
    const analysis = analysePayments(records, asOf, {
      delinquentAfterDays: positiveInteger(options.delinquentAfter, '--delinquent-after'),
      slowMaxDaysLate: positiveInteger(options.slowAfter, '--slow-after'),
      dsoWindowDays: positiveInteger(options.dsoWindow, '--dso-window'),
      topDebtors: positiveInteger(options.top, '--top'),
      group: by !== undefined ? (id: string) => data.customers?.get(id)?.[by] ?? '' : undefined,
      groupName: by,
    });
    // The rows the analysis left out (invoices dated after as-of) are excluded in the row account too.
    excludeRows(data, 'payments', analysis.account.excluded);
    const notes = accountLines(data);
    if (analysis.account.issues > 0) {
      notes.push(`payments: ${analysis.account.issues} row(s) with data issues not used (${Object.entries(analysis.account.issuesByReason).map(([r, n]) => `${r} ${n}`).join(', ')}); first: ${analysis.issues[0].file}:${analysis.issues[0].line}: ${analysis.issues[0].message}`);
    }
    const meta = { command: 'payments', asOf: dayToIso(asOf), ...inputsMeta(data), ledger: analysis.account };
    await withOutput(options.output, io, async (sink) => {
      if (format === 'csv') await writeCsv(sink, paymentColumns, analysis.customers);
      else if (format === 'ndjson') await writeNdjson(sink, paymentColumns, analysis.customers);
      else if (format === 'json') {
        await writeJson(sink, meta, 'customers', paymentColumns, analysis.customers, paymentsSections(analysis));
      } else await sink.write(renderPayments(analysis, useColor(options, io), resolved.rule) + notes.map((n) => `${n}\n`).join(''));
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
  });
}

/** The portfolio sections of the JSON output (dates as ISO text). */
export function paymentsSections(a: PaymentsAnalysis): Record<string, unknown> {
  return {
    settings: a.settings,
    totals: a.totals,
    classes: a.classes,
    ageing: a.ageing,
    dso: { ...a.dso, windowStart: dayToIso(a.dso.windowStart), windowEnd: dayToIso(a.dso.windowEnd) },
    topDebtors: a.topDebtors,
    issues: a.issues,
  };
}

/** The terminal report of `crm payments`. */
export function renderPayments(a: PaymentsAnalysis, color: boolean, asOfRule?: string): string {
  const paint = painter(color);
  const t = a.totals;
  let out = `${paint.bold(`Payments as of ${dayToIso(a.asOf)}`)}${asOfRule ? ` (${asOfRule})` : ''}: ${count(t.customers)} customers, ${count(t.invoices)} invoices, ${count(t.creditNotes)} credit notes\n`;
  out += `Invoiced ${fixed(t.invoiced)}, paid ${fixed(t.paid)}, outstanding ${fixed(t.outstanding)} (overdue ${fixed(t.overdue)}), credit ${fixed(t.credit)}, balance ${fixed(t.balance)}\n`;
  out += `Collection rate ${percent(t.collectionRate)} of ${fixed(t.due)} due; DSO ${fixed(a.dso.standard, 1)} days (receivables net of credits / credit sales of the last ${a.dso.windowDays} days; on open invoices gross ${fixed(a.dso.grossStandard, 1)}; best possible ${fixed(a.dso.bestPossible, 1)}, countback ${fixed(a.dso.countback, 1)}); ${count(t.worsening)} customer(s) paying later and later\n\n`;
  out += renderTable(
    ['class', 'customers', 'share', 'outstanding', 'overdue', 'share of outstanding'],
    a.classes.map((c) => [c.class, count(c.customers), percent(c.shareOfCustomers), fixed(c.outstanding), fixed(c.overdue), percent(c.shareOfOutstanding)]),
    { color },
    `Payment behaviour (delinquent: overdue > ${a.settings.delinquentAfterDays} days; slow: up to ${a.settings.slowMaxDaysLate} days late)`,
  );
  const tables = [{ name: 'total', table: a.ageing.total }, ...a.ageing.groups.map((g) => ({ name: g.group || '(missing)', table: g }))];
  const ageing = ageingRows(tables);
  out += '\n' + renderTable(ageing.headers, ageing.rows, { color }, `Receivables ageing (days past due)${a.ageing.groupBy ? ` by ${a.ageing.groupBy}` : ''}`);
  if (a.topDebtors.length > 0) {
    out += '\n' + renderTable(
      ['customer_id', 'outstanding', 'overdue', 'balance', 'max days past due', 'class', 'share'],
      a.topDebtors.map((d) => [d.customerId, fixed(d.outstanding), fixed(d.overdue), fixed(d.balance), d.maxDaysPastDue === null ? '' : String(d.maxDaysPastDue), d.class, percent(d.shareOfOutstanding)]),
      { color },
      'Largest debtors',
    );
  }
  return out;
}
