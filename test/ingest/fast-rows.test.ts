/**
 * The fast path for plain sales lines (LineFields + SalesAccumulator.addLine) gives exactly what the general
 * path gives: the same per-customer state, row accounts, unknown customers, rejects and errors. The csv-parse
 * parser never takes the fast path, so it is the reference.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRng } from '../../src/core/random.js';
import { loadInputs, type UnknownPolicy } from '../../src/ingest/load.js';
import { DEFAULT_INGEST, LineFields, type IngestOptions } from '../../src/ingest/table.js';
import { createAmountParser } from '../../src/ingest/amounts.js';
import { createDateParser } from '../../src/ingest/dates.js';
import { tempFiles, salesState } from '../helpers/ingest.js';
import { fixture, sharedData } from '../helpers/data.js';

const { dir, write } = tempFiles('crm-fast-rows-');

interface Run {
  error?: string;
  state?: unknown;
}

async function load(
  sales: string,
  parser: 'fast' | 'csv-parse',
  extra: { customers?: string; unknown?: UnknownPolicy; ingest?: Partial<IngestOptions>; asOf?: number; calibrationEnd?: number } = {},
): Promise<Run> {
  const options: IngestOptions = { ...DEFAULT_INGEST, skipInvalid: false, ...extra.ingest, parser };
  const rejected: unknown[] = [];
  try {
    const data = await loadInputs(
      {
        sales,
        customers: extra.customers,
        ingest: { customers: { ...DEFAULT_INGEST, parser }, sales: options, payments: DEFAULT_INGEST, summary: DEFAULT_INGEST },
        window: { asOf: extra.asOf, calibrationEnd: extra.calibrationEnd },
        unknown: extra.unknown ?? 'keep',
      },
      { stdin: Readable.from([]), rejects: { reject: (...args) => rejected.push(args) } },
    );
    return {
      state: {
        ...salesState(data.sales!),
        accounts: data.accounts,
        unknown: data.unknownSales,
        rejected,
      },
    };
  } catch (err) {
    return { error: (err as Error).message + JSON.stringify(err) };
  }
}

/** Sales lines with plain and unusual values, unsorted days, repeated orders, returns and bad rows. */
function salesText(seed: number, bad: boolean): string {
  const rng = createRng(seed);
  const ids = ['C1', 'C2', ' C3 ', 'C 4', '007', '7', 'Ç5', 'C1\u00a0', '10', '2'];
  const dates = ['2024-01-05', '2024-01-06', '2023-12-31', '2024-02-29', '20240107', '2024-01-08T10:00:00Z', ' 2024-01-09 ', '1899-12-31', '2200-01-01', '0099-01-01'];
  const amounts = ['12.5', '-3', '0', '-0', '007.50', '1,234.50', '$12', '(5.00)', '12-', ' 7 ', '1e2', '.5', '5.', '123456789012345', '1234567890123456', '0.1234567890123456789', '99999999999999999999', '-0.00', '3.14159'];
  const costs = ['', '1.25', '0', ' ', '-2', '2.5'];
  const orders = ['O1', 'O1', 'O2', '', ' O3 ', 'O4'];
  const badDates = ['2024-02-30', '03/04/2024', '', 'x'];
  const badAmounts = ['twelve', '', '1.2.3', '10,00'];
  const lines = ['order_id,customer_id,date,amount,cost,margin'];
  for (let i = 0; i < 400; i++) {
    const pick = <T,>(xs: T[]): T => xs[rng.int(xs.length)];
    let date = pick(dates);
    let amount = pick(amounts);
    let id = pick(ids);
    if (bad && rng.uniform() < 0.03) date = pick(badDates);
    if (bad && rng.uniform() < 0.03) amount = pick(badAmounts);
    if (bad && rng.uniform() < 0.02) id = '  ';
    const q = (v: string): string => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    let line = [pick(orders), id, date, amount, pick(costs), pick(['', '1', ' 2 ', 'x'])].map(q).join(',');
    if (bad && rng.uniform() < 0.02) line += ',extra';
    lines.push(line);
    if (rng.uniform() < 0.02) lines.push('');
  }
  const eol = seed % 2 ? '\r\n' : '\n';
  return lines.join(eol) + eol;
}

