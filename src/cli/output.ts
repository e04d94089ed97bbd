/**
 * Opens the command's output (stdout or an atomic file) and closes or abandons it; checks before a run that
 * no output is one of the inputs and that the outputs can be written (docs/reliability.md).
 */
import { existsSync, fstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { OutputError, UsageError } from '../errors.js';
import { checkOutputFile, checkOutputFolder, fileSink, fsErrorReason, outputTarget, streamSink, type Sink } from '../report/output.js';
import type { Io } from './io.js';

/** Runs `body` with the output sink; on failure a file output is removed, never left half-written. */
export async function withOutput(output: unknown, io: Io, body: (sink: Sink) => Promise<void>): Promise<void> {
  const sink = output !== undefined && output !== '-' ? fileSink(String(output)) : stdoutSink(io);
  try {
    await body(sink);
  } catch (err) {
    await sink.abort();
    throw err;
  }
  await sink.close();
}

/** stdout as a sink; a failed write (other than a closed pipe, which main() exits quietly on) is an OutputError. */
function stdoutSink(io: Io): Sink {
  const sink = streamSink(io.stdout);
  const wrap = async (p: Promise<void>): Promise<void> => {
    try {
      await p;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') throw err;
      throw new OutputError(`cannot write to standard output: ${fsErrorReason(err)}`, { cause: err });
    }
  };
  return { write: (text) => wrap(sink.write(text)), close: () => wrap(sink.close()), abort: () => sink.abort() };
}

/** Writes diagnostics to stderr unless quiet. */
export function diagnostics(io: Io, quiet: unknown, lines: string[]): void {
  if (quiet) return;
  for (const line of lines) io.stderr.write(`crm: ${line}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Outputs and inputs of a run.

/** Options that name files the command writes, and whether each is a file or a folder. */
const OUTPUT_OPTIONS: Record<string, 'file' | 'folder'> = { output: 'file', rejects: 'file', save: 'file', scores: 'file', outputDir: 'folder', out: 'folder', plots: 'folder' };
/** Options that name files the command reads. */
const INPUT_OPTIONS = ['sales', 'customers', 'payments', 'summary', 'contacts', 'costs', 'modelFile', 'spendModelFile', 'config'];

interface Identity {
  /** The option, as written on the command line (e.g. --sales). */
  flag: string;
  /** The value as given. */
  value: string;
  /** The absolute path with symbolic links resolved. */
  real: string;
  dev?: number;
  ino?: number;
}

/** The inputs of the run being made (set by {@link checkRunPaths}); see {@link refuseInputOverwrite}. */
let currentInputs: Identity[] = [];

const flagOf = (cmd: Command, key: string): string => cmd.options.find((o) => o.attributeName() === key)?.long ?? `--${key}`;

function identify(flag: string, value: string, base: string): Identity {
  const abs = resolve(base, value);
  let real = abs;
  try {
    real = realpathSync(abs);
  } catch {
    // not there (yet): an output, or a dangling link; compare the resolved target
    try {
      const t = outputTarget(abs);
      real = t.path;
    } catch {
      // left as is
    }
  }
  try {
    const st = statSync(abs);
    return { flag, value, real, dev: st.dev, ino: st.ino };
  } catch {
    return { flag, value, real };
  }
}

const same = (a: Identity, b: Identity): boolean => a.real === b.real || (a.ino !== undefined && a.dev === b.dev && a.ino === b.ino);

/** Whether writing `path` would replace a file (a regular file, or none yet) rather than write through. */
function replacesFile(path: string): boolean {
  try {
    return outputTarget(path).kind === 'atomic';
  } catch {
    return false;
  }
}

/**
 * Checks the files of a run before it starts: no output is one of the inputs (same path after symbolic
 * links, or the same file through a hard link, standard input included) or another output, and every output
 * can be written (its folder exists and is writable). Remembers the inputs for
 * {@link refuseInputOverwrite}.
 *
 * @throws {UsageError} when an output is an input or another output (exit 2)
 * @throws {OutputError} when an output cannot be written (exit 1)
 */
export function checkRunPaths(cmd: Command, options: Record<string, unknown>, io: Io): void {
  const inputs: Identity[] = [];
  // Only options that take a file (generate's --customers <n> is a count).
  const takesFile = (key: string): boolean => cmd.options.some((o) => o.attributeName() === key && o.flags.includes('<file>'));
  for (const key of INPUT_OPTIONS) {
    if (!takesFile(key)) continue;
    const value = options[key];
    if (value === undefined || value === null || value === '' || typeof value === 'boolean') continue;
    if (value === '-') {
      const fd = (io.stdin as { fd?: unknown }).fd;
      if (typeof fd === 'number') {
        try {
          const st = fstatSync(fd);
          if (st.isFile()) inputs.push({ flag: flagOf(cmd, key), value: '- (standard input)', real: '', dev: st.dev, ino: st.ino });
        } catch {
          // not a file
        }
      }
      continue;
    }
    inputs.push(identify(flagOf(cmd, key), String(value), key === 'config' ? io.cwd : process.cwd()));
  }
  if (cmd.options.some((o) => o.attributeName() === 'config') && options.config === undefined) {
    const file = join(io.cwd, 'crm.config.json');
    if (existsSync(file)) inputs.push(identify('the config file', file, io.cwd));
  }
  currentInputs = inputs;
  const outputs: (Identity & { kind: 'file' | 'folder' })[] = [];
  for (const [key, kind] of Object.entries(OUTPUT_OPTIONS)) {
    const value = options[key];
    if (value === undefined || value === null || value === '' || value === '-' || typeof value === 'boolean') continue;
    if (key === 'rejects' && !options.skipInvalid) continue; // a usage error of its own, later
    const id = { ...identify(flagOf(cmd, key), String(value), process.cwd()), kind };
    if (kind === 'file' && !replacesFile(String(value))) continue; // a device or FIFO is written through
    for (const input of inputs) {
      if (same(id, input) || (kind === 'folder' && input.real === id.real)) {
        throw new UsageError(`${id.flag} ${id.value} is the input ${input.flag} ${input.value}: the run would overwrite its input`, {
          hint: 'write the output to another file',
        });
      }
    }
    for (const other of outputs) {
      if (same(id, other)) throw new UsageError(`${id.flag} ${id.value} and ${other.flag} ${other.value} are the same file`, { hint: 'give each output its own file' });
    }
    outputs.push(id);
  }
  for (const o of outputs) {
    if (o.kind === 'file') checkOutputFile(o.value);
    else checkOutputFolder(o.value);
  }
}

/**
 * Refuses to write `path` (a file inside an output folder) when it is one of the run's inputs.
 * @throws {UsageError}
 */
export function refuseInputOverwrite(path: string, flag: string): void {
  const id = identify(flag, path, process.cwd());
  for (const input of currentInputs) {
    if (same(id, input)) {
      throw new UsageError(`${flag} ${dirname(path)} would overwrite the input ${input.flag} ${input.value} (${path})`, { hint: 'write the output to another folder' });
    }
  }
}
