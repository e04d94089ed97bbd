/**
 * The ingest options of issue 13 through the CLI: --encoding, --max-field, the run date (dates after it are
 * errors unless --as-of), --skip-invalid with quoting errors and a formula-safe --rejects file, duplicate
 * headers, workbooks refused, and --summary files whose frequency is impossible for their T.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { tempFiles } from '../helpers/ingest.js';

const { dir, write } = tempFiles('crm-ingest-limits-');
const bytes = (name: string, content: Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const summary = (...args: string[]) => runCli(['summary', '--format', 'csv', ...args]);

describe('crm summary: encodings', () => {
  const latin1 = Buffer.from('customer_id,date,amount\nJos\xe9,2024-01-01,10\nJos\xe8,2024-01-02,5\n', 'latin1');
  it('invalid UTF-8 is a file:line error with the --encoding hint, exit 1', async () => {
    const path = bytes('latin1.csv', latin1);
    const r = await summary('--sales', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/latin1\.csv:2: invalid UTF-8: byte 0xE9.*hint: --encoding windows-1252/);
    expect(r.stdout).toBe('');
  });
  it('--encoding latin1 and windows-1252 keep José and Josè apart; a bad name is a usage error', async () => {
    const path = bytes('latin1-ok.csv', latin1);
    for (const encoding of ['latin1', 'windows-1252', 'cp1252']) {
      const r = await summary('--sales', path, '--encoding', encoding);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').slice(1, 3).map((l) => l.split(',')[0]).sort()).toEqual(['Josè', 'José']);
    }
    const bad = await summary('--sales', path, '--encoding', 'ebcdic');
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/invalid --encoding "ebcdic"/)]);
  });
  it('UTF-16 with a byte-order mark is read without options; --encoding from the config inputs section', async () => {
    const text = 'customer_id,date,amount\r\nJosé,2024-01-01,10\r\n';
    const utf16 = bytes('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = await summary('--sales', utf16);
    expect(r.stdout.split('\n')[1]).toMatch(/^José,2024-01-01/);
    const cwd = join(dir, 'cfg');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'crm.config.json'), JSON.stringify({ inputs: { sales: { encoding: 'latin1' } } }));
    const configured = await runCli(['summary', '--format', 'csv', '--sales', bytes('latin1-cfg.csv', latin1)], { cwd });
    expect(configured.code).toBe(0);
  });
  it('an xlsx workbook is refused in one line with a hint', async () => {
    const r = await summary('--sales', bytes('book.xlsx', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64)])));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/book\.xlsx: is a zip archive .*hint: export the sheet as CSV/);
  });
});

describe('crm summary: values', () => {
  it('an amount of 400 nines is a file:line:column error, rejected with --skip-invalid', async () => {
    const path = write('nines.csv', `customer_id,date,amount\nA,2024-01-01,10\nB,2024-01-02,${'9'.repeat(400)}\n`);
    const r = await summary('--sales', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nines\.csv:3:3: amount "9{80}"\.\.\. \(400 characters\) is out of range/);
    const skipped = await summary('--sales', path, '--skip-invalid');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout.trim().split('\n')).toHaveLength(2);
    expect(skipped.stderr).toMatch(/rejected 1 \(invalid amount 1\)/);
  });
  it('a date after today is an error unless --as-of; rows after --as-of are left out as before', async () => {
    const path = write('future.csv', 'customer_id,date,amount\nA,2024-01-01,10\nB,9999-12-31,5\n');
    const r = await summary('--sales', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/future\.csv:3:2: date 9999-12-31 is in the future .*hint: --as-of/);
    const asOf = await summary('--sales', path, '--as-of', '2024-06-30');
    expect(asOf.code).toBe(0);
    expect(asOf.stderr).toMatch(/excluded 1 \(after as-of\)/);
    const skipped = await summary('--sales', path, '--skip-invalid');
    expect([skipped.code, skipped.stderr]).toEqual([0, expect.stringMatching(/rejected 1 \(future date 1\)/)]);
    expect(skipped.stdout).toMatch(/^A,2024-01-01,2024-01-01,1,0,0,0,0,10$/m);
  });
  it('a year written 0024 is an error; DD.MM.YY still reads 24 as 2024', async () => {
    expect((await summary('--sales', write('y0024.csv', 'customer_id,date,amount\nA,0024-01-01,1\n'))).stderr).toMatch(/y0024\.csv:2:2: invalid date "0024-01-01": year 0024 is out of range/);
    const yy = await summary('--sales', write('yy.csv', 'customer_id,date,amount\nA,05.03.24,1\n'), '--date-format', 'DD.MM.YY');
    expect(yy.stdout).toMatch(/^A,2024-03-05,/m);
  });
});

describe('crm summary: records', () => {
  it('--skip-invalid skips a 14" monitor row, counts it as quoting, and the rejects file is formula-safe', async () => {
    const path = write('monitor.csv', 'customer_id,product,date,amount\nA,cable,2024-01-01,10\n=cmd|x,14" monitor,2024-01-02,20\nB,desk,2024-01-03,30\n@x,desk,2024-01-04,oops\n');
    const stop = await summary('--sales', path);
    expect([stop.code, stop.stderr]).toEqual([1, expect.stringMatching(/monitor\.csv:3: malformed CSV: invalid opening quote/)]);
    const rejects = join(dir, 'rejects.csv');
    const r = await summary('--sales', path, '--skip-invalid', '--rejects', rejects);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/read 4, used 2, rejected 2 \((quoting 1, invalid amount 1|invalid amount 1, quoting 1)\)/);
    const lines = readFileSync(rejects, 'utf8').trim().split('\n');
    expect(lines[1]).toBe(`${path},3,2,malformed CSV: invalid opening quote: a quote inside an unquoted field,"'=cmd|x,14"" monitor,2024-01-02,20"`);
    expect(lines[2]).toMatch(/,5,4,.*,"'@x,desk,2024-01-04,oops"$/);
    for (const line of lines.slice(1)) for (const cell of line.split(',')) expect(cell).not.toMatch(/^[=+\-@]/);
  });
  it('a duplicate header is a file:1:column error', async () => {
    const r = await summary('--sales', write('dup.csv', 'customer_id,date,amount,date\nA,2024-01-01,1,2024-01-02\n'));
    expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/dup\.csv:1:4: duplicate column "date" \(columns 2 and 4\)/)]);
  });
  it('--max-field: a stray quote stops at the limit with the hint; a larger limit reads a long field', async () => {
    const long = 'x'.repeat(3000);
    const path = write('long.csv', `customer_id,note,date,amount\nA,"${long}",2024-01-01,1\n`);
    const r = await summary('--sales', path, '--max-field', '2k');
    expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/long\.csv:2:2: malformed CSV: field longer than 2048 characters.*raise --max-field/)]);
    expect((await summary('--sales', path, '--max-field', '4096')).code).toBe(0);
    expect((await summary('--sales', path)).code).toBe(0);
    expect((await summary('--sales', path, '--max-field', 'lots')).code).toBe(2);
  });
});

describe('--summary FILE', () => {
  it('a frequency larger than T in days is an error naming the customer and the values', async () => {
    const path = write('summary.csv', 'customer_id,frequency,recency,T\nA,2,30.4,38.8\nB,5000,38.8,38.8\n');
    const r = await runCli(['fit', '--model', 'bgnbd', '--summary', path, '--period', 'week']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/summary\.csv:3:2: customer "B": frequency 5000 is more than the 275 days of T 38\.8 x 7 days/);
    const days = await runCli(['fit', '--model', 'bgnbd', '--summary', path]);
    expect(days.stderr).toMatch(/summary\.csv:3:2: customer "B": frequency 5000 is more than the 39 days of T 38\.8 days/);
  });
});
