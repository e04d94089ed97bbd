/**
 * Customer profitability and cost-to-serve: per customer, revenue, product margin (the sales' cost or margin
 * column), cost-to-serve events (sum and by kind), contribution = margin − cost-to-serve, and the CLV net of
 * the customer's cost-to-serve rate; then the "worth keeping" view, customers by contribution (>= 0 or < 0)
 * and net CLV (above or not above the median) with the debtors and late payers of the payments analysis.
 * Pure: plain data in, plain data out. See docs/profitability.md.
 */
import { addMoney } from '../core/money.js';
import type { Day } from '../core/days.js';
import { UsageError } from '../errors.js';
import { fieldReader, FieldRecords, type RecordList } from '../core/record-columns.js';
import { grow } from '../accumulate/sales.js';
import type { Lookup } from '../core/types.js';


/** One cost-to-serve event: a cost caused by serving the customer (delivery, support call, return handling...). */
export interface CostEvent {
  customerId: string;
  day: Day;
  /** Cost in the currency of the sales; a negative amount reduces the cost (a refund of a cost). */
  amount: number;
  /** Kind of cost, e.g. `shipping`, `support`; '' when not given. */
  kind: string;
}

/** What the profitability knows of one customer's sales (e.g. a CustomerSummary). */
export interface CustomerSales {
  id: string;
  /** Net revenue up to as-of, returns included. */
  revenue: number;
  /** Product margin (amount − cost, or the margin column); null when the sales carry neither. */
  margin: number | null;
}

/** The valuation of one customer: its CLV and the margin share the CLV applied to its expected spend. */
export interface CustomerClv {
  clv: number;
  /** Margin share of the valuation (CLV = discounted expected spend × margin). */
  margin: number;
}

/** What the payments analysis says of one customer. */
export interface CustomerPaymentFacts {
  class: string;
  outstanding: number;
  overdue: number;
}

/** Options of {@link customerProfitability}. */
export interface ProfitabilityOptions {
  asOf: Day;
  /** Cost-to-serve events; those dated after as-of are left out and counted. */
  costs?: Iterable<CostEvent>;
  /** Margin share of revenue for customers whose sales carry no margin (no cost column). Default 1: margin = revenue. */
  marginShare?: number;
  /** CLV by customer (the valuation); without it the view has no value side. */
  clv?: Lookup<CustomerClv>;
  /** Payment facts by customer (the payments analysis); without them no customer is a debtor or late payer. */
  payments?: Lookup<CustomerPaymentFacts>;
}

/** Payment classes that make a customer a late payer. */
export const LATE_CLASSES: readonly string[] = ['late', 'delinquent'];

/** The four quadrants of the "worth keeping" view (and the two without a valuation). */
export type Quadrant =
  | 'profitable, high value'
  | 'profitable, low value'
  | 'unprofitable, high value'
  | 'unprofitable, low value'
  | 'profitable, value unknown'
  | 'unprofitable, value unknown';

/** What to do with the customers of each quadrant. */
export const QUADRANT_ACTIONS: Record<Quadrant, string> = {
  'profitable, high value': 'keep: protect and grow',
  'profitable, low value': 'serve efficiently; grow spend where the CLV allows',
  'unprofitable, high value': 'fix the cost-to-serve (channel, delivery, support) before it eats the future value',
  'unprofitable, low value': 'reprice, move to a cheaper service level, or let go',
  'profitable, value unknown': 'keep',
  'unprofitable, value unknown': 'review the cost-to-serve',
};

/** One customer's profitability. */
export interface CustomerProfitability {
  customerId: string;
  revenue: number;
  /** Product margin: from the sales, or revenue × marginShare (`marginSource`). */
  margin: number;
  marginSource: 'sales' | 'margin share';
  /** Sum of the cost-to-serve events up to as-of. */
  costToServe: number;
  /** Cost-to-serve by kind. */
  costByKind: Record<string, number>;
  /** margin − costToServe. */
  contribution: number;
  /** costToServe / revenue; null when revenue <= 0. */
  costRate: number | null;
  /** CLV of the valuation; null without one. */
  clv: number | null;
  /** clv − costRate × clv / valuation margin (the CLV's expected revenue, discounted, times the cost rate); clv when there is no rate. */
  netClv: number | null;
  quadrant: Quadrant;
  unprofitable: boolean;
  paymentClass: string | null;
  /** An open amount at as-of. */
  debtor: boolean;
  /** Payment class late or delinquent. */
  latePayer: boolean;
  outstanding: number;
}

