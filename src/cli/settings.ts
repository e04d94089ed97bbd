/**
 * Flags and config values (merged by resolveOptions) turned into the analyses' typed settings
 * (src/analysis/settings.ts): every value checked here, with the flag named in the message; every default taken
 * from the one table of defaults there. The same flag means the same thing in every command.
 */
import { UsageError } from '../errors.js';
import { PURCHASE_MODEL_NAMES } from '../models/registry.js';
import { DEFAULTS, reportSettings, valuationSettings, type GivenShare, type ModelChoice, type ReportSettings, type ValuationSettings } from '../analysis/settings.js';
import { numberOption } from './options.js';

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
