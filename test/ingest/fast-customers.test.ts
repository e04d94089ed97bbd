/**
 * The customers input read through its fast path (customers.ts: plain lines without the fields array) gives
 * exactly what it gave before: the same customers in the same order, each with the same attributes in the
 * same key order and a plain-object prototype, the same attribute names, row accounts, rejects and errors
 * (message, line, column). Every file is read with the fast path, without it, with the convert of before
 * (copied here as it was), and through loadInputs with the csv-parse parser, which never takes a fast path.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createRng } from '../../src/core/random.js';
import { own, shownValue, ValuePool } from '../../src/core/strings.js';
import { CustomerReader } from '../../src/ingest/customers.js';
import { loadInputs } from '../../src/ingest/load.js';
import { DEFAULT_INGEST, readTable, RowError, type FastRows, type FieldReader, type IngestOptions, type ResolvedColumns } from '../../src/ingest/table.js';
import { tempFiles } from '../helpers/ingest.js';
import { fixture, sharedData } from '../helpers/data.js';

const { write } = tempFiles('crm-fast-customers-');

type Customers = Map<string, Record<string, string>>;

interface Run {
  error?: string;
  customers?: unknown[];
  attributeNames?: string[];
  account?: unknown;
  rejected?: unknown[];
}

/** The customers as plain data: ids in order, each with its attribute keys in order, values and prototype. */
function snapshot(customers: Customers): unknown[] {
  return [...customers].map(([id, a]) => [id, Object.keys(a), Object.values(a), Object.getPrototypeOf(a) === Object.prototype]);
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) throw err;
  return err.message + JSON.stringify(err);
}

/** The customers' convert and consume of before this fast path, as they were in load.ts. */
function previousReader(): { customers: Customers; convert: (reader: FieldReader, cols: ResolvedColumns) => { id: string; attributes: Record<string, string> }; consume: (row: { id: string; attributes: Record<string, string> }) => void } {
  const customers: Customers = new Map();
  const values = new ValuePool();
  return {
    customers,
    convert: (reader, cols) => {
      const id = own(reader.requiredText(cols.index.customer_id));
      const attributes: Record<string, string> = {};
      cols.headers.forEach((h, i) => {
        if (i !== cols.index.customer_id) attributes[h] = values.get(i, reader.text(i));
      });
      if (customers.has(id)) {
        throw new RowError(`duplicate customer_id ${shownValue(id)}`, 'duplicate customer_id', cols.index.customer_id + 1);
      }
      return { id, attributes };
    },
    consume: (row) => {
      customers.set(row.id, row.attributes);
    },
  };
}

type Way = 'fast' | 'general' | 'previous';

/** Reads `path` with readTable one of three ways; `fastLines` counts the lines the fast path took. */
async function readWay(path: string, options: IngestOptions, way: Way, counter: { fastLines: number } = { fastLines: 0 }): Promise<Run> {
  const rejected: unknown[] = [];
  const io = { stdin: Readable.from([]), rejects: { reject: (...args: unknown[]) => rejected.push(args) } };
  if (way === 'previous') {
    const previous = previousReader();
    try {
      const { account, columns } = await readTable(path, 'customers', options, io, previous.convert, previous.consume);
      const attributeNames = columns.headers.filter((_, i) => i !== columns.index.customer_id);
      return { customers: snapshot(previous.customers), attributeNames, account, rejected };
    } catch (err) {
      return { error: errorText(err), customers: snapshot(previous.customers), rejected };
    }
  }
  const reader = new CustomerReader();
  const counting: FastRows = (columns, delimiter) => {
    const row = reader.fast(columns, delimiter);
    return (
      row &&
      ((fields, line) => {
        const taken = row(fields, line);
        if (taken !== false) counter.fastLines++;
        return taken;
      })
    );
  };
  try {
    const { account, columns } = await readTable(path, 'customers', options, io, reader.convert, reader.consume, way === 'fast' ? counting : undefined);
    return { customers: snapshot(reader.customers), attributeNames: reader.attributeNames(columns), account, rejected };
  } catch (err) {
    return { error: errorText(err), customers: snapshot(reader.customers), rejected };
  }
}

/** Reads `path` as the customers of a run (loadInputs) with the given parser. */
async function load(path: string, options: IngestOptions, parser: 'fast' | 'csv-parse'): Promise<Run> {
  const rejected: unknown[] = [];
  try {
    const data = await loadInputs(
      {
        customers: path,
        ingest: { customers: { ...options, parser }, sales: DEFAULT_INGEST, payments: DEFAULT_INGEST, summary: DEFAULT_INGEST },
        window: {},
        unknown: 'keep',
      },
      { stdin: Readable.from([]), rejects: { reject: (...args) => rejected.push(args) } },
    );
    return { customers: snapshot(data.customers!), attributeNames: data.attributeNames, account: data.accounts[0], rejected };
  } catch (err) {
    return { error: errorText(err), rejected };
  }
}

