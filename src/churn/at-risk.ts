/**
 * The non-contractual at-risk list, "who to call this week": the customers a fitted purchase model says are
 * slipping away but are probably still reachable, ranked by the value that can still be saved.
 *
 * - On the list: `goneBelow` ≤ P(alive) < `atRiskBelow` (defaults 0.1 and 0.5). Below 0.1 the model counts
 *   the customer as gone (a call is unlikely to reach an active customer); from 0.5 the customer is more
 *   likely active than not, not at risk (0.5 is also the dissolution threshold of the life-cycle stages).
 * - Value if retained: the revenue the customer is expected to bring over the horizon if still active,
 *   E[purchases over the horizon | active] × their mean net revenue per purchase day, where
 *   E[purchases | active] = E[purchases] / P(alive) (the purchase models' expected transactions are
 *   P(alive)-weighted) and the mean revenue per purchase day = max(0, revenue) / purchase days. Without
 *   expected purchases, the past revenue stands in for it.
 * - Value at stake (`valueAtRisk`) = P(alive) × value if retained: the value still there to be saved, that
 *   is the expected revenue over the horizon. Ranked by it, ties by id.
 *
 * Each row says why the customer is on the list (`reason`): days since the last purchase against the usual
 * gap between their purchases, P(alive) and the value if retained.
 */
import type { Day } from '../core/days.js';
import type { CustomerHistory, CustomerSummary } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { Lookup } from '../core/types.js';
import { fieldReader, type RecordList } from '../core/record-columns.js';


/** One customer of the at-risk list. */
export interface AtRiskRow {
  customerId: string;
  pAlive: number;
  /** Past revenue (net, not below 0). */
  value: number;
  /** P(alive) × the revenue expected over the horizon if the customer is retained: the value still to be saved. */
  valueAtRisk: number;
  daysSinceLast: number;
  /** Median days between this customer's purchases; null with fewer than two purchases. */
  usualGap: number | null;
  segment: string | null;
  paymentClass: string | null;
  /** Why the customer is on the list (days since the last purchase against the usual gap, P(alive), value if retained). */
  reason?: string;
}
/** Default lower P(alive) bound of the list: below it the customer is counted as gone. */
export const AT_RISK_GONE_BELOW = 0.1;
/** Default upper P(alive) bound of the list: from it the customer is more likely active than not. */
export const AT_RISK_BELOW = 0.5;

export interface AtRiskOptions {
  asOf: Day;
  pAlive: Lookup<number>;
  /**
   * Expected purchases over the horizon by customer id, as the purchase models give them (weighted by
   * P(alive)); a customer without one has no value if retained (0) and is not listed. Without this lookup
   * the value if retained is the customer's past revenue (a cruder proxy, said in the reasons).
   */
  expectedPurchases?: Lookup<number>;
  /** The horizon of `expectedPurchases`, for the reasons. Default '12 months'. */
  horizon?: string;
  /** Below this P(alive) the customer is counted as gone and not listed. Default 0.1. */
  goneBelow?: number;
  /** From this P(alive) on the customer is not at risk. Default 0.5. */
  atRiskBelow?: number;
  segments?: Lookup<string>;
  paymentClasses?: Lookup<string>;
  /** Purchase histories by id (a Map, or any lookup: only the listed customers are looked up). */
  histories?: { get(id: string): CustomerHistory | undefined };
  top: number;
}

function medianGap(days: readonly Day[]): number | null {
  if (days.length < 2) return null;
  const gaps = days.slice(1).map((d, i) => d - days[i]).sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
}

/** Value if retained: E[purchases | active] × mean net revenue per purchase day; 0 when P(alive) is 0. */
export function valueIfRetained(summary: CustomerSummary, pAlive: number, expectedPurchases: number): number {
  if (!(pAlive > 0) || !(expectedPurchases > 0)) return 0;
  return (expectedPurchases / pAlive) * (Math.max(0, summary.revenue) / (summary.frequency + 1));
}

