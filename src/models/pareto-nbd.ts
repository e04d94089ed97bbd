/**
 * The Pareto/NBD model of repeat purchasing in non-contractual settings:
 * Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987), "Counting your customers: who are they and what
 * will they do next?", Management Science 33(1), 1-24, https://doi.org/10.1287/mnsc.33.1.1.
 * Expressions as derived in Fader, P. S. & Hardie, B. G. S. (2005), "A note on deriving the Pareto/NBD model
 * and related expressions", http://www.brucehardie.com/notes/009/ (FH below; equation numbers as cited by
 * lifetimes: likelihood (18), E[X(t)] (27), P(alive) (36)-(37), conditional expectation (41)), and DERT
 * from Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis",
 * Journal of Marketing Research 42(4), 415-430, https://doi.org/10.1509/jmkr.2005.42.4.415.
 *
 * Assumptions: while alive, a customer buys as a Poisson process with rate λ; λ ~ Gamma(r, rate α) across
 * customers; the lifetime is exponential with rate μ; μ ~ Gamma(s, rate β), independent of λ. Time 0 is the
 * first purchase; the data are x (repeat purchases), t_x (time of the last one, 0 when x = 0) and T.
 *
 * The hypergeometric term A₀ of the likelihood stands for the probability of dying between the last
 * purchase and T,
 *
 *   s/(r + s + x) · A₀ = s ∫_{t_x}^{T} (α + τ)^(−(r+x)) (β + τ)^(−(s+1)) dτ = s [I(t_x) − I(T)],
 *   I(t) = ₂F₁(r + s + x, b; r + s + x + 1; |α − β|/(M + t)) / ((r + s + x)(M + t)^(r+s+x)),
 *
 * with M = max(α, β) and b = s + 1 when α >= β, r + x otherwise. Both I are computed on the log scale and
 * subtracted with log1mexp (see hyp2f1.ts for ₂F₁ up to z → 1 and for large x); the tests check the result
 * against a quadrature of the integral.
 *
 * Where the optimiser goes: when the data show no heterogeneity in the dropout rate (the fixtures: every
 * customer of a BG/NBD simulation), the likelihood rises towards s, β → ∞ with s/β = μ fixed, the model
 * whose lifetimes are all exponential with rate μ, and the optimiser follows that ridge to s = 10¹⁰ and
 * beyond (then reports s and β as having run to the upper bound). Two things keep it fast and right there:
 * every term is written with α^r β^s taken in (see logTail), so nothing of the size s·ln β cancels, and the
 * ₂F₁ is {@link logHyp2f1UnitA} with r + x (or s + 1) and 1 − z passed exactly and a cost bounded over the
 * whole parameter range (at most a few hundred steps). Before, the likelihood lost about 1e-16·s·ln β to
 * cancellation, the ₂F₁ needed up to 10⁶ series terms per call, and a ₂F₁ that did not converge dropped a
 * customer's "died" term silently, so the optimiser ground for minutes on a noisy, stepped ridge.
 *
 * The fit runs on the analytic gradient of the log-likelihood ({@link logLikelihoodGradient}; docs/models.md,
 * "Gradients", (D3)): closed forms for everything but the ₂F₁, whose partial derivatives in its parameters
 * and argument come from its series or continued fraction differentiated term by term
 * (pareto-nbd-gradient.ts). One value-and-gradient pass costs about 1.5 value passes, against 8 for central
 * differences; on the 1M-customer weekly benchmark the fit went from about 10 s to about 1.1 s.
 */
import type { Rng } from '../core/random.js';
import { ModelError } from '../errors.js';
import type { SimulateOptions, SimulatedRfm } from './bg-nbd.js';
import { compressRfm, sampleRfm, totalWeight } from './compress.js';
import type { CompressedRfm } from './compress.js';
import { fitMaximumLikelihood, parameterVector, purchaseTimeScale, SAMPLE_CUSTOMERS, validateRfm, withConstantCustomers, withPositiveAge } from './fit-common.js';
import type { FitOptions, LikelihoodProblem } from './fit-common.js';
import { logHyp2f1UnitA, logHyperUDiagonal } from '../math/hyp2f1.js';
import { integrate } from '../math/quadrature.js';
import { CompensatedSum, digammaDifference, log1mexp, logAddExp, logGammaRatio } from '../math/special.js';
import { fillUnitSeries, logHyp2f1UnitAPartials, logHyp2f1UnitASeries, logUnitSeries, SERIES_UP_TO, UNIT_SERIES_STRIDE } from './pareto-nbd-gradient.js';
import type { FittedModel, RfmData } from './types.js';

/** Pareto/NBD parameters, named as in the papers. `FittedModel.params` of a Pareto/NBD fit has this shape. */
export type ParetoNbdParams = { r: number; alpha: number; s: number; beta: number };

/** Parameter order of the fitted vectors. */
export const parameterNames = ['r', 'alpha', 's', 'beta'] as const;

const MODEL = 'paretonbd';

function read(params: Readonly<Record<string, number>>): [number, number, number, number] {
  const [r, alpha, s, beta] = parameterVector(MODEL, params, parameterNames);
  return [r, alpha, s, beta];
}

/**
 * ln(α + t)^(−x) (1 + t/α)^(−r) (1 + t/β)^(−s) = ln α^r β^s (α + t)^(−(r+x)) (β + t)^(−s): the "alive at t"
 * term with the factor α^r β^s taken in, so that nothing of the size s·ln β has to cancel.
 */
function logAliveAt(r: number, alpha: number, s: number, beta: number, x: number, t: number): number {
  return -r * Math.log1p(t / alpha) - x * Math.log(alpha + t) - s * Math.log1p(t / beta);
}

/**
 * ln α^r β^s I(t) (I of the file comment) for one frequency x. With Euler's transformation
 * ₂F₁(a, b; a + 1; z) = (1 − z)^(1−b) ₂F₁(1, a + 1 − b; a + 1; z) and 1 − z = (min(α, β) + t)/(M + t), the
 * powers of M + t cancel against α^r β^s analytically:
 *
 *   α >= β:  α^r β^s I(t) = A(t) · ₂F₁(1, r + x; a + 1; z)/a,
 *   α < β:   α^r β^s I(t) = A(t) · (α + t)/(β + t) · ₂F₁(1, s + 1; a + 1; z)/a,
 *
 * with a = r + s + x and A(t) from {@link logAliveAt}. Every term is then of the size of the result
 * (rather than a·ln(M + t), 10⁶ when the optimiser tries s = 10⁵), so the likelihood keeps its precision
 * when s and β run off together, and the ₂F₁ has its unit parameter for the continued fraction.
 */
function logTail(r: number, alpha: number, s: number, beta: number, x: number, t: number): number {
  return logAliveAt(r, alpha, s, beta, x, t) + logTailRest(r, alpha, s, beta, x, t);
}

