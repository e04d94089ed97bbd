/**
 * What `crm inspect FILE` shows about a foreign export before any analysis: the delimiter and encoding found,
 * the header, the first rows, and for each kind of input (or the one asked for) which column each field maps
 * to, what is missing, a guess for each missing field from the header's names, and the mapping to add.
 * Reads through the same record reader as every input (records.ts), and only the first rows.
 */
import type { Readable } from 'node:stream';
import { CrmError, InputError } from '../errors.js';
import { readRecords } from './records.js';
import { FIELDS, mappedHeader, normalizeHeader, type ColumnMap, type InputKind } from './schema.js';
import { detectDelimiter, inputName, openInput } from './source.js';
import type { IngestOptions } from './table.js';

/** How one field of an input kind is found in the header. */
export interface FieldMatch {
  field: string;
  required: boolean;
  /** 0-based column, or null when the field is not in the header. */
  column: number | null;
  /** The header name matched (through the mapping when one is given). */
  header: string | null;
  /** For a missing field: a column whose name suggests it (by a list of usual names), else null. */
  suggestion: string | null;
}

/** The header read as one kind of input. */
export interface KindMatch {
  kind: InputKind;
  fields: FieldMatch[];
  /** Required fields not found. */
  missing: string[];
  /** `field=Header,...` for the missing fields that have a suggestion; '' when there is none. */
  map: string;
}

export interface Inspection {
  file: string;
  /** The delimiter used (`whitespace` for runs of blanks). */
  delimiter: string;
  /** Whether the delimiter was detected (not given). */
  delimiterDetected: boolean;
  encoding: string;
  headers: string[];
  /** The first data records (at most the number asked for). */
  rows: string[][];
  /** Whether the file has more records than those shown. */
  more: boolean;
  /** The kinds compared, best first (or the one asked for). */
  kinds: KindMatch[];
  /**
   * The reading problem found in the first rows (bad encoding, quoting), with its hint, and both with their
   * setting references unrendered (`text`, see renderSettings); null when none.
   */
  problem: { message: string; hint?: string; text: { message: string; hint?: string } } | null;
}

/** Usual names of the fields in exports (normalised as headers are: lower case, no spaces, _ or -). */
const SYNONYMS: Record<string, string[]> = {
  customer_id: ['customer', 'customerid', 'customerno', 'customernumber', 'custid', 'client', 'clientid', 'accountid', 'account', 'userid', 'memberid', 'buyer', 'email', 'id'],
  date: ['orderdate', 'invoicedate', 'purchasedate', 'transactiondate', 'saledate', 'datetime', 'timestamp', 'created', 'createdat', 'day'],
  amount: ['total', 'totalprice', 'linetotal', 'revenue', 'sales', 'value', 'netamount', 'grossamount', 'price', 'dollarvalue', 'subtotal', 'amountpaid'],
  order_id: ['order', 'orderno', 'ordernumber', 'invoice', 'invoiceno', 'transactionid', 'receipt', 'basket'],
  quantity: ['qty', 'units', 'numberofcds', 'count'],
  invoice_id: ['invoice', 'invoiceno', 'invoicenumber', 'documentno', 'bill'],
  invoice_date: ['invoicedate', 'date', 'issued', 'billdate', 'documentdate'],
  due_date: ['duedate', 'due', 'paymentdue'],
  paid_date: ['paiddate', 'paymentdate', 'settled', 'paidon'],
  paid_amount: ['paid', 'amountpaid', 'payment'],
  campaign: ['campaignid', 'campaignname', 'mailing', 'wave'],
  group: ['arm', 'variant', 'cell', 'treatment', 'testgroup'],
  frequency: ['x', 'repeatpurchases'],
  recency: ['tx', 'recencyweeks', 'recencydays'],
  T: ['age', 'tenure'],
};

/** A column whose name suggests `field`, among those no other field took. */
function suggest(field: string, headers: readonly string[], taken: ReadonlySet<number>): string | null {
  const normalized = headers.map(normalizeHeader);
  const names = SYNONYMS[field] ?? [];
  for (const name of names) {
    const i = normalized.indexOf(name);
    if (i >= 0 && !taken.has(i)) return headers[i];
  }
  // a header that contains the field's name (order_date for date), when only one does
  const word = normalizeHeader(field);
  const containing = normalized.map((h, i) => (h.includes(word) && !taken.has(i) ? i : -1)).filter((i) => i >= 0);
  return containing.length === 1 ? headers[containing[0]] : null;
}

