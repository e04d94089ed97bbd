/**
 * The payments analysis on a second thread (src/payments/payments-parallel.ts): the analysis (totals, every
 * customer's record, classes, ageing, DSO, issues, the row account) is the sequential one to the last bit,
 * whether the worker runs it, fails to load, or is not used; the worker is really used when asked; the ledger
 * is read in place and stays whole; an error of the analysis is thrown as in a sequential run.
 *
 * The worker runs src/ compiled into a temporary folder (test/helpers/compiled.ts), not dist/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import type { PaymentRecord } from '../../src/core/types.js';
import { analysePayments, type PaymentsAnalysis, type PaymentsOptions } from '../../src/payments/analyse-payments.js';
import { PaymentLedger } from '../../src/payments/ledger.js';
import { analysePaymentsAhead, type PaymentsParallelSettings } from '../../src/payments/payments-parallel.js';
import { UsageError } from '../../src/errors.js';
import { compiledModule, removeCompiled } from '../helpers/compiled.js';
import { expectIdentical } from '../helpers/identical.js';

afterAll(() => removeCompiled());

const worker = (more: PaymentsParallelSettings = {}): PaymentsParallelSettings => ({ threads: 2, minRows: 0, workerUrl: compiledModule('payments/payments-worker.js'), ...more });

/**
 * A ledger of `customers` customers with every case the analysis has: paid, partly paid, open and overdue
 * invoices, credit notes, overpayments, payments after as-of, invoices after as-of, rows whose invoice fields
 * differ, due dates before invoice dates, payments before the invoice or of the wrong sign, ids out of order,
 * odd amounts (-0, tiny, a third of a cent), two files.
 */
function ledgerRows(customers: number, seed = 5): PaymentRecord[] {
  const rng = createRng(seed);
  const u = (): number => rng.uniform();
  const rows: PaymentRecord[] = [];
  let line = 2;
  const order = Array.from({ length: customers }, (_, i) => i).sort(() => u() - 0.5);
  for (const c of order) {
    const customerId = c % 7 === 0 ? `X${c}` : String(c * 13);
    const invoices = 1 + Math.floor(u() * 6);
    for (let k = 0; k < invoices; k++) {
      const invoiceId = `INV-${c}-${k}`;
      const invoiceDate = Math.floor(u() * 800);
      const dueDate = u() < 0.02 ? invoiceDate - 3 : invoiceDate + [0, 14, 30, 60][Math.floor(u() * 4)];
      const credit = u() < 0.08;
      const amount = credit ? -Math.round(u() * 5000) / 100 : [Math.round(u() * 90000) / 100, 100 / 3, 1e-9, 0][u() < 0.95 ? 0 : Math.floor(u() * 3) + 1];
      const file = u() < 0.5 ? 'payments.csv' : 'more.csv';
      const payments = Math.floor(u() * 4);
      if (payments === 0) rows.push({ customerId, invoiceId, invoiceDate, dueDate, amount, paidDate: null, paidAmount: 0, file, line: line++ });
      let left = amount;
      for (let p = 0; p < payments; p++) {
        const paidDate = u() < 0.03 ? invoiceDate - 1 : invoiceDate + Math.floor(u() * 120);
        const paidAmount = u() < 0.02 ? -left : p === payments - 1 ? left + (u() < 0.1 ? 5 : 0) : Math.round(left * u() * 100) / 100;
        left -= paidAmount;
        const differs = u() < 0.02;
        rows.push({ customerId, invoiceId, invoiceDate, dueDate, amount: differs ? amount + 1 : amount, paidDate, paidAmount, file, line: line++ });
      }
    }
  }
  return rows;
}

/** The analysis with its customers as records (the lists themselves are compared by what they give). */
const plain = (a: PaymentsAnalysis): unknown => ({ ...a, customers: a.customers.slice() });

function expectSame(rows: PaymentRecord[], asOf: number, settings: PaymentsParallelSettings, options: PaymentsOptions = {}): number | undefined {
  const reference = analysePayments(PaymentLedger.from(rows), asOf, options);
  const ledger = PaymentLedger.from(rows);
  ledger.trim();
  const pending = analysePaymentsAhead(ledger, asOf, options, settings);
  const result = pending.result();
  expectIdentical(plain(result), plain(reference));
  // the result is kept, and the ledger stays whole
  expect(pending.result()).toBe(result);
  expect([...ledger]).toEqual(rows);
  return pending.thread;
}

describe('the payments analysis on a second thread', () => {
  const rows = ledgerRows(3000);

  it('gives the sequential analysis to the last bit, analysed by the worker', () => {
    // the data have every case: issues of each kind, invoices after as-of, customers of several classes
    const reference = analysePayments(PaymentLedger.from(rows), 600);
    expect(Object.keys(reference.account.issuesByReason).sort()).toEqual(['due date before invoice date', 'invoice fields differ', 'payment before invoice date', 'payment sign']);
    expect(reference.account.invoicesAfterAsOf).toBeGreaterThan(0);
    expect(reference.classes.filter((c) => c.customers > 0).length).toBeGreaterThanOrEqual(4);
    const thread = expectSame(rows, 600, worker());
    expect(thread).toBeDefined();
    expect(thread).not.toBe(threadId);
  });

  it('is the same at another as-of day, with other options, and with few customers (records sent as records)', () => {
    expectSame(rows, 300, worker(), { tolerance: 0.01, ageingEdges: [15, 45], topDebtors: 3, dsoWindowDays: 30 });
    expect(expectSame(ledgerRows(20, 9), 900, worker())).toBeDefined();
  });

  it('runs on this thread below the threshold, with one thread, or with a grouping function', () => {
    expect(expectSame(rows, 600, worker({ minRows: rows.length + 1 }))).toBeUndefined();
    expect(expectSame(rows, 600, worker({ threads: 1 }))).toBeUndefined();
    expect(expectSame(rows, 600, worker(), { group: (id) => (id.startsWith('X') ? 'x' : 'n'), groupName: 'kind' })).toBeUndefined();
  });

  it('runs on this thread, with the same result, when the worker module is missing or fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-payworker-'));
    try {
      const failing = join(dir, 'failing.mjs');
      writeFileSync(failing, 'throw new Error("cannot load");\n');
      expect(expectSame(rows, 600, worker({ workerUrl: pathToFileURL(failing) }))).toBeUndefined();
      expect(expectSame(rows, 600, worker({ workerUrl: pathToFileURL(join(dir, 'none.js')) }))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws the error of the analysis (invalid options) when the result is asked, as on one thread', () => {
    const ledger = PaymentLedger.from(rows);
    const pending = analysePaymentsAhead(ledger, 600, { tolerance: -1 }, worker());
    expect(() => pending.result()).toThrow(UsageError);
    expect(() => pending.result()).toThrow(/invalid amount tolerance -1/);
  });

  it('shares the trimmed columns: a ledger made from the state reads every row, and rows added later are read too', () => {
    const ledger = PaymentLedger.from(rows.slice(0, 500));
    const state = ledger.share();
    expect(state.customer.buffer).toBeInstanceOf(SharedArrayBuffer);
    const copy = PaymentLedger.fromState(structuredClone(state));
    expect([...copy]).toEqual(rows.slice(0, 500));
    expect(copy.recordsOf(rows[0].customerId)).toEqual(ledger.recordsOf(rows[0].customerId));
    for (const r of rows.slice(500, 600)) ledger.push(r);
    expect([...ledger]).toEqual(rows.slice(0, 600));
  });
});