/** {@link logTail} − {@link logAliveAt}: ln ₂F₁(1, r + x; a + 1; z)/a, or ln (α + t)/(β + t) · ₂F₁(1, s + 1; a + 1; z)/a. */
function logTailRest(r: number, alpha: number, s: number, beta: number, x: number, t: number): number {
  const larger = Math.max(alpha, beta) + t;
  const smaller = Math.min(alpha, beta) + t;
  // z and 1 − z, each to full precision (1 − z can be 1e-10 when the optimiser tries β = 1e10 α)
  const z = Math.abs(alpha - beta) / larger;
  const w = smaller / larger;
  const shape = -Math.log(r + s + x);
  if (alpha >= beta) return shape + logHyp2f1UnitA(r + x, s + 1, z, w);
  return shape + Math.log(smaller) - Math.log(larger) + logHyp2f1UnitA(s + 1, r + x, z, w);
}

/**
 * The two terms of the individual likelihood without the common factor Γ(r + x)/Γ(r), as logarithms:
 * alive at T, α^r β^s (α + T)^(−(r+x)) (β + T)^(−s), and died in (t_x, T], s α^r β^s [I(t_x) − I(T)].
 * `died` is NaN when a ₂F₁ evaluation failed.
 */
function logTerms(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number): { alive: number; died: number } {
  const alive = logAliveAt(r, alpha, s, beta, x, T);
  if (!(tx < T)) return { alive, died: -Infinity };
  const upper = logTail(r, alpha, s, beta, x, tx);
  const lower = logTail(r, alpha, s, beta, x, T);
  const gap = upper - lower;
  // I(t_x) − I(T) = I(t_x)(1 − e^(−gap)); a gap <= 0 can only come from rounding when t_x ≈ T
  const died = Number.isNaN(gap) ? Number.NaN : gap > 0 ? Math.log(s) + upper + log1mexp(gap) : -Infinity;
  return { alive, died };
}

/**
 * Data prepared for repeated likelihood evaluations. Every term of the log-likelihood of an entry
 * (x, t_x, T) depends on it through the pairs (x, t_x) and (x, T) only, except one logarithm:
 *
 *   ln L = ln Γ(r + x)/Γ(r) + A(x, T) + ln(1 + D),   D = s·e^(h(x, T))·(e^(gap) − 1),
 *
 * with A = ln α^r β^s (α + T)^(−(r+x)) (β + T)^(−s) the "alive at T" term ({@link logAliveAt}), h(x, t) =
 * ln α^r β^s I(t) − A(x, t) (the {@link logTail} without its alive part: ln ₂F₁/(r + s + x), plus ln w when
 * α < β) and gap = ln I(t_x) − ln I(T) >= 0. So ln Γ(r + x)/Γ(r) is summed once per distinct frequency and
 * A once per distinct (x, T) pair, each with the summed weight of its entries; I(t) is computed once per
 * distinct (x, t) pair (with times in days or weeks far fewer than 2 per entry: 32,000 pairs for 637,000
 * tuples of the 1M-customer benchmark); and what remains per entry is one expm1 and one log1p, only for
 * the entries with t_x < T (for t_x = T the died term is 0). s·e^h <= 1 (it is s times an integral of
 * ((α + T)/(α + τ))^(r+x) ((β + T)/(β + τ))^(s+1)/(β + T) over τ > T), so D overflows only when gap does:
 * beyond gap = 700 the entry is computed on the log scale.
 */
interface PreparedRfm {
  /** Distinct frequencies and the summed weight of the entries with each. */
  frequencies: Float64Array;
  frequencyWeight: Float64Array;
  /** Distinct times among the recencies and ages. */
  times: Float64Array;
  /** The distinct (x, t) pairs among the (x, t_x) and (x, T): frequency, its index among `frequencies`, index of t among `times`. */
  pairFrequency: Float64Array;
  pairFrequencyIndex: Int32Array;
  pairTime: Int32Array;
  /** Summed weight of the entries whose (x, T) is the pair: the weight of the pair's alive term. */
  pairAliveWeight: Float64Array;
  /** The part of it from entries with t_x = T (no died term). */
  pairClosedWeight: Float64Array;
  /** 1 when the pair's I(t) is needed: it is the (x, t_x) or the (x, T) of an entry with t_x < T. */
  pairNeedsTail: Uint8Array;
  /** The smallest t of the pairs of each frequency whose I(t) is needed (Infinity when none is): its largest z. */
  frequencyFirstTime: Float64Array;
  /** The entries with t_x < T, ordered by their (x, T) pair: its index, the index of (x, t_x), the weight. */
  agePair: Int32Array;
  recencyPair: Int32Array;
  weight: Float64Array;
  /** Per-pair work arrays of {@link evaluate}, allocated on first use and reused (evaluations do not nest). */
  work?: PairWork;
}

interface PairWork {
  /** Coefficients of the ₂F₁ series by frequency ({@link fillUnitSeries}), grown as needed. */
  series: Float64Array;
  tail: Float64Array;
  rest: Float64Array;
  scaled: Float64Array;
  partials: Float64Array;
  recencyWeight: Float64Array;
  ageKeep: Float64Array;
  ageShare: Float64Array;
}

function workOf(data: PreparedRfm): PairWork {
  if (data.work === undefined) {
    const pairs = data.pairFrequency.length;
    data.work = {
      series: new Float64Array(0),
      tail: new Float64Array(pairs),
      rest: new Float64Array(pairs),
      scaled: new Float64Array(pairs),
      partials: new Float64Array(3 * pairs),
      recencyWeight: new Float64Array(pairs),
      ageKeep: new Float64Array(pairs),
      ageShare: new Float64Array(pairs),
    };
  }
  return data.work;
}

/** Dense (x, t) lookup tables up to this many cells; a Map beyond. */
const DENSE_PAIR_TABLE = 1 << 22;

/** Indexes distinct values: `index[c][i]` is the position of `columns[c][i]` among `values` (first occurrence order, −0 as 0), for the entries of non-zero weight. */
function indexValues(columns: ArrayLike<number>[], weight: Float64Array): { values: Float64Array; index: Int32Array[] } {
  const lookup = new Map<number, number>();
  const values: number[] = [];
  const index = columns.map((column) => {
    const out = new Int32Array(column.length);
    for (let i = 0; i < column.length; i++) {
      if (weight[i] === 0) continue;
      const v = column[i] + 0;
      let at = lookup.get(v);
      if (at === undefined) {
        at = values.length;
        lookup.set(v, at);
        values.push(v);
      }
      out[i] = at;
    }
    return out;
  });
  return { values: Float64Array.from(values), index };
}

