import { describe, expect, it } from 'vitest';
import { createDateParser, DateParseError, isValidDateFormat, parseDateFormat } from '../../src/ingest/dates.js';
import { createAmountParser, AmountParseError } from '../../src/ingest/amounts.js';
import { dayFromYmd, dayToIso } from '../../src/core/days.js';
import { renderSettings } from '../../src/errors.js';

describe('dates', () => {
  const iso = createDateParser();
  it('reads ISO 8601 dates and date-times, keeping the calendar date as written', () => {
    expect(iso('2024-02-29')).toBe(dayFromYmd(2024, 2, 29));
    expect(dayToIso(iso('2024-02-29T23:59:59Z'))).toBe('2024-02-29');
    expect(dayToIso(iso('2024-02-29 23:30:00-05:00'))).toBe('2024-02-29');
    expect(dayToIso(iso('2024-02-29T08:15'))).toBe('2024-02-29');
    expect(dayToIso(iso('2024-02-29T08:15:00.123+0200'))).toBe('2024-02-29');
    expect(dayToIso(iso('2014-03-08 00:00:00'))).toBe('2014-03-08');
  });
  it('reads YYYYMMDD and year-first separated dates', () => {
    expect(dayToIso(iso('19970101'))).toBe('1997-01-01');
    expect(dayToIso(iso('1997/01/31'))).toBe('1997-01-31');
  });
  it('day 0 is 1970-01-01', () => {
    expect(iso('1970-01-01')).toBe(0);
    expect(iso('1969-12-31')).toBe(-1);
  });
  it('rejects impossible dates', () => {
    expect(() => iso('2023-02-29')).toThrow(/day 29 is out of range/);
    expect(() => iso('2023-13-45')).toThrow(/month 13 is out of range/);
    expect(() => iso('2023-01-01T25:00')).toThrow(/time out of range/);
    expect(() => iso('yesterday')).toThrow(DateParseError);
  });
  it('never guesses day-first against month-first', () => {
    expect(() => iso('03/04/2024')).toThrow(/ambiguous/);
    expect(() => iso('25/12/2024')).toThrow(/ambiguous/);
  });
  it('reads explicit orders, two-digit years and times', () => {
    expect(dayToIso(createDateParser('DD/MM/YYYY')('03/04/2024'))).toBe('2024-04-03');
    expect(dayToIso(createDateParser('MM/DD/YYYY')('03/04/2024'))).toBe('2024-03-04');
    expect(dayToIso(createDateParser('DD.MM.YYYY')('31.12.2023'))).toBe('2023-12-31');
    expect(dayToIso(createDateParser('DD-MM-YY')('31-12-23'))).toBe('2023-12-31');
    expect(dayToIso(createDateParser('DD-MM-YY')('31-12-99'))).toBe('1999-12-31');
    expect(dayToIso(createDateParser('MM/DD/YYYY')('12/31/2023 11:59 PM'))).toBe('2023-12-31');
    expect(() => createDateParser('MM/DD/YYYY')('31/12/2023')).toThrow(/month 31/);
    // ISO dates are still read when a format is given.
    expect(dayToIso(createDateParser('DD/MM/YYYY')('2024-01-02'))).toBe('2024-01-02');
  });
  it('parses format strings', () => {
    expect(parseDateFormat('DD/MM/YYYY')).toMatchObject({ order: ['D', 'M', 'Y'], yearDigits: 4 });
    expect(parseDateFormat('yyyy.mm.dd')).toMatchObject({ order: ['Y', 'M', 'D'] });
    expect(parseDateFormat('DD/DD/YYYY')).toBeNull();
    expect(parseDateFormat('whenever')).toBeNull();
  });
});

