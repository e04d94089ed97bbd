/**
 * Shared shapes of the probabilistic models (src/models/<model>.ts). A fitted model is plain data:
 * it serialises to JSON and back, and the prediction functions take its `params`.
 */

export type ModelName = 'bgnbd' | 'paretonbd' | 'mbgnbd' | 'bgbb' | 'gammagamma' | 'sbg' | 'ggompertz';

/** Purchase-model data: one entry per customer (or per distinct tuple with `weights`). Times in period units. */
export interface RfmData {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  /** Number of customers sharing each tuple; 1 each when absent. */
  weights?: ArrayLike<number>;
  /** Customer id of each entry, when the caller has them: errors then name the customer, not only the index. */
  ids?: ArrayLike<string>;
}

/** Result of a maximum-likelihood fit. Parameters keep the papers' names (r, alpha, a, b, ...). */
export interface FittedModel {
  model: ModelName;
  params: Record<string, number>;
  /** Standard errors from a finite-difference Hessian of the total log-likelihood; null when not available. */
  stdErrors: Record<string, number | null>;
  /** 95% intervals; null when the standard error is not available. */
  intervals: Record<string, [number, number] | null>;
  /** Total log-likelihood at the optimum (not the per-customer mean). */
  logLikelihood: number;
  aic: number;
  bic: number;
  /** Number of customers (sum of weights). */
  n: number;
  /** Number of distinct data tuples the likelihood was evaluated on. */
  nDistinct: number;
  converged: boolean;
  iterations: number;
  /** Number of starting points tried. */
  starts: number;
  /**
   * Present when the starting points were tried on a random sample of this many customers and the best
   * sample optimum then polished on all the data (large data; see fit-common.ts).
   */
  startSample?: number;
  /** Human-readable warnings (parameter at a bound, non-convergence, ...), lowercase, no full stop. */
  warnings: string[];
  /**
   * Whether the estimates can be used: the optimiser converged inside the parameter bounds, within its
   * budget, to a finite log-likelihood where the Hessian is positive definite and no parameter is flat.
   * An untrusted fit is data, not an answer: `problems` says why; valuation refuses it (see docs/value.md).
   */
  trusted: boolean;
  /** Why the fit is not trusted (empty when it is), each with what to do; lowercase, no full stop. */
  problems: string[];
  /** The bounds the optimiser enforced on each parameter, [lower, upper] in the parameter's units. */
  bounds?: Record<string, [number, number]>;
  /**
   * Covariance matrix of the estimates, [−∇²LL(θ̂)]⁻¹ in the natural parameters, rows and columns in the
   * order of `params` (the model's parameter order); null when the Hessian is not positive definite. Absent
   * in models saved before it was kept. `crm value` draws parameters from it for its intervals (docs/value.md).
   */
  covariance?: number[][] | null;
}