const money = (x: number): string => x.toFixed(2);
const days = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** Why a customer is on the list, in one line. */
export function atRiskReason(daysSinceLast: number, usualGap: number | null, pAlive: number, retained: number, horizon: string | null): string {
  const gap = usualGap === null
    ? 'a single purchase day'
    : usualGap > 0
      ? `${(daysSinceLast / usualGap).toFixed(1)}x the usual gap of ${days(usualGap)} days`
      : `usual gap ${days(usualGap)} days`;
  const worth = horizon === null ? `past revenue ${money(retained)}` : `worth ${money(retained)} over ${horizon} if retained`;
  return `last purchase ${daysSinceLast} days ago, ${gap}; P(alive) ${pAlive.toFixed(2)}; ${worth}`;
}

/**
 * The top customers by value at stake among those at risk (rules in the file comment; ties broken by id for
 * a stable order). The list can be shorter than `top` when fewer customers are at risk.
 *
 * Cost: O(n · top) for n customers and top <= 1,000 (O(n) in practice), else O(n log n); O(top) rows.
 *
 * @throws {UsageError} when the bounds are not 0 <= goneBelow < atRiskBelow <= 1
 */
export function atRiskList(summaries: RecordList<CustomerSummary>, options: AtRiskOptions): AtRiskRow[] {
  const goneBelow = options.goneBelow ?? AT_RISK_GONE_BELOW;
  const atRiskBelow = options.atRiskBelow ?? AT_RISK_BELOW;
  if (!(goneBelow >= 0 && goneBelow < atRiskBelow && atRiskBelow <= 1)) {
    throw new UsageError(`at-risk bounds must satisfy 0 <= gone-below < at-risk-below <= 1, found ${goneBelow} and ${atRiskBelow}`);
  }
  const horizon = options.horizon ?? '12 months';
  const n = summaries.length;
  const stake = new Float64Array(n);
  const retained = new Float64Array(n);
  const id = fieldReader(summaries, 'id') as (i: number) => string;
  for (let i = 0; i < n; i++) {
    const p = options.pAlive.get(id(i));
    if (p === undefined || !(p >= goneBelow && p < atRiskBelow)) {
      stake[i] = -1;
      continue;
    }
    // the summary is made only for the customers in the band (a record per customer was most of the time)
    const s = summaries.at(i)!;
    if (options.expectedPurchases) {
      // P(alive) × E[purchases] / P(alive) × spend, written without the division
      const expected = options.expectedPurchases.get(s.id) ?? 0;
      retained[i] = valueIfRetained(s, p, expected);
      stake[i] = retained[i] > 0 ? expected * (Math.max(0, s.revenue) / (s.frequency + 1)) : -1;
    } else {
      retained[i] = Math.max(0, s.revenue);
      stake[i] = retained[i] > 0 ? p * retained[i] : -1;
    }
  }
  const top = Math.max(0, options.top);
  const before = (i: number, j: number): number => stake[j] - stake[i] || (id(i) < id(j) ? -1 : 1);
  let order: number[];
  if (top <= 1000) {
    // one pass keeping the best `top` in order (the same order as sorting everything)
    order = [];
    for (let i = 0; i < n; i++) {
      if (stake[i] < 0) continue;
      if (order.length === top && (top === 0 || before(i, order[top - 1]) >= 0)) continue;
      let k = order.length;
      while (k > 0 && before(i, order[k - 1]) < 0) k--;
      order.splice(k, 0, i);
      if (order.length > top) order.pop();
    }
  } else {
    order = Array.from({ length: n }, (_, i) => i).filter((i) => stake[i] >= 0).sort(before).slice(0, top);
  }
  return order.map((i) => {
    const s = summaries.at(i)!;
    const pAlive = options.pAlive.get(s.id)!;
    const history = options.histories?.get(s.id);
    const daysSinceLast = options.asOf - s.lastDay;
    const usualGap = history ? medianGap(history.days) : null;
    return {
      customerId: s.id,
      pAlive,
      value: Math.max(0, s.revenue),
      valueAtRisk: stake[i],
      daysSinceLast,
      usualGap,
      segment: options.segments?.get(s.id) ?? null,
      paymentClass: options.paymentClasses?.get(s.id) ?? null,
      reason: atRiskReason(daysSinceLast, usualGap, pAlive, retained[i], options.expectedPurchases ? horizon : null),
    };
  });
}
