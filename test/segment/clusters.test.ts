import { describe, expect, it } from 'vitest';
import { ModelError, UsageError } from '../../src/errors.js';
import { clusterCustomers, signedExpm1, signedLog1p, type ClusterInput } from '../../src/segment/clusters.js';
import { seededRandom } from '../../src/segment/k-means.js';

interface Group {
  name: string;
  size: number;
  recencyDays: number;
  transactions: number;
  revenue: number;
}

const groups: Group[] = [
  { name: 'vip', size: 100, recencyDays: 5, transactions: 25, revenue: 3000 },
  { name: 'lapsed', size: 300, recencyDays: 300, transactions: 1, revenue: 25 },
  { name: 'middle', size: 200, recencyDays: 60, transactions: 5, revenue: 300 },
];

/** Customers scattered with 15% log-normal noise around each group's profile; seeded. */
function generate(seed: number): { input: ClusterInput; truth: string[] } {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const noisy = (x: number): number => x * Math.exp(0.15 * normal());
  const ids: string[] = [];
  const recencyDays: number[] = [];
  const transactions: number[] = [];
  const revenue: number[] = [];
  const truth: string[] = [];
  const attributes = new Map<string, Record<string, string>>();
  for (const g of groups) {
    for (let i = 0; i < g.size; i++) {
      const id = `${g.name}-${i}`;
      ids.push(id);
      recencyDays.push(Math.round(noisy(g.recencyDays)));
      transactions.push(g.transactions === 1 ? 1 : Math.max(1, Math.round(noisy(g.transactions))));
      revenue.push(Math.round(noisy(g.revenue) * 100) / 100);
      truth.push(g.name);
      attributes.set(id, { age: String(Math.round(noisy(g.name === 'vip' ? 60 : 30))), region: 'north' });
    }
  }
  return { input: { ids, recencyDays, transactions, monetary: revenue, revenue, attributes }, truth };
}

