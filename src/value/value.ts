/**
 * The valuation of a portfolio: per-customer CLV from a fitted purchase model and spend model, customer
 * equity, its deciles and segments, the retention-formula baseline per segment and a retention what-if.
 * Pure: the command reads the data and fits the models.
 */
import { rowIndex } from '../models/compress.js';
import type { CustomerHistory } from '../core/types.js';
import type { ModelInput } from '../accumulate/model-input.js';
import { withLowerDropout, PURCHASE_MODELS, type PurchaseModel, type PurchaseModelName } from '../models/registry.js';
import { dert } from '../models/pareto-nbd.js';
import type { FittedModel } from '../models/types.js';
import { discountedTransactions, retentionFormulaClv, sharedNumerators, spendOf, stepRate, type ClvSettings } from './clv.js';
import type { SegmentValue, ValueDecile, ValueResult } from './types.js';
import type { SpendMethod } from './fit-valuation.js';
import { equityDraws, logCovariance, purchaseSensitivity, quadratic, sortedQuantile, spendGradient, zOf } from './uncertainty.js';
import type { Lookup } from '../core/types.js';
import { SegmentCodes, valueRecords, type ValueColumns } from './value-columns.js';


export interface ValueOptions {
  asOf: string;
  period: { name: string; days: number };
  purchaseModel: FittedModel;
  spendModel: FittedModel | null;
  /**
   * Without a spend model: 'observed-mean' values each customer's transactions at their own mean repeat
   * spend (the mean over repeat customers for the others), 'portfolio-mean' everyone's at the portfolio's
   * mean repeat spend. Default 'portfolio-mean' (`--no-spend-model`); ignored with a spend model.
   */
  spendMethod?: SpendMethod;
  /** Why the spend model is not used (for the warning), when the fallback replaces it. */
  spendFallbackReason?: string | null;
  /** Horizon: number of steps and the step length in days (e.g. 12 steps of 30.4375 days). */
  horizonSteps: number;
  stepDays: number;
  stepName: string;
  annualDiscountRate: number;
  margin: { share: number; source: string };
  /** Segment of each customer id (RFM), when known. */
  segments?: Lookup<string | null>;
  /** Histories for the baseline formula (retention and margin per segment over the last year). */
  histories?: Iterable<CustomerHistory>;
  /** Segments a year before as-of, for the baseline retention. */
  earlierSegments?: Lookup<string>;
  asOfDay?: number;
  /** Collection rate per customer (1 = everything invoiced is collected), for --collected. */
  collectionRates?: Lookup<number>;
  retentionUplift?: number;
  /**
   * Intervals from parameter uncertainty: the level (e.g. 0.9; 0 or absent: none), the number of draws for
   * the equity (default 200) and the seed (default 16). See uncertainty.ts and docs/value.md.
   */
  interval?: { level: number; draws?: number; seed?: number };
  /** Windows in days after as-of: P(at least one purchase within each), and the median days to the next purchase. */
  withinDays?: number[];
  /** Days after as-of: P(alive) then. */
  aliveAtDays?: number[];
}

const YEAR = 365.25;

/**
 * Baseline retention and margin per segment, one year back: of the customers in segment S a year before as-of
 * (`earlierSegments`, segmented on their history up to then), the share who bought again in the following
 * year (r), and the mean yearly margin of those who did (m). Segments defined by recency would otherwise
 * retain 100% by construction.
 */
