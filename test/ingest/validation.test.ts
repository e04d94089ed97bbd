/**
 * Values and records that were read silently wrong (issue 13): amounts out of range, years 0000-0099, dates
 * after the run date, quoting errors under --skip-invalid, duplicate headers, fields over --max-field, raw
 * values in messages; each on the sequential and the parallel path, with every row accounted for.
 */
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { loadInputs, type LoadRequest } from '../../src/ingest/load.js';
import { readRecords } from '../../src/ingest/records.js';
import { DEFAULT_INGEST, type IngestOptions, type RowAccount } from '../../src/ingest/table.js';
import { createAmountParser } from '../../src/ingest/amounts.js';
import { createDateParser } from '../../src/ingest/dates.js';
import { dayFromYmd, dayToIso } from '../../src/core/days.js';
import { shownValue } from '../../src/core/strings.js';
import { salesState, tempFiles } from '../helpers/ingest.js';
import { CrmError } from '../../src/errors.js';
import { errorText } from '../../src/cli/main.js';

const { write } = tempFiles('crm-validation-');
const TODAY = dayFromYmd(2025, 6, 30);

interface Loaded {
  error?: string;
  accounts?: RowAccount[];
  rejected: unknown[][];
  state?: unknown;
}

async function load(files: Partial<Pick<LoadRequest, 'sales' | 'payments' | 'customers'>>, ingest: Partial<IngestOptions> = {}, extra: { asOf?: number; threads?: number; at?: number[] } = {}): Promise<Loaded> {
  const options: IngestOptions = { ...DEFAULT_INGEST, today: TODAY, ...ingest };
  const rejected: unknown[][] = [];
  try {
    const data = await loadInputs(
      {
        ...files,
        ingest: { customers: options, sales: options, payments: options, summary: options },
        window: { asOf: extra.asOf },
        unknown: 'keep',
        parallel: extra.threads === undefined ? { threads: 1 } : { threads: extra.threads, minBytes: 0, at: extra.at },
      },
      { stdin: Readable.from([]), rejects: { reject: (...args) => rejected.push(args) } },
    );
    return { accounts: data.accounts, rejected, state: data.sales ? salesState(data.sales) : undefined };
  } catch (err) {
    // as the command line says it (settings named by their flags)
    if (err instanceof CrmError) return { error: errorText(err), rejected };
    const e = err as Error & { hint?: string };
    return { error: `${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`, rejected };
  }
}

/** Every row of every account is used, rejected or excluded. */
function balanced(accounts: RowAccount[]): boolean {
  return accounts.every((a) => {
    const excluded = Object.values(a.excluded).reduce((s, n) => s + n, 0);
    const byReason = Object.values(a.rejectedByReason).reduce((s, n) => s + n, 0);
    return a.read === a.used + a.rejected + excluded && byReason === a.rejected;
  });
}

/** Plain rows for the parallel path to have something on both sides of the split. */
const PAD = Array.from({ length: 30 }, (_, i) => `C${i % 7},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${i}.5\n`).join('');

describe('amounts', () => {
  it('400 nines, 1e400 and 16 digits are out of range: file:line:column, not Infinity', async () => {
    const parse = createAmountParser('.');
    for (const text of ['9'.repeat(400), '1e400', '-1e400', '(1e400)', '1,000,000,000,000,000.00', '1000000000000000']) expect(() => parse(text)).toThrow(/out of range/);
    expect(parse('999999999999999.5')).toBe(999999999999999.5);
    expect(createAmountParser(',')('999999999999999,5')).toBe(999999999999999.5);
    const path = write('overflow.csv', `customer_id,date,amount\n${PAD}A,2024-01-02,${'9'.repeat(400)}\n${PAD}`);
    for (const threads of [1, 2]) {
      const run = await load({ sales: path }, {}, { threads });
      expect(run.error).toMatch(/overflow\.csv:32:3: amount "9{80}"\.\.\. \(400 characters\) is out of range/);
      const skipped = await load({ sales: path }, { skipInvalid: true }, { threads });
      expect(skipped.accounts![0]).toMatchObject({ read: 61, used: 60, rejected: 1, rejectedByReason: { 'invalid amount': 1 } });
    }
  });
});