describe('clusterCustomers', () => {
  const { input, truth } = generate(2024);

  it('chooses k = 3 by silhouette and recovers the generated groups', () => {
    const { result, labels } = clusterCustomers(input, { seed: 1 });
    expect(result.chosenBy).toBe('silhouette');
    expect(result.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(result.k).toBe(3);
    const best = Math.max(...result.candidates.map((c) => c.silhouette!));
    expect(result.silhouette).toBe(best);
    expect(result.silhouetteSample).toBe(600);
    expect(result.selectionSample).toBe(600);
    // Each generated group is one cluster, numbered by revenue: vip 1, middle 2, lapsed 3.
    const expected: Record<string, number> = { vip: 1, middle: 2, lapsed: 3 };
    truth.forEach((g, i) => expect(labels[i], input.ids[i]).toBe(expected[g]));
    expect(result.clusters.map((c) => c.customers)).toEqual([100, 200, 300]);
  });

  it('reports centres in original units, revenue shares and descriptions against the medians', () => {
    const { result } = clusterCustomers(input, { seed: 1 });
    const [vip, middle, lapsed] = result.clusters;
    expect(vip.centre.recencyDays).toBeGreaterThan(4);
    expect(vip.centre.recencyDays).toBeLessThan(6.5);
    expect(vip.centre.transactions / 25).toBeCloseTo(1, 1);
    expect(vip.centre.monetary / 3000).toBeCloseTo(1, 1);
    expect(lapsed.centre.transactions).toBeCloseTo(1, 10);
    expect(lapsed.centre.monetary / 25).toBeCloseTo(1, 1);
    expect(middle.centre.recencyDays / 60).toBeCloseTo(1, 1);
    const total = (input.revenue as number[]).reduce((a, b) => a + b, 0);
    expect(vip.shareOfRevenue).toBeCloseTo(vip.revenue / total, 12);
    expect(result.clusters.reduce((s, c) => s + c.shareOfRevenue!, 0)).toBeCloseTo(1, 12);
    expect(vip.description).toBe('frequent, recent, high spend');
    expect(lapsed.description).toBe('infrequent, lapsed, low spend');
    expect(result.transforms.map((t) => t.feature)).toEqual(['recencyDays', 'transactions', 'monetary']);
  });

  it('is reproducible for a seed and takes a given k', () => {
    const a = clusterCustomers(input, { k: 4, seed: 5 });
    const b = clusterCustomers(input, { k: 4, seed: 5 });
    expect(a.result.chosenBy).toBe('given');
    expect(a.result.candidates).toEqual([]);
    expect(a.result.selectionSample).toBeNull();
    expect(a.result.converged).toBe(true);
    expect(a.result.clusters).toHaveLength(4);
    expect([...a.labels]).toEqual([...b.labels]);
    expect(a.result).toEqual(b.result);
  });

  it('chooses k on a seeded selection sample and refits it on all customers', () => {
    const { result, labels } = clusterCustomers(input, { seed: 1, selectionSample: 200, silhouetteSample: 150 });
    expect(result.selectionSample).toBe(200);
    expect(result.silhouetteSample).toBe(150);
    expect(result.k).toBe(3);
    const expected: Record<string, number> = { vip: 1, middle: 2, lapsed: 3 };
    truth.forEach((g, i) => expect(labels[i], input.ids[i]).toBe(expected[g]));
    expect(result.clusters.reduce((s, c) => s + c.customers, 0)).toBe(600);
  });

  it('adds numeric attribute features', () => {
    const { result } = clusterCustomers(input, { k: 3, features: ['age'], seed: 1 });
    expect(result.features).toEqual(['recencyDays', 'transactions', 'monetary', 'age']);
    expect(result.clusters[0].centre.age / 60).toBeCloseTo(1, 1);
    expect(result.clusters[0].description).toBe('frequent, recent, high spend, high age');
  });

  it('names the customer and column of a missing or non-numeric feature value', () => {
    const attributes = new Map(input.attributes);
    attributes.set('middle-7', { age: 'forty', region: 'north' });
    expect(() => clusterCustomers({ ...input, attributes }, { features: ['age'] })).toThrow(ModelError);
    expect(() => clusterCustomers({ ...input, attributes }, { features: ['age'] })).toThrow('customer "middle-7": cluster feature "age" is not a number: found "forty"');
    attributes.set('middle-7', { age: ' ', region: 'north' });
    expect(() => clusterCustomers({ ...input, attributes }, { features: ['age'] })).toThrow('customer "middle-7": cluster feature "age" is missing');
    attributes.delete('middle-7');
    expect(() => clusterCustomers({ ...input, attributes }, { features: ['age'] })).toThrow(/customer "middle-7" is not in the customers file/);
    expect(() => clusterCustomers(input, { features: ['height'] })).toThrow(UsageError);
    expect(() => clusterCustomers(input, { features: ['height'] })).toThrow(/unknown customer attribute "height"/);
    expect(() => clusterCustomers({ ...input, attributes: undefined }, { features: ['age'] })).toThrow(/need customer attributes/);
  });

  it('rejects invalid options', () => {
    expect(() => clusterCustomers(input, { kMin: 1 })).toThrow(UsageError);
    expect(() => clusterCustomers(input, { kMin: 5, kMax: 4 })).toThrow(UsageError);
    expect(() => clusterCustomers(input, { k: 0 })).toThrow(UsageError);
  });

  it('stops trying k beyond the number of distinct customers', () => {
    const small: ClusterInput = { ids: ['a', 'b', 'c', 'd'], recencyDays: [1, 1, 100, 100], transactions: [5, 5, 1, 1], monetary: [50, 50, 5, 5], revenue: [50, 50, 5, 5] };
    const { result, labels } = clusterCustomers(small);
    expect(result.candidates.map((c) => c.k)).toEqual([2]);
    expect([...labels]).toEqual([1, 1, 2, 2]);
  });
});

describe('signedLog1p', () => {
  it('is log1p for x >= 0, odd, and inverted by signedExpm1', () => {
    expect(signedLog1p(0)).toBe(0);
    expect(signedLog1p(Math.E - 1)).toBeCloseTo(1, 15);
    expect(signedLog1p(-(Math.E - 1))).toBeCloseTo(-1, 15);
    for (const x of [-250, -1, -0.5, 0, 0.5, 3, 1e6]) expect(signedExpm1(signedLog1p(x))).toBeCloseTo(x, 8);
  });
});
