/**
 * The contacts and costs inputs (issue 20): columns, the group values, duplicate contacts, contacts and costs
 * after the as-of day, unknown customers, --map, and the row account (read = used + rejected + excluded).
 */
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { loadInputs, type LoadedData, type LoadRequest } from '../../src/ingest/load.js';
import { DEFAULT_INGEST, type IngestOptions, type RowAccount } from '../../src/ingest/table.js';
import { dayFromYmd } from '../../src/core/days.js';
import { tempFiles } from '../helpers/ingest.js';

const { write } = tempFiles('crm-contacts-');

async function load(
  files: Partial<Pick<LoadRequest, 'customers' | 'contacts' | 'costs'>>,
  ingest: Partial<IngestOptions> = {},
  extra: { asOf?: number; unknown?: LoadRequest['unknown'] } = {},
): Promise<{ data?: LoadedData; error?: string; rejected: unknown[][] }> {
  const options: IngestOptions = { ...DEFAULT_INGEST, ...ingest };
  const rejected: unknown[][] = [];
  try {
    const data = await loadInputs(
      {
        ...files,
        ingest: { customers: options, sales: options, payments: options, summary: options, contacts: options, costs: options },
        window: { asOf: extra.asOf },
        unknown: extra.unknown ?? 'keep',
      },
      { stdin: Readable.from([]), rejects: { reject: (...args) => rejected.push(args) } },
    );
    return { data, rejected };
  } catch (err) {
    return { error: (err as Error).message, rejected };
  }
}

function account(data: LoadedData, kind: string): RowAccount {
  return data.accounts.find((a) => a.kind === kind)!;
}

const HEADER = 'customer_id,campaign,date,group,cost,channel,offer\n';

describe('contacts input', () => {
  it('reads every column; group is case-insensitive; cost, channel and offer are optional', async () => {
    const file = write('contacts.csv', `${HEADER}c1,spring,2024-03-01,Treatment,0.50,email,10%\nc2,spring,2024-03-01,CONTROL,,,\n`);
    const { data, error } = await load({ contacts: file });
    expect(error).toBeUndefined();
    expect(data!.contacts).toEqual([
      { customerId: 'c1', campaign: 'spring', day: dayFromYmd(2024, 3, 1), group: 'treatment', cost: 0.5, channel: 'email', offer: '10%', line: 2 },
      { customerId: 'c2', campaign: 'spring', day: dayFromYmd(2024, 3, 1), group: 'control', cost: null, channel: '', offer: '', line: 3 },
    ]);
    expect(account(data!, 'contacts')).toMatchObject({ read: 2, used: 2, rejected: 0 });
  });

  it('needs only customer_id, campaign, date and group', async () => {
    const file = write('minimal.csv', 'customer_id,campaign,date,group\nc1,a,2024-01-05,control\n');
    const { data } = await load({ contacts: file });
    expect(data!.contacts![0]).toMatchObject({ cost: null, channel: '', offer: '' });
    const missing = write('missing.csv', 'customer_id,campaign,date\nc1,a,2024-01-05\n');
    expect((await load({ contacts: missing })).error).toMatch(/\/missing\.csv:1: missing column "group"/);
  });

  it('an unknown group value is an error at file:line:column, or a rejection "invalid group"', async () => {
    // line 3, column 4 (group) holds "holdout"
    const file = write('bad-group.csv', `${HEADER}c1,spring,2024-03-01,treatment,,,\nc2,spring,2024-03-01,holdout,,,\nc3,spring,2024-03-02,control,,,\n`);
    const stopped = await load({ contacts: file });
    expect(stopped.error).toBe(`${file}:3:4: invalid group "holdout" (treatment or control)`);
    const skipped = await load({ contacts: file }, { skipInvalid: true });
    expect(skipped.data!.contacts!.map((c) => c.customerId)).toEqual(['c1', 'c3']);
    expect(account(skipped.data!, 'contacts')).toMatchObject({ read: 3, used: 2, rejected: 1, rejectedByReason: { 'invalid group': 1 } });
    expect(skipped.rejected).toHaveLength(1);
    expect(skipped.rejected[0].slice(0, 4)).toEqual([file, 3, 4, 'invalid group "holdout" (treatment or control)']);
  });

  it('a duplicate contact (same customer, campaign and day) is an error, or a rejection "duplicate contact"', async () => {
    // line 4 repeats line 2 (c1, spring, 2024-03-01) with another group; c1 in another campaign or on another day is not a duplicate
    const file = write('dup.csv', `${HEADER}c1,spring,2024-03-01,treatment,,,\nc1,summer,2024-03-01,treatment,,,\nc1,spring,2024-03-01,control,,,\nc1,spring,2024-03-02,treatment,,,\n`);
    const stopped = await load({ contacts: file });
    expect(stopped.error).toMatch(/\/dup\.csv:4:3: duplicate contact: customer "c1", campaign "spring", 2024-03-01/);
    const skipped = await load({ contacts: file }, { skipInvalid: true });
    expect(skipped.data!.contacts!.map((c) => c.line)).toEqual([2, 3, 5]);
    expect(account(skipped.data!, 'contacts')).toMatchObject({ read: 4, used: 3, rejected: 1, rejectedByReason: { 'duplicate contact': 1 } });
  });

  it('a contact after --as-of is excluded and accounted ("after as-of")', async () => {
    const file = write('late.csv', `${HEADER}c1,spring,2024-03-01,treatment,,,\nc2,spring,2024-03-31,treatment,,,\nc3,spring,2024-04-01,control,,,\n`);
    const { data } = await load({ contacts: file }, {}, { asOf: dayFromYmd(2024, 3, 31) });
    expect(data!.contacts!.map((c) => c.customerId)).toEqual(['c1', 'c2']);
    const a = account(data!, 'contacts');
    expect(a).toMatchObject({ read: 3, used: 2, rejected: 0, excluded: { 'after as-of': 1 } });
  });

  it('bad dates, empty campaigns and bad costs are errors at their column', async () => {
    const file = write('bad.csv', `${HEADER}c1,spring,2024-02-30,treatment,,,\nc1,,2024-02-01,treatment,,,\nc1,x,2024-02-01,treatment,abc,,\n`);
    const skipped = await load({ contacts: file }, { skipInvalid: true });
    expect(skipped.rejected.map((r) => r.slice(1, 3))).toEqual([[2, 3], [3, 2], [4, 5]]);
    expect(account(skipped.data!, 'contacts').rejectedByReason).toEqual({ 'invalid date': 1, 'empty campaign': 1, 'invalid amount': 1 });
  });

  it('--map contacts.campaign=... names a foreign header', async () => {
    const file = write('foreign.csv', 'Client,Mailing,Sent,Arm\nc1,spring,2024-03-01,control\n');
    const { data, error } = await load({ contacts: file }, { map: { customer_id: 'Client', 'contacts.campaign': 'Mailing', 'contacts.date': 'Sent', 'contacts.group': 'Arm' } });
    expect(error).toBeUndefined();
    expect(data!.contacts![0]).toMatchObject({ customerId: 'c1', campaign: 'spring', group: 'control' });
  });

  it('contacts of customers missing from the customers file are counted, and dropped with --unknown drop', async () => {
    const customers = write('customers.csv', 'customer_id,region\nc1,north\n');
    const file = write('unknown.csv', `${HEADER}c1,spring,2024-03-01,treatment,,,\nzz,spring,2024-03-01,control,,,\n`);
    const kept = await load({ customers, contacts: file });
    expect(kept.data!.unknownContacts).toEqual({ rows: 1, customers: 1, examples: ['zz'] });
    expect(kept.data!.contacts).toHaveLength(2);
    const dropped = await load({ customers, contacts: file }, {}, { unknown: 'drop' });
    expect(dropped.data!.contacts).toHaveLength(1);
    expect(account(dropped.data!, 'contacts')).toMatchObject({ read: 2, used: 1, excluded: { 'unknown customer': 1 } });
  });
});