/** One quadrant of the view. */
export interface QuadrantSummary {
  quadrant: Quadrant;
  action: string;
  customers: number;
  revenue: number;
  contribution: number;
  /** Σ net CLV: the future value at stake; null without a valuation. */
  netClv: number | null;
  unprofitable: number;
  debtors: number;
  latePayers: number;
  /** Σ outstanding of the quadrant's customers. */
  outstanding: number;
}

/** Result of {@link customerProfitability}. */
export interface ProfitabilityResult {
  asOf: Day;
  /** Where the margin came from: the sales' cost column for every customer, a share, or both. */
  marginSource: 'sales' | 'margin share' | 'mixed';
  marginShare: number;
  /** Median net CLV (the value split); null without a valuation. */
  medianNetClv: number | null;
  customers: RecordList<CustomerProfitability>;
  quadrants: QuadrantSummary[];
  totals: { customers: number; revenue: number; margin: number; costToServe: number; contribution: number; unprofitable: number; costByKind: Record<string, number> };
  /** Cost events read, used, and left out by reason (`after as-of`); customers with costs but no sales. */
  costAccount: { events: number; used: number; excluded: Record<string, number>; customersWithoutSales: number };
}

function median(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Profitability per customer and the "worth keeping" quadrants (definitions in docs/profitability.md).
 * Customers are those of the sales plus any with cost-to-serve events but no sales (revenue 0), in the
 * order given, then the cost-only ones in first-seen order.
 *
 * O(customers log customers + cost events).
 *
 * @throws {UsageError} when marginShare is not a number from 0 to 1
 * @example
 * const r = customerProfitability([{ id: 'a', revenue: 100, margin: 40 }], { asOf: 10, costs: [{ customerId: 'a', day: 5, amount: 50, kind: 'support' }] });
 * r.customers.at(0)!.contribution // => -10
 */
export function customerProfitability(sales: Iterable<CustomerSales>, options: ProfitabilityOptions): ProfitabilityResult {
  const marginShare = options.marginShare ?? 1;
  if (!(marginShare >= 0 && marginShare <= 1)) throw new UsageError(`margin share must be from 0 to 1, found ${marginShare}`);
  const costs = new Map<string, { total: number; byKind: Map<string, number> }>();
  const costAccount = { events: 0, used: 0, excluded: {} as Record<string, number>, customersWithoutSales: 0 };
  for (const event of options.costs ?? []) {
    costAccount.events++;
    if (event.day > options.asOf) {
      costAccount.excluded['after as-of'] = (costAccount.excluded['after as-of'] ?? 0) + 1;
      continue;
    }
    costAccount.used++;
    let c = costs.get(event.customerId);
    if (!c) costs.set(event.customerId, (c = { total: 0, byKind: new Map() }));
    c.total = addMoney(c.total, event.amount);
    c.byKind.set(event.kind, addMoney(c.byKind.get(event.kind) ?? 0, event.amount));
  }
  // The customers' figures as columns (a million customers' records as objects are about 1 GB): the
  // records are made part by part and stored by column as they are made.
  // Numbers in typed arrays, null as a flag (boxed numbers in JS arrays cost 3 times as much).
  const ids: string[] = [];
  let revenueOf = new Float64Array(1024);
  let marginOf = new Float64Array(1024);
  let marginKnown = new Uint8Array(1024);
  const add = (id: string, revenue: number, margin: number | null): void => {
    const i = ids.length;
    if (i === revenueOf.length) {
      revenueOf = grow(revenueOf, 2 * i);
      marginOf = grow(marginOf, 2 * i);
      marginKnown = grow(marginKnown, 2 * i);
    }
    ids.push(id);
    revenueOf[i] = revenue;
    marginOf[i] = margin ?? 0;
    marginKnown[i] = margin === null ? 0 : 1;
  };
  // the customers with costs but no sales: those of the cost events not seen among the sales
  const seen = new Set<string>();
  for (const s of sales) {
    add(s.id, s.revenue, s.margin);
    if (costs.has(s.id)) seen.add(s.id);
  }
  for (const id of costs.keys()) {
    if (seen.has(id)) continue;
    add(id, 0, null);
    costAccount.customersWithoutSales++;
  }
  seen.clear();
  const n = ids.length;
  // CLV and net CLV first: the value split is their median
  const clvOf = new Float64Array(n);
  const netClvOf = new Float64Array(n);
  const valuedAt = new Uint8Array(n);
  let valuedCount = 0;
  for (let i = 0; i < n; i++) {
    const costRate = revenueOf[i] > 0 ? (costs.get(ids[i])?.total ?? 0) / revenueOf[i] : null;
    const valued = options.clv?.get(ids[i]);
    if (!valued) continue;
    valuedAt[i] = 1;
    valuedCount++;
    clvOf[i] = valued.clv;
    netClvOf[i] = costRate !== null && valued.margin > 0 ? valued.clv - (costRate * valued.clv) / valued.margin : valued.clv;
  }
  const netClvs = new Float64Array(valuedCount);
  for (let i = 0, j = 0; i < n; i++) if (valuedAt[i]) netClvs[j++] = netClvOf[i];
  const medianNetClv = options.clv ? median(netClvs) : null;
  const order: Quadrant[] = options.clv
    ? ['profitable, high value', 'profitable, low value', 'unprofitable, high value', 'unprofitable, low value']
    : ['profitable, value unknown', 'unprofitable, value unknown'];
  const byQuadrant = new Map<Quadrant, QuadrantSummary>();
  const summaryOf = (q: Quadrant): QuadrantSummary => {
    let s = byQuadrant.get(q);
    if (!s) byQuadrant.set(q, (s = { quadrant: q, action: QUADRANT_ACTIONS[q], customers: 0, revenue: 0, contribution: 0, netClv: options.clv ? 0 : null, unprofitable: 0, debtors: 0, latePayers: 0, outstanding: 0 }));
    return s;
  };
  for (const q of order) summaryOf(q);
  const totals = { customers: n, revenue: 0, margin: 0, costToServe: 0, contribution: 0, unprofitable: 0, costByKind: {} as Record<string, number> };
  const sources = new Set<string>();
  // The figures of each customer in columns; its record is made when read (FieldRecords).
  const costOf = new Float64Array(n);
  const contributionOf = new Float64Array(n);
  const outstandingOf = new Float64Array(n);
  const latePayerAt = new Uint8Array(n);
  const paymentClassOf: (string | null)[] = new Array(n);
  const byKindOf = (i: number): Record<string, number> =>
    Object.fromEntries([...(costs.get(ids[i])?.byKind ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const netClvAt = (i: number): number | null => (valuedAt[i] ? netClvOf[i] : null);
  const quadrantOf = (i: number): Quadrant => {
    const netClv = netClvAt(i);
    const value = netClv === null || medianNetClv === null ? 'value unknown' : netClv > medianNetClv ? 'high value' : 'low value';
    return `${contributionOf[i] < 0 ? 'unprofitable' : 'profitable'}, ${value}` as Quadrant;
  };
  for (let i = 0; i < n; i++) {
    const cost = costs.get(ids[i]);
    const costToServe = cost?.total ?? 0;
    const revenue = revenueOf[i];
    const margin = marginKnown[i] ? marginOf[i] : revenue * marginShare;
    marginOf[i] = margin;
    const netClv = netClvAt(i);
    const contribution = margin - costToServe;
    const unprofitable = contribution < 0;
    const pay = options.payments?.get(ids[i]);
    costOf[i] = costToServe;
    contributionOf[i] = contribution;
    const outstanding = pay?.outstanding ?? 0;
    outstandingOf[i] = outstanding;
    paymentClassOf[i] = pay?.class ?? null;
    latePayerAt[i] = pay !== undefined && LATE_CLASSES.includes(pay.class) ? 1 : 0;
    const q = summaryOf(quadrantOf(i));
    q.customers++;
    q.revenue = addMoney(q.revenue, revenue);
    q.contribution = addMoney(q.contribution, contribution);
    if (q.netClv !== null && netClv !== null) q.netClv += netClv;
    if (unprofitable) q.unprofitable++;
    if (outstanding > 0) q.debtors++;
    if (latePayerAt[i]) q.latePayers++;
    q.outstanding = addMoney(q.outstanding, outstanding);
    totals.revenue = addMoney(totals.revenue, revenue);
    totals.margin = addMoney(totals.margin, margin);
    totals.costToServe = addMoney(totals.costToServe, costToServe);
    totals.contribution = addMoney(totals.contribution, contribution);
    if (unprofitable) totals.unprofitable++;
    if (cost) for (const [kind, amount] of Object.entries(byKindOf(i))) totals.costByKind[kind] = addMoney(totals.costByKind[kind] ?? 0, amount);
    sources.add(marginKnown[i] ? 'sales' : 'margin share');
  }
  const customers = new FieldRecords<CustomerProfitability>(n, {
    customerId: (i) => ids[i],
    revenue: (i) => revenueOf[i],
    margin: (i) => marginOf[i],
    marginSource: (i) => (marginKnown[i] ? 'sales' : 'margin share'),
    costToServe: (i) => costOf[i],
    costByKind: byKindOf,
    contribution: (i) => contributionOf[i],
    costRate: (i) => (revenueOf[i] > 0 ? costOf[i] / revenueOf[i] : null),
    clv: (i) => (valuedAt[i] ? clvOf[i] : null),
    netClv: netClvAt,
    quadrant: quadrantOf,
    unprofitable: (i) => contributionOf[i] < 0,
    paymentClass: (i) => paymentClassOf[i],
    debtor: (i) => outstandingOf[i] > 0,
    latePayer: (i) => latePayerAt[i] === 1,
    outstanding: (i) => outstandingOf[i],
  });
  totals.costByKind = Object.fromEntries(Object.entries(totals.costByKind).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    asOf: options.asOf,
    marginSource: sources.size > 1 ? 'mixed' : sources.has('margin share') ? 'margin share' : 'sales',
    marginShare,
    medianNetClv,
    customers,
    quadrants: [...byQuadrant.values()],
    totals,
    costAccount,
  };
}

/** The inputs of a run, as `crm report` and `crm profile` have them. */
export interface RunProfitabilityInput {
  asOf: Day;
  /** The customer summaries (revenue with returns, margin). */
  summaries: Iterable<CustomerSales>;
  /** The valuation's customers (CLV and margin share), when there is a valuation. */
  valuation?: { customers: RecordList<{ customerId: string; clv: number; margin: number }> } | null;
  /** The payments analysis' customers, when there is one. */
  payments?: { customers: RecordList<{ customerId: string; class: string; outstanding: number; overdue: number }> } | null;
  costs?: Iterable<CostEvent>;
  /** Margin share for sales without a cost column (crm report's --margin). Default 1. */
  marginShare?: number;
}

/** {@link customerProfitability} from the results of a run (summaries, valuation, payments analysis). */
export function runProfitability(input: RunProfitabilityInput): ProfitabilityResult {
  // lookups by id over the lists' columns (no record objects, no Map of records)
  // Asked in the summaries' order, which the valuation's list shares: each id is first looked for where the
  // previous one was found, and a Map of a million ids is built only when that fails.
  const byId = <T extends { customerId: string }, V>(list: RecordList<T>, make: (j: number) => V): Lookup<V> => {
    const id = fieldReader(list, 'customerId');
    let next = 0;
    let index: Map<string, number> | null = null;
    return {
      get(customerId) {
        if (index === null && next < list.length && id(next) === customerId) return make(next++);
        if (index === null) {
          index = new Map<string, number>();
          for (let j = 0; j < list.length; j++) index.set(id(j)!, j);
        }
        const j = index.get(customerId);
        return j === undefined ? undefined : make(j);
      },
    };
  };
  let clv: Lookup<CustomerClv> | undefined;
  if (input.valuation) {
    const list = input.valuation.customers;
    const [value, margin] = [fieldReader(list, 'clv'), fieldReader(list, 'margin')];
    clv = byId(list, (j) => ({ clv: value(j)!, margin: margin(j)! }));
  }
  let payments: Lookup<CustomerPaymentFacts> | undefined;
  if (input.payments) {
    const list = input.payments.customers;
    const [cls, outstanding, overdue] = [fieldReader(list, 'class'), fieldReader(list, 'outstanding'), fieldReader(list, 'overdue')];
    payments = byId(list, (j) => ({ class: cls(j)!, outstanding: outstanding(j)!, overdue: overdue(j)! }));
  }
  return customerProfitability(input.summaries, { asOf: input.asOf, costs: input.costs, marginShare: input.marginShare, clv, payments });
}
