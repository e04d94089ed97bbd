/**
 * The parallel sales ingest (src/ingest/parallel.ts) gives exactly what the sequential path gives: the same
 * customers in the same order, the same day entries and amounts (floating-point sums added in file order),
 * transactions (orders across the split counted once), margins, counters, row accounts and unknown
 * customers; and where it cannot be sure (quotes, bad rows, --unknown error) it falls back to the
 * sequential path, with the same errors. A small threshold makes small files take the parallel path.
 * The worker runs src/ compiled into a temporary folder (test/helpers/compiled.ts), not dist/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRng } from '../../src/core/random.js';
import { defaultTruth, generateCompany } from '../../src/generate/company.js';
import { loadInputs, type UnknownPolicy } from '../../src/ingest/load.js';
import type { ParallelSettings } from '../../src/ingest/parallel/parallel.js';
import { removeCompiled } from '../helpers/compiled.js';
import { before, expectParallel, parallel, sameAs, SEQUENTIAL, type Run } from '../helpers/parallel.js';
import { DEFAULT_INGEST, type IngestOptions } from '../../src/ingest/table.js';
import { tempFiles, salesState } from '../helpers/ingest.js';
import { fixture, projectRoot } from '../helpers/data.js';

const { dir, write } = tempFiles('crm-parallel-');

interface Extra {
  customers?: string;
  unknown?: UnknownPolicy;
  ingest?: Partial<IngestOptions>;
  asOf?: number;
  calibrationEnd?: number;
}


/** Loads the sales (and customers) and returns the whole accumulated state, or the error. */
async function load(sales: string, parallel: ParallelSettings, extra: Extra = {}): Promise<Run> {
  const options: IngestOptions = { ...DEFAULT_INGEST, ...extra.ingest };
  const rejected: unknown[] = [];
  try {
    const data = await loadInputs(
      {
        sales,
        customers: extra.customers,
        ingest: { customers: DEFAULT_INGEST, sales: options, payments: DEFAULT_INGEST, summary: DEFAULT_INGEST },
        window: { asOf: extra.asOf, calibrationEnd: extra.calibrationEnd },
        unknown: extra.unknown ?? 'keep',
        parallel,
      },
      { stdin: Readable.from([]), rejects: { reject: (...args) => rejected.push(args) } },
    );
    return {
      state: {
        ...salesState(data.sales!),
        accounts: JSON.stringify(data.accounts),
        unknown: data.unknownSales,
        rejected,
      },
      ranges: data.salesIngest?.ranges,
      sequential: data.salesIngest?.sequential,
      sequentialFrom: data.salesIngest?.sequentialFrom,
    };
  } catch (err) {
    return { error: (err as Error).message + JSON.stringify(err) };
  }
}

const PARALLEL = parallel();
const same = sameAs(load);

let company: { sales: string; customers: string; allCustomers: string; byDate: string };

afterAll(removeCompiled);

beforeAll(async () => {
  // A generated company (sorted by customer), and the same sales sorted by date (customers on both sides).
  const parts: Record<string, string[]> = { customers: [], sales: [], payments: [] };
  await generateCompany(defaultTruth({ customers: 400, seed: 11 }), {
    customers: async (l) => void parts.customers.push(l),
    sales: async (l) => void parts.sales.push(l),
    payments: async (l) => void parts.payments.push(l),
  });
  const salesText = parts.sales.join('');
  const [header, ...rows] = salesText.split('\n').filter((l) => l !== '');
  const byDate = rows
    .map((l, i) => ({ l, i, d: l.split(',')[2] }))
    .sort((a, b) => (a.d < b.d ? -1 : a.d > b.d ? 1 : a.i - b.i))
    .map((r) => r.l);
  // Drop a few customers from the customers file so that some are unknown.
  const customers = parts.customers.filter((_line, i) => i === 0 || i % 37 !== 5).join('');
  company = {
    sales: write('company-sales.csv', salesText),
    customers: write('company-customers.csv', customers),
    allCustomers: write('company-all-customers.csv', parts.customers.join('')),
    byDate: write('company-by-date.csv', `${header}\n${byDate.join('\n')}\n`),
  };
});

