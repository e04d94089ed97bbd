/**
 * The valuation section (crm report, crm profile): weekly model input, the models of {@link fitValuationModels}
 * (the settings' model; auto = the trusted fit of lowest BIC; an untrusted purchase model refuses the valuation;
 * an untrusted or unusable Gamma-Gamma model is replaced by each customer's observed mean repeat spend), 12
 * monthly steps at the annual discount rate, margin as given or from the sales' cost.
 */
import { dayToIso, type Day } from '../core/days.js';
import { ModelError } from '../errors.js';
import { valuePortfolio } from '../value/value.js';
import { fitValuationModels } from '../value/fit-valuation.js';
import type { ValueResult } from '../value/types.js';
import { DEFAULTS, type ValuationSettings } from './settings.js';
import { trace, type Tracer } from './trace.js';
import type { Lookup } from '../core/types.js';
import type { ModelInput } from '../accumulate/model-input.js';
import type { FitParallelSettings } from '../value/fit-parallel.js';

/** The weekly period of the report's models. */
export const WEEK = { name: 'week', days: 7 } as const;

/** A valuation, or the reason it could not be made (no purchase model could be used). */
export type ValuationOutcome = { value: ValueResult; notes: string[] } | { value: null; reason: string; notes: string[] };

/**
 * Values every customer of `input` (the model input of summaries in weeks; a caller passes the input, not the
 * summaries, so that a million summary objects are not held through the fits) at `asOf`. The fit notes and the valuation's warnings
 * come back as notes ("warning: value: ..."); a purchase model that cannot be fitted or trusted gives the reason.
 */
export function valuationSection(
  input: ModelInput,
  asOf: Day,
  settings: ValuationSettings,
  { segments, collectionRates, tracer, fitParallel }: { segments: Lookup<string | null>; collectionRates?: Lookup<number>; tracer?: Tracer; fitParallel?: FitParallelSettings },
): ValuationOutcome {
  const notes: string[] = [];
  trace(tracer, 'valuation: model input');
  try {
    const models = fitValuationModels(input, { model: settings.model, fitSpend: settings.fitSpend, parallel: fitParallel });
    trace(tracer, `valuation: fit ${settings.model} and spend`);
    notes.push(...models.notes);
    const fromSales = input.margin && input.revenue ? input.margin.reduce((a, b) => a + b, 0) / Math.max(1e-9, input.revenue.reduce((a, b) => a + b, 0)) : 1;
    const value = valuePortfolio(input, {
      asOf: dayToIso(asOf),
      period: { ...WEEK },
      purchaseModel: models.purchase,
      spendModel: models.spend,
      spendMethod: models.spendMethod,
      spendFallbackReason: models.spendFallbackReason,
      horizonSteps: DEFAULTS.horizonSteps,
      stepDays: 365.25 / 12,
      stepName: DEFAULTS.horizonUnit,
      annualDiscountRate: settings.annualDiscountRate,
      margin: settings.margin ?? { share: fromSales, source: input.margin ? 'the sales (total margin / total revenue)' : 'none: CLV in revenue' },
      segments,
      collectionRates,
    });
    for (const warning of value.warnings) notes.push(`warning: value: ${warning}`);
    return { value, notes };
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    return { value: null, reason: err.message, notes };
  }
}