function prepare(data: RfmData): PreparedRfm {
  const n = data.frequency.length;
  // entries of weight 0 add nothing, and are skipped
  const weightOf = data.weights === undefined ? new Float64Array(n).fill(1) : Float64Array.from(data.weights);
  const keep = (i: number): boolean => weightOf[i] !== 0;
  const {
    values: frequencies,
    index: [atFrequency],
  } = indexValues([data.frequency], weightOf);
  const {
    values: times,
    index: [atRecency, atAge],
  } = indexValues([data.recency, data.T], weightOf);
  const frequencyWeight = new Float64Array(frequencies.length);
  // (x, t) pairs, numbered in order of first occurrence through a table over (frequency index, time index)
  const cells = frequencies.length * times.length;
  const dense = cells <= DENSE_PAIR_TABLE ? new Int32Array(cells).fill(-1) : null;
  const sparse = dense === null ? new Map<number, number>() : null;
  const pairFrequency: number[] = [];
  const pairFrequencyIndex: number[] = [];
  const pairTime: number[] = [];
  const pairOf = (k: number, t: number): number => {
    const cell = k * times.length + t;
    let at = dense !== null ? dense[cell] : (sparse!.get(cell) ?? -1);
    if (at < 0) {
      at = pairFrequency.length;
      if (dense !== null) dense[cell] = at;
      else sparse!.set(cell, at);
      pairFrequency.push(frequencies[k]);
      pairFrequencyIndex.push(k);
      pairTime.push(t);
    }
    return at;
  };
  const entryAge = new Int32Array(n);
  const entryRecency = new Int32Array(n);
  let open = 0;
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    const k = atFrequency[i];
    frequencyWeight[k] += weightOf[i];
    entryAge[i] = pairOf(k, atAge[i]);
    if (data.recency[i] < data.T[i]) {
      entryRecency[i] = pairOf(k, atRecency[i]);
      open++;
    } else {
      entryRecency[i] = -1;
    }
  }
  const pairs = pairFrequency.length;
  const pairAliveWeight = new Float64Array(pairs);
  const pairClosedWeight = new Float64Array(pairs);
  const pairNeedsTail = new Uint8Array(pairs);
  // the entries with t_x < T, ordered by their (x, T) pair (a counting sort), so that each pair's
  // quantities are read once for all its entries
  const start = new Int32Array(pairs + 1);
  for (let i = 0; i < n; i++) {
    if (!keep(i)) continue;
    pairAliveWeight[entryAge[i]] += weightOf[i];
    if (entryRecency[i] >= 0) start[entryAge[i] + 1]++;
    else pairClosedWeight[entryAge[i]] += weightOf[i];
  }
  for (let p = 0; p < pairs; p++) start[p + 1] += start[p];
  const agePair = new Int32Array(open);
  const recencyPair = new Int32Array(open);
  const weight = new Float64Array(open);
  for (let i = 0; i < n; i++) {
    if (!keep(i) || entryRecency[i] < 0) continue;
    const at = start[entryAge[i]]++;
    agePair[at] = entryAge[i];
    recencyPair[at] = entryRecency[i];
    weight[at] = weightOf[i];
    pairNeedsTail[entryAge[i]] = 1;
    pairNeedsTail[entryRecency[i]] = 1;
  }
  const frequencyFirstTime = new Float64Array(frequencies.length).fill(Infinity);
  for (let p = 0; p < pairs; p++) {
    if (pairNeedsTail[p] === 1) frequencyFirstTime[pairFrequencyIndex[p]] = Math.min(frequencyFirstTime[pairFrequencyIndex[p]], times[pairTime[p]]);
  }
  return {
    frequencies,
    frequencyWeight,
    frequencyFirstTime,
    times,
    pairFrequency: Float64Array.from(pairFrequency),
    pairFrequencyIndex: Int32Array.from(pairFrequencyIndex),
    pairTime: Int32Array.from(pairTime),
    pairAliveWeight,
    pairClosedWeight,
    pairNeedsTail,
    agePair,
    recencyPair,
    weight,
  };
}

/** Terms at most of a frequency's ₂F₁ series table (z <= 3/4 needs about 185 for the derivatives to 1e-16). */
const SERIES_TABLE_TERMS = 200;

/** Above this gap (ln I(t_x) − ln I(T)) an entry's ln(1 + D) is computed on the log scale (e^gap overflows near 710). */
const LOG_SCALE_GAP = 700;
/** Below this s·e^h an entry's D is computed on the log scale (subnormal numbers lose digits). */
const LOG_SCALE_FACTOR = 1e-290;

/**
 * Total weighted log-likelihood on prepared data (see {@link PreparedRfm} for the terms), and with
 * `gradient` (length 4) its partial derivatives in (r, α, s, β), written there. NaN when a ₂F₁ evaluation
 * failed (none is expected: see hyp2f1.ts for the bounded cost over the whole parameter range), so that the
 * optimiser treats the point as outside the domain instead of using a likelihood with a customer's "died"
 * term missing. The value is the same number with and without `gradient`.
 *
 * Per entry, e^gap = I(t_x)/I(T) is the quotient of two numbers computed once per pair, e^(ln I(t) − ref)
 * with ref the largest ln I of the frequency (a frequency whose ln I span more than 700 takes the log
 * scale instead), so D = s·e^h·(e^gap − 1) costs no exponential; what D loses that way (about 1e-16/gap
 * relative, for t_x near T) is below 1e-16 of ln(1 + D) ≈ D.
 *
 * The gradient (docs/models.md, "Gradients", (D3)): with E = s·e^(h(x, T)) <= 1, c₁ = D/(1 + D),
 * c₃ = E/(1 + D) and c₂ = c₁ + c₃ (= E·e^gap/(1 + D)) per entry,
 *
 *   ∂ ln L = ∂ ln Γ(r + x)/Γ(r) + (1 − c₂) ∂A(x, T) − c₃ ∂h(x, T) + c₂ [∂A(x, t_x) + ∂h(x, t_x)] + c₁ ∂ ln s,
 *
 * so the entries only add weights to their pairs, and the derivatives of A and h are computed once per
 * pair ({@link addPairGradients}). 1 − c₂ = (1 − E)/(1 + D) and c₃ are accumulated as such, not as
 * differences of numbers near 1.
 */
