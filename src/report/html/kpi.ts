/**
 * The "KPIs over time" section of the HTML report: customers (active, new, lost) and revenue by period as
 * line charts, and the scorecard as a table. Pure rendering of a {@link KpiResult}; every value is escaped.
 */
import { dayToIso } from '../../core/days.js';
import type { KpiResult, KpiRow } from '../../performance/kpi.js';
import { count, fixed, percent } from '../format.js';
import { axisLeft, bandScale, categoryColor, circle, escapeHtml, frame, legend, line, linearScale, niceDomain, path, pathData, shortNumber, svgDocument, text, type BandScale, type Frame, CHART_WIDTH } from './svg.js';

/** Period labels along the bottom: at most about 14 shown, the rest left out evenly. */
function periodAxis(x: BandScale, f: Frame, labels: readonly string[]): string {
  const every = Math.max(1, Math.ceil(labels.length / 14));
  const y = f.top + f.innerHeight;
  let out = '<g class="axis">';
  labels.forEach((label, i) => {
    const cx = x(label) + x.bandwidth / 2;
    out += line(cx, y, cx, y + 4);
    if (i % every === 0) out += text(cx, y + 16, label, { anchor: 'middle' });
  });
  out += line(f.left, y, f.left + f.innerWidth, y, { className: 'domain' });
  return `${out}</g>`;
}

/** A line chart of `series` over the periods; a partial last period is drawn dashed from the one before. */
function lineChart(name: string, title: string, rows: readonly KpiRow[], series: readonly { label: string; value: (r: KpiRow) => number | null; format: (v: number) => string }[], yLabel: string): string {
  const f = frame(CHART_WIDTH, 320, { top: 34, right: 24, bottom: 40, left: 64 });
  const labels = rows.map((r) => r.period);
  const x = bandScale(labels, [f.left, f.left + f.innerWidth], 0);
  const values = rows.flatMap((r) => series.map((s) => s.value(r))).filter((v): v is number => v !== null && Number.isFinite(v));
  const y = linearScale(niceDomain(Math.min(0, ...values), Math.max(1, ...values)), [f.top + f.innerHeight, f.top]);
  let body = axisLeft(y, f, { format: shortNumber, label: yLabel, grid: true }) + periodAxis(x, f, labels);
  const partial = rows.length > 0 && rows[rows.length - 1].partial;
  series.forEach((s, k) => {
    const color = categoryColor(k);
    const points: [number, number][] = [];
    rows.forEach((r) => {
      const v = s.value(r);
      if (v !== null && Number.isFinite(v)) points.push([x(r.period) + x.bandwidth / 2, y(v)]);
    });
    const solid = partial ? points.slice(0, -1) : points;
    body += path(pathData(solid), { stroke: color, width: 2 });
    if (partial && points.length >= 2) body += path(pathData(points.slice(-2)), { stroke: color, width: 2, dash: '4 3' });
    rows.forEach((r) => {
      const v = s.value(r);
      if (v === null || !Number.isFinite(v)) return;
      body += circle(x(r.period) + x.bandwidth / 2, y(v), 2.5, { fill: color, title: `${r.period}${r.partial ? ' (partial)' : ''}: ${s.label} ${s.format(v)}` });
    });
  });
  body += legend(series.map((s, k) => ({ label: s.label, color: categoryColor(k) })), f.left, 16);
  return svgDocument(f, name, title, body);
}

/** A table; every header and cell escaped. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], caption: string): string {
  const head = `<thead><tr>${headers.map((h, i) => `<th scope="col"${i > 0 ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 0 ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap scroll"><table><caption>${escapeHtml(caption)}</caption>${head}<tbody>\n${body}\n</tbody></table></div>`;
}

function figure(id: string, heading: string, svg: string, caption: string, numbers: string): string {
  return (
    `<figure class="chart" id="fig-${escapeHtml(id)}">\n${svg}\n` +
    `<figcaption><strong>${escapeHtml(heading)}.</strong> ${escapeHtml(caption)}</figcaption>\n` +
    `<details><summary>Numbers behind the chart</summary>\n${numbers}\n</details>\n</figure>`
  );
}

/**
 * The section's HTML: a sentence on the definitions, the customers chart, the revenue chart and the full
 * scorecard (docs/kpi.md).
 *
 * O(periods).
 */
