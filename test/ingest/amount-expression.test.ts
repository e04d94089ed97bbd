/**
 * Line exports without a line total: the amount as the product of two columns (`--amount Quantity*UnitPrice`
 * or `--map amount=...`), and a warning when the amount is read from a column named like a unit price.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempFiles } from '../helpers/ingest.js';
import { productParts } from '../../src/ingest/table.js';

const { write } = tempFiles('crm-amount-');
const lines = write('lines.csv', 'InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,A,2024-01-03,3,19.99\n1,A,2024-01-03,1,0.10\n2,A,2024-02-03,2,5.50\n3,B,2024-01-05,1,7\n4,B,2024-01-06,-1,7\n');
const map = ['--map', 'customer_id=CustomerID,date=InvoiceDate,order_id=InvoiceNo'];

describe('the amount as quantity × unit price', () => {
  it("--amount Quantity*UnitPrice: each line's total, summed per day (3 × 19.99 + 0.10 = 60.07)", async () => {
    const r = await runCli(['summary', '--sales', lines, ...map, '--amount', 'Quantity*UnitPrice', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[1]).toBe('A,2024-01-03,2024-02-03,2,1,31,31,11,71.07');
    expect(rows[2]).toBe('B,2024-01-05,2024-01-05,1,0,0,29,0,0'); // the return of 1 × 7 on day 6 nets the revenue
    expect(r.stderr).not.toMatch(/price per unit/);
  });

  it('is the same as --map amount=... and with spaces around *, with both CSV parsers', async () => {
    const a = await runCli(['summary', '--sales', lines, ...map, '--amount', 'Quantity*UnitPrice', '--format', 'csv']);
    const b = await runCli(['summary', '--sales', lines, '--map', 'customer_id=CustomerID,date=InvoiceDate,order_id=InvoiceNo,amount=Quantity * UnitPrice', '--format', 'csv']);
    const c = await runCli(['summary', '--sales', lines, ...map, '--amount', 'Quantity*UnitPrice', '--format', 'csv'], { env: { CRM_CSV_PARSER: 'csv-parse' } });
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).toBe(a.stdout);
  });

  it('names a column of the product that is not in the header', async () => {
    const r = await runCli(['summary', '--sales', lines, ...map, '--amount', 'Qty*UnitPrice']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lines\.csv:1: column "Qty" \(mapped to amount\) not found/);
  });

  it('a bad number in either column is an error at that column', async () => {
    const bad = write('bad.csv', 'CustomerID,InvoiceDate,Quantity,UnitPrice\nA,2024-01-03,three,19.99\n');
    const r = await runCli(['summary', '--sales', bad, '--map', 'customer_id=CustomerID,date=InvoiceDate', '--amount', 'Quantity*UnitPrice']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv:2:3: invalid amount "three"/);
  });

  it('warns when the amount is read from a unit-price column beside a quantity', async () => {
    const r = await runCli(['summary', '--sales', lines, ...map, '--map', 'amount=UnitPrice', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: the sales amount is read from "UnitPrice", which looks like a price per unit, and the file has a quantity column "Quantity": amount must be the line total; if "UnitPrice" is per unit, map amount=Quantity\*UnitPrice/);
  });

  it('parses the product mapping', () => {
    expect(productParts('Quantity*UnitPrice')).toEqual(['Quantity', 'UnitPrice']);
    expect(productParts(' qty * "unit price" ')).toEqual(['qty', '"unit price"']);
    expect(productParts('Total')).toBeNull();
    expect(productParts(undefined)).toBeNull();
  });
});
