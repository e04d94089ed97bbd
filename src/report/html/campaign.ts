/**
 * The "Campaigns" section of the HTML report: per campaign a table of treatment and control, a sentence with
 * the lift (Newcombe's interval, z test), incremental revenue (Welch) and ROI, and a small chart of the two
 * response rates with their Wilson intervals and the lift with its interval. Pure rendering of a
 * {@link CampaignAnalysis}; every value is escaped. See docs/campaign.md.
 */
import type { CampaignAnalysis, CampaignResult, GroupStats } from '../../marketing/campaign.js';
import { count, fixed, percent } from '../format.js';
import { axisBottom, axisLeft, bandScale, categoryColor, circle, escapeHtml, frame, line, linearScale, niceDomain, percentTick, rect, svgDocument, text } from './svg.js';

/** A table; every header and cell escaped. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], caption: string): string {
  const head = `<thead><tr>${headers.map((h, i) => `<th scope="col"${i > 0 ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 0 ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap scroll"><table><caption>${escapeHtml(caption)}</caption>${head}<tbody>\n${body}\n</tbody></table></div>`;
}

const points = (v: number): string => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`;
const range = (i: readonly [number, number] | null, show: (v: number) => string): string => (i === null ? '' : `${show(i[0])} to ${show(i[1])}`);

function groupRow(name: string, s: GroupStats | null): string[] {
  if (s === null) return [name, 'none', '', '', '', '', '', '', ''];
  return [name, count(s.contacted), count(s.responders), percent(s.responseRate), range(s.responseRateInterval, (v) => percent(v)), fixed(s.revenuePerContacted), fixed(s.marginPerContacted), fixed(s.cost), count(s.incomplete)];
}

/** Bars of the response rates with their Wilson intervals, and the lift with its interval on its own axis. */
function chart(c: CampaignResult, index: number): string {
  const f = frame(560, 240, { top: 24, right: 20, bottom: 40, left: 56 });
  const split = f.left + f.innerWidth * 0.5;
  const groups = (['treatment', 'control'] as const).filter((g) => c[g] !== null);
  const x = bandScale([...groups], [f.left, split - 20], 0.35);
  const highs = groups.map((g) => c[g]!.responseRateInterval[1]);
  const y = linearScale(niceDomain(0, Math.max(0.05, ...highs)), [f.top + f.innerHeight, f.top]);
  const left = { ...f, innerWidth: split - 20 - f.left };
  let body = axisLeft(y, left, { format: percentTick, label: 'response rate', grid: true });
  groups.forEach((g, k) => {
    const s = c[g]!;
    const x0 = x(g);
    const mid = x0 + x.bandwidth / 2;
    body += rect(x0, y(s.responseRate), x.bandwidth, y(0) - y(s.responseRate), { fill: categoryColor(k), title: `${g}: ${percent(s.responseRate)} of ${count(s.contacted)} (95% ${range(s.responseRateInterval, (v) => percent(v))})` });
    body += line(mid, y(s.responseRateInterval[0]), mid, y(s.responseRateInterval[1]), { stroke: '#333333', width: 1.5 });
    body += text(mid, f.top + f.innerHeight + 16, g, { anchor: 'middle' });
  });
  // The lift: a point with its interval on a horizontal axis through zero.
  const right = { ...f, left: split + 10, innerWidth: f.left + f.innerWidth - split - 10 };
  if (c.lift !== null && c.liftInterval !== null) {
    const [low, high] = c.liftInterval;
    const lx = linearScale(niceDomain(Math.min(0, low), Math.max(0, high)), [right.left, right.left + right.innerWidth]);
    body += axisBottom(lx, right, { format: (v) => `${Math.round(v * 100)}`, label: 'lift, points (95% Newcombe interval)' });
    const cy = f.top + f.innerHeight / 2;
    body += line(lx(0), f.top, lx(0), f.top + f.innerHeight, { stroke: '#888888', dash: '3 3' });
    body += line(lx(low), cy, lx(high), cy, { stroke: categoryColor(index + 2), width: 3, title: `95% interval ${range(c.liftInterval, points)}` });
    body += circle(lx(c.lift), cy, 5, { fill: categoryColor(index + 2), title: `lift ${points(c.lift)}` });
  } else {
    body += text(right.left + right.innerWidth / 2, f.top + f.innerHeight / 2, 'no control group: no lift', { anchor: 'middle' });
  }
  return svgDocument(f, 'campaign', `Response rates of campaign ${c.campaign} and the lift`, body);
}

