/**
 * Survivor counts for the sBG model from observed lifetimes: for one acquisition cohort, the number of
 * customers still active at the start of each whole period since acquisition (period 0 = the cohort size),
 * over the periods every member has been observed for.
 */
import type { Lifetime } from './lifetimes.js';

/**
 * Active counts at the start of periods 0..K for `lifetimes` (one cohort), with periods of `periodDays`.
 * A customer is active at the start of period k when their lifetime lasts beyond k periods. K is the
 * largest k for which every censored customer has been observed at least k periods, so no count is cut short
 * by censoring.
 */
export function activeCounts(lifetimes: readonly Lifetime[], periodDays: number): number[] {
  if (lifetimes.length === 0) return [];
  let observed = Infinity;
  for (const l of lifetimes) if (!l.churned) observed = Math.min(observed, l.duration);
  const maxDuration = Math.max(...lifetimes.map((l) => l.duration));
  const periods = Math.floor(Math.min(observed, maxDuration) / periodDays);
  const counts: number[] = [];
  for (let k = 0; k <= periods; k++) {
    const t = k * periodDays;
    counts.push(lifetimes.filter((l) => (k === 0 ? true : l.duration > t || (!l.churned && l.duration >= t))).length);
  }
  return counts;
}
