/**
 * `crm report`: the whole analysis in one run (each input read once): data accounting, overview, segments,
 * concentration, value, churn, payments, at-risk; as a terminal report, one JSON document, a folder of CSVs
 * or a self-contained HTML file.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { StrictError, UsageError } from '../../errors.js';
import { PURCHASE_MODEL_NAMES } from '../../models/registry.js';
import { jsonDocument, SECTION_NAMES, SECTION_TITLES, strictProblems } from '../../report/document.js';
import { renderHtml } from '../../report/html/index.js';
import { csvLine } from '../../report/csv/line.js';
import { folderOutput } from '../../report/output.js';
import { writeJson } from '../../report/json-stream.js';
import { fitParallelSettings, paymentsParallelSettings, readInputs } from '../inputs.js';
import { accountLines } from '../../report/text/accounts.js';
import type { Io } from '../io.js';
import { addInputOptions, addWindowOptions, resolveOptions, textStyle } from '../options.js';
import { refuseInputOverwrite, withOutput } from '../output.js';
import { VERSION } from '../../core/version.js';
import { trace } from '../trace.js';
import { analyseReport } from '../../analysis/report.js';
import { csvPrecision, reportFromOptions } from '../settings.js';
import { customerScoreRows, reportNotesText, reportTables, roundTable, rowRounder, type Row } from '../../report/csv/report.js';
import { renderReport } from '../../report/text/report.js';
import { reportReplacer } from '../../report/json.js';
import { jsonReplacer } from '../../report/format.js';
import type { ReportDocument } from '../../report/document.js';

export function registerReport(program: Command, io: Io): void {
  const cmd = program
    .command('report')
    .description('the whole analysis in one run: terminal report, one JSON document, a folder of CSVs, or a self-contained HTML file')
    .addOption(new Option('-f, --format <format>', 'table (default on a terminal), json, csv (with --output-dir) or html').choices(['table', 'json', 'csv', 'html']))
    .option('-o, --output <file>', 'write the report here (atomically)')
    .option('--output-dir <dir>', 'csv: the folder for one CSV per table')
    .option('--per-customer', 'json: also the rows per customer (summary, segments, values, payments, stages) in the document')
    .option('--scores <file>', 'also write the per-customer scores (one row per customer: summary, RFM, segment, P(alive), CLV, stage, payment class) to this file, .csv or .ndjson, streamed')
    .option('--dated', 'name the output files by the as-of date (report-YYYY-MM-DD.html, customers-YYYY-MM-DD.csv, ...)')
    .option('--precision <digits>', 'csv: decimals of money columns (default 2; other fractions keep 6 significant digits), or full for every digit')
    .option('--no-formula-safe', 'csv: do not neutralise cells that begin with = + - @ (formula injection)')
    .addOption(new Option('--model <model>', 'purchase model (default auto: the trusted fit of lowest BIC)').choices([...PURCHASE_MODEL_NAMES, 'auto']))
    .option('--margin <share>', 'contribution margin as a share of spend (default: from cost in the sales)')
    .option('--discount-rate <rate>', 'annual discount rate (default 0.1)')
    .option('--top <n>', 'customers in the at-risk list (default 20)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--wide', 'tables with every column, however wide the terminal')
    .option('-q, --quiet', 'print nothing on success')
    .option('--strict', 'exit 1 (after writing the report) when a section could not be computed or a warning was raised');
  addInputOptions(cmd, ['customers', 'sales', 'payments', 'costs', 'contacts']);
  addWindowOptions(cmd, { holdout: false });
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = (options.format as string | undefined) ?? (options.outputDir !== undefined ? 'csv' : options.output !== undefined && String(options.output).endsWith('.html') ? 'html' : options.output !== undefined && String(options.output).endsWith('.json') ? 'json' : io.stdout.isTTY ? 'table' : 'json');
    if (format === 'csv' && options.outputDir === undefined) throw new UsageError('--format csv writes one file per table: give --output-dir DIR');
    const toStdout = options.output === undefined || options.output === '-';
    if (options.dated && format !== 'csv' && toStdout) throw new UsageError('--dated names the output by the as-of date: give -o FILE or -o FOLDER/ (or --output-dir DIR with --format csv)');
    if (format === 'html' && toStdout && io.stdout.isTTY) throw new UsageError('an HTML report is not written to a terminal', { hint: '-o report.html, or redirect stdout to a file' });
    const settings = reportFromOptions(options);
    const precision = csvPrecision(options.precision);
    const { data, window } = await readInputs(cmd, options, config, io, { sales: 'required', customers: 'optional', payments: 'optional', costs: 'optional', contacts: 'optional' }, { holdout: false });
    trace('read inputs');
    const doc = analyseReport(data, window!, settings, { tool: { name: 'crm', version: VERSION }, tracer: trace, fitParallel: fitParallelSettings(io.env), paymentsParallel: paymentsParallelSettings(io.env) });
    // stderr: the row account (as the analyses left it), then the document's notes.
    const notes = [...accountLines(data).slice(0, data.accounts.length), ...doc.notes];
    // Writing needs the document only: the per-customer inputs are let go (a million customers' sales state
    // and attributes are about 0.7 GB).
    data.sales = undefined;
    data.customers = undefined;
    data.costs = undefined;
    data.contacts = undefined;
    const dated = (name: string, ext: string): string => (options.dated ? `${name}-${doc.meta.asOf}.${ext}` : `${name}.${ext}`);
    if (options.scores !== undefined) await writeScores(String(options.scores), doc, io, options.formulaSafe !== false);
    trace('scores written');
    if (format === 'csv') {
      // The folder is written as a whole: a temporary folder beside it, renamed into place when every file
      // was written (src/report/output.ts, docs/reliability.md); never over one of the inputs.
      const dir = String(options.outputDir);
      const tables = reportTables(doc, { customers: false });
      const names = [...(doc.summary ? [dated('customers', 'csv')] : []), ...Object.keys(tables).map((name) => dated(name, 'csv')), dated('notes', 'txt')];
      for (const name of names) refuseInputOverwrite(join(dir, name), '--output-dir');
      const folder = folderOutput(dir);
      try {
        if (doc.summary) {
          // one row at a time: the largest table is never held whole
          const sink = folder.file(dated('customers', 'csv'));
          const rows = customerScoreRows(doc);
          const header = rows.next().value as Row;
          const round = rowRounder(header, precision);
          await sink.write(csvLine(header, options.formulaSafe !== false));
          for (const row of rows) await sink.write(csvLine(round(row), options.formulaSafe !== false));
        }
        for (const [name, rows] of Object.entries(tables)) {
          const sink = folder.file(dated(name, 'csv'));
          for (const row of roundTable(rows, precision)) await sink.write(csvLine(row, options.formulaSafe !== false));
        }
        await folder.file(dated('notes', 'txt')).write(reportNotesText(doc));
      } catch (err) {
        await folder.abort();
        throw err;
      }
      await folder.close();
    } else {
      let output = options.output as string | undefined;
      if (output !== undefined && options.dated) {
        output = datedOutput(output, doc.meta.asOf, format);
        refuseInputOverwrite(output, '--output');
      }
      await withOutput(output, io, async (sink) => {
        if (format === 'json') await writeJson(sink, jsonDocument(doc, { perCustomer: options.perCustomer === true }), reportReplacer);
        else if (format === 'html') await sink.write(renderHtml(doc));
        else await sink.write(renderReport(doc, textStyle(options, io)));
      });
    }
    trace('report written');
    // The terminal report on stdout already shows the accounting, the notes and the reasons: not again on stderr.
    const onScreen = format === 'table' && (options.output === undefined || options.output === '-');
    if (!options.quiet && !onScreen) {
      for (const n of notes) io.stderr.write(`crm: ${n}\n`);
      for (const name of SECTION_NAMES) if (doc.errors[name] !== undefined) io.stderr.write(`crm: warning: ${SECTION_TITLES[name]} not computed: ${doc.errors[name]}\n`);
    }
    if (options.strict) {
      const problems = strictProblems(doc);
      if (problems.length > 0) {
        throw new StrictError(`--strict: the report is incomplete or has warnings (${problems.length}): ${problems.join('; ')}`);
      }
    }
  });
}

const EXTENSIONS: Record<string, string> = { html: 'html', json: 'json', table: 'txt' };

/**
 * The output path under --dated: in a folder (an existing one, or a path ending in /) `report-<as-of>.<ext>`
 * with the extension of the format; otherwise the as-of date before the file's extension
 * (`out/report.html` → `out/report-2025-12-29.html`).
 */
