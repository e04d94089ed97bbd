/**
 * Lookups by customer id of one field of a section's per-customer records, for the sections that read
 * another's results (the valuation reads the segments, the stages read P(alive), the at-risk list reads
 * five of them). A `Map` of a million customers costs about 80 bytes an entry (and a 16-byte box per
 * number); these go through the sales' own id index (one Map for the whole run) and keep 4 bytes a customer.
 */
import type { SalesAccumulator } from '../accumulate/sales.js';
import { fieldReader, type RecordList } from '../core/record-columns.js';
import type { Lookup } from '../core/types.js';

/**
 * Field `valueKey` of the records of `list` by their `idKey`: `get(id)` is the field of that customer's record
 * (the last one when an id repeats, as a Map built from the list would give), undefined when the customer
 * has no record or is not a customer of the sales.
 *
 * Cost: O(customers + list) to build, 4 bytes per customer of the sales; O(1) per lookup.
 */
export function lookupOf<T, K extends keyof T>(sales: Pick<SalesAccumulator, 'index' | 'ids'>, list: RecordList<T>, idKey: keyof T, valueKey: K): Lookup<T[K]> {
  return lookupBy(sales, list.length, fieldReader(list, idKey) as (j: number) => string | undefined, fieldReader(list, valueKey));
}

/**
 * `values[j]` by `ids[j]` through the sales' id index, as {@link lookupOf} for parallel arrays (the last entry
 * wins when an id repeats; undefined for an id without an entry or not in the sales).
 *
 * Cost: O(customers + entries) to build, 4 bytes per customer of the sales; O(1) per lookup.
 */
export function lookupOfArrays<V>(sales: Pick<SalesAccumulator, 'index' | 'ids'>, ids: ArrayLike<string>, values: ArrayLike<V>): Lookup<V> {
  return lookupBy(sales, ids.length, (j) => ids[j], (j) => values[j]);
}

/** The value of entry j by the id of entry j, for `length` entries, through the sales' id index. */
function lookupBy<V>(sales: Pick<SalesAccumulator, 'index' | 'ids'>, length: number, idAt: (j: number) => string | undefined, valueAt: (j: number) => V | undefined): Lookup<V> {
  const position = new Int32Array(sales.ids.length).fill(-1);
  for (let j = 0; j < length; j++) {
    const c = sales.index.get(idAt(j)!);
    if (c !== undefined) position[c] = j;
  }
  return {
    get(customerId: string): V | undefined {
      const c = sales.index.get(customerId);
      if (c === undefined || position[c] < 0) return undefined;
      return valueAt(position[c]);
    },
  };
}
