/** The payments and at-risk sections of the HTML report: behaviour classes, the ageing chart, the at-risk list. */
import { dayToIso } from '../../core/days.js';
import type { AtRiskRow, ReportDocument } from '../document.js';
import { count, counted, fixed, percent } from '../format.js';
import {
    axisLeft,
    bandScale, frame, line,
    linearScale, niceDomain, rect, svgDocument,
    text, CHART_WIDTH } from './svg.js';

import { money, whole, days, probability, dataTable, keyFigures, paragraph, subheading, chartFigure } from './common.js';
import { pairedShareBars } from './bars.js';
import { reasons } from './overview.js';

export type Payments = NonNullable<ReportDocument['payments']>;

export function paymentsSection(p: Payments): string {
  const t = p.totals;
  let out = paragraph(`Receivables at ${dayToIso(p.asOf)}: ${counted(t.invoices, 'invoice')} and ${counted(t.creditNotes, 'credit note')} of ${counted(t.customers, 'customer')}.`);
  out += keyFigures([
    ['Outstanding', money(t.outstanding), `${count(p.ageing.total.debtors)} debtors`],
    ['Overdue', money(t.overdue), t.outstanding > 0 ? `${percent(t.overdue / t.outstanding)} of outstanding` : undefined],
    ['Customer credit', money(t.credit)],
    ['Collection rate', percent(t.collectionRate), `${money(t.collected)} of ${money(t.due)} due`],
    ['DSO', days(p.dso.standard), `${p.dso.windowDays}-day sales window`],
    ['Countback DSO', days(p.dso.countback)],
    ['Average days delinquent', days(p.dso.averageDaysDelinquent)],
    ['Worsening payers', count(t.worsening), 'paying later and later'],
  ]);
  out += paymentClassesChart(p);
  const s = p.settings;
  out += paragraph(
    `Classes by the 90th percentile of days paid late and the longest open item past due: prompt up to ${s.promptMaxDaysLate} days, slow up to ${s.slowMaxDaysLate}, late beyond, delinquent after ${s.delinquentAfterDays} days; no-history = nothing settled or due yet.`,
    'note',
  );
  out += ageingChart(p);
  if (p.ageing.groups.length) {
    const labels = p.ageing.total.buckets.map((b) => b.label);
    out += subheading(`Ageing by ${p.ageing.groupBy ?? 'group'}`);
    out += dataTable(
      [p.ageing.groupBy ?? 'group', 'outstanding', 'overdue', ...labels, 'debtors'],
      p.ageing.groups.map((g) => [g.group, money(g.outstanding), money(g.overdue), ...g.buckets.map((b) => money(b.amount)), count(g.debtors)]),
    );
  }
  const d = p.dso;
  out += subheading('Days sales outstanding');
  out += dataTable(
    ['sales window', 'receivables', 'not yet due', 'credit sales in window', 'DSO', 'best possible DSO', 'average days delinquent', 'countback DSO'],
    [[`${dayToIso(d.windowStart)} – ${dayToIso(d.windowEnd)}`, money(d.receivables), money(d.currentReceivables), money(d.creditSales), days(d.standard), days(d.bestPossible), days(d.averageDaysDelinquent), days(d.countback)]],
  );
  if (p.topDebtors.length) {
    out += subheading(`Largest debtors (top ${p.topDebtors.length})`);
    out += dataTable(
      ['customer', 'class', 'outstanding', 'overdue', 'balance', 'most days past due', 'share of outstanding'],
      p.topDebtors.map((c) => [c.customerId, c.class, money(c.outstanding), money(c.overdue), money(c.balance), c.maxDaysPastDue === null ? '' : count(c.maxDaysPastDue), percent(c.shareOfOutstanding)]),
    );
  }
  const a = p.account;
  out += paragraph(
    `Payment rows: ${count(a.rows)} read, ${count(a.used)} used, ${count(a.issues)} with data issues${a.issues ? ` (${reasons(a.issuesByReason)})` : ''}, ${count(Object.values(a.excluded).reduce((x, y) => x + y, 0))} excluded (${reasons(a.excluded) || 'none'}); ${count(a.paymentsAfterAsOf)} payments dated after the as-of day are ignored.`,
    'note',
  );
  if (p.issues.length) {
    const shown = p.issues.slice(0, 20);
    out += `<details><summary>Data issues (${count(p.issues.length)}${shown.length < p.issues.length ? `, first ${shown.length} shown` : ''})</summary>${dataTable(['file', 'line', 'customer', 'invoice', 'issue'], shown.map((i) => [i.file, String(i.line), i.customerId, i.invoiceId, i.message]), { prose: [4] })}</details>`;
  }
  return out;
}

export const AGEING_COLORS = ['#009E73', '#E69F00', '#D55E00', '#B2182B', '#67001F'];