describe('dates', () => {
  it('years 0000-0099 are errors, not 19xx; two-digit years with a format still work', () => {
    const parse = createDateParser();
    for (const text of ['0000-01-01', '0099-12-31', '00240101', '0024/01/01', '0024-01-01T10:00:00Z']) expect(() => parse(text), text).toThrow(/year 00\d\d is out of range/);
    expect(dayToIso(parse('0100-01-01'))).toBe('0100-01-01');
    expect(dayToIso(createDateParser('DD.MM.YY')('05.03.24'))).toBe('2024-03-05');
    expect(dayToIso(createDateParser('DD.MM.YY')('05.03.99'))).toBe('1999-03-05');
    expect(() => createDateParser('DD.MM.YYYY')('05.03.0024')).toThrow(/year 0024/);
  });
  it('a date more than a day after the run date is an error unless --as-of is given', async () => {
    const tomorrow = dayToIso(TODAY + 1);
    const path = write('future.csv', `customer_id,date,amount\n${PAD}A,${tomorrow},1\nB,9999-12-31,2\n${PAD}`);
    for (const threads of [1, 2]) {
      const run = await load({ sales: path }, {}, { threads });
      expect(run.error).toBe('future.csv:33:2: date 9999-12-31 is in the future (the run date is 2025-06-30) (hint: --as-of DATE to read data dated later (rows after it are left out))'.replace('future.csv', path));
      // Rejected with --skip-invalid, the reason in the account.
      const skipped = await load({ sales: path }, { skipInvalid: true }, { threads });
      expect(skipped.accounts![0]).toMatchObject({ read: 62, used: 61, rejected: 1, rejectedByReason: { 'future date': 1 } });
      expect(skipped.rejected.map((r) => r.slice(1, 3))).toEqual([[33, 2]]);
      // With --as-of, later rows are left out as before (excluded, not rejected), whatever their date.
      const asOf = await load({ sales: path }, {}, { threads, asOf: dayFromYmd(2024, 6, 1) });
      expect(asOf.accounts![0]).toMatchObject({ read: 62, used: 60, rejected: 0, excluded: { 'after as-of': 2 } });
      const far = await load({ sales: path }, {}, { threads, asOf: dayFromYmd(9999, 12, 31) });
      expect(far.accounts![0]).toMatchObject({ read: 62, used: 62 });
      // No run date given (library use): no check.
      expect((await load({ sales: path }, { today: undefined }, { threads })).accounts![0].used).toBe(62);
    }
    expect((await load({ sales: path }, {}, { threads: 2 })).error).toBe((await load({ sales: path }, {}, { threads: 1 })).error);
  });
  it('invoice and paid dates after the run date are errors; due dates may be later', async () => {
    const header = 'customer_id,invoice_id,invoice_date,due_date,amount,paid_date\n';
    const ok = write('pay-ok.csv', `${header}A,I1,2025-06-01,2025-08-01,10,\nA,I2,2025-06-01,2025-07-01,10,2025-06-30\n`);
    expect((await load({ payments: ok })).accounts![0]).toMatchObject({ read: 2, used: 2 });
    const invoice = write('pay-inv.csv', `${header}A,I1,2025-06-01,2025-08-01,10,\nA,I2,2030-01-01,2030-02-01,10,\n`);
    expect((await load({ payments: invoice })).error).toMatch(/pay-inv\.csv:3:3: date 2030-01-01 is in the future/);
    const paid = write('pay-paid.csv', `${header}A,I1,2025-06-01,2025-08-01,10,2099-01-01\n`);
    expect((await load({ payments: paid })).error).toMatch(/pay-paid\.csv:2:6: date 2099-01-01 is in the future/);
    expect((await load({ payments: paid }, { skipInvalid: true })).accounts![0]).toMatchObject({ read: 1, used: 0, rejected: 1, rejectedByReason: { 'future date': 1 } });
  });
});

