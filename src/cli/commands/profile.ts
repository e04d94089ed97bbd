/**
 * `crm profile CUSTOMER_ID`: everything the toolkit knows about one customer, from the same inputs and the same
 * analyses as `crm report` (each input read once): attributes, purchase history and totals, RFM scores, segment,
 * ABC class and cluster, CLV and P(alive), life-cycle stage, payment behaviour and open invoices, and the
 * customer's rank in the portfolio. As a terminal page or one JSON object (dates ISO). See docs/profile.md.
 *
 * The portfolio-wide parts (scores, segments, model fits, churn window) need every customer, so they are run
 * on the whole portfolio exactly as `buildReport` runs them (segments with clusters seed 1, models in weekly
 * units, 12 monthly steps at 10% a year), and the one customer is picked out of the results. `buildReport`
 * itself is not called because its document keeps neither the purchase days nor the invoices.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { PURCHASE_MODEL_NAMES } from '../../models/registry.js';
import { jsonReplacer } from '../../report/format.js';
import { fitParallelSettings, readInputs } from '../inputs.js';
import { accountLines } from '../../report/text/accounts.js';
import type { Io } from '../io.js';
import { addInputOptions, addWindowOptions, resolveOptions, textStyle } from '../options.js';
import { diagnostics, withOutput } from '../output.js';
import { VERSION } from '../../core/version.js';
import { marginOption, valuationFromOptions } from '../settings.js';
import { profileCustomer } from '../../analysis/profile.js';
import { renderProfile } from '../../report/text/profile.js';

export function registerProfile(program: Command, io: Io): void {
  const cmd = program
    .command('profile')
    .description('everything known about one customer: attributes, purchases, RFM segment, CLV, life-cycle stage, payments, rank')
    .argument('<customer-id>', 'the customer id')
    .addOption(new Option('-f, --format <format>', 'table (default on a terminal) or json (default when piped)').choices(['table', 'json']))
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .addOption(new Option('--model <model>', 'purchase model (default auto: the trusted fit of lowest BIC)').choices([...PURCHASE_MODEL_NAMES, 'auto']))
    .option('--margin <share>', 'contribution margin as a share of spend (default: from cost in the sales)')
    .option('--discount-rate <rate>', 'annual discount rate (default 0.1)')
    .option('--last <n>', 'table: purchase days listed (default 10)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--wide', 'tables with every column, however wide the terminal')
    .option('-q, --quiet', 'no diagnostics on stderr on success');
  addInputOptions(cmd, ['customers', 'sales', 'payments', 'costs']);
  addWindowOptions(cmd, { holdout: false });
  cmd.action(async (customerId: string) => {
    const { options, config } = resolveOptions(cmd, io);
    const format = (options.format as string | undefined) ?? (options.output !== undefined && String(options.output).endsWith('.json') ? 'json' : io.stdout.isTTY ? 'table' : 'json');
    if (format !== 'table' && format !== 'json') throw new UsageError(`invalid --format "${format}"`, { hint: 'table or json' });
    const last = options.last !== undefined ? Number(options.last) : 10;
    if (!Number.isInteger(last) || last < 0) throw new UsageError(`--last must be a whole number, not "${options.last}"`);
    for (const [flag, key, max] of [['--margin', 'margin', 1], ['--discount-rate', 'discountRate', 10]] as const) {
      const n = Number(options[key]);
      if (options[key] !== undefined && !(Number.isFinite(n) && n >= 0 && n <= max)) throw new UsageError(`${flag} must be a number from 0 to ${max}, not "${options[key]}"`);
    }
    if (customerId.trim() === '') throw new UsageError('empty customer id');
    const settings = valuationFromOptions({ ...options, margin: undefined });
    const margin = marginOption(options.margin);
    const { data, window } = await readInputs(cmd, options, config, io, { sales: 'required', customers: 'optional', payments: 'optional', costs: 'optional' }, { holdout: false });
    const run = profileCustomer(data, window!, customerId, margin ? { ...settings, margin } : settings, { name: 'crm', version: VERSION }, fitParallelSettings(io.env));
    const { profile } = run;
    const notes = [...accountLines(data), ...run.notes];
    await withOutput(options.output, io, async (sink) => {
      if (format === 'json') await sink.write(`${JSON.stringify(profile, jsonReplacer, 2)}\n`);
      else await sink.write(renderProfile(profile, textStyle(options, io), { last }));
    });
    diagnostics(io, options.quiet, notes);
  });
}
