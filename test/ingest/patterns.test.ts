/**
 * The BG/BB patterns file goes through the one reader of every input: quoting, other delimiters, stdin,
 * file:line:column errors, all required columns named, checks of each pattern, and the row account.
 */
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { readPatterns } from '../../src/ingest/patterns.js';
import { DEFAULT_INGEST } from '../../src/ingest/table.js';
import { InputError } from '../../src/errors.js';
import { tempFiles } from '../helpers/ingest.js';
import { sharedData } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

const { write } = tempFiles('crm-patterns-');
const io = { stdin: Readable.from([]) };
const read = (path: string, stdin?: string) => readPatterns(path, DEFAULT_INGEST, stdin === undefined ? io : { stdin: Readable.from([Buffer.from(stdin)]) });

async function error(path: string): Promise<string> {
  try {
    await read(path);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('readPatterns', () => {
  it('reads the donations data: 22 patterns of 11,104 donors', async () => {
    const { patterns, account } = await read(sharedData('donations.csv'));
    expect(patterns.frequency).toHaveLength(22);
    expect(patterns.weights.reduce((a, b) => a + b, 0)).toBe(11104);
    expect(account).toMatchObject({ kind: 'patterns', read: 22, used: 22, rejected: 0 });
    expect([patterns.frequency[1], patterns.recency[1], patterns.periods[1], patterns.weights[1]]).toEqual([1, 1, 6, 1091]);
  });

  it('takes quoted headers and fields, semicolons, CRLF, any column order; weights default to 1', async () => {
    const path = write('semi.csv', '"Periods";"Recency";"Frequency"\r\n"6";"3";"2"\r\n6;0;0\r\n');
    const { patterns } = await read(path);
    expect(patterns).toEqual({ frequency: [2, 0], recency: [3, 0], periods: [6, 6], weights: [1, 1] });
  });

  it('reads stdin', async () => {
    const { patterns } = await read('-', 'frequency,recency,periods,weights\n1,2,6,10\n');
    expect(patterns).toEqual({ frequency: [1], recency: [2], periods: [6], weights: [10] });
  });

  it('names file, line and column of a bad value', async () => {
    expect(await error(write('bad.csv', 'frequency,recency,periods\n1,1,6\n2,x,6\n'))).toMatch(/bad\.csv:3:2: invalid recency "x"/);
    expect(await error(write('empty.csv', 'frequency,recency,periods\n1,1,6\n,1,6\n'))).toMatch(/empty\.csv:3:1: /);
    expect(await error(write('frac.csv', 'frequency,recency,periods\n1.5,2,6\n'))).toMatch(/frac\.csv:2:1: invalid frequency "1\.5": expected a whole number >= 0/);
    expect(await error(write('beyond.csv', 'frequency,recency,periods\n3,7,6\n'))).toMatch(/beyond\.csv:2:3: frequency 3 and recency 7 cannot exceed periods 6/);
    expect(await error(write('norec.csv', 'frequency,recency,periods\n2,0,6\n'))).toMatch(/norec\.csv:2:2: frequency 2 with recency 0/);
    expect(await error(write('weight.csv', 'frequency,recency,periods,weights\n1,1,6,0\n'))).toMatch(/weight\.csv:2:4: invalid weights "0": expected a number > 0/);
  });

  it('names every missing column', async () => {
    const message = await error(write('missing.csv', 'freq,recency\n1,1\n'));
    expect(message).toMatch(/missing\.csv:1/);
    expect(message).toMatch(/frequency/);
    expect(message).toMatch(/periods/);
  });

  it('says "wrong delimiter?" when the header is one field another delimiter would split', async () => {
    const path = write('semi-told-comma.csv', 'frequency;recency;periods\n1;1;6\n');
    await expect(readPatterns(path, { ...DEFAULT_INGEST, delimiter: ',' }, io)).rejects.toThrow(/missing columns "frequency", "recency" and "periods"; the header has "frequency;recency;periods"; wrong delimiter\? the header is one field, which splits into 3 at each semicolon/);
  });

  it('crm fit --model bgbb reads it from stdin and accounts for the rows', async () => {
    const text = readFileSync(sharedData('donations.csv'), 'utf8');
    const r = await runCli(['fit', '--model', 'bgbb', '--summary', '-', '--format', 'json'], { stdin: text });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.params.alpha).toBeCloseTo(1.2035, 4);
    expect(doc.meta.inputs[0]).toMatchObject({ kind: 'patterns', read: 22, used: 22 });
  });
});
