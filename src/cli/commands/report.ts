/**
 * `crm report`: the whole analysis in one run (each input read once): data accounting, overview, segments,
 * concentration, value, churn, payments, at-risk; as a terminal report, one JSON document, a folder of CSVs
 * or a self-contained HTML file.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { dayToIso } from '../../core/days.js';
import { StrictError, UsageError } from '../../errors.js';
import { PURCHASE_MODEL_NAMES } from '../../models/registry.js';
import { jsonDocument, SECTION_NAMES, SECTION_TITLES, strictProblems, type ReportDocument, type SectionName } from '../../report/document.js';
import { renderHtml } from '../../report/html.js';
import { csvLine, type CsvValue } from '../../report/csv/line.js';
import { count, fixed, jsonReplacer, percent } from '../../report/format.js';
import { folderOutput } from '../../report/output.js';
import { writeJson } from '../../report/json-stream.js';
import { painter } from '../../report/table.js';
import { accountLines, describeAccount, readInputs } from '../inputs.js';
import type { Io } from '../io.js';
import { addInputOptions, addWindowOptions, resolveOptions, useColor } from '../options.js';
import { refuseInputOverwrite, withOutput } from '../output.js';
import { VERSION } from '../../core/version.js';
import { trace } from '../trace.js';
import { analyseReport } from '../../analysis/report.js';
import { reportFromOptions } from '../settings.js';
import { renderSegment } from '../../report/text/segment.js';
import { renderValue } from '../../report/text/value.js';
import { renderAtRisk, renderChurn } from '../../report/text/churn.js';
import { renderPayments } from '../../report/text/payments.js';
import { kpiCsvRows, profitabilityCsvRows } from '../../report/csv/kpi.js';
import { renderKpi, renderProfitability } from '../../report/text/kpi.js';

const DAY_KEYS = new Set(['start', 'end', 'asOf', 'lastPurchase', 'fromAsOf', 'toAsOf', 'windowStart', 'windowEnd', 'firstDay', 'lastDay', 'invoiceDate', 'dueDate']);

/** JSON replacer of the report: day numbers under date keys as ISO dates, numbers cleaned, non-finite as null. */
export function reportReplacer(key: string, value: unknown): unknown {
  if (DAY_KEYS.has(key) && typeof value === 'number' && Number.isInteger(value)) return dayToIso(value);
  return jsonReplacer(key, value);
}

type Row = CsvValue[];

/** The report's tables as CSV files: name → rows (header first). */
export function reportTables(doc: ReportDocument): Record<string, Row[]> {
  const tables: Record<string, Row[]> = {};
  const seg = new Map(doc.segment?.customers.map((c) => [c.customerId, c]) ?? []);
  const val = new Map(doc.value?.customers.map((c) => [c.customerId, c]) ?? []);
  const pay = new Map(doc.payments?.customers.map((c) => [c.customerId, c]) ?? []);
  if (doc.summary) {
    const rows: Row[] = [['customer_id', 'first_purchase', 'last_purchase', 'transactions', 'frequency', 'recency_days', 'T_days', 'monetary_value', 'revenue', 'margin', 'R', 'F', 'M', 'segment', 'abc', 'cluster', 'p_alive', 'clv', 'payment_class', 'outstanding']];
    for (const c of doc.summary) {
      const s = seg.get(c.id);
      const v = val.get(c.id);
      const p = pay.get(c.id);
      rows.push([c.id, dayToIso(c.firstDay), dayToIso(c.lastDay), c.transactions, c.frequency, c.recency, c.T, c.monetaryValue, c.revenue, c.margin, s?.R, s?.F, s?.M, s?.segment, s?.abc, s?.cluster, v?.pAlive, v?.clv, p?.class, p?.outstanding]);
    }
    tables.customers = rows;
  }
  if (doc.segment) {
    tables.segments = [['segment', 'customers', 'share_of_customers', 'revenue', 'share_of_revenue', 'margin', 'mean_recency_days', 'mean_transactions', 'mean_monetary', 'action'], ...doc.segment.segments.map((s) => [s.segment, s.customers, s.shareOfCustomers, s.revenue, s.shareOfRevenue, s.margin, s.meanRecencyDays, s.meanTransactions, s.meanMonetary, s.action])];
    tables.grid = [['R', 'F', 'customers', 'mean_monetary'], ...doc.segment.grid.map((g) => [g.R, g.F, g.customers, g.meanMonetary])];
    tables.lorenz = [['customer_share', 'value_share'], ...doc.segment.concentration.lorenz.map((l) => [l.customerShare, l.valueShare])];
  }
  if (doc.value) {
    tables.value_deciles = [['decile', 'customers', 'clv', 'share_of_equity', 'min_clv', 'max_clv'], ...doc.value.deciles.map((d) => [d.decile, d.customers, d.clv, d.shareOfEquity, d.minClv, d.maxClv])];
    tables.value_segments = [['segment', 'customers', 'clv', 'share_of_equity', 'mean_clv', 'mean_p_alive'], ...doc.value.segments.map((s) => [s.segment, s.customers, s.clv, s.shareOfEquity, s.meanClv, s.meanPAlive])];
  }
  if (doc.churn) {
    const width = Math.max(0, ...doc.churn.cohorts.cohorts.map((c) => c.cells.length));
    tables.cohorts = [['cohort', 'size', ...Array.from({ length: width }, (_, k) => `period_${k}`)], ...doc.churn.cohorts.cohorts.map((c) => [c.label, c.size, ...c.cells.map((x) => x.customerRetention)])];
    const survival: Row[] = [['group', 'time_days', 'at_risk', 'events', 'survival', 'lower_95', 'upper_95']];
    for (const { group, curve } of [{ group: 'all', curve: doc.churn.survival.overall }, ...doc.churn.survival.groups]) for (const s of curve.steps) survival.push([group, s.time, s.atRisk, s.events, s.survival, s.lower, s.upper]);
    tables.survival = survival;
    tables.stages = [['stage', 'customers', 'share', 'revenue'], ...doc.churn.lifecycle.stages.map((s) => [s.stage, s.customers, s.share, s.revenue])];
  }
  if (doc.payments) {
    tables.ageing = [['bucket', 'amount', 'count', 'share'], ...doc.payments.ageing.total.buckets.map((b) => [b.label, b.amount, b.count, b.share])];
    tables.debtors = [['customer_id', 'outstanding', 'overdue', 'balance', 'max_days_past_due', 'class'], ...doc.payments.topDebtors.map((d) => [d.customerId, d.outstanding, d.overdue, d.balance, d.maxDaysPastDue, d.class])];
  }
  if (doc.kpi) tables.kpi = kpiCsvRows(doc.kpi);
  if (doc.profitability) tables.profitability = profitabilityCsvRows(doc.profitability);
  if (doc.atRisk) tables['at-risk'] = [['customer_id', 'value_at_risk', 'p_alive', 'past_revenue', 'days_since_last', 'usual_gap_days', 'segment', 'payment_class', 'reason'], ...doc.atRisk.map((a) => [a.customerId, a.valueAtRisk, a.pAlive, a.value, a.daysSinceLast, a.usualGap, a.segment, a.paymentClass, a.reason])];
  return tables;
}