describe('amounts', () => {
  const us = createAmountParser('.');
  const eu = createAmountParser(',');
  it.each([
    ['12', 12], ['12.5', 12.5], ['.5', 0.5], ['-3.25', -3.25], ['+4', 4], ['1,234.50', 1234.5], ['1,234,567.891', 1234567.891],
    ['$1,234.50', 1234.5], ['-$12.00', -12], ['$-12.00', -12], ['(12.00)', -12], ['($1,000)', -1000], ['12-', -12],
    ['€ 9.99', 9.99], ['9.99 EUR', 9.99], ['USD 10', 10], ['£7', 7], ['1e3', 1000], ['  42.0  ', 42], ['1 234.5', 1234.5],
  ])('reads %s as %d', (text, value) => {
    expect(us(text)).toBeCloseTo(value, 10);
  });
  it.each([
    ['1.234,50', 1234.5], ['1 234,50', 1234.5], ['12,5', 12.5], ['-0,99', -0.99], ['(1.000,00 €)', -1000], ['1234', 1234],
  ])('reads %s as %d with --decimal ,', (text, value) => {
    expect(eu(text)).toBeCloseTo(value, 10);
  });
  it('rejects text that is not an amount, with a hint for European formats', () => {
    expect(() => us('twelve')).toThrow(AmountParseError);
    expect(() => us('1,23')).toThrow(/invalid amount "1,23"/);
    let hint: string | undefined;
    try {
      us('1.234,50');
    } catch (err) {
      hint = (err as AmountParseError).hint;
    }
    expect(renderSettings(hint!, 'cli')).toBe('--decimal , for European number formats');
    expect(renderSettings(hint!, 'library')).toBe('decimal=, for European number formats');
    expect(() => us('12.3.4')).toThrow(AmountParseError);
    expect(() => us('')).toThrow(/empty/);
    expect(() => us('--5')).toThrow(AmountParseError);
  });
});

describe('dates with month names (--date-format with MMM)', () => {
  const day = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / 86_400_000;

  it('reads DD-MMM-YY, D MMM YYYY, MMM D, YYYY and full names, in any case, with a dot', () => {
    expect(createDateParser('DD-MMM-YY')('11-Feb-17')).toBe(day(2017, 2, 11));
    expect(createDateParser('DD-MMM-YY')('03-DEC-99')).toBe(day(1999, 12, 3));
    expect(createDateParser('D MMM YYYY')('1 Feb 2017')).toBe(day(2017, 2, 1));
    expect(createDateParser('D MMM YYYY')('1 February 2017')).toBe(day(2017, 2, 1));
    expect(createDateParser('D MMMM YYYY')('30 sept. 2021')).toBe(day(2021, 9, 30));
    expect(createDateParser('MMM D, YYYY')('Feb 1, 2017')).toBe(day(2017, 2, 1));
    expect(createDateParser('DD-MMM-YYYY')('29-Feb-2024 13:45')).toBe(day(2024, 2, 29));
    // ISO dates are still read as ISO
    expect(createDateParser('DD-MMM-YY')('2017-02-11')).toBe(day(2017, 2, 11));
    expect(isValidDateFormat('DD-MMM-YY')).toBe(true);
    expect(isValidDateFormat('MMM D, YYYY')).toBe(true);
    expect(isValidDateFormat('DD-MMMMM-YY')).toBe(false);
  });

  it('refuses a word that is not a month, a day out of range, and digits where the name goes', () => {
    expect(() => createDateParser('DD-MMM-YY')('11-Fbr-17')).toThrow(/invalid date "11-Fbr-17": "Fbr" is not a month name/);
    expect(() => createDateParser('DD-MMM-YY')('30-Feb-17')).toThrow(/day 30 is out of range/);
    expect(() => createDateParser('DD-MMM-YY')('11-02-17')).toThrow(/"02" is not a month name/);
    expect(() => createDateParser('DD-MMM-YY')('Feb-11-17')).toThrow(/invalid date "Feb-11-17": expected DD-MMM-YY/);
  });

  it('crm summary reads a sales file with such dates', async () => {
    const { runCli } = await import('../helpers/run-cli.js');
    const { tempFiles } = await import('../helpers/ingest.js');
    const path = tempFiles('crm-month-names-').write('sales.csv', 'customer_id,date,amount\nA,11-Feb-17,10\nA,03-Mar-17,20\n');
    const r = await runCli(['summary', '--sales', path, '--date-format', 'DD-MMM-YY', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(/^A,2017-02-11,2017-03-03,2,1,20,20,20,30$/);
  });
});