describe('parallel ingest against the sequential path', () => {
  it('fixtures/sales.csv', async () => {
    expectParallel(await same(fixture('sales.csv')));
  });
  it('a generated company, sorted by customer and by date, with two and three ranges', async () => {
    for (const path of [company.sales, company.byDate]) {
      expectParallel(await same(path), 2);
      expectParallel(await same(path, { ...PARALLEL, threads: 3 }), 3);
      expectParallel(await same(path, { ...PARALLEL, firstShare: 0.2, readBytes: 7 }));
      expectParallel(await same(path, { ...PARALLEL, readBytes: 999, segmentRows: 5 }));
      // Small segments, a worker far ahead of the main thread that has to wait for segments to be released.
      expectParallel(await same(path, { ...PARALLEL, firstShare: 0.1, readBytes: 300, segmentRows: 4, aheadRows: 4 }));
      expectParallel(await same(path, { ...PARALLEL, firstShare: 0.1, readBytes: 2000, segmentRows: 1, aheadRows: 1 }));
    }
  });
  it('windows: as-of and calibration end', async () => {
    for (const path of [company.sales, company.byDate, fixture('sales.csv')]) {
      for (const window of [{ asOf: 20000 }, { asOf: 20100, calibrationEnd: 19800 }, { calibrationEnd: 19700 }]) {
        expectParallel(await same(path, PARALLEL, window), 2);
        expectParallel(await same(path, { ...PARALLEL, threads: 4 }, window), 4);
      }
    }
  });
  it('a customers file with unknown customers, kept or dropped', async () => {
    for (const path of [company.sales, company.byDate]) {
      for (const unknown of ['keep', 'drop'] as const) {
        const run = await same(path, PARALLEL, { customers: company.customers, unknown, asOf: 20300 });
        expectParallel(run);
        expect((run.state as { unknown: { rows: number } }).unknown.rows).toBeGreaterThan(0);
      }
    }
  });
  it('unknown customers refused: the second range falls back, with the same error', async () => {
    const run = await same(company.byDate, PARALLEL, { customers: company.customers, unknown: 'error' });
    expect(run.error).toMatch(/is not in the customers file/);
    const late = await same(company.byDate, { ...PARALLEL, firstShare: 0.02, readBytes: 512 }, { customers: company.customers, unknown: 'error' });
    expect(late.error).toMatch(/is not in the customers file/);
    expectParallel(await same(company.byDate, PARALLEL, { customers: company.allCustomers, unknown: 'error' }));
  });
});

