/**
 * The options every command shares, declared once: inputs and ingest, the observation window, output.
 * Values come from the command line, else from the config file (`--config FILE` or crm.config.json in the
 * working folder: top-level keys, then a section named after the command), else the defaults.
 * See docs/config.md.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { createDateParser, DateParseError, isValidDateFormat } from '../ingest/dates.js';
import { encodingOption } from '../ingest/encoding.js';
import { maxFieldOption } from '../ingest/records.js';
import { parsePeriod } from '../accumulate/summary.js';
import { dayFromYmd } from '../core/days.js';
import { FIELDS, parseMapOption, validateMap, type ColumnMap, type InputKind } from '../ingest/schema.js';
import { parseDelimiterOption } from '../ingest/source.js';
import type { IngestOptions } from '../ingest/table.js';
import type { UnknownPolicy } from '../ingest/load.js';
import type { Day } from '../core/days.js';
import type { Io } from './io.js';
import type { TextStyle } from '../report/table.js';

export type Format = 'table' | 'json' | 'csv' | 'ndjson';

function collectMap(value: string, previous: ColumnMap | undefined): ColumnMap {
  return { ...(previous ?? {}), ...parseMapOption(value) };
}

/** The columns each input of a command reads, required ones marked, for its --help. */
export function inputColumnsHelp(inputs: readonly InputKind[], prefix = '--'): string {
  const width = Math.max(...inputs.map((k) => k.length)) + 2;
  const lines = inputs.map((kind) => {
    const fields = FIELDS[kind].map((f) => `${f.name}${f.required ? '*' : ''}`).join(', ');
    return `  ${prefix}${kind.padEnd(width)}${fields}${kind === 'customers' ? ', then any attributes (region, channel, ...)' : ''}`;
  });
  return `\nColumns of each input (* required; header names match ignoring case, spaces, _ and -; --map field=Header for others):\n${lines.join('\n')}`;
}

/** Input files and how to read them. */
export function addInputOptions(cmd: Command, inputs: InputKind[]): Command {
  for (const kind of inputs) {
    const what = {
      customers: 'customers CSV (customer_id + attributes)',
      sales: 'sales CSV (customer_id, date, amount, ...)',
      payments: 'payments CSV (invoices and payments)',
      summary: 'a ready summary CSV (customer_id, frequency, recency, T, monetary_value), e.g. from crm summary or crm sql',
      contacts: 'campaign contacts CSV (customer_id, campaign, date, group treatment|control, cost, channel, offer)',
      costs: 'cost-to-serve events CSV (customer_id, date, amount, kind)',
      patterns: 'BG/BB patterns CSV (frequency, recency, periods, weights)',
    }[kind];
    cmd.option(`--${kind} <file>`, `${what}; - for stdin, .gz accepted`);
  }
  if (inputs.length > 0) cmd.addHelpText('after', inputColumnsHelp(inputs));
  return cmd
    .option('--amount <column>', 'sales: the column of the line total, or the product of two, e.g. quantity*unit_price (= --map sales.amount=...)')
    .option('--map <field=Header,...>', 'column mapping for foreign exports, e.g. date="Order Date",amount=Total (sales.amount=... for one input)', collectMap)
    .option('--config <file>', 'config file (default: crm.config.json in the working folder, if present)')
    .option('--no-config', 'ignore crm.config.json in the working folder')
    .option('-d, --delimiter <char>', 'field delimiter: , ; tab | or whitespace (default: detected from the header line)')
    .option('--no-header', 'the files have no header row (name the columns with --columns)')
    .option('--columns <names>', 'comma-separated column names for files without a header row')
    .option('--date-format <format>', 'day/month order of dates such as DD/MM/YYYY, MM/DD/YYYY or DD-MMM-YY (month names) (default: ISO 8601 and YYYYMMDD only)')
    .addOption(new Option('--decimal <mark>', 'decimal mark of amounts').choices(['.', ',']))
    .option('--encoding <name>', 'text encoding: utf8 (default; UTF-16 is detected by its byte-order mark), latin1, windows-1252, utf-16 (= utf-16le) or utf-16be')
    .option('--max-field <size>', 'longest field in characters, e.g. 1048576 or 1M (default 1M); a longer one is an error (an unclosed quote?)')
    .option('--skip-invalid', 'reject bad rows (and records with quoting errors) and go on instead of stopping at the first')
    .option('--rejects <file>', 'with --skip-invalid: write rejected rows here (CSV: file, line, column, reason, record)')
    .addOption(new Option('--unknown <policy>', 'sales/payments of customers missing from --customers').choices(['keep', 'drop', 'error']));
}