describe('fast sales rows against the general path', () => {
  const files: [string, string, Parameters<typeof load>[2]][] = [
    ['fixtures/sales.csv', fixture('sales.csv'), {}],
    ['fixtures/sales.csv with a holdout and as-of', fixture('sales.csv'), { asOf: 19900, calibrationEnd: 19700 }],
    ['fixtures with customers, unknown drop', fixture('sales.csv'), { customers: fixture('customers.csv'), unknown: 'drop' }],
    ['cdnow_sample_transactions.csv', sharedData('cdnow_sample_transactions.csv'), {}],
    ['semicolons and decimal commas', write('semi.csv', 'customer_id;date;amount;cost\n1;2024-01-02;1,5;\n1;2024-01-03;1.234,5;0,5\n2;2024-01-04;-2;1\n10;2024-01-04;2;\n02;2024-01-04;2,25;1\n'), { ingest: { decimal: ',' } }],
    ...[1, 2, 3, 4].map((s) => [`generated plain file ${s}`, write(`plain${s}.csv`, salesText(s, false)), {}] as [string, string, Parameters<typeof load>[2]]),
    ...[5, 6, 7, 8].map((s) => [`generated file with bad rows ${s}, skip invalid`, write(`bad${s}.csv`, salesText(s, true)), { ingest: { skipInvalid: true } }] as [string, string, Parameters<typeof load>[2]]),
    ...[9, 10].map((s) => [`generated file with bad rows ${s}, stop at the first`, write(`stop${s}.csv`, salesText(s, true)), {}] as [string, string, Parameters<typeof load>[2]]),
    ['unknown customers refused', write('unknown.csv', 'customer_id,date,amount\nC000001,2024-01-01,1\nnobody,2024-01-02,2\n'), { customers: fixture('customers.csv'), unknown: 'error' }],
    ['no header, given columns', write('nohdr.csv', 'A,2024-01-02,5\nB,2024-01-03,6\nA,2024-01-01,-1\n'), { ingest: { header: false, columns: ['customer_id', 'date', 'amount'] } }],
  ];
  for (const [name, path, extra] of files) {
    it(name, async () => {
      const reference = await load(path, 'csv-parse', extra);
      const fast = await load(path, 'fast', extra);
      expect(fast).toEqual(reference);
    });
  }
  it('the generated files exercise both outcomes', async () => {
    expect((await load(join(dir, 'stop9.csv'), 'fast')).error).toBeDefined();
    expect((await load(join(dir, 'bad5.csv'), 'fast', { ingest: { skipInvalid: true } })).state).toBeDefined();
  });
});

describe('LineFields values', () => {
  const parseAmount = createAmountParser('.');
  const parseDate = createDateParser();
  const fieldsOf = (value: string): LineFields => {
    const f = new LineFields(1, '\t', { ...DEFAULT_INGEST });
    expect(f.scan(value, 0, value.length)).toBe(true);
    return f;
  };
  it('amounts are exactly Number() of the text', () => {
    const rng = createRng(3);
    const f = new LineFields(1, '\t', { ...DEFAULT_INGEST });
    const wrong: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const whole = String(rng.int(10 ** (1 + rng.int(9))));
      const fraction = rng.uniform() < 0.8 ? `.${String(rng.int(10 ** (1 + rng.int(8)))).padStart(1 + rng.int(6), '0')}` : '';
      const text = `${rng.uniform() < 0.2 ? '-' : ''}${whole}${fraction}`;
      if (!f.scan(text, 0, text.length) || !Object.is(f.amount(0), parseAmount(text))) wrong.push(text);
    }
    expect(wrong).toEqual([]);
    for (const text of ['0', '-0', '-0.0', '999999999999999', '9999999999999999', '0.000000000000001', '1.7976931348623157', '00000000000000012.5', '9'.repeat(400)]) {
      let expected = NaN;
      try {
        expected = parseAmount(text);
      } catch {
        // out of range (16 digits or more): the fast path must decline
      }
      expect(Object.is(fieldsOf(text).amount(0), expected)).toBe(true);
    }
  });
  it('unusual or bad amounts are left to FieldReader or parsed the same way', () => {
    for (const text of ['', ' ', '.5', '5.', '+1', '1e3', '$1', '1,000', '(2)', 'x']) {
      const v = fieldsOf(text).amount(0);
      let expected = NaN;
      try {
        expected = parseAmount(text);
      } catch {
        // an error: the fast path must decline
      }
      expect(Object.is(v, expected)).toBe(true);
    }
  });
  it('dates equal the date parser, cached or not', () => {
    const f = new LineFields(1, ',', { ...DEFAULT_INGEST });
    for (const text of ['2024-01-05', '2024-01-05', '1900-01-01', '2155-12-31', '2156-01-01', '1899-12-31', '2024-02-29', '20240105', '2024-01-05T10:00Z']) {
      expect(f.scan(text, 0, text.length)).toBe(true);
      expect(f.date(0)).toBe(parseDate(text));
    }
    for (const text of ['2023-02-29', '2024-13-01', '2024-00-10', '03/04/2024', '']) {
      expect(f.scan(text, 0, text.length)).toBe(true);
      expect(Number.isNaN(f.date(0))).toBe(true);
    }
  });
  it('scan needs exactly the number of fields', () => {
    const f = new LineFields(3, ';', { ...DEFAULT_INGEST });
    expect(f.scan('xx;a;b;c;yy', 3, 8)).toBe(true);
    expect([...f.starts, ...f.ends]).toEqual([3, 5, 7, 4, 6, 8]);
    expect(f.scan('a;b', 0, 3)).toBe(false);
    expect(f.scan('a;b;c;d', 0, 7)).toBe(false);
  });
  it('the source files are unchanged by the test', () => {
    expect(readFileSync(fixture('sales.csv'), 'utf8').startsWith('order_id,customer_id')).toBe(true);
  });
});