/** Customers lines with plain and unusual values, repeated and empty ids, quotes and bad rows. */
function customersText(seed: number, bad: boolean): string {
  const rng = createRng(seed);
  const pick = <T,>(xs: T[]): T => xs[rng.int(xs.length)];
  const regions = ['North', 'South', ' East', 'West ', 'Nörd', 'Sud\u00a0', '', 'Centre, old', 'say "hi"'];
  const names = ['Ann', 'Bob Smith', "Dan O'Neil", 'Émilie Zola', '  padded  ', '', 'A very long name indeed', 'tab\there'];
  const lines = ['customer_id,name,region,signup_date'];
  const q = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  for (let i = 0; i < 500; i++) {
    let id = rng.uniform() < 0.1 ? ` C${i} ` : rng.uniform() < 0.05 ? `C${i}\u00a0` : `C${String(i).padStart(14, '0')}`;
    if (bad && rng.uniform() < 0.04) id = `C${String(rng.int(i + 1)).padStart(14, '0')}`; // often a repeat
    if (bad && rng.uniform() < 0.02) id = pick(['', '  ', '\u00a0']);
    const date = `2024-0${1 + rng.int(9)}-1${rng.int(10)}`;
    let fields = [id, pick(names), pick(regions), date].map(q);
    if (rng.uniform() < 0.05) fields = fields.map((f) => (f.startsWith('"') ? f : `"${f}"`));
    let line = fields.join(',');
    if (bad && rng.uniform() < 0.02) line += ',extra';
    if (bad && rng.uniform() < 0.02) line = fields.slice(0, 2).join(',');
    lines.push(line);
    if (rng.uniform() < 0.02) lines.push('');
  }
  const eol = seed % 2 ? '\r\n' : '\n';
  return lines.join(eol) + eol;
}

const stop: Partial<IngestOptions> = {};
const skip: Partial<IngestOptions> = { skipInvalid: true };

/**
 * name, file, options, whether the fast path takes some of its lines, and whether csv-parse reads it the same
 * (not for quoting errors, which the two parsers word differently).
 */