/** The observation window. */
export function addWindowOptions(cmd: Command, { holdout = true } = {}): Command {
  cmd
    .option('--as-of <date>', 'end of observation (default: the last date in the sales)')
    .option('--period <unit>', 'time unit: day, week, month, year or a number of days (default: day)');
  if (holdout) cmd.option('--calibration-end <date>', 'split: calibration up to this date, holdout after it up to --as-of');
  return cmd;
}

/** Output format and destination. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-f, --format <format>', 'output format (default: table on a terminal, csv when piped)').choices(['table', 'json', 'csv', 'ndjson']))
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('--no-color', 'no colour in tables (also NO_COLOR=1)')
    .option('--wide', 'tables with every column, however wide the terminal')
    .option('-q, --quiet', 'no diagnostics on stderr on success');
}

type Json = Record<string, unknown>;

/** Reads the config file: --config, or crm.config.json in the working folder; none with --no-config. @throws UsageError */
export function loadConfig(path: string | false | undefined, io: Io): Json {
  if (path === false) return {};
  const file = path !== undefined ? resolve(io.cwd, path) : join(io.cwd, 'crm.config.json');
  if (path === undefined && !existsSync(file)) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config file ${path ?? file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Json;
  } catch (err) {
    throw new UsageError(`invalid config file ${path ?? file}: ${(err as Error).message}`);
  }
}

/** Settings a command's config section may hold that have no flag. */
const FLAGLESS_SETTINGS: Record<string, Record<string, 'object'>> = { segment: { segmentTable: 'object' } };
/** The inputs that may have their own ingest settings under `inputs`. */
const INPUT_KINDS = ['customers', 'sales', 'payments', 'summary', 'contacts', 'costs'];
/** Ingest options that are not per input (they concern the run, not how one file is read). */
const NOT_PER_INPUT = new Set(['config', 'rejects', 'unknown']);

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value for messages: its JSON, shortened. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The type error of `value` for `option`, or null when it fits. */
function optionValueProblem(option: Option, value: unknown): string | null {
  const name = option.attributeName();
  const takesValue = option.required || option.optional;
  if (!takesValue) {
    return typeof value === 'boolean' ? null : `must be true or false, found ${shown(value)}`;
  }
  if (name === 'map') {
    return isRecord(value) && Object.values(value).every((v) => typeof v === 'string')
      ? null
      : `must be an object of field names to column headers, found ${shown(value)}`;
  }
  if (name === 'columns' && Array.isArray(value)) {
    return value.every((v) => typeof v === 'string') ? null : `must be a list of column names, found ${shown(value)}`;
  }
  if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
    return `must be a string${option.argChoices ? '' : ' or a number'}, found ${shown(value)}`;
  }
  if (option.argChoices && !option.argChoices.includes(String(value))) {
    return `must be one of ${option.argChoices.join(', ')}, found ${shown(value)}`;
  }
  return null;
}

/** Every command of the program (subcommands included) by name; one name may have several (summary, sql summary). */
function commandsByName(root: Command): Map<string, Command[]> {
  const out = new Map<string, Command[]>();
  const visit = (c: Command): void => {
    for (const sub of c.commands) {
      out.set(sub.name(), [...(out.get(sub.name()) ?? []), sub]);
      visit(sub);
    }
  };
  visit(root);
  return out;
}

/**
 * Checks a config file against the options the program declares: every key is a known option (of some
 * command at the top level, of the command in its section, an ingest option under `inputs.<kind>`), every
 * value has the option's type (flags true or false, choices one of the choices, `map` an object of strings),
 * and no key is a prototype name.
 *
 * @throws {UsageError} naming the file and the key (e.g. `commands.report.top`)
 */
