/**
 * `crm inspect FILE`: how a foreign export reads (delimiter, encoding, header, first rows) and how its columns
 * map to an input of crm (sales, customers, payments, contacts, costs, summary), with the `--map` to add for
 * what is missing. As `xsv headers` / `csvcut -n`, for the first minutes with a new export. See docs/inspect.md.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { inspectFile } from '../../ingest/inspect.js';
import type { InputKind } from '../../ingest/schema.js';
import { jsonReplacer } from '../../report/format.js';
import { renderInspection } from '../../report/text/inspect.js';
import type { Io } from '../io.js';
import { addInputOptions, ingestOptions, inputColumnsHelp, outputFormat, resolveOptions, textStyle } from '../options.js';
import { withOutput } from '../output.js';
import { positiveInteger } from '../settings.js';

const KINDS = ['sales', 'customers', 'payments', 'contacts', 'costs', 'summary'] as const;

export function registerInspect(program: Command, io: Io): void {
  const cmd = program
    .command('inspect')
    .description('how a CSV export reads (delimiter, encoding, header, first rows) and how its columns map to an input, with the --map to add')
    .argument('<file>', 'the file to inspect (- for stdin; .gz accepted)')
    .addOption(new Option('--as <kind>', 'the input it is meant to be (default: the closest kind)').choices([...KINDS]))
    .option('--rows <n>', 'first rows shown (default 5)')
    .addOption(new Option('-f, --format <format>', 'table (default on a terminal) or json').choices(['table', 'json']))
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--wide', 'tables with every column, however wide the terminal')
    .option('-q, --quiet', 'no diagnostics on stderr (inspect writes none)');
  addInputOptions(cmd, []);
  cmd.addHelpText('after', inputColumnsHelp([...KINDS], ''));
  cmd.action(async (file: string) => {
    const { options, config } = resolveOptions(cmd, io);
    const format = options.format === undefined ? (io.stdout.isTTY ? 'table' : 'json') : outputFormat(options, io, ['table', 'json']);
    const kind = options.as as InputKind | undefined;
    const rows = positiveInteger(options.rows, '--rows') ?? 5;
    const result = await inspectFile(file, ingestOptions(options, config, cmd)[kind ?? 'sales'], { stdin: io.stdin }, { kind, rows });
    await withOutput(options.output as string | undefined, io, async (sink) => {
      if (format === 'json') await sink.write(`${JSON.stringify(result, jsonReplacer, 2)}\n`);
      else await sink.write(renderInspection(result, textStyle(options, io), kind !== undefined));
    });
  });
}
