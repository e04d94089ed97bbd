/**
 * The rows of the payments file held column by column: customer ids interned to indexes, dates and amounts in
 * typed arrays, the invoice ids as one array of strings. About 70 bytes a row instead of an object of nine
 * fields (about 300 bytes), so a ledger of 4.5 million rows (a million customers) takes about 300 MB rather
 * than 1.4 GB. Rows are read back as {@link PaymentRecord}s, customer by customer, only while they are used.
 */
import type { Day } from '../core/days.js';
import type { PaymentRecord } from '../core/types.js';
import { own } from '../core/strings.js';
import { grow } from '../accumulate/sales.js';

/** The paid date of a row without one, in {@link LedgerColumns.paidDate}. */
export const NO_DATE = -2147483648;

/** The columns of a ledger, read only (see {@link PaymentLedger.columns}); row i of each is row i of the ledger. */
export interface LedgerColumns {
  customer: Int32Array;
  /** The invoice id of row i (a new string for most rows: see {@link PaymentLedger}). */
  invoiceId: (i: number) => string;
  /** Whether rows i and j have the same invoice id (compared without making the strings). */
  sameInvoice: (i: number, j: number) => boolean;
  invoiceDate: Int32Array;
  dueDate: Int32Array;
  /** {@link NO_DATE} for a row without a paid date. */
  paidDate: Int32Array;
  amount: Float64Array;
  paidAmount: Float64Array;
  line: Int32Array;
  /** Index into `files`. */
  file: Uint16Array;
  files: readonly string[];
}

const INITIAL = 1024;

/**
 * A ledger's rows as data another thread can take (see {@link PaymentLedger.share}): its columns on
 * SharedArrayBuffers, read in place by both threads, the strings copied.
 */
export interface LedgerState {
  size: number;
  ids: string[];
  files: string[];
  idBytes: Uint8Array;
  idEnd: Uint32Array;
  idUsed: number;
  wideIds: Map<number, string>;
  customer: Int32Array;
  invoiceDate: Int32Array;
  dueDate: Int32Array;
  paidDate: Int32Array;
  amount: Float64Array;
  paidAmount: Float64Array;
  line: Int32Array;
  file: Uint16Array;
}

/** `array` on a SharedArrayBuffer, trimmed to `n` elements: itself when it already is one of that length. */
function sharedCopy<T extends Int32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array>(array: T, n: number): T {
  if (array.buffer instanceof SharedArrayBuffer && array.length === n) return array;
  const Type = array.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Type(new SharedArrayBuffer(n * array.BYTES_PER_ELEMENT));
  copy.set(array.subarray(0, n));
  return copy;
}

/** Payment rows in input order (see the file comment). */
export class PaymentLedger implements Iterable<PaymentRecord> {
  /** Customer ids in first-seen order; a row's customer is `ids[customer]`. */
  readonly ids: string[] = [];
  /** Customer id → index in `ids`; null until first needed in a ledger made by {@link fromState}. */
  private index: Map<string, number> | null = new Map<string, number>();
  private readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  /**
   * Invoice ids as Latin-1 bytes, one per character, row after row (`idEnd[i]`: where row i's ends): 12 bytes
   * and an offset for a 12-character id instead of a string of 32 bytes and its pointer, about 90 MB less for
   * a ledger of 4.5M rows. An id with a character beyond Latin-1 (or past 4 GB of ids) is kept as a string in
   * `wideIds`.
   */
  private idBytes: Uint8Array = new Uint8Array(INITIAL * 16);
  private idText: Buffer = Buffer.from(this.idBytes.buffer, 0, this.idBytes.length);
  private idEnd: Uint32Array = new Uint32Array(INITIAL);
  private idUsed = 0;
  private readonly wideIds = new Map<number, string>();
  private size = 0;
  private capacity = INITIAL;
  private customer: Int32Array = new Int32Array(INITIAL);
  private invoiceDate: Int32Array = new Int32Array(INITIAL);
  private dueDate: Int32Array = new Int32Array(INITIAL);
  private paidDate: Int32Array = new Int32Array(INITIAL);
  private amount: Float64Array = new Float64Array(INITIAL);
  private paidAmount: Float64Array = new Float64Array(INITIAL);
  private line: Int32Array = new Int32Array(INITIAL);
  private file: Uint16Array = new Uint16Array(INITIAL);

