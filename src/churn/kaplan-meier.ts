/**
 * Kaplan-Meier survival curve with Greenwood's variance and log-log ("exponential Greenwood") confidence
 * intervals, as R's survival::survfit(conf.type = "log-log") and lifelines' KaplanMeierFitter.
 *
 * At each distinct time t_j with n_j customers at risk (duration ≥ t_j) and d_j churn events:
 *   S(t) = Π_{t_j ≤ t} (1 − d_j / n_j)                               (Kaplan & Meier 1958, JASA 53, eq. 2.2)
 *   σ²(t) = Σ_{t_j ≤ t} d_j / (n_j (n_j − d_j))  (Greenwood 1926: Var Ŝ = Ŝ² σ²; σ is the SE of log Ŝ)
 *   interval: Ŝ^{exp(±z σ / log Ŝ)}, i.e. a symmetric interval for log(−log S) with SE σ / |log Ŝ|
 *   (Kalbfleisch & Prentice 2002, "The Statistical Analysis of Failure Time Data", 2nd ed., section 1.4;
 *   Klein & Moeschberger 2003, eq. 4.3.2).
 * Customers censored at t_j count as at risk at t_j (censoring after events, the usual convention).
 */
import { normalQuantile } from '../math/normal.js';
import type { RecordList } from '../core/record-columns.js';

/** One observation: a duration and whether the churn was observed (false: censored at that duration). */
export interface SurvivalObservation {
  duration: number;
  churned: boolean;
}

/** Options of {@link kaplanMeier}. */
export interface KaplanMeierOptions {
  /** Confidence level of the pointwise intervals. Default 0.95. */
  confidenceLevel?: number;
}

/** One step of the curve: a distinct observed duration. */
export interface KaplanMeierStep {
  time: number;
  /** Customers with duration ≥ time. */
  atRisk: number;
  /** Churn events at time. */
  events: number;
  /** Censored at time. */
  censored: number;
  /** S(time), survival just after time. */
  survival: number;
  /** Greenwood standard error of S: S·σ; NaN once S reaches 0 (nobody left at risk: undefined, as in R and lifelines). */
  standardError: number;
  /** σ = √Σ d/(n(n−d)), the standard error of log S (what R reports as std.err); Infinity once S reaches 0. */
  logStandardError: number;
  /** Log-log interval; null where it is undefined (S = 1 before any event, or S = 0). */
  lower: number | null;
  upper: number | null;
}

/** Result of {@link kaplanMeier}. */
export interface KaplanMeierCurve {
  n: number;
  events: number;
  censored: number;
  confidenceLevel: number;
  /** One row per distinct duration (event or censoring), ascending; S changes only at event rows. */
  steps: KaplanMeierStep[];
  /** First time with S ≤ 0.5, null when S stays above 0.5. */
  median: number | null;
  /** First times where the upper and the lower band reach 0.5 (Brookmeyer & Crowley 1982 via the bands, as R and lifelines); null when not reached. */
  medianInterval: [number | null, number | null];
  /** Largest observed duration: S is not defined beyond it. */
  maxTime: number;
}

/** S at a time, read off the curve. */
export interface SurvivalAtTime {
  time: number;
  /** Customers still at risk at `time` (duration ≥ time). */
  atRisk: number;
  /** S(time); null beyond the largest observed duration. */
  survival: number | null;
  lower: number | null;
  upper: number | null;
  /** Greenwood standard error; NaN where S has reached 0 (nobody at risk), null beyond the largest duration. */
  standardError: number | null;
}

/**
 * Kaplan-Meier estimate of the survival function with Greenwood standard errors and log-log intervals.
 *
 * Cost: O(n log n) for the sort.
 *
 * @throws {RangeError} when there are no observations, a duration is negative or not finite, or the level is not in (0, 1)
 * @example
 * kaplanMeier([{ duration: 1, churned: true }, { duration: 2, churned: false }]).steps[0].survival // => 0.5
 */
export function kaplanMeier(observations: RecordList<SurvivalObservation>, options: KaplanMeierOptions = {}): KaplanMeierCurve {
  checkLevel(options);
  const all = new Float64Array(observations.length);
  const events = new Float64Array(observations.length);
  let n = 0;
  let e = 0;
  for (const o of observations) {
    checkDuration(o.duration);
    all[n++] = o.duration;
    if (o.churned) events[e++] = o.duration;
  }
  return kaplanMeierCounted(sortedDurations(all, n, events, e), options);
}

/**
 * {@link kaplanMeier} of observations stored by column: `durations[i]` and `churned[i]` (non-zero: observed
 * churn) for the rows `rows` (all rows when null), without an object per observation. The same curve as
 * {@link kaplanMeier} of the same observations, to the last bit: only the counts at each distinct duration
 * enter the estimate.
 *
 * Cost: O(n log n) for the sort of the durations.
 *
 * @throws {RangeError} as {@link kaplanMeier}
 */
