/** Every error path: one line on stderr naming file:line:column, the right exit code, no stack trace. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';

const broken = (name: string): string => fixture(`broken/${name}`);
const summary = (...args: string[]) => runCli(['summary', '--format', 'csv', ...args]);

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^crm: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('bad data stops the run with file:line:column and exit code 1', () => {
  it('invalid date', async () => {
    const r = await summary('--sales', broken('bad-date.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /bad-date\.csv:3:2: invalid date "2024-02-30": day 30 is out of range in column "date" \(hint: --date-format\)$/);
    expect(r.stdout).toBe('');
  });
  it('invalid amount', async () => {
    const r = await summary('--sales', broken('bad-amount-text.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /bad-amount-text\.csv:3:3: invalid amount "twelve" in column "amount"$/);
  });
  it('a row with too many fields (an unquoted decimal comma)', async () => {
    const r = await summary('--sales', broken('bad-amount.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /bad-amount\.csv:3:4: expected 3 fields, found 4$/);
  });
  it('missing columns: all of them at once, with the mapping option for each', async () => {
    const r = await summary('--sales', broken('missing-column.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /missing-column\.csv:1: missing columns "date" and "amount"; the header has "customer_id", "order_date", "total" \(hint: --map date=COLUMN,amount=COLUMN\)$/);
  });
  it('one missing column keeps the singular message', async () => {
    const r = await summary('--sales', broken('missing-column.csv'), '--map', 'date=order_date');
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /missing-column\.csv:1: missing column "amount"; the header has "customer_id", "order_date", "total" \(hint: --map amount=COLUMN\)$/);
  });
  it('the mapping fixes it', async () => {
    const r = await summary('--sales', broken('missing-column.csv'), '--map', 'date=Order Date,amount=TOTAL');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('A1,2024-01-05,2024-01-05,1,0,0,0,0,10');
  });
  it('short row', async () => {
    const r = await summary('--sales', broken('short-row.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /short-row\.csv:3:3: expected 3 fields, found 2$/);
  });
  it('wrong delimiter given', async () => {
    const r = await summary('--sales', broken('tab-but-told-comma.csv'), '--delimiter', ',');
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /tab-but-told-comma\.csv:1: missing columns "customer_id", "date" and "amount"; the header has "customer_id\\tdate\\tamount"; wrong delimiter\? the header is one field, which splits into 3 at each tab \(hint: --delimiter tab\)$/);
  });
  it('the delimiter is detected from the header line (semicolon, decimal comma)', async () => {
    const r = await summary('--sales', broken('semicolon.csv'), '--decimal', ',');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('A1,2024-01-05,2024-01-05,1,0,0,0,0,10');
  });
  it('ambiguous day/month order is never guessed', async () => {
    const r = await summary('--sales', broken('ambiguous-date.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /ambiguous-date\.csv:2:2: ambiguous date "03\/04\/2024".*\(hint: --date-format DD\/MM\/YYYY or --date-format MM\/DD\/YYYY\)$/);
    const dayFirst = await summary('--sales', broken('ambiguous-date.csv'), '--date-format', 'DD/MM/YYYY');
    expect(dayFirst.stdout).toContain('A1,2024-04-03');
    const monthFirst = await summary('--sales', broken('ambiguous-date.csv'), '--date-format', 'MM/DD/YYYY');
    expect(monthFirst.stdout).toContain('A1,2024-03-04');
  });
  it('empty file', async () => {
    const r = await summary('--sales', broken('empty.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /empty\.csv: empty file: no header row$/);
  });
  it('header only', async () => {
    const r = await summary('--sales', broken('header-only.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /header-only\.csv: no data rows$/);
  });
  it('unclosed quote', async () => {
    const r = await summary('--sales', broken('unclosed-quote.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /unclosed-quote\.csv:\d+: malformed CSV: unclosed quote/);
  });
  it('empty customer id', async () => {
    const r = await summary('--sales', broken('empty-id.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /empty-id\.csv:3:1: empty value in column "customer_id"$/);
  });
  it('missing file', async () => {
    const r = await summary('--sales', broken('no-such-file.csv'));
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, /no-such-file\.csv: no such file$/);
  });
});

describe('usage errors exit with 2', () => {
  it('missing required input', async () => {
    const r = await runCli(['summary']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /missing --sales FILE/);
  });
  it('unknown option', async () => {
    const r = await runCli(['summary', '--sails', 'x.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^crm: error: unknown option '--sails'/);
  });
  it('unknown command', async () => {
    const r = await runCli(['sumary']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crm: error: unknown command 'sumary'/);
  });
  it('bad option values', async () => {
    expect((await summary('--sales', broken('bad-date.csv'), '--period', 'fortnight')).code).toBe(2);
    expect((await summary('--sales', broken('bad-date.csv'), '--as-of', '2024-13-01')).code).toBe(2);
    expect((await summary('--sales', broken('bad-date.csv'), '--date-format', 'QQ/ZZ')).code).toBe(2);
    expect((await summary('--sales', broken('bad-date.csv'), '--map', 'colour=Red')).code).toBe(2);
    expect((await summary('--sales', broken('bad-date.csv'), '--rejects', 'x.csv')).code).toBe(2);
  });
  it('--debug adds the stack trace', async () => {
    const r = await runCli(['summary', '--format', 'csv', '--sales', broken('bad-date.csv'), '--debug']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('--skip-invalid accounts for every row', () => {
  it('rejects bad rows to --rejects and counts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-'));
    const rejects = join(dir, 'rejects.csv');
    const r = await runCli(['summary', '--format', 'json', '--sales', broken('bad-amount.csv'), '--skip-invalid', '--rejects', rejects]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.meta.inputs[0]).toMatchObject({ read: 3, used: 1, rejected: 2, rejectedByReason: { 'wrong number of fields': 1, 'invalid amount': 1 } });
    const lines = readFileSync(rejects, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('file,line,column,reason,record');
    expect(lines[1]).toMatch(/bad-amount\.csv,3,4,"expected 3 fields, found 4","A2,2024-01-06,12,5O"$/);
    expect(lines[2]).toMatch(/bad-amount\.csv,4,3,"invalid amount ""abc"" in column ""amount""","A3,2024-01-07,abc"$/);
    // rectangular: every row has the header's five columns, the record is one of them
    const rows = parse(readFileSync(rejects)) as string[][];
    expect(rows.every((row) => row.length === 5)).toBe(true);
    expect(parse(rows[1][4])[0]).toEqual(['A2', '2024-01-06', '12', '5O']);
    expect(r.stderr).toMatch(/sales .*bad-amount\.csv: read 3, used 1, rejected 2/);
  });
  it('a failed run leaves no half-written output file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-'));
    const out = join(dir, 'summary.csv');
    writeFileSync(out, 'previous report\n');
    const r = await runCli(['summary', '--sales', broken('bad-date.csv'), '--output', out]);
    expect(r.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('previous report\n');
    const fresh = join(dir, 'fresh.csv');
    await runCli(['summary', '--sales', broken('bad-date.csv'), '--output', fresh]);
    expect(existsSync(fresh)).toBe(false);
  });
});
