/**
 * Reads the inputs of a run, each once: customers (attributes), sales (folded into per-customer state),
 * payments (invoice rows), campaign contacts and cost-to-serve events. Cross-checks ids against the customers file: rows of unknown customers
 * are counted and reported with examples, and kept, dropped or refused as asked.
 */
import type { Readable } from 'node:stream';
import type { PaymentRecord } from '../core/types.js';
import { dayToIso, type Day } from '../core/days.js';
import { PaymentLedger } from '../payments/ledger.js';
import { InputError, setting } from '../errors.js';
import { own, shownValue, ValuePool } from '../core/strings.js';
import { SalesAccumulator, type SaleRow, type SalesWindow } from '../accumulate/sales.js';
import { futureDate, latestDay, productParts, readProduct, readTable, RowError, type FastRows, type FieldReader, type ResolvedColumns, type IngestOptions, type ProgressCallback, type RejectSink, type RowAccount } from './table.js';
import { databaseSource, isDatabaseUrl, readDatabaseTable } from './database.js';
import { PAYMENTS_FIRST_SHARE, planRanges, readPaymentsParallel, readSalesParallel, type IngestInfo, type ParallelSettings } from './parallel/parallel.js';
import { mappedHeader, normalizeHeader, type InputKind } from './schema.js';
import { inputName } from './source.js';
import { paymentColumns, PaymentValues } from './payment-line.js';
import { solid } from './chars.js';
import { CustomerReader } from './customers.js';

/** What to do with sales or payments of a customer_id missing from the customers file. */
export type UnknownPolicy = 'keep' | 'drop' | 'error';

/** One campaign contact (the contacts input). */
export interface ContactRow {
  customerId: string;
  campaign: string;
  day: Day;
  group: 'treatment' | 'control';
  /** Cost of the contact; null when the file has no cost or the cell is empty. */
  cost: number | null;
  /** '' when not given. */
  channel: string;
  offer: string;
  /** Line of the row in its file. */
  line: number;
}

/** One cost-to-serve event (the costs input); the shape of performance/profitability.ts's CostEvent. */
export interface CostRow {
  customerId: string;
  day: Day;
  amount: number;
  /** '' when not given. */
  kind: string;
}

export interface LoadRequest {
  customers?: string;
  sales?: string;
  payments?: string;
  /** Campaign contacts (customer_id, campaign, date, group, ...). */
  contacts?: string;
  /** Cost-to-serve events (customer_id, date, amount, kind). */
  costs?: string;
  /** Ingest options per input; contacts and costs take the customers' options when absent. */
  ingest: Record<'customers' | 'sales' | 'payments' | 'summary', IngestOptions> & Partial<Record<InputKind, IngestOptions>>;
  window: SalesWindow;
  unknown: UnknownPolicy;
  /** The parallel ingest of the sales and payments (parallel.ts); the defaults when absent (the CLI passes CRM_THREADS and CRM_PARALLEL_MIN_BYTES). */
  parallel?: ParallelSettings;
}

/** Rows whose customer_id is not in the customers file. */
export interface UnknownCustomers {
  rows: number;
  customers: number;
  /** Up to five example ids. */
  examples: string[];
}

export interface LoadedData {
  /** Attributes by customer id (without customer_id itself); undefined when no customers file. */
  customers?: Map<string, Record<string, string>>;
  /** Header order of the customer attributes. */
  attributeNames: string[];
  sales?: SalesAccumulator;
  /** The payment rows, column by column (see payments/ledger.ts). */
  payments?: PaymentLedger;
  accounts: RowAccount[];
  unknownSales?: UnknownCustomers;
  unknownPayments?: UnknownCustomers;
  /**
   * Campaign contacts in file order. Contacts dated after an --as-of day are excluded ('after as-of'); a
   * duplicate (same customer, campaign and day) is a bad row ('duplicate contact').
   */
  contacts?: ContactRow[];
  unknownContacts?: UnknownCustomers;
  /** Cost-to-serve events in file order (events after an --as-of day excluded, 'after as-of'). */
  costs?: CostRow[];
  unknownCosts?: UnknownCustomers;
  /** How the sales file was read (in parallel byte ranges or sequentially, and why). */
  salesIngest?: IngestInfo;
  /** How the payments file was read (in parallel byte ranges or sequentially, and why). */
  paymentsIngest?: IngestInfo;
  /** Warnings about how the inputs read (an amount that looks like a unit price), for the run's notes. */
  warnings?: string[];
}