export function ageingChart(p: Payments): string {
  const buckets = p.ageing.total.buckets;
  const f = frame(CHART_WIDTH, 340, { top: 30, right: 20, bottom: 50, left: 72 });
  const x = bandScale(buckets.map((b) => b.label), [f.left, f.left + f.innerWidth], 0.3);
  const y = linearScale(niceDomain(0, Math.max(1, ...buckets.map((b) => b.amount))), [f.top + f.innerHeight, f.top]);
  let body = axisLeft(y, f, { label: 'open amount', grid: true });
  const base = f.top + f.innerHeight;
  buckets.forEach((b, i) => {
    const color = AGEING_COLORS[Math.min(i, AGEING_COLORS.length - 1)];
    const label = b.minDays === null ? 'current' : `${b.label} days`;
    body += rect(x(b.label), y(Math.max(0, b.amount)), x.bandwidth, Math.max(0, base - y(Math.max(0, b.amount))), { fill: color, title: `${label}: ${money(b.amount)} in ${count(b.count)} items (${percent(b.share)})` });
    body += text(x(b.label) + x.bandwidth / 2, y(Math.max(0, b.amount)) - 6, `${fixed(b.amount, 0)} · ${percent(b.share, 0)}`, { anchor: 'middle', size: 11 });
    body += text(x(b.label) + x.bandwidth / 2, base + 17, label, { anchor: 'middle' });
  });
  body += line(f.left, base, f.left + f.innerWidth, base, { className: 'domain' });
  body += text(f.left + f.innerWidth / 2, f.height - 8, 'days past due at as-of', { anchor: 'middle', className: 'axis-label' });
  const svg = svgDocument(f, 'ageing', 'Receivables ageing: open amount by days past due', body);
  const table = dataTable(
    ['bucket', 'days past due', 'open items', 'amount', 'share'],
    [
      ...buckets.map((b) => [b.label, b.minDays === null ? '≤ 0' : b.maxDays === null ? `${b.minDays} or more` : `${b.minDays} – ${b.maxDays}`, count(b.count), money(b.amount), percent(b.share)]),
      ['total', '', count(p.ageing.total.count), money(p.ageing.total.outstanding), ''],
    ],
    { strongRows: [buckets.length] },
  );
  return chartFigure(
    'ageing',
    'Receivables ageing',
    svg,
    `The open amount of unpaid invoices at ${dayToIso(p.asOf)} by how many days past their due date they are: 'current' is not yet due, the buckets to the right are ever later and ever less likely to be collected. Labels give the amount and its share of the ${money(p.ageing.total.outstanding)} outstanding; customer credit (${money(p.ageing.total.credit)}) is not bucketed.`,
    table,
  );
}

// ---------------------------------------------------------------------------------------------------------
// At risk

export function atRiskSection(rows: readonly AtRiskRow[]): string {
  if (rows.length === 0) return paragraph('No customer is on the at-risk list.');
  let out = paragraph(
    'Customers the purchase model says are slipping away but are probably still reachable (P(alive) at least 0.1 and below 0.5; below 0.1 the model counts them as gone), ranked by the value still there to be saved: P(alive) × the revenue they would bring over the next 12 months if retained. The reason column says why each is on the list: days since their last purchase against their usual gap between purchases.',
  );
  out += dataTable(
    ['customer', 'segment', 'payment class', 'P(alive)', 'past revenue', 'value at stake', 'days since last purchase', 'usual gap (days)', 'why on the list'],
    rows.map((r) => [r.customerId, r.segment ?? '', r.paymentClass ?? '', probability(r.pAlive), money(r.value), money(r.valueAtRisk), whole(r.daysSinceLast), r.usualGap === null ? '' : whole(r.usualGap), r.reason ?? '']),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------

/** Each payment class's share of the customers beside its share of the outstanding amount. */
export function paymentClassesChart(p: Payments): string {
  const svg = pairedShareBars(
    'payment-classes',
    'Share of customers and of outstanding by payment class',
    p.classes.map((c) => ({
      label: c.class,
      first: c.shareOfCustomers,
      firstTip: `${c.class}: ${counted(c.customers, 'customer')}, ${percent(c.shareOfCustomers)} of all`,
      second: c.shareOfOutstanding,
      secondTip: `${c.class}: outstanding ${money(c.outstanding)} (overdue ${money(c.overdue)}), ${percent(c.shareOfOutstanding)} of the total`,
    })),
    ['customers', 'outstanding'],
    'share of customers / of the amount outstanding',
  );
  const table = dataTable(
    ['class', 'customers', 'share of customers', 'outstanding', 'overdue', 'share of outstanding'],
    p.classes.map((c) => [c.class, count(c.customers), percent(c.shareOfCustomers), money(c.outstanding), money(c.overdue), percent(c.shareOfOutstanding)]),
  );
  return chartFigure(
    'payment-classes',
    'Payment classes',
    svg,
    'For each payment class, the blue bar is its share of the customers and the orange bar its share of what is outstanding: a class with a longer orange bar holds more of the receivables than its size.',
    table,
  );
}