function evaluate(data: PreparedRfm, r: number, alpha: number, s: number, beta: number, gradient: Float64Array | null = null): number {
  const total = new CompensatedSum();
  const { frequencies, times, pairFrequency, pairFrequencyIndex, pairTime, pairAliveWeight, pairNeedsTail, agePair, recencyPair, weight } = data;
  // ln Γ(r + x)/Γ(r) without the cancellation of two lgamma values when r is large
  for (let k = 0; k < frequencies.length; k++) total.add(data.frequencyWeight[k] * logGammaRatio(r, frequencies[k]));
  // the alive term by time: −r ln(1 + t/α) − s ln(1 + t/β) and ln(α + t)
  const m = times.length;
  const log1pAlpha = new Float64Array(m);
  const logAlpha = new Float64Array(m);
  const log1pBeta = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    log1pAlpha[j] = Math.log1p(times[j] / alpha);
    logAlpha[j] = Math.log(alpha + times[j]);
    log1pBeta[j] = Math.log1p(times[j] / beta);
  }
  const pairs = pairFrequency.length;
  const work = workOf(data);
  const tail = work.tail; // ln α^r β^s I(t)
  const rest = work.rest; // h = ln α^r β^s I(t) − A(x, t)
  // the partial derivatives of ln ₂F₁ in its b, d and w, by pair
  const partials = gradient === null ? null : work.partials;
  const scratch = gradient === null ? null : new Float64Array(3);
  const reference = new Float64Array(frequencies.length).fill(-Infinity); // the largest ln I of each frequency
  const alphaLarger = alpha >= beta;
  const upper = Math.max(alpha, beta);
  const lower = Math.min(alpha, beta);
  const gapAB = Math.abs(alpha - beta);
  const rs = r + s;
  // the ₂F₁ series' coefficients depend on the frequency only (b and d are r + x and s + 1): once per
  // frequency, with as many terms as its largest z (at its smallest t) needs, at most SERIES_TABLE_TERMS
  const seriesOffset = new Int32Array(frequencies.length);
  const seriesTerms = new Int32Array(frequencies.length);
  let seriesSize = 0;
  for (let k = 0; k < frequencies.length; k++) {
    const first = data.frequencyFirstTime[k];
    if (first === Infinity) continue;
    const zMax = gapAB / (upper + first);
    seriesTerms[k] = zMax === 0 ? 2 : zMax > SERIES_UP_TO ? SERIES_TABLE_TERMS : Math.min(SERIES_TABLE_TERMS, 10 + Math.ceil(-50 / Math.log(zMax)));
    seriesOffset[k] = seriesSize;
    seriesSize += UNIT_SERIES_STRIDE * seriesTerms[k];
  }
  if (work.series.length < seriesSize) work.series = new Float64Array(seriesSize);
  const series = work.series;
  for (let k = 0; k < frequencies.length; k++) {
    if (seriesTerms[k] === 0) continue;
    const x = frequencies[k];
    fillUnitSeries(alphaLarger ? r + x : s + 1, alphaLarger ? s + 1 : r + x, series, seriesOffset[k], seriesTerms[k]);
  }
  for (let p = 0; p < pairs; p++) {
    const x = pairFrequency[p];
    const j = pairTime[p];
    const alive = -r * log1pAlpha[j] - x * logAlpha[j] - s * log1pBeta[j];
    if (pairAliveWeight[p] !== 0) total.add(pairAliveWeight[p] * alive);
    if (pairNeedsTail[p] === 0) continue;
    // h as logTailRest, with the series of the ₂F₁ (and its derivatives) from one loop where it applies
    const t = times[j];
    const larger = upper + t;
    const smaller = lower + t;
    const z = gapAB / larger;
    const w = smaller / larger;
    const b = alphaLarger ? r + x : s + 1;
    const d = alphaLarger ? s + 1 : r + x;
    let logF: number;
    if (z <= SERIES_UP_TO) {
      const k = pairFrequencyIndex[p];
      logF = logUnitSeries(series, seriesOffset[k], seriesTerms[k], z, scratch);
      if (Number.isNaN(logF)) logF = logHyp2f1UnitASeries(b, d, z, scratch);
    } else {
      logF = logHyp2f1UnitA(b, d, z, w);
      if (scratch !== null && !logHyp2f1UnitAPartials(b, d, z, w, scratch)) scratch.fill(Number.NaN);
    }
    if (partials !== null) {
      partials[3 * p] = scratch![0];
      partials[3 * p + 1] = scratch![1];
      partials[3 * p + 2] = scratch![2];
    }
    const h = alphaLarger ? logF - Math.log(rs + x) : Math.log(smaller) - Math.log(larger) + logF - Math.log(rs + x);
    rest[p] = h;
    tail[p] = alive + h;
    const k = pairFrequencyIndex[p];
    if (tail[p] > reference[k]) reference[k] = tail[p];
  }
  // e^(ln I(t) − ref) by pair, and whether every pair of a frequency keeps it in the double range
  const scaled = work.scaled;
  const inRange = new Uint8Array(frequencies.length).fill(1);
  for (let p = 0; p < pairs; p++) {
    if (pairNeedsTail[p] === 0) continue;
    const k = pairFrequencyIndex[p];
    const shift = tail[p] - reference[k];
    if (!(shift >= -LOG_SCALE_GAP)) inRange[k] = 0;
    scaled[p] = Math.exp(shift);
  }
  // per entry with t_x < T: ln(1 + D), and for the gradient its weights on its pairs
  const recencyWeight = gradient === null ? null : work.recencyWeight.fill(0); // Σ w·c₂ as (x, t_x)
  const ageKeep = gradient === null ? null : work.ageKeep.fill(0); // Σ w·(1 − c₂) as (x, T)
  const ageShare = gradient === null ? null : work.ageShare.fill(0); // Σ w·c₃ as (x, T)
  let diedWeight = 0; // Σ w·c₁
  const logS = Math.log(s);
  const open = agePair.length;
  // Neumaier's compensated sum of the entries' ln(1 + D), inline
  let sum = 0;
  let carry = 0;
  let i = 0;
  while (i < open) {
    const b = agePair[i];
    const lowerTail = tail[b];
    const logE = logS + rest[b];
    const E = Math.exp(logE);
    const direct = inRange[pairFrequencyIndex[b]] === 1 && E >= LOG_SCALE_FACTOR;
    const V = E / scaled[b]; // times e^(ln I(t_x) − ref): E·e^gap
    let keep = 0;
    let share = 0;
    let died = 0;
    for (; i < open && agePair[i] === b; i++) {
      const a = recencyPair[i];
      const gap = tail[a] - lowerTail;
      const w = weight[i];
      if (Number.isNaN(gap)) {
        if (gradient !== null) gradient.fill(Number.NaN);
        return Number.NaN;
      }
      // a gap <= 0 can only come from rounding when t_x ≈ T: the died term is 0 then
      if (!(gap > 0)) {
        keep += w;
        continue;
      }
      let term: number;
      let c1: number;
      let c2: number;
      let c3: number;
      let inverse: number;
      if (direct) {
        const grown = V * scaled[a];
        const D = grown > E ? grown - E : 0;
        term = w * Math.log1p(D);
        if (gradient !== null) {
          inverse = 1 / (1 + D);
          c1 = D * inverse;
          c3 = E * inverse;
          c2 = grown * inverse;
        }
      } else {
        // ln D = ln E + gap + ln(1 − e^(−gap)), and ln(1 + D) from it
        const logD = logE + gap + log1mexp(gap);
        const value = logAddExp(0, logD);
        term = w * value;
        if (gradient !== null) {
          inverse = Math.exp(-value);
          c1 = Math.exp(logD - value);
          c3 = Math.exp(logE - value);
          c2 = Math.exp(logE + gap - value);
        }
      }
      const next = sum + term;
      carry += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
      sum = next;
      if (gradient === null) continue;
      recencyWeight![a] += w * c2!;
      keep += w * (1 - E) * inverse!;
      share += w * c3!;
      died += w * c1!;
    }
    if (gradient !== null) {
      ageKeep![b] += keep;
      ageShare![b] += share;
      diedWeight += died;
    }
  }
  total.add(Number.isFinite(sum) ? sum + carry : sum);
  const value = total.value();
  if (gradient === null) return value;
  gradient.fill(0);
  for (let k = 0; k < frequencies.length; k++) gradient[0] += data.frequencyWeight[k] * digammaDifference(r, frequencies[k]);
  gradient[2] += diedWeight / s;
  addPairGradients(data, r, alpha, s, beta, { log1pAlpha, log1pBeta, partials: partials!, recencyWeight: recencyWeight!, ageKeep: ageKeep!, ageShare: ageShare! }, gradient);
  return value;
}

