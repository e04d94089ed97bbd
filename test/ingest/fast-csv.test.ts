/** The fast reader gives exactly csv-parse's records and line numbers, whatever the chunking. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readRecords } from '../../src/ingest/records.js';
import { createRng } from '../../src/core/random.js';
import { fixture, sharedData } from '../helpers/data.js';

async function records(text: Buffer, parser: 'fast' | 'csv-parse', chunk: number, delimiter?: string) {
  async function* chunks() {
    for (let i = 0; i < text.length; i += chunk) yield text.subarray(i, i + chunk);
  }
  const out: [number, string[]][] = [];
  let error: string | undefined;
  try {
    await readRecords(chunks(), 'x.csv', { parser, delimiter }, (fields, line) => out.push([line, fields]));
  } catch (err) {
    error = (err as Error).message;
  }
  return { out, error };
}

function tricky(seed: number): string {
  const rng = createRng(seed);
  const pieces = ['plain', '', ' spaced ', '"quoted"', '"with, comma"', '"with ""quotes"""', '"multi\nline"', '"crlf\r\ninside"', 'é ü 中文', '12.50', '"-"', '""'];
  const rows: string[] = ['a,b,c,d'];
  for (let i = 0; i < 300; i++) {
    const n = 1 + rng.int(5);
    const fields = Array.from({ length: n }, () => pieces[rng.int(pieces.length)]);
    rows.push(fields.join(','));
    if (rng.uniform() < 0.05) rows.push('');
  }
  const eol = seed % 2 === 0 ? '\r\n' : '\n';
  return `\ufeff${rows.join(eol)}${seed % 3 === 0 ? '' : eol}`;
}

describe('fast CSV reader against csv-parse', () => {
  const files: [string, Buffer][] = [
    ['fixtures/sales.csv', readFileSync(fixture('sales.csv'))],
    ['fixtures/customers.csv', readFileSync(fixture('customers.csv'))],
    ['fixtures/payments.csv', readFileSync(fixture('payments.csv'))],
    ['cdnow_sample_transactions.csv', readFileSync(sharedData('cdnow_sample_transactions.csv'))],
    ['cdnow_customers_summary_with_transactions.csv (CRLF, no final newline)', readFileSync(sharedData('cdnow_customers_summary_with_transactions.csv'))],
    ...[1, 2, 3, 4, 5, 6].map((s) => [`generated tricky file ${s}`, Buffer.from(tricky(s))] as [string, Buffer]),
  ];
  for (const [name, text] of files) {
    it(`same records and lines: ${name}`, async () => {
      const reference = await records(text, 'csv-parse', 1 << 16);
      expect(reference.error).toBeUndefined();
      for (const chunk of [1 << 16, 1000, 7, 1]) {
        if (chunk === 1 && text.length > 20000) continue;
        const fast = await records(text, 'fast', chunk);
        expect(fast.error).toBeUndefined();
        expect(fast.out).toEqual(reference.out);
      }
    });
  }
  it.each([
    ['an unclosed quote', 'a,b\n1,"open\n2,3\n', 2],
    ['text after a closing quote', 'a,b\n1,"x"y\n', 2],
    ['a quote inside an unquoted field', 'a,b\n1,x"y"\n', 2],
  ])('both refuse %s, the fast reader naming the line', async (_name, text, line) => {
    const reference = await records(Buffer.from(text), 'csv-parse', 1 << 16);
    expect(reference.error).toMatch(/malformed CSV/);
    const fast = await records(Buffer.from(text), 'fast', 3);
    expect(fast.error).toMatch(new RegExp(`^x\\.csv:${line}: malformed CSV`));
  });
});