describe('rows around the split', () => {
  const header = 'order_id,customer_id,date,amount,cost\n';
  it('an order whose lines are on both sides is one transaction', async () => {
    const path = write(
      'order.csv',
      header +
        'O1,A,2024-01-05,10,4\nO2,B,2024-01-05,3,1\nO3,A,2024-01-05,5,2\nO3,A,2024-01-05,6,2\n' +
        'O3,A,2024-01-05,7,2\nO3,A,2024-01-05,8,1\nO4,B,2024-01-06,1,\nO3,A,2024-01-06,2,1\n',
    );
    const run = await same(path, before(path, 'O3,A,2024-01-05,7'));
    expectParallel(run);
    const a = (run.state as { customers: unknown[][] }).customers[0];
    expect(a[0]).toBe('A');
    expect(a[4]).toBe(3); // O1, O3, and O3 again on another day
  });
  it('a return between the lines of one order, and the same order id on another day', async () => {
    const path = write(
      'returns.csv',
      header +
        'O1,A,2024-01-05,10,4\nO1,A,2024-01-05,-2,-1\nO1,A,2024-01-05,3,1\nR1,A,2024-01-07,-5,\nO1,A,2024-01-09,4,1\n' +
        'O2,B,2024-01-09,-1,\nO2,B,2024-01-09,2,\nO2,B,2024-01-08,-4,\n',
    );
    for (const marker of ['O1,A,2024-01-05,-2', 'O1,A,2024-01-05,3', 'R1,A', 'O1,A,2024-01-09', 'O2,B,2024-01-09,2', 'O2,B,2024-01-08']) {
      expectParallel(await same(path, before(path, marker)), 2);
    }
  });
  it('orders repeated on another day, after a line without order id, after a return, trimmed', async () => {
    const lines = [
      'O0,A,2024-01-01,1,',
      'O1,A,2024-01-02,1,',
      'O2,A,2024-01-02,1,',
      'O2,A,2024-01-03,1,',
      'O2,A,2024-01-03,1,',
      ',A,2024-01-03,1,',
      'O2,A,2024-01-03,1,',
      'O3,A,2024-01-03,1,',
      ' O3 ,A,2024-01-03,1,',
      'O3,A,2024-01-04,-1,',
      'O3,A,2024-01-03,1,',
      'O4,B,2024-01-03,1,',
      'O3,A,2024-01-03,1,',
      ' O5,A,2024-01-03,1,',
      'O5,A,2024-01-03,1,',
      'O5,A,2024-01-03,1,',
    ];
    const path = write('orders.csv', `${header}${lines.join('\n')}\n`);
    for (const marker of ['O1', 'O2,A,2024-01-03', ',A', 'O3,A,2024-01-04', 'O4']) {
      for (const readBytes of [undefined, 20, 45]) expectParallel(await same(path, before(path, marker, { readBytes, segmentRows: 2 })));
    }
    const a = (await load(path, SEQUENTIAL)).state as { customers: unknown[][] };
    expect(a.customers[0][4]).toBe(8);
  });
  it('one customer-day summed in file order (0.1 + 0.2 + 0.3 ... depends on the order)', async () => {
    const amounts = ['0.1', '0.2', '0.3', '0.7', '1e-1', '0.6', '-0.3', '0.9', '12.34', '0.01'];
    // The sums differ by grouping, so a merge of partial sums would be caught.
    expect(0.1 + 0.2 + 0.3).not.toBe(0.1 + (0.2 + 0.3));
    const lines = amounts.map((a, i) => `,A,2024-02-0${1 + (i % 2)},${a},0.1\n`).join('');
    const path = write('floats.csv', header + lines + lines.replace(/,A,/g, ',B,'));
    for (let k = 1; k < 2 * amounts.length; k++) {
      const text = readFileSync(path, 'latin1');
      let at = 0;
      for (let j = 0; j <= k; j++) at = text.indexOf('\n', at) + 1;
      expectParallel(await same(path, { ...PARALLEL, at: [at - 1] }), 2);
    }
  });
  it('days out of order on both sides', async () => {
    const path = write('unsorted.csv', `${header}O1,A,2024-01-09,1,\nO2,A,2024-01-03,2,\nO3,A,2024-01-05,0.1,\nO4,A,2024-01-03,0.2,\nO5,A,2024-01-01,0.3,\nO6,A,2024-01-09,-1,\nO7,A,2024-01-04,-2,\n`);
    for (const marker of ['O2', 'O3', 'O4', 'O5', 'O6', 'O7']) expectParallel(await same(path, before(path, marker)), 2);
  });
  it('CRLF line ends, empty lines, no final newline, no order and no cost column, another delimiter', async () => {
    const crlf = write('crlf.csv', 'customer_id;date;amount\r\nA;2024-01-02;1,5\r\nB;2024-01-03;2\r\n\r\nA;2024-01-02;2,25\r\n\r\nC;2024-01-04;-1\r\nA;2024-01-05;3');
    for (const marker of ['B;', 'A;2024-01-02;2,25', 'C;', 'A;2024-01-05']) {
      expectParallel(await same(crlf, before(crlf, marker), { ingest: { decimal: ',' } }), 2);
    }
    const dates = write('dates.csv', 'customer_id,date,amount,margin\nA,05/01/2024,1,0.5\nB,06/01/2024,2,\nA,07/01/2024,3,1\n');
    expectParallel(await same(dates, before(dates, 'B,'), { ingest: { dateFormat: 'DD/MM/YYYY' } }), 2);
  });
  it('UTF-8 ids in the second range, and malformed bytes read sequentially', async () => {
    const text = 'order_id,customer_id,date,amount\nO1,Ç5,2024-01-02,1\nO2,Zoë,2024-01-03,2\nO3,Ç5,2024-01-03,3\nO4,€\ufeff,2024-01-04,4\n';
    const valid = write('utf8.csv', text);
    expectParallel(await same(valid, before(valid, 'O2')));
    const bytes = Buffer.from(text.replace('O3,Ç5', 'O3,C\u0001'), 'utf8');
    bytes[bytes.indexOf(1)] = 0xc3; // a lead byte without its continuation
    const path = join(dir, 'bad-utf8.csv');
    writeFileSync(path, Buffer.concat([bytes, Buffer.from('O5,\xff\xfe,2024-01-05,5\n', 'latin1')]));
    // Invalid UTF-8 is an error at its line (not U+FFFD), the same on both paths, wherever the worker stops.
    for (const readBytes of [undefined, 5, 12, 40]) {
      const run = await same(path, before(path, 'O2', { readBytes }));
      expect(run.error).toMatch(/bad-utf8\.csv:4: invalid UTF-8: byte 0xC3 \(a Windows-1252 or Latin-1 file\?\)\{/);
    }
  });
  it('quoted fields in the first range only', async () => {
    const path = write('quoted-a.csv', 'order_id,customer_id,date,amount,channel\nO1,"A",2024-01-02,1,"web, ""eu"""\nO2,A,2024-01-02,2,"x\ny"\nO3,B,2024-01-03,3,web\nO3,B,2024-01-03,4,web\n');
    expectParallel(await same(path, before(path, 'O3,B,2024-01-03,4')));
  });
  it('ids and order ids with spaces around them, and a BOM', async () => {
    const path = write('spaces.csv', '\ufefforder_id,customer_id,date,amount\n O1 ,A,2024-01-02,1\n O1 , A ,2024-01-02,2\nO1,A,2024-01-02,3\n ,A,2024-01-03,4\nO2,A\u00a0,2024-01-03,5\n');
    for (const marker of [' O1 , A', 'O1,A', ' ,A', 'O2']) expectParallel(await same(path, before(path, marker)), 2);
  });
});

describe('reading on sequentially', () => {
  it('from a quote in the second range, with the rows before it from the worker', async () => {
    const text = 'order_id,customer_id,date,amount\nO1,A,2024-01-02,1\nO2,B,2024-01-03,2\nO3,C,2024-01-03,2\nO4,A,2024-01-03,7\nO5,"C",2024-01-04,3\nO6,"D, Inc.",2024-01-05,4\nO7,A,2024-01-03,1\n';
    const path = write('quote.csv', text);
    const run = await same(path, before(path, 'O2'));
    expect([run.sequential, run.sequentialFrom]).toEqual(['a quote', text.indexOf('O2')]);
    // Read in small pieces, the worker's rows up to the piece with the quote are used.
    const late = await same(path, before(path, 'O2', { readBytes: 8 }));
    expect(late.sequential).toBe('a quote');
    expect(late.sequentialFrom).toBeGreaterThan(text.indexOf('O3'));
    expect(late.sequentialFrom).toBeLessThanOrEqual(text.indexOf('O5'));
  });
  it('from the split when a quoted field spans it', async () => {
    const path = write('quoted-newline.csv', 'order_id,customer_id,date,amount,channel\nO0,A,2024-01-01,1,web\nO1,A,2024-01-02,1,"web\nO9,Z,2024-01-09,9,shop"\nO2,B,2024-01-03,2,web\n');
    const run = await same(path, before(path, 'O9'));
    expect(run.sequential).toBe('a quoted field across the split');
    const unclosed = write('unclosed.csv', 'order_id,customer_id,date,amount,channel\nO0,A,2024-01-01,1,web\nO1,A,2024-01-02,1,"web\nO9,Z,2024-01-09,9,shop\nO2,B,2024-01-03,2,web\n');
    const error = await same(unclosed, before(unclosed, 'O9'));
    expect(error.error).toMatch(/unclosed quote/);
  });
  it('from a bad row in the second range: the same error, file:line:column', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `O${i},C${i % 7},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${i}.5\n`);
    for (const [bad, pattern] of [
      ['O99,C1,2024-02-30,1\n', /invalid date/],
      ['O99,C1,2024-02-03,ten\n', /invalid amount/],
      ['O99,,2024-02-03,1\n', /empty value/],
      ['O99,C1,2024-02-03\n', /expected 4 fields/],
      ['O99,C1,2024-02-03,1\n\n  \n', /expected 4 fields/],
    ] as const) {
      const path = write('bad.csv', `order_id,customer_id,date,amount\n\n${rows.slice(0, 30).join('')}\r\n${bad}${rows.slice(30).join('')}`);
      for (const readBytes of [undefined, 16, 50, 1000]) {
        const run = await same(path, before(path, 'O20,', { readBytes, segmentRows: 3 }));
        expect(run.error).toMatch(pattern);
        expect(run.error).toMatch(/"line":3[346],/);
      }
    }
  });
  it('valid rows with unusual values are read by the workers', async () => {
    const path = write('odd.csv', 'customer_id,date,amount\nA,2024-01-02,1\nB,2024-01-03,2\nA,2024-01-04,$1.50\nB,2024-01-05T10:00:00Z,(2.00)\n');
    expectParallel(await same(path, before(path, 'B,2024-01-03')));
    const padded = write('padded.csv', 'customer_id,date,amount\nA,2024-01-02,1\nB,2024-01-03,2\nA, 2024-01-04 , 7 \n');
    expectParallel(await same(padded, before(padded, 'B,')));
  });
  it('a bad row in the first range', async () => {
    const path = write('bad-first.csv', 'customer_id,date,amount\nA,2024-01-02,x\nB,2024-01-03,2\nC,2024-01-04,3\n');
    expect((await same(path, before(path, 'C,'))).error).toMatch(/invalid amount/);
  });
  it('options and inputs read sequentially from the start', async () => {
    const fixtureSales = fixture('sales.csv');
    const from = async (...args: Parameters<typeof same>): Promise<[string | undefined, number | undefined]> => {
      const run = await same(...args);
      return [run.sequential, run.sequentialFrom];
    };
    expect(await from(fixtureSales, PARALLEL, { ingest: { skipInvalid: true } })).toEqual(['ingest options', 0]);
    expect(await from(fixtureSales, PARALLEL, { ingest: { parser: 'csv-parse' } })).toEqual(['ingest options', 0]);
    expect(await from(fixtureSales, { threads: 2 })).toEqual(['small file', 0]);
    const nohdr = write('nohdr.csv', 'A,2024-01-02,5\nB,2024-01-03,6\nA,2024-01-01,-1\n');
    expect(await from(nohdr, PARALLEL, { ingest: { header: false, columns: ['customer_id', 'date', 'amount'] } })).toEqual(['ingest options', 0]);
    const quotedFirst = write('quoted-first.csv', 'customer_id,date,amount\n"A",2024-01-02,5\n"B",2024-01-03,6\nA,2024-01-01,-1\n');
    expect((await from(quotedFirst, before(quotedFirst, 'A,')))[0]).toBe('no plain row in the first range');
  });
});

