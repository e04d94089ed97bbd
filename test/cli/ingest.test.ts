/** Ingest end to end through the CLI: encodings, delimiters, quoting, gzip, stdin, mapping, config, accounting. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-ingest-'));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const csv = async (...args: string[]) => {
  const r = await runCli(['summary', '--format', 'csv', ...args]);
  expect(r.stderr.match(/error/) ? r.stderr : '').toBe('');
  return r.stdout.trim().split('\n');
};

const PLAIN = 'customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-01,5\nA,2024-01-11,20\nB,2024-01-05,7\n';
const EXPECTED = [
  'customer_id,first_purchase,last_purchase,transactions,frequency,recency,T,monetary_value,revenue',
  'A,2024-01-01,2024-01-11,3,1,10,10,20,35',
  'B,2024-01-05,2024-01-05,1,0,0,6,0,7',
];

describe('reading real-world files', () => {
  it('plain CSV: same-day purchases are one purchase, the first is not a repeat', async () => {
    expect(await csv('--sales', file('plain.csv', PLAIN))).toEqual(EXPECTED);
  });
  it('UTF-8 BOM and CRLF', async () => {
    expect(await csv('--sales', file('bom.csv', `\ufeff${PLAIN.replace(/\n/g, '\r\n')}`))).toEqual(EXPECTED);
  });
  it('quoted fields with embedded delimiters and newlines keep their line numbers', async () => {
    const text = 'customer_id,note,date,amount\n"A","x, y",2024-01-01,10\nA,"two\nlines",2024-01-01,5\nA,z,2024-01-11,20\n"B","",2024-01-05,7\nC,"multi\nline\nnote",2024-13-01,1\n';
    expect(await csv('--sales', file('quoted.csv', text), '--skip-invalid')).toEqual(EXPECTED);
    const r = await runCli(['summary', '--sales', join(dir, 'quoted.csv')]);
    expect(r.stderr).toMatch(/quoted\.csv:7:3: invalid date "2024-13-01"/);
  });
  it.each([[';'], ['\t'], ['|']])('detects the delimiter %j', async (d) => {
    expect(await csv('--sales', file(`d${d.charCodeAt(0)}.csv`, PLAIN.replace(/,/g, d)))).toEqual(EXPECTED);
  });
  it('gzip files, by suffix and by magic bytes', async () => {
    expect(await csv('--sales', file('plain.csv.gz', gzipSync(PLAIN)))).toEqual(EXPECTED);
    const r = await runCli(['summary', '--format', 'csv', '--sales', '-'], { stdin: gzipSync(PLAIN) });
    expect(r.stdout.trim().split('\n')).toEqual(EXPECTED);
  });
  it('stdin with -', async () => {
    const r = await runCli(['summary', '--format', 'csv', '--sales', '-'], { stdin: PLAIN });
    expect(r.stdout.trim().split('\n')).toEqual(EXPECTED);
    expect(r.stderr).toMatch(/<stdin>: read 4, used 4, rejected 0/);
  });
  it('no header row with --columns', async () => {
    const body = PLAIN.split('\n').slice(1).join('\n');
    expect(await csv('--sales', file('nohead.csv', body), '--no-header', '--columns', 'customer_id,date,amount')).toEqual(EXPECTED);
  });
  it('headers match ignoring case, spaces and underscores; --map for foreign names', async () => {
    const foreign = 'Customer ID;Order Date;Total (EUR)\nA;01/01/2024;10,00\nA;01/01/2024;5\nA;11/01/2024;"20,00"\nB;05/01/2024;7\n';
    const path = file('foreign.csv', foreign);
    expect(await csv('--sales', path, '--map', 'date="Order Date",amount=Total (EUR)', '--date-format', 'DD/MM/YYYY', '--decimal', ',')).toEqual(EXPECTED);
  });
  it('the same mapping from crm.config.json, overridden by the command line', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'crm-config-'));
    writeFileSync(join(cwd, 'crm.config.json'), JSON.stringify({ map: { date: 'Order Date', amount: 'Total (EUR)' }, dateFormat: 'DD/MM/YYYY', decimal: ',', summary: { period: 'week' } }));
    const r = await runCli(['summary', '--format', 'csv', '--sales', join(dir, 'foreign.csv')], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(`A,2024-01-01,2024-01-11,3,1,${10 / 7},${10 / 7},20,35`.replace(/(\d\.\d{11})\d+/g, (m) => String(Number(Number(m).toPrecision(12)))));
    const days = await runCli(['summary', '--format', 'csv', '--period', 'day', '--sales', join(dir, 'foreign.csv')], { cwd });
    expect(days.stdout.trim().split('\n')).toEqual(EXPECTED);
    const explicit = await runCli(['summary', '--format', 'csv', '--config', join(cwd, 'crm.config.json'), '--period', 'day', '--sales', join(dir, 'foreign.csv')]);
    expect(explicit.stdout.trim().split('\n')).toEqual(EXPECTED);
  });
});

describe('windows, returns and accounting', () => {
  it('--as-of leaves later rows out and counts them', async () => {
    const r = await runCli(['summary', '--format', 'json', '--as-of', '2024-01-10', '--sales', file('asof.csv', PLAIN)]);
    const doc = JSON.parse(r.stdout);
    expect(doc.meta.inputs[0]).toMatchObject({ read: 4, used: 3, rejected: 0, excluded: { 'after as-of': 1 } });
    expect(doc.customers[0]).toMatchObject({ customer_id: 'A', frequency: 0, T: 9, revenue: 15 });
  });
  it('returns net into the revenue; same-day returns net into that purchase; a return alone is not a purchase', async () => {
    const text = 'customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-05,30\nA,2024-01-05,-5\nA,2024-01-08,-10\nA,2024-01-11,20\n';
    const lines = await csv('--sales', file('returns.csv', text));
    // purchase days: 01-01, 01-05 (net 25), 01-11; the return on 01-08 only lowers revenue.
    // revenue = 10 + 30 - 5 - 10 + 20 = 45
    // transactions: the three purchase rows; returns are not transactions.
    expect(lines[1]).toBe('A,2024-01-01,2024-01-11,3,2,10,10,22.5,45');
  });
  it('lines of one order count as one transaction; margin from cost', async () => {
    const text = 'order_id,customer_id,date,amount,cost\n1,A,2024-01-01,10,6\n1,A,2024-01-01,5,1\n2,A,2024-01-03,20,15\n';
    const lines = await csv('--sales', file('orders.csv', text));
    expect(lines[0]).toContain(',margin');
    expect(lines[1]).toBe('A,2024-01-01,2024-01-03,2,1,2,2,20,35,13');
  });
  it('sales of customers missing from --customers are reported with examples and kept, dropped or refused', async () => {
    const customers = file('customers.csv', 'customer_id,region\nA,North\n');
    const sales = file('unknown.csv', PLAIN);
    const keep = await runCli(['summary', '--format', 'json', '--customers', customers, '--sales', sales]);
    const doc = JSON.parse(keep.stdout);
    expect(doc.meta.unknownCustomers.sales).toEqual({ rows: 1, customers: 1, examples: ['B'] });
    expect(doc.customers).toHaveLength(2);
    expect(keep.stderr).toMatch(/warning: 1 sales rows of 1 customer\(s\) not in the customers file \(e\.g\. "B"\)/);
    const drop = JSON.parse((await runCli(['summary', '--format', 'json', '--unknown', 'drop', '--customers', customers, '--sales', sales])).stdout);
    expect(drop.customers).toHaveLength(1);
    expect(drop.meta.inputs[1]).toMatchObject({ read: 4, used: 3, excluded: { 'unknown customer': 1 } });
    const refuse = await runCli(['summary', '--unknown', 'error', '--customers', customers, '--sales', sales]);
    expect(refuse.code).toBe(1);
    expect(refuse.stderr).toMatch(/unknown\.csv:5:1: customer_id "B" is not in the customers file/);
  });
  it('the terminal table shows totals and the row account', async () => {
    const r = await runCli(['summary', '--sales', join(dir, 'plain.csv')], { tty: true, env: { NO_COLOR: '1' } });
    expect(r.stdout).toMatch(/Totals: 2 customers, 4 transactions, revenue 42\.00; repeat customers 1 \(50\.0%\)/);
    expect(r.stdout).toMatch(/Rows: sales read 4, used 4, rejected 0/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });
});
