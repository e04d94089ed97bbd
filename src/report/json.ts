/** JSON documents: day numbers under date keys written as ISO dates. */
import { dayToIso } from '../core/days.js';
import { jsonReplacer } from '../report/format.js';
import { type ChurnRun, type ChurnSection } from '../churn/result.js';
import type { PaymentsAnalysis } from '../payments/analyse-payments.js';

const DAY_KEYS = new Set(['start', 'end', 'asOf', 'lastPurchase', 'fromAsOf', 'toAsOf']);

/** JSON replacer of `crm churn`: day numbers under its date keys as ISO dates, numbers cleaned. */
export function churnReplacer(key: string, value: unknown): unknown {
  return DAY_KEYS.has(key) && typeof value === 'number' ? dayToIso(value) : jsonReplacer(key, value);
}

/**
 * The JSON document of `crm churn`: the run's sections, each section that could not be computed as
 * `{ error: reason }`, and the notes (the run's, then the skipped sections and warnings).
 */
export function churnDocument(result: ChurnRun, meta: Record<string, unknown>, runNotes: string[], problems: string[], grouped: boolean): Record<string, unknown> {
  const { lifecycle: lc, atRiskError: failed, notComputed: reasons, notes: _fitNotes, ...rest } = result;
  const orError = <T>(value: T | null, name: ChurnSection): T | { error: string } | null => (value === null && reasons?.[name] !== undefined ? { error: reasons[name]! } : value);
  const survivalReason = reasons?.survival;
  return {
    meta,
    ...rest,
    cohorts: orError(rest.cohorts, 'cohorts'),
    lifetimes: orError(rest.lifetimes, 'survival'),
    survival: orError(rest.survival, 'survival'),
    logRank: grouped && survivalReason !== undefined ? { error: survivalReason } : rest.logRank,
    churnRates: orError(rest.churnRates, 'survival'),
    sbg: orError(rest.sbg, 'sbg'),
    atRisk: failed === undefined ? orError(rest.atRisk, 'atRisk') : { error: failed },
    lifecycle: lc ? { ...lc, customers: lc.customers } : orError(lc, 'lifecycle'),
    notes: [...runNotes, ...problems],
  };
}

/** The portfolio sections of the JSON output (dates as ISO text). */
export function paymentsSections(a: PaymentsAnalysis): Record<string, unknown> {
  return {
    settings: a.settings,
    totals: a.totals,
    classes: a.classes,
    ageing: a.ageing,
    dso: { ...a.dso, windowStart: dayToIso(a.dso.windowStart), windowEnd: dayToIso(a.dso.windowEnd) },
    topDebtors: a.topDebtors,
    issues: a.issues,
  };
}

const REPORT_DAY_KEYS = new Set(['start', 'end', 'asOf', 'lastPurchase', 'fromAsOf', 'toAsOf', 'windowStart', 'windowEnd', 'firstDay', 'lastDay', 'invoiceDate', 'dueDate']);

/** JSON replacer of the report: day numbers under date keys as ISO dates, numbers cleaned, non-finite as null. */
export function reportReplacer(key: string, value: unknown): unknown {
  if (REPORT_DAY_KEYS.has(key) && typeof value === 'number' && Number.isInteger(value)) return dayToIso(value);
  return jsonReplacer(key, value);
}
