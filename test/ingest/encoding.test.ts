/**
 * Encodings (docs/data-formats.md): UTF-8 is checked (an invalid byte is a file:line error, never a silent
 * U+FFFD that merges distinct ids), --encoding reads Latin-1, Windows-1252 and UTF-16, UTF-16 is found by its
 * byte-order mark, and workbooks or archives are refused by their magic bytes. Both readers, any chunking.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readRecords } from '../../src/ingest/records.js';
import { firstInvalidUtf8, InputDecoder, parseEncoding, type Encoding } from '../../src/ingest/encoding.js';
import { loadInputs } from '../../src/ingest/load.js';
import { DEFAULT_INGEST, type IngestOptions } from '../../src/ingest/table.js';
import { tempFiles } from '../helpers/ingest.js';
import { CrmError } from '../../src/errors.js';
import { errorText } from '../../src/cli/main.js';

const { dir, write } = tempFiles('crm-encoding-');
const writeBytes = (name: string, bytes: Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

async function records(bytes: Buffer, options: { parser?: 'fast' | 'csv-parse'; encoding?: Encoding; delimiter?: string }, chunk = 1 << 20) {
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  const out: [number, string[]][] = [];
  let error: string | undefined;
  try {
    await readRecords(chunks(), 'x.csv', options, (fields, line) => out.push([line, fields]));
  } catch (err) {
    error = err instanceof CrmError ? errorText(err) : (err as Error).message; // as the command line says it
  }
  return { out, error };
}

const TEXT = 'customer_id,date,amount\nJosé,2024-01-01,10\nJosè,2024-01-02,5\n"Zoë, €",2024-01-03,1\n中文,2024-01-04,2\n';
const PARSERS = ['fast', 'csv-parse'] as const;
const CHUNKS = [1, 2, 3, 7, 1 << 20];

describe('UTF-8 is checked', () => {
  it('valid UTF-8 cut anywhere between chunks reads the same', async () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    const reference = await records(bytes, {});
    expect(reference.error).toBeUndefined();
    expect(reference.out.map(([, f]) => f[0])).toEqual(['customer_id', 'José', 'Josè', 'Zoë, €', '中文']);
    for (const parser of PARSERS) for (const chunk of CHUNKS) expect(await records(bytes, { parser }, chunk)).toEqual(reference);
  });
  it('a Latin-1 byte is an error at its line, with the --encoding hint (not U+FFFD)', async () => {
    const bytes = Buffer.from(TEXT.replace('"Zoë, €"', 'Zoe'), 'latin1'); // é è as single bytes; 中文 mangled but later
    for (const parser of PARSERS) {
      for (const chunk of CHUNKS) {
        const { out, error } = await records(bytes, { parser }, chunk);
        expect(error, `${parser} ${chunk}`).toMatch(/^x\.csv:2: invalid UTF-8: byte 0xE9 .*\(hint: --encoding windows-1252/);
        expect(out.map(([line]) => line)).toEqual([1]);
      }
    }
  });
  it('the line of a bad byte after a quoted field with line ends, and inside one', async () => {
    const after = Buffer.concat([Buffer.from('a,b\n"x\ny",1\nz,2\n'), Buffer.from([0x41, 0xff]), Buffer.from(',3\n')]);
    const inside = Buffer.concat([Buffer.from('a,b\nq,1\n"x\ny'), Buffer.from([0xc3, 0x28]), Buffer.from('",3\n')]);
    for (const parser of PARSERS) {
      for (const chunk of [1, 5, 1 << 20]) {
        expect((await records(after, { parser }, chunk)).error).toMatch(/^x\.csv:5: invalid UTF-8: byte 0xFF/);
        expect((await records(inside, { parser }, chunk)).error).toMatch(/^x\.csv:4: invalid UTF-8: byte 0xC3/);
      }
    }
  });
  it('a character cut at the end of the file, overlong forms and surrogates are invalid', async () => {
    expect((await records(Buffer.from([0x61, 0x0a, 0x62, 0xe4, 0xb8]), {})).error).toMatch(/^x\.csv:2: invalid UTF-8: a character cut at the end/);
    for (const bad of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
      expect(firstInvalidUtf8(Buffer.from([0x61, ...bad, 0x61]))).toBe(1);
      expect((await records(Buffer.from([0x61, 0x0a, ...bad, 0x0a]), {})).error).toMatch(/^x\.csv:2: invalid UTF-8/);
    }
    expect(firstInvalidUtf8(Buffer.from('aé€😀', 'utf8'))).toBe(Buffer.byteLength('aé€😀'));
  });
  it('the whitespace reader checks too', async () => {
    const bytes = Buffer.from('1 a 2\n2 Jos\xe9 3\n', 'latin1');
    expect((await records(bytes, { delimiter: 'whitespace' })).error).toMatch(/^x\.csv:2: invalid UTF-8: byte 0xE9/);
    expect((await records(bytes, { delimiter: 'whitespace', encoding: 'latin1' })).out).toEqual([[1, ['1', 'a', '2']], [2, ['2', 'José', '3']]]);
  });
});

describe('--encoding', () => {
  it('names', () => {
    expect(['utf-8', 'UTF8', 'latin1', 'ISO-8859-1', 'cp1252', 'Windows-1252', 'utf-16', 'UTF-16LE', 'utf-16be', 'ebcdic'].map(parseEncoding)).toEqual([
      'utf8', 'utf8', 'latin1', 'latin1', 'windows-1252', 'windows-1252', 'utf-16le', 'utf-16le', 'utf-16be', null,
    ]);
  });
  it('latin1 and windows-1252 keep José and Josè apart; 0x80-0x9F differ between them', async () => {
    const bytes = Buffer.from('customer_id,note\nJos\xe9,\x80\x93\nJos\xe8,\x81\n', 'latin1');
    for (const parser of PARSERS) {
      for (const chunk of CHUNKS) {
        expect((await records(bytes, { parser, encoding: 'latin1' }, chunk)).out.slice(1)).toEqual([[2, ['José', '\x80\x93']], [3, ['Josè', '\x81']]]);
        expect((await records(bytes, { parser, encoding: 'windows-1252' }, chunk)).out.slice(1)).toEqual([[2, ['José', '€\u201c']], [3, ['Josè', '\x81']]]);
      }
    }
  });
  it('UTF-16 little and big endian, by byte-order mark or by option, cut anywhere', async () => {
    const reference = await records(Buffer.from(TEXT, 'utf8'), {});
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT.replace(/\n/g, '\r\n'), 'utf16le')]);
    const be = Buffer.from(le).swap16();
    for (const parser of PARSERS) {
      for (const chunk of CHUNKS) {
        expect(await records(le, { parser }, chunk)).toEqual(reference);
        expect(await records(be, { parser }, chunk)).toEqual(reference);
        expect(await records(le.subarray(2), { parser, encoding: 'utf-16le' }, chunk)).toEqual(reference);
        expect(await records(be.subarray(2), { parser, encoding: 'utf-16be' }, chunk)).toEqual(reference);
      }
    }
  });
  it('UTF-16 without a byte-order mark is an error naming the option', async () => {
    const { error } = await records(Buffer.from(TEXT, 'utf16le'), {});
    expect(error).toMatch(/^x\.csv:1: NUL bytes at the start: UTF-16 .*--encoding utf-16le/);
  });
  it('the decoder alone: a cut UTF-16 character and the odd byte of UTF-16BE wait for the next chunk', () => {
    const decoder = new InputDecoder('utf-16be');
    const bytes = Buffer.from('😀é', 'utf16le').swap16();
    let text = '';
    for (const b of bytes) text += decoder.write(Buffer.of(b));
    expect(text + decoder.end()).toBe('😀é');
  });
});

describe('files that are not CSV text', () => {
  const load = async (path: string, ingest: Partial<IngestOptions> = {}) => {
    try {
      await loadInputs(
        { sales: path, ingest: { customers: DEFAULT_INGEST, sales: { ...DEFAULT_INGEST, ...ingest }, payments: DEFAULT_INGEST, summary: DEFAULT_INGEST }, window: {}, unknown: 'keep', parallel: { threads: 2, minBytes: 0 } },
        { stdin: Readable.from([]) },
      );
      return 'read';
    } catch (err) {
      return `${(err as Error).message} (hint: ${(err as { hint?: string }).hint})`;
    }
  };
  it('xlsx (zip), xls and Parquet are refused by their magic bytes with a hint', async () => {
    const xlsx = writeBytes('book.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 0x41)]));
    const xls = writeBytes('book.csv', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(100, 0x41)]));
    const parquet = write('data.csv', `PAR1${'x'.repeat(100)}`);
    expect(await load(xlsx)).toMatch(/book\.xlsx: is a zip archive \(an Excel \.xlsx workbook\?\), not a CSV file \(hint: export the sheet as CSV/);
    expect(await load(xls)).toMatch(/book\.csv: is an Excel \.xls workbook \(OLE2\), not a CSV file \(hint: export the sheet as CSV/);
    expect(await load(parquet)).toMatch(/data\.csv: is a Parquet file/);
  });
  it('a Latin-1 file read with two threads gives the same error as one thread, at its line', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `C${i % 9},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${i}\n`).join('');
    const path = writeBytes('latin1-big.csv', Buffer.from(`customer_id,date,amount\n${rows}Jos\xe9,2024-02-01,1\n${rows}`, 'latin1'));
    expect(await load(path)).toMatch(/latin1-big\.csv:52: invalid UTF-8: byte 0xE9/);
    expect(await load(path, { encoding: 'latin1' })).toBe('read');
    expect(await load(path, { encoding: 'windows-1252' })).toBe('read');
  });
});