export function kpiSection(k: KpiResult): string {
  const rows = k.periods;
  if (rows.length === 0) return `<p>${escapeHtml('No periods with sales up to the as-of day.')}</p>`;
  const mark = (r: KpiRow): string => `${r.period}${r.partial ? '*' : ''}`;
  const lost = (r: KpiRow): string => `${count(r.lostCustomers)}${r.lostProvisional ? '?' : ''}`;
  const whole = (v: number): string => count(v);
  const intro =
    `<p>${escapeHtml(`By ${k.unit}, as of ${dayToIso(k.asOf)}; churn window ${k.window.days} days (${k.window.basis === 'given' ? 'given' : k.window.basis === 'gap-quantile' ? `${Math.round((k.window.quantile ?? 0.9) * 100)}th percentile of ${k.window.gaps} gaps between purchases` : 'default'}), the window of the retention section. Lost: customers whose last purchase falls in the period and who have not bought within the window since; reactivated: back after a gap longer than the window.`)}</p>` +
    (k.provisionalFrom !== null ? `<p>${escapeHtml(`Lost counts from ${k.provisionalFrom} on are provisional (marked ?): those periods end less than one window before as-of.`)}</p>` : '') +
    (rows[rows.length - 1].partial ? `<p>${escapeHtml(`${rows[rows.length - 1].period} is partial (marked *): as-of is before its end.`)}</p>` : '');
  const customers = lineChart('kpi-customers', 'Active, new and lost customers by period', rows, [
    { label: 'active', value: (r) => r.activeCustomers, format: whole },
    { label: 'new', value: (r) => r.newCustomers, format: whole },
    { label: 'lost', value: (r) => r.lostCustomers, format: whole },
    { label: 'reactivated', value: (r) => r.reactivatedCustomers, format: whole },
  ], 'customers');
  const revenue = lineChart('kpi-revenue', 'Revenue by period', rows, [{ label: 'revenue', value: (r) => r.revenue, format: (v) => fixed(v) }], 'net revenue');
  const customerRows = rows.map((r) => [mark(r), count(r.activeCustomers), count(r.newCustomers), count(r.returningCustomers), count(r.reactivatedCustomers), lost(r), percent(r.retentionRate)]);
  const revenueRows = rows.map((r) => [mark(r), fixed(r.revenue), count(r.orders), fixed(r.averageOrderValue), fixed(r.revenuePerActive), percent(r.top20RevenueShare), ...(r.dso !== undefined ? [fixed(r.dso, 1), percent(r.overdueShare)] : [])]);
  const withPayments = rows.some((r) => r.dso !== undefined);
  return (
    intro +
    figure('kpi-customers', 'Customers over time', customers,
      'Customers with a purchase in each period (active), those whose first purchase it was (new), those lost in it (last purchase in the period, no purchase within the churn window since) and those back after a longer gap (reactivated). The last segment is dashed when the last period is partial; lost counts near as-of are still growing.',
      table(['period', 'active', 'new', 'returning', 'reactivated', 'lost', 'retention'], customerRows, 'Customers by period; retention = share of the previous period\'s active customers active again.')) +
    figure('kpi-revenue', 'Revenue over time', revenue,
      'Net revenue of each period (returns included). The last segment is dashed when the last period is partial.',
      table(['period', 'revenue', 'orders', 'average order', 'revenue per active', 'top 20% share', ...(withPayments ? ['DSO', 'overdue share'] : [])], revenueRows, 'Revenue by period; orders are purchase days, the top 20% share is the revenue of the period\'s top fifth of active customers.'))
  );
}
