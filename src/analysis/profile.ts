/**
 * Everything the toolkit knows about one customer (`crm profile`), from the same inputs and the same analyses as
 * the report: attributes, purchase history and totals, RFM scores, segment, ABC class and cluster, CLV and
 * P(alive), life-cycle stage, payment behaviour and open items, profitability, and the customer's rank.
 *
 * The portfolio-wide parts (scores, segments, model fits, churn window) need every customer, so they are run on
 * the whole portfolio as the report runs them (segments with clusters seed 1, models in weekly units, 12 monthly
 * steps), and the one customer is picked out of the results. See docs/profile.md.
 */
import { dayToIso, dayToYmd, type Day } from '../core/days.js';
import type { CustomerHistory, CustomerSummary } from '../core/types.js';
import { compareIds, summarize, type SummaryWindow } from '../accumulate/summary.js';
import { histories, historyOf } from '../accumulate/sales.js';
import { modelInputInPeriod } from '../accumulate/model-input.js';
import { CrmError, UsageError } from '../errors.js';
import type { LoadedData } from '../ingest/load.js';
import { segmentPortfolio, type CustomerSegment } from '../segment/segment-portfolio.js';
import { analysePayments } from '../payments/analyse-payments.js';
import type { CustomerPayments } from '../payments/behaviour.js';
import { foldInvoices } from '../payments/invoices.js';
import { lifecycleStages, type CustomerStage } from '../churn/lifecycle.js';
import type { CustomerValue } from '../value/types.js';
import { runProfitability, type CustomerProfitability } from '../performance/profitability.js';
import { excludeRows } from './accounting.js';
import type { ToolInfo } from './report.js';
import type { ValuationSettings } from './settings.js';
import { valuationSection, WEEK } from './valuation.js';
import type { FitParallelSettings } from '../value/fit-parallel.js';

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
  // The same id written another way first: leading zeros (7592 for 07592), case, surrounding blanks.
  const same = (s: string): string => s.trim().toLowerCase().replace(/^0+(?=\d)/, '');
  const key = same(id);
  const equivalent = [...known].filter((c) => c !== id && same(c) === key);
  if (equivalent.length > 0) return equivalent.sort(compareIds).slice(0, max);
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

/**
 * Profiles one customer of inputs read once (sales required; customers, payments, costs optional). The notes are
 * those of the analyses (segments, fits, payments); the row accounts of `data` are updated with the cost events
 * left out.
 *
 * @throws {UnknownCustomerError} when no input knows the id, with the ids that look like it
 */
export function profileCustomer(
  data: LoadedData,
  w: SummaryWindow,
  customerId: string,
  settings: ValuationSettings,
  tool: ToolInfo,
  fitParallel?: FitParallelSettings,
): { profile: CustomerProfile; notes: string[] } {
  const id = customerId.trim();
  if (id === '') throw new UsageError('empty customer id');
  const notes: string[] = [];
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
  const valuation = valuationSection(modelInputInPeriod(summaries, w, WEEK), asOf, settings, { segments, fitParallel });
  notes.push(...valuation.notes);
  if (valuation.value === null) notes.push(`warning: no valuation: ${valuation.reason}`);
  const value = valuation.value;
  const pAlive = value ? new Map(value.customers.map((c) => [c.customerId, c.pAlive])) : undefined;
  const lifecycle = lifecycleStages(all, asOf, { pAlive });

  // The one customer.
  const summary: CustomerSummary | undefined = summaries.find((s) => s.id === id);
  const history = inSales ? historyOf(id, sales.customers.get(id)!, asOf, sales.hasMargin) : null;
  const seg: CustomerSegment | undefined = segment.customers.filter((c) => c.customerId === id)[0];
  const val: CustomerValue | undefined = value?.customers.filter((c) => c.customerId === id)[0];
  const stage: CustomerStage | undefined = lifecycle.customers.filter((c) => c.id === id)[0];

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
    const behaviour = analysis.customers.filter((c) => c.customerId === id)[0];
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

  const profitability = runProfitability({ asOf, summaries, valuation: value, payments: payments ? { customers: [{ customerId: id, class: payments.class, outstanding: payments.outstanding, overdue: payments.overdue }] } : null, costs: data.costs, marginShare: settings.margin?.share });
  // Cost events after the as-of day (the last sale date without --as-of) are left out: the row account says so.
  excludeRows(data, 'costs', profitability.costAccount.excluded);
  const profile: CustomerProfile = {
    command: 'profile',
    tool: tool.name,
    version: tool.version,
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
    profitability: profitability.customers.filter((c) => c.customerId === id)[0] ?? null,
    rank: {
      customers: summaries.length,
      byRevenue: summary ? portfolioRank(summary.revenue, summaries.map((s) => s.revenue)) : null,
      byClv: value && val ? portfolioRank(val.clv, value.customers.map((c) => c.clv)) : null,
    },
  };
  return { profile, notes };
}
