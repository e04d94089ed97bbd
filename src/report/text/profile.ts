/** The terminal page of `crm profile`: one section per analysis of one customer. */
import { count, fixed, percent } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';
import { profitabilityLine } from './kpi.js';
import type { CustomerProfile, PortfolioRank } from '../../analysis/profile.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function rankText(r: PortfolioRank | null): string {
  if (!r) return 'n/a';
  return `#${count(r.rank)} of ${count(r.of)} (top ${percent(r.rank / r.of)}; above ${fixed(r.percentile, 1)}% of customers)`;
}

const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

function keyValues(pairs: [string, string][]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(width)}  ${v}\n`).join('');
}

function dayStats(s: { mean: number; median: number; p90: number } | null): string {
  return s ? `mean ${fixed(s.mean, 1)}, median ${fixed(s.median, 1)}, p90 ${fixed(s.p90, 1)}` : 'n/a';
}

/** The terminal page of `crm profile`: one section per analysis. */
export function renderProfile(p: CustomerProfile, style: TextStyle, { last = 10 }: { last?: number } = {}): string {
  const paint = painter(style.color);
  const h = (title: string): string => `\n${paint.bold.underline(title)}\n\n`;
  let out = `${paint.bold(`Customer ${p.customerId}`)} as of ${p.asOf}\n`;

  out += h('Attributes');
  if (p.attributes) out += keyValues(Object.entries(p.attributes));
  else out += p.foundIn.customers === null ? '  no customers file given\n' : '  not in the customers file\n';

  out += h('Purchase history');
  const b = p.purchases;
  if (!b) out += `  no purchase on or before ${p.asOf}\n`;
  else {
    const unit = p.period.name === 'day' ? 'days' : `${p.period.name}s`;
    out += keyValues([
      ['first purchase', b.firstPurchase],
      ['last purchase', `${b.lastPurchase} (${count(b.daysSinceLast)} days ago)`],
      ['transactions', `${count(b.transactions)} on ${count(b.purchaseDays)} purchase days`],
      ['frequency', `${count(b.frequency)} repeat purchase days`],
      ['recency', `${fixed(b.recency, p.period.days === 1 ? 0 : 2)} ${unit} (first to last purchase)`],
      ['T', `${fixed(b.T, p.period.days === 1 ? 0 : 2)} ${unit} (first purchase to as-of)`],
      ['median gap', b.medianGapDays === null ? 'n/a' : `${fixed(b.medianGapDays, 1)} days`],
      ['monetary value', `${fixed(b.monetaryValue)} (mean of the repeat purchase days)`],
      ['revenue', fixed(b.revenue) + (b.returnsWithoutPurchase !== 0 ? ` (incl. returns ${fixed(b.returnsWithoutPurchase)} on days without purchase)` : '')],
      ['margin', b.margin === null ? 'n/a (no cost in the sales)' : `${fixed(b.margin)} (${percent(b.revenue !== 0 ? b.margin / b.revenue : null)})`],
    ]);
    // Year × month grid of purchase days.
    const years = new Map<string, string[]>();
    for (const m of b.months) {
      const [y, mm] = m.month.split('-');
      if (!years.has(y)) years.set(y, Array<string>(13).fill(''));
      const row = years.get(y)!;
      row[Number(mm) - 1] = m.purchaseDays > 0 ? String(m.purchaseDays) : '.';
      row[12] = String(Number(row[12] || 0) + m.purchaseDays);
    }
    out += '\n' + renderTable(['year', ...MONTHS, 'total'], [...years].map(([y, row]) => [y, ...row]), style, 'Purchase days per month');
    const shown = b.days.slice(-last).reverse();
    out += '\n' + renderTable(['date', 'amount'], shown.map((d) => [d.date, fixed(d.amount)]), style, `Last ${shown.length} of ${count(b.days.length)} purchase days`);
  }

  out += h('RFM, segment, ABC, cluster');
  const s = p.segment;
  if (!s) out += '  no purchase in the window: not scored\n';
  else out += keyValues([
    ['RFM', `${s.rfm} (R ${s.R}, F ${s.F}, M ${s.M}; scores 1..${s.bins})`],
    ['segment', s.segment],
    ['ABC class', s.abc],
    ['cluster', s.cluster === null ? 'n/a' : String(s.cluster)],
  ]);

  out += h('Value');
  const v = p.value;
  if (!v) out += b ? '  no valuation (see the warnings)\n' : '  no purchase in the window: not valued\n';
  else out += keyValues([
    ['model', `${v.model} (${Object.entries(v.params).map(([k, x]) => `${k}=${fixed(x, 4)}`).join(', ')}; time unit ${v.timeUnit.name}); spend: ${v.spendModel ?? 'mean repeat spend'}`],
    ['P(alive)', fixed(v.pAlive, 3)],
    ['CLV', `${fixed(v.clv)} over the next ${v.horizon.steps} ${v.horizon.unit}s (discount ${percent(v.annualDiscountRate, 1)} a year, margin ${percent(v.margin.share, 1)})`],
    ['expected', `${fixed(v.expectedTransactions, 2)} transactions at ${fixed(v.expectedSpend)} each`],
  ]);

  if (p.profitability) out += keyValues([['profitability', profitabilityLine(p.profitability)]]);
  out += h('Life-cycle stage');
  const l = p.lifecycle;
  if (!l) out += '  not classified (no purchase on or before as-of)\n';
  else out += keyValues([
    ['stage', l.stage],
    ['why', l.reason],
    ['churn window', `${count(l.churnWindowDays)} days`],
  ]);

  out += h('Payments');
  const pay = p.payments;
  if (!pay) out += p.foundIn.payments === null ? '  no payments file given\n' : '  no invoices on or before as-of\n';
  else {
    out += keyValues([
      ['class', `${pay.class}${pay.worsening ? ' (lateness worsening)' : ''}`],
      ['invoices', `${count(pay.invoices)} (${count(pay.settledInvoices)} settled)${pay.creditNotes ? `, ${plural(pay.creditNotes, 'credit note')}` : ''}`],
      ['invoiced / paid', `${fixed(pay.invoiced)} / ${fixed(pay.paid)}`],
      ['days to pay', dayStats(pay.daysToPay)],
      ['days late', dayStats(pay.daysLate)],
      ['paid late', percent(pay.sharePaidLate) || 'n/a'],
      ['collection rate', percent(pay.collectionRate) || 'n/a'],
      ['outstanding', `${fixed(pay.outstanding)} on ${plural(pay.openInvoices, 'open item')}`],
      ['overdue', `${fixed(pay.overdue)} on ${plural(pay.overdueInvoices, 'item')}${pay.maxDaysPastDue !== null ? `, up to ${count(pay.maxDaysPastDue)} days past due` : ''}`],
      ['credit / balance', `${fixed(pay.credit)} / ${fixed(pay.balance)}`],
    ]);
    if (pay.openItems.length > 0) {
      out += '\n' + renderTable(
        ['invoice', 'date', 'due', 'amount', 'paid', 'open', 'days past due'],
        pay.openItems.map((i) => [i.invoiceId, i.invoiceDate, i.dueDate, fixed(i.amount), fixed(i.paid), fixed(i.open), i.daysPastDue > 0 ? count(i.daysPastDue) : '']),
        style,
        'Open items',
      );
    } else out += '  no open items\n';
  }

  out += h('Rank in the portfolio');
  out += keyValues([
    ['by revenue', rankText(p.rank.byRevenue)],
    ['by CLV', rankText(p.rank.byClv)],
  ]);
  return fitProse(out, style);
}
