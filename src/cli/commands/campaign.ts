/**
 * `crm campaign`: response rates of campaign contacts, the lift over the control group with Newcombe's interval
 * and a z test, incremental revenue with Welch's interval, ROI; by RFM segment and customer attributes.
 * See docs/campaign.md.
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { analyseCampaigns, campaignRows, type CampaignAnalysis, type CampaignEffect, type CampaignRow, type GroupStats } from '../../marketing/campaign.js';
import { count, fixed, jsonReplacer, percent } from '../../report/format.js';
import { writeCsv, writeNdjson, type RecordColumns } from '../../report/records.js';
import { painter, renderTable } from '../../report/table.js';
import { accountLines, excludeRows, inputsMeta, readInputs } from '../inputs.js';
import type { Io } from '../io.js';
import { addInputOptions, addOutputOptions, outputFormat, resolveOptions, useColor } from '../options.js';
import { diagnostics, withOutput } from '../output.js';
import { campaignBreakdowns, marginShareOf } from '../../analysis/campaigns.js';
import { marginOption } from '../settings.js';

/** The CSV/NDJSON columns: one row per campaign × breakdown cell × group. */
export const campaignColumns: RecordColumns<CampaignRow> = {
  names: [
    'campaign', 'by', 'value', 'group', 'contacted', 'contacts', 'responders', 'response_rate', 'response_rate_low', 'response_rate_high',
    'revenue', 'revenue_per_contacted', 'margin', 'margin_per_contacted', 'cost', 'incomplete',
    'lift', 'lift_low', 'lift_high', 'p_value', 'incremental_revenue', 'incremental_revenue_low', 'incremental_revenue_high', 'incremental_margin',
    'total_cost', 'roi', 'note',
  ],
  values: ({ campaign, by, value, group, stats: s, effect: e }) => [
    campaign, by, value, group, s.contacted, s.contacts, s.responders, s.responseRate, s.responseRateInterval[0], s.responseRateInterval[1],
    s.revenue, s.revenuePerContacted, s.margin, s.marginPerContacted, s.cost, s.incomplete,
    e.lift, e.liftInterval?.[0], e.liftInterval?.[1], e.pValue, e.incrementalRevenue, e.incrementalRevenueInterval?.[0], e.incrementalRevenueInterval?.[1], e.incrementalMargin,
    e.totalCost, e.roi, [e.liftNote, e.roiNote].filter(Boolean).join('; '),
  ],
};

function positiveInteger(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number of days, not "${value}"`);
  return n;
}

function list(value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

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
    const windowDays = positiveInteger(options.window, '--window') ?? 30;
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
        await sink.write(renderCampaigns(analysis, useColor(options, io), margin.source));
        for (const n of notes) await sink.write(`${n}\n`);
      }
    });
    if (format !== 'table') diagnostics(io, options.quiet, notes);
  });
}

function interval(i: [number, number] | null, show: (v: number) => string): string {
  return i === null ? '' : `${show(i[0])} to ${show(i[1])}`;
}

const points = (v: number): string => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`;

/** The lines under a campaign's table: lift, incremental revenue, ROI. */
export function effectLines(e: CampaignEffect): string[] {
  if (e.lift === null) return [`Lift: ${e.liftNote ?? 'no control group: lift cannot be measured'}`];
  const lines = [`Lift ${points(e.lift)} (95% interval ${interval(e.liftInterval, points)}, Newcombe; p = ${fixed(e.pValue, 4)}, two-proportion z test)`];
  if (e.incrementalRevenue !== null) {
    lines.push(`Incremental revenue ${fixed(e.incrementalRevenue)}${e.incrementalRevenueInterval ? ` (95% interval ${interval(e.incrementalRevenueInterval, (v) => fixed(v))}, Welch)` : ' (no interval: fewer than 2 customers in a group)'}; incremental margin ${fixed(e.incrementalMargin)}`);
  }
  lines.push(e.roi !== null ? `ROI ${percent(e.roi)} on a cost of ${fixed(e.totalCost)}` : `ROI: ${e.roiNote ?? 'not computed'}`);
  return lines;
}

function groupRow(name: string, s: GroupStats | null): string[] {
  if (s === null) return [name, '(none)', '', '', '', '', '', '', ''];
  return [name, count(s.contacted), count(s.responders), percent(s.responseRate), interval(s.responseRateInterval, (v) => percent(v)), fixed(s.revenuePerContacted), fixed(s.marginPerContacted), fixed(s.cost), s.incomplete > 0 ? count(s.incomplete) : ''];
}

/** The terminal report of `crm campaign`. */
export function renderCampaigns(a: CampaignAnalysis, color: boolean, marginSource?: string): string {
  const paint = painter(color);
  let out = `${paint.bold(`Campaigns as of ${a.asOf}`)}: response = a purchase day 1 to ${a.windowDays} days after a contact (the contact day excluded); margin share ${percent(a.marginShare)}${marginSource ? ` (from ${marginSource})` : ''}\n`;
  for (const c of a.campaigns) {
    out += '\n' + renderTable(
      ['group', 'contacted', 'responders', 'rate', '95% interval (Wilson)', 'revenue / contacted', 'margin / contacted', 'cost', 'incomplete'],
      [groupRow('treatment', c.treatment), groupRow('control', c.control)],
      { color },
      `Campaign ${c.campaign} (contacts ${c.firstContact}${c.lastContact !== c.firstContact ? ` to ${c.lastContact}` : ''})`,
    );
    out += effectLines(c).map((l) => `${l}\n`).join('');
    const byNames = [...new Set(c.breakdowns.map((b) => b.by))];
    for (const by of byNames) {
      const cells = c.breakdowns.filter((b) => b.by === by);
      out += '\n' + renderTable(
        [by, 'treated', 'rate', 'control', 'rate', 'lift', '95% interval', 'incremental revenue'],
        cells.map((b) => [
          b.value === '' ? '(missing)' : b.value,
          b.treatment ? count(b.treatment.contacted) : '0', percent(b.treatment?.responseRate),
          b.control ? count(b.control.contacted) : '0', percent(b.control?.responseRate),
          b.lift === null ? 'n/a' : points(b.lift), interval(b.liftInterval, points), fixed(b.incrementalRevenue),
        ]),
        { color },
        `Campaign ${c.campaign} by ${by === 'segment' ? 'RFM segment before the campaign' : by}`,
      );
    }
  }
  return out;
}
