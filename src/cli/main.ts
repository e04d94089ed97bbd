/**
 * The entry point: argv → command. The only place that prints errors and sets exit codes:
 * 0 success, 1 bad data / I/O / model failure, 2 usage error. A closed stdout (EPIPE) exits quietly.
 */
import { Command, CommanderError } from 'commander';
import { CrmError, renderSettings } from '../errors.js';
import { fsErrorReason, removeTemporariesSync } from '../report/output.js';
import { processIo, type Io } from './io.js';
import { configNote, resolveOptions } from './options.js';
import { checkRunPaths } from './output.js';
import { VERSION } from '../core/version.js';
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
import { registerKpi } from './commands/kpi.js';
import { registerScore } from './commands/score.js';
import { registerCampaign } from './commands/campaign.js';
import { registerInspect } from './commands/inspect.js';
import { addExamples } from './examples.js';

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
  registerKpi(program, io);
  registerScore(program, io);
  registerCampaign(program, io);
  registerInspect(program, io);
  addExamples(program);
  // Before any command runs: no output is an input, every output can be written (docs/reliability.md).
  program.hook('preAction', (_program, action) => {
    const options = action.options.some((o) => o.attributeName() === 'config') ? resolveOptions(action, io).options : action.opts();
    checkRunPaths(action, options, io);
  });
  const configure = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => undefined });
    c.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

/** An error as the command line says it: its setting references as flags (`--date-format`), then the hint. */
export function errorText(err: CrmError): string {
  const hint = err.text.hint === undefined || err.text.hint === '' ? '' : ` (hint: ${renderSettings(err.text.hint, 'cli')})`;
  return `${renderSettings(err.text.message, 'cli')}${hint}`;
}

/** ` (settings from crm.config.json: ...)` when the config file set values in this run, else ''. */
function configSuffix(io: Io): string {
  const note = configNote(io);
  return note === undefined ? '' : ` (${note})`;
}

function isEpipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/** A file-system error from the environment (disk full, no permission...): one line naming the path. */
function environmentError(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | undefined;
  if (typeof e?.code !== 'string' || !/^E[A-Z]+$/.test(e.code) || typeof e.syscall !== 'string') return null;
  const verbs: Record<string, string> = { mkdir: 'create folder', open: 'open', write: 'write', rename: 'rename', scandir: 'read folder', unlink: 'remove', read: 'read', stat: 'read', lstat: 'read' };
  const verb = verbs[e.syscall] ?? e.syscall;
  return `cannot ${verb}${e.path !== undefined ? ` ${e.path}` : ''}: ${fsErrorReason(err)}`;
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
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // A command group without its subcommand (`crm sql`): the help went to stderr; a usage error.
      if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : 2;
      const message = err.message.replace(/^error: /, '');
      io.stderr.write(`crm: error: ${message.split('\n')[0]}${configSuffix(io)}\n`);
      return 2;
    }
    if (isEpipe(err)) return 0;
    if (err instanceof CrmError) {
      io.stderr.write(`crm: error: ${errorText(err)}${configSuffix(io)}\n`);
      if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
      return err.exitCode;
    }
    const environment = environmentError(err);
    if (environment !== null) {
      io.stderr.write(`crm: error: ${environment}\n`);
      if (debug && (err as Error).stack) io.stderr.write(`${(err as Error).stack}\n`);
      return 1;
    }
    const e = err as Error;
    io.stderr.write(`crm: internal error: ${e?.message ?? String(err)}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && e?.stack) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

/** Signals that end a run. */
const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM'] as const;

/**
 * Ends this process by `signal` after removing the temporary files of its outputs: the default action of the
 * signal, raised again (a shell reports 128 + its number). Not process.exit(): that waits for the thread
 * pool, where a read of a FIFO or terminal may block for ever.
 */
function endBySignal(signal: NodeJS.Signals): void {
  removeTemporariesSync();
  for (const s of SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, signal);
}

/**
 * The executable's entry: real process streams, exit code, quiet EPIPE. An interrupted run (SIGINT, SIGTERM,
 * SIGHUP) removes its temporary files and ends by that signal; a heap child (bin/crm.js) ends when its
 * parent does (the IPC channel to it closes).
 */
export function runMain(): void {
  process.stdout.on('error', (err) => {
    removeTemporariesSync();
    if (isEpipe(err)) process.exit(0);
    process.stderr.write(`crm: error: cannot write to standard output: ${fsErrorReason(err)}\n`);
    process.exit(1);
  });
  for (const signal of SIGNALS) process.on(signal, () => endBySignal(signal));
  if (process.env.CRM_HEAP_PARENT !== undefined && process.channel) {
    process.channel.unref(); // the channel only tells us when the parent is gone; it must not keep us running
    process.on('disconnect', () => endBySignal('SIGTERM'));
  }
  process.on('exit', () => removeTemporariesSync());
  void main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
