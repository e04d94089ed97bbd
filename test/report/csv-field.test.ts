import { describe, expect, it } from 'vitest';
import { csvField, csvLine, type CsvValue } from '../../src/report/csv/line.js';
import { clean } from '../../src/report/format.js';
import { createRng } from '../../src/core/random.js';

/** What csvField wrote for numbers before it formatted the rounded digits itself. */
function reference(value: number): string {
  if (!Number.isFinite(value)) return '';
  const text = String(value);
  return text.length <= 13 ? text : String(clean(value));
}

describe('csvField numbers', () => {
  it('writes every number as String(clean(value)) whatever its size (random doubles over 40 decades)', () => {
    const rng = createRng(20261204);
    const random = (): number => rng.uniform();
    let long = 0;
    for (let i = 0; i < 200_000; i++) {
      const magnitude = 10 ** (Math.floor(random() * 40) - 20);
      const sign = random() < 0.3 ? -1 : 1;
      const value = sign * random() * magnitude;
      if (String(value).length > 13) long++;
      expect(csvField(value)).toBe(reference(value));
    }
    expect(long).toBeGreaterThan(150_000);
  });

  it('writes short decimals (cents, eighths, tenths of a cent, sums of them) as String(value)', () => {
    const rng = createRng(11);
    for (let i = 0; i < 100_000; i++) {
      const cents = Math.round((rng.uniform() - 0.2) * 10 ** (1 + Math.floor(rng.uniform() * 10)));
      for (const value of [cents / 100, cents / 8, cents / 1000, cents / 100 + 0.01 * (i % 7), cents / 3]) {
        expect(csvField(value)).toBe(reference(value));
      }
    }
  });

  it('keeps the integer digits of numbers between 1e11 and 1e12 and at the edges of plain notation', () => {
    const cases = [
      100000000000.4, 123456789012.49, 999999999999.9, 999999999999.4, -100000000000.25, 1e-6 + 1e-22, 9.999999999999e-7,
      0.1 + 0.2, -(0.1 + 0.2), 1 / 3, -2 / 3, 2 ** 53 + 0.5, 1e21 / 3, 0.000001234567890123, 12.3450000000001,
      99.99999999999999, 5e-324, -5e-324, 1.7976931348623157e308,
    ];
    for (const value of cases) expect([value, csvField(value)]).toEqual([value, reference(value)]);
    expect(csvField(100000000000.4)).toBe('100000000000');
    expect(csvField(0.1 + 0.2)).toBe('0.3');
  });
});

describe('csvLine', () => {
  it('joins the fields with commas and ends the line, as mapping csvField and joining does', () => {
    const rows: CsvValue[][] = [
      [],
      [null],
      ['a'],
      ['=1+2', 'x,y', 'say "hi"', 'two\nlines', 0.1 + 0.2, -0, 1e21, Number.NaN, Infinity, true, false, undefined, 42, ''],
    ];
    for (const formulaSafe of [true, false]) {
      for (const row of rows) expect(csvLine(row, formulaSafe)).toBe(row.map((v) => csvField(v, formulaSafe)).join(',') + '\n');
    }
    expect(csvLine([])).toBe('\n');
    expect(csvLine(['a', null, 1.5])).toBe('a,,1.5\n');
  });
});
