/** PaymentLedger: rows kept column by column read back exactly; folding from a ledger equals folding the records. */
import { describe, expect, it } from 'vitest';
import { PaymentLedger } from '../../src/payments/ledger.js';
import { foldByCustomer, foldInvoices } from '../../src/payments/invoices.js';
import { analysePayments } from '../../src/payments/analyse-payments.js';
import { ledger } from './ledger.js';

const rows = [
  ...ledger(
    ['10', 'A', 0, 30, 100, 10, 40],
    ['9', 'B', 5, 35, 50],
    ['10', 'A', 0, 30, 100, 20, 60],
    ['abc', 'CN1', 7, 7, -25.5, 8, -25.5],
    ['9', 'C', 40, 70, 80.125, null],
    ['10', 'D', 400, 430, 10],
  ),
  { customerId: '9', invoiceId: 'E', invoiceDate: 3, dueDate: 33, amount: 1e-300, paidDate: null, paidAmount: 0, file: 'more.csv', line: 7 },
];

describe('PaymentLedger', () => {
  it('reads every row back as the record it was given, in input order', () => {
    const l = PaymentLedger.from(rows);
    expect(l.length).toBe(rows.length);
    expect([...l]).toEqual(rows);
    expect(l.get(4).paidDate).toBeNull();
    expect(l.ids).toEqual(['10', '9', 'abc']);
  });

  it('trim keeps every row, and rows pushed after it are read back too', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...rows[i % rows.length], line: i + 2 }));
    const l = PaymentLedger.from(many.slice(0, 2000));
    l.trim();
    expect([...l]).toEqual(many.slice(0, 2000));
    for (const r of many.slice(2000)) l.push(r);
    expect([...l]).toEqual(many);
  });

  it('lists the rows of each customer in input order, and one customer\u2019s records', () => {
    const l = PaymentLedger.from(rows);
    const { start, rows: order } = l.rowsByCustomer();
    expect(Array.from(start)).toEqual([0, 3, 6, 7]);
    expect(Array.from(order)).toEqual([0, 2, 5, 1, 4, 6, 3]);
    expect(l.recordsOf('9')).toEqual([rows[1], rows[4], rows[6]]);
    expect(l.recordsOf('nobody')).toEqual([]);
  });

  it('folds to the same invoices, issues and account as the records themselves, customers in id order', () => {
    const asOf = 100;
    expect(foldInvoices(PaymentLedger.from(rows), asOf)).toEqual(foldInvoices(rows, asOf));
    expect(analysePayments(PaymentLedger.from(rows), asOf)).toEqual(analysePayments(rows, asOf));
    const seen: string[] = [];
    const { account } = foldByCustomer(rows, asOf, {}, (id, invoices) => {
      seen.push(id);
      expect(invoices.every((i) => i.customerId === id)).toBe(true);
    });
    // numeric ids by value (9 before 10); invoice D (day 400) is after as-of
    expect(seen).toEqual(['9', '10', 'abc']);
    expect(account).toMatchObject({ rows: 7, used: 6, invoicesAfterAsOf: 1, excluded: { 'invoice after as-of': 1 } });
  });

  it('grows past its initial capacity', () => {
    const many = ledger(...Array.from({ length: 3000 }, (_, i) => [`C${i % 7}`, `I${i}`, i, i + 30, i + 0.5] as [string, string, number, number, number]));
    const l = PaymentLedger.from(many);
    expect(l.length).toBe(3000);
    expect(l.get(2999)).toEqual(many[2999]);
    expect(l.recordsOf('C3')).toHaveLength(429);
  });
});

describe('PaymentLedger invoice ids', () => {
  const ids = ['INV-1', 'INV-2', 'Fé-ø', '発票-1', '発票-1', 'INV-1', '', '😀', 'INV-1x', 'Fé-ø', 'ÿ'];
  const records = ids.map((invoiceId, k) => ({ customerId: 'X', invoiceId, invoiceDate: 0, dueDate: 30, amount: 10, paidDate: null, paidAmount: 0, file: 'p.csv', line: k + 2 }));

  it('reads back every id as given: Latin-1 ones from bytes, wider ones as strings, through growth and trim', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ ...records[i % records.length], invoiceId: `${records[i % records.length].invoiceId}${i % 7 ? '' : i}` }));
    const l = PaymentLedger.from(many.slice(0, 3000));
    l.trim();
    for (const r of many.slice(3000)) l.push(r);
    expect([...l].map((r) => r.invoiceId)).toEqual(many.map((r) => r.invoiceId));
    const cols = l.columns();
    for (let i = 0; i < 200; i++) for (let j = 0; j < 200; j += 7) expect(cols.sameInvoice(i, j)).toBe(many[i].invoiceId === many[j].invoiceId);
  });

  it('groups the rows of a customer into invoices by equal ids only (by hand)', () => {
    const invoices = foldInvoices(records, 100).invoices;
    // ids in text order (same invoice date): '', 'Fé-ø' ×2, 'INV-1' ×2, 'INV-1x', 'INV-2', 'ÿ', '発票-1' ×2, '😀'
    expect(invoices.map((i) => [i.invoiceId, i.rows])).toEqual([['', 1], ['Fé-ø', 2], ['INV-1', 2], ['INV-1x', 1], ['INV-2', 1], ['ÿ', 1], ['発票-1', 2], ['😀', 1]]);
  });
});
