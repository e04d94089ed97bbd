/**
 * The fast path for plain payment lines gives exactly what the general path gives: the same rows in the
 * ledger, row accounts, unknown customers, rejects and errors. The csv-parse parser never takes the fast
 * path, so it is the reference.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createRng } from '../../src/core/random.js';
import { loadInputs, type UnknownPolicy } from '../../src/ingest/load.js';
import { DEFAULT_INGEST, type IngestOptions } from '../../src/ingest/table.js';
import { tempFiles } from '../helpers/ingest.js';
import { fixture } from '../helpers/data.js';

const { dir, write } = tempFiles('crm-fast-payments-');

async function load(payments: string, parser: 'fast' | 'csv-parse', extra: { customers?: string; unknown?: UnknownPolicy; ingest?: Partial<IngestOptions> } = {}) {
  const options: IngestOptions = { ...DEFAULT_INGEST, skipInvalid: false, ...extra.ingest, parser };
  const rejected: unknown[] = [];
  try {
    const data = await loadInputs(
      {
        payments,
        customers: extra.customers,
        ingest: { customers: { ...DEFAULT_INGEST, parser }, sales: DEFAULT_INGEST, payments: options, summary: DEFAULT_INGEST },
        window: {},
        unknown: extra.unknown ?? 'keep',
      },
      { stdin: Readable.from([]), rejects: { reject: (...args) => rejected.push(args) } },
    );
    return { rows: [...data.payments!], accounts: data.accounts, unknown: data.unknownPayments, rejected };
  } catch (err) {
    return { error: (err as Error).message + JSON.stringify(err) };
  }
}

/** Payment lines with plain and unusual values, partial payments, credit notes and bad rows. */
function paymentsText(seed: number, bad: boolean): string {
  const rng = createRng(seed);
  const pick = <T,>(xs: T[]): T => xs[rng.int(xs.length)];
  const ids = ['C000001', 'C000002', ' C000003 ', 'C 4', '007', 'nobody', 'C000005\u00a0'];
  const invoices = ['I1', 'I2', ' I3 ', 'INV-0000001-12', 'I1'];
  const dates = ['2024-01-05', '2024-02-29', '2023-12-31', '20240107', ' 2024-01-09 ', '2024-01-08T10:00:00Z'];
  const amounts = ['100', '-20', '0', '12.5', '1,234.50', '$12', '(5.00)', ' 7 ', '.5'];
  const paidDates = ['', '', '2024-01-20', '2024-03-01', '  '];
  const paidAmounts = ['', '', '40', '0', '12.5', '-20'];
  const lines = ['customer_id,invoice_id,invoice_date,due_date,amount,paid_date,paid_amount'];
  for (let i = 0; i < 400; i++) {
    let fields = [pick(ids), pick(invoices), pick(dates), pick(dates), pick(amounts), pick(paidDates), pick(paidAmounts)];
    if (bad && rng.uniform() < 0.04) fields[2] = pick(['2024-02-30', '03/04/2024', '', 'x']);
    if (bad && rng.uniform() < 0.04) fields[4] = pick(['twelve', '', '1.2.3']);
    if (bad && rng.uniform() < 0.03) fields[0] = ' ';
    if (bad && rng.uniform() < 0.03) fields[1] = '';
    if (bad && rng.uniform() < 0.02) fields = fields.slice(0, 6);
    const q = (v: string): string => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    lines.push(fields.map(q).join(','));
    if (rng.uniform() < 0.02) lines.push('');
  }
  const eol = seed % 2 ? '\r\n' : '\n';
  return lines.join(eol) + eol;
}

describe('fast payment rows against the general path', () => {
  const files: [string, string, Parameters<typeof load>[2]][] = [
    ['fixtures/payments.csv', fixture('payments.csv'), {}],
    ['fixtures with customers', fixture('payments.csv'), { customers: fixture('customers.csv'), unknown: 'drop' }],
    ...[1, 2, 3].map((s) => [`generated plain file ${s}`, write(`plain${s}.csv`, paymentsText(s, false)), {}] as [string, string, Parameters<typeof load>[2]]),
    ...[4, 5].map((s) => [`generated plain file ${s} with customers, unknown drop`, write(`known${s}.csv`, paymentsText(s, false)), { customers: fixture('customers.csv'), unknown: 'drop' }] as [string, string, Parameters<typeof load>[2]]),
    ...[6, 7, 8].map((s) => [`generated file with bad rows ${s}, skip invalid`, write(`bad${s}.csv`, paymentsText(s, true)), { ingest: { skipInvalid: true } }] as [string, string, Parameters<typeof load>[2]]),
    ...[9, 10].map((s) => [`generated file with bad rows ${s}, stop at the first`, write(`stop${s}.csv`, paymentsText(s, true)), {}] as [string, string, Parameters<typeof load>[2]]),
    ['unknown customers refused', write('unknown.csv', paymentsText(11, false)), { customers: fixture('customers.csv'), unknown: 'error' }],
    ['paid amount without a paid date', write('nodate.csv', 'customer_id,invoice_id,invoice_date,due_date,amount,paid_date,paid_amount\nC1,I1,2024-01-01,2024-01-31,100,,5\n'), {}],
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
    const skipped = await load(join(dir, 'bad6.csv'), 'fast', { ingest: { skipInvalid: true } });
    expect(skipped.rows!.length).toBeGreaterThan(200);
    expect(skipped.rejected!.length).toBeGreaterThan(5);
  });
});