export function segmentBaseline(
  histories: Iterable<CustomerHistory>,
  asOfDay: number,
  earlierSegments: Lookup<string>,
  marginShare: number,
): Map<string, { retention: number | null; marginPerYear: number | null }> {
  const yearStart = asOfDay - YEAR;
  const stats = new Map<string, { customers: number; retained: number; revenue: number }>();
  for (const h of histories) {
    const segment = earlierSegments.get(h.id);
    if (segment === undefined) continue;
    const s = stats.get(segment) ?? { customers: 0, retained: 0, revenue: 0 };
    let revenue = 0;
    let bought = false;
    h.days.forEach((d, i) => {
      if (d > yearStart && d <= asOfDay) {
        bought = true;
        revenue += h.amounts[i];
      }
    });
    s.customers++;
    if (bought) {
      s.retained++;
      s.revenue += revenue;
    }
    stats.set(segment, s);
  }
  const out = new Map<string, { retention: number | null; marginPerYear: number | null }>();
  for (const [segment, s] of stats) {
    out.set(segment, {
      retention: s.customers > 0 ? s.retained / s.customers : null,
      marginPerYear: s.retained > 0 ? (s.revenue / s.retained) * marginShare : null,
    });
  }
  return out;
}

/** Values every customer and the portfolio. */
export function valuePortfolio(input: ModelInput, options: ValueOptions): ValueResult {
  const modelName = options.purchaseModel.model as PurchaseModelName;
  const model = PURCHASE_MODELS[modelName];
  const params = options.purchaseModel.params;
  const warnings: string[] = [];
  const settings: ClvSettings = {
    steps: options.horizonSteps,
    stepPeriods: options.stepDays / options.period.days,
    stepRate: stepRate(options.annualDiscountRate, options.stepDays),
  };
  // Fallback spend: the mean repeat spend of repeat customers.
  let spendSum = 0;
  let spendCount = 0;
  for (let i = 0; i < input.ids.length; i++) {
    if (input.frequency[i] > 0) {
      spendSum += input.monetaryValue[i];
      spendCount++;
    }
  }
  const fallbackSpend = spendCount > 0 ? spendSum / spendCount : 0;
  const method: SpendMethod = options.spendModel ? 'gammagamma' : (options.spendMethod === 'observed-mean' ? 'observed-mean' : 'portfolio-mean');
  // Observed-mean fallback: a customer's own mean repeat spend; the mean over repeat customers with a
  // positive one for customers without (no repeat purchase, or returns exceeding purchases).
  let positiveSum = 0;
  let positiveCount = 0;
  for (let i = 0; i < input.ids.length; i++) {
    if (input.frequency[i] > 0 && input.monetaryValue[i] > 0) {
      positiveSum += input.monetaryValue[i];
      positiveCount++;
    }
  }
  const populationMean = method === 'observed-mean' ? (positiveCount > 0 ? positiveSum / positiveCount : 0) : fallbackSpend;
  const reason = options.spendFallbackReason ? ` (${options.spendFallbackReason})` : '';
  if (method === 'portfolio-mean') warnings.push(`no spend model${reason}: every customer's transactions are valued at the portfolio's mean repeat spend ${fallbackSpend.toFixed(2)}`);
  if (method === 'observed-mean') {
    warnings.push(
      `spend: the Gamma-Gamma model is not used${reason}; each customer's transactions are valued at their own observed mean repeat spend ` +
        `(${populationMean.toFixed(2)}, the mean over ${positiveCount} repeat customers, for the ${input.ids.length - positiveCount} without a positive one)`,
    );
  }
  const spendFor = (f: number, m: number): number =>
    method === 'observed-mean' ? (f > 0 && m > 0 ? m : populationMean) : spendOf(options.spendModel, fallbackSpend, f, m);
  const baseline = options.histories && options.earlierSegments && options.asOfDay !== undefined
    ? segmentBaseline(options.histories, options.asOfDay, options.earlierSegments, options.margin.share)
    : null;
  const d = options.annualDiscountRate;
  const n = input.ids.length;
  // The model's figures depend on the customer only through (frequency, recency, T): computed once per
  // distinct tuple (638k of 1M customers in the weekly benchmark data, 74k of 100k).
  const tuples = rowIndex([input.frequency, input.recency, input.T]);
  const tupleDiscounted = new Float64Array(tuples.distinct).fill(Number.NaN);
  const tupleTotal = new Float64Array(tuples.distinct);
  const tuplePAlive = new Float64Array(tuples.distinct);
  // The BG/NBD family's expectations have a part that depends on (frequency, T) only (a ₂F₁ per step):
  // computed once per distinct pair when pairs are much fewer than tuples (weekly data: ~30k pairs for 400k tuples).
  const shared = sharedNumerators(input.frequency, input.T, settings.steps, tuples.distinct);
  const numerators = shared.make();
  for (let i = 0; i < n; i++) {
    const k = tuples.index[i];
    if (!Number.isNaN(tupleDiscounted[k])) continue;
    const f = input.frequency[i];
    const r = input.recency[i];
    const T = input.T[i];
    const d = discountedTransactions(model, params, settings, f, r, T, shared.of(numerators, i));
    tupleDiscounted[k] = d.discounted;
    tupleTotal[k] = d.total;
    tuplePAlive[k] = model.probabilityAlive(params, f, r, T);
  }
  // The per-customer scores are written into the columns customer by customer; the intervals' warnings come
  // after the valuation's own.
  const shortHorizon = shortHorizonScorer(model, params, input, tuples, options);
  const intervalWarnings: string[] = [];
  const intervals = options.interval && options.interval.level > 0
    ? intervalScorer(model, params, settings, input, tuples, { alive: tuplePAlive, total: tupleTotal, discounted: tupleDiscounted }, options, method, intervalWarnings)
    : undefined;
  // The customers are stored by column as they are valued (value-columns.ts): a million customers' records
  // as objects are about 1 GB, and were most of the valuation's time and garbage.
  const margin = options.margin.share;
  const clvOf = new Float64Array(n);
  const spendOf_ = new Float64Array(n);
  const segmentCodes = new SegmentCodes(n);
  /** Per segment code: the segment's baseline retention and margin, and its baseline CLV. */
  const baselineOf: ({ retention: number | null; marginPerYear: number | null } | undefined)[] = [];
  const baselineClvOf: (number | null)[] = [];
  // Pareto/NBD: the DERT at the continuous rate per model period equivalent to the annual rate.
  const delta = Math.log(1 + d) * (options.period.days / 365.25);
  const paretoNbd = modelName === 'paretonbd';
  const dertOf = new Float64Array(paretoNbd ? n : 0);
  const dertOfCustomer = paretoNbd ? onePerTuple(input, tuples, (f, r, T) => (d > 0 ? dert(params, delta, f, r, T) : Infinity)) : null;
  const segmentsOf = options.segments;
  let infinite = false;
  let negativeZero = false;
  for (let i = 0; i < n; i++) {
    const f = input.frequency[i];
    const k = tuples.index[i];
    const spend = spendFor(f, input.monetaryValue[i]);
    const clv = tupleDiscounted[k] * spend * margin;
    spendOf_[i] = spend;
    clvOf[i] = clv;
    const segment = segmentsOf?.get(input.ids[i]) ?? null;
    const code = segmentCodes.set(i, segment);
    if (code === baselineOf.length) {
      const base = segment !== null ? baseline?.get(segment) : undefined;
      baselineOf.push(base);
      baselineClvOf.push(base && base.retention !== null && base.marginPerYear !== null ? retentionFormulaClv(base.marginPerYear, base.retention, d) : null);
    }
    if (dertOfCustomer) dertOf[i] = dertOfCustomer(i);
    shortHorizon?.score(i);
    intervals?.score(i, spend, clv);
    if (!Number.isFinite(clv)) infinite = true;
    else if (Object.is(clv, -0)) negativeZero = true;
  }
  const customers = valueRecords({
    ids: input.ids.slice(),
    frequency: input.frequency.slice(),
    recency: input.recency.slice(),
    T: input.T.slice(),
    tupleOf: tuples.index,
    pAlive: tuplePAlive,
    expectedTransactions: tupleTotal,
    expectedSpend: spendOf_,
    margin,
    clv: clvOf,
    pastRevenue: input.revenue ? input.revenue.slice() : null,
    segmentCodes: segmentCodes.codes,
    segments: segmentCodes.names,
    baselineClv: baselineClvOf,
    dert: paretoNbd ? dertOf : null,
    shortHorizon: shortHorizon?.columns ?? null,
    intervals: intervals?.columns ?? null,
  });
  if (infinite) {
    warnings.push('the Gamma-Gamma spend model has q <= 1: expected spend is infinite, so CLV is infinite for some customers; use --no-spend-model or more data');
  }
  warnings.push(...intervalWarnings);
  let equity = 0;
  for (let i = 0; i < n; i++) equity += clvOf[i];
  const fresh = discountedTransactions(model, params, settings, 0, 0, 0);
  const freshSpend = spendFor(0, 0);
  const newCustomer = { expectedTransactions: fresh.total, expectedSpend: freshSpend, clv: fresh.discounted * freshSpend * options.margin.share };
  // Deciles by CLV, highest first. With every CLV finite and none -0, the comparator's order is the numeric
  // order reversed, its ties equal to the bit: sorted without it (1M customers: 0.6-1.6 -> 0.1-0.2 s).
  const sorted = Float64Array.from(clvOf);
  if (!infinite && !negativeZero) sorted.sort().reverse();
  else sorted.sort((a, b) => b - a);
  const deciles: ValueDecile[] = [];
  for (let k = 0; k < 10; k++) {
    const from = Math.floor((k * n) / 10);
    const to = Math.floor(((k + 1) * n) / 10);
    if (to === from) continue;
    let clv = 0;
    for (let i = from; i < to; i++) clv += sorted[i];
    deciles.push({ decile: k + 1, customers: to - from, clv, shareOfEquity: equity !== 0 ? clv / equity : 0, minClv: sorted[to - 1], maxClv: sorted[from] });
  }
  const segments: SegmentValue[] = [];
  if (options.segments) {
    // Summed by segment code in the customers' order; the codes' groups in order of first appearance (no segment
    // and a segment named '(none)' are one group).
    const groups = new Map<string, { customers: number; clv: number; pAlive: number }>();
    const groupOf = segmentCodes.names.map((name) => {
      const key = name ?? '(none)';
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { customers: 0, clv: 0, pAlive: 0 }));
      return g;
    });
    const codes = segmentCodes.codes;
    for (let i = 0; i < n; i++) {
      const g = groupOf[codes[i]];
      g.customers++;
      g.clv += clvOf[i];
      g.pAlive += tuplePAlive[tuples.index[i]];
    }
    for (const [segment, g] of groups) {
      const base = baseline?.get(segment);
      segments.push({
        segment,
        customers: g.customers,
        clv: g.clv,
        shareOfEquity: equity !== 0 ? g.clv / equity : 0,
        meanClv: g.clv / g.customers,
        meanPAlive: g.pAlive / g.customers,
        retention: base?.retention ?? null,
        marginPerPeriod: base?.marginPerYear ?? null,
        baselineClv: base && base.retention !== null && base.marginPerYear !== null ? retentionFormulaClv(base.marginPerYear, base.retention, d) : null,
      });
    }
    segments.sort((a, b) => b.clv - a.clv);
  }
  let collected: ValueResult['collected'] = null;
  if (options.collectionRates) {
    let after = 0;
    for (let i = 0; i < n; i++) after += clvOf[i] * (options.collectionRates.get(input.ids[i]) ?? 1);
    collected = { equity: after, removed: equity - after };
  }
  let whatIf: ValueResult['whatIf'] = null;
  if (options.retentionUplift !== undefined) {
    const u = options.retentionUplift;
    let baselineEquity = 0;
    let baselineAfter = 0;
    for (let i = 0; i < n; i++) {
      const base = baselineOf[segmentCodes.codes[i]];
      if (!base || base.retention === null || base.marginPerYear === null) continue;
      baselineEquity += retentionFormulaClv(base.marginPerYear, base.retention, d);
      baselineAfter += retentionFormulaClv(base.marginPerYear, Math.min(0.999, base.retention + u), d);
    }
    // Models: the dropout lowered in proportion to the baseline churn reduction, (1 - r - u) / (1 - r).
    let totalBefore = 0;
    let retainedBefore = 0;
    for (const s of baseline?.values() ?? []) if (s.retention !== null) {
      retainedBefore += s.retention;
      totalBefore++;
    }
    const meanRetention = totalBefore > 0 ? retainedBefore / totalBefore : 0.5;
    const factor = Math.max(0.01, (1 - meanRetention - u) / (1 - meanRetention));
    const liftedParams = withLowerDropout(modelName, params, factor);
    let modelAfter = 0;
    const discountedAfter = onePerTuple(input, tuples, (f, r, T) => discountedTransactions(model, liftedParams, settings, f, r, T).discounted);
    for (let i = 0; i < n; i++) modelAfter += discountedAfter(i) * spendOf_[i] * options.margin.share;
    whatIf = { retentionUplift: u, baselineEquity, baselineEquityAfter: baselineAfter, modelEquityAfter: modelAfter };
  }
  return {
    asOf: options.asOf,
    period: options.period,
    purchaseModel: options.purchaseModel,
    spendModel: options.spendModel,
    spend: { method, fallbackReason: options.spendModel ? null : (options.spendFallbackReason ?? null), populationMean: options.spendModel ? null : populationMean },
    horizon: { periods: options.horizonSteps, unit: options.stepName, steps: options.horizonSteps },
    discount: {
      annualRate: d,
      perStep: settings.stepRate,
      formula: `per ${options.stepName}: (1 + ${d})^(${options.stepDays.toFixed(4)} / 365.25) - 1 = ${settings.stepRate.toPrecision(6)}; each ${options.stepName}'s expected contribution discounted at its end`,
    },
    margin: options.margin,
    equity,
    collected,
    deciles,
    segments,
    whatIf,
    customers,
    warnings,
    newCustomer,
    ...(intervals ? { intervals: intervals.finish() } : {}),
    ...(shortHorizon ? { shortHorizon: shortHorizon.result } : {}),
  };
}

