/**
 * Bytes → text in the encoding of an input (`--encoding`): UTF-8 (default, checked: an invalid byte is an error,
 * never a silent U+FFFD that would merge `José` and `Jos?`), Latin-1 (ISO-8859-1), Windows-1252 and UTF-16
 * (little or big endian). Without `--encoding`, a UTF-16 byte-order mark selects UTF-16; a UTF-8 one is kept
 * for the reader, which drops it.
 *
 * The UTF-8 check is `buffer.isUtf8` (SIMD) on each chunk, with the bytes of a character split across two
 * chunks carried over; the exact position of a bad byte is looked for only once a chunk has one.
 */
import { isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { shownValue } from '../core/strings.js';
import { setting, UsageError } from '../errors.js';

/** The encodings `--encoding` accepts. */
export type Encoding = 'utf8' | 'latin1' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export const ENCODINGS: readonly Encoding[] = ['utf8', 'latin1', 'windows-1252', 'utf-16le', 'utf-16be'];

/**
 * The encoding named by an `--encoding` value (case and `-`/`_` ignored; `utf-16` is little endian, as Windows
 * writes it; `iso-8859-1` is latin1; `cp1252` is windows-1252). Null when unknown.
 *
 * @example
 * parseEncoding('UTF-16') // => 'utf-16le'
 */
export function parseEncoding(text: string): Encoding | null {
  const t = text.trim().toLowerCase().replace(/[-_\s]/g, '');
  const names: Record<string, Encoding> = {
    utf8: 'utf8',
    latin1: 'latin1',
    iso88591: 'latin1',
    l1: 'latin1',
    windows1252: 'windows-1252',
    cp1252: 'windows-1252',
    win1252: 'windows-1252',
    utf16: 'utf-16le',
    utf16le: 'utf-16le',
    ucs2: 'utf-16le',
    utf16be: 'utf-16be',
  };
  return names[t] ?? null;
}

/** The `--encoding` option's value (undefined = UTF-8 with UTF-16 detected). @throws UsageError */
export function encodingOption(value: unknown): Encoding | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const encoding = parseEncoding(String(value));
  if (encoding === null) {
    throw new UsageError(`invalid ${setting('encoding')} ${shownValue(String(value))}`, { hint: 'utf8, latin1, windows-1252, utf-16 (utf-16le) or utf-16be' });
  }
  return encoding;
}

/** Bytes that are not text in the input's encoding; `text` is the decoded text before them. */
export class EncodingError extends Error {
  constructor(
    message: string,
    readonly text: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Windows-1252 characters of the bytes 0x80-0x9F (the five undefined ones as the C1 controls, as WHATWG does). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((c) => String.fromCharCode(c));

// eslint-disable-next-line no-control-regex
const C1 = /[\x80-\x9f]/g;

/** The length of `bytes` without a UTF-8 character cut at its end (whose bytes wait for the next chunk). */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = bytes[n - k];
    if (c < 0x80) return n;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return k < need ? n - k : n;
    }
  }
  return n;
}

/**
 * The offset of the first byte of `bytes` that does not start a valid UTF-8 character (Unicode 15, table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF); `bytes.length` when all are valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const b1 = bytes[i + 1];
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const b = bytes[i + k];
      if (b < 0x80 || b > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
}

const HINT = `${setting('encoding', 'windows-1252')} (Excel on Windows), latin1 or utf-16; or save the file as CSV UTF-8`;

/**
 * A streaming decoder for one input. `write` returns the text of the bytes so far (a character cut at the end
 * of a chunk is returned with the next one); `end` the rest.
 * @throws EncodingError at the first byte that is not valid in the encoding (UTF-8), with the text before it
 */
export class InputDecoder {
  private encoding: Encoding | undefined;
  /** Bytes held back: the start of the input (until the byte-order mark is known) or a cut UTF-8 character. */
  private held: Buffer | null = null;
  private started = false;
  private utf16: StringDecoder | null = null;
  /** UTF-16BE: the odd byte of the last chunk. */
  private odd: number = -1;

