/** Terminal report of campaign response against control groups (`crm campaign`, `crm report`). */
import { type CampaignAnalysis, type CampaignEffect, type GroupStats } from '../../marketing/campaign.js';
import { count, fixed, percent } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';

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
export function renderCampaigns(a: CampaignAnalysis, style: TextStyle, marginSource?: string): string {
  const paint = painter(style.color);
  let out = `${paint.bold(`Campaigns as of ${a.asOf}`)}: response = a purchase day 1 to ${a.windowDays} days after a contact (the contact day excluded); margin share ${percent(a.marginShare)}${marginSource ? ` (from ${marginSource})` : ''}\n`;
  for (const c of a.campaigns) {
    out += '\n' + renderTable(
      ['group', 'contacted', 'responders', 'rate', '95% interval (Wilson)', 'revenue / contacted', 'margin / contacted', 'cost', 'incomplete'],
      [groupRow('treatment', c.treatment), groupRow('control', c.control)],
      style,
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
        style,
        `Campaign ${c.campaign} by ${by === 'segment' ? 'RFM segment before the campaign' : by}`,
      );
    }
  }
  return fitProse(out, style);
}
