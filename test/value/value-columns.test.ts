/**
 * The customers' values stored by column (src/value/value-columns.ts, issue 15) against the records of the
 * code before (value-reference.ts: one object per customer, stored by recordColumns): every record, every
 * field reader and the whole result the same, with Object.is (-0, NaN, null against absent) and the same keys
 * in the same order, with each optional field on and off: intervals (available or not), short-horizon scores,
 * DERT, segments with the baseline and the what-if, collection rates, each spend method, infinite and NaN CLVs.
 */
import { describe, expect, it } from 'vitest';
import type { ModelInput } from '../../src/accumulate/model-input.js';
import { createRng } from '../../src/core/random.js';
import { fieldReader, type RecordList } from '../../src/core/record-columns.js';
import type { CustomerHistory, Lookup } from '../../src/core/types.js';
import * as bgnbd from '../../src/models/bg-nbd.js';
import * as gammagamma from '../../src/models/gamma-gamma.js';
import * as mbgnbd from '../../src/models/mbg-nbd.js';
import * as paretonbd from '../../src/models/pareto-nbd.js';
import type { FittedModel } from '../../src/models/types.js';
import type { CustomerValue } from '../../src/value/types.js';
import { SegmentCodes } from '../../src/value/value-columns.js';
import { valuePortfolio, type ValueOptions } from '../../src/value/value.js';
import { valuePortfolioBefore } from './value-reference.js';

const AS_OF_DAY = 20000;

/**
 * n customers (weeks) simulated from a BG/NBD, a third of them with the tuple of an earlier one, a few with
 * -0 for a 0 (recency of one-off buyers, frequency, T), a few repeat customers with returns exceeding purchases.
 */
function customers(n: number, seed = 5): ModelInput {
  const rng = createRng(seed);
  const T = Array.from({ length: n }, () => Math.round((5 + 60 * rng.uniform()) * 7) / 7);
  const sim = bgnbd.simulate({ r: 0.5, alpha: 6, a: 0.7, b: 2.5 }, { customers: n, T }, rng);
  const frequency = Float64Array.from(sim.frequency);
  const recency = Float64Array.from(sim.recency, (r, i) => (sim.frequency[i] > 0 ? Math.min(T[i], Math.round(r * 7) / 7) : 0));
  const times = Float64Array.from(T);
  const spend = Float64Array.from(gammagamma.simulate({ p: 6, q: 4, gamma: 15 }, sim.frequency, rng));
  for (let i = 1; i < n; i++) {
    const u = rng.uniform();
    if (u < 0.3) {
      const j = Math.floor(rng.uniform() * i);
      frequency[i] = frequency[j];
      recency[i] = recency[j];
      times[i] = times[j];
    }
    if (frequency[i] === 0 && u > 0.9) {
      recency[i] = -0;
      if (u > 0.95) frequency[i] = -0;
    }
    if (frequency[i] > 0 && u > 0.3 && u < 0.33) spend[i] = -spend[i];
  }
  return {
    ids: Array.from({ length: n }, (_, i) => `C${String(i).padStart(6, '0')}`),
    frequency,
    recency,
    T: times,
    monetaryValue: spend,
    revenue: Float64Array.from(spend, (m, i) => (i % 97 === 0 ? -0 : m * (frequency[i] + 1))),
    margin: null,
    holdout: null,
  };
}

interface Models {
  bgnbd: FittedModel;
  paretonbd: FittedModel;
  mbgnbd: FittedModel;
  spend: FittedModel;
}

function fitModels(input: ModelInput): Models {
  const data = { frequency: input.frequency, recency: input.recency, T: input.T };
  const repeat = [...input.frequency.keys()].filter((i) => input.frequency[i] > 0 && input.monetaryValue[i] > 0);
  return {
    bgnbd: bgnbd.fit(data),
    paretonbd: paretonbd.fit(data),
    mbgnbd: mbgnbd.fit(data),
    spend: gammagamma.fit({ frequency: repeat.map((i) => input.frequency[i]), monetaryValue: repeat.map((i) => input.monetaryValue[i]) }),
  };
}

