/**
 * The entry point: argv → command. The only place that prints errors and sets exit codes:
 * 0 success, 1 bad data / I/O / model failure, 2 usage error. A closed stdout (EPIPE) exits quietly.
 */
import { Command, CommanderError } from 'commander';
import { CrmError } from '../errors.js';
import { processIo, type Io } from './io.js';
import { VERSION } from './version.js';
import { registerReport } from './commands/report.js';
import { registerSummary } from './commands/summary.js';
import { registerGenerate } from './commands/generate.js';
import { registerSql } from './commands/sql.js';
import { registerPayments } from './commands/payments.js';
import { registerChurn } from './commands/churn.js';
import { registerSegment } from './commands/segment.js';
import { registerFit } from './commands/fit.js';
import { registerValue } from './commands/value.js';
import { registerValidate } from './commands/validate.js';
import { registerProfile } from './commands/profile.js';


/** Builds the program with every command registered. */
export function buildProgram(io: Io): Command {
  const program = new Command('crm')
    .description('analytical CRM from CSV exports: summary, segments, CLV models, churn, payments')
    .version(VERSION)
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => undefined,
    });
  registerReport(program, io);
  registerSummary(program, io);
  registerGenerate(program, io);
  registerSegment(program, io);
  registerFit(program, io);
  registerValue(program, io);
  registerValidate(program, io);
  registerChurn(program, io);
  registerPayments(program, io);
  registerSql(program, io);
  registerProfile(program, io);
  const configure = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined });
    c.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

function isEpipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  const debug = argv.includes('--debug');
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      const message = err.message.replace(/^error: /, '');
      io.stderr.write(`crm: error: ${message.split('\n')[0]}\n`);
      return 2;
    }
    if (isEpipe(err)) return 0;
    if (err instanceof CrmError) {
      io.stderr.write(`crm: error: ${err.message}${err.hint ? ` (hint: ${err.hint})` : ''}\n`);
      if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr.write(`crm: internal error: ${e?.message ?? String(err)}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && e?.stack) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

/** The executable's entry: real process streams, exit code, quiet EPIPE. */
export function runMain(): void {
  process.stdout.on('error', (err) => {
    if (isEpipe(err)) process.exit(0);
  });
  void main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
