/**
 * Typed errors. Library code throws these; only the CLI entry point (src/cli/main.ts) prints them
 * and maps them to exit codes: UsageError → 2, everything else of ours → 1.
 */

/**
 * The settings a message can name (the keys of the ingest options and of the config file). Library code
 * writes `setting('dateFormat', 'DD.MM.YY')` into a message or hint; the message a library user reads says
 * `dateFormat DD.MM.YY`, the command line's says `--date-format DD.MM.YY` ({@link renderSettings}).
 */
export type SettingKey =
  | 'asOf' | 'columns' | 'dateFormat' | 'decimal' | 'delimiter' | 'encoding' | 'map' | 'maxField' | 'noHeader'
  | 'period' | 'query' | 'skipInvalid' | 'table' | 'unknown';

const OPEN = '\uE000';
const VALUE = '\uE002';
const CLOSE = '\uE001';
const REFERENCE = /\uE000([A-Za-z]+)(?:\uE002([^\uE001]*))?\uE001/g;

/** A reference to a setting (with the value to give it) inside a message or hint; see {@link SettingKey}. */
export function setting(key: SettingKey, value?: string): string {
  return `${OPEN}${key}${value === undefined ? '' : `${VALUE}${value}`}${CLOSE}`;
}

/**
 * A message with its setting references written for a reader: `library` names the setting as the library
 * and the config file do (`dateFormat DD.MM.YY`), `cli` as the command-line flag (`--date-format DD.MM.YY`).
 */
export function renderSettings(text: string, style: 'library' | 'cli'): string {
  if (!text.includes(OPEN)) return text;
  return text.replace(REFERENCE, (_all, key: string, value: string | undefined) => {
    const name = style === 'library' ? key : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return value === undefined ? name : style === 'library' ? `${name}=${value}` : `${name} ${value}`;
  });
}

/** Base class: `hint` is printed after the message as `(hint: ...)`. */
export class CrmError extends Error {
  readonly hint?: string;
  /** The message and hint with their setting references unrendered (see {@link renderSettings}). */
  readonly text: { message: string; hint?: string };
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(renderSettings(message, 'library'), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint === undefined ? undefined : renderSettings(options.hint, 'library');
    this.text = { message, hint: options?.hint };
  }
  /** Exit code for this kind of error. */
  get exitCode(): number {
    return 1;
  }
}

/** A wrong command line: unknown option, missing required input, bad option value. Exit code 2. */
export class UsageError extends CrmError {
  override get exitCode(): number {
    return 2;
  }
}

/** Position of a problem in an input file; line and column are 1-based. */
export interface InputPosition {
  file: string;
  line?: number;
  column?: number;
}

/** Bad input data or an unreadable file. The message is prefixed with `file:line:column:`. Exit code 1. */
export class InputError extends CrmError {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The bare reason, without the position prefix (used for reject files). */
  readonly reason: string;
  constructor(position: InputPosition, reason: string, options?: { hint?: string; cause?: unknown }) {
    const where = [position.file, position.line, position.column].filter((p) => p !== undefined).join(':');
    super(`${where}: ${reason}`, options);
    this.file = position.file;
    this.line = position.line;
    this.column = position.column;
    this.reason = renderSettings(reason, 'library');
  }
}

/** A model that cannot be fitted or evaluated on the data given (no repeat buyers, no convergence...). Exit code 1. */
export class ModelError extends CrmError {}

/** Writing an output failed. Exit code 1. */
export class OutputError extends CrmError {}

/** A run that completed but is incomplete or has warnings, under `--strict`. Exit code 1. */
export class StrictError extends CrmError {}