describe('--skip-invalid skips quoting errors', () => {
  const text = `customer_id,product,date,amount\nA,cable,2024-01-01,10\nB,14" monitor,2024-01-02,20\nC,"ok",2024-01-03,30\nD,"a"b,2024-01-04,40\nE,"multi\nline" x,2024-01-05,50\nF,desk,2024-01-06,60\n`;
  it('a quote inside an unquoted field, text after a closing quote: the record to its line end is rejected', async () => {
    const path = write('quoting.csv', text);
    for (const threads of [1, 2]) {
      const run = await load({ sales: path }, { skipInvalid: true }, { threads });
      expect(run.error).toBeUndefined();
      expect(run.accounts![0]).toMatchObject({ read: 6, used: 3, rejected: 3, rejectedByReason: { quoting: 3 } });
      expect(balanced(run.accounts!)).toBe(true);
      expect(run.rejected.map((r) => r.slice(1))).toEqual([
        [3, 2, 'malformed CSV: invalid opening quote: a quote inside an unquoted field', ['B,14" monitor,2024-01-02,20']],
        [5, 2, 'malformed CSV: invalid closing quote: found "b" after a closing quote', ['D,"a"b,2024-01-04,40']],
        [6, 2, 'malformed CSV: invalid closing quote: found " " after a closing quote', ['E,"multi\nline" x,2024-01-05,50']],
      ]);
      expect((run.state as { customers: unknown[][] }).customers.map((c) => c[0])).toEqual(['A', 'C', 'F']);
    }
    // Without --skip-invalid: the first one stops the run, as before.
    expect((await load({ sales: path })).error).toMatch(/quoting\.csv:3: malformed CSV: invalid opening quote/);
  });
  it('the rejects get the fields formula-safe (= + - @ tab CR first get an apostrophe)', async () => {
    const path = write('formula.csv', 'customer_id,date,amount\n=1+2,2024-01-01,oops\n@SUM(A1),2024-01-02,-1x\n"+1",2024-01-02,-\n-2,"=x"y,1\n');
    const run = await load({ sales: path }, { skipInvalid: true });
    expect(run.rejected.map((r) => r[4])).toEqual([["'=1+2", '2024-01-01', 'oops'], ["'@SUM(A1)", '2024-01-02', "'-1x"], ["'+1", '2024-01-02', "'-"], ["'-2,\"=x\"y,1"]]);
  });
  it('an unclosed quote and a too long field are not skipped (where the record ends is unknown)', async () => {
    const path = write('unclosed.csv', 'customer_id,date,amount\nA,2024-01-01,10\nB,"2024-01-02,20\nC,2024-01-03,30\n');
    expect((await load({ sales: path }, { skipInvalid: true })).error).toMatch(/unclosed\.csv:3: malformed CSV: unclosed quote/);
  });
  it('a quoting error in the header is an error', async () => {
    const path = write('bad-header.csv', 'customer_id,da"te,amount\nA,2024-01-01,10\n');
    expect((await load({ sales: path }, { skipInvalid: true })).error).toMatch(/bad-header\.csv:1:2: malformed CSV: invalid opening quote/);
  });
});

describe('headers', () => {
  it('a duplicated header name is an error at line 1 and its column', async () => {
    const dup = write('dup.csv', 'customer_id,date,amount,amount\nA,2024-01-01,1,2\n');
    expect((await load({ sales: dup })).error).toMatch(/dup\.csv:1:4: duplicate column "amount" \(columns 3 and 4\)/);
    const customers = write('dup-customers.csv', 'customer_id,region,name,region\nA,eu,x,us\n');
    expect((await load({ customers })).error).toMatch(/dup-customers\.csv:1:4: duplicate column "region" \(columns 2 and 4\)/);
    const normalized = write('dup-normalized.csv', 'Customer ID,date,Amount,amount\nA,2024-01-01,1,2\n');
    expect((await load({ sales: normalized })).error).toMatch(/dup-normalized\.csv:1:4: columns "Amount" \(3\) and "amount" \(4\) are both amount/);
    // Empty names (trailing delimiters) are not duplicates.
    const empty = write('empty-names.csv', 'customer_id,date,amount,,\nA,2024-01-01,1,,\n');
    expect((await load({ sales: empty })).accounts![0].used).toBe(1);
    // --no-header --columns with a repeated name.
    const nohdr = write('nohdr.csv', 'A,2024-01-01,1\n');
    expect((await load({ sales: nohdr }, { header: false, columns: ['customer_id', 'date', 'date'] })).error).toMatch(/nohdr\.csv:1:3: duplicate column "date"/);
  });
});

