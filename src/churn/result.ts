/**
 * The result of the churn analyses (`crm churn`, and the churn section of `crm report`): cohorts, lifetimes,
 * survival, log-rank, churn rates, sBG, life-cycle stages and the at-risk list. Types only.
 */
import type { CohortRetention } from './cohorts.js';
import type { ChurnWindow, LifetimeData, SurvivalView } from './lifetimes.js';
import type { KaplanMeierCurve, survivalAt } from './kaplan-meier.js';
import type { LogRankResult } from './log-rank.js';
import type { ChurnRates } from './churn-rate.js';
import type { LifecycleResult } from './lifecycle.js';
import type { AtRiskRow } from './at-risk.js';
import type { sbgProjection } from '../models/sbg.js';
import type { FittedModel } from '../models/types.js';
import type { WithRecords } from '../core/record-columns.js';

/** The survival part of a churn result: the curves, S at chosen times, and what they measure. */
export interface ChurnSurvival {
  /** Purchase lifetimes: `observed` (first to last purchase) or `window` (churn dated last purchase + W); `contracts` for contract lifetimes. */
  view?: SurvivalView | 'contracts';
  /** What the curve measures, in one sentence. */
  definition?: string;
  overall: KaplanMeierCurve;
  groups: { group: string; curve: KaplanMeierCurve }[];
  times: number[];
  at: { group: string; points: ReturnType<typeof survivalAt> }[];
}

export interface ChurnResult {
  asOf: string;
  /** The one churn window of the run (survival, churn rates, life-cycle stages); null without purchase data. */
  churnWindow?: ChurnWindow | null;
  cohorts: CohortRetention;
  lifetimes: Omit<LifetimeData, 'lifetimes' | 'asOf'> & { asOf: string };
  survival: ChurnSurvival;
  logRank: LogRankResult | null;
  churnRates: ChurnRates;
  sbg: { source: string; counts: number[]; model: FittedModel; projection: ReturnType<typeof sbgProjection>; expectedResidualPeriods: number } | null;
  lifecycle: LifecycleResult;
  atRisk: { model: FittedModel; rows: AtRiskRow[] } | null;
  /** Why the at-risk list could not be made (its model could not be fitted); absent when it was, or not asked. */
  atRiskError?: string;
}

/** The analyses of `crm churn` that can be left out for want of an input. */
export const CHURN_SECTIONS = ['cohorts', 'survival', 'sbg', 'lifecycle', 'atRisk'] as const;
export type ChurnSection = (typeof CHURN_SECTIONS)[number];

/**
 * One run of `crm churn`: a {@link ChurnResult} whose sections may be null when the inputs do not allow them
 * (contracts or sBG counts without sales), each with its reason in `notComputed`.
 */
export type ChurnRun = Omit<ChurnResult, 'asOf' | 'cohorts' | 'lifetimes' | 'survival' | 'churnRates' | 'lifecycle'> & {
  asOf: string | null;
  cohorts: ChurnResult['cohorts'] | null;
  lifetimes: ChurnResult['lifetimes'] | null;
  survival: ChurnSurvival | null;
  churnRates: ChurnRates | null;
  lifecycle: WithRecords<LifecycleResult, 'customers'> | null;
  /** Why each section that is null was not computed. */
  notComputed?: Partial<Record<ChurnSection, string>>;
  /** Notes of the model fit of the at-risk list (the model chosen, models left out, warnings). */
  notes?: string[];
};
