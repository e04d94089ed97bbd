/**
 * The "Profitability and cost-to-serve" section of the HTML report: totals, the "worth keeping" quadrants
 * (contribution × net CLV) as a 2 × 2 grid and a table, and the least profitable customers with their payment
 * flags. Pure rendering of a {@link ProfitabilityResult}; every value is escaped.
 */
import type { ProfitabilityResult, Quadrant, QuadrantSummary } from '../../performance/profitability.js';
import { count, fixed, percent } from '../format.js';
import { escapeHtml, frame, rect, svgDocument, text } from './svg.js';
import type { WithRecords } from '../../core/record-columns.js';

/** Customers listed in the table of the least profitable. */
export const LEAST_PROFITABLE_SHOWN = 20;

function table(headers: readonly string[], rows: readonly (readonly string[])[], caption: string, numeric: (i: number) => boolean): string {
  const cls = (i: number): string => (numeric(i) ? ' class="num"' : '');
  const head = `<thead><tr>${headers.map((h, i) => `<th scope="col"${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap scroll"><table><caption>${escapeHtml(caption)}</caption>${head}<tbody>\n${body}\n</tbody></table></div>`;
}

/** The four quadrants as a 2 × 2 grid: value (net CLV) up, contribution to the right. */
function quadrantGrid(p: Omit<ProfitabilityResult, 'customers'>): string {
  const f = frame(640, 300, { top: 20, right: 10, bottom: 30, left: 40 });
  const at = new Map<Quadrant, QuadrantSummary>(p.quadrants.map((q) => [q.quadrant, q]));
  const w = f.innerWidth / 2;
  const h = f.innerHeight / 2;
  const cells: [Quadrant, number, number, string][] = [
    ['unprofitable, high value', 0, 0, '#E69F00'],
    ['profitable, high value', 1, 0, '#009E73'],
    ['unprofitable, low value', 0, 1, '#D55E00'],
    ['profitable, low value', 1, 1, '#56B4E9'],
  ];
  let body = '';
  for (const [name, col, row, color] of cells) {
    const q = at.get(name);
    const x = f.left + col * w;
    const y = f.top + row * h;
    body += rect(x + 2, y + 2, w - 4, h - 4, { fill: color, opacity: 0.25, title: `${name}: ${q ? count(q.customers) : 0} customers` });
    body += text(x + 12, y + 24, name, { weight: 'bold' });
    body += text(x + 12, y + 46, `${q ? count(q.customers) : 0} customers, contribution ${fixed(q?.contribution ?? 0, 0)}`);
    body += text(x + 12, y + 66, `net CLV ${fixed(q?.netClv ?? 0, 0)}; ${count(q?.debtors ?? 0)} debtors, ${count(q?.latePayers ?? 0)} late payers`);
  }
  body += text(f.left + f.innerWidth / 2, f.height - 8, 'contribution: < 0 (left) | >= 0 (right)', { anchor: 'middle', className: 'axis-label' });
  body += text(14, f.top + f.innerHeight / 2, 'net CLV vs median', { anchor: 'middle', rotate: -90, className: 'axis-label' });
  return svgDocument(f, 'worth-keeping', 'Customers by contribution and net CLV', body);
}

/**
 * The section's HTML (definitions in docs/profitability.md).
 *
 * O(customers log customers) for the least profitable list.
 */
export function profitabilitySection(p: WithRecords<ProfitabilityResult, 'customers'>): string {
  const t = p.totals;
  const kinds = Object.entries(t.costByKind).map(([k, v]) => `${k || '(no kind)'} ${fixed(v)}`).join(', ');
  const marginText = p.marginSource === 'sales' ? 'product margin from the cost in the sales' : p.marginSource === 'margin share' ? `margin = ${percent(p.marginShare)} of revenue (no cost in the sales)` : `product margin from the sales' cost, ${percent(p.marginShare)} of revenue for customers without`;
  let out = `<p>${escapeHtml(`Contribution = product margin − cost-to-serve, per customer up to as-of (${marginText}). Net CLV = CLV less the customer's cost-to-serve rate (cost-to-serve / revenue) applied to the revenue the CLV expects.${p.medianNetClv !== null ? ` High value: net CLV above the median (${fixed(p.medianNetClv)}).` : ' No valuation: customers are split by contribution only.'}`)}</p>`;
  out += `<dl class="kpis">${[
    ['Revenue', fixed(t.revenue)],
    ['Product margin', fixed(t.margin)],
    ['Cost-to-serve', fixed(t.costToServe), kinds],
    ['Contribution', fixed(t.contribution)],
    ['Unprofitable customers', `${count(t.unprofitable)} of ${count(t.customers)}`],
  ].map(([label, value, note]) => `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>${note ? `<dd class="sub">${escapeHtml(note)}</dd>` : ''}</div>`).join('')}</dl>`;
  const quadrantRows = p.quadrants.map((q) => [q.quadrant, count(q.customers), fixed(q.revenue), fixed(q.contribution), q.netClv === null ? '' : fixed(q.netClv), count(q.unprofitable), count(q.debtors), count(q.latePayers), fixed(q.outstanding), q.action]);
  const quadrantTable = table(['quadrant', 'customers', 'revenue', 'contribution', 'net CLV at stake', 'unprofitable', 'debtors', 'late payers', 'outstanding', 'action'], quadrantRows, 'Worth keeping: customers by contribution and net CLV; debtors have an open amount, late payers the payment class late or delinquent.', (i) => i > 0 && i < 9);
  if (p.medianNetClv !== null) {
    out += `<figure class="chart" id="fig-worth-keeping">\n${quadrantGrid(p)}\n<figcaption><strong>Worth keeping.</strong> ${escapeHtml('Customers by contribution so far (left: negative) and net CLV (top: above the median), with the contribution, the net CLV at stake, the debtors and the late payers of each quadrant.')}</figcaption>\n<details open><summary>Numbers behind the chart</summary>\n${quadrantTable}\n</details>\n</figure>`;
  } else out += quadrantTable;
  const least = p.customers.filter((c) => c.unprofitable).sort((a, b) => a.contribution - b.contribution).slice(0, LEAST_PROFITABLE_SHOWN);
  if (least.length > 0) {
    out += `<h3>${escapeHtml('Least profitable customers')}</h3>`;
    out += table(
      ['customer', 'revenue', 'margin', 'cost-to-serve', 'contribution', 'net CLV', 'quadrant', 'payment class', 'flags'],
      least.map((c) => [c.customerId, fixed(c.revenue), fixed(c.margin), fixed(c.costToServe), fixed(c.contribution), c.netClv === null ? '' : fixed(c.netClv), c.quadrant, c.paymentClass ?? '', [c.debtor ? 'debtor' : '', c.latePayer ? 'late payer' : ''].filter(Boolean).join(', ')]),
      `The ${least.length} customers with the most negative contribution (of ${count(t.unprofitable)} unprofitable).`,
      (i) => i > 0 && i < 6,
    );
  }
  return out;
}
