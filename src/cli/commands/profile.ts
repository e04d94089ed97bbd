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
import { dayToIso, dayToYmd, type Day } from '../../core/days.js';
import type { CustomerHistory, CustomerSummary } from '../../core/types.js';
import { compareIds, summarize } from '../../accumulate/summary.js';
import { histories, historyOf } from '../../accumulate/sales.js';
import { CrmError, UsageError } from '../../errors.js';
import { segmentPortfolio, type CustomerSegment } from '../../segment/segment-portfolio.js';
import { analysePayments } from '../../payments/analyse-payments.js';
import type { CustomerPayments } from '../../payments/behaviour.js';
import { foldInvoices } from '../../payments/invoices.js';
import { lifecycleStages, type CustomerStage } from '../../churn/lifecycle.js';
import { PURCHASE_MODEL_NAMES } from '../../models/registry.js';
import type { CustomerValue } from '../../value/types.js';
import { count, fixed, jsonReplacer, percent } from '../../report/format.js';
import { painter, renderTable } from '../../report/table.js';
import { accountLines, excludeRows, readInputs } from '../inputs.js';
import type { Io } from '../io.js';
import { addInputOptions, addWindowOptions, resolveOptions, useColor } from '../options.js';
import { diagnostics, withOutput } from '../output.js';
import { VERSION } from '../../core/version.js';
import { runProfitability, type CustomerProfitability } from '../../performance/profitability.js';
import { profitabilityLine } from './kpi.js';
import { valuationSection, WEEK } from '../../analysis/valuation.js';
import { marginOption, valuationFromOptions } from '../settings.js';

/** An id that none of the inputs knows. Exit code 1. */
export class UnknownCustomerError extends CrmError {}

/** A rank in the portfolio: 1 = highest value (ties share the best rank). */
export interface PortfolioRank {
  rank: number;
  of: number;
  /** Percentage of the portfolio's customers with a strictly lower value (0..100). */
  percentile: number;
}

/** One open item (invoice with an amount still owed, or credit held by the customer) at as-of. */
export interface OpenItem {
  invoiceId: string;
  kind: 'invoice' | 'credit-note';
  invoiceDate: string;
  dueDate: string;
  amount: number;
  paid: number;
  /** Still owed (> 0) or owed to the customer (< 0). */
  open: number;
  /** as-of − due date: > 0 is past due. */
  daysPastDue: number;
  overdue: boolean;
}

/** What `crm profile --format json` writes: one object. Absent knowledge is null, never left out. */
export interface CustomerProfile {
  command: 'profile';
  tool: string;
  version: string;
  customerId: string;
  asOf: string;
  /** Time unit of recency and T in `purchases` (the --period). */
  period: { name: string; days: number };
  /** Which inputs hold the customer. */
  foundIn: { customers: boolean | null; sales: boolean; payments: boolean | null };
  /** The customers file's columns; null without the file or when the customer is not in it. */
  attributes: Record<string, string> | null;
  /** Purchase history up to as-of; null without a purchase day on or before as-of. */
  purchases: {
    firstPurchase: string;
    lastPurchase: string;
    daysSinceLast: number;
    transactions: number;
    purchaseDays: number;
    frequency: number;
    recency: number;
    T: number;
    monetaryValue: number;
    revenue: number;
    margin: number | null;
    /** Median days between consecutive purchase days; null with one purchase day. */
    medianGapDays: number | null;
    /** Returns on days without a purchase (<= 0), included in revenue. */
    returnsWithoutPurchase: number;
    /** Every month from the first purchase to as-of: purchase days and net amount. */
    months: { month: string; purchaseDays: number; amount: number }[];
    /** Every purchase day with its net amount, oldest first. */
    days: { date: string; amount: number }[];
  } | null;
  /** RFM scores (1..bins), segment, ABC class and cluster, as `crm segment` / `crm report`. */
  segment: { R: number; F: number; M: number; rfm: string; segment: string; abc: string; cluster: number | null; bins: number } | null;
  /** CLV and P(alive) as `crm value --period week` with the same model. */
  value: {
    model: string;
    /** Time unit the model was fitted in. */
    timeUnit: { name: string; days: number };
    params: Record<string, number>;
    spendModel: string | null;
    horizon: { steps: number; unit: string };
    annualDiscountRate: number;
    margin: { share: number; source: string };
    pAlive: number;
    clv: number;
    expectedTransactions: number;
    expectedSpend: number;
  } | null;
  /** Life-cycle stage, with the figures the rules looked at. */
  lifecycle: {
    stage: string;
    reason: string;
    churnWindowDays: number;
    daysSinceLast: number;
    medianGapDays: number | null;
    pAlive: number | null;
  } | null;
  /** Payment behaviour at as-of and the open items; null without the payments file or invoices of the customer. */
  payments: (Omit<CustomerPayments, 'customerId'> & { openItems: OpenItem[] }) | null;
  /** Contribution, cost-to-serve, net CLV and worth-keeping quadrant (docs/profitability.md); null when not a customer of the sales. */
  profitability?: CustomerProfitability | null;
  /** Rank among the customers with a purchase in the window. */
  rank: { customers: number; byRevenue: PortfolioRank | null; byClv: PortfolioRank | null };
}