export function datedOutput(output: string, asOf: string, format: string): string {
  const isFolder = /[/\\]$/.test(output) || (existsSync(output) && statSync(output).isDirectory());
  if (isFolder) return join(output, `report-${asOf}.${EXTENSIONS[format] ?? format}`);
  return output.replace(/(\.[^./\\]+)?$/, (ext) => `-${asOf}${ext}`);
}

/**
 * `--scores FILE`: the per-customer scores of the report (customers.csv's columns), one row at a time,
 * as CSV or, for a .ndjson/.jsonl file, one JSON object per line; written atomically.
 */
async function writeScores(path: string, doc: ReportDocument, io: Io, formulaSafe: boolean): Promise<void> {
  const ndjson = /\.(nd)?jsonl?$/i.test(path) && !/\.json$/i.test(path);
  if (!ndjson && !/\.csv$/i.test(path)) throw new UsageError(`--scores ${path}: the file must end in .csv, .ndjson or .jsonl`);
  if (!doc.summary) throw new UsageError('--scores needs --sales (the scores are per customer of the summary)');
  await withOutput(path, io, async (sink) => {
    const rows = customerScoreRows(doc);
    const header = rows.next().value as Row;
    // written in pieces of about 64 KB: a write per row (a million of them) cost about 1 s in writes alone
    let piece = ndjson ? '' : csvLine(header, formulaSafe);
    for (const row of rows) {
      piece += ndjson ? `${JSON.stringify(Object.fromEntries(header.map((h, i) => [h, row[i] ?? null])), jsonReplacer)}\n` : csvLine(row, formulaSafe);
      if (piece.length >= 65536) {
        await sink.write(piece);
        piece = '';
      }
    }
    if (piece !== '') await sink.write(piece);
  });
}