const files: [string, string, Partial<IngestOptions>, boolean, boolean?][] = [
  ['fixtures/customers.csv', fixture('customers.csv'), stop, true],
  ['apparel customers', sharedData('apparel/customers.csv'), stop, true],
  ['quoted fields, quoted ids, a field over two lines', write('quotes.csv', 'customer_id,name,region\nC1,"Smith, Ann",North\n"C2",Bob,South\nC3,"say ""hi""",East\nC4,"two\nlines",West\nC5,Eve,North\n'), stop, true],
  ['a repeated id (plain lines)', write('dup.csv', 'customer_id,name,region\nC1,Ann,North\nC2,Bob,South\nC1,Cy,East\nC3,Di,West\n'), stop, true],
  ['a repeated id, first quoted', write('dup-quoted.csv', 'customer_id,name,region\n"C1",Ann,North\nC2,Bob,South\nC1,Cy,East\n'), stop, true],
  ['a repeated id, second quoted', write('dup-quoted2.csv', 'customer_id,name,region\nC1,Ann,North\nC2,Bob,South\n"C1","Cy",East\n'), stop, true],
  ['a repeated id spelt with spaces', write('dup-spaces.csv', 'customer_id,name,region\nC1,Ann,North\n C1 ,Cy,East\n'), stop, true],
  ['repeated ids, skip invalid', write('dups.csv', 'name,customer_id,region\nAnn,C1,North\nBob,C2,South\nCy,C1,East\nDi,C2,\nEd,C3,West\nFay,C1,North\n'), skip, true],
  ['an empty id', write('empty.csv', 'customer_id,name\nC1,Ann\n,Bob\nC3,Cy\n'), stop, true],
  ['a blank id', write('blank.csv', 'customer_id,name\nC1,Ann\n   ,Bob\nC3,Cy\n'), stop, true],
  ['empty and blank ids, skip invalid', write('empties.csv', 'customer_id,name\nC1,Ann\n,Bob\n \u00a0 ,Bo\n\t,Bu\nC3,Cy\n'), skip, true],
  ['too many and too few fields', write('fields.csv', 'customer_id,name,region\nC1,Ann,North\nC2,Bob\nC3,Cy,East,extra\nC4,Di,West\n'), stop, true],
  ['too many and too few fields, skip invalid', write('fields-skip.csv', 'customer_id,name,region\nC1,Ann,North\nC2,Bob\nC3,Cy,East,extra\nC4,Di,West\n'), skip, true],
  ['a mapped id column, not the first', write('mapped.csv', 'Name,Client ID,Region\nAnn,K-1,North\nBob,K-2,South\n'), { map: { customer_id: 'Client ID' } }, true],
  ['an id column matched loosely', write('loose.csv', 'Name, Customer-ID ,Region\nAnn,K-1,North\nBob,K-2,South\n'), stop, true],
  ['Latin-1', write('latin1.csv', ''), { encoding: 'latin1' }, true],
  ['windows-1252', write('cp1252.csv', 'customer_id,name\nC1,Ann\nC2,Bob\n'), { encoding: 'windows-1252' }, true],
  ['a byte-order mark and CRLF', write('bom.csv', '\ufeffcustomer_id,name,region\r\nC1,Ann,North\r\nC2,Bob,South\r\n'), stop, true],
  ['spaces around ids, values and headers', write('spaces.csv', ' customer_id , name ,region\n C1 , Ann ,North\nC2\t,Bob\u00a0,\u3000South\n\u00a0C3,  ,   \nC4,A B,N S\n'), stop, true],
  ['no newline at the end', write('noeol.csv', 'customer_id,name\nC1,Ann\nC2,Bob'), stop, true],
  ['empty lines', write('emptylines.csv', 'customer_id,name\n\nC1,Ann\n\n\nC2,Bob\n\n'), stop, true],
  ['unusual header names', write('headers.csv', 'customer_id,,__proto__,2024,constructor,,name,10\nC1,a,b,c,d,e,f,g\nC2,,,,,,,\nC3,h,i,j,k,l,m,n\n'), stop, true],
  ['a trailing delimiter', write('trailing.csv', 'customer_id,name,\nC1,Ann,\nC2,Bob,x\n'), stop, true],
  ['only customer_id', write('only-id.csv', 'customer_id\nC1\nC2\n C3\nC2\n'), skip, true],
  ['no header, given columns', write('nohdr.csv', 'C1,Ann,North\nC2,Bob,South\nC1,Cy,East\n'), { header: false, columns: ['customer_id', 'name', 'region'] }, true],
  ['semicolons', write('semi.csv', 'customer_id;name;region\nC1;Smith, Ann;North\nC2;Bob;South\n'), stop, true],
  ['tabs', write('tabs.csv', 'customer_id\tname\tregion\nC1\tAnn\tNorth\nC2\tBob\tSouth\n'), stop, true],
  ['a given delimiter', write('pipes.csv', 'customer_id|name|region\nC1|Ann|North\nC2|Bob|South\n'), { delimiter: '|' }, true],
  ['whitespace-delimited (no fast path)', write('ws.csv', 'customer_id name region\nC1 Ann North\nC2  Bob   South\n'), { delimiter: 'whitespace' }, false],
  ['UTF-16', write('utf16.csv', ''), stop, true],
  ['more distinct values than a pool keeps', write('many.csv', ['customer_id,email,region,tier', ...Array.from({ length: 6000 }, (_, i) => `C${i},user${i}@example.com,R${i % 7},T${i % 5000}`)].join('\n') + '\n'), stop, true],
  ['a wide header (40 attributes)', write('wide.csv', [['customer_id', ...Array.from({ length: 40 }, (_, k) => `a${k}`)], ...Array.from({ length: 50 }, (_, i) => [`C${i}`, ...Array.from({ length: 40 }, (_, k) => `v${(i * k) % 7}`)])].map((r) => r.join(',')).join('\n') + '\n'), stop, true],
  ['long ids and values (13 characters or more)', write('long.csv', 'customer_id,name\nCUSTOMER-000000001,A rather long name\nCUSTOMER-000000002,A rather long name\n'), stop, true],
  ['a quoting error, skip invalid', write('badquote.csv', 'customer_id,name\nC1,Ann\nC2,Bo"b\nC3,"Cy"x\nC4,Di\n'), skip, true, false],
  ['a quoting error', write('badquote2.csv', 'customer_id,name\nC1,Ann\nC2,Bo"b\nC4,Di\n'), stop, true, false],
  ['bytes that are not UTF-8', write('notutf8.csv', ''), stop, true],
  ...[1, 2, 3].map((s): [string, string, Partial<IngestOptions>, boolean] => [`generated plain file ${s}`, write(`plain${s}.csv`, customersText(s, false)), stop, true]),
  ...[4, 5, 6, 7].map((s): [string, string, Partial<IngestOptions>, boolean] => [`generated file with bad rows ${s}, skip invalid`, write(`bad${s}.csv`, customersText(s, true)), skip, true]),
  ...[10, 11, 12, 13].map((s): [string, string, Partial<IngestOptions>, boolean] => [`generated file with bad rows ${s}, stop at the first`, write(`stop${s}.csv`, customersText(s, true)), stop, true]),
];

