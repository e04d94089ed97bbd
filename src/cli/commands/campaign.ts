/**
 * `crm campaign`: response rates of campaign contacts, the lift over the control group with Newcombe's interval
 * and a z test, incremental revenue with Welch's interval, ROI; by RFM segment and customer attributes.
 * See docs/campaign.md.
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { analyseCampaigns, campaignRows } from '../../marketing/campaign.js';
import { jsonReplacer } from '../../report/format.js';
import { writeCsv, writeNdjson } from '../../report/records.js';
import { excludeRows, inputsMeta, readInputs } from '../inputs.js';
import { accountLines } from '../../report/text/accounts.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, outputFormat, resolveOptions, textStyle } from '../options.js';
import { fitProse } from '../../report/table.js';
import { diagnostics, withOutput } from '../output.js';
import { campaignBreakdowns, marginShareOf } from '../../analysis/campaigns.js';
import { marginOption } from '../settings.js';
import { campaignColumns } from '../../report/columns.js';
import { renderCampaigns } from '../../report/text/campaign.js';
import { list, positiveInteger } from '../settings.js';

export function registerCampaign(program: Command, io: Io): void {
  const cmd = program
    .command('campaign')
    .description('campaign response: response rates of treatment and control, lift with its 95% interval (Newcombe), incremental revenue (Welch), ROI; by RFM segment and customer attributes')
    .option('--window <days>', 'response window: purchase days 1..N days after the contact (default 30)')
    .option('--margin <share>', 'margin share of revenue for the ROI when the sales have no cost or margin column (default 1)')
    .option('--by <columns>', 'also break down by these customer attributes (needs --customers)')
    .option('--no-segments', 'no breakdown by RFM segment (segments as of the day before each campaign)')
    .option('--as-of <date>', 'end of observation (default: the last sale date); later contacts are left out, later windows cut');
  addInputOptions(cmd, ['contacts', 'sales', 'customers']);
  addOutputOptions(cmd);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    const windowDays = positiveInteger(options.window, '--window', 'days') ?? 30;
    const by = list(options.by);
    if (by.length > 0 && options.customers === undefined) throw new UsageError('--by needs --customers', { hint: '--customers FILE' });
    const { data, window } = await readInputs(cmd, options, config, io, { contacts: 'required', sales: 'required', customers: 'optional' }, { holdout: false });
    for (const column of by) {
      if (!data.attributeNames.includes(column)) throw new UsageError(`--by ${column}: no such column in the customers file`, { hint: data.attributeNames.join(', ') });
    }
    const asOf = window!.asOf;
    const margin = marginShareOf(data.sales!, asOf, marginOption(options.margin));
    const notes: string[] = [];
    const sales = data.sales!;
    const analysis = analyseCampaigns(data.contacts!, {
      asOf,
      windowDays,
      marginShare: margin.share,
      history: (id) => sales.customers.get(id),
      breakdowns: campaignBreakdowns(data, asOf, by, options.segments !== false, notes),
    });
    // Contacts the analysis left out (after the as-of day, the other group of a campaign) are excluded in the account too.
    excludeRows(data, 'contacts', analysis.account.excluded);
    if (analysis.campaigns.length === 0) throw new UsageError(`no contacts on or before the as-of day ${analysis.asOf} to measure`, { hint: '--as-of' });
    notes.unshift(...accountLines(data));
    if (margin.note) notes.push(`note: ${margin.note}`);
    notes.push(...analysis.warnings.map((w) => `warning: ${w}`));
    const meta = { command: 'campaign', asOf: analysis.asOf, ...inputsMeta(data) };
    await withOutput(options.output, io, async (sink) => {
      if (format === 'csv') await writeCsv(sink, campaignColumns, campaignRows(analysis));
      else if (format === 'ndjson') await writeNdjson(sink, campaignColumns, campaignRows(analysis));
      else if (format === 'json') {
        const settings = { windowDays: analysis.windowDays, marginShare: analysis.marginShare, marginSource: margin.source, methods: analysis.methods };
        await sink.write(`${JSON.stringify({ meta, settings, campaigns: analysis.campaigns, contacts: analysis.account, notes }, jsonReplacer, 2)}\n`);
      } else {
        await sink.write(renderCampaigns(analysis, textStyle(options, io), margin.source));
        for (const n of notes) await sink.write(fitProse(`${n}\n`, textStyle(options, io)));
      }
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
  });
}
