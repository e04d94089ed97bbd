/**
 * The sales rows of the parallel ingest's worker (range.ts, parallel.ts): every line of the range becomes a
 * log row (customer, day, amount, margin, and how its order relates to the customer's previous rows of the
 * range) that the main thread adds to its accumulator in file order, with the steps of the sequential fast
 * path (load.ts).
 */
import { ORDER_FIRST, ORDER_NEW, ORDER_NONE, ORDER_RETURN, ORDER_SAME } from '../../accumulate/sales.js';
import { own, sameText, solid } from '../chars.js';
import { RangeLog } from './range.js';
import { ROW_AFTER, ROW_MARGIN, SALES_ROW, type LogChunk, type RangeColumns, type RangeJob, type SalesChunk } from './protocol.js';

/** Folds the lines of one sales range into log chunks. */
export class SalesRangeLog extends RangeLog<typeof SALES_ROW, SalesChunk> {
  private readonly asOf: number;
  private readonly latest: number;
  private readonly withMargin: boolean;
  private readonly lastOrderIds: string[] = [];
  private lastOrderDays = new Float64Array(1024);
  private purchased = new Uint8Array(1024);
  /** The chunk in which each customer's last order last changed (+1; 0 = never). */
  private touchedIn = new Int32Array(1024);
  private touched: number[] = [];
  private chunkNumber = 1;
  /**
   * The last order id of customer `pending` is `pendingText.slice(pendingStart, pendingEnd)`, not yet copied
   * into lastOrderIds (copied when another customer's order or another text comes): the lines of one
   * customer are often consecutive, and this compares and copies an order id once per customer, not per line.
   */
  private pending = -1;
  private pendingText = '';
  private pendingStart = 0;
  private pendingEnd = 0;
  private firstOrders: string[] = [];

  constructor(
    private readonly columns: RangeColumns,
    job: Pick<RangeJob, 'dateFormat' | 'decimal' | 'asOf' | 'segmentRows'> & Partial<Pick<RangeJob, 'latest' | 'maxField'>>,
    emit: (chunk: SalesChunk) => void,
  ) {
    super(SALES_ROW, columns, job, emit);
    this.asOf = job.asOf ?? Infinity;
    this.latest = job.latest ?? Infinity;
    this.withMargin = columns.cost >= 0 || columns.margin >= 0;
  }

  protected extras(): Omit<SalesChunk, keyof LogChunk> {
    const updated = this.touched;
    const lastOrderDays: number[] = new Array(updated.length);
    const lastOrderIds: string[] = new Array(updated.length);
    for (let i = 0; i < updated.length; i++) {
      lastOrderIds[i] = this.lastOrderIds[updated[i]];
      lastOrderDays[i] = this.lastOrderDays[updated[i]];
    }
    const firstOrders = this.firstOrders;
    this.firstOrders = [];
    this.touched = [];
    this.chunkNumber++;
    return { firstOrders, updated, lastOrderIds, lastOrderDays };
  }

  /** Copies the pending order id (see `pending`); called at the end of every text. */
  override settle(): void {
    if (this.pending >= 0) {
      this.lastOrderIds[this.pending] = own(this.pendingText.slice(this.pendingStart, this.pendingEnd));
      this.pending = -1;
      this.pendingText = '';
    }
  }

  protected override customerAdded(b: number): void {
    if (b === this.purchased.length) {
      const days = new Float64Array(b * 2);
      days.set(this.lastOrderDays);
      this.lastOrderDays = days;
      const purchased = new Uint8Array(b * 2);
      purchased.set(this.purchased);
      this.purchased = purchased;
      const touchedIn = new Int32Array(b * 2);
      touchedIn.set(this.touchedIn);
      this.touchedIn = touchedIn;
    }
    this.lastOrderIds.push('');
  }