/**
 * Adds Σ over pairs of [weight of A]·∂A(x, t) + [weight of h]·∂h(x, t) to `gradient` (see {@link evaluate}):
 *
 *   ∂A/∂r = −ln(1 + t/α),  ∂A/∂α = (r·t/α − x)/(α + t),  ∂A/∂s = −ln(1 + t/β),  ∂A/∂β = s·t/(β(β + t)),
 *   h = −ln(r + s + x) + ln ₂F₁(1, b; b + d; 1 − w) (+ ln w when α < β),
 *
 * with b = r + x, d = s + 1, w = (β + t)/(α + t) when α >= β, and b = s + 1, d = r + x, w = (α + t)/(β + t)
 * otherwise; `partials` holds the partial derivatives of ln ₂F₁ in b, d and w by pair
 * ({@link logHyp2f1UnitAPartials}).
 */
function addPairGradients(
  data: PreparedRfm,
  r: number,
  alpha: number,
  s: number,
  beta: number,
  weights: { log1pAlpha: Float64Array; log1pBeta: Float64Array; partials: Float64Array; recencyWeight: Float64Array; ageKeep: Float64Array; ageShare: Float64Array },
  gradient: Float64Array,
): void {
  const { times, pairFrequency, pairTime, pairClosedWeight, pairNeedsTail } = data;
  const { log1pAlpha, log1pBeta, partials, recencyWeight, ageKeep, ageShare } = weights;
  const alphaLarger = alpha >= beta;
  let gR = 0;
  let gAlpha = 0;
  let gS = 0;
  let gBeta = 0;
  for (let p = 0; p < pairFrequency.length; p++) {
    const x = pairFrequency[p];
    const j = pairTime[p];
    const t = times[j];
    const inverseA = 1 / (alpha + t);
    const inverseB = 1 / (beta + t);
    const onAlive = pairClosedWeight[p] + ageKeep[p] + recencyWeight[p];
    if (onAlive !== 0) {
      gR -= onAlive * log1pAlpha[j];
      gAlpha += onAlive * (r * (t / alpha) - x) * inverseA;
      gS -= onAlive * log1pBeta[j];
      gBeta += onAlive * s * (t / beta) * inverseB;
    }
    if (pairNeedsTail[p] === 0) continue;
    const onRest = recencyWeight[p] - ageShare[p];
    if (onRest === 0) continue;
    const w = alphaLarger ? (beta + t) * inverseA : (alpha + t) * inverseB;
    const shape = -1 / (r + s + x);
    const partialB = partials[3 * p];
    const partialD = partials[3 * p + 1];
    const partialW = partials[3 * p + 2];
    if (alphaLarger) {
      gR += onRest * (shape + partialB);
      gS += onRest * (shape + partialD);
      gAlpha -= onRest * partialW * w * inverseA;
      gBeta += onRest * partialW * inverseA;
    } else {
      gR += onRest * (shape + partialD);
      gS += onRest * (shape + partialB);
      gAlpha += onRest * (inverseA + partialW * inverseB);
      gBeta -= onRest * (inverseB + partialW * w * inverseB);
    }
  }
  gradient[0] += gR;
  gradient[1] += gAlpha;
  gradient[2] += gS;
  gradient[3] += gBeta;
}

function checkHorizon(t: number): void {
  if (!(t >= 0) || !Number.isFinite(t)) throw new ModelError(`${MODEL}: the horizon t must be a non-negative number, found ${t}`);
}

function checkHistory(frequency: number, recency: number, T: number): void {
  if (!(Number.isInteger(frequency) && frequency >= 0) || !(T >= 0) || !Number.isFinite(T) || !(recency >= 0 && recency <= T) || (frequency === 0 && recency !== 0) || (T === 0 && frequency !== 0)) {
    throw new ModelError(`${MODEL}: invalid history frequency ${frequency}, recency ${recency}, T ${T}`, {
      hint: 'frequency is a non-negative integer, 0 <= recency <= T, recency is 0 when frequency is 0, and frequency is 0 when T is 0',
    });
  }
}

/**
 * Total log-likelihood of the data (FH eq. 18), weighted by `data.weights`:
 *
 *   L = Γ(r + x)α^r β^s/Γ(r) · { (α + T)^(−(r+x)) (β + T)^(−s) + s/(r + s + x) · A₀ },
 *
 * on the log scale with A₀ from two ₂F₁ evaluations (see the file comment), stable for large x, for
 * α ≈ β (z = 0), for very different α and β (z → 1), and for s and β running off together (tested for
 * every parameter from 1e-15 to 1e15). NaN, never a value with a term missing, where a ₂F₁ cannot be
 * evaluated (only far outside that range, e.g. β/α beyond the double range).
 *
 * Cost: O(n) to index the data, then one ₂F₁ evaluation per distinct (x, t) pair among the (x, t_x) and
 * (x, T), each at most a few hundred steps whatever the parameters (O(1/(−ln z)) terms for z <= 3/4; z < 0.1
 * on CDNOW), and one log1p per customer with t_x < T.
 *
 * @throws {ModelError} for non-positive parameters or invalid data (see {@link validateRfm})
 * @example
 * logLikelihood({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, cdnow) // => -9595.0 (to 1 decimal)
 */
export function logLikelihood(params: Readonly<Record<string, number>>, data: RfmData): number {
  const [r, alpha, s, beta] = read(params);
  validateRfm(MODEL, data);
  return evaluate(prepare(data), r, alpha, s, beta);
}

/**
 * Total log-likelihood (FH eq. 18) and its gradient in the natural parameters, in the order of
 * {@link parameterNames} (r, α, s, β), from one pass over the data (see docs/models.md, "Gradients", (D3)):
 * closed forms for the alive term and ln Γ(r + x)/Γ(r), and the derivatives of the ₂F₁ of A₀ in its
 * parameters and argument by differentiating its series or continued fraction
 * ({@link logHyp2f1UnitAPartials}). `value` equals {@link logLikelihood}.
 *
 * Cost: as {@link logLikelihood}, plus one differentiated ₂F₁ per distinct (x, t) pair.
 *
 * @throws {ModelError} for non-positive parameters or invalid data
 * @example
 * logLikelihoodGradient({ r: 1, alpha: 1, s: 1, beta: 1 }, { frequency: [0], recency: [0], T: [1] })
 * // => { value: Math.log(5 / 8), gradient: [-3 / 10 - Math.LN2 / 5, 1 / 3, 3 / 10 - Math.LN2 / 5, -2 / 15] }
 * //    (L = 1/4 + ∫₀¹ (1 + τ)⁻³ dτ = 5/8; see test/models/pareto-nbd-gradient.test.ts)
 */