/**
 * `value(frequency, recency, T)` of customer i by `of(i)`, computed once per distinct tuple (from the first
 * customer of the tuple asked for) and again for a customer whose frequency, recency or T has other bits than
 * that customer's (tuples are equal under ===: a -0 shares the tuple of a 0). With the customers asked for in
 * order, an error of `value` comes at the customer where computing it customer by customer would throw first.
 */
function onePerTuple(
  input: ModelInput,
  tuples: { index: Int32Array; distinct: number },
  value: (frequency: number, recency: number, T: number) => number,
): (i: number) => number {
  const { frequency, recency, T } = input;
  const first = new Int32Array(tuples.distinct).fill(-1);
  const values = new Float64Array(tuples.distinct);
  return (i) => {
    const k = tuples.index[i];
    let j = first[k];
    if (j < 0) {
      first[k] = j = i;
      values[k] = value(frequency[i], recency[i], T[i]);
    }
    const sameBits = j === i || (Object.is(frequency[i], frequency[j]) && Object.is(recency[i], recency[j]) && Object.is(T[i], T[j]));
    return sameBits ? values[k] : value(frequency[i], recency[i], T[i]);
  };
}

/**
 * P(at least one purchase within each window), the median days to the next purchase (with windows), and
 * P(alive) at each future day, once per distinct (frequency, recency, T) tuple, when customer i of the tuple
 * is scored (`score(i)`), into the columns of `columns`; undefined when no window or day is asked.
 */
