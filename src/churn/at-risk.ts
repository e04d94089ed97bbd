/**
 * The non-contractual at-risk list: customers ranked by value at risk = (1 − P(alive)) × past revenue, with
 * P(alive) from a fitted purchase model, the days since their last purchase beside their own usual gap
 * (median days between their purchase days), their segment and payment class. The "who to call this week"
 * list.
 */
import type { Day } from '../core/days.js';
import type { CustomerHistory, CustomerSummary } from '../core/types.js';
import type { AtRiskRow } from '../report/document.js';

export interface AtRiskOptions {
  asOf: Day;
  pAlive: Map<string, number>;
  segments?: Map<string, string>;
  paymentClasses?: Map<string, string>;
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

/**
 * The top customers by value at risk (ties broken by id for a stable order). The value at risk is computed for
 * every customer; the rows (usual gap, segment, payment class) only for the `top` ones.
 *
 * Cost: O(n · top) for n customers and top <= 1,000 (O(n) in practice), else O(n log n); O(top) rows.
 */
export function atRiskList(summaries: readonly CustomerSummary[], options: AtRiskOptions): AtRiskRow[] {
  const n = summaries.length;
  const atRisk = new Float64Array(n);
  for (let i = 0; i < n; i++) atRisk[i] = (1 - (options.pAlive.get(summaries[i].id) ?? 1)) * Math.max(0, summaries[i].revenue);
  const top = Math.max(0, options.top);
  const before = (i: number, j: number): number => atRisk[j] - atRisk[i] || (summaries[i].id < summaries[j].id ? -1 : 1);
  let order: number[];
  if (top <= 1000) {
    // one pass keeping the best `top` in order (the same order as sorting everything)
    order = [];
    for (let i = 0; i < n; i++) {
      if (order.length === top && (top === 0 || before(i, order[top - 1]) >= 0)) continue;
      let k = order.length;
      while (k > 0 && before(i, order[k - 1]) < 0) k--;
      order.splice(k, 0, i);
      if (order.length > top) order.pop();
    }
  } else {
    order = Array.from({ length: n }, (_, i) => i).sort(before).slice(0, top);
  }
  return order.map((i) => {
    const s = summaries[i];
    const pAlive = options.pAlive.get(s.id) ?? 1;
    const value = Math.max(0, s.revenue);
    const history = options.histories?.get(s.id);
    return {
      customerId: s.id,
      pAlive,
      value,
      valueAtRisk: (1 - pAlive) * value,
      daysSinceLast: options.asOf - s.lastDay,
      usualGap: history ? medianGap(history.days) : null,
      segment: options.segments?.get(s.id) ?? null,
      paymentClass: options.paymentClasses?.get(s.id) ?? null,
    };
  });
}
