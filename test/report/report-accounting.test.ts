/** crm report accounts for the payment rows the analysis leaves out (invoices after the as-of day). */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { fixture } from '../helpers/data.js';

describe('crm report: row account of the payments', () => {
  it('invoices dated after --as-of are excluded with their reason in meta.inputs and on stderr, as in crm payments', async () => {
    const inputs = ['--sales', fixture('sales.csv'), '--payments', fixture('payments.csv'), '--as-of', '2025-06-30', '--model', 'bgnbd'];
    const r = await runCli(['report', ...inputs, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const account = doc.meta.inputs.find((a: { kind: string }) => a.kind === 'payments');
    const excluded = Object.values(account.excluded as Record<string, number>).reduce((s, n) => s + n, 0);
    expect(account.excluded['invoice after as-of']).toBeGreaterThan(0);
    expect(account.used + account.rejected + excluded).toBe(account.read);
    const pay = await runCli(['payments', ...inputs.slice(0, 6), '--format', 'json']);
    expect(JSON.parse(pay.stdout).meta.inputs.find((a: { kind: string }) => a.kind === 'payments')).toEqual(account);
    expect(r.stderr).toContain(`used ${account.used}`);
  });
});