function shortHorizonScorer(
  model: PurchaseModel,
  params: Readonly<Record<string, number>>,
  input: ModelInput,
  tuples: { index: Int32Array; distinct: number },
  options: ValueOptions,
): { score: (i: number) => void; columns: NonNullable<ValueColumns['shortHorizon']>; result: NonNullable<ValueResult['shortHorizon']> } | undefined {
  const within = options.withinDays ?? [];
  const aliveAt = options.aliveAtDays ?? [];
  if (within.length === 0 && aliveAt.length === 0) return undefined;
  const days = options.period.days;
  const done = new Uint8Array(tuples.distinct);
  const buy = within.map(() => new Float64Array(tuples.distinct));
  const alive = aliveAt.map(() => new Float64Array(tuples.distinct));
  const median = new Float64Array(within.length > 0 ? tuples.distinct : 0);
  const score = (i: number): void => {
    const k = tuples.index[i];
    if (done[k] !== 0) return;
    done[k] = 1;
    const f = input.frequency[i];
    const r = input.recency[i];
    const T = input.T[i];
    within.forEach((d, j) => (buy[j][k] = model.probabilityPurchaseWithin(params, d / days, f, r, T)));
    aliveAt.forEach((d, j) => (alive[j][k] = model.probabilityAliveAfter(params, d / days, f, r, T)));
    if (within.length > 0) median[k] = model.medianTimeToPurchase(params, f, r, T) * days;
  };
  return { score, columns: { median, within: buy, aliveAt: alive }, result: { withinDays: [...within], aliveAtDays: [...aliveAt] } };
}

