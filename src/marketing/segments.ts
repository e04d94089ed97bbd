/**
 * The RFM segment of each customer before a campaign: segments as of the day before the campaign's first
 * contact (so that the response itself does not move a customer into a better segment), from
 * src/segment's segmentPortfolio with its default segment table and no clusters.
 */
import type { SalesAccumulator } from '../accumulate/sales.js';
import { summarize } from '../accumulate/summary.js';
import type { Day } from '../core/days.js';
import { segmentPortfolio } from '../segment/segment-portfolio.js';

/** The segment of customers without a purchase before the campaign. */
export const NO_PURCHASE_BEFORE = '(no purchase before)';

/**
 * Customer id → RFM segment as of `day` (the day before a campaign's first contact). Customers without a purchase
 * up to `day` are not in the map ({@link NO_PURCHASE_BEFORE}). An empty map when no customer bought by then.
 */
export function segmentsAsOf(sales: SalesAccumulator, day: Day, bins?: number): Map<string, string> {
  const { customers } = summarize(sales, { asOf: day, calibrationEnd: day, holdout: false, period: { name: 'day', days: 1 } });
  const out = new Map<string, string>();
  if (customers.length === 0) return out;
  const result = segmentPortfolio(customers, { asOf: day, clusters: false, bins });
  for (const c of result.customers) out.set(c.customerId, c.segment);
  return out;
}