// Files whose bytes the text above cannot give.
writeFileSync(files.find((f) => f[0] === 'Latin-1')![1], Buffer.from('customer_id,name,city\nC1,Zoë,Málaga\nC2,Anaïs,Köln\nC3,Ann,Köln\n', 'latin1'));
writeFileSync(files.find((f) => f[0] === 'UTF-16')![1], Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('customer_id,name\nC1,Zoë\nC2,Bob\n', 'utf16le')]));
writeFileSync(files.find((f) => f[0] === 'bytes that are not UTF-8')![1], Buffer.concat([Buffer.from('customer_id,name\nC1,Ann\nC2,'), Buffer.from([0xe9, 0x0a]), Buffer.from('C3,Cy\n')]));
writeFileSync(files.find((f) => f[0] === 'windows-1252')![1], Buffer.from([...Buffer.from('customer_id,name\nC1,'), 0x80, 0x9c, ...Buffer.from('\nC2,Bob\n')]));

describe('customers: the fast path against the general path', () => {
  for (const [name, path, extra, usesFast, sameInCsvParse = true] of files) {
    it(name, async () => {
      const options: IngestOptions = { ...DEFAULT_INGEST, ...extra };
      const counter = { fastLines: 0 };
      const fast = await readWay(path, options, 'fast', counter);
      const general = await readWay(path, options, 'general');
      const previous = await readWay(path, options, 'previous');
      expect(fast).toEqual(general);
      expect(fast).toEqual(previous);
      expect(counter.fastLines > 0).toBe(usesFast);
      // A run's customers: the default parser against csv-parse, which has no fast path.
      const run = await load(path, options, 'fast');
      if (sameInCsvParse) expect(run).toEqual(await load(path, options, 'csv-parse'));
      if (fast.error === undefined) expect(run).toEqual({ customers: fast.customers, attributeNames: fast.attributeNames, account: fast.account, rejected: fast.rejected });
      else expect(run.error).toBe(fast.error);
    });
  }
});

describe('customers: the fast path', () => {
  it('a repeated id stops the read at its line and column, as before', async () => {
    const run = await readWay(files.find((f) => f[0] === 'a repeated id (plain lines)')![1], { ...DEFAULT_INGEST }, 'fast');
    expect(run.error).toMatch(/\/dup\.csv:4:1: duplicate customer_id "C1"/);
    const mapped = await readWay(write('dup-col.csv', 'name,region,customer_id\nAnn,N,C1\nBob,S,C1\n'), { ...DEFAULT_INGEST }, 'fast');
    expect(mapped.error).toMatch(/\/dup-col\.csv:3:3: duplicate customer_id "C1"/);
  });

  it('the generated files exercise the errors, the rejects and both paths', async () => {
    expect((await readWay(files.find((f) => f[0].startsWith('generated file with bad rows 10'))![1], { ...DEFAULT_INGEST }, 'fast')).error).toBeDefined();
    const counter = { fastLines: 0 };
    const skipped = await readWay(files.find((f) => f[0].startsWith('generated file with bad rows 4'))![1], { ...DEFAULT_INGEST, skipInvalid: true }, 'fast', counter);
    expect(skipped.rejected!.length).toBeGreaterThan(5);
    expect(counter.fastLines).toBeGreaterThan(300);
    expect(counter.fastLines).toBeLessThan((skipped.account as { read: number }).read);
  });

  it('records of one file share one set of keys in header order, with values equal to the trimmed fields', async () => {
    const reader = new CustomerReader();
    const path = write('shape.csv', 'customer_id,b,a,2,c\nC1, x ,y,z,w\n"C2",p,q,r,s\nC3,,,,\n');
    await readTable(path, 'customers', { ...DEFAULT_INGEST }, { stdin: Readable.from([]) }, reader.convert, reader.consume, reader.fast);
    expect([...reader.customers]).toEqual([
      ['C1', { b: 'x', a: 'y', 2: 'z', c: 'w' }],
      ['C2', { b: 'p', a: 'q', 2: 'r', c: 's' }],
      ['C3', { b: '', a: '', 2: '', c: '' }],
    ]);
    for (const a of reader.customers.values()) {
      expect(Object.keys(a)).toEqual(['2', 'b', 'a', 'c']);
      expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
      expect(JSON.stringify(a)).toBe(JSON.stringify({ ...a }));
    }
  });
});