/** Segments: a few names, one named '(none)', some customers without one (null) or unknown (undefined); `many` names: more than 256. */
function segmentsOf(input: ModelInput, many = false): Lookup<string | null> {
  const names = ['Champions', 'Loyal', 'At Risk', '(none)', 'Hibernating'];
  return new Map(input.ids.flatMap((id, i): [string, string | null][] => (i % 11 === 3 ? [] : [[id, i % 13 === 5 ? null : many ? `S${(i * 7) % 300}` : names[(i * 7) % names.length]]])));
}

/** Histories for the baseline: a purchase in the last year for some of the customers of each earlier segment. */
function baselineOf(input: ModelInput): Pick<ValueOptions, 'histories' | 'earlierSegments' | 'asOfDay'> {
  const histories: CustomerHistory[] = input.ids.map((id, i) => ({
    id,
    days: i % 3 === 0 ? [AS_OF_DAY - 500] : [AS_OF_DAY - 400, AS_OF_DAY - (i % 300)],
    amounts: i % 3 === 0 ? [10] : [20, 5 + (i % 17)],
    otherReturns: 0,
    lines: 2,
    margin: null,
  }));
  // 'Lost' only a year ago: its baseline has no retained customer (margin null)
  const earlierSegments = new Map(input.ids.map((id, i) => [id, i % 3 === 0 ? 'Lost' : ['Champions', 'Loyal', 'At Risk', '(none)'][i % 4]]));
  return { histories, earlierSegments, asOfDay: AS_OF_DAY };
}

function options(models: Models, extra: Partial<ValueOptions> = {}): ValueOptions {
  return {
    asOf: '2024-10-04',
    period: { name: 'week', days: 7 },
    purchaseModel: models.bgnbd,
    spendModel: models.spend,
    horizonSteps: 12,
    stepDays: 365.25 / 12,
    stepName: 'month',
    annualDiscountRate: 0.1,
    margin: { share: 0.3, source: 'test' },
    ...extra,
  };
}