describe('costs input', () => {
  it('reads customer_id, date, amount and kind (optional), in file order', async () => {
    const file = write('costs.csv', 'customer_id,date,amount,kind\nc1,2024-01-02,12.50,shipping\nc2,2024-01-03,-2,\n');
    const { data } = await load({ costs: file });
    expect(data!.costs).toEqual([
      { customerId: 'c1', day: dayFromYmd(2024, 1, 2), amount: 12.5, kind: 'shipping' },
      { customerId: 'c2', day: dayFromYmd(2024, 1, 3), amount: -2, kind: '' },
    ]);
    const noKind = write('costs-nokind.csv', 'customer_id,date,amount\nc1,2024-01-02,3\n');
    expect((await load({ costs: noKind })).data!.costs![0].kind).toBe('');
  });

  it('bad rows stop the run at file:line:column, or are rejected; events after --as-of are excluded', async () => {
    const file = write('costs-bad.csv', 'customer_id,date,amount,kind\nc1,2024-01-02,x,support\nc1,2024-05-02,4,support\nc2,2024-01-02,1,support\n');
    expect((await load({ costs: file })).error).toMatch(/\/costs-bad\.csv:2:3: invalid amount/);
    const { data } = await load({ costs: file }, { skipInvalid: true }, { asOf: dayFromYmd(2024, 3, 31) });
    expect(data!.costs!.map((c) => c.customerId)).toEqual(['c2']);
    expect(account(data!, 'costs')).toMatchObject({ read: 3, used: 1, rejected: 1, excluded: { 'after as-of': 1 } });
  });

  it('--map costs.kind=... and only one input from stdin', async () => {
    const file = write('costs-foreign.csv', 'customer_id,date,amount,Type\nc1,2024-01-02,1,call\n');
    expect((await load({ costs: file }, { map: { 'costs.kind': 'Type' } })).data!.costs![0].kind).toBe('call');
    expect((await load({ costs: '-', contacts: '-' })).error).toMatch(/only one input can be read from stdin/);
  });
});
