/**
 * The parallel payments ingest (src/ingest/parallel/) gives exactly the sequential ledger: the same rows in
 * file order with the same fields (customer, invoice id, dates, amounts, file, line), the same customers in
 * the same order, row accounts, unknown customers and errors (file:line:column), wherever the file is split
 * and however the workers read. The worker runs src/ compiled into a temporary folder (test/helpers/compiled.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { defaultTruth, generateCompany } from '../../src/generate/company.js';
import { loadInputs, type UnknownPolicy } from '../../src/ingest/load.js';
import type { ParallelSettings } from '../../src/ingest/parallel/parallel.js';
import { DEFAULT_INGEST, type IngestOptions } from '../../src/ingest/table.js';
import type { PaymentLedger } from '../../src/payments/ledger.js';
import { removeCompiled } from '../helpers/compiled.js';
import { before, expectParallel, parallel, sameAs, type Run } from '../helpers/parallel.js';
import { tempFiles } from '../helpers/ingest.js';
import { fixture } from '../helpers/data.js';

const { write } = tempFiles('crm-parallel-payments-');

interface Extra {
  customers?: string;
  unknown?: UnknownPolicy;
  ingest?: Partial<IngestOptions>;
  asOf?: number;
}


/** Everything the ledger holds, row by row and through its columns. */
function ledgerState(ledger: PaymentLedger): unknown {
  const rows = [...ledger].map((r) => Object.values(r));
  const columns = ledger.columns();
  const same: boolean[] = [];
  for (let i = 1; i < ledger.length; i++) same.push(columns.sameInvoice(i - 1, i));
  return { ids: ledger.ids, rows, same, byCustomer: ledger.rowsByCustomer() };
}

/** Loads the payments (and customers) and returns the ledger, accounts and unknown customers, or the error. */
async function load(payments: string, parallel: ParallelSettings, extra: Extra = {}): Promise<Run> {
  const options: IngestOptions = { ...DEFAULT_INGEST, ...extra.ingest };
  try {
    const data = await loadInputs(
      {
        payments,
        customers: extra.customers,
        ingest: { customers: DEFAULT_INGEST, sales: DEFAULT_INGEST, payments: options, summary: DEFAULT_INGEST },
        window: { asOf: extra.asOf },
        unknown: extra.unknown ?? 'keep',
        parallel,
      },
      { stdin: Readable.from([]) },
    );
    return {
      state: { ledger: ledgerState(data.payments!), accounts: JSON.stringify(data.accounts), unknown: data.unknownPayments },
      ranges: data.paymentsIngest?.ranges,
      sequential: data.paymentsIngest?.sequential,
      sequentialFrom: data.paymentsIngest?.sequentialFrom,
    };
  } catch (err) {
    return { error: (err as Error).message + JSON.stringify(err) };
  }
}

const PARALLEL = parallel();
const same = sameAs(load);

/** The offsets of the line ends of a file (splits right after each line). */
function lineEnds(path: string): number[] {
  const text = readFileSync(path, 'latin1');
  const ends: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) ends.push(i);
  return ends;
}

const HEADER = 'customer_id,invoice_id,invoice_date,due_date,amount,paid_date,paid_amount\n';

let company: { payments: string; customers: string; allCustomers: string };

afterAll(removeCompiled);

beforeAll(async () => {
  const parts: Record<string, string[]> = { customers: [], sales: [], payments: [] };
  await generateCompany(defaultTruth({ customers: 300, seed: 7 }), {
    customers: async (l) => void parts.customers.push(l),
    sales: async (l) => void parts.sales.push(l),
    payments: async (l) => void parts.payments.push(l),
  });
  company = {
    payments: write('company-payments.csv', parts.payments.join('')),
    // Some customers missing from the customers file, so that some are unknown.
    customers: write('company-customers.csv', parts.customers.filter((_line, i) => i === 0 || i % 29 !== 3).join('')),
    allCustomers: write('company-all-customers.csv', parts.customers.join('')),
  };
});

