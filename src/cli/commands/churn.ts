/** `crm churn`: cohort retention, survival with log-rank, churn rates, the sBG model, life-cycle stages. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { type Day } from '../../core/days.js';
import { ModelError, StrictError, UsageError } from '../../errors.js';
import { SURVIVAL_VIEWS } from '../../churn/lifetimes.js';
import { csvLine } from '../../report/csv/line.js';
import { jsonReplacer } from '../../report/format.js';
import { fitParallelSettings, inputsMeta, readInputs } from '../inputs.js';
import { accountLines } from '../../report/text/accounts.js';
import type { Io } from '../io.js';
import { addInapplicableOption, addInputOptions, addOutputOptions, outputFormat, parseDateOption, resolveOptions, textStyle } from '../options.js';
import { fitProse } from '../../report/table.js';
import { diagnostics, withOutput } from '../output.js';
import { groupAttributes } from '../groups.js';
import { analyseChurn } from '../../analysis/churn.js';
import { modelOption } from '../settings.js';
import { CHURN_SECTIONS, type ChurnRun, type ChurnSection } from '../../churn/result.js';
import { churnDocument, churnReplacer } from '../../report/json.js';
import { CHURN_TABLES, churnTable, defaultTable, type ChurnTable } from '../../report/csv/churn.js';
import { renderChurn, SECTION_TITLES } from '../../report/text/churn.js';
import { churnFlags } from '../settings.js';
import { contracts } from '../groups.js';
import { CrmError } from '../../errors.js';

export { CHURN_SECTIONS, type ChurnResult, type ChurnRun, type ChurnSection, type ChurnSurvival } from '../../churn/result.js';

const INPUTS_HELP = `
Inputs each analysis reads (an analysis whose input is missing is skipped, with the reason in the output):
  cohort triangle, life-cycle stages   --sales
  at-risk list                         --sales (a purchase model is fitted to it for P(alive))
  survival, log-rank, churn rates      --sales (purchase lifetimes), or --customers with --start/--end (contracts)
  sBG model                            --counts, or --customers with --start/--end (earliest cohort)
  --by COLUMN                          --customers (--by payment_class: --payments)
Contracts without sales:  crm churn --customers c.csv --start signup_date --end cancel_date
sBG from counts alone:    crm churn --counts 1000,631,468,382
`;

export function registerChurn(program: Command, io: Io): void {
  const cmd = program
    .command('churn')
    .description('retention and churn: cohort triangle, Kaplan-Meier survival, log-rank, churn rates, sBG, life-cycle stages')
    .option('--cohort <unit>', 'acquisition cohorts and churn-rate periods: month, quarter or week (default month)')
    .option('--by <column>', 'groups: a customer attribute, or payment_class (needs --payments)')
    .option('--churn-after <days>', 'non-contractual: churned when no purchase follows within this window, e.g. 90d (default: 90th percentile of the gaps between purchases); one window for survival, churn rates and life-cycle stages')
    .addOption(new Option('--survival <view>', 'purchase lifetimes: observed = first to last purchase, recent customers censored (default); window = churn dated at last purchase + the churn window').choices([...SURVIVAL_VIEWS]))
    .option('--start <column>', 'contractual: start date column in the customers file (no --sales needed)')
    .option('--end <column>', 'contractual: end (cancellation) date column; empty = still active')
    .option('--times <days>', 'survival reported at these days (default 30,90,180,365)')
    .option('--counts <list>', 'sBG: customers active at the start of each period, e.g. 1000,631,468,382 (no --sales needed)')
    .option('--horizon <n>', 'sBG: periods to project (default 5)')
    .option('--compare-as-of <date>', 'life-cycle transitions from this earlier date to --as-of')
    .addOption(new Option('--model <model>', 'purchase model for P(alive) in the at-risk list and the life-cycle stages (default auto: the trusted fit of lowest BIC)').choices(['bgnbd', 'paretonbd', 'mbgnbd', 'auto']))
    .option('--no-at-risk', 'skip the at-risk list (and the model fit it needs)')
    .option('--top <n>', 'customers in the at-risk list (default 20)')
    .option('--strict', 'exit 1 (after writing the output) when the at-risk list could not be computed')
    .option('--table <name>', `with --format csv/ndjson: which table (${CHURN_TABLES.join(', ')}; default cohorts, or the first one computed)`)
    .option('--as-of <date>', 'end of observation (default: the last date in the sales; without sales, the last contract date)');
  addInputOptions(cmd, ['customers', 'sales', 'payments']);
  addOutputOptions(cmd);
  addInapplicableOption(cmd, '--period <unit>', 'cohorts and churn rates are by calendar --cohort month, quarter or week; survival is in days (--period sets the unit of the purchase models in value, fit, report)');
  cmd.addHelpText('after', INPUTS_HELP);
  cmd.action(async () => {
    const { options, config } = resolveOptions(cmd, io);
    const format = outputFormat(options, io);
    if (options.table !== undefined && !CHURN_TABLES.includes(options.table as ChurnTable)) throw new UsageError(`invalid --table "${options.table}"`, { hint: CHURN_TABLES.join(', ') });
    const { unit, contractual, counts, horizon, times, churnAfter, view } = churnFlags(options);
    const { data, window, asOf: resolved } = await readInputs(cmd, options, config, io, { sales: 'optional', customers: 'optional', payments: 'optional' }, { holdout: false });
    const contractList = contractual ? contracts(data.customers!, String(options.start), String(options.end), options.dateFormat as string | undefined) : undefined;
    // As-of: --as-of, else the last sale date, else the last date of the other inputs (payments, contracts).
    let asOfRule: string | undefined;
    let asOfDay: Day | undefined = window?.asOf ?? resolved?.day;
    if (asOfDay === undefined && contractList && contractList.length > 0) {
      asOfDay = Math.max(...contractList.map((c) => Math.max(c.start, c.end ?? c.start)));
      asOfRule = 'last contract start or end date (no sales given)';
    }
    const compareAsOf = parseDateOption(options.compareAsOf, '--compare-as-of');
    if (compareAsOf !== undefined && asOfDay !== undefined && compareAsOf >= asOfDay) throw new UsageError('--compare-as-of must be before --as-of');
    const by = options.by as string | undefined;
    if (by !== undefined && data.sales === undefined && !contractual) throw new UsageError('--by groups the survival curves: give --sales, or --customers with --start/--end');
    const attributes = asOfDay !== undefined ? groupAttributes(by, data, asOfDay) : undefined;
    if (churnAfter !== undefined && !(data.sales && asOfDay !== undefined)) throw new UsageError('--churn-after dates churn after the last purchase: it needs --sales');
    if (options.survival !== undefined && (contractList || !data.sales)) throw new UsageError('--survival chooses how purchase lifetimes are measured: it needs --sales without --start/--end');
    const top = options.top !== undefined ? Number(options.top) : 20;
    if (data.sales && window && options.atRisk !== false && (!Number.isInteger(top) || top < 1)) throw new UsageError('--top must be a positive whole number');
    const result: ChurnRun = analyseChurn({ sales: data.sales, payments: data.payments, window }, asOfDay, {
      unit, by, attributes, churnAfter, view, times, counts, horizon, compareAsOf, contracts: contractList,
      atRisk: options.atRisk !== false, model: modelOption(options.model), top, fitParallel: fitParallelSettings(io.env),
    });
    const notComputed = result.notComputed ?? {};
    const atRiskError = result.atRiskError;
    const table: ChurnTable = (options.table as ChurnTable | undefined) ?? defaultTable(result);
    const notes = [...accountLines(data), ...(result.notes ?? [])];
    const skipped = CHURN_SECTIONS.filter((name) => notComputed[name] !== undefined && !(name === 'sbg' && !contractual && counts === undefined)).map((name) => `note: ${SECTION_TITLES[name]} not computed: ${notComputed[name]}`);
    const warnings = atRiskError === undefined ? [] : [`warning: at-risk list not computed: ${atRiskError}`];
    const inputs = inputsMeta(data);
    const meta = {
      command: 'churn',
      asOf: result.asOf,
      ...(inputs.asOfRule === undefined && asOfRule !== undefined ? { asOfRule } : {}),
      cohortUnit: unit,
      churnWindow: result.churnWindow,
      survival: result.survival?.view ?? null,
      ...inputs,
    };
    await withOutput(options.output, io, async (sink) => {
      if (format === 'json') {
        await sink.write(`${JSON.stringify(churnDocument(result, meta, notes.slice(data.accounts.length), [...skipped, ...warnings], by !== undefined), churnReplacer, 2)}\n`);
      } else if (format === 'csv' || format === 'ndjson') {
        const rows = churnTable(result, table);
        if (rows === null) throw missingTable(result, table);
        if (format === 'csv') for (const r of rows) await sink.write(csvLine(r));
        else {
          const [head, ...body] = rows;
          for (const r of body) await sink.write(`${JSON.stringify(Object.fromEntries(head.map((h, i) => [String(h), r[i] ?? null])), jsonReplacer)}\n`);
        }
      } else await sink.write(renderChurn(result, textStyle(options, io)) + fitProse(notes.map((n) => `${n}\n`).join(''), textStyle(options, io)));
    });
    if (format !== 'table') diagnostics(io, options.quiet, [...notes, ...skipped, ...warnings]);
    if (options.strict && atRiskError !== undefined) throw new StrictError(`--strict: the at-risk list could not be computed: ${atRiskError}`);
  });
}

/** The error of asking for a table whose section was not computed, with the reason. */
function missingTable(r: ChurnRun, table: ChurnTable): CrmError {
  const notComputed = (name: ChurnSection): UsageError => new UsageError(`no ${table} table: the ${SECTION_TITLES[name]} was not computed: ${r.notComputed?.[name] ?? 'not asked for'}`);
  if (table === 'cohorts' || table === 'revenue') return notComputed('cohorts');
  if (table === 'survival' || table === 'churn-rates') return notComputed('survival');
  if (table === 'stages' || (table === 'transitions' && !r.lifecycle)) return notComputed('lifecycle');
  if (table === 'transitions') return new UsageError('--table transitions needs --compare-as-of');
  if (table === 'at-risk') {
    if (r.atRiskError !== undefined) return new ModelError(`no at-risk list: ${r.atRiskError}`);
    if (r.notComputed?.atRisk !== undefined) return notComputed('atRisk');
    return new UsageError('no at-risk list: --no-at-risk was given');
  }
  return new UsageError(`no sBG fit: ${r.notComputed?.sbg ?? 'give --counts, or data with a cohort observed for 3 periods'}`);
}