/** Rank (1 = highest, ties share the best) and percentile of `value` among `values`. */
export function portfolioRank(value: number, values: readonly number[]): PortfolioRank {
  let higher = 0;
  let lower = 0;
  for (const v of values) {
    if (v > value) higher++;
    else if (v < value) lower++;
  }
  return { rank: higher + 1, of: values.length, percentile: values.length > 0 ? (100 * lower) / values.length : 0 };
}

/**
 * Up to `max` known ids that look like `id`: those sharing the longest prefix with it (case-insensitive, at
 * least half of `id` and at least 2 characters), nearest to it in id order.
 */
export function closeIds(id: string, known: Iterable<string>, max = 3): string[] {
  const query = id.toLowerCase();
  let best = 0;
  let matches: string[] = [];
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    let n = 0;
    while (n < query.length && n < c.length && query[n] === c[n]) n++;
    if (n > best) {
      best = n;
      matches = [candidate];
    } else if (n === best && n > 0) matches.push(candidate);
  }
  if (best < Math.max(2, Math.ceil(query.length / 2))) return [];
  const order = (a: string, b: string): number => compareIds(a.toLowerCase(), b.toLowerCase()) || compareIds(a, b);
  matches.sort(order);
  let at = matches.findIndex((m) => order(m, id) > 0);
  if (at < 0) at = matches.length;
  const start = Math.max(0, Math.min(at - Math.floor(max / 2), matches.length - max));
  return matches.slice(start, start + max);
}

/** Purchase days and net amount per calendar month, from the month of the first purchase to the month of as-of. */
export function monthlyTimeline(history: CustomerHistory, asOf: Day): { month: string; purchaseDays: number; amount: number }[] {
  if (history.days.length === 0) return [];
  const key = (y: number, m: number): string => `${y}-${String(m).padStart(2, '0')}`;
  const first = dayToYmd(history.days[0]);
  const last = dayToYmd(Math.max(asOf, history.days[history.days.length - 1]));
  const months: { month: string; purchaseDays: number; amount: number }[] = [];
  const index = new Map<string, number>();
  for (let y = first.year, m = first.month; y < last.year || (y === last.year && m <= last.month); m === 12 ? (y++, (m = 1)) : m++) {
    index.set(key(y, m), months.length);
    months.push({ month: key(y, m), purchaseDays: 0, amount: 0 });
  }
  history.days.forEach((day, i) => {
    const { year, month } = dayToYmd(day);
    const row = months[index.get(key(year, month))!];
    row.purchaseDays++;
    row.amount += history.amounts[i];
  });
  return months;
}