  /** A ledger of `records`, in their order. */
  static from(records: Iterable<PaymentRecord>): PaymentLedger {
    if (records instanceof PaymentLedger) return records;
    const ledger = new PaymentLedger();
    for (const r of records) ledger.push(r);
    return ledger;
  }

  /** The index of the customer ids (made from `ids` when the ledger was made by {@link fromState}). */
  private customerIndex(): Map<string, number> {
    if (this.index === null) this.index = new Map(this.ids.map((id, c) => [id, c]));
    return this.index;
  }

  /**
   * The rows as data for another thread ({@link fromState} there): the columns are on SharedArrayBuffers once
   * trimmed ({@link trim}, which the reader calls; this ledger reads them there too, so they are not held
   * twice) and both threads read them in place. No row may be added while the other thread reads them.
   */
  share(): LedgerState {
    const n = this.size;
    this.trim();
    return {
      size: n,
      ids: this.ids,
      files: this.files,
      idBytes: this.idBytes,
      idEnd: this.idEnd,
      idUsed: this.idUsed,
      wideIds: this.wideIds,
      customer: this.customer,
      invoiceDate: this.invoiceDate,
      dueDate: this.dueDate,
      paidDate: this.paidDate,
      amount: this.amount,
      paidAmount: this.paidAmount,
      line: this.line,
      file: this.file,
    };
  }

  /** The ledger of a {@link share}d state (in another thread): the same rows, read from the same columns. */
  static fromState(state: LedgerState): PaymentLedger {
    const ledger = new PaymentLedger();
    ledger.size = state.size;
    ledger.capacity = state.customer.length;
    for (const id of state.ids) ledger.ids.push(id);
    ledger.index = null;
    state.files.forEach((file, f) => {
      ledger.files.push(file);
      ledger.fileIndex.set(file, f);
    });
    ledger.idBytes = state.idBytes;
    ledger.idText = Buffer.from(state.idBytes.buffer, state.idBytes.byteOffset, state.idBytes.length);
    ledger.idEnd = state.idEnd;
    ledger.idUsed = state.idUsed;
    for (const [i, id] of state.wideIds) ledger.wideIds.set(i, id);
    ledger.customer = state.customer;
    ledger.invoiceDate = state.invoiceDate;
    ledger.dueDate = state.dueDate;
    ledger.paidDate = state.paidDate;
    ledger.amount = state.amount;
    ledger.paidAmount = state.paidAmount;
    ledger.line = state.line;
    ledger.file = state.file;
    return ledger;
  }

  /** Number of rows. */
  get length(): number {
    return this.size;
  }

  /** Shrinks the columns to the rows they hold (they double as they grow); called when the reading is done. */
  trim(): void {
    // on SharedArrayBuffers, so that another thread can read them in place (share) without a second copy
    const c = Math.max(16, this.size);
    this.customer = sharedCopy(this.customer, c);
    this.invoiceDate = sharedCopy(this.invoiceDate, c);
    this.dueDate = sharedCopy(this.dueDate, c);
    this.paidDate = sharedCopy(this.paidDate, c);
    this.amount = sharedCopy(this.amount, c);
    this.paidAmount = sharedCopy(this.paidAmount, c);
    this.line = sharedCopy(this.line, c);
    this.file = sharedCopy(this.file, c);
    this.idEnd = sharedCopy(this.idEnd, c);
    this.capacity = c;
    // the invoice ids' bytes grow on their own
    this.idBytes = sharedCopy(this.idBytes, Math.max(16, this.idUsed));
    this.idText = Buffer.from(this.idBytes.buffer, this.idBytes.byteOffset, this.idBytes.length);
  }

  /** Appends one row. */
  push(r: PaymentRecord): void {
    this.add(r.customerId, r.invoiceId, r.invoiceDate, r.dueDate, r.amount, r.paidDate, r.paidAmount, r.file, r.line);
  }