export function logLikelihoodGradient(params: Readonly<Record<string, number>>, data: RfmData): { value: number; gradient: number[] } {
  const [r, alpha, s, beta] = read(params);
  validateRfm(MODEL, data);
  const gradient = new Float64Array(4);
  const value = evaluate(prepare(data), r, alpha, s, beta, gradient);
  return { value, gradient: Array.from(gradient) };
}

/**
 * The total log-likelihood of fixed data as a function of the parameters, the data prepared once: for fits
 * that evaluate the same customers at many parameter vectors (static covariates: each covariate profile has
 * its own α and β).
 * @throws {ModelError} for invalid data
 */
export function logLikelihoodOf(data: RfmData): (params: Readonly<Record<string, number>>) => number {
  validateRfm(MODEL, data);
  const prepared = prepare(data);
  return (params) => {
    const [r, alpha, s, beta] = read(params);
    return evaluate(prepared, r, alpha, s, beta);
  };
}

/**
 * Fits the Pareto/NBD model by maximum likelihood on the distinct (x, t_x, T) tuples of the data (see
 * fit-common.ts for the optimisation on log-parameters, standard errors and warnings). Starts: three points
 * scaled by mean T / mean x for α and by mean T for β.
 *
 * Cost: O(n) to compress, then BFGS on the analytic gradient ({@link logLikelihoodGradient}): value-and-
 * gradient passes of one differentiated ₂F₁ per distinct (x, t) pair and one log1p per tuple with t_x < T,
 * about 25 per start, plus 8 for the Hessian. With more than 40,000 distinct tuples the starts run on a
 * sample (fit-common.ts). CDNOW (2,357 customers): about 0.1 s; the 1M-customer weekly benchmark (636,953
 * tuples, 32,029 pairs): about 1.1 s; the fixtures (300 customers, maximum at s, β → ∞, where the ₂F₁
 * derivatives cost most): about 1-2 s.
 *
 * @throws {ModelError} for invalid data, when no customer made a repeat purchase, or when the likelihood is
 *   not finite at any start
 * @example
 * fit(cdnow).params // => { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 } (to 3 decimals)
 */
export function fit(data: RfmData, options: FitOptions = {}): FittedModel {
  validateRfm(MODEL, data);
  // customers with T = 0 have a likelihood term of 1 (ln 0) whatever the parameters: left out of the search
  const informative = withPositiveAge(data);
  const compressed = compressRfm(informative);
  if (compressed.frequency.every((x) => x === 0)) {
    throw new ModelError(`${MODEL}: no customer made a repeat purchase, so the purchase and dropout rates cannot be estimated`, {
      hint: 'use a longer calibration period, or check that frequency counts repeat purchases',
    });
  }
  return fitMaximumLikelihood(withConstantCustomers(problemOf(compressed), totalWeight(data.weights, data.frequency.length) - totalWeight(informative.weights, informative.frequency.length)), options);
}

/** The maximum-likelihood problem on compressed data, with its sample for large data (see fit-common.ts). */
function problemOf(compressed: CompressedRfm): LikelihoodProblem {
  const prepared = prepare(compressed);
  const scale = purchaseTimeScale(compressed.frequency, compressed.T, compressed.weights);
  let sumT = 0;
  compressed.T.forEach((age, i) => (sumT += age * compressed.weights[i]));
  const n = totalWeight(compressed.weights, compressed.frequency.length);
  const meanT = sumT / n;
  return {
    model: MODEL,
    parameterNames,
    logLikelihood: ([r, alpha, s, beta]) => evaluate(prepared, r, alpha, s, beta),
    gradient: ([r, alpha, s, beta]) => {
      const gradient = new Float64Array(4);
      const value = evaluate(prepared, r, alpha, s, beta, gradient);
      return { value, gradient: Array.from(gradient) };
    },
    n,
    nDistinct: compressed.frequency.length,
    scales: [1, meanT, 1, meanT],
    starts: [
      [1, scale, 1, meanT],
      [0.5, 0.5 * scale, 0.5, 0.3 * meanT],
      [2, 2 * scale, 2, 3 * meanT],
    ],
    sample: () => {
      const sample = compressRfm(sampleRfm(compressed, SAMPLE_CUSTOMERS));
      return sample.frequency.some((x) => x > 0) ? problemOf(sample) : null;
    },
  };
}

/**
 * Probability that a customer with history (x, t_x, T) is still alive at T (FH eqs. 36-37):
 *
 *   P(alive) = 1 / (1 + s/(r + s + x) · (α + T)^(r+x) (β + T)^s · A₀).
 *
 * Unlike the BG/NBD, a customer without repeat purchases (x = 0) is not "alive by construction": the
 * probability falls as T grows.
 *
 * Cost: two ₂F₁ evaluations.
 *
 * @throws {ModelError} for non-positive parameters or an invalid history
 * @example
 * probabilityAlive({ r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 }, 26, 30.86, 31) // => 0.9979 (BTYD walkthrough)
 */
export function probabilityAlive(params: Readonly<Record<string, number>>, frequency: number, recency: number, T: number): number {
  const [r, alpha, s, beta] = read(params);
  checkHistory(frequency, recency, T);
  const { alive, died } = logTerms(r, alpha, s, beta, frequency, recency, T);
  return 1 / (1 + Math.exp(died - alive));
}

/**
 * Expected number of repeat purchases in (T, T + t] of a customer with history (x, t_x, T) (FH eq. 41):
 *
 *   E[Y(t) | x, t_x, T] = P(alive) · (r + x)(β + T)/((α + T)(s − 1)) · [1 − ((β + T)/(β + T + t))^(s−1)],
 *
 * with the bracket over (s − 1) evaluated as −expm1(−(s − 1)·ln(1 + t/(β + T)))/(s − 1), which is continuous
 * at s = 1 (limit ln(1 + t/(β + T))).
 *
 * Cost: two ₂F₁ evaluations.
 *
 * @throws {ModelError} for non-positive parameters, an invalid history or a negative t
 * @example
 * expectedTransactions(cdnowFit.params, 52, 26, 30.86, 31) // => 25.46 (to 2 decimals, BTYD walkthrough)
 */
export function expectedTransactions(params: Readonly<Record<string, number>>, t: number, frequency: number, recency: number, T: number): number {
  const [r, alpha, s, beta] = read(params);
  checkHistory(frequency, recency, T);
  checkHorizon(t);
  if (t === 0) return 0;
  const alive = probabilityAlive(params, frequency, recency, T);
  return expectedGivenAlive(r, alpha, s, beta, alive, t, frequency, T);
}