/** Deep equality that tells -0 from 0, NaN from null, null from undefined and absent, and keeps key order. */
function same(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b) ? null : `${path}: ${String(a)} against ${String(b)}`;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b ? null : `${path}: ${String(a)} against ${String(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: an array against a non-array`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} against ${kb.join()}`;
  for (const k of ka) {
    const d = same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d !== null) return d;
  }
  return null;
}

/** Every record, every field reader and the rest of the result the same as the code before's. */
function expectSameAsBefore(input: ModelInput, o: ValueOptions): { records: CustomerValue[] } {
  const before = valuePortfolioBefore(input, o);
  const after = valuePortfolio(input, o);
  const records = before.customers.slice();
  expect(after.customers.length).toBe(records.length);
  // a short list is an array, as before; a long one made on access
  expect(Array.isArray(after.customers)).toBe(Array.isArray(before.customers));
  for (let i = 0; i < records.length; i++) {
    const d = same(after.customers.at(i), records[i], `customer ${i}`);
    if (d !== null) expect.fail(d);
  }
  expect(same([...after.customers], records)).toBeNull();
  expect(same(after.customers.at(-1), records.at(-1))).toBeNull();
  const keys = new Set(records.flatMap((r) => Object.keys(r)));
  for (const key of [...keys, 'dert', 'clvLow', 'aliveAt'] as (keyof CustomerValue)[]) {
    const [read, readBefore] = [fieldReader(after.customers, key), fieldReader(before.customers as RecordList<CustomerValue>, key)];
    for (let i = 0; i < records.length; i++) {
      const d = same(read(i), readBefore(i), `${key} of customer ${i}`);
      if (d !== null) expect.fail(d);
    }
  }
  const { customers: _after, ...restAfter } = after;
  const { customers: _before, ...restBefore } = before;
  expect(same(restAfter, restBefore)).toBeNull();
  expect(JSON.stringify(after)).toBe(JSON.stringify(before));
  return { records };
}

describe('valuePortfolio: the customers by column', () => {
  const input = customers(3000);
  const models = fitModels(input);
  const segments = segmentsOf(input);
  const collectionRates = new Map(input.ids.filter((_, i) => i % 4 !== 0).map((id, i) => [id, (i % 10) / 10]));

  it('the data has what the cases need: shared tuples, -0 for 0, returns exceeding purchases, -0 revenue', () => {
    const tuples = new Set(input.ids.map((_, i) => `${input.frequency[i]},${input.recency[i]},${input.T[i]}`));
    expect(tuples.size).toBeLessThan(0.8 * input.ids.length);
    expect(input.recency.some((r) => Object.is(r, -0)) && input.frequency.some((f) => Object.is(f, -0))).toBe(true);
    expect(input.monetaryValue.some((m, i) => input.frequency[i] > 0 && m < 0)).toBe(true);
    expect(input.revenue!.some((r) => Object.is(r, -0))).toBe(true);
  });

  for (const model of ['bgnbd', 'paretonbd', 'mbgnbd'] as const) {
    it(`${model}: without options; with segments, baseline, what-if, collection rates, intervals and short-horizon scores`, () => {
      const purchaseModel = models[model];
      const plain = expectSameAsBefore(input, options(models, { purchaseModel }));
      expect(Object.keys(plain.records[0]).includes('dert')).toBe(model === 'paretonbd');
      const full = expectSameAsBefore(input, options(models, {
        purchaseModel,
        segments,
        ...baselineOf(input),
        collectionRates,
        retentionUplift: 0.05,
        interval: { level: 0.9, draws: 20 },
        withinDays: [30, 90],
        aliveAtDays: [90, 365],
      }));
      const keys = Object.keys(full.records[0]);
      expect(keys.includes('clvLow') && keys.includes('purchaseWithin') && keys.includes('aliveAt')).toBe(true);
      expect(full.records.some((r) => r.segment === null) && full.records.some((r) => r.baselineClv !== null) && full.records.some((r) => r.segment !== null && r.baselineClv === null)).toBe(true);
    });
  }

  it('short-horizon scores: windows only, days only', () => {
    // a Pareto/NBD whose dropout is fast: some customers are more likely to die than to buy again (median null)
    const dying = { ...models.paretonbd, params: { r: 0.5, alpha: 10, s: 3, beta: 2 } };
    const within = expectSameAsBefore(input, options(models, { purchaseModel: dying, withinDays: [7] }));
    expect(Object.keys(within.records[0]).includes('aliveAt')).toBe(false);
    expect(within.records.some((r) => r.medianDaysToPurchase === null) && within.records.some((r) => typeof r.medianDaysToPurchase === 'number')).toBe(true);
    const aliveAt = expectSameAsBefore(input, options(models, { aliveAtDays: [30] }));
    expect(Object.keys(aliveAt.records[0]).includes('purchaseWithin') || Object.keys(aliveAt.records[0]).includes('medianDaysToPurchase')).toBe(false);
  });

  it('intervals not available (no covariance), and without the spend model\'s covariance', () => {
    const { covariance: _c, ...noCovariance } = models.bgnbd;
    const none = expectSameAsBefore(input, options(models, { purchaseModel: noCovariance, interval: { level: 0.8 } }));
    expect(Object.keys(none.records[0]).includes('pAliveLow')).toBe(false);
    const { covariance: _s, ...spendNoCovariance } = models.spend;
    expectSameAsBefore(input, options(models, { spendModel: spendNoCovariance, interval: { level: 0.8, draws: 10 } }));
  });

  for (const spendMethod of ['observed-mean', 'portfolio-mean'] as const) {
    it(`without a spend model: ${spendMethod}, with intervals`, () => {
      expectSameAsBefore(input, options(models, { spendModel: null, spendMethod, spendFallbackReason: 'test', segments, interval: { level: 0.9, draws: 10 } }));
    });
  }

  it('infinite spend (q <= 1), and NaN CLVs (infinite spend at margin 0), with intervals and DERT', () => {
    const infinite = { ...models.spend, params: { ...models.spend.params, q: 0.9 } };
    const a = expectSameAsBefore(input, options(models, { spendModel: infinite, purchaseModel: models.paretonbd, interval: { level: 0.9, draws: 10 }, segments }));
    expect(a.records.some((r) => r.clv === Infinity) && a.records.some((r) => r.clvLow === null)).toBe(true);
    const b = expectSameAsBefore(input, options(models, { spendModel: infinite, margin: { share: 0, source: 'test' }, interval: { level: 0.9, draws: 10 } }));
    expect(b.records.some((r) => Number.isNaN(r.clv))).toBe(true);
  });

  it('-0 CLVs (margin -0), negative CLVs (a negative portfolio mean spend) and no discounting (DERT infinite)', () => {
    const a = expectSameAsBefore(input, options(models, { margin: { share: -0, source: 'test' }, segments }));
    expect(a.records.some((r) => Object.is(r.clv, -0))).toBe(true);
    const negative = { ...input, monetaryValue: input.monetaryValue.map((m) => -Math.abs(m)) };
    const b = expectSameAsBefore(negative, options(models, { spendModel: null, spendMethod: 'portfolio-mean', interval: { level: 0.5, draws: 10 } }));
    expect(b.records.some((r) => r.clv < 0)).toBe(true);
    const c = expectSameAsBefore(input, options(models, { purchaseModel: models.paretonbd, annualDiscountRate: 0 }));
    expect(c.records.every((r) => r.dert === Infinity)).toBe(true);
  });

  it('more than 256 segments (two-byte codes), and more than 8,192 customers (the old lists in parts)', () => {
    const many = segmentsOf(input, true);
    expectSameAsBefore(input, options(models, { segments: many, ...baselineOf(input), retentionUplift: 0.1 }));
    const large = customers(9000, 8);
    expectSameAsBefore(large, options(fitModels(large), { segments: segmentsOf(large), interval: { level: 0.9, draws: 5 }, withinDays: [30] }));
  });

  it('short lists (under 64 customers: arrays, as before), one customer and none', () => {
    for (const n of [63, 64, 1]) {
      const small = { ...input, ids: input.ids.slice(0, n), frequency: input.frequency.slice(0, n), recency: input.recency.slice(0, n), T: input.T.slice(0, n), monetaryValue: input.monetaryValue.slice(0, n), revenue: null };
      expectSameAsBefore(small, options(models, { segments, interval: { level: 0.9, draws: 5 }, aliveAtDays: [10] }));
    }
    const empty = { ...input, ids: [], frequency: new Float64Array(0), recency: new Float64Array(0), T: new Float64Array(0), monetaryValue: new Float64Array(0), revenue: null };
    expectSameAsBefore(empty, options(models, { segments }));
  });

  it('the records are copies: changing the input afterwards does not change them', () => {
    const copy = { ...input, ids: [...input.ids], frequency: input.frequency.slice(), recency: input.recency.slice(), T: input.T.slice(), revenue: input.revenue!.slice() };
    const result = valuePortfolio(copy, options(models));
    const first = result.customers.at(0);
    copy.ids[0] = 'changed';
    copy.frequency[0] = 99;
    copy.revenue![0] = 99;
    expect(result.customers.at(0)).toEqual(first);
  });
});

describe('SegmentCodes', () => {
  it('codes segments in order of first appearance, widening the codes past 256 and 65,536 segments', () => {
    const n = 90000;
    const codes = new SegmentCodes(n);
    const name = (i: number): string | null => (i % 5 === 0 ? null : i < 1000 ? `s${i % 7}` : `s${i}`);
    for (let i = 0; i < n; i++) codes.set(i, name(i));
    expect(codes.codes).toBeInstanceOf(Int32Array);
    for (let i = 0; i < n; i++) expect(codes.names[codes.codes[i]]).toBe(name(i));
    expect(codes.names.slice(0, 3)).toEqual([null, 's1', 's2']);
    expect(new Set(codes.names).size).toBe(codes.names.length);
  });
});