  /** The fields of a line are in `fields.starts` and `fields.ends`: the same steps as the fast path of load.ts. */
  protected row(text: string): boolean {
    const f = this.fields;
    const cols = this.columns;
    const b = this.customer(text, cols.customerId);
    if (b < 0) return false;
    const day = f.date(cols.date);
    if (day !== day || (day | 0) !== day || day > this.latest) return false;
    const amount = f.amount(cols.amount);
    if (amount !== amount) return false;
    let margin = 0;
    let flags = 0;
    if (cols.cost >= 0 && !f.empty(cols.cost)) {
      const cost = f.amount(cols.cost);
      if (cost !== cost) return false;
      margin = amount - cost;
      flags = ROW_MARGIN;
    } else if (cols.margin >= 0 && !f.empty(cols.margin)) {
      margin = f.amount(cols.margin);
      if (margin !== margin) return false;
      flags = ROW_MARGIN;
    }
    if (day > this.asOf) flags |= ROW_AFTER;
    else if (amount >= 0) flags |= this.order(b, day, text);
    else flags |= ORDER_RETURN;
    const r = this.nextRow();
    const seg = this.segment;
    seg.customer[r] = b;
    seg.day[r] = day;
    seg.amount[r] = amount;
    if (this.withMargin) seg.margin[r] = margin;
    seg.flags[r] = flags;
    return true;
  }

  /** Notes that customer `b`'s last order changes in this chunk. */
  private touch(b: number): void {
    if (this.touchedIn[b] !== this.chunkNumber) {
      this.touchedIn[b] = this.chunkNumber;
      this.touched.push(b);
    }
  }

  /**
   * SalesAccumulator.addLine's order logic for a purchase row of customer `b`, on the range's own state;
   * the customer's first purchase row with an order id is left to the main thread (ORDER_FIRST), which knows
   * whether it continues the last order before the range.
   */
  private order(b: number, day: number, text: string): number {
    const first = this.purchased[b] === 0;
    this.purchased[b] = 1;
    const column = this.columns.orderId;
    const f = this.fields;
    const os = column < 0 ? 0 : f.starts[column];
    const oe = column < 0 ? 0 : f.ends[column];
    if (os === oe) {
      if (this.pending === b) this.pending = -1;
      this.lastOrderIds[b] = '';
      this.touch(b);
      return ORDER_NONE;
    }
    if (solid(text.charCodeAt(os)) && solid(text.charCodeAt(oe - 1))) {
      // The order id in place: compared with the pending one or the copied one.
      let same: boolean;
      if (this.pending === b) {
        const ps = this.pendingStart;
        same = this.pendingEnd - ps === oe - os && this.lastOrderDays[b] === day;
        for (let i = 0; same && i < oe - os; i++) same = text.charCodeAt(ps + i) === text.charCodeAt(os + i);
      } else {
        const last = this.lastOrderIds[b];
        same = last !== '' && last.length === oe - os && this.lastOrderDays[b] === day && sameText(text, os, last);
      }
      if (same) return ORDER_SAME;
      this.lastOrderDays[b] = day;
      this.touch(b);
      if (first) {
        const id = own(text.slice(os, oe));
        this.lastOrderIds[b] = id;
        this.firstOrders.push(id);
        return ORDER_FIRST;
      }
      if (this.pending !== b) this.settle();
      this.pending = b;
      this.pendingText = text;
      this.pendingStart = os;
      this.pendingEnd = oe;
      return ORDER_NEW;
    }
    // An order id with spaces around it: as a trimmed string.
    if (this.pending === b) this.settle();
    const orderId = own(text.slice(os, oe).trim());
    this.touch(b);
    if (orderId === '') {
      this.lastOrderIds[b] = '';
      return ORDER_NONE;
    }
    const last = this.lastOrderIds[b];
    if (last !== '' && last === orderId && this.lastOrderDays[b] === day) return ORDER_SAME;
    this.lastOrderIds[b] = orderId;
    this.lastOrderDays[b] = day;
    if (first) {
      this.firstOrders.push(orderId);
      return ORDER_FIRST;
    }
    return ORDER_NEW;
  }
}