/**
 * The CSV folder's notes.txt: the row accounting, every section that could not be computed with its reason,
 * and every note and warning of the run (what the terminal and HTML reports show beside their tables).
 */
export function reportNotesText(doc: ReportDocument): string {
  let out = `crm report as of ${doc.meta.asOf}\n\nData accounting\n`;
  for (const a of doc.meta.inputs as Parameters<typeof describeAccount>[0][]) out += `${a.kind} ${a.file}: ${describeAccount(a)}\n`;
  const missing = SECTION_NAMES.filter((name) => doc.errors[name] !== undefined);
  out += '\nSections not computed\n';
  out += missing.length === 0 ? 'none: every section of the inputs given was computed\n' : missing.map((name) => `${SECTION_TITLES[name]}: ${doc.errors[name]}\n`).join('');
  out += '\nNotes and warnings\n';
  out += doc.notes.length === 0 ? 'none\n' : doc.notes.map((n) => `${n}\n`).join('');
  return out;
}

/** The terminal report: every section, readable at 100 columns. */
export function renderReport(doc: ReportDocument, color: boolean): string {
  const paint = painter(color);
  const h = (title: string): string => `\n${paint.bold.underline(title)}\n\n`;
  let out = `${paint.bold(`crm report as of ${doc.meta.asOf}`)} (data ${doc.meta.dateRange?.first} to ${doc.meta.dateRange?.last})\n`;
  out += h('Data accounting');
  for (const a of doc.meta.inputs as Parameters<typeof describeAccount>[0][]) out += `${a.kind} ${a.file}: ${describeAccount(a)}\n`;
  if (doc.overview) {
    const o = doc.overview;
    out += h('Portfolio overview');
    out += `${count(o.customers)} customers, ${count(o.transactions)} transactions, revenue ${fixed(o.revenue)}${o.margin !== null ? `, margin ${fixed(o.margin)}` : ''}; ${percent(o.repeatShare)} bought more than once\n`;
  }
  const failed = (name: SectionName): string => `${paint.red('Not computed')}: ${doc.errors[name]}\n`;
  if (doc.segment) out += h('Segments, R x F grid, concentration, clusters') + renderSegment(doc.segment, color, { compact: true });
  else if (doc.errors.segment) out += h('Segments, R x F grid, concentration, clusters') + failed('segment');
  if (doc.value) out += h('Customer value and equity') + renderValue(doc.value, 10, color, { compact: true });
  else if (doc.errors.value) out += h('Customer value and equity') + failed('value');
  if (doc.churn) out += h('Retention and survival') + renderChurn({ ...doc.churn, atRisk: null }, color);
  else if (doc.errors.churn) out += h('Retention and survival') + failed('churn');
  if (doc.payments) out += h('Payments and ageing') + renderPayments(doc.payments, color);
  else if (doc.errors.payments) out += h('Payments and ageing') + failed('payments');
  if (doc.atRisk && doc.churn?.atRisk) out += h('At risk') + renderAtRisk(doc.atRisk, doc.churn.atRisk.model.model, color);
  else if (doc.errors.atRisk) out += h('At risk') + failed('atRisk');
  if (doc.kpi) out += h('KPIs over time') + renderKpi(doc.kpi, color, false, undefined, { compact: true });
  else if (doc.errors.kpi) out += h('KPIs over time') + failed('kpi');
  if (doc.profitability) out += h('Profitability and cost-to-serve') + renderProfitability(doc.profitability, color);
  else if (doc.errors.profitability) out += h('Profitability and cost-to-serve') + failed('profitability');
  if (doc.notes.length > 0) out += h('Notes') + doc.notes.map((n) => `${n}\n`).join('');
  return out.split('\n').map((line) => wrapProse(line, 100)).join('\n');
}