describe('parallel payments against the sequential path', () => {
  it('fixtures/payments.csv, split anywhere', async () => {
    const path = fixture('payments.csv');
    expectParallel(await same(path));
    expectParallel(await same(path, { ...PARALLEL, threads: 3 }), 3);
    const ends = lineEnds(path);
    // (split after the header, the first range has no row to configure the worker with: read sequentially)
    await same(path, { ...PARALLEL, at: [ends[0]] });
    for (const k of [1, 2, 100, 700, ends.length - 3, ends.length - 2]) expectParallel(await same(path, { ...PARALLEL, at: [ends[k]] }));
    // Right after a newline: the split moves to the next one.
    expectParallel(await same(path, { ...PARALLEL, at: [ends[5] + 1] }));
  });
  it('a generated company, in two to four ranges, small reads and segments', async () => {
    const path = company.payments;
    expectParallel(await same(path), 2);
    expectParallel(await same(path, { ...PARALLEL, threads: 4 }), 4);
    expectParallel(await same(path, { ...PARALLEL, firstShare: 0.1, readBytes: 333, segmentRows: 5 }));
    // A worker far ahead of the main thread, waiting for segments to be released.
    expectParallel(await same(path, { ...PARALLEL, firstShare: 0.05, readBytes: 2000, segmentRows: 1, aheadRows: 1 }));
  });
  it('unknown customers kept, dropped, or refused (read on sequentially, the same error)', async () => {
    for (const unknown of ['keep', 'drop'] as const) {
      const run = await same(company.payments, PARALLEL, { customers: company.customers, unknown });
      expectParallel(run);
      expect((run.state as { unknown: { rows: number } }).unknown.rows).toBeGreaterThan(0);
    }
    const refused = await same(company.payments, { ...PARALLEL, firstShare: 0.02, readBytes: 512 }, { customers: company.customers, unknown: 'error' });
    expect(refused.error).toMatch(/is not in the customers file/);
    expectParallel(await same(company.payments, PARALLEL, { customers: company.allCustomers, unknown: 'error' }));
  });
});

describe('rows the fast path declines', () => {
  const good = Array.from({ length: 30 }, (_, i) => `C${i % 6},INV-${i},2024-01-${String(1 + (i % 28)).padStart(2, '0')},2024-02-01,${i}.25,${i % 3 === 0 ? '' : '2024-02-03'},${i % 3 === 2 ? `${i}.25` : ''}\n`);
  it('valid odd values: spaces, other date and amount forms, empty paid date, paid 0 without paid date', async () => {
    const odd = [
      ' C1 , INV-x ,2024-01-02,2024-02-01,10,2024-02-01,10\n',
      'C2,INV-y,2024-01-05T10:00:00Z,2024-02-01,$1.50,,\n',
      'C3,INV-z,2024-01-05,2024-02-01,(2.00),,0\n',
      'C3,INV-z,2024-01-05,2024-02-01,1e2,2024-03-01,\n',
      'C4,INV-w,2024-01-05,2024-02-01,-3.5,2024-03-01,-3.5\n',
      'C4,INV-w,2024-01-05,2024-02-01,3.5,,-0\n',
    ];
    const path = write('odd.csv', HEADER + good.slice(0, 15).join('') + odd.join('') + good.slice(15).join(''));
    // After the header, the first range has no row to configure the worker with, and the last line end leaves
    // nothing after it: read sequentially.
    const ends = lineEnds(path);
    for (const [j, k] of ends.entries()) {
      const run = await same(path, { ...PARALLEL, at: [k] });
      if (j > 0 && j < ends.length - 1) expectParallel(run);
    }
  });
  it('bad rows in the worker range: the sequential error, file:line:column', async () => {
    for (const [bad, pattern] of [
      ['C1,INV-1,2024-02-30,2024-03-01,1,,\n', /invalid date.*"column":3/],
      ['C1,INV-1,2024-02-03,2024-03-01,ten,,\n', /invalid amount.*"column":5/],
      ['C1,,2024-02-03,2024-03-01,1,,\n', /empty value.*"column":2/],
      [',INV-1,2024-02-03,2024-03-01,1,,\n', /empty value.*"column":1/],
      ['C1,INV-1,2024-02-03,2024-03-01,1,,5\n', /paid_amount given without paid_date.*"column":7/],
      ['C1,INV-1,2024-02-03,2024-03-01,1,2024-13-01,1\n', /invalid date.*"column":6/],
      ['C1,INV-1,2024-02-03,2024-03-01\n', /expected 7 fields/],
    ] as const) {
      const path = write('bad.csv', `${HEADER}\n${good.slice(0, 20).join('')}\r\n${bad}${good.slice(20).join('')}`);
      for (const readBytes of [undefined, 16, 90, 1000]) {
        const run = await same(path, before(path, 'C2,INV-8,', { readBytes, segmentRows: 3 }));
        expect(run.error).toMatch(pattern);
        expect(run.error).toMatch(/"line":24,/);
      }
    }
  });
  it('quotes: in the worker range (read on from there), and a quoted field across the split', async () => {
    const quoted = write('quoted.csv', HEADER + good.slice(0, 12).join('') + '"C9","INV, ""q""",2024-01-02,2024-02-01,5,,\n' + good.slice(12).join(''));
    const run = await same(quoted, before(quoted, 'C2,INV-8,'));
    expect(run.sequential).toBe('a quote');
    const across = write('across.csv', HEADER + good.slice(0, 12).join('') + 'C9,"INV\nC8,x",2024-01-02,2024-02-01,5,,\n' + good.slice(12).join(''));
    expect((await same(across, before(across, 'C8,x'))).sequential).toBe('a quoted field across the split');
    for (const k of lineEnds(across)) await same(across, { ...PARALLEL, at: [k], readBytes: 64 });
  });
  it('a future date (no --as-of, a run date): the sequential error', async () => {
    const path = write('future.csv', HEADER + good.join('') + 'C1,INV-9,2031-01-02,2031-02-01,1,,\n');
    const run = await same(path, before(path, 'C2,INV-8,'), { ingest: { today: 19800 } });
    expect(run.error).toMatch(/"line":32,/);
  });
});