/** Header names of a price per unit (normalised). */
const UNIT_PRICE = new Set(['unitprice', 'price', 'priceeach', 'itemprice', 'priceperunit', 'unitcost', 'rate']);

/**
 * A warning when the sales' amount is read from a column named like a price per unit while the file has a
 * quantity: `amount` is the line total (quantity × price), and summing unit prices undercounts revenue.
 */
export function unitPriceWarning(cols: ResolvedColumns): string | null {
  const ix = cols.index;
  if (cols.products?.amount !== undefined || ix.amount < 0 || ix.quantity < 0) return null;
  const name = cols.headers[ix.amount];
  if (!UNIT_PRICE.has(normalizeHeader(name))) return null;
  const quantity = cols.headers[ix.quantity];
  return `warning: the sales amount is read from ${shownValue(name)}, which looks like a price per unit, and the file has a quantity column ${shownValue(quantity)}: amount must be the line total; if ${shownValue(name)} is per unit, map amount=${quantity}*${name}`;
}

export interface LoadIo {
  stdin: Readable;
  rejects?: RejectSink;
  progress?: ProgressCallback;
}


function unknownTracker(): { note(id: string): void; result(): UnknownCustomers } {
  const ids = new Set<string>();
  const examples: string[] = [];
  let rows = 0;
  return {
    note(id) {
      rows++;
      if (!ids.has(id)) {
        ids.add(id);
        if (examples.length < 5) examples.push(id);
      }
    },
    result: () => ({ rows, customers: ids.size, examples }),
  };
}