describe('truncated files', () => {
  // A file cut while written: it ends inside a quoted field, or inside a line (no line end), or has its last
  // line without a line end; the parallel path must give exactly the sequential result or error, wherever it
  // is split and however the workers read.
  const rows = Array.from({ length: 6 }, (_, i) => `O${i},C${i % 4},2024-01-${String(1 + i).padStart(2, '0')},${i}.5`).join('\n');
  const endings: [string, RegExp | null][] = [
    ['\nO99,C1,"2024-02-01,1', /unclosed quote/],
    ['\nO99,C1,2024-02-01,"1', /unclosed quote/],
    ['\nO99,"C1\nstill quoted,2024-02-01,1\n', /unclosed quote/],
    ['\nO99,C1,2024-02-01,1', null],
    ['\nO99,C1,2024-02-01,1\r', null],
    ['\nO99,C1,2024-02-0,1', /invalid date/],
    ['\nO99,C1,2024-02-01', /expected 4 fields/],
    ['\nO99,C1', /expected 4 fields/],
    ['\nO99,"C1",2024-02-01,1', null],
    ['\nO99,C1,2024-02-01,1,"', /unclosed quote/],
    ['\nO99,C1,2024-02-01,"1\r\n', /unclosed quote/],
  ];
  it('give the sequential result or error wherever they are split', async () => {
    for (const [k, [ending, error]] of endings.entries()) {
      const text = `order_id,customer_id,date,amount\n${rows}${ending}`;
      const path = write(`truncated-${k}.csv`, text);
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
        for (const readBytes of at % 2 === 0 ? [undefined] : [undefined, 7]) {
          const run = await same(path, { ...PARALLEL, at: [at], readBytes });
          if (error) expect(run.error, `${k} at ${at}`).toMatch(error);
          else expect(run.error, `${k} at ${at}`).toBeUndefined();
        }
      }
    }
  });
  it('and with three ranges, the cut in the last one', async () => {
    for (const [k, [ending]] of endings.entries()) {
      const text = `order_id,customer_id,date,amount\n${rows}${ending}`;
      const path = write(`truncated3-${k}.csv`, text);
      await same(path, { ...PARALLEL, threads: 3 });
      await same(path, { ...PARALLEL, threads: 3, at: [text.indexOf('\nO4'), text.indexOf('\nO9')] });
    }
  });
});

