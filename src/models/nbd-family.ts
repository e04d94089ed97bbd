/**
 * What the BG/NBD and the MBG/NBD share: the four parameters (r, α, a, b), reading them, the likelihood on a
 * data set, and the fit (distinct tuples, customers with T = 0 set aside, the same starts and scales). Each
 * model file holds only its likelihood, its gradient and its predictions.
 */
import { ModelError } from '../errors.js';
import { compressRfm, indexRfm, sampleRfm, totalWeight, type CompressedRfm, type IndexedRfm } from './compress.js';
import { fitMaximumLikelihood, meanAge, parameterVector, purchaseTimeScale, SAMPLE_CUSTOMERS, validateRfm, withConstantCustomers, withPositiveAge, type FitOptions, type LikelihoodProblem } from './fit-common.js';
import type { FittedModel, RfmData } from './types.js';

/** The parameters of both models, in the order of every vector and gradient. */
export const NBD_PARAMETERS = ['r', 'alpha', 'a', 'b'] as const;

/** A model of the family: its name and its total log-likelihood (and gradient) on indexed data. */
export interface NbdLikelihood {
  model: 'bgnbd' | 'mbgnbd';
  evaluate(data: IndexedRfm, r: number, alpha: number, a: number, b: number): number;
  evaluateWithGradient(data: IndexedRfm, r: number, alpha: number, a: number, b: number): { value: number; gradient: number[] };
}

/** (r, α, a, b) from a parameter record. @throws {ModelError} when one is missing or not positive and finite */
export function readNbdParameters(model: NbdLikelihood['model'], params: Readonly<Record<string, number>>): [number, number, number, number] {
  const [r, alpha, a, b] = parameterVector(model, params, NBD_PARAMETERS);
  return [r, alpha, a, b];
}

/** Total log-likelihood of `data` (validated). */
export function nbdLogLikelihood(m: NbdLikelihood, params: Readonly<Record<string, number>>, data: RfmData): number {
  const [r, alpha, a, b] = readNbdParameters(m.model, params);
  validateRfm(m.model, data);
  return m.evaluate(indexRfm(data), r, alpha, a, b);
}

/** Total log-likelihood of `data` (validated) and its gradient in (r, α, a, b). */
export function nbdLogLikelihoodGradient(m: NbdLikelihood, params: Readonly<Record<string, number>>, data: RfmData): { value: number; gradient: number[] } {
  const [r, alpha, a, b] = readNbdParameters(m.model, params);
  validateRfm(m.model, data);
  return m.evaluateWithGradient(indexRfm(data), r, alpha, a, b);
}

/**
 * Fits a model of the family by maximum likelihood on the distinct (x, t_x, T) tuples of the data (see
 * fit-common.ts for the optimisation, standard errors and warnings). Starts: three points scaled by
 * mean T / mean x.
 *
 * @throws {ModelError} for invalid data, when no customer made a repeat purchase (the dropout process is then
 *   not identified), or when the likelihood is not finite at any start
 */
export function fitNbd(m: NbdLikelihood, data: RfmData, options: FitOptions = {}): FittedModel {
  validateRfm(m.model, data);
  // customers with T = 0 have a likelihood term of 1 (ln 0) whatever the parameters: left out of the search
  const informative = withPositiveAge(data);
  const compressed = compressRfm(informative);
  if (compressed.frequency.every((x) => x === 0)) {
    throw new ModelError(`${m.model}: no customer made a repeat purchase, so the dropout process cannot be estimated`, {
      hint: 'use a longer calibration period, or check that frequency counts repeat purchases',
    });
  }
  return fitMaximumLikelihood(withConstantCustomers(problemOf(m, compressed), totalWeight(data.weights, data.frequency.length) - totalWeight(informative.weights, informative.frequency.length)), options);
}

function problemOf(m: NbdLikelihood, compressed: CompressedRfm): LikelihoodProblem {
  const indexed = indexRfm(compressed);
  const scale = purchaseTimeScale(compressed.frequency, compressed.T, compressed.weights);
  return {
    model: m.model,
    parameterNames: NBD_PARAMETERS,
    logLikelihood: ([r, alpha, a, b]) => m.evaluate(indexed, r, alpha, a, b),
    gradient: ([r, alpha, a, b]) => m.evaluateWithGradient(indexed, r, alpha, a, b),
    n: totalWeight(compressed.weights, compressed.frequency.length),
    nDistinct: compressed.frequency.length,
    scales: [1, meanAge(compressed.T, compressed.weights), 1, 1],
    starts: [
      [1, scale, 1, 1],
      [0.3, 0.3 * scale, 0.8, 2.5],
      [3, 3 * scale, 3, 10],
    ],
    sample: () => {
      const sample = compressRfm(sampleRfm(compressed, SAMPLE_CUSTOMERS));
      return sample.frequency.some((x) => x > 0) ? problemOf(m, sample) : null;
    },
  };
}

/**
 * The expectations E[X(t) | x, t_x, T] = numerator(t) / denominator of the BG/NBD family at each of `times`,
 * into `out` (0 at t = 0): `numeratorAt(t)` depends on (t, x, T) only and is taken from `numerators` when
 * already there (NaN = not yet; customers with the same x and T share the array), `denominator` does not
 * depend on t (null: the expectation is the numerator itself, the BG/NBD's x = 0).
 */
export function conditionalExpectationSteps(
  times: ArrayLike<number>,
  out: Float64Array,
  numerators: Float64Array | undefined,
  numeratorAt: (t: number) => number,
  denominator: number | null,
): void {
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    if (t === 0) {
      out[k] = 0;
      continue;
    }
    let numerator = numerators === undefined ? Number.NaN : numerators[k];
    if (Number.isNaN(numerator)) {
      numerator = numeratorAt(t);
      if (numerators !== undefined) numerators[k] = numerator;
    }
    out[k] = denominator === null ? numerator : numerator / denominator;
  }
}
