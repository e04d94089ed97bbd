import { describe, expect, it } from 'vitest';
import { SalesAccumulator } from '../../src/accumulate/sales.js';
import { summarize, summarizeColumns, type SummaryWindow } from '../../src/accumulate/summary.js';
import { modelInputFromSummaries, modelInputInPeriod } from '../../src/accumulate/model-input.js';
import { recordColumns } from '../../src/core/record-columns.js';
import { seededRandom } from '../../src/segment/k-means.js';

/** 400 customers with 1–8 lines each over days 0..699, some returns, margins when asked. */
function randomSales(seed: number, margin: boolean, window: { asOf?: number; calibrationEnd?: number }): SalesAccumulator {
  const random = seededRandom(seed);
  const sales = new SalesAccumulator(window);
  for (let c = 0; c < 400; c++) {
    const lines = 1 + Math.floor(random() * 8);
    for (let k = 0; k < lines; k++) {
      const amount = Math.round((random() < 0.1 ? -1 : 1) * random() * 10000) / 100;
      sales.addLine(`c${c}`, Math.floor(random() * 700), amount, margin ? amount / 3 : null, '', 0, 0);
    }
  }
  sales.trim();
  return sales;
}

describe('modelInputInPeriod', () => {
  const week = { name: 'week', days: 7 };
  for (const [name, margin, holdout] of [['with margins', true, false], ['without margins', false, false], ['with a holdout', true, true]] as const) {
    it(`is the input of summaries made in the other period, to the last bit (${name})`, () => {
      const calibrationEnd = holdout ? 500 : 650;
      const sales = randomSales(5, margin, { asOf: 650, ...(holdout ? { calibrationEnd } : {}) });
      const window: SummaryWindow = { asOf: 650, calibrationEnd, holdout, period: { name: 'day', days: 1 } };
      const daily = summarize(sales, window).customers;
      const expected = modelInputFromSummaries(summarize(sales, { ...window, period: week }).customers);
      for (const list of [daily, recordColumns(daily)]) {
        const got = modelInputInPeriod(list, window, week);
        expect(got).toEqual(expected);
        for (const key of ['recency', 'T'] as const) expect(got[key].every((v, i) => Object.is(v, expected[key][i]))).toBe(true);
      }
      expect(expected.recency.some((r) => !Number.isInteger(r))).toBe(true);
      expect(expected.margin === null).toBe(!margin);
      expect(expected.holdout === null).toBe(!holdout);
    });
  }

  it('gives an empty input for no customers', () => {
    const got = modelInputInPeriod([], { asOf: 10, calibrationEnd: 10, holdout: false }, week);
    expect(got.ids).toEqual([]);
    expect(got.margin).toBeNull();
    expect(got.holdout).toBeNull();
  });
});

describe('summarizeColumns', () => {
  for (const [name, margin, holdout, customers] of [
    ['margins, 400 customers', true, false, 400],
    ['no margins, a holdout', false, true, 400],
    ['margins and a holdout, the first 20 records', true, true, 20],
  ] as const) {
    it(`makes the records of summarize, keys in the same order (${name})`, () => {
      const sales = randomSales(9, margin, { asOf: 650, ...(holdout ? { calibrationEnd: 500 } : {}) });
      const window: SummaryWindow = { asOf: 650, calibrationEnd: holdout ? 500 : 650, holdout, period: { name: 'week', days: 7 } };
      const expected = summarize(sales, window);
      const got = summarizeColumns(sales, window);
      expect(got.exclusions).toEqual(expected.exclusions);
      const list = customers < 400 ? got.customers.slice(0, customers) : [...got.customers];
      expect(list).toEqual(expected.customers.slice(0, customers));
      expect(list.map((s) => Object.keys(s).join())).toEqual(expected.customers.slice(0, customers).map((s) => Object.keys(s).join()));
      expect(got.customers.length).toBe(expected.customers.length);
    });
  }

  it('keeps a short list as an array, as recordColumns does', () => {
    const sales = new SalesAccumulator({});
    sales.addLine('a', 1, 10, null, '', 0, 0);
    sales.addLine('a', 5, 20, null, '', 0, 0);
    const got = summarizeColumns(sales, { asOf: 10, calibrationEnd: 10, holdout: false, period: { name: 'day', days: 1 } }).customers;
    expect(Array.isArray(got)).toBe(true);
    expect(got).toEqual([{ id: 'a', firstDay: 1, lastDay: 5, transactions: 2, frequency: 1, recency: 4, T: 9, monetaryValue: 20, revenue: 30, margin: null }]);
  });
});
