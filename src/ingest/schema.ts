/**
 * The inputs and their columns. Header names match ignoring case, spaces, underscores and
 * hyphens; a mapping (`--map field=Header`) names the header of a field in foreign exports.
 * See docs/data-formats.md.
 */
import { setting, UsageError } from '../errors.js';

export type InputKind = 'customers' | 'sales' | 'payments' | 'summary' | 'contacts' | 'costs' | 'patterns';

export interface FieldSpec {
  /** Canonical field name. */
  name: string;
  required: boolean;
  description: string;
}

export const FIELDS: Record<InputKind, FieldSpec[]> = {
  customers: [{ name: 'customer_id', required: true, description: 'customer identifier (text)' }],
  sales: [
    { name: 'customer_id', required: true, description: 'customer identifier (text)' },
    { name: 'date', required: true, description: 'purchase date' },
    { name: 'amount', required: true, description: 'line or order value; negative for returns' },
    { name: 'order_id', required: false, description: 'order identifier; lines of one order count as one transaction' },
    { name: 'quantity', required: false, description: 'units (number)' },
    { name: 'product', required: false, description: 'product (text)' },
    { name: 'channel', required: false, description: 'sales channel (text)' },
    { name: 'cost', required: false, description: 'cost of the line; margin = amount - cost' },
    { name: 'margin', required: false, description: 'margin of the line (used when there is no cost column)' },
  ],
  payments: [
    { name: 'customer_id', required: true, description: 'customer identifier (text)' },
    { name: 'invoice_id', required: true, description: 'invoice identifier (text)' },
    { name: 'invoice_date', required: true, description: 'invoice date' },
    { name: 'due_date', required: true, description: 'due date' },
    { name: 'amount', required: true, description: 'invoiced amount; negative for a credit note' },
    { name: 'paid_date', required: false, description: 'date paid; empty = unpaid' },
    { name: 'paid_amount', required: false, description: 'amount paid on this row; empty = the full amount' },
  ],
  summary: [
    { name: 'customer_id', required: true, description: 'customer identifier (text)' },
    { name: 'frequency', required: true, description: 'repeat purchase periods' },
    { name: 'recency', required: true, description: 'time from first to last purchase, in periods' },
    { name: 'T', required: true, description: 'time from first purchase to the end of calibration, in periods' },
    { name: 'monetary_value', required: false, description: 'mean repeat purchase value' },
    { name: 'revenue', required: false, description: 'total revenue' },
    { name: 'frequency_holdout', required: false, description: 'purchases in the holdout' },
    { name: 'monetary_value_holdout', required: false, description: 'mean purchase value in the holdout' },
    { name: 'duration_holdout', required: false, description: 'length of the holdout, in periods' },
  ],
  contacts: [
    { name: 'customer_id', required: true, description: 'customer identifier (text)' },
    { name: 'campaign', required: true, description: 'campaign name or code (text)' },
    { name: 'date', required: true, description: 'contact date' },
    { name: 'group', required: true, description: 'treatment or control (case-insensitive)' },
    { name: 'cost', required: false, description: 'cost of this contact (amount)' },
    { name: 'channel', required: false, description: 'contact channel (text)' },
    { name: 'offer', required: false, description: 'offer (text)' },
  ],
  costs: [
    { name: 'customer_id', required: true, description: 'customer identifier (text)' },
    { name: 'date', required: true, description: 'date of the cost-to-serve event' },
    { name: 'amount', required: true, description: 'cost (amount); negative for a refund of a cost' },
    { name: 'kind', required: false, description: 'kind of cost, e.g. shipping, support (text)' },
  ],
  patterns: [
    { name: 'frequency', required: true, description: 'transactions in the calibration opportunities (BG/BB)' },
    { name: 'recency', required: true, description: 'the opportunity of the last transaction, 0 when none (BG/BB)' },
    { name: 'periods', required: true, description: 'transaction opportunities observed (BG/BB)' },
    { name: 'weights', required: false, description: 'customers with this pattern (default 1)' },
  ],
};

/** Header normalisation: lower case, without spaces, underscores and hyphens. */
export function normalizeHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_\-]+/g, '');
}

/**
 * Column mapping: field → header name, optionally per input (`sales.amount=Total`).
 * Unprefixed entries apply to every input that has that field.
 */
export type ColumnMap = Record<string, string>;

/**
 * Parses `date="Order Date",amount=Total` (the `--map` syntax). Values may be quoted with " or '.
 * @throws UsageError on a malformed entry
 */
export function parseMapOption(text: string): ColumnMap {
  const map: ColumnMap = {};
  const entry = /\s*([A-Za-z_][\w.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^,]*))\s*(?:,|$)/y;
  let pos = 0;
  while (pos < text.length) {
    entry.lastIndex = pos;
    const m = entry.exec(text);
    if (!m || m[0] === '') throw new UsageError(`invalid ${setting('map')} "${text}": expected field=Header[,field=Header...]`);
    const header = m[2] ?? m[3] ?? m[4].trim();
    map[m[1]] = header;
    pos = entry.lastIndex;
  }
  return map;
}

/** The header name mapped to `field` for `kind`, if any. */
export function mappedHeader(map: ColumnMap, kind: InputKind, field: string): string | undefined {
  return map[`${kind}.${field}`] ?? map[field];
}

/** Checks that every mapping key names a known field. @throws UsageError */
export function validateMap(map: ColumnMap): void {
  const known = new Set<string>();
  for (const [kind, fields] of Object.entries(FIELDS)) {
    for (const f of fields) {
      known.add(f.name);
      known.add(`${kind}.${f.name}`);
    }
  }
  for (const key of Object.keys(map)) {
    if (!known.has(key)) {
      throw new UsageError(`unknown field "${key}" in column mapping`, {
        hint: `fields: ${[...new Set(Object.values(FIELDS).flat().map((f) => f.name))].join(', ')}`,
      });
    }
  }
}