export function kaplanMeierColumns(durations: ArrayLike<number>, churned: ArrayLike<number>, rows: ArrayLike<number> | null, options: KaplanMeierOptions = {}): KaplanMeierCurve {
  checkLevel(options);
  return kaplanMeierCounted(sortedColumns(durations, churned, rows), options);
}

/** Every duration and the durations of the observed churns, each sorted ascending. */
export interface SortedDurations {
  all: Float64Array;
  events: Float64Array;
}

/** The durations and event durations of `rows` (all when null), checked and sorted. */
export function sortedColumns(durations: ArrayLike<number>, churned: ArrayLike<number>, rows: ArrayLike<number> | null): SortedDurations {
  const n = rows === null ? durations.length : rows.length;
  const all = new Float64Array(n);
  const events = new Float64Array(n);
  let e = 0;
  for (let k = 0; k < n; k++) {
    const i = rows === null ? k : rows[k];
    const d = durations[i];
    checkDuration(d);
    all[k] = d;
    if (churned[i]) events[e++] = d;
  }
  return sortedDurations(all, n, events, e);
}

function sortedDurations(all: Float64Array, n: number, events: Float64Array, e: number): SortedDurations {
  // typed arrays sort numerically (and fast)
  return { all: all.subarray(0, n).sort(), events: events.subarray(0, e).sort() };
}

function checkLevel(options: KaplanMeierOptions): void {
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) throw new RangeError(`confidence level must be between 0 and 1, found ${confidenceLevel}`);
}

/** @throws {RangeError} when a duration is negative or not finite */
export function checkDuration(duration: number): void {
  if (!(Number.isFinite(duration) && duration >= 0)) throw new RangeError(`durations must be finite and non-negative, found ${duration}`);
}

/**
 * The curve from the sorted durations: at each distinct duration, the customers at risk (those not yet
 * passed), the events among them and the censored.
 */
function kaplanMeierCounted({ all: sorted, events: eventDays }: SortedDurations, options: KaplanMeierOptions): KaplanMeierCurve {
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  const n = sorted.length;
  if (n === 0) throw new RangeError('kaplan-meier requires at least one observation');
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
  const steps: KaplanMeierStep[] = [];
  let survival = 1;
  let sigmaSquared = 0;
  let totalEvents = 0;
  let i = 0;
  let j = 0;
  while (i < n) {
    const time = sorted[i];
    const atRisk = n - i;
    let leaving = 0;
    while (i < n && sorted[i] === time) {
      leaving++;
      i++;
    }
    let events = 0;
    while (j < eventDays.length && eventDays[j] === time) {
      events++;
      j++;
    }
    const censored = leaving - events;
    if (events > 0) {
      survival *= 1 - events / atRisk;
      sigmaSquared += atRisk > events ? events / (atRisk * (atRisk - events)) : Infinity;
      totalEvents += events;
    }
    const sigma = Math.sqrt(sigmaSquared);
    let lower: number | null = null;
    let upper: number | null = null;
    if (survival > 0 && survival < 1 && Number.isFinite(sigma)) {
      const spread = (z * sigma) / Math.log(survival); // negative
      lower = survival ** Math.exp(-spread);
      upper = survival ** Math.exp(spread);
    }
    steps.push({ time, atRisk, events, censored, survival, standardError: survival > 0 ? survival * sigma : NaN, logStandardError: sigma, lower, upper });
  }
  const firstAtOrBelowHalf = (value: (s: KaplanMeierStep) => number | null): number | null => {
    for (const s of steps) {
      const v = value(s);
      if (v !== null && v <= 0.5) return s.time;
      if (v === null && s.survival === 0) return s.time;
    }
    return null;
  };
  return {
    n,
    events: totalEvents,
    censored: n - totalEvents,
    confidenceLevel,
    steps,
    median: firstAtOrBelowHalf((s) => s.survival),
    medianInterval: [firstAtOrBelowHalf((s) => s.lower), firstAtOrBelowHalf((s) => s.upper)],
    maxTime: sorted[n - 1],
  };
}

/**
 * S, its interval and the number at risk at chosen times: the values of the last step at or before each
 * time (S = 1 before the first event); survival is null beyond the largest observed duration.
 *
 * Cost: O(steps) per time.
 *
 * @example
 * survivalAt(kaplanMeier([{ duration: 1, churned: true }, { duration: 2, churned: false }]), [0, 1.5])[1].survival // => 0.5
 */
export function survivalAt(curve: KaplanMeierCurve, times: readonly number[]): SurvivalAtTime[] {
  return times.map((time) => {
    let atRisk = curve.n;
    let step: KaplanMeierStep | null = null;
    for (const s of curve.steps) {
      if (s.time <= time) {
        step = s;
        atRisk = s.atRisk - s.events - s.censored;
      } else break;
    }
    if (step !== null && step.time === time) atRisk = step.atRisk;
    if (time > curve.maxTime) return { time, atRisk: 0, survival: null, lower: null, upper: null, standardError: null };
    if (step === null) return { time, atRisk, survival: 1, lower: null, upper: null, standardError: 0 };
    return { time, atRisk, survival: step.survival, lower: step.lower, upper: step.upper, standardError: step.standardError };
  });
}