export function validateConfig(config: Json, file: string, root: Command): void {
  const commands = commandsByName(root);
  const allOptions = new Map<string, Option>();
  for (const list of commands.values()) for (const c of list) for (const o of c.options) if (!allOptions.has(o.attributeName())) allOptions.set(o.attributeName(), o);
  const ingest = new Map(addInputOptions(new Command(), []).options.filter((o) => !NOT_PER_INPUT.has(o.attributeName())).map((o) => [o.attributeName(), o]));
  const fail = (key: string, problem: string): never => {
    throw new UsageError(`config file ${file}: ${key} ${problem}`, { hint: 'keys are the options\' long names in camelCase; see docs/config.md' });
  };
  const checkOptions = (section: Json, prefix: string, known: Map<string, Option>, extra: Record<string, 'object'> = {}): void => {
    for (const key of Object.keys(section)) {
      const value = section[key];
      const path = `"${prefix}${key}"`;
      if (key === 'config') fail(path, 'cannot be set in a config file');
      if (key in extra && Object.prototype.hasOwnProperty.call(extra, key)) {
        if (!isRecord(value)) fail(path, `must be an object, found ${shown(value)}`);
        continue;
      }
      const option = known.get(key);
      if (option === undefined) fail(path, 'is not a known option here');
      const problem = optionValueProblem(option!, value);
      if (problem !== null) fail(path, problem);
    }
  };
  const checkSection = (name: string, section: unknown, prefix: string): void => {
    if (!isRecord(section)) fail(`"${prefix}${name}"`, `must be an object of ${name}'s options, found ${shown(section)}`);
    const own = new Map<string, Option>();
    for (const c of commands.get(name) ?? []) for (const o of c.options) own.set(o.attributeName(), o);
    checkOptions(section as Json, `${prefix}${name}.`, own, FLAGLESS_SETTINGS[name]);
  };
  const top: Json = Object.create(null) as Json; // a plain {} would take a "__proto__" key as its prototype
  for (const key of Object.keys(config)) {
    const value = config[key];
    if (key === 'commands') {
      if (!isRecord(value)) fail('"commands"', `must be an object of command sections, found ${shown(value)}`);
      for (const name of Object.keys(value as Json)) {
        if (!commands.has(name)) fail(`"commands.${name}"`, `is not a command (commands: ${[...root.commands].map((c) => c.name()).join(', ')})`);
        checkSection(name, (value as Json)[name], 'commands.');
      }
    } else if (key === 'inputs') {
      if (!isRecord(value)) fail('"inputs"', `must be an object of per-input settings, found ${shown(value)}`);
      for (const kind of Object.keys(value as Json)) {
        if (!INPUT_KINDS.includes(kind)) fail(`"inputs.${kind}"`, `is not an input (inputs: ${INPUT_KINDS.join(', ')})`);
        const section = (value as Json)[kind];
        if (!isRecord(section)) fail(`"inputs.${kind}"`, `must be an object of ingest options, found ${shown(section)}`);
        checkOptions(section as Json, `inputs.${kind}.`, ingest);
      }
    } else if (commands.has(key) && isRecord(value)) {
      checkSection(key, value, ''); // a command's section at the top level
    } else {
      top[key] = value;
    }
  }
  checkOptions(top, '', allOptions);
}

/** The config values a run took (file and keys), so that its errors can name them. */
const configApplied = new WeakMap<Io, { file: string; keys: string[] }>();

/**
 * What the config file set in this run, for error messages (any of its values may be the cause), e.g.
 * `settings from crm.config.json: period, margin; --no-config ignores it`; undefined when it set nothing.
 */
export function configNote(io: Io): string | undefined {
  const applied = configApplied.get(io);
  if (applied === undefined) return undefined;
  return `settings from ${applied.file}: ${[...new Set(applied.keys)].join(', ')}; --no-config ignores it`;
}