describe('progress', () => {
  it('reports bytes of all ranges and ends once with the file size', async () => {
    const calls: [number, number | null, boolean][] = [];
    const size = statSync(company.byDate).size;
    await loadInputs(
      {
        sales: company.byDate,
        ingest: { customers: DEFAULT_INGEST, sales: DEFAULT_INGEST, payments: DEFAULT_INGEST, summary: DEFAULT_INGEST },
        window: {},
        unknown: 'keep',
        parallel: PARALLEL,
      },
      { stdin: Readable.from([]), progress: (_file, bytes, total, done) => void calls.push([bytes, total, done]) },
    );
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c[2])).toEqual([[size, size, true]]);
    expect(calls[calls.length - 1]).toEqual([size, size, true]);
    expect(calls.every((c) => c[0] <= size && c[1] === size)).toBe(true);
  });
});

describe('crm summary with CRM_THREADS', () => {
  const bin = join(projectRoot, 'bin', 'crm.js');
  // A preload that counts the worker threads started (in a file named by the environment), to check that
  // the runs with CRM_THREADS=2 do read in parallel.
  const counter = write(
    'count-workers.mjs',
    [
      "import module from 'node:module';",
      "import threads from 'node:worker_threads';",
      "import { appendFileSync } from 'node:fs';",
      'const Original = threads.Worker;',
      'threads.Worker = class extends Original {',
      '  constructor(...args) {',
      '    super(...args);',
      "    if (process.env.COUNT_WORKERS) appendFileSync(process.env.COUNT_WORKERS, 'w');",
      '  }',
      '};',
      'module.syncBuiltinESMExports();',
    ].join('\n'),
  );
  const counts = join(dir, 'workers.txt');
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync('node', ['--import', counter, bin, ...args], { encoding: 'utf8', env: { ...process.env, COUNT_WORKERS: counts, ...env } });
  const workers = (): number => (existsSync(counts) ? readFileSync(counts, 'utf8').length : 0);
  it('gives byte-identical output and errors with parallelism on and off', () => {
    const on = { CRM_THREADS: '2', CRM_PARALLEL_MIN_BYTES: '0' };
    const off = { CRM_THREADS: '1' };
    const rng = createRng(5);
    const rows = readFileSync(company.byDate, 'utf8').trimEnd().split('\n');
    const bad = [...rows];
    bad.splice(rows.length - 1 - rng.int(50), 0, 'O1,C0001,2024-13-01,5,1,1,1,web');
    const badPath = write('company-bad.csv', `${bad.join('\n')}\n`);
    for (const args of [
      ['summary', '--sales', company.byDate, '-f', 'csv'],
      ['summary', '--sales', company.sales, '-f', 'json', '--calibration-end', '2025-06-30'],
      ['summary', '--sales', company.byDate, '--customers', company.customers, '--unknown', 'drop', '-f', 'ndjson'],
      ['summary', '--sales', badPath, '-f', 'csv'],
    ]) {
      const before = workers();
      const a = run(args, on);
      expect(workers()).toBe(before + 1);
      const b = run(args, off);
      expect(workers()).toBe(before + 1);
      expect(a.status).toBe(b.status);
      expect(a.stdout).toBe(b.stdout);
      expect(a.stderr).toBe(b.stderr);
    }
    expect(run(['summary', '--sales', badPath, '-f', 'csv'], on).stderr).toMatch(/company-bad\.csv:\d+:3: invalid date "2024-13-01"/);
  });
});
