/**
 * Flags and config values (merged by resolveOptions) turned into the analyses' typed settings
 * (src/analysis/settings.ts): every value checked here, with the flag named in the message; every default taken
 * from the one table of defaults there. The same flag means the same thing in every command.
 */
import { UsageError } from '../errors.js';
import { PURCHASE_MODEL_NAMES } from '../models/registry.js';
import { DEFAULTS, reportSettings, valuationSettings, type GivenShare, type ModelChoice, type ReportSettings, type ValuationSettings } from '../analysis/settings.js';
import { numberOption } from './options.js';
import { checkSegmentTable, type SegmentTable } from '../segment/segments.js';
import type { CsvPrecision } from '../report/csv/report.js';
import { STEP_DAYS, type ValueSettings } from '../analysis/value.js';
import type { SavedModel } from './saved-model.js';
import { parseCalendarUnit, type CalendarUnit } from '../churn/calendar-period.js';
import type { SurvivalView } from '../churn/lifetimes.js';

type Json = Record<string, unknown>;

/** `--margin`: a share from -1 to 1 (a loss-making line has a negative margin), or undefined when not given. */
export function marginOption(value: unknown): GivenShare | undefined {
  if (value === undefined) return undefined;
  const share = Number(value);
  if (!Number.isFinite(share) || share < -1 || share > 1) throw new UsageError(`--margin must be a share from -1 to 1 (e.g. 0.35), not "${value}"`);
  return { share, source: '--margin' };
}

/** `--model`: a purchase model or auto; `fallback` when not given. */
export function modelOption(value: unknown, fallback: ModelChoice = DEFAULTS.model): ModelChoice {
  if (value === undefined) return fallback;
  const name = String(value);
  if (name !== 'auto' && !(PURCHASE_MODEL_NAMES as readonly string[]).includes(name)) throw new UsageError(`invalid --model "${name}"`, { hint: [...PURCHASE_MODEL_NAMES, 'auto'].join(', ') });
  return name as ModelChoice;
}

/** `--top`: a positive whole number, or the default. */
export function topOption(value: unknown): number {
  if (value === undefined) return DEFAULTS.top;
  const top = Number(value);
  if (!Number.isInteger(top) || top < 1) throw new UsageError('--top must be a positive whole number');
  return top;
}

/** The valuation flags: --model, --no-spend-model, --margin, --discount-rate. */
export function valuationFromOptions(options: Json, { defaultModel = DEFAULTS.model }: { defaultModel?: ModelChoice } = {}): ValuationSettings {
  const margin = marginOption(options.margin);
  return valuationSettings({
    model: modelOption(options.model, defaultModel),
    fitSpend: options.spendModel !== false,
    ...(margin !== undefined ? { margin } : {}),
    annualDiscountRate: numberOption(options.discountRate, '--discount-rate', 0, 10, DEFAULTS.annualDiscountRate),
  });
}

/** The settings of `crm report`. */
export function reportFromOptions(options: Json): ReportSettings {
  const valuation = valuationFromOptions(options);
  return reportSettings({ valuation, top: topOption(options.top), ...(valuation.margin !== undefined ? { campaignMargin: valuation.margin } : {}) });
}

function integerOption(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}

