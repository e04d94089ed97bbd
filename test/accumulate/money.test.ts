/** Money sums without rounding residue (issue 18.12): a customer who returned what they bought has revenue 0. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addMoney } from '../../src/core/money.js';
import { runCli } from '../helpers/run-cli.js';

describe('addMoney', () => {
  it('is exactly 0 when amounts cancel up to binary rounding, and the plain sum otherwise', () => {
    expect(0.3 - 0.1 - 0.2).not.toBe(0); // the residue this guards against: -2.7755575615628914e-17
    expect(addMoney(addMoney(0.3, -0.1), -0.2)).toBe(0);
    expect(addMoney(1234567.89, -1234567.89)).toBe(0);
    expect(addMoney(19.99 * 3, -59.97)).toBe(0);
    expect(addMoney(10, -9.99)).toBe(10 - 9.99);
    expect(addMoney(0.01, -0.02)).toBe(-0.01);
    expect(addMoney(1e9, 0.01)).toBe(1e9 + 0.01);
  });
});

describe('customers who returned what they bought', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-money-'));
  // C1 bought 0.30 on one day and returned 0.10 and 0.20 on another (no purchase that day);
  // C2 bought 24.10 + 4.9 and returned 29.00 the same day; C3 an ordinary customer.
  const sales = join(dir, 'sales.csv');
  writeFileSync(sales, [
    'customer_id,date,amount,cost',
    'C1,2025-01-02,0.30,0.10',
    'C1,2025-02-01,-0.10,-0.03',
    'C1,2025-02-01,-0.20,-0.07',
    'C2,2025-01-05,24.10,10.00',
    'C2,2025-01-05,4.90,2.00',
    'C2,2025-01-05,-29.00,-12.00',
    'C3,2025-01-03,12.00,5.00',
    'C3,2025-03-03,14.00,6.00',
    '',
  ].join('\n'));

  it('have revenue and margin exactly 0, not a negative residue', async () => {
    const r = await runCli(['summary', '--sales', sales, '--format', 'json', '--as-of', '2025-03-31']);
    expect(r.code).toBe(0);
    const customers = JSON.parse(r.stdout).customers as { customer_id?: string; id?: string; revenue: number; margin: number }[];
    const byId = new Map(customers.map((c) => [c.customer_id ?? c.id, c]));
    expect(byId.get('C1')!.revenue).toBe(0);
    expect(byId.get('C1')!.margin).toBe(0);
    expect(byId.get('C2')!.revenue).toBe(0);
    expect(byId.get('C3')!.revenue).toBe(26);
  });

  it('are not counted among the negative-value customers and stay in the Gini', async () => {
    const r = await runCli(['segment', '--sales', sales, '--format', 'json', '--as-of', '2025-03-31']);
    expect(r.code).toBe(0);
    const concentration = JSON.parse(r.stdout).concentration;
    expect(concentration.negative.customers).toBe(0);
    expect(concentration.customers).toBe(3);
  });
});
