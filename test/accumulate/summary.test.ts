/**
 * The per-customer summary (lifetimes' definitions) and the model input, by hand: purchase days (not lines,
 * not orders) make the frequency, returns net within their day, a day with only returns is no purchase day,
 * calibration and holdout split at the calibration end, times in the period unit.
 */
import { describe, expect, it } from 'vitest';
import { SalesAccumulator, type SaleRow } from '../../src/accumulate/sales.js';
import { parsePeriod, summarize, type SummaryWindow } from '../../src/accumulate/summary.js';
import { modelInputFromSummaries } from '../../src/accumulate/model-input.js';

const row = (customerId: string, day: number, amount: number, orderId = '', margin: number | null = amount / 4): SaleRow => ({ customerId, day, amount, orderId, margin });

const ROWS: SaleRow[] = [
  // A: two lines of one order on day 100, an order and a return on day 110, an order in the holdout (day 130)
  row('A', 100, 10, 'O1'), row('A', 100, 5, 'O1'), row('A', 110, 20, 'O2'), row('A', 110, -4, ''), row('A', 130, 30, 'O3'),
  // B: only a return
  row('B', 105, -10),
  // C: first purchase in the holdout
  row('C', 125, 12, 'O4'),
  // D: one purchase
  row('D', 100, 8, 'O5'),
  // E: two orders on one day (two transactions, one purchase day), then a line without order id
  row('E', 100, 10, 'O6'), row('E', 100, 10, 'O7'), row('E', 115, 10),
  // F: a purchase after as-of is left out
  row('F', 100, 1), row('F', 150, 99),
];

function fold(rows: SaleRow[]): SalesAccumulator {
  const sales = new SalesAccumulator({ asOf: 140, calibrationEnd: 120 });
  for (const r of rows) sales.add(r);
  return sales;
}

const window = (period = 'day'): SummaryWindow => ({ asOf: 140, calibrationEnd: 120, holdout: true, period: parsePeriod(period) });

describe('summarize', () => {
  const { customers, exclusions } = summarize(fold(ROWS), window());
  const of = (id: string) => customers.find((c) => c.id === id)!;

  it('keeps customers with a purchase day in calibration, in id order, and counts the others by reason', () => {
    expect(customers.map((c) => c.id)).toEqual(['A', 'D', 'E', 'F']);
    expect(exclusions).toEqual({ firstPurchaseInHoldout: 1, noPurchase: 1 });
  });

  it('A: frequency from purchase days, monetary value of the repeat days net of returns, holdout apart', () => {
    expect(of('A')).toMatchObject({
      firstDay: 100, lastDay: 110, frequency: 1, recency: 10, T: 20,
      monetaryValue: 16, // day 110: 20 − 4
      revenue: 31, // 15 + 16 in calibration
      transactions: 2, // O1 (two lines) and O2; the return is not one
      frequencyHoldout: 1, monetaryValueHoldout: 30, durationHoldout: 20,
    });
    expect(of('A').margin).toBeCloseTo((10 + 5 + 20 - 4) / 4, 12);
  });

  it('D: one purchase day is frequency 0, recency 0 and monetary value 0', () => {
    expect(of('D')).toMatchObject({ frequency: 0, recency: 0, T: 20, monetaryValue: 0, revenue: 8, transactions: 1, frequencyHoldout: 0, monetaryValueHoldout: 0 });
  });

  it('E: two orders on one day are two transactions but one purchase day', () => {
    expect(of('E')).toMatchObject({ frequency: 1, recency: 15, T: 20, monetaryValue: 10, revenue: 30, transactions: 3 });
  });

  it('F: a row after as-of is not read', () => {
    expect(of('F')).toMatchObject({ frequency: 0, revenue: 1, frequencyHoldout: 0 });
  });

  it('times are in the period: a week is 7 days', () => {
    const weekly = summarize(fold(ROWS), window('week')).customers.find((c) => c.id === 'A')!;
    expect(weekly.recency).toBeCloseTo(10 / 7, 12);
    expect(weekly.T).toBeCloseTo(20 / 7, 12);
    expect(weekly.durationHoldout).toBeCloseTo(20 / 7, 12);
    expect(weekly.frequency).toBe(1);
  });

  it('without a holdout there are no holdout fields', () => {
    const sales = new SalesAccumulator({ asOf: 140 });
    for (const r of ROWS) sales.add(r);
    const a = summarize(sales, { asOf: 140, calibrationEnd: 140, holdout: false, period: parsePeriod('day') }).customers.find((c) => c.id === 'A')!;
    expect(a).toMatchObject({ frequency: 2, recency: 30, T: 40, monetaryValue: (16 + 30) / 2 });
    expect(a.frequencyHoldout).toBeUndefined();
  });
});