/** FH eq. 41 from P(alive): the part that depends on t. */
function expectedGivenAlive(r: number, alpha: number, s: number, beta: number, alive: number, t: number, frequency: number, T: number): number {
  const horizon = Math.log1p(t / (beta + T));
  const shape = s - 1;
  const growth = shape === 0 ? horizon : -Math.expm1(-shape * horizon) / shape;
  return (alive * (r + frequency) * (beta + T) * growth) / (alpha + T);
}

/**
 * {@link expectedTransactions} at each of `times`, into `out` (the same values to the last bit), with
 * P(alive) (the two ₂F₁ evaluations) computed once. `numerators` is not used (the interface's cache of the
 * BG/NBD family).
 *
 * Cost: two ₂F₁ evaluations, then O(1) per time.
 *
 * @throws {ModelError} as {@link expectedTransactions}
 */
export function expectedTransactionsSteps(
  params: Readonly<Record<string, number>>,
  times: ArrayLike<number>,
  frequency: number,
  recency: number,
  T: number,
  out: Float64Array,
  _numerators?: Float64Array,
): void {
  const [r, alpha, s, beta] = read(params);
  checkHistory(frequency, recency, T);
  for (let k = 0; k < times.length; k++) checkHorizon(times[k]);
  let alive = Number.NaN;
  for (let k = 0; k < times.length; k++) {
    const t = times[k];
    if (t === 0) {
      out[k] = 0;
      continue;
    }
    if (Number.isNaN(alive)) alive = probabilityAlive(params, frequency, recency, T);
    out[k] = expectedGivenAlive(r, alpha, s, beta, alive, t, frequency, T);
  }
}

/**
 * Expected number of repeat purchases in (0, t] of a new customer (FH eq. 27):
 *
 *   E[X(t)] = rβ/(α(s − 1)) · [1 − (β/(β + t))^(s−1)],
 *
 * continuous at s = 1 (limit (rβ/α) ln(1 + t/β)); ≈ (r/α)·t for small t.
 *
 * Cost: O(1).
 *
 * @throws {ModelError} for non-positive parameters or a negative t
 * @example
 * expectedTransactionsNew({ r: 0.55, alpha: 10.56, s: 0.61, beta: 11.64 }, 1) // => 0.05077821 (BTYD's pnbd.Expectation example)
 */
export function expectedTransactionsNew(params: Readonly<Record<string, number>>, t: number): number {
  const [r, alpha, s, beta] = read(params);
  checkHorizon(t);
  if (t === 0) return 0;
  const horizon = Math.log1p(t / beta);
  const shape = s - 1;
  const growth = shape === 0 ? horizon : -Math.expm1(-shape * horizon) / shape;
  return (r * beta * growth) / alpha;
}

/**
 * Discounted expected residual transactions of a customer with history (x, t_x, T), with continuous
 * discount rate δ per period (Fader, Hardie & Lee 2005, "RFM and CLV", eq. 2 as cited by BTYD):
 *
 *   DERT = α^r β^s δ^(s−1) Γ(r + x + 1) U(s, s; δ(β + T)) / (Γ(r) (α + T)^(r+x+1) L(r, α, s, β | x, t_x, T))
 *        = P(alive) · (r + x)/(α + T) · (β + T)^s δ^(s−1) U(s, s; δ(β + T)),
 *
 * where U is the confluent hypergeometric function of the second kind (Tricomi's Ψ). The second form reads
 * as E[λ]·E[1/(μ + δ)] under the posterior of an alive customer (λ ~ Gamma(r + x, α + T),
 * μ ~ Gamma(s, β + T)). U is computed by {@link logHyperUDiagonal} (stable at integer s and for large δ(β + T)).
 * Multiply by the value per transaction to get the residual lifetime value.
 *
 * Cost: two ₂F₁ evaluations and one U evaluation.
 *
 * @param delta continuous discount rate per period, > 0 (e.g. ln(1.15)/52 ≈ 0.0027 per week for 15% a year)
 * @throws {ModelError} for non-positive parameters or delta, or an invalid history
 * @example
 * dert({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, 0.0027, 2, 30.43, 38.86) // => 6.484 (to 3 decimals)
 */
export function dert(params: Readonly<Record<string, number>>, delta: number, frequency: number, recency: number, T: number): number {
  const [r, alpha, s, beta] = read(params);
  checkHistory(frequency, recency, T);
  if (!(delta > 0) || !Number.isFinite(delta)) {
    throw new ModelError(`${MODEL}: the discount rate must be a positive number, found ${delta}`, {
      hint: 'give a continuous rate per period, e.g. ln(1.15)/52 for 15% a year with weekly periods',
    });
  }
  const alive = probabilityAlive(params, frequency, recency, T);
  const argument = delta * (beta + T);
  const logValue =
    Math.log(r + frequency) - Math.log(alpha + T) + Math.log(beta + T) + (s - 1) * Math.log(argument) + logHyperUDiagonal(s, argument);
  return alive * Math.exp(logValue);
}

/**
 * Probability of at least one purchase in (T, T + t] for a customer with history (x, t_x, T):
 *
 *   P = P(alive) · E[λ/(λ + μ) · (1 − e^(−(λ+μ)t))] = P(alive) · ∫₀ᵗ E[λe^(−λu)] E[e^(−μu)] du
 *     = P(alive) · ∫₀ᵗ (R/A)(A/(A + u))^(R+1) (B/(B + u))^S du,
 *
 * with R = r + x, A = α + T, S = s, B = β + T: alive at T, λ ~ Gamma(R, A) and μ ~ Gamma(S, B)
 * independently (the "alive" term of the likelihood is λˣe^(−λT)·e^(−μT)); by memorylessness the first
 * purchase after T comes at rate λ and competes with the death at rate μ, so its density at T + u is
 * λe^(−(λ+μ)u). Computed by the substitution F = 1 − (A/(A + u))^R (the NBD waiting-time distribution),
 *
 *   ∫₀^F(t) g(F) dF,   g(F) = (1 + (A/B)(e^y − 1))^(−S),  y = −ln(1 − F)/R,
 *
 * an integrand between 0 and 1, decreasing, integrated by adaptive Gauss-Kronrod ({@link integrate}) to
 * 1e-12 of F(t). For α = β (A = B) it is R/(R + S)·(1 − (A/(A + t))^(R+S)).
 *
 * Cost: two ₂F₁ evaluations (P(alive)) and 15 integrand evaluations per quadrature piece (usually 1-4).
 *
 * @throws {ModelError} for non-positive parameters, an invalid history or a negative t
 */
export function probabilityPurchaseWithin(params: Readonly<Record<string, number>>, t: number, frequency: number, recency: number, T: number): number {
  const [r, alpha, s, beta] = read(params);
  checkHistory(frequency, recency, T);
  checkHorizon(t);
  if (t === 0) return 0;
  const alive = probabilityAlive(params, frequency, recency, T);
  const shape = r + frequency;
  const upper = -Math.expm1(-shape * Math.log1p(t / (alpha + T)));
  return alive * Math.min(1, purchaseIntegral(waitingIntegrand(shape, alpha + T, s, beta + T), 0, upper));
}