export function list(value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

/** The segmentation options from the command's options (shared with `crm report`). */
export function segmentOptions(options: Record<string, unknown>): {
  bins?: number;
  monetary: 'total' | 'mean';
  valueMeasure: 'revenue' | 'margin';
  abc?: [number, number];
  k?: number;
  seed: number;
  features: string[];
  clusters: boolean;
  profiles: string[];
  segmentTable?: SegmentTable;
} {
  const abc = options.abc !== undefined ? list(options.abc).map(Number) : undefined;
  if (abc && (abc.length !== 2 || !(abc[0] > 0 && abc[0] < abc[1] && abc[1] <= 1))) {
    throw new UsageError(`invalid --abc "${options.abc}"`, { hint: 'two cumulative shares, e.g. 0.8,0.95' });
  }
  const table = options.segmentTable as SegmentTable | undefined;
  if (table !== undefined) {
    if (typeof table !== 'object' || !Array.isArray(table.rules) || !Array.isArray(table.segments)) {
      throw new UsageError('invalid segmentTable in the config file', { hint: 'see docs/segment.md for its shape' });
    }
    checkSegmentTable(table);
  }
  return {
    bins: integerOption(options.bins, '--bins', 2, 9),
    monetary: (options.monetary as 'total' | 'mean' | undefined) ?? 'total',
    valueMeasure: (options.byValue as 'revenue' | 'margin' | undefined) ?? 'revenue',
    abc: abc as [number, number] | undefined,
    k: integerOption(options.k, '--k', 1, 50),
    seed: integerOption(options.seed, '--seed', 0, 2 ** 31) ?? 1,
    features: list(options.features),
    clusters: options.clusters !== false,
    profiles: list(options.by),
    segmentTable: table,
  };
}

/** "30,90" or "30d,90d" -> [30, 90]: positive numbers of days, distinct, in the order given. */
export function parseDayList(value: unknown, flag: string): number[] {
  if (value === undefined) return [];
  const out: number[] = [];
  for (const part of String(value).split(',')) {
    const text = part.trim().replace(/d$/i, '');
    const n = Number(text);
    if (text === '' || !Number.isFinite(n) || !(n > 0) || n > 36525) throw new UsageError(`${flag} takes days after as-of, e.g. 30,90 or 90d; "${part.trim()}" is not a positive number of days up to 36525`);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** Parses `90d`, `90`, `12w`, `3m` into days. @throws UsageError */
export function parseDays(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(d|days?|w|weeks?|m|months?|y|years?)?$/i.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`invalid ${flag} "${text}"`, { hint: 'e.g. 90d, 12w, 3m' });
  const unit = (m[2] ?? 'd').toLowerCase()[0];
  const days = Number(m[1]) * (unit === 'w' ? 7 : unit === 'm' ? 365.25 / 12 : unit === 'y' ? 365.25 : 1);
  return Math.round(days);
}

export function numberList(text: string, flag: string): number[] {
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new UsageError(`invalid ${flag} "${text}": numbers >= 0 separated by commas`);
  return values;
}

/** A whole number >= 1 (of `unit`, for the message), or undefined when not given. @throws UsageError */
export function positiveInteger(value: unknown, flag: string, unit?: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number${unit ? ` of ${unit}` : ''}, not "${value}"`);
  return n;
}

/** `--precision`: decimals of money in CSV (0-10; default 2), or `full`. @throws UsageError */
export function csvPrecision(value: unknown): CsvPrecision {
  if (value === undefined) return { money: 2 };
  if (String(value).trim().toLowerCase() === 'full') return 'full';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new UsageError(`invalid --precision "${value}"`, { hint: 'decimals of money from 0 to 10, or full' });
  return { money: n };
}

/**
 * `crm value`'s settings from its flags: the valuation's (model, discount, spend), the horizon, the margin, the
 * intervals and short-horizon scores; a model saved by `crm fit --save` gives the purchase or spend model.
 * @throws UsageError for a value out of range
 */
export function valueFromOptions(options: Json, saved: SavedModel | null): ValueSettings {
  const margin = options.margin !== undefined ? numberOption(options.margin, '--margin', 0, 1, 1) : undefined;
  const valuation = valuationFromOptions({ ...options, margin: undefined });
  const steps = numberOption(options.horizon, '--horizon', 1, 1200, 12);
  if (!Number.isInteger(steps)) throw new UsageError('--horizon must be a whole number of steps');
  const stepName = String(options.horizonUnit ?? 'month');
  if (!(stepName in STEP_DAYS)) throw new UsageError(`invalid --horizon-unit "${stepName}"`, { hint: Object.keys(STEP_DAYS).join(', ') });
  const uplift = options.retentionUplift !== undefined ? numberOption(options.retentionUplift, '--retention-uplift', 0, 1, 0) : undefined;
  if (options.collected && options.payments === undefined) throw new UsageError('--collected needs --payments');
  const intervalLevel = numberOption(options.interval, '--interval', 0, 0.999, 0.9);
  const withinDays = parseDayList(options.within, '--within');
  const aliveAtDays = parseDayList(options.aliveAt, '--alive-at');
  return {
    ...valuation,
    ...(margin !== undefined ? { margin: { share: margin, source: '--margin' } } : {}),
    horizonSteps: steps,
    horizonUnit: stepName,
    collected: Boolean(options.collected),
    retentionUplift: uplift,
    intervalLevel,
    withinDays,
    aliveAtDays,
    purchaseModel: saved && saved.model !== 'gammagamma' ? saved : null,
    spendModel: saved?.model === 'gammagamma' ? saved : null,
    noMarginSource: 'none given: CLV is in revenue, not margin (use --margin)',
    noMarginNote: 'note: no margin given and the sales carry no cost: CLV is expected revenue (use --margin 0.3 for contribution)',
  };
}

/** The settings of `crm churn` that need no input read, checked against each other. @throws UsageError */
export function churnFlags(options: Json): { unit: CalendarUnit; contractual: boolean; counts: number[] | undefined; horizon: number; times: number[]; churnAfter: number | undefined; view: SurvivalView } {
  const unit = parseCalendarUnit(String(options.cohort ?? 'month'));
  if ((options.start === undefined) !== (options.end === undefined)) throw new UsageError('--start and --end go together');
  if (options.start !== undefined && options.customers === undefined) throw new UsageError('--start/--end need --customers');
  const contractual = options.start !== undefined;
  const counts = options.counts !== undefined ? numberList(String(options.counts), '--counts') : undefined;
  const horizon = options.horizon !== undefined ? Number(options.horizon) : 5;
  if (!Number.isInteger(horizon) || horizon < 0) throw new UsageError('--horizon must be a whole number >= 0');
  const times = numberList(String(options.times ?? '30,90,180,365'), '--times');
  const churnAfter = options.churnAfter !== undefined ? parseDays(String(options.churnAfter), '--churn-after') : undefined;
  const view = (options.survival ?? 'observed') as SurvivalView;
  if (options.sales === undefined && !contractual && counts === undefined) {
    throw new UsageError('missing --sales FILE', { hint: 'contracts need only --customers with --start/--end, the sBG model only --counts; see crm churn --help' });
  }
  return { unit, contractual, counts, horizon, times, churnAfter, view };
}