/**
 * The command's options with the config file applied: a value given on the command line wins, then the
 * command's section of the config, then its top level, then the default. The config is checked first
 * ({@link validateConfig}).
 */
export function resolveOptions(cmd: Command, io: Io): { options: Json; config: Json } {
  const cli = cmd.opts() as Json;
  const config = loadConfig(cli.config as string | false | undefined, io);
  const configFile = typeof cli.config === 'string' ? cli.config : 'crm.config.json';
  let root = cmd;
  while (root.parent) root = root.parent;
  validateConfig(config, configFile, root);
  // The command's section: commands.<name>, or <name> at the top level when it is an object (a string
  // there is an input path, e.g. "payments": "receivables.csv").
  const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
  const commands = isObject(config.commands) ? config.commands : {};
  const section = (isObject(commands[cmd.name()]) ? commands[cmd.name()] : isObject(config[cmd.name()]) ? config[cmd.name()] : {}) as Json;
  const options: Json = { ...cli };
  const applied: string[] = [];
  const known = new Set(cmd.options.map((o) => o.attributeName()));
  for (const key of new Set([...Object.keys(config), ...Object.keys(section)])) {
    // The command's own section may also hold settings that have no flag (e.g. segment.segmentTable).
    if ((!known.has(key) && !(key in section)) || cmd.getOptionValueSource(key) === 'cli') continue;
    if (!(key in section) && isObject(config[key]) && key !== 'map') continue; // another command's section
    const value = key in section ? section[key] : config[key];
    if (value !== undefined) {
      options[key] = value;
      applied.push(key);
    }
  }
  if (applied.length > 0) configApplied.set(io, { file: configFile, keys: applied });
  if (cmd.getOptionValueSource('map') === 'cli') {
    options.map = { ...((config.map as ColumnMap) ?? {}), ...((section.map as ColumnMap) ?? {}), ...(cli.map as ColumnMap) };
  }
  return { options, config };
}

/** Parses a date given as an option (ISO 8601 or YYYYMMDD). @throws UsageError */
export function parseDateOption(value: unknown, flag: string): Day | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    return createDateParser()(String(value));
  } catch (err) {
    if (err instanceof DateParseError) throw new UsageError(`${flag}: ${err.message}`, { hint: 'YYYY-MM-DD' });
    throw err;
  }
}

/**
 * Ingest options per input, from the merged options and the config's `inputs.<kind>` sections. `now` is the run
 * date (its local calendar day is `today`: later sales and invoice dates are errors unless --as-of is given).
 */
export function ingestOptions(options: Json, config: Json, cmd: Command, now: Date = new Date()): Record<InputKind, IngestOptions> {
  const perInput = (config.inputs ?? {}) as Record<string, Json>;
  const today = dayFromYmd(now.getFullYear(), now.getMonth() + 1, now.getDate());
  const periodDays = options.period === undefined ? undefined : parsePeriod(String(options.period)).days;
  const build = (kind: InputKind): IngestOptions => {
    const own = perInput[kind] ?? {};
    const pick = (key: string): unknown => (cmd.getOptionValueSource(key) === 'cli' || !(key in own) ? options[key] : own[key]);
    const delimiterText = pick('delimiter') as string | undefined;
    let delimiter: string | undefined;
    if (delimiterText !== undefined) {
      const d = parseDelimiterOption(String(delimiterText));
      if (d === null) throw new UsageError(`invalid --delimiter "${delimiterText}"`, { hint: ', ; tab | or whitespace' });
      delimiter = d;
    }
    const dateFormat = pick('dateFormat') as string | undefined;
    if (dateFormat !== undefined && !isValidDateFormat(dateFormat)) {
      throw new UsageError(`invalid --date-format "${dateFormat}"`, { hint: 'e.g. DD/MM/YYYY, MM/DD/YYYY, DD.MM.YY, DD-MMM-YY' });
    }
    const columnsValue = pick('columns');
    const columns = Array.isArray(columnsValue)
      ? columnsValue.map(String)
      : typeof columnsValue === 'string'
        ? columnsValue.split(',').map((c) => c.trim())
        : undefined;
    const map: ColumnMap = { ...((options.map as ColumnMap) ?? {}), ...((own.map as ColumnMap) ?? {}) };
    if (kind === 'sales' && options.amount !== undefined) map['sales.amount'] = String(options.amount);
    validateMap(map);
    const decimal = (pick('decimal') as string | undefined) ?? '.';
    if (decimal !== '.' && decimal !== ',') throw new UsageError(`invalid decimal mark "${decimal}"`, { hint: '. or ,' });
    return {
      delimiter,
      header: pick('header') !== false,
      columns,
      map,
      dateFormat: dateFormat && ['ISO', 'YYYY-MM-DD'].includes(dateFormat.toUpperCase()) ? undefined : dateFormat,
      decimal,
      skipInvalid: Boolean(pick('skipInvalid')),
      parser: process.env.CRM_CSV_PARSER === 'csv-parse' ? 'csv-parse' : 'fast',
      encoding: encodingOption(pick('encoding')),
      maxField: maxFieldOption(pick('maxField')),
      today,
      periodDays,
    };
  };
  return {
    customers: build('customers'), sales: build('sales'), payments: build('payments'), summary: build('summary'),
    contacts: build('contacts'), costs: build('costs'),
    // the BG/BB patterns file comes with --summary: read with the summary's settings
    patterns: build('summary'),
  };
}

