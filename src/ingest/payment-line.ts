/**
 * The dates and amounts of a plain payments line, read as the sequential fast path (load.ts) and the parallel
 * range reader (parallel/payments-range.ts) read them: one set of steps, so that both decline the same lines.
 */
import type { LineFields, ResolvedColumns } from './table.js';
import type { PaymentColumns } from './parallel/protocol.js';

/** The payments columns of a resolved header (-1 when absent), as the range reader takes them. */
export function paymentColumns(columns: ResolvedColumns, delimiter: string): PaymentColumns {
  const ix = columns.index;
  return {
    count: columns.headers.length,
    delimiter,
    customerId: ix.customer_id,
    invoiceId: ix.invoice_id,
    invoiceDate: ix.invoice_date,
    dueDate: ix.due_date,
    amount: ix.amount,
    paidDate: ix.paid_date,
    paidAmount: ix.paid_amount,
  };
}

/** The values of the last line read (see {@link read}). */
export class PaymentValues {
  invoiceDate = 0;
  dueDate = 0;
  amount = 0;
  /** Whether the line has a paid date (then `paidDate`). */
  paid = false;
  paidDate = 0;
  /** The amount paid: 0 without a paid date, the amount when paid_amount is empty. */
  paidAmount = 0;

  /** `latest`: dates after it decline the line (the general path then gives the future-date error). */
  constructor(
    private readonly cols: PaymentColumns,
    private readonly latest: number,
  ) {}

  /**
   * Reads the dates and amounts of the line whose fields are in `f`. False at any doubt (a date or amount the
   * digit readers do not take, a future date, paid_amount without paid_date): the line then takes the general
   * path (FieldReader), which gives the row or its error.
   */
  read(f: LineFields): boolean {
    const cols = this.cols;
    const invoiceDate = f.date(cols.invoiceDate);
    if (invoiceDate !== invoiceDate || invoiceDate > this.latest) return false;
    const dueDate = f.date(cols.dueDate);
    if (dueDate !== dueDate) return false;
    const amount = f.amount(cols.amount);
    if (amount !== amount) return false;
    let paidDate: number | null = null;
    if (cols.paidDate >= 0 && !f.empty(cols.paidDate)) {
      paidDate = f.date(cols.paidDate);
      if (paidDate !== paidDate || paidDate > this.latest) return false;
    }
    let paid: number | null = null;
    if (cols.paidAmount >= 0 && !f.empty(cols.paidAmount)) {
      paid = f.amount(cols.paidAmount);
      if (paid !== paid) return false;
    }
    if (paidDate === null && paid !== null && paid !== 0) return false;
    this.invoiceDate = invoiceDate;
    this.dueDate = dueDate;
    this.amount = amount;
    this.paid = paidDate !== null;
    this.paidDate = paidDate ?? 0;
    this.paidAmount = paidDate === null ? 0 : (paid ?? amount);
    return true;
  }
}