/** The header as an input of `kind`, with the mapping given. */
export function matchKind(kind: InputKind, headers: readonly string[], given: ColumnMap): KindMatch {
  const normalized = headers.map(normalizeHeader);
  const fields: FieldMatch[] = FIELDS[kind].map((f) => {
    const mapped = mappedHeader(given, kind, f.name);
    const i = normalized.indexOf(normalizeHeader(mapped ?? f.name));
    return { field: f.name, required: f.required, column: i >= 0 ? i : null, header: i >= 0 ? headers[i] : null, suggestion: null };
  });
  const taken = new Set(fields.filter((f) => f.column !== null).map((f) => f.column!));
  for (const f of fields) {
    if (f.column !== null) continue;
    f.suggestion = suggest(f.field, headers, taken);
    if (f.suggestion !== null) taken.add(headers.indexOf(f.suggestion));
  }
  const missing = fields.filter((f) => f.required && f.column === null).map((f) => f.field);
  const quote = (h: string): string => (/^[\w.-]+$/.test(h) ? h : `"${h.replace(/"/g, '""')}"`);
  const map = fields.filter((f) => f.required && f.column === null && f.suggestion !== null).map((f) => `${f.field}=${quote(f.suggestion!)}`).join(',');
  return { kind, fields, missing, map };
}

const KINDS: InputKind[] = ['sales', 'customers', 'payments', 'contacts', 'costs', 'summary'];

/**
 * How well the header reads as a kind: each required field found counts 1, one with a suggested column 0.75,
 * each optional field found 0.25, each required field with no candidate column −2. Higher is better.
 */
export function kindScore(m: KindMatch): number {
  let score = 0;
  for (const f of m.fields) {
    if (f.column !== null) score += f.required ? 1 : 0.25;
    else if (f.required) score += f.suggestion !== null ? 0.75 : -2;
  }
  return score;
}

/**
 * Inspects `path` (`-` for stdin): the first `rows` records with the ingest options given (delimiter,
 * encoding, header, columns, mapping). A reading problem in those rows is reported, not thrown.
 * @throws {InputError} when the file cannot be opened or is empty
 */
export async function inspectFile(path: string, options: IngestOptions, io: { stdin: Readable }, { kind, rows = 5 }: { kind?: InputKind; rows?: number } = {}): Promise<Inspection> {
  const file = inputName(path);
  const records: string[][] = [];
  const STOP = new Error('enough rows');
  let problem: Inspection['problem'] = null;
  let detected: string | undefined;
  let firstLine = '';
  let bom = '';
  const chunks = await openInput(path, io.stdin);
  async function* watched(): AsyncIterable<Buffer> {
    for await (const chunk of chunks) {
      if (firstLine === '') {
        if (chunk[0] === 0xff && chunk[1] === 0xfe) bom = 'utf-16le (byte-order mark)';
        else if (chunk[0] === 0xfe && chunk[1] === 0xff) bom = 'utf-16be (byte-order mark)';
        const text = chunk.toString('latin1');
        const end = text.indexOf('\n');
        firstLine = end >= 0 ? text.slice(0, end) : text;
      }
      yield chunk;
    }
  }
  try {
    await readRecords(watched(), file, { delimiter: options.delimiter, encoding: options.encoding, maxField: options.maxField, parser: options.parser }, (fields) => {
      records.push(fields);
      if (records.length > rows + 1) throw STOP;
    });
  } catch (err) {
    if (err !== STOP) {
      if (!(err instanceof CrmError)) throw err;
      problem = { message: err.message, hint: err.hint, text: err.text };
    }
  }
  if (options.delimiter === undefined) detected = detectDelimiter(firstLine.replace(/\r$/, ''));
  if (records.length === 0 && problem === null) throw new InputError({ file }, 'empty file: no header row');
  const headers = options.header ? (records[0] ?? []) : (options.columns ?? (records[0] ?? []).map((_, i) => `column_${i + 1}`));
  const body = options.header ? records.slice(1) : records;
  const kinds = (kind ? [kind] : KINDS).map((k) => matchKind(k, headers, options.map));
  if (!kind) kinds.sort((a, b) => kindScore(b) - kindScore(a));
  return {
    file,
    delimiter: options.delimiter ?? detected ?? ',',
    delimiterDetected: options.delimiter === undefined,
    encoding: options.encoding ?? (bom || 'utf8'),
    headers,
    rows: body.slice(0, rows),
    more: body.length > rows,
    kinds,
    problem,
  };
}