/** Reads the inputs once and profiles one customer. @throws UsageError, InputError, UnknownCustomerError */
export async function buildProfile(
  cmd: Command,
  customerId: string,
  options: Record<string, unknown>,
  config: Record<string, unknown>,
  io: Io,
): Promise<{ profile: CustomerProfile; notes: string[] }> {
  const id = customerId.trim();
  if (id === '') throw new UsageError('empty customer id');
  const { data, window } = await readInputs(cmd, options, config, io, { sales: 'required', customers: 'optional', payments: 'optional', costs: 'optional' }, { holdout: false });
  const notes = accountLines(data);
  const w = window!;
  const asOf = w.asOf;
  const sales = data.sales!;
  const inCustomers = data.customers ? data.customers.has(id) : null;
  const inSales = sales.customers.has(id);
  const ownPayments = data.payments ? data.payments.recordsOf(id) : null;
  if (!inCustomers && !inSales && !ownPayments?.length) {
    const known = new Set<string>(sales.customers.keys());
    for (const k of data.customers?.keys() ?? []) known.add(k);
    for (const k of data.payments?.ids ?? []) known.add(k);
    const close = closeIds(id, known);
    const inputs = ['sales', ...(data.customers ? ['customers'] : []), ...(data.payments ? ['payments'] : [])];
    const where = inputs.length === 1 ? 'the sales' : `the ${inputs.slice(0, -1).join(', ')} or ${inputs[inputs.length - 1]}`;
    throw new UnknownCustomerError(`unknown customer "${id}": not in ${where}`, close.length ? { hint: `did you mean ${close.join(', ')}?` } : undefined);
  }

  // The portfolio, as buildReport computes it.
  const { customers: summaries } = summarize(sales, w);
  const all = histories(sales, asOf, compareIds);
  const segment = segmentPortfolio(summaries, { asOf, attributes: data.customers, clusters: { seed: 1 } });
  for (const warning of segment.warnings) notes.push(`warning: segment: ${warning}`);
  const segments = new Map(segment.customers.map((c) => [c.customerId, c.segment]));
  const valuation = valuationSection(summarize(sales, { ...w, period: { ...WEEK } }).customers, asOf, valuationFromOptions(options, { defaultModel: 'bgnbd' }), { segments });
  notes.push(...valuation.notes);
  if (valuation.value === null) notes.push(`warning: no valuation: ${valuation.reason}`);
  const value = valuation.value;
  const pAlive = value ? new Map(value.customers.map((c) => [c.customerId, c.pAlive])) : undefined;
  const lifecycle = lifecycleStages(all, asOf, { pAlive });

  // The one customer.
  const summary: CustomerSummary | undefined = summaries.find((s) => s.id === id);
  const history = inSales ? historyOf(id, sales.customers.get(id)!, asOf, sales.hasMargin) : null;
  const seg: CustomerSegment | undefined = segment.customers.find((c) => c.customerId === id);
  const val: CustomerValue | undefined = value?.customers.find((c) => c.customerId === id);
  const stage: CustomerStage | undefined = lifecycle.customers.find((c) => c.id === id);

  let purchases: CustomerProfile['purchases'] = null;
  if (summary && history && history.days.length > 0) {
    purchases = {
      firstPurchase: dayToIso(summary.firstDay),
      lastPurchase: dayToIso(summary.lastDay),
      daysSinceLast: asOf - summary.lastDay,
      transactions: summary.transactions,
      purchaseDays: summary.frequency + 1,
      frequency: summary.frequency,
      recency: summary.recency,
      T: summary.T,
      monetaryValue: summary.monetaryValue,
      revenue: summary.revenue,
      margin: summary.margin,
      medianGapDays: stage?.medianGap ?? null,
      returnsWithoutPurchase: history.otherReturns,
      months: monthlyTimeline(history, asOf),
      days: history.days.map((day, i) => ({ date: dayToIso(day), amount: history.amounts[i] })),
    };
  }

  let payments: CustomerProfile['payments'] = null;
  if (ownPayments && ownPayments.length > 0) {
    // Payment behaviour is per customer: the customer's own rows give the same figures as the whole ledger.
    const analysis = analysePayments(ownPayments, asOf);
    for (const issue of analysis.issues) notes.push(`warning: payments: ${issue.file}:${issue.line}: ${issue.message}`);
    const behaviour = analysis.customers.find((c) => c.customerId === id);
    if (behaviour) {
      const { customerId: _, ...rest } = behaviour;
      const openItems: OpenItem[] = foldInvoices(ownPayments, asOf, { tolerance: analysis.settings.tolerance }).invoices
        .filter((inv) => inv.residual !== 0)
        .map((inv) => ({
          invoiceId: inv.invoiceId,
          kind: inv.kind,
          invoiceDate: dayToIso(inv.invoiceDate),
          dueDate: dayToIso(inv.dueDate),
          amount: inv.amount,
          paid: inv.paid,
          open: inv.residual,
          daysPastDue: inv.daysPastDue,
          overdue: inv.open > 0 && inv.daysPastDue > 0,
        }));
      payments = { ...rest, openItems };
    }
  }

  const profitability = runProfitability({ asOf, summaries, valuation: value, payments: payments ? { customers: [{ customerId: id, class: payments.class, outstanding: payments.outstanding, overdue: payments.overdue }] } : null, costs: data.costs, marginShare: marginOption(options.margin)?.share });
  // Cost events after the as-of day (the last sale date without --as-of) are left out: the row account says so.
  excludeRows(data, 'costs', profitability.costAccount.excluded);
  notes.splice(0, data.accounts.length, ...accountLines(data).slice(0, data.accounts.length));
  const profile: CustomerProfile = {
    command: 'profile',
    tool: 'crm',
    version: VERSION,
    customerId: id,
    asOf: dayToIso(asOf),
    period: w.period,
    foundIn: { customers: inCustomers, sales: inSales, payments: ownPayments ? ownPayments.length > 0 : null },
    attributes: data.customers?.get(id) ?? null,
    purchases,
    segment: seg ? { R: seg.R, F: seg.F, M: seg.M, rfm: seg.rfm, segment: seg.segment, abc: seg.abc, cluster: seg.cluster, bins: segment.settings.bins } : null,
    value: value && val
      ? {
          model: value.purchaseModel.model,
          timeUnit: value.period,
          params: value.purchaseModel.params,
          spendModel: value.spendModel?.model ?? null,
          horizon: { steps: value.horizon.steps, unit: value.horizon.unit },
          annualDiscountRate: value.discount.annualRate,
          margin: value.margin,
          pAlive: val.pAlive,
          clv: val.clv,
          expectedTransactions: val.expectedTransactions,
          expectedSpend: val.expectedSpend,
        }
      : null,
    lifecycle: stage
      ? { stage: stage.stage, reason: stage.reason, churnWindowDays: lifecycle.rules.churnWindow.days, daysSinceLast: stage.daysSinceLast, medianGapDays: stage.medianGap, pAlive: stage.pAlive }
      : null,
    payments,
    profitability: profitability.customers.find((c) => c.customerId === id) ?? null,
    rank: {
      customers: summaries.length,
      byRevenue: summary ? portfolioRank(summary.revenue, summaries.map((s) => s.revenue)) : null,
      byClv: value && val ? portfolioRank(val.clv, value.customers.map((c) => c.clv)) : null,
    },
  };
  return { profile, notes };
}

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
export function renderProfile(p: CustomerProfile, color: boolean, { last = 10 }: { last?: number } = {}): string {
  const paint = painter(color);
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
    out += '\n' + renderTable(['year', ...MONTHS, 'total'], [...years].map(([y, row]) => [y, ...row]), { color }, 'Purchase days per month');
    const shown = b.days.slice(-last).reverse();
    out += '\n' + renderTable(['date', 'amount'], shown.map((d) => [d.date, fixed(d.amount)]), { color }, `Last ${shown.length} of ${count(b.days.length)} purchase days`);
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
        { color },
        'Open items',
      );
    } else out += '  no open items\n';
  }

  out += h('Rank in the portfolio');
  out += keyValues([
    ['by revenue', rankText(p.rank.byRevenue)],
    ['by CLV', rankText(p.rank.byClv)],
  ]);
  return out;
}

