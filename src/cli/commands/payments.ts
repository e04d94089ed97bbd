/** `crm payments`: payment behaviour, receivables ageing, DSO and the largest debtors. */
import type { Command } from 'commander';
import { dayToIso } from '../../core/days.js';
import { UsageError } from '../../errors.js';
import { analysePayments } from '../../payments/analyse-payments.js';
import { writeCsv, writeJson, writeNdjson } from '../../report/records.js';
import { excludeRows, inputsMeta, readInputs } from '../inputs.js';
import { accountLines } from '../../report/text/accounts.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, outputFormat, resolveOptions, textStyle } from '../options.js';
import { fitProse } from '../../report/table.js';
import { diagnostics, withOutput } from '../output.js';
import { paymentColumns } from '../../report/columns.js';
import { renderPayments } from '../../report/text/payments.js';
import { paymentsSections } from '../../report/json.js';
import { positiveInteger } from '../settings.js';

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
      delinquentAfterDays: positiveInteger(options.delinquentAfter, '--delinquent-after', 'days'),
      slowMaxDaysLate: positiveInteger(options.slowAfter, '--slow-after', 'days'),
      dsoWindowDays: positiveInteger(options.dsoWindow, '--dso-window', 'days'),
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
      } else await sink.write(renderPayments(analysis, textStyle(options, io), resolved.rule) + fitProse(notes.map((n) => `${n}\n`).join(''), textStyle(options, io)));
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
  });
}