/** Reads the inputs named in the request. @throws InputError, UsageError */
export async function loadInputs(request: LoadRequest, io: LoadIo): Promise<LoadedData> {
  const stdinUsers = [request.customers, request.sales, request.payments, request.contacts, request.costs].filter((p) => p === '-').length;
  if (stdinUsers > 1) throw new InputError({ file: '<stdin>' }, 'only one input can be read from stdin');
  const data: LoadedData = { accounts: [], attributeNames: [] };

  if (request.customers !== undefined) {
    const reader = new CustomerReader();
    const { account, columns } = await readInput(request.customers, 'customers', request.ingest.customers, io, reader.convert, reader.consume, reader.fast);
    data.customers = reader.customers;
    data.attributeNames = reader.attributeNames(columns);
    data.accounts.push(account);
  }

  /**
   * `checkUnknown` for the fast paths, which decline a row instead of throwing: true to use the row, false to
   * decline it (`--unknown error`: the general path then gives the error), or the reason it is excluded. A
   * customer's rows often come together: the last known customer is not looked up again.
   */
  const fastCustomerCheck = (tracker: ReturnType<typeof unknownTracker>): ((id: string) => true | false | 'unknown customer') => {
    const known = data.customers;
    let lastKnown: string | null = null;
    return (id) => {
      if (!known || id === lastKnown) return true;
      if (known.has(id)) {
        lastKnown = id;
        return true;
      }
      if (request.unknown === 'error') return false;
      tracker.note(id);
      return request.unknown === 'keep' ? true : 'unknown customer';
    };
  };
  const checkUnknown = (tracker: ReturnType<typeof unknownTracker>, id: string, column: number): boolean => {
    if (!data.customers || data.customers.has(id)) return true;
    if (request.unknown === 'error') {
      throw new RowError(`customer_id ${shownValue(id)} is not in the customers file`, 'unknown customer', column, setting('unknown', 'keep|drop'));
    }
    tracker.note(id);
    return request.unknown === 'keep';
  };

  if (request.sales !== undefined) {
    const sales = new SalesAccumulator(request.window);
    const tracker = unknownTracker();
    const latest = latestDay(request.ingest.sales, request.window.asOf);
    const last = latest ?? Infinity;
    let checked = false;
    const convert = (reader: FieldReader, cols: ResolvedColumns): SaleRow | null => {
      if (!checked) {
        checked = true;
        const warning = unitPriceWarning(cols);
        if (warning !== null) (data.warnings ??= []).push(warning);
      }
      const ix = cols.index;
      const customerId = reader.requiredText(ix.customer_id);
      const day = reader.date(ix.date);
      if (day > last) throw futureDate(day, latest!, ix.date + 1);
      const amount = cols.products?.amount ? readProduct(reader, cols.products.amount) : reader.amount(ix.amount);
      const cost = reader.optionalAmount(ix.cost);
      const margin = cost !== null ? amount - cost : reader.optionalAmount(ix.margin);
      if (!checkUnknown(tracker, customerId, ix.customer_id + 1)) return null;
      return { customerId, day, amount, orderId: reader.text(ix.order_id), margin };
    };
    const consume = (row: SaleRow | null): string | void => (row === null ? 'unknown customer' : sales.add(row));
    const fast: FastRows = (columns) => {
      if (!checked) {
        checked = true;
        const warning = unitPriceWarning(columns);
        if (warning !== null) (data.warnings ??= []).push(warning);
      }
      // An amount computed from two columns takes the general path.
      if (columns.products !== undefined) return undefined;
      // The same steps as above on a plain line, without the row object and the fields array.
      const ix = columns.index;
      const idColumn = ix.customer_id;
      const dateColumn = ix.date;
      const amountColumn = ix.amount;
      const costColumn = ix.cost;
      const marginColumn = ix.margin;
      const orderColumn = ix.order_id;
      const checkFast = fastCustomerCheck(tracker);
      return (f) => {
        const customerId = f.requiredText(idColumn);
        if (customerId === '') return false;
        const day = f.date(dateColumn);
        if (day !== day || day > last) return false;
        const amount = f.amount(amountColumn);
        if (amount !== amount) return false;
        let margin: number | null = null;
        if (costColumn >= 0 && !f.empty(costColumn)) {
          const cost = f.amount(costColumn);
          if (cost !== cost) return false;
          margin = amount - cost;
        } else if (marginColumn >= 0 && !f.empty(marginColumn)) {
          margin = f.amount(marginColumn);
          if (margin !== margin) return false;
        }
        const customer = checkFast(customerId);
        if (customer !== true) return customer;
        if (orderColumn < 0) return sales.addLine(customerId, day, amount, margin, '', 0, 0);
        const text = f.text;
        const s = f.starts[orderColumn];
        const e = f.ends[orderColumn];
        if (s === e || (solid(text.charCodeAt(s)) && solid(text.charCodeAt(e - 1)))) return sales.addLine(customerId, day, amount, margin, text, s, e);
        const orderId = text.slice(s, e).trim();
        return sales.addLine(customerId, day, amount, margin, orderId, 0, orderId.length);
      };
    };
    const computedAmount = productParts(mappedHeader(request.ingest.sales.map, 'sales', 'amount')) !== null;
    const plan = isDatabaseUrl(request.sales)
      ? 'read from a database'
      : computedAmount
        ? 'the amount is computed from two columns'
        : await planRanges(request.sales, request.ingest.sales, request.parallel);
    let account: RowAccount;
    if (typeof plan === 'string') {
      ({ account } = await readInput<SaleRow | null>(request.sales, 'sales', request.ingest.sales, io, convert, consume, fast));
      data.salesIngest = { ranges: 1, sequential: plan, sequentialFrom: 0 };
    } else {
      const parts = { convert, consume, fast, sales, known: data.customers, unknown: request.unknown, note: tracker.note };
      ({ account, info: data.salesIngest } = await readSalesParallel(request.sales, request.ingest.sales, io, plan, parts, request.parallel));
    }
    sales.trim();
    data.sales = sales;
    data.accounts.push(account);
    if (data.customers) data.unknownSales = tracker.result();
  }

  if (request.payments !== undefined) {
    const payments = new PaymentLedger();
    const tracker = unknownTracker();
    const latest = latestDay(request.ingest.payments, request.window.asOf);
    const last = latest ?? Infinity;
    const file = inputName(request.payments);
    const convert = (reader: FieldReader, cols: ResolvedColumns): PaymentRecord | null => {
      const ix = cols.index;
      const customerId = reader.requiredText(ix.customer_id);
      const invoiceId = reader.requiredText(ix.invoice_id);
      const invoiceDate = reader.date(ix.invoice_date);
      if (invoiceDate > last) throw futureDate(invoiceDate, latest!, ix.invoice_date + 1);
      const dueDate = reader.date(ix.due_date);
      const amount = reader.amount(ix.amount);
      const paidDate = reader.optionalDate(ix.paid_date);
      if (paidDate !== null && paidDate > last) throw futureDate(paidDate, latest!, ix.paid_date + 1);
      const paid = reader.optionalAmount(ix.paid_amount);
      if (paidDate === null && paid !== null && paid !== 0) {
        throw new RowError('paid_amount given without paid_date', 'paid_amount without paid_date', ix.paid_amount + 1);
      }
      if (!checkUnknown(tracker, customerId, ix.customer_id + 1)) return null;
      return {
        customerId,
        invoiceId,
        invoiceDate,
        dueDate,
        amount,
        paidDate,
        paidAmount: paidDate === null ? 0 : (paid ?? amount),
        file,
        line: 0,
      };
    };
    const consume = (row: PaymentRecord | null, line: number): string | void => {
      if (row === null) return 'unknown customer';
      row.line = line;
      payments.push(row);
    };
    const fast: FastRows = (columns, delimiter) => {
      // The same steps as above on a plain line without a fields array; any doubt (an empty required
      // value, a date or amount the digit readers do not take) declines the line before anything is
      // counted, and the steps above then give the row, or its error, exactly as before.
      const cols = paymentColumns(columns, delimiter);
      const values = new PaymentValues(cols, last);
      const checkFast = fastCustomerCheck(tracker);
      return (f, line) => {
        const customerId = f.requiredText(cols.customerId);
        if (customerId === '') return false;
        const invoiceId = f.requiredText(cols.invoiceId);
        if (invoiceId === '' || !values.read(f)) return false;
        const customer = checkFast(customerId);
        if (customer !== true) return customer;
        const v = values;
        payments.add(customerId, invoiceId, v.invoiceDate, v.dueDate, v.amount, v.paid ? v.paidDate : null, v.paidAmount, file, line);
      };
    };
    const plan = isDatabaseUrl(request.payments)
      ? 'read from a database'
      : await planRanges(request.payments, request.ingest.payments, request.parallel, PAYMENTS_FIRST_SHARE);
    let account: RowAccount;
    if (typeof plan === 'string') {
      ({ account } = await readInput(request.payments, 'payments', request.ingest.payments, io, convert, consume, fast));
      data.paymentsIngest = { ranges: 1, sequential: plan, sequentialFrom: 0 };
    } else {
      const parts = { convert, consume, fast, payments, file, latest, known: data.customers, unknown: request.unknown, note: tracker.note };
      ({ account, info: data.paymentsIngest } = await readPaymentsParallel(request.payments, request.ingest.payments, io, plan, parts, request.parallel));
    }
    payments.trim();
    data.payments = payments;
    data.accounts.push(account);
    if (data.customers) data.unknownPayments = tracker.result();
  }

  if (request.contacts !== undefined) {
    const contacts: ContactRow[] = [];
    const tracker = unknownTracker();
    const asOf = request.window.asOf ?? Infinity;
    const seen = new Set<string>();
    const values = new ValuePool();
    let dateColumn = 0; // of the header, for the duplicate's message

    const { account } = await readInput<ContactRow | null>(
      request.contacts,
      'contacts',
      request.ingest.contacts ?? request.ingest.customers,
      io,
      (reader, cols) => {
        const ix = cols.index;
        dateColumn = ix.date + 1;
        const customerId = reader.requiredText(ix.customer_id);
        const campaign = reader.requiredText(ix.campaign);
        const day = reader.date(ix.date);
        const groupText = reader.requiredText(ix.group);
        const lower = groupText.toLowerCase();
        if (lower !== 'treatment' && lower !== 'control') {
          throw new RowError(`invalid group ${shownValue(groupText)} (treatment or control)`, 'invalid group', ix.group + 1);
        }
        const cost = reader.optionalAmount(ix.cost);
        if (!checkUnknown(tracker, customerId, ix.customer_id + 1)) return null;
        return {
          customerId: own(customerId),
          campaign: values.get(ix.campaign, campaign),
          day,
          group: lower,
          cost,
          channel: ix.channel < 0 ? '' : values.get(ix.channel, reader.text(ix.channel)),
          offer: ix.offer < 0 ? '' : values.get(ix.offer, reader.text(ix.offer)),
          line: 0,
        };
      },
      (row, line) => {
        if (row === null) return 'unknown customer';
        if (row.day > asOf) return 'after as-of';
        const key = `${row.customerId}\u0000${row.campaign}\u0000${row.day}`;
        if (seen.has(key)) {
          throw new RowError(`duplicate contact: customer ${shownValue(row.customerId)}, campaign ${shownValue(row.campaign)}, ${dayToIso(row.day)} is on an earlier line`, 'duplicate contact', dateColumn);
        }
        seen.add(key);
        row.line = line;
        contacts.push(row);
      },
    );
    data.contacts = contacts;
    data.accounts.push(account);
    if (data.customers) data.unknownContacts = tracker.result();
  }

  if (request.costs !== undefined) {
    const costs: CostRow[] = [];
    const tracker = unknownTracker();
    const asOf = request.window.asOf ?? Infinity;
    const values = new ValuePool();
    const { account } = await readInput<CostRow | null>(
      request.costs,
      'costs',
      request.ingest.costs ?? request.ingest.customers,
      io,
      (reader, cols) => {
        const ix = cols.index;
        const customerId = reader.requiredText(ix.customer_id);
        const day = reader.date(ix.date);
        const amount = reader.amount(ix.amount);
        const kind = ix.kind < 0 ? '' : values.get(ix.kind, reader.text(ix.kind));
        if (!checkUnknown(tracker, customerId, ix.customer_id + 1)) return null;
        return { customerId: own(customerId), day, amount, kind };
      },
      (row) => {
        if (row === null) return 'unknown customer';
        if (row.day > asOf) return 'after as-of';
        costs.push(row);
      },
    );
    data.costs = costs;
    data.accounts.push(account);
    if (data.customers) data.unknownCosts = tracker.result();
  }
  return data;
}

/**
 * One input read row by row: a file (or stdin) through readTable, or a PostgreSQL table or query (a
 * postgres:// URL with ?table= or ?query=) through a server-side cursor; the same checks, row account and
 * rejects either way. Positions in errors are file:line:column, or table:row N:column.
 */
function readInput<T>(
  path: string,
  kind: InputKind,
  options: IngestOptions,
  io: LoadIo,
  convert: (reader: FieldReader, columns: ResolvedColumns) => T,
  consume: (row: T, line: number) => string | void,
  fast?: FastRows,
): Promise<{ account: RowAccount; columns: ResolvedColumns }> {
  if (isDatabaseUrl(path)) return readDatabaseTable(databaseSource(path), kind, options, io, convert, consume);
  return readTable(path, kind, options, io, convert, consume, fast);
}
