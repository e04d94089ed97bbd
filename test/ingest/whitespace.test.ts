/** Whitespace-separated files (CDNOW_master.txt) are detected from the header line like , ; tab and |. */
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { detectDelimiter } from '../../src/ingest/source.js';
import { readRecords } from '../../src/ingest/records.js';
import { sharedData } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

async function records(text: string, parser: 'fast' | 'csv-parse'): Promise<string[][]> {
  const out: string[][] = [];
  await readRecords(Readable.from([Buffer.from(text)]), 'x.txt', { parser }, (fields) => void out.push(fields));
  return out;
}

describe('whitespace-separated files', () => {
  it('detects columns lined up with runs of spaces, not one space between two words', () => {
    expect(detectDelimiter(' customer_id  date number_of_cds  dollar_value\r')).toBe('whitespace');
    expect(detectDelimiter('customer_id   date   amount')).toBe('whitespace');
    expect(detectDelimiter('Customer ID')).toBe(',');
    expect(detectDelimiter('customer_id')).toBe(',');
    expect(detectDelimiter('customer id;date;amount')).toBe(';');
    expect(detectDelimiter('a  b,c')).toBe(',');
  });

  it('reads such a file with both parsers, the same records', async () => {
    const text = ' customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n 00002 19970112  1   12.00\r\n';
    const expected = [['customer_id', 'date', 'number_of_cds', 'dollar_value'], ['00001', '19970101', '1', '11.77'], ['00002', '19970112', '1', '12.00']];
    expect(await records(text, 'fast')).toEqual(expected);
    expect(await records(text, 'csv-parse')).toEqual(expected);
  });

  it('crm summary reads CDNOW_master.txt with only a mapping of the amount', async () => {
    const r = await runCli(['summary', '--sales', sharedData('CDNOW_master.txt'), '--map', 'amount=dollar_value', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(23_571);
    expect(lines[1]).toBe('00001,1997-01-01,1997-01-01,1,0,0,545,0,11.77');
  });
});