function campaignBlock(c: CampaignResult, index: number, windowDays: number): string {
  const lines: string[] = [];
  if (c.lift === null) lines.push(c.liftNote ?? 'No control group: lift cannot be measured.');
  else {
    lines.push(`Lift ${points(c.lift)} (95% interval ${range(c.liftInterval, points)}, Newcombe's hybrid score interval; p = ${fixed(c.pValue, 4)}, pooled two-proportion z test).`);
    if (c.incrementalRevenue !== null) {
      lines.push(`Incremental revenue ${fixed(c.incrementalRevenue)}${c.incrementalRevenueInterval ? ` (95% interval ${range(c.incrementalRevenueInterval, (v) => fixed(v))}, Welch)` : ''}; incremental margin ${fixed(c.incrementalMargin)}.`);
    }
    lines.push(c.roi !== null ? `ROI ${percent(c.roi)} on a contact cost of ${fixed(c.totalCost)}.` : `ROI not computed: ${c.roiNote ?? ''}`);
  }
  const rows = [groupRow('treatment', c.treatment), groupRow('control', c.control)];
  const breakdowns = [...new Set(c.breakdowns.map((b) => b.by))].map((by) =>
    table(
      [by === 'segment' ? 'RFM segment before' : by, 'treated', 'rate', 'control', 'rate', 'lift', '95% interval', 'incremental revenue'],
      c.breakdowns.filter((b) => b.by === by).map((b) => [
        b.value === '' ? '(missing)' : b.value, count(b.treatment?.contacted ?? 0), percent(b.treatment?.responseRate), count(b.control?.contacted ?? 0), percent(b.control?.responseRate),
        b.lift === null ? 'n/a' : points(b.lift), range(b.liftInterval, points), fixed(b.incrementalRevenue),
      ]),
      `Campaign ${c.campaign} by ${by === 'segment' ? 'RFM segment as of the day before its first contact' : by}`,
    ),
  ).join('\n');
  return (
    `<h3>${escapeHtml(`Campaign ${c.campaign}`)}</h3>\n` +
    `<p>${escapeHtml(`Contacts ${c.firstContact}${c.lastContact !== c.firstContact ? ` to ${c.lastContact}` : ''}.`)} ${lines.map(escapeHtml).join(' ')}</p>\n` +
    (c.warnings.length ? `<ul class="notes">${c.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>\n` : '') +
    `<figure class="chart" id="fig-campaign-${index + 1}">\n${chart(c, index)}\n<figcaption>${escapeHtml(`Response rates of treatment and control (bars; the lines are 95% Wilson intervals) and the lift in points with its 95% interval (Newcombe); the dashed line is no lift.`)}</figcaption>\n</figure>\n` +
    table(['group', 'contacted', 'responders', 'response rate', '95% interval (Wilson)', 'revenue per contacted', 'margin per contacted', 'cost', 'window not complete'], rows, `Campaign ${c.campaign}: treatment and control, response within ${windowDays} days of a contact`) +
    breakdowns
  );
}

/**
 * The section's HTML: the definitions in one paragraph, then one block per campaign (docs/campaign.md).
 *
 * O(campaigns × breakdown cells).
 */
export function campaignSection(a: CampaignAnalysis): string {
  if (a.campaigns.length === 0) return `<p>${escapeHtml('No contacts on or before the as-of day.')}</p>`;
  const intro = `<p>${escapeHtml(`As of ${a.asOf}. A response is a purchase day 1 to ${a.windowDays} days after a contact (the contact day excluded, not after the as-of day). Revenue is net of returns; margin = revenue × ${percent(a.marginShare)}. Lift = treatment rate − control rate.`)}</p>`;
  return intro + a.campaigns.map((c, i) => campaignBlock(c, i, a.windowDays)).join('\n');
}