  /** `encoding` undefined = UTF-8, or UTF-16 when the input starts with its byte-order mark. */
  constructor(encoding?: Encoding) {
    this.encoding = encoding;
  }

  write(chunk: Buffer): string {
    if (!this.started) {
      const head = this.held === null ? chunk : Buffer.concat([this.held, chunk]);
      if (head.length < 4) {
        this.held = head;
        return '';
      }
      this.held = null;
      this.start(head);
      return this.decode(head, false);
    }
    return this.decode(chunk, false);
  }

  end(): string {
    if (!this.started) {
      const head = this.held ?? Buffer.alloc(0);
      this.held = null;
      this.start(head);
      return this.decode(head, true);
    }
    return this.decode(Buffer.alloc(0), true);
  }

  private start(head: Buffer): void {
    this.started = true;
    if (this.encoding === undefined) {
      if (head[0] === 0xff && head[1] === 0xfe) this.encoding = 'utf-16le';
      else if (head[0] === 0xfe && head[1] === 0xff) this.encoding = 'utf-16be';
      else {
        this.encoding = 'utf8';
        // UTF-16 without a byte-order mark: ASCII text with a NUL byte before or after every character.
        const nul = head.subarray(0, 4096).indexOf(0);
        if (nul >= 0 && nul < 2) {
          throw new EncodingError(`NUL bytes at the start: UTF-16 text without a byte-order mark?`, '', `${setting('encoding', 'utf-16le')} or utf-16be`);
        }
      }
    }
    if (this.encoding === 'utf-16le' || this.encoding === 'utf-16be') this.utf16 = new StringDecoder('utf16le');
  }

  private decode(chunk: Buffer, final: boolean): string {
    switch (this.encoding) {
      case 'latin1':
        return chunk.toString('latin1');
      case 'windows-1252':
        return chunk.toString('latin1').replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
      case 'utf-16le':
        return final ? this.utf16!.write(chunk) + this.utf16!.end() : this.utf16!.write(chunk);
      case 'utf-16be':
        return this.utf16be(chunk, final);
      default:
        return this.utf8(chunk, final);
    }
  }

  private utf16be(chunk: Buffer, final: boolean): string {
    let bytes = chunk;
    if (this.odd >= 0) {
      bytes = Buffer.concat([Buffer.of(this.odd), chunk]);
      this.odd = -1;
    } else bytes = Buffer.from(chunk);
    if (bytes.length % 2 === 1) {
      this.odd = bytes[bytes.length - 1];
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    bytes.swap16();
    let text = this.utf16!.write(bytes);
    if (final) {
      text += this.utf16!.end();
      if (this.odd >= 0) text += '\ufffd';
    }
    return text;
  }

  private utf8(chunk: Buffer, final: boolean): string {
    let bytes = chunk;
    if (this.held !== null) {
      bytes = Buffer.concat([this.held, chunk]);
      this.held = null;
    }
    const complete = final ? bytes.length : completeLength(bytes);
    const body = complete === bytes.length ? bytes : bytes.subarray(0, complete);
    if (!isUtf8(body)) {
      const bad = firstInvalidUtf8(body);
      const hex = `0x${body[bad].toString(16).toUpperCase().padStart(2, '0')}`;
      const cut = final && body[bad] >= 0xc2 && body[bad] <= 0xf4 && bad + 4 > body.length;
      const what = cut ? `a character cut at the end of the file (byte ${hex})` : `byte ${hex} (a Windows-1252 or Latin-1 file?)`;
      // No byte offset in the message: the parallel reader gives the decoder the bytes of a later part of the file
      // after blank lines standing for the lines before it (parallel.ts), so that only lines are the file's.
      throw new EncodingError(`invalid UTF-8: ${what}`, body.subarray(0, bad).toString('utf8'), HINT);
    }
    if (complete < bytes.length) this.held = Buffer.from(bytes.subarray(complete));
    return body.toString('utf8');
  }
}
