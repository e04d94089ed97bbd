/**
 * Grouping attributes for `--by`: a column of the customers file, or a derived one: `payment_class` (from
 * the payments). Returns the attributes map the analyses take, with the derived column added.
 */
import type { Day } from '../core/days.js';
import { UsageError } from '../errors.js';
import type { LoadedData } from '../ingest/load.js';
import { analysePayments } from '../payments/analyse-payments.js';

export const DERIVED_GROUPS = ['payment_class'];

/** The attributes for grouping by `by`, or undefined without `by`. @throws UsageError */
export function groupAttributes(by: string | undefined, data: LoadedData, asOf: Day): Map<string, Record<string, string>> | undefined {
  if (by === undefined) return undefined;
  if (by === 'payment_class') {
    if (!data.payments) throw new UsageError('--by payment_class needs --payments');
    const analysis = analysePayments(data.payments, asOf);
    const map = new Map<string, Record<string, string>>();
    for (const c of analysis.customers) map.set(c.customerId, { ...(data.customers?.get(c.customerId) ?? {}), payment_class: c.class });
    return map;
  }
  if (!data.customers) throw new UsageError(`--by ${by} needs --customers`, { hint: `or one of: ${DERIVED_GROUPS.join(', ')}` });
  if (!data.attributeNames.includes(by)) {
    throw new UsageError(`--by ${by}: no such column in the customers file`, { hint: [...data.attributeNames, ...DERIVED_GROUPS].join(', ') });
  }
  return data.customers;
}