/** Wraps a prose line (not a table row) at `width` columns on spaces. */
function wrapProse(line: string, width: number): string {
  if ([...line].length <= width || /^[│┌└├]/.test(line)) return line;
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && [...current].length + 1 + [...word].length > width) {
      out.push(current);
      current = `  ${word}`;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') out.push(current);
  return out.join('\n');
}

export function registerReport(program: Command, io: Io): void {
  const cmd = program
    .command('report')
    .description('the whole analysis in one run: terminal report, one JSON document, a folder of CSVs, or a self-contained HTML file')
    .addOption(new Option('-f, --format <format>', 'table (default on a terminal), json, csv (with --output-dir) or html').choices(['table', 'json', 'csv', 'html']))
    .option('-o, --output <file>', 'write the report here (atomically)')
    .option('--output-dir <dir>', 'csv: the folder for one CSV per table')
    .option('--dated', 'name the output files by the as-of date (report-YYYY-MM-DD.html, customers-YYYY-MM-DD.csv, ...)')
    .option('--no-formula-safe', 'csv: do not neutralise cells that begin with = + - @ (formula injection)')
    .addOption(new Option('--model <model>', 'purchase model (default auto: the trusted fit of lowest BIC)').choices([...PURCHASE_MODEL_NAMES, 'auto']))
    .option('--margin <share>', 'contribution margin as a share of spend (default: from cost in the sales)')
    .option('--discount-rate <rate>', 'annual discount rate (default 0.1)')
    .option('--top <n>', 'customers in the at-risk list (default 20)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('-q, --quiet', 'print nothing on success')
    .option('--strict', 'exit 1 (after writing the report) when a section could not be computed or a warning was raised');
  addInputOptions(cmd, ['customers', 'sales', 'payments', 'costs', 'contacts']);
  addWindowOptions(cmd, { holdout: false });
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = (options.format as string | undefined) ?? (options.outputDir !== undefined ? 'csv' : options.output !== undefined && String(options.output).endsWith('.html') ? 'html' : options.output !== undefined && String(options.output).endsWith('.json') ? 'json' : io.stdout.isTTY ? 'table' : 'json');
    if (format === 'csv' && options.outputDir === undefined) throw new UsageError('--format csv writes one file per table: give --output-dir DIR');
    const settings = reportFromOptions(options);
    const { data, window } = await readInputs(cmd, options, config, io, { sales: 'required', customers: 'optional', payments: 'optional', costs: 'optional', contacts: 'optional' }, { holdout: false });
    trace('read inputs');
    const doc = analyseReport(data, window!, settings, { tool: { name: 'crm', version: VERSION }, tracer: trace });
    // stderr: the row account (as the analyses left it), then the document's notes.
    const notes = [...accountLines(data).slice(0, data.accounts.length), ...doc.notes];
    const dated = (name: string, ext: string): string => (options.dated ? `${name}-${doc.meta.asOf}.${ext}` : `${name}.${ext}`);
    if (format === 'csv') {
      // The folder is written as a whole: a temporary folder beside it, renamed into place when every file
      // was written (src/report/output.ts, docs/reliability.md); never over one of the inputs.
      const dir = String(options.outputDir);
      const tables = reportTables(doc);
      const names = [...Object.keys(tables).map((name) => dated(name, 'csv')), dated('notes', 'txt')];
      for (const name of names) refuseInputOverwrite(join(dir, name), '--output-dir');
      const folder = folderOutput(dir);
      try {
        for (const [name, rows] of Object.entries(tables)) {
          const sink = folder.file(dated(name, 'csv'));
          for (const row of rows) await sink.write(csvLine(row, options.formulaSafe !== false));
        }
        await folder.file(dated('notes', 'txt')).write(reportNotesText(doc));
      } catch (err) {
        await folder.abort();
        throw err;
      }
      await folder.close();
    } else {
      let output = options.output as string | undefined;
      if (output !== undefined && options.dated) output = output.replace(/(\.[^./]+)?$/, (ext) => `-${doc.meta.asOf}${ext}`);
      await withOutput(output, io, async (sink) => {
        if (format === 'json') await writeJson(sink, jsonDocument(doc), reportReplacer);
        else if (format === 'html') await sink.write(renderHtml(doc));
        else await sink.write(renderReport(doc, useColor(options, io)));
      });
    }
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