export function registerProfile(program: Command, io: Io): void {
  const cmd = program
    .command('profile')
    .description('everything known about one customer: attributes, purchases, RFM segment, CLV, life-cycle stage, payments, rank')
    .argument('<customer-id>', 'the customer id')
    .addOption(new Option('-f, --format <format>', 'table (default on a terminal) or json (default when piped)').choices(['table', 'json']))
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .addOption(new Option('--model <model>', 'purchase model (default bgnbd; auto: lowest BIC)').choices([...PURCHASE_MODEL_NAMES, 'auto']))
    .option('--margin <share>', 'contribution margin as a share of spend (default: from cost in the sales)')
    .option('--discount-rate <rate>', 'annual discount rate (default 0.1)')
    .option('--last <n>', 'table: purchase days listed (default 10)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('-q, --quiet', 'no diagnostics on stderr on success');
  addInputOptions(cmd, ['customers', 'sales', 'payments', 'costs']);
  addWindowOptions(cmd, { holdout: false });
  cmd.action(async (customerId: string) => {
    const { options, config } = resolveOptions(cmd, io);
    options.model = options.model ?? 'bgnbd';
    const format = (options.format as string | undefined) ?? (options.output !== undefined && String(options.output).endsWith('.json') ? 'json' : io.stdout.isTTY ? 'table' : 'json');
    if (format !== 'table' && format !== 'json') throw new UsageError(`invalid --format "${format}"`, { hint: 'table or json' });
    const last = options.last !== undefined ? Number(options.last) : 10;
    if (!Number.isInteger(last) || last < 0) throw new UsageError(`--last must be a whole number, not "${options.last}"`);
    for (const [flag, key, max] of [['--margin', 'margin', 1], ['--discount-rate', 'discountRate', 10]] as const) {
      const n = Number(options[key]);
      if (options[key] !== undefined && !(Number.isFinite(n) && n >= 0 && n <= max)) throw new UsageError(`${flag} must be a number from 0 to ${max}, not "${options[key]}"`);
    }
    const { profile, notes } = await buildProfile(cmd, customerId, options, config, io);
    await withOutput(options.output, io, async (sink) => {
      if (format === 'json') await sink.write(`${JSON.stringify(profile, jsonReplacer, 2)}\n`);
      else await sink.write(renderProfile(profile, useColor(options, io), { last }));
    });
    diagnostics(io, options.quiet, notes);
  });
}
