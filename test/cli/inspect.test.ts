/**
 * crm inspect FILE: the delimiter and encoding found, the header and first rows, the input kind it reads as,
 * which column each field maps to, and the exact --map to add, which then works.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { fixture, sharedData } from '../helpers/data.js';
import { tempFiles } from '../helpers/ingest.js';
import { kindScore, matchKind } from '../../src/ingest/inspect.js';

const { write } = tempFiles('crm-inspect-');

describe('crm inspect', () => {
  it('reads the fixtures as sales: every field found, JSON with the columns', async () => {
    const r = await runCli(['inspect', fixture('sales.csv'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ delimiter: ',', delimiterDetected: true, encoding: 'utf8', more: true, problem: null });
    expect(doc.headers).toEqual(['order_id', 'customer_id', 'date', 'product', 'quantity', 'amount', 'cost', 'channel']);
    expect(doc.rows).toHaveLength(5);
    expect(doc.rows[0]).toEqual(['O000001-1', 'C000001', '2023-07-12', 'accessory', '1', '19.25', '13.14', 'phone']);
    expect(doc.kinds[0].kind).toBe('sales');
    expect(doc.kinds[0].missing).toEqual([]);
    expect(doc.kinds[0].fields.find((f: { field: string }) => f.field === 'amount')).toMatchObject({ column: 5, header: 'amount' });
  });

  it('a foreign export: the closest kind, a guess for each missing field, and the --map that then reads it', async () => {
    const path = write('export.csv', 'Order No;Client;Order Date;Qty;Total\n1;A;2024-01-03;2;10,5\n2;B;2024-01-04;1;3,2\n3;A;2024-02-01;1;4\n');
    const r = await runCli(['inspect', path, '--format', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('delimiter ";" (semicolon, detected from the header line)');
    expect(r.stdout).toContain('As sales (the closest input kind');
    const add = /Add: (--map .+)$/m.exec(r.stdout)![1];
    expect(add).toBe('--map customer_id=Client,date="Order Date",amount=Total');
    const mapArg = add.slice('--map '.length).replace(/"/g, '');
    const summary = await runCli(['summary', '--sales', path, '--map', mapArg, '--decimal', ',', '--format', 'csv']);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout.split('\n')[1]).toBe('A,2024-01-03,2024-02-01,2,1,29,29,4,14.5');
  });

  it('CDNOW_master.txt: whitespace-separated, read as sales with amount=dollar_value', async () => {
    const r = await runCli(['inspect', sharedData('CDNOW_master.txt'), '--rows', '2', '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.delimiter).toBe('whitespace');
    expect(doc.rows).toEqual([['00001', '19970101', '1', '11.77'], ['00002', '19970112', '1', '12.00']]);
    expect(doc.kinds[0]).toMatchObject({ kind: 'sales', missing: ['amount'], map: 'amount=dollar_value' });
  });

  it('--as names the kind; a field no column resembles is said so', async () => {
    const path = write('odd.csv', 'who,when,howmuch\nA,2024-01-01,3\n');
    const r = await runCli(['inspect', path, '--as', 'payments', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('As payments\n');
    expect(r.stdout).toMatch(/No column looks like customer_id, invoice_id, invoice_date, due_date, amount: name them with --map customer_id=COLUMN,invoice_id=COLUMN/);
  });

  it('reports a reading problem in the first rows instead of failing', async () => {
    const path = write('latin1.csv', Buffer.concat([Buffer.from('customer_id,date,amount\n'), Buffer.from([0x4a, 0xe9, 0x2c]), Buffer.from('2024-01-01,3\n')]).toString('latin1'));
    const bytes = Buffer.concat([Buffer.from('customer_id,date,amount\n'), Buffer.from([0x4a, 0xe9]), Buffer.from(',2024-01-01,3\n')]);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, bytes);
    const r = await runCli(['inspect', path, '--format', 'table']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Reading problem in the first rows: .*invalid UTF-8.*\(hint: --encoding windows-1252/);
  });

  it('scores kinds by fields found and guessed', () => {
    const sales = matchKind('sales', ['customer', 'order date', 'total'], {});
    const customers = matchKind('customers', ['customer', 'order date', 'total'], {});
    expect(kindScore(sales)).toBeCloseTo(2.25, 12);
    expect(kindScore(customers)).toBeCloseTo(0.75, 12);
    expect(matchKind('sales', ['cust', 'day', 'x'], { customer_id: 'cust' }).fields[0]).toMatchObject({ column: 0, header: 'cust' });
  });

  it('a bad --rows is a usage error that does not call rows days (nor --top)', async () => {
    const r = await runCli(['inspect', fixture('sales.csv'), '--rows', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crm: error: --rows must be a positive whole number, not "0"\n');
    const top = await runCli(['payments', '--payments', fixture('payments.csv'), '--top', '0']);
    expect(top.stderr).toBe('crm: error: --top must be a positive whole number, not "0"\n');
    const days = await runCli(['payments', '--payments', fixture('payments.csv'), '--dso-window', 'x']);
    expect(days.stderr).toMatch(/--dso-window must be a positive whole number of days, not "x"/);
  });
});