/** `column` at each of `rows`. */
function rowsOf(column: ArrayLike<number>, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (i) => column[i]);
}

/** The bounds of the central interval of `value` with log-scale variance `variance` at z: [null, null] where it is not finite. */
function band(value: number, variance: number, z: number, low: Float64Array, high: Float64Array, at: number): void {
  if (!Number.isFinite(value)) return;
  if (!(value > 0)) {
    low[at] = value;
    high[at] = value;
    return;
  }
  const spread = z * Math.sqrt(Math.max(0, variance));
  low[at] = value * Math.exp(-spread);
  high[at] = value * Math.exp(spread);
}

/**
 * Intervals of P(alive), expected transactions, expected spend and CLV from the parameters' asymptotic
 * normal (uncertainty.ts): P(alive)'s and the expected transactions' once per tuple, the spend's and the CLV's
 * when customer i is scored (`score(i, expected spend, clv)`), into `columns`; the equity's and the mean CLV's
 * from draws by `finish()`, once every customer is scored. Its warnings go to `warnings`.
 */
function intervalScorer(
  model: PurchaseModel,
  params: Readonly<Record<string, number>>,
  settings: ClvSettings,
  input: ModelInput,
  tuples: { index: Int32Array; distinct: number },
  base: { alive: Float64Array; total: Float64Array; discounted: Float64Array },
  options: ValueOptions,
  method: SpendMethod,
  warnings: string[],
): { score: (i: number, spend: number, clv: number) => void; columns: ValueColumns['intervals']; finish: () => NonNullable<ValueResult['intervals']> } {
  const level = options.interval!.level;
  const draws = options.interval!.draws ?? 200;
  const seed = options.interval!.seed ?? 16;
  const methodText = 'first-order expansion on the log (logit for P(alive)) scale about the estimate, parameters ~ asymptotic normal on the log scale; equity by draws';
  const purchaseCov = logCovariance(options.purchaseModel);
  const none = { level, available: false, method: methodText, draws, seed, spendUncertainty: false, equity: null, meanClv: null };
  if (purchaseCov === null) {
    warnings.push('no intervals: the purchase model has no covariance matrix (a model saved before it was kept, or a Hessian that is not positive definite); refit it');
    return { score: () => {}, columns: null, finish: () => none };
  }
  const spendCov = method === 'gammagamma' && options.spendModel ? logCovariance(options.spendModel) : null;
  if (method === 'gammagamma' && spendCov === null) warnings.push('intervals: the spend model has no covariance matrix, so its parameters are taken as known');
  if (method !== 'gammagamma') warnings.push('intervals: spend is not modelled (observed or portfolio means), so the intervals reflect the purchase model\'s parameters only');
  // the first customer of each distinct tuple
  const first = new Int32Array(tuples.distinct).fill(-1);
  const n = tuples.index.length;
  for (let i = 0; i < n; i++) if (first[tuples.index[i]] < 0) first[tuples.index[i]] = i;
  // Destructured: the closures below keep the variables they read (and only those) until the valuation ends;
  // the gradients of P(alive) and of the transactions (40 MB at 1M customers) are not among them.
  const { k, alive: aliveGrad, total: totalGrad, discounted: purchaseGrad } = purchaseSensitivity(
    model, params, settings, rowsOf(input.frequency, first), rowsOf(input.recency, first), rowsOf(input.T, first), base,
  );
  const z = zOf(level);
  // P(alive) and the expected transactions, per tuple
  const distinct = tuples.distinct;
  const columns = {
    pAliveLow: new Float64Array(distinct),
    pAliveHigh: new Float64Array(distinct),
    expectedTransactionsLow: new Float64Array(distinct),
    expectedTransactionsHigh: new Float64Array(distinct),
    expectedSpendLow: new Float64Array(n),
    expectedSpendHigh: new Float64Array(n),
    clvLow: new Float64Array(n),
    clvHigh: new Float64Array(n),
  };
  for (let t = 0; t < distinct; t++) {
    const o = t * k;
    const p = base.alive[t];
    if (p > 0 && p < 1) {
      const spread = z * Math.sqrt(Math.max(0, quadratic(aliveGrad, o, purchaseCov)));
      const l = Math.log(p) - Math.log1p(-p);
      columns.pAliveLow[t] = 1 / (1 + Math.exp(-(l - spread)));
      columns.pAliveHigh[t] = 1 / (1 + Math.exp(-(l + spread)));
    } else {
      columns.pAliveLow[t] = p;
      columns.pAliveHigh[t] = p;
    }
    band(base.total[t], quadratic(totalGrad, o, purchaseCov), z, columns.expectedTransactionsLow, columns.expectedTransactionsHigh, t);
  }
  const spendGrad = spendCov ? new Float64Array(3 * n) : null;
  const clv = new Float64Array(n);
  const spendParams = options.spendModel?.params;
  const score = (i: number, spend: number, customerClv: number): void => {
    let spendVariance = 0;
    if (spendGrad && spendCov) {
      spendGradient(spendParams!, input.frequency[i], input.monetaryValue[i], spendGrad, 3 * i);
      spendVariance = quadratic(spendGrad, 3 * i, spendCov);
    }
    band(spend, spendVariance, z, columns.expectedSpendLow, columns.expectedSpendHigh, i);
    band(customerClv, quadratic(purchaseGrad, tuples.index[i] * k, purchaseCov) + spendVariance, z, columns.clvLow, columns.clvHigh, i);
    clv[i] = Number.isFinite(customerClv) ? customerClv : 0;
  };
  const finish = (): NonNullable<ValueResult['intervals']> => {
    const sums = equityDraws({ clv, tupleOf: tuples.index, purchaseGrad, k, purchaseCov, spendGrad, spendCov, draws, seed });
    const lower = (1 - level) / 2;
    const equity: [number, number] = [sortedQuantile(sums, lower), sortedQuantile(sums, 1 - lower)];
    const count = Math.max(1, n);
    return { level, available: true, method: methodText, draws, seed, spendUncertainty: spendCov !== null, equity, meanClv: [equity[0] / count, equity[1] / count] };
  };
  return { score, columns, finish };
}