/** The `--unknown` policy (default keep). */
export function unknownPolicy(options: Json): UnknownPolicy {
  const value = (options.unknown as string | undefined) ?? 'keep';
  if (!['keep', 'drop', 'error'].includes(value)) throw new UsageError(`invalid --unknown "${value}"`, { hint: 'keep, drop or error' });
  return value as UnknownPolicy;
}

/** The output format: as asked, else table on a terminal and csv when piped. */
export function outputFormat(options: Json, io: Io, allowed: Format[] = ['table', 'json', 'csv', 'ndjson']): Format {
  const asked = options.format as string | undefined;
  if (asked !== undefined) {
    if (!allowed.includes(asked as Format)) throw new UsageError(`invalid --format "${asked}"`, { hint: allowed.join(', ') });
    return asked as Format;
  }
  if (options.output !== undefined) {
    const out = String(options.output).toLowerCase();
    if (out.endsWith('.json')) return 'json';
    if (out.endsWith('.ndjson') || out.endsWith('.jsonl')) return 'ndjson';
    if (out.endsWith('.csv')) return 'csv';
  }
  return io.stdout.isTTY ? 'table' : 'csv';
}

/**
 * How terminal tables are drawn: colour as {@link useColor}; on a terminal (stdout, no -o) tables fit its
 * width (columns on the right left out and named) unless --wide.
 */
export function textStyle(options: Json, io: Io): TextStyle {
  const color = useColor(options, io);
  if (!io.stdout.isTTY || options.output !== undefined || options.wide === true) return { color };
  const columns = io.stdout.columns ?? Number(io.env.COLUMNS);
  if (!Number.isFinite(columns) || columns <= 0) return { color };
  return { color, width: columns, wideHint: '--wide shows all' };
}

/** Whether to colour: a terminal, NO_COLOR unset, no --no-color. */
export function useColor(options: Json, io: Io): boolean {
  return Boolean(io.stdout.isTTY) && options.color !== false && !io.env.NO_COLOR && options.output === undefined;
}

/** A number option within [min, max], or `fallback` when not given. @throws UsageError naming the flag */
export function numberOption(value: unknown, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, not "${value}"`);
  return n;
}

/**
 * Declares a flag other commands take but this one has no use for (hidden from its help), so that giving it
 * is a usage error that says why instead of "unknown option". A value from the config file is ignored.
 */
export function addInapplicableOption(cmd: Command, flags: string, reason: string): Command {
  const option = new Option(flags).hideHelp();
  cmd.addOption(option);
  cmd.hook('preAction', (_command, action) => {
    if (action === cmd && cmd.getOptionValueSource(option.attributeName()) === 'cli') throw new UsageError(`crm ${cmd.name()} does not take ${option.long}: ${reason}`);
  });
  return cmd;
}
