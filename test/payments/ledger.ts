/** Hand-made ledgers for the payments tests. */
import type { Day } from '../../src/core/days.js';
import type { PaymentRecord } from '../../src/core/types.js';

/** One row: customer, invoice, invoice day, due day, amount, paid day (null = unpaid), paid amount (default: all). */
export type Row = [customerId: string, invoiceId: string, invoiceDate: Day, dueDate: Day, amount: number, paidDate?: Day | null, paidAmount?: number];

/** Payment records from rows, with line numbers 2, 3, ... as if read from payments.csv. */
export function ledger(...rows: Row[]): PaymentRecord[] {
  return rows.map(([customerId, invoiceId, invoiceDate, dueDate, amount, paidDate = null, paidAmount], k) => ({
    customerId,
    invoiceId,
    invoiceDate,
    dueDate,
    amount,
    paidDate,
    paidAmount: paidDate === null ? 0 : (paidAmount ?? amount),
    file: 'payments.csv',
    line: k + 2,
  }));
}