describe('--max-field', () => {
  it('a stray quote does not make one huge field: an error at the record, on every path', async () => {
    const body = Array.from({ length: 3000 }, (_, i) => `C${i % 50},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${i}\n`).join('');
    const path = write('stray.csv', `customer_id,date,amount\nA,"2024-01-01,1\n${body}`);
    for (const threads of [1, 2]) {
      for (const parser of ['fast', 'csv-parse'] as const) {
        const run = await load({ sales: path }, { maxField: 1000, parser }, { threads });
        // csv-parse limits records (to 16 x --max-field) and names the line where it stops.
        expect(run.error, `${threads} ${parser}`).toMatch(parser === 'fast' ? /stray\.csv:2:2: malformed CSV: field longer than 1000 / : /stray\.csv:\d+: malformed CSV: record longer than 16000 /);
      }
      expect((await load({ sales: path }, { maxField: 1000, skipInvalid: true }, { threads })).error).toMatch(/stray\.csv:2:2: malformed CSV: field longer than 1000 characters \(an unclosed quote\?\) \(hint: check the quoting, or raise --max-field\)/);
    }
  });
  it('a long unquoted field in a worker\'s range: the same error, or the same rows, as one thread', async () => {
    const text = `customer_id,date,amount,note\n${PAD.replace(/\n/g, ',x\n')}${PAD.replace(/\n/g, ',x\n')}A,2024-01-02,1,${'n'.repeat(3000)}\n${PAD.replace(/\n/g, ',y\n')}`;
    const path = write('long-late.csv', text);
    const at = [text.indexOf('\nC3,2024-01-11')]; // the second range starts 20 rows before the long one
    const one = await load({ sales: path }, { maxField: 1000 }, { threads: 1 });
    expect(one.error).toMatch(/long-late\.csv:62:4: malformed CSV: field longer than 1000 characters/);
    expect(await load({ sales: path }, { maxField: 1000 }, { threads: 2, at })).toEqual(one);
    const longer = await load({ sales: path }, { maxField: 3000 }, { threads: 2, at });
    expect(longer.error).toBeUndefined();
    expect(longer).toEqual(await load({ sales: path }, { maxField: 3000 }, { threads: 1 }));
  });
  it('long fields: quoted, unquoted, split across chunks, exactly at the limit', async () => {
    const read = async (text: string, maxField: number, chunk: number) => {
      async function* chunks() {
        for (let i = 0; i < text.length; i += chunk) yield Buffer.from(text.slice(i, i + chunk));
      }
      try {
        const out: string[][] = [];
        await readRecords(chunks(), 'x.csv', { maxField }, (f) => out.push(f));
        return out.length;
      } catch (err) {
        return (err as Error).message;
      }
    };
    for (const chunk of [3, 64, 1 << 20]) {
      expect(await read(`a,b\nx,${'y'.repeat(100)}\n`, 100, chunk)).toBe(2);
      expect(await read(`a,b\nx,${'y'.repeat(101)}\n`, 100, chunk)).toBe('x.csv:2:2: malformed CSV: field longer than 100 characters (an unclosed quote?)');
      expect(await read(`a,b\nx,"${'y'.repeat(101)}"\n`, 100, chunk)).toBe('x.csv:2:2: malformed CSV: field longer than 100 characters (an unclosed quote?)');
      expect(await read(`a,b\n"x\n\n",${'y'.repeat(101)}\n`, 100, chunk)).toBe('x.csv:2:2: malformed CSV: field longer than 100 characters (an unclosed quote?)');
      expect(await read(`a,b\nx,"${'y\n'.repeat(60)}`, 100, chunk)).toBe('x.csv:2:2: malformed CSV: field longer than 100 characters (an unclosed quote?)');
      expect(await read(`a,b\nx,${'y'.repeat(150)}`, 100, chunk)).toBe('x.csv:2:2: malformed CSV: field longer than 100 characters (an unclosed quote?)');
      expect(await read(`${'y'.repeat(50)},${'y'.repeat(50)},${'y'.repeat(50)}\n`, 100, chunk)).toBe(1);
    }
  });
});

describe('values in messages', () => {
  it('are cut to 80 characters and escaped: one line, no terminal escapes', async () => {
    expect(shownValue('plain')).toBe('"plain"');
    expect(shownValue('a\nb\r\tc\u001b[31mred\u0007"q"\\')).toBe('"a\\nb\\r\\tc\\x1B[31mred\\x07\\"q\\"\\\\"');
    expect(shownValue('\u202eevil\u009b')).toBe('"\\u{202E}evil\\x9B"');
    expect(shownValue('x'.repeat(100))).toBe(`"${'x'.repeat(80)}"... (100 characters)`);
    expect(shownValue(`${'x'.repeat(79)}😀`)).toBe(`"${'x'.repeat(79)}\\u{D83D}"... (81 characters)`);
    const path = write('escape.csv', 'customer_id,date,amount\nA,"2024-01-01\u001b]0;pwned\u0007\n",1\n');
    const { error } = await load({ sales: path });
    expect(error).toMatch(/escape\.csv:2:2: invalid date "2024-01-01\\x1B\]0;pwned\\x07"/);
    expect(error).not.toMatch(/[\u0000-\u001f]/);
    const header = write('escape-header.csv', `customer_id,date\u001b[2J,amount\n`);
    expect((await load({ sales: header })).error).toMatch(/missing column "date"; the header has "customer_id", "date\\x1B\[2J", "amount"/);
    const unknown = write('unknown.csv', `customer_id,date,amount\n${'Z'.repeat(5000)},2024-01-01,x\n`);
    expect((await load({ sales: unknown })).error!.length).toBeLessThan(300);
  });
});
