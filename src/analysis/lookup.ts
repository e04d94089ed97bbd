/**
 * Lookups by customer id of one field of a section's per-customer records, for the sections that read
 * another's results (the valuation reads the segments, the stages read P(alive), the at-risk list reads
 * five of them). A `Map` of a million customers costs about 80 bytes an entry (and a 16-byte box per
 * number); these go through the sales' own id index (one Map for the whole run) and keep 4 bytes a customer.
 */
import type { SalesAccumulator } from '../accumulate/sales.js';
import { fieldReader, type RecordList } from '../core/record-columns.js';
import type { Lookup } from '../core/types.js';

/** What the lookups read of the sales: the id index, and the last id order when there is one. */
type LookupIndex = Pick<SalesAccumulator, 'index' | 'ids'> & { lastOrder?(): readonly number[] | null };

/**
 * Field `valueKey` of the records of `list` by their `idKey`: `get(id)` is the field of that customer's record
 * (the last one when an id repeats, as a Map built from the list would give), undefined when the customer
 * has no record or is not a customer of the sales.
 *
 * Cost: O(customers + list) to build, 4 bytes per customer of the sales; O(1) per lookup.
 */
export function lookupOf<T, K extends keyof T>(sales: LookupIndex, list: RecordList<T>, idKey: keyof T, valueKey: K): Lookup<T[K]> {
  return lookupBy(sales, list.length, fieldReader(list, idKey) as (j: number) => string | undefined, fieldReader(list, valueKey));
}

/**
 * `values[j]` by `ids[j]` through the sales' id index, as {@link lookupOf} for parallel arrays (the last entry
 * wins when an id repeats; undefined for an id without an entry or not in the sales).
 *
 * Cost: O(customers + entries) to build, 4 bytes per customer of the sales; O(1) per lookup.
 */
export function lookupOfArrays<V>(sales: LookupIndex, ids: ArrayLike<string>, values: ArrayLike<V>): Lookup<V> {
  return lookupBy(sales, ids.length, (j) => ids[j], (j) => values[j]);
}

/**
 * The value of entry j by the id of entry j, for `length` entries, through the sales' id index.
 *
 * Two shortcuts, each checked id by id so that the answers are those of the index:
 * - entries in the order of the ids' last ordering (`sales.lastOrder()`, the summary's order, which the
 *   sections keep) are placed without looking each id up in the index (a Map of a million strings: about
 *   0.4 s per lookup built, and the report builds several);
 * - a `get` for the id of the entry after the one answered last (callers that walk the customers in the
 *   list's order) is answered without the index, when every entry is a customer of the sales and no id repeats.
 */
function lookupBy<V>(sales: LookupIndex, length: number, idAt: (j: number) => string | undefined, valueAt: (j: number) => V | undefined): Lookup<V> {
  const position = new Int32Array(sales.ids.length).fill(-1);
  const order = sales.lastOrder?.() ?? null;
  let aligned = order !== null && order.length === length;
  for (let j = 0; aligned && j < length; j++) aligned = idAt(j) === sales.ids[order![j]];
  // every entry a customer of the sales, none repeated: then an entry's id answers for its own position
  let sequential = true;
  if (aligned) for (let j = 0; j < length; j++) position[order![j]] = j;
  else {
    for (let j = 0; j < length; j++) {
      const c = sales.index.get(idAt(j)!);
      if (c === undefined) sequential = false;
      else {
        if (position[c] >= 0) sequential = false;
        position[c] = j;
      }
    }
  }
  let next = 0;
  return {
    get(customerId: string): V | undefined {
      if (sequential && next < length && idAt(next) === customerId) return valueAt(next++);
      const c = sales.index.get(customerId);
      if (c === undefined || position[c] < 0) return undefined;
      next = position[c] + 1;
      return valueAt(position[c]);
    },
  };
}
