/**
 * Typed errors. Library code throws these; only the CLI entry point (src/cli/main.ts) prints them
 * and maps them to exit codes: UsageError → 2, everything else of ours → 1.
 */

/** Base class: `hint` is printed after the message as `(hint: ...)`. */
export class CrmError extends Error {
  readonly hint?: string;
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
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
    this.reason = reason;
  }
}

/** A model that cannot be fitted or evaluated on the data given (no repeat buyers, no convergence...). Exit code 1. */
export class ModelError extends CrmError {}

/** Writing an output failed. Exit code 1. */
export class OutputError extends CrmError {}

/** A run that completed but is incomplete or has warnings, under `--strict`. Exit code 1. */
export class StrictError extends CrmError {}
