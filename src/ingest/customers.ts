/**
 * The customers input read into attributes by customer id. Plain lines (no quotes, the header's number of
 * fields, a new non-empty id) take the fast path of readTable; every other line (an empty or repeated id, a
 * quoted field, a wrong number of fields) is declined and read by `convert`, which gives its error, its
 * reject or its row exactly as before. Both paths give each value through the same ValuePool, in the same
 * order, and build the same record.
 */
import { own, shownValue, ValuePool } from '../core/strings.js';
import { solid } from './chars.js';
import { RowError, type FastRows, type FieldReader, type LineFields, type ResolvedColumns } from './table.js';

/** One customer row of the general path: the id and its attributes. */
export interface CustomerRow {
  id: string;
  attributes: Record<string, string>;
}

/** Makes the attribute record of one row from its values, in the order of `names`. */
type RecordMaker = new (values: readonly string[]) => Record<string, string>;

/**
 * A constructor of attribute records for one header: each record is `{}` given the properties `names[k] =
 * values[k]` in order (so a repeated name keeps its last value and its first place, as an assignment does),
 * with Object.prototype as its prototype, like a literal. Made once per file so that V8 gives every record of
 * the file one hidden class, sized to the properties (a literal `{}` keeps four in the object and the rest in
 * a second array).
 */
function recordMaker(names: readonly string[]): RecordMaker {
  const n = names.length;
  function Attributes(this: Record<string, string>, values: readonly string[]): void {
    for (let k = 0; k < n; k++) this[names[k]] = values[k];
  }
  Attributes.prototype = Object.prototype;
  return Attributes as unknown as RecordMaker;
}

/** The columns of one header: the id's, the attributes' and their names, and the record maker. */
interface Layout {
  columns: ResolvedColumns;
  id: number;
  /** Header index of each attribute, in header order. */
  attributes: number[];
  names: string[];
  Attributes: RecordMaker;
}

/** Reads the customers input into `customers` (insertion order = file order), through readTable's convert, consume and fast. */
export class CustomerReader {
  /** Attributes by customer id, without customer_id itself. */
  readonly customers = new Map<string, Record<string, string>>();
  private readonly values = new ValuePool();
  private layout: Layout | undefined;
  /** The values of the row being read, in the order of the attributes. */
  private readonly row: string[] = [];

  /** The attribute names, in header order (customer_id left out). */
  attributeNames(columns: ResolvedColumns): string[] {
    return this.layoutOf(columns).names.slice();
  }

  private layoutOf(columns: ResolvedColumns): Layout {
    if (this.layout?.columns === columns) return this.layout;
    const id = columns.index.customer_id;
    const attributes: number[] = [];
    columns.headers.forEach((_, i) => {
      if (i !== id) attributes.push(i);
    });
    const names = attributes.map((i) => columns.headers[i]);
    this.layout = { columns, id, attributes, names, Attributes: recordMaker(names) };
    return this.layout;
  }

  /** The general path: the id (non-empty, not seen before) and the attributes of the current record. @throws RowError */
  readonly convert = (reader: FieldReader, columns: ResolvedColumns): CustomerRow => {
    const layout = this.layoutOf(columns);
    const id = own(reader.requiredText(layout.id));
    const attributes = layout.attributes;
    const row = this.row;
    for (let k = 0; k < attributes.length; k++) row[k] = this.values.get(attributes[k], reader.text(attributes[k]));
    const record = new layout.Attributes(row);
    if (this.customers.has(id)) {
      throw new RowError(`duplicate customer_id ${shownValue(id)}`, 'duplicate customer_id', layout.id + 1);
    }
    return { id, attributes: record };
  };

  readonly consume = (row: CustomerRow): void => {
    this.customers.set(row.id, row.attributes);
  };

  /**
   * The fast path: the steps of `convert` and `consume` on a plain line, without the fields array, the row
   * object and the closure per value. An empty or repeated id declines the line before anything is read, and
   * `convert` then gives its error.
   */
  readonly fast: FastRows = (columns) => {
    const layout = this.layoutOf(columns);
    const idColumn = layout.id;
    const attributes = layout.attributes;
    const n = attributes.length;
    const Attributes = layout.Attributes;
    const customers = this.customers;
    const values = this.values;
    const row = this.row;
    return (f: LineFields) => {
      const id = f.requiredText(idColumn);
      if (id === '' || customers.has(id)) return false;
      const text = f.text;
      const starts = f.starts;
      const ends = f.ends;
      for (let k = 0; k < n; k++) {
        const c = attributes[k];
        const s = starts[c];
        const e = ends[c];
        // FieldReader.text: the field trimmed.
        const value = s === e ? '' : solid(text.charCodeAt(s)) && solid(text.charCodeAt(e - 1)) ? text.slice(s, e) : text.slice(s, e).trim();
        row[k] = values.get(c, value);
      }
      customers.set(own(id), new Attributes(row));
    };
  };
}