  /** Appends one row given by its fields (as {@link push}, without a record object: the reader's fast path). */
  add(customerId: string, invoiceId: string, invoiceDate: Day, dueDate: Day, amount: number, paidDate: Day | null, paidAmount: number, file: string, line: number): void {
    // a customer's rows often come together (exports sorted by customer): the last customer is kept, and the
    // index (a Map of every customer) is looked up only when the customer changes
    const c = customerId === this.lastCustomerId ? this.lastCustomer : this.intern(customerId);
    this.lastCustomerId = customerId;
    this.lastCustomer = c;
    const i = this.newRow();
    this.addInvoiceId(i, invoiceId);
    this.setRow(i, c, invoiceDate, dueDate, amount, paidDate === null ? NO_DATE : paidDate, paidAmount, file, line);
  }

  /** The index of a customer in {@link ids}, added when new. */
  intern(customerId: string): number {
    const index = this.customerIndex();
    let c = index.get(customerId);
    if (c === undefined) {
      c = this.ids.length;
      const id = own(customerId);
      this.ids.push(id);
      index.set(id, c);
    }
    return c;
  }

  /**
   * Appends one row whose customer is `ids[c]` (see {@link intern}) and whose invoice id is `wideId` when given,
   * else the Latin-1 bytes `idSource[idStart..idEnd)`; a paid date of {@link NO_DATE} is none. The same row as
   * {@link add} with the same values: the parallel reader's rows (ingest/parallel/parallel.ts).
   */
  addRow(
    c: number,
    idSource: Uint8Array,
    idStart: number,
    idEnd: number,
    wideId: string | undefined,
    invoiceDate: Day,
    dueDate: Day,
    amount: number,
    paidDate: number,
    paidAmount: number,
    file: string,
    line: number,
  ): void {
    const i = this.newRow();
    const n = idEnd - idStart;
    const at = this.idUsed;
    if (wideId !== undefined || at + n > 0xffffffff) this.addInvoiceId(i, wideId ?? Buffer.from(idSource.buffer, idSource.byteOffset + idStart, n).toString('latin1'));
    else {
      if (at + n > this.idBytes.length) this.growIds(at + n);
      // byte by byte: ids are short, and a subarray per row would cost more than the copy
      const bytes = this.idBytes;
      for (let k = 0; k < n; k++) bytes[at + k] = idSource[idStart + k];
      this.idUsed = at + n;
      this.idEnd[i] = at + n;
    }
    this.setRow(i, c, invoiceDate, dueDate, amount, paidDate, paidAmount, file, line);
  }

  /** The index of a new row (the columns grow when full). */
  private newRow(): number {
    const i = this.size;
    if (i === this.capacity) {
      const c = this.capacity * 2;
      this.customer = grow(this.customer, c);
      this.invoiceDate = grow(this.invoiceDate, c);
      this.dueDate = grow(this.dueDate, c);
      this.paidDate = grow(this.paidDate, c);
      this.amount = grow(this.amount, c);
      this.paidAmount = grow(this.paidAmount, c);
      this.line = grow(this.line, c);
      this.file = grow(this.file, c);
      this.idEnd = grow(this.idEnd, c);
      this.capacity = c;
    }
    return i;
  }

  /** Sets the fields of new row i but its invoice id, and counts it. */
  private setRow(i: number, c: number, invoiceDate: Day, dueDate: Day, amount: number, paidDate: number, paidAmount: number, file: string, line: number): void {
    // rows come file by file: the last file's index is kept
    let f = file === this.lastFile ? this.lastFileIndex : this.fileIndex.get(file);
    if (f === undefined) {
      f = this.files.length;
      this.files.push(file);
      this.fileIndex.set(file, f);
    }
    this.lastFile = file;
    this.lastFileIndex = f;
    this.customer[i] = c;
    this.invoiceDate[i] = invoiceDate;
    this.dueDate[i] = dueDate;
    this.paidDate[i] = paidDate;
    this.amount[i] = amount;
    this.paidAmount[i] = paidAmount;
    this.line[i] = line;
    this.file[i] = f;
    this.size++;
  }

  private lastCustomerId: string | null = null;
  private lastCustomer = 0;
  private lastFile: string | null = null;
  private lastFileIndex = 0;

  /** Makes room for `n` bytes of invoice ids. */
  private growIds(n: number): void {
    this.idBytes = grow(this.idBytes, Math.max(2 * this.idBytes.length, n));
    this.idText = Buffer.from(this.idBytes.buffer, 0, this.idBytes.length);
  }

