/**
 * Profiles of the segments by a customer attribute (region, channel, ...): a cross-tab of segments × attribute
 * values with counts, revenue shares and an index against the whole portfolio, the usual "index" of database
 * marketing (Hughes 1994, "Strategic Database Marketing"): 100 = the segment is as common among the customers
 * with this value as in the whole portfolio, 200 = twice as common.
 */

/** Label of the customers without a value for the attribute (not in the customers file, or an empty cell). */
export const MISSING = '(missing)';

/** One attribute value's totals. */
export interface ProfileValue {
  value: string;
  customers: number;
  shareOfCustomers: number;
  revenue: number;
  /** Revenue of the value / total revenue; null when the total is 0. */
  shareOfRevenue: number | null;
}

/** One segment × attribute value cell. */
export interface ProfileCell {
  segment: string;
  value: string;
  customers: number;
  /** Customers of the cell / customers with this attribute value: the segment's share within the value. */
  shareWithinValue: number;
  revenue: number;
  /** Revenue of the cell / revenue of the attribute value; null when that is 0. */
  revenueShareWithinValue: number | null;
  /** shareWithinValue / (customers of the segment / all customers) × 100; null for a segment without customers. */
  index: number | null;
}

/** The profile of one attribute column. */
export interface AttributeProfile {
  column: string;
  /** Attribute values by descending number of customers (then by name), '(missing)' last. */
  values: ProfileValue[];
  /** Segments in the order given, with their share of all customers. */
  segments: { segment: string; customers: number; shareOfCustomers: number }[];
  /** One cell per segment × value, segments in order, values in the order of `values`. */
  cells: ProfileCell[];
}

/**
 * Cross-tab of segments × values of one attribute column. The index of a cell is
 * `(cell customers / value customers) / (segment customers / all customers) × 100`.
 *
 * O(n + segments × values).
 *
 * @param column the attribute's name, for the output
 * @param segmentNames the segments in report order (segments not in this list are appended in order of appearance)
 * @param segments each customer's segment
 * @param revenue each customer's revenue
 * @param values each customer's attribute value; undefined or blank is '(missing)'
 * @example
 * profileByAttribute('region', ['A', 'B'], ['A', 'A', 'B', 'B'], [1, 1, 1, 1], ['north', 'north', 'north', 'south'])
 *   .cells.find((c) => c.segment === 'A' && c.value === 'north')!.index; // => 133.33...
 */
export function profileByAttribute(
  column: string,
  segmentNames: readonly string[],
  segments: readonly string[],
  revenue: ArrayLike<number>,
  values: readonly (string | undefined)[],
): AttributeProfile {
  const n = segments.length;
  const segmentOrder = [...segmentNames];
  const segmentIndex = new Map(segmentOrder.map((s, i) => [s, i]));
  const valueIndex = new Map<string, number>();
  const valueNames: string[] = [];
  const segmentOf = new Int32Array(n);
  const valueOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = segmentIndex.get(segments[i]);
    if (s === undefined) {
      s = segmentOrder.length;
      segmentOrder.push(segments[i]);
      segmentIndex.set(segments[i], s);
    }
    segmentOf[i] = s;
    const raw = values[i]?.trim();
    const value = raw === undefined || raw === '' ? MISSING : raw;
    let v = valueIndex.get(value);
    if (v === undefined) {
      v = valueNames.length;
      valueNames.push(value);
      valueIndex.set(value, v);
    }
    valueOf[i] = v;
  }
  const S = segmentOrder.length;
  const V = valueNames.length;
  const cellCount = new Float64Array(S * V);
  const cellRevenue = new Float64Array(S * V);
  const segmentCount = new Float64Array(S);
  const valueCount = new Float64Array(V);
  const valueRevenue = new Float64Array(V);
  let totalRevenue = 0;
  for (let i = 0; i < n; i++) {
    const cell = segmentOf[i] * V + valueOf[i];
    cellCount[cell]++;
    cellRevenue[cell] += revenue[i];
    segmentCount[segmentOf[i]]++;
    valueCount[valueOf[i]]++;
    valueRevenue[valueOf[i]] += revenue[i];
    totalRevenue += revenue[i];
  }
  const valueOrder = Array.from({ length: V }, (_, v) => v).sort((x, y) => {
    const xm = valueNames[x] === MISSING;
    const ym = valueNames[y] === MISSING;
    if (xm !== ym) return xm ? 1 : -1;
    return valueCount[y] - valueCount[x] || (valueNames[x] < valueNames[y] ? -1 : valueNames[x] > valueNames[y] ? 1 : 0);
  });
  const cells: ProfileCell[] = [];
  for (let s = 0; s < S; s++) {
    const overall = n > 0 ? segmentCount[s] / n : 0;
    for (const v of valueOrder) {
      const count = cellCount[s * V + v];
      const within = count / valueCount[v];
      cells.push({
        segment: segmentOrder[s],
        value: valueNames[v],
        customers: count,
        shareWithinValue: within,
        revenue: cellRevenue[s * V + v],
        revenueShareWithinValue: valueRevenue[v] !== 0 ? cellRevenue[s * V + v] / valueRevenue[v] : null,
        index: overall > 0 ? (within / overall) * 100 : null,
      });
    }
  }
  return {
    column,
    values: valueOrder.map((v) => ({
      value: valueNames[v],
      customers: valueCount[v],
      shareOfCustomers: valueCount[v] / n,
      revenue: valueRevenue[v],
      shareOfRevenue: totalRevenue !== 0 ? valueRevenue[v] / totalRevenue : null,
    })),
    segments: segmentOrder.map((segment, s) => ({ segment, customers: segmentCount[s], shareOfCustomers: n > 0 ? segmentCount[s] / n : 0 })),
    cells,
  };
}