describe('splits and encodings', () => {
  it('CRLF line ends, empty lines, no final newline, another delimiter and decimal mark', async () => {
    const crlf = write(
      'crlf.csv',
      'customer_id;invoice_id;invoice_date;due_date;amount;paid_date;paid_amount\r\nA;I1;2024-01-02;2024-02-01;1,5;2024-01-09;1,5\r\nB;I2;2024-01-03;2024-02-02;2;;\r\n\r\nA;I3;2024-01-04;2024-02-03;2,25;2024-01-10;2\r\n\r\nC;I4;2024-01-05;2024-02-04;-1;;\r\nA;I5;2024-01-06;2024-02-05;3;2024-02-01;3',
    );
    for (const k of lineEnds(crlf)) await same(crlf, { ...PARALLEL, at: [k] }, { ingest: { decimal: ',' } });
    for (const k of lineEnds(crlf)) await same(crlf, { ...PARALLEL, at: [k], readBytes: 7 }, { ingest: { decimal: ',' } });
    expectParallel(await same(crlf, before(crlf, 'B;'), { ingest: { decimal: ',' } }));
  });
  it('Latin-1 and wider invoice ids, UTF-8 customer ids, across segments', async () => {
    const lines = ['Zoë,INV-é1,2024-01-02,2024-02-01,1,,', 'Zoë,INV-€2,2024-01-03,2024-02-01,2,,', 'Ç5,INV-漢字,2024-01-04,2024-02-01,3,2024-01-05,3', 'A,INV-ÿ,2024-01-04,2024-02-01,4,,', 'A,INV-ÿ,2024-01-05,2024-02-01,4,,', 'B,€,2024-01-06,2024-02-01,5,,', 'B,INV-\u00a0x,2024-01-06,2024-02-01,5,,'];
    const path = write('wide.csv', HEADER + [...lines, ...lines, 'C,plain,2024-01-07,2024-02-01,6,,'].join('\n') + '\n');
    const ends = lineEnds(path);
    for (const [j, k] of ends.entries()) {
      const runs = [await same(path, { ...PARALLEL, at: [k] }), await same(path, { ...PARALLEL, at: [k], readBytes: 40, segmentRows: 2 })];
      if (j > 0 && j < ends.length - 1) for (const run of runs) expectParallel(run);
    }
    // Invalid UTF-8 in the worker range: the sequential error.
    const bytes = Buffer.concat([readFileSync(path), Buffer.from('D,\xff\xfe,2024-01-08,2024-02-01,1,,\n', 'latin1')]);
    const bad = write('bad-utf8.csv', '');
    writeFileSync(bad, bytes);
    expect((await same(bad, { ...PARALLEL, at: [ends[3]] })).error).toMatch(/invalid UTF-8/);
  });
});
