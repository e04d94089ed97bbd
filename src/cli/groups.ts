/**
 * Grouping attributes for `--by` (and cluster `--features`): columns of the customers file, or the derived
 * `payment_class` (from the payments, at the same as-of). Returns the attributes map the analyses take,
 * with the derived column added when asked for.
 */
import type { Day } from '../core/days.js';
import { UsageError } from '../errors.js';
import type { LoadedData } from '../ingest/load.js';
import { analysePayments } from '../payments/analyse-payments.js';
import { createDateParser, DateParseError } from '../ingest/dates.js';
import type { Contract } from '../churn/lifetimes.js';

export const DERIVED_GROUPS = ['payment_class'];

/** Attributes covering every column in `columns` (a name or a list). @throws UsageError for an unknown column */
export function groupAttributes(columns: string | string[] | undefined, data: LoadedData, asOf: Day): Map<string, Record<string, string>> | undefined {
  const wanted = columns === undefined ? [] : Array.isArray(columns) ? columns : [columns];
  for (const column of wanted) {
    if (DERIVED_GROUPS.includes(column)) continue;
    if (!data.customers) throw new UsageError(`--by ${column} needs --customers`, { hint: `or one of: ${DERIVED_GROUPS.join(', ')}` });
    if (!data.attributeNames.includes(column)) {
      throw new UsageError(`${column}: no such column in the customers file`, { hint: [...data.attributeNames, ...DERIVED_GROUPS].join(', ') });
    }
  }
  if (!wanted.includes('payment_class')) return data.customers;
  if (!data.payments) throw new UsageError('--by payment_class needs --payments');
  const analysis = analysePayments(data.payments, asOf);
  const map = new Map<string, Record<string, string>>(data.customers ?? []);
  for (const c of analysis.customers) map.set(c.customerId, { ...(map.get(c.customerId) ?? {}), payment_class: c.class });
  return map;
}

export function contracts(customers: Map<string, Record<string, string>>, start: string, end: string, dateFormat?: string): Contract[] {
  const parse = createDateParser(dateFormat);
  const out: Contract[] = [];
  for (const [id, attrs] of customers) {
    if (!(start in attrs)) throw new UsageError(`--start ${start}: no such column in the customers file`);
    if (!(end in attrs)) throw new UsageError(`--end ${end}: no such column in the customers file`);
    const read = (col: string): Day | null => {
      const text = attrs[col];
      if (text === '') return null;
      try {
        return parse(text);
      } catch (err) {
        if (err instanceof DateParseError) throw new UsageError(`customer ${id}: ${err.message} in column "${col}"`, { hint: err.hint });
        throw err;
      }
    };
    const s = read(start);
    if (s === null) continue;
    out.push({ id, start: s, end: read(end) });
  }
  return out;
}