  /** Stores the invoice id of row i (see `idBytes`). */
  private addInvoiceId(i: number, id: string): void {
    const n = id.length;
    let at = this.idUsed;
    if (at + n > 0xffffffff) {
      this.wideIds.set(i, own(id));
      this.idEnd[i] = at;
      return;
    }
    if (at + n > this.idBytes.length) this.growIds(at + n);
    const bytes = this.idBytes;
    for (let k = 0; k < n; k++) {
      const code = id.charCodeAt(k);
      if (code > 255) {
        this.wideIds.set(i, own(id));
        this.idEnd[i] = this.idUsed;
        return;
      }
      bytes[at++] = code;
    }
    this.idUsed = at;
    this.idEnd[i] = at;
  }

  /** The invoice id of row i. */
  invoiceId(i: number): string {
    if (this.wideIds.size > 0) {
      const wide = this.wideIds.get(i);
      if (wide !== undefined) return wide;
    }
    return this.idText.toString('latin1', i === 0 ? 0 : this.idEnd[i - 1], this.idEnd[i]);
  }

  /** Whether rows i and j have the same invoice id. */
  sameInvoice(i: number, j: number): boolean {
    if (this.wideIds.size > 0) {
      const a = this.wideIds.get(i);
      const b = this.wideIds.get(j);
      // an id with a character beyond Latin-1 equals no id stored as bytes
      if (a !== undefined || b !== undefined) return a === b;
    }
    const end = this.idEnd;
    const ai = i === 0 ? 0 : end[i - 1];
    const aj = j === 0 ? 0 : end[j - 1];
    const n = end[i] - ai;
    if (end[j] - aj !== n) return false;
    const bytes = this.idBytes;
    for (let k = 0; k < n; k++) if (bytes[ai + k] !== bytes[aj + k]) return false;
    return true;
  }

  /**
   * The columns as they are now, for folds that read the rows without making a record per row. Read only, and
   * only until the next row is added (the columns are replaced as they grow).
   */
  columns(): LedgerColumns {
    return {
      customer: this.customer,
      invoiceId: (i) => this.invoiceId(i),
      sameInvoice: (i, j) => this.sameInvoice(i, j),
      invoiceDate: this.invoiceDate,
      dueDate: this.dueDate,
      paidDate: this.paidDate,
      amount: this.amount,
      paidAmount: this.paidAmount,
      line: this.line,
      file: this.file,
      files: this.files,
    };
  }

  /** Row `i` as a record (a new object). */
  get(i: number): PaymentRecord {
    const paid = this.paidDate[i];
    return {
      customerId: this.ids[this.customer[i]],
      invoiceId: this.invoiceId(i),
      invoiceDate: this.invoiceDate[i] as Day,
      dueDate: this.dueDate[i] as Day,
      amount: this.amount[i],
      paidDate: paid === NO_DATE ? null : (paid as Day),
      paidAmount: this.paidAmount[i],
      file: this.files[this.file[i]],
      line: this.line[i],
    };
  }

  /** Position of `file` among the files of the rows, in first-seen order (-1 when none of its rows is here). */
  fileRank(file: string): number {
    return this.fileIndex.get(file) ?? -1;
  }

  /** Rows of each customer in input order: `rows.slice(start[c], start[c + 1])` are the rows of `ids[c]`. */
  rowsByCustomer(): { start: Int32Array; rows: Int32Array } {
    const start = new Int32Array(this.ids.length + 1);
    for (let i = 0; i < this.size; i++) start[this.customer[i] + 1]++;
    for (let c = 0; c < this.ids.length; c++) start[c + 1] += start[c];
    const next = start.slice(0, this.ids.length);
    const rows = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) rows[next[this.customer[i]]++] = i;
    return { start, rows };
  }

  /** The records of one customer, in input order. */
  recordsOf(customerId: string): PaymentRecord[] {
    const c = this.customerIndex().get(customerId);
    const out: PaymentRecord[] = [];
    if (c === undefined) return out;
    for (let i = 0; i < this.size; i++) if (this.customer[i] === c) out.push(this.get(i));
    return out;
  }

  *[Symbol.iterator](): Iterator<PaymentRecord> {
    for (let i = 0; i < this.size; i++) yield this.get(i);
  }
}
