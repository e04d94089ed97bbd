/**
 * The data of the diagnostic plots a purchase model is judged by (as in lifetimes' plotting module and Fader,
 * Hardie & Lee 2005, figures 2-4): the frequency/recency matrix of expected purchases and of P(alive), and the
 * weekly repeat transactions, cumulative and incremental, actual against predicted (from {@link tracking}).
 */
import type { PurchaseModel } from '../models/registry.js';
import type { FittedModel } from '../models/types.js';
import type { TrackingPoint } from './validate.js';

/** Expected purchases in the next `horizon` periods and P(alive) on a grid of frequency × recency at one age T. */
export interface FrequencyRecencyMatrix {
  model: string;
  /** The customer age every cell assumes (model periods): the oldest customer's, as lifetimes plots. */
  T: number;
  /** Periods ahead of the expected purchases. */
  horizon: number;
  /** Row values: repeat purchases 0..max. */
  frequencies: number[];
  /** Column values: time of the last purchase, 0..T (model periods). */
  recencies: number[];
  /** expected[i][j]: frequency i, recency j; null where the history is impossible (frequency > 0, recency 0). */
  expected: (number | null)[][];
  pAlive: (number | null)[][];
}

/** The most columns a matrix gets: recency is sampled evenly from 0 to T. */
export const MATRIX_RECENCIES = 30;

/**
 * The matrix for frequencies 0..maxFrequency (at most 60 rows) and recencies 0..T (at most
 * {@link MATRIX_RECENCIES} columns, evenly spaced). A cell with frequency 0 has recency 0 by definition
 * (no repeat purchase), so only the first column is filled in that row; a cell with frequency > 0 at recency
 * 0 is impossible (repeat purchases after the first, at time 0) and left null.
 */
export function frequencyRecencyMatrix(model: PurchaseModel, fitted: FittedModel, T: number, maxFrequency: number, horizon = 1): FrequencyRecencyMatrix {
  const rows = Math.max(1, Math.min(60, Math.round(maxFrequency) + 1));
  const frequencies = Array.from({ length: rows }, (_, i) => i);
  const columns = Math.max(2, Math.min(MATRIX_RECENCIES, Math.floor(T) + 1));
  const recencies = Array.from({ length: columns }, (_, j) => (T * j) / (columns - 1));
  const expected: (number | null)[][] = [];
  const pAlive: (number | null)[][] = [];
  for (const x of frequencies) {
    const e: (number | null)[] = [];
    const p: (number | null)[] = [];
    recencies.forEach((tx, j) => {
      const possible = x === 0 ? j === 0 : tx > 0;
      e.push(possible ? model.expectedTransactions(fitted.params, horizon, x, tx, T) : null);
      p.push(possible ? model.probabilityAlive(fitted.params, x, tx, T) : null);
    });
    expected.push(e);
    pAlive.push(p);
  }
  return { model: fitted.model, T, horizon, frequencies, recencies, expected, pAlive };
}

/** A tracking point with the week's own repeat transactions besides the running totals. */
export interface IncrementalPoint extends TrackingPoint {
  actualWeek: number;
  predictedWeek: number;
}

/** The weekly (incremental) transactions of a cumulative tracking series: each week minus the week before. */
export function incrementalTracking(points: readonly TrackingPoint[]): IncrementalPoint[] {
  return points.map((p, i) => ({
    ...p,
    actualWeek: p.actual - (i > 0 ? points[i - 1].actual : 0),
    predictedWeek: p.predicted - (i > 0 ? points[i - 1].predicted : 0),
  }));
}
