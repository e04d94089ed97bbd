/**
 * The payment rows of the parallel ingest's worker (range.ts, parallel.ts): every line of the range becomes a
 * log row with the fields of a ledger row (payments/ledger.ts), read with the steps of the sequential fast
 * path (load.ts); the invoice ids go as Latin-1 bytes, as the ledger keeps them (an id with a wider character
 * as a string).
 */
import { NO_DATE } from '../../payments/ledger.js';
import { solid } from '../chars.js';
import { PaymentValues } from '../payment-line.js';
import { RangeLog } from './range.js';
import { PAYMENT_ROW, type LogChunk, type PaymentChunk, type PaymentColumns, type RangeJob } from './protocol.js';

/** Folds the lines of one payments range into log chunks. */
export class PaymentRangeLog extends RangeLog<typeof PAYMENT_ROW, PaymentChunk> {
  private readonly values: PaymentValues;
  /** The invoice ids of the chunk being filled. */
  private idBytes = new Uint8Array(1 << 16);
  private idUsed = 0;
  private wideRows: number[] = [];
  private wideIds: string[] = [];

  constructor(
    private readonly columns: PaymentColumns,
    job: Pick<RangeJob, 'dateFormat' | 'decimal' | 'segmentRows'> & Partial<Pick<RangeJob, 'latest' | 'maxField'>>,
    emit: (chunk: PaymentChunk) => void,
  ) {
    super(PAYMENT_ROW, columns, job, emit);
    this.values = new PaymentValues(columns, job.latest ?? Infinity);
  }

  protected extras(): Omit<PaymentChunk, keyof LogChunk> {
    const extras = { idBytes: this.idBytes.slice(0, this.idUsed), wideRows: this.wideRows, wideIds: this.wideIds };
    this.idUsed = 0;
    this.wideRows = [];
    this.wideIds = [];
    return extras;
  }

  /**
   * Adds the invoice id `text.slice(s, e)` to the chunk's bytes (see PaymentLedger's idBytes); false when it
   * has a character beyond Latin-1 (nothing added).
   */
  private latin1(text: string, s: number, e: number): boolean {
    let at = this.idUsed;
    if (at + e - s > this.idBytes.length) {
      const bytes = new Uint8Array(Math.max(2 * this.idBytes.length, at + e - s));
      bytes.set(this.idBytes.subarray(0, at));
      this.idBytes = bytes;
    }
    const bytes = this.idBytes;
    for (let k = s; k < e; k++) {
      const code = text.charCodeAt(k);
      if (code > 255) return false;
      bytes[at++] = code;
    }
    this.idUsed = at;
    return true;
  }

  /** The fields of a line are in `fields.starts` and `fields.ends`: the same steps as the fast path of load.ts. */
  protected row(text: string): boolean {
    const f = this.fields;
    const cols = this.columns;
    const b = this.customer(text, cols.customerId);
    if (b < 0) return false;
    // The invoice id as FieldReader.requiredText gives it (trimmed), not empty.
    const is = f.starts[cols.invoiceId];
    const ie = f.ends[cols.invoiceId];
    if (is === ie) return false;
    let idText = text;
    let s = is;
    let e = ie;
    if (!solid(text.charCodeAt(is)) || !solid(text.charCodeAt(ie - 1))) {
      idText = text.slice(is, ie).trim();
      s = 0;
      e = idText.length;
      if (e === 0) return false;
    }
    if (!this.values.read(f)) return false;
    const r = this.nextRow();
    if (!this.latin1(idText, s, e)) {
      this.wideRows.push(r - this.from);
      this.wideIds.push(idText.slice(s, e));
    }
    const seg = this.segment;
    const v = this.values;
    seg.customer[r] = b;
    seg.invoiceDate[r] = v.invoiceDate;
    seg.dueDate[r] = v.dueDate;
    seg.amount[r] = v.amount;
    seg.paidDate[r] = v.paid ? v.paidDate : NO_DATE;
    seg.paidAmount[r] = v.paidAmount;
    seg.line[r] = this.lineNumber;
    seg.idEnd[r] = this.idUsed;
    return true;
  }
}
