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
  histories?: Map<string, CustomerHistory>;
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
 * Cost: O(n log n) for n customers, O(top) rows.
 */
export function atRiskList(summaries: readonly CustomerSummary[], options: AtRiskOptions): AtRiskRow[] {
  const n = summaries.length;
  const atRisk = new Float64Array(n);
  for (let i = 0; i < n; i++) atRisk[i] = (1 - (options.pAlive.get(summaries[i].id) ?? 1)) * Math.max(0, summaries[i].revenue);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((i, j) => atRisk[j] - atRisk[i] || (summaries[i].id < summaries[j].id ? -1 : 1));
  return order.slice(0, Math.max(0, options.top)).map((i) => {
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
