import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { foldInvoices, type Invoice } from '../../src/payments/invoices.js';
import { ledger } from './ledger.js';

const find = (invoices: Invoice[], id: string): Invoice => {
  const invoice = invoices.find((i) => i.invoiceId === id);
  if (!invoice) throw new Error(`no invoice ${id}`);
  return invoice;
};

describe('foldInvoices', () => {
  it('settles an invoice paid in full on its paid date', () => {
    const { invoices, issues } = foldInvoices(ledger(['c1', 'i1', 0, 30, 100, 25]), 60);
    expect(issues).toEqual([]);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ kind: 'invoice', paid: 100, settledDate: 25, residual: 0, open: 0, credit: 0, daysPastDue: 30, rows: 1, line: 2 });
  });

  it('keeps a partial payment on one row open for the rest', () => {
    // 100 invoiced, 40 paid on day 10: 60 open at day 60, 30 days past due
    const [invoice] = foldInvoices(ledger(['c1', 'i1', 0, 30, 100, 10, 40]), 60).invoices;
    expect(invoice).toMatchObject({ paid: 40, settledDate: null, residual: 60, open: 60, credit: 0, daysPastDue: 30 });
  });

  it('folds several rows of one invoice into its payments and settles on the day the sum reaches the amount', () => {
    // rows out of date order: 40 on day 50, 30 on day 10, 30 on day 20 → cumulative 30, 60, 100 on days 10, 20, 50
    const { invoices, account } = foldInvoices(
      ledger(['c1', 'i1', 0, 30, 100, 50, 40], ['c1', 'i1', 0, 30, 100, 10, 30], ['c1', 'i1', 0, 30, 100, 20, 30]),
      60,
    );
    expect(invoices).toHaveLength(1);
    expect(invoices[0].payments.map((p) => [p.day, p.amount, p.line])).toEqual([
      [10, 30, 3],
      [20, 30, 4],
      [50, 40, 2],
    ]);
    expect(invoices[0]).toMatchObject({ paid: 100, settledDate: 50, open: 0, rows: 3, line: 2 });
    expect(account).toMatchObject({ rows: 3, used: 3, issues: 0 });
  });

  it('settles when the cents of the export add up to the amount (tolerance)', () => {
    // 33.33 + 33.33 + 33.34 is 100.00000000000001 in floating point
    const [invoice] = foldInvoices(
      ledger(['c1', 'i1', 0, 30, 100, 5, 33.33], ['c1', 'i1', 0, 30, 100, 6, 33.33], ['c1', 'i1', 0, 30, 100, 7, 33.34]),
      60,
    ).invoices;
    expect(invoice.settledDate).toBe(7);
    expect(invoice.residual).toBe(0);
    // one cent short is not settled: residual 0.01 > 0.005
    const [short] = foldInvoices(ledger(['c1', 'i1', 0, 30, 100, 5, 99.99]), 60).invoices;
    expect(short.settledDate).toBeNull();
    expect(short.open).toBeCloseTo(0.01, 10);
  });

  it('records an overpayment as a credit, settled when the amount is reached', () => {
    // 100 invoiced; 60 on day 10, 60 on day 20: settled day 20, 20 overpaid
    const [invoice] = foldInvoices(ledger(['c1', 'i1', 0, 30, 100, 10, 60], ['c1', 'i1', 0, 30, 100, 20, 60]), 60).invoices;
    expect(invoice).toMatchObject({ paid: 120, settledDate: 20, residual: -20, open: 0, credit: 20 });
  });

  it('treats negative amounts as credit notes: open credit until refunded', () => {
    const { invoices } = foldInvoices(ledger(['c1', 'cn1', 10, 10, -50], ['c1', 'cn2', 12, 12, -30, 15], ['c1', 'cn3', 14, 14, -40, 16, -10]), 60);
    // cn1 unrefunded: credit 50; cn2 refunded in full on day 15: settled, no credit; cn3 refunded 10 of 40: credit 30
    expect(find(invoices, 'cn1')).toMatchObject({ kind: 'credit-note', residual: -50, open: 0, credit: 50, settledDate: null });
    expect(find(invoices, 'cn2')).toMatchObject({ kind: 'credit-note', paid: -30, residual: 0, open: 0, credit: 0, settledDate: 15 });
    expect(find(invoices, 'cn3')).toMatchObject({ kind: 'credit-note', paid: -10, residual: -30, open: 0, credit: 30, settledDate: null });
  });

  it('reports a payment dated before the invoice date and does not use it', () => {
    // invoice of day 20 "paid" on day 15 (line 2), then a valid 30 on day 25 (line 3)
    const { invoices, issues, account } = foldInvoices(ledger(['c1', 'i1', 20, 50, 100, 15], ['c1', 'i1', 20, 50, 100, 25, 30]), 60);
    expect(issues).toEqual([
      {
        file: 'payments.csv',
        line: 2,
        customerId: 'c1',
        invoiceId: 'i1',
        reason: 'payment before invoice date',
        message: 'payment dated 1970-01-16 before invoice date 1970-01-21: payment not used',
      },
    ]);
    // the invoice counts (from the first row's invoice fields), with only the valid payment: 70 open, 10 past due
    expect(invoices[0]).toMatchObject({ amount: 100, paid: 30, open: 70, settledDate: null, daysPastDue: 10, rows: 1 });
    expect(account).toEqual({
      rows: 2,
      used: 1,
      issues: 1,
      issuesByReason: { 'payment before invoice date': 1 },
      excluded: {},
      invoicesAfterAsOf: 0,
      paymentsAfterAsOf: 0,
    });
  });

  it('accepts a payment on the invoice date itself', () => {
    const [invoice] = foldInvoices(ledger(['c1', 'i1', 20, 50, 100, 20]), 60).invoices;
    expect(invoice.settledDate).toBe(20);
  });

  it('reports rows whose amount or dates differ from the first row of the invoice, and does not use them', () => {
    const { invoices, issues } = foldInvoices(
      ledger(['c1', 'i1', 0, 30, 100, 10, 50], ['c1', 'i1', 0, 30, 120, 20, 50], ['c1', 'i1', 0, 31, 100, 20, 50]),
      60,
    );
    expect(issues.map((i) => [i.line, i.reason, i.message])).toEqual([
      [3, 'invoice fields differ', "amount 120 differs from 100 on line 2, the invoice's first row: row not used"],
      [4, 'invoice fields differ', "due date 1970-02-01 differs from 1970-01-31 on line 2, the invoice's first row: row not used"],
    ]);
    expect(invoices[0]).toMatchObject({ amount: 100, paid: 50, open: 50, rows: 1 });
  });

  it('reports an invoice due before it was issued and leaves it out', () => {
    const { invoices, issues, account } = foldInvoices(ledger(['c1', 'i1', 10, 5, 100], ['c1', 'i1', 10, 5, 100, 20]), 60);
    expect(invoices).toEqual([]);
    expect(issues.map((i) => [i.line, i.reason])).toEqual([
      [2, 'due date before invoice date'],
      [3, 'due date before invoice date'],
    ]);
    expect(account).toMatchObject({ rows: 2, used: 0, issues: 2 });
  });

  it('reports a payment whose sign is opposite to the amount', () => {
    const { invoices, issues } = foldInvoices(ledger(['c1', 'i1', 0, 30, 100, 10, -20], ['c1', 'cn1', 0, 0, -50, 10, 50]), 60);
    expect(issues.map((i) => [i.line, i.reason])).toEqual([
      [2, 'payment sign'],
      [3, 'payment sign'],
    ]);
    expect(find(invoices, 'i1').open).toBe(100);
    expect(find(invoices, 'cn1').credit).toBe(50);
  });

  it('ignores payments after the as-of day but counts one on the as-of day', () => {
    const { invoices, account } = foldInvoices(ledger(['c1', 'i1', 0, 30, 100, 61], ['c1', 'i2', 0, 30, 100, 60]), 60);
    // i1 is paid the day after as-of: open at as-of, 30 days past due
    expect(find(invoices, 'i1')).toMatchObject({ paid: 0, paidAfterAsOf: 100, settledDate: null, open: 100, daysPastDue: 30 });
    expect(find(invoices, 'i1').payments).toHaveLength(1);
    expect(find(invoices, 'i2')).toMatchObject({ paid: 100, settledDate: 60, open: 0 });
    expect(account).toMatchObject({ rows: 2, used: 2, paymentsAfterAsOf: 1 });
  });

  it('leaves out invoices dated after the as-of day and counts their rows', () => {
    const { invoices, account } = foldInvoices(
      ledger(['c1', 'i1', 60, 90, 100], ['c1', 'i2', 61, 91, 100], ['c1', 'i2', 61, 91, 100, 70, 50], ['c2', 'i3', 70, 100, 5]),
      60,
    );
    expect(invoices.map((i) => i.invoiceId)).toEqual(['i1']);
    expect(account).toEqual({
      rows: 4,
      used: 1,
      issues: 0,
      issuesByReason: {},
      excluded: { 'invoice after as-of': 3 },
      invoicesAfterAsOf: 2,
      paymentsAfterAsOf: 0,
    });
  });

  it('counts an invoice due exactly on the as-of day as not past due', () => {
    const [invoice] = foldInvoices(ledger(['c1', 'i1', 30, 60, 100]), 60).invoices;
    expect(invoice.daysPastDue).toBe(0);
    expect(invoice.open).toBe(100);
  });

  it('accounts for every row: rows = used + issues + excluded', () => {
    const { account } = foldInvoices(
      ledger(
        ['c1', 'i1', 0, 30, 100, 10, 50],
        ['c1', 'i1', 0, 30, 90, 20, 50],
        ['c1', 'i2', 10, 5, 100],
        ['c2', 'i3', 20, 50, 100, 10],
        ['c2', 'i4', 99, 120, 100],
        ['c3', 'i5', 0, 30, 100, 80],
      ),
      60,
    );
    const excluded = Object.values(account.excluded).reduce((a, b) => a + b, 0);
    expect(account).toMatchObject({ rows: 6, used: 2, issues: 3, paymentsAfterAsOf: 1 });
    expect(account.used + account.issues + excluded).toBe(account.rows);
  });

  it('keeps invoices of the same id apart for different customers and orders them by customer, date and id', () => {
    const { invoices } = foldInvoices(ledger(['10', 'a', 5, 30, 1], ['9', 'a', 7, 30, 2], ['9', 'b', 3, 30, 3], ['9', 'a2', 7, 30, 4]), 60);
    expect(invoices.map((i) => `${i.customerId}/${i.invoiceId}`)).toEqual(['9/b', '9/a', '9/a2', '10/a']);
  });

  it('rejects a negative tolerance', () => {
    expect(() => foldInvoices([], 0, { tolerance: -1 })).toThrow(UsageError);
  });
});