describe('modelInputFromSummaries', () => {
  it('copies the columns in order, with margin and holdout when the summaries have them', () => {
    const { customers } = summarize(fold(ROWS), window());
    const input = modelInputFromSummaries(customers);
    expect(input.ids).toEqual(['A', 'D', 'E', 'F']);
    expect([...input.frequency]).toEqual([1, 0, 1, 0]);
    expect([...input.recency]).toEqual([10, 0, 15, 0]);
    expect([...input.T]).toEqual([20, 20, 20, 20]);
    expect([...input.monetaryValue]).toEqual([16, 0, 10, 0]);
    expect([...input.revenue!]).toEqual([31, 8, 30, 1]);
    expect(input.margin).not.toBeNull();
    expect(input.holdout!.duration).toBe(20);
    expect([...input.holdout!.frequency]).toEqual([1, 0, 0, 0]);
  });

  it('has no margin column when the sales carry none, and nothing for no customers', () => {
    const sales = new SalesAccumulator({ asOf: 140 });
    sales.add(row('A', 100, 10, '', null));
    const input = modelInputFromSummaries(summarize(sales, { asOf: 140, calibrationEnd: 140, holdout: false, period: parsePeriod('day') }).customers);
    expect(input.margin).toBeNull();
    expect(input.holdout).toBeNull();
    expect(modelInputFromSummaries([]).ids).toEqual([]);
  });
});

describe('summarize at a window earlier than the sales', () => {
  // The campaign segments (the day before the first contact) and the valuation's segments a year back
  // summarize the same sales at an earlier day: what happened after it must not count.
  const sales = new SalesAccumulator({ asOf: 140 });
  for (const r of [
    row('A', 100, 10, 'O1'), row('A', 100, 5, 'O1'), row('A', 105, 20, 'O2'),
    // after day 110: three more orders (two on one day) and a line without order id
    row('A', 120, 30, 'O3'), row('A', 120, 30, 'O4'), row('A', 130, 30, 'O5'), row('A', 135, 7),
    row('B', 102, 8, 'O6'), row('B', 125, 8, 'O7'),
  ]) sales.add(r);
  const at = (day: number) => summarize(sales, { asOf: day, calibrationEnd: day, holdout: false, period: parsePeriod('day') }).customers;

  it('counts the transactions up to that day only', () => {
    expect(at(110).map((c) => [c.id, c.transactions, c.frequency, c.revenue])).toEqual([['A', 2, 1, 35], ['B', 1, 0, 8]]);
    expect(at(122).map((c) => [c.id, c.transactions])).toEqual([['A', 4], ['B', 1]]);
  });

  it('gives the same transactions and margins as before at the sales\' own window', () => {
    expect(at(140).map((c) => [c.id, c.transactions, c.margin])).toEqual([['A', 6, (10 + 5 + 20 + 30 + 30 + 30 + 7) / 4], ['B', 2, 4]]); // O1 (two lines) to O5, and the line without order id
  });

  it('leaves the margin unknown (null) at an earlier window: it is kept per customer, not per day', () => {
    expect(at(110).map((c) => c.margin)).toEqual([null, null]);
  });
});