/** g(F) of {@link probabilityPurchaseWithin}: (1 + (A/B)·expm1(y))^(−S), y = −log1p(−F)/R. */
function waitingIntegrand(shape: number, ageA: number, s: number, ageB: number): (F: number) => number {
  const ratio = ageA / ageB;
  return (F: number): number => {
    if (F >= 1) return 0;
    const y = -Math.log1p(-F) / shape;
    return Math.exp(-s * Math.log1p(ratio * Math.expm1(y)));
  };
}

/**
 * ∫_{F₀}^1 g(F) dF of {@link probabilityPurchaseWithin}, in y = −ln(1 − F)/R, where it is
 * ∫ R e^(−Ry) (1 + (A/B)(e^y − 1))^(−S) dy: no endpoint singularity (in F the integrand behaves like
 * (1 − F)^(S/R) at 1, which adaptive quadrature resolves only with dozens of bisections), an exponential
 * tail ≈ R (B/A)^S e^(−(R+S)y), integrated to Y with e^(−(R+S)Y) ≈ 1e-16 and the rest added in closed form.
 */
function everBuysAfter(shape: number, ageA: number, s: number, ageB: number, from: number): number {
  const start = -Math.log1p(-from) / shape;
  const ratio = ageA / ageB;
  const end = start + (37 + Math.max(0, s * Math.log(1 / ratio))) / (shape + s);
  const f = (y: number): number => shape * Math.exp(-shape * y - s * Math.log1p(ratio * Math.expm1(y)));
  const tail = (shape / (shape + s)) * Math.exp(-(shape + s) * end - s * Math.log(ratio));
  return integrate(f, start, end, 1e-13) + tail;
}

function purchaseIntegral(g: (F: number) => number, from: number, to: number): number {
  return integrate(g, from, to, 1e-12 * Math.max(to - from, 1e-300));
}

/**
 * Probability that a customer with history (x, t_x, T) is alive at T + t: P(alive at T) · E[e^(−μt)] =
 * P(alive at T) · ((β + T)/(β + T + t))^s (alive at T, μ ~ Gamma(s, β + T); the lifetime is memoryless).
 *
 * Cost: two ₂F₁ evaluations.
 *
 * @throws {ModelError} for non-positive parameters, an invalid history or a negative t
 */
export function probabilityAliveAfter(params: Readonly<Record<string, number>>, t: number, frequency: number, recency: number, T: number): number {
  const [, , s, beta] = read(params);
  checkHorizon(t);
  const alive = probabilityAlive(params, frequency, recency, T);
  return t === 0 ? alive : alive * Math.exp(-s * Math.log1p(t / (beta + T)));
}

/**
 * Median time to the next purchase of a customer alive at T, in model periods: the u at which the
 * probability of a purchase in (T, T + u] given alive at T (the integral of {@link probabilityPurchaseWithin})
 * reaches ½; Infinity when it never does (the customer is more likely to die than to buy again:
 * E[λ/(λ + μ)] < ½). Solved in F by Newton's method from F = ½ (the integral is concave in F and at most F,
 * so the iterates rise monotonically to the root), adding the integral piece by piece; then
 * u = (α + T)·(e^y − 1), y = −ln(1 − F)/(r + x).
 *
 * Cost: a quadrature over (0, 1) and a few Newton steps, each a quadrature piece.
 *
 * @throws {ModelError} for non-positive parameters or an invalid history
 */
export function medianTimeToPurchase(params: Readonly<Record<string, number>>, frequency: number, recency: number, T: number): number {
  const [r, alpha, s, beta] = read(params);
  checkHistory(frequency, recency, T);
  const shape = r + frequency;
  const g = waitingIntegrand(shape, alpha + T, s, beta + T);
  const half = purchaseIntegral(g, 0, 0.5);
  if (!(half + everBuysAfter(shape, alpha + T, s, beta + T, 0.5) >= 0.5)) return Infinity;
  let F = 0.5;
  let value = half;
  for (let i = 0; i < 100 && 0.5 - value > 1e-13; i++) {
    const slope = g(F);
    const next = Math.min(F + (0.5 - value) / slope, F + (1 - F) / 2);
    if (!(next > F)) break;
    value += purchaseIntegral(g, F, next);
    F = next;
  }
  return (alpha + T) * Math.expm1(-Math.log1p(-F) / shape);
}

/**
 * Simulates customers from the Pareto/NBD process: λ ~ Gamma(r, scale 1/α), μ ~ Gamma(s, scale 1/β), a
 * lifetime ω ~ Exponential(μ) from the first purchase at 0, and purchases at the times of a Poisson process
 * with rate λ in (0, min(ω, T)]. Returns frequency, recency and T per customer (and the purchase times).
 *
 * Cost: O(customers + purchases).
 *
 * @throws {ModelError} for non-positive parameters; {RangeError} for a bad customer count or T
 * @example
 * simulate({ r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }, { customers: 1000, T: 39 }, createRng(1)).frequency.length // => 1000
 */
export function simulate(params: Readonly<Record<string, number>>, options: SimulateOptions, rng: Rng): SimulatedRfm {
  const [r, alpha, s, beta] = read(params);
  const { customers, keepTimes = false } = options;
  if (!(Number.isInteger(customers) && customers >= 0)) throw new RangeError(`customers must be a non-negative integer, found ${customers}`);
  if (typeof options.T !== 'number' && options.T.length !== customers) {
    throw new RangeError(`T has ${options.T.length} entries for ${customers} customers`);
  }
  const frequency = new Array<number>(customers);
  const recency = new Array<number>(customers);
  const ages = new Array<number>(customers);
  const times: number[][] | undefined = keepTimes ? [] : undefined;
  for (let i = 0; i < customers; i++) {
    const T = typeof options.T === 'number' ? options.T : options.T[i];
    if (!(T > 0) || !Number.isFinite(T)) throw new RangeError(`T must be a positive number, found ${T} for customer ${i}`);
    const lambda = rng.gamma(r, 1 / alpha);
    const mu = rng.gamma(s, 1 / beta);
    const lifetime = -Math.log(rng.uniform()) / mu;
    const end = Math.min(lifetime, T);
    const purchases: number[] = [];
    let time = 0;
    if (lambda > 0) {
      for (;;) {
        time += -Math.log(rng.uniform()) / lambda;
        if (time > end) break;
        purchases.push(time);
      }
    }
    frequency[i] = purchases.length;
    recency[i] = purchases.length > 0 ? purchases[purchases.length - 1] : 0;
    ages[i] = T;
    if (times !== undefined) times.push(purchases);
  }
  return times === undefined ? { frequency, recency, T: ages } : { frequency, recency, T: ages, times };
}
