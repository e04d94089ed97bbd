/**
 * valuePortfolio as it was before the customers were stored by column (src/value/value.ts at e4df980: one
 * CustomerValue object per customer, pushed into a RecordListBuilder), kept verbatim as the reference that
 * value-columns.test.ts compares the columnar valuation with, record by record and bit for bit.
 */
import { rowIndex } from '../../src/models/compress.js';
import type { ModelInput } from '../../src/accumulate/model-input.js';
import { withLowerDropout, PURCHASE_MODELS, type PurchaseModel, type PurchaseModelName } from '../../src/models/registry.js';
import { dert } from '../../src/models/pareto-nbd.js';
import { discountedTransactions, retentionFormulaClv, sharedNumerators, spendOf, stepRate, type ClvSettings } from '../../src/value/clv.js';
import type { CustomerValue, SegmentValue, ValueDecile, ValueResult } from '../../src/value/types.js';
import type { SpendMethod } from '../../src/value/fit-valuation.js';
import { equityDraws, logCovariance, purchaseSensitivity, quadratic, sortedQuantile, spendGradient, zOf } from '../../src/value/uncertainty.js';
import { RecordListBuilder } from '../../src/core/record-columns.js';
import { segmentBaseline, type ValueOptions } from '../../src/value/value.js';


/** Values every customer and the portfolio (the code before the columns). */
export function valuePortfolioBefore(input: ModelInput, options: ValueOptions): ValueResult {
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
  // The per-customer scores are written into each customer as it is made; its intervals' warnings come
  // after the valuation's own.
  const shortHorizon = shortHorizonScorer(model, params, input, tuples, options);
  const intervalWarnings: string[] = [];
  const intervals = options.interval && options.interval.level > 0
    ? intervalScorer(model, params, settings, input, tuples, { alive: tuplePAlive, total: tupleTotal, discounted: tupleDiscounted }, options, method, intervalWarnings)
    : undefined;
  // The customers are stored by column a part at a time (a million customers' records as objects are about
  // 1 GB); the figures the portfolio needs are kept as columns.
  const built = new RecordListBuilder<CustomerValue>();
  const clvOf = new Float64Array(n);
  const spendOf_ = new Float64Array(n);
  const pAliveOf = new Float64Array(n);
  const segmentOf: (string | null)[] = new Array(n);
  let infinite = false;
  for (let i = 0; i < n; i++) {
    const f = input.frequency[i];
    const r = input.recency[i];
    const T = input.T[i];
    const k = tuples.index[i];
    const discounted = tupleDiscounted[k];
    const total = tupleTotal[k];
    const spend = spendFor(f, input.monetaryValue[i]);
    const segment = options.segments?.get(input.ids[i]) ?? null;
    const base = segment !== null ? baseline?.get(segment) : undefined;
    const c: CustomerValue = {
      customerId: input.ids[i],
      frequency: f,
      recency: r,
      T,
      pAlive: tuplePAlive[k],
      expectedTransactions: total,
      expectedSpend: spend,
      margin: options.margin.share,
      clv: discounted * spend * options.margin.share,
      pastRevenue: input.revenue ? input.revenue[i] : null,
      segment,
      baselineClv: base && base.retention !== null && base.marginPerYear !== null ? retentionFormulaClv(base.marginPerYear, base.retention, d) : null,
    };
    if (modelName === 'paretonbd') {
      // Continuous rate per model period equivalent to the annual rate.
      const delta = Math.log(1 + d) * (options.period.days / 365.25);
      const residual = d > 0 ? dert(params, delta, f, r, T) : Infinity;
      c.dert = residual;
      c.clvInfinite = residual * spend * options.margin.share;
    }
    shortHorizon?.score(c, i);
    intervals?.score(c, i);
    clvOf[i] = c.clv;
    spendOf_[i] = c.expectedSpend;
    pAliveOf[i] = c.pAlive;
    segmentOf[i] = c.segment;
    if (!Number.isFinite(c.clv)) infinite = true;
    built.push(c);
  }
  const customers = built.finish();
  if (infinite) {
    warnings.push('the Gamma-Gamma spend model has q <= 1: expected spend is infinite, so CLV is infinite for some customers; use --no-spend-model or more data');
  }
  warnings.push(...intervalWarnings);
  let equity = 0;
  for (let i = 0; i < n; i++) equity += clvOf[i];
  const fresh = discountedTransactions(model, params, settings, 0, 0, 0);
  const freshSpend = spendFor(0, 0);
  const newCustomer = { expectedTransactions: fresh.total, expectedSpend: freshSpend, clv: fresh.discounted * freshSpend * options.margin.share };
  // Deciles by CLV, highest first.
  const sorted = Float64Array.from(clvOf).sort((a, b) => b - a);
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
    const groups = new Map<string, { customers: number; clv: number; pAlive: number }>();
    for (let i = 0; i < n; i++) {
      const key = segmentOf[i] ?? '(none)';
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { customers: 0, clv: 0, pAlive: 0 }));
      g.customers++;
      g.clv += clvOf[i];
      g.pAlive += pAliveOf[i];
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
      const base = segmentOf[i] !== null ? baseline?.get(segmentOf[i]!) : undefined;
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
    for (let i = 0; i < n; i++) {
      const { discounted } = discountedTransactions(model, liftedParams, settings, input.frequency[i], input.recency[i], input.T[i]);
      modelAfter += discounted * spendOf_[i] * options.margin.share;
    }
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
 * P(at least one purchase within each window), the median days to the next purchase (with windows), and
 * P(alive) at each future day, once per distinct (frequency, recency, T) tuple: `score(c, i)` writes them
 * into customer i's record; undefined when no window or day is asked.
 */
function shortHorizonScorer(
  model: PurchaseModel,
  params: Readonly<Record<string, number>>,
  input: ModelInput,
  tuples: { index: Int32Array; distinct: number },
  options: ValueOptions,
): { score: (c: CustomerValue, i: number) => void; result: NonNullable<ValueResult['shortHorizon']> } | undefined {
  const within = options.withinDays ?? [];
  const aliveAt = options.aliveAtDays ?? [];
  if (within.length === 0 && aliveAt.length === 0) return undefined;
  const days = options.period.days;
  const done = new Uint8Array(tuples.distinct);
  const buy = within.map(() => new Float64Array(tuples.distinct));
  const alive = aliveAt.map(() => new Float64Array(tuples.distinct));
  const median = new Float64Array(tuples.distinct);
  const score = (c: CustomerValue, i: number): void => {
    const k = tuples.index[i];
    const f = input.frequency[i];
    const r = input.recency[i];
    const T = input.T[i];
    if (done[k] === 0) {
      done[k] = 1;
      within.forEach((d, j) => (buy[j][k] = model.probabilityPurchaseWithin(params, d / days, f, r, T)));
      aliveAt.forEach((d, j) => (alive[j][k] = model.probabilityAliveAfter(params, d / days, f, r, T)));
      if (within.length > 0) median[k] = model.medianTimeToPurchase(params, f, r, T) * days;
    }
    if (within.length > 0) {
      c.medianDaysToPurchase = Number.isFinite(median[k]) ? median[k] : null;
      c.purchaseWithin = buy.map((column) => column[k]);
    }
    if (aliveAt.length > 0) c.aliveAt = alive.map((column) => column[k]);
  };
  return { score, result: { withinDays: [...within], aliveAtDays: [...aliveAt] } };
}

/**
 * Intervals of P(alive), expected transactions, expected spend and CLV from the parameters' asymptotic
 * normal (uncertainty.ts), written into each customer's record by `score(c, i)`; the equity's and the mean CLV's
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
): { score: (c: CustomerValue, i: number) => void; finish: () => NonNullable<ValueResult['intervals']> } {
  const level = options.interval!.level;
  const draws = options.interval!.draws ?? 200;
  const seed = options.interval!.seed ?? 16;
  const methodText = 'first-order expansion on the log (logit for P(alive)) scale about the estimate, parameters ~ asymptotic normal on the log scale; equity by draws';
  const purchaseCov = logCovariance(options.purchaseModel);
  const none = { level, available: false, method: methodText, draws, seed, spendUncertainty: false, equity: null, meanClv: null };
  if (purchaseCov === null) {
    warnings.push('no intervals: the purchase model has no covariance matrix (a model saved before it was kept, or a Hessian that is not positive definite); refit it');
    return { score: () => {}, finish: () => none };
  }
  const spendCov = method === 'gammagamma' && options.spendModel ? logCovariance(options.spendModel) : null;
  if (method === 'gammagamma' && spendCov === null) warnings.push('intervals: the spend model has no covariance matrix, so its parameters are taken as known');
  if (method !== 'gammagamma') warnings.push('intervals: spend is not modelled (observed or portfolio means), so the intervals reflect the purchase model\'s parameters only');
  // the first customer of each distinct tuple
  const first = new Int32Array(tuples.distinct).fill(-1);
  const n = tuples.index.length;
  for (let i = 0; i < n; i++) if (first[tuples.index[i]] < 0) first[tuples.index[i]] = i;
  const pick = (column: ArrayLike<number>) => Float64Array.from(first, (i) => column[i]);
  const sens = purchaseSensitivity(model, params, settings, pick(input.frequency), pick(input.recency), pick(input.T), base);
  const k = sens.k;
  const z = zOf(level);
  const spendGrad = spendCov ? new Float64Array(3 * n) : null;
  const clv = new Float64Array(n);
  const score = (c: CustomerValue, i: number): void => {
    const t = tuples.index[i];
    const o = t * k;
    let spendVariance = 0;
    if (spendGrad && spendCov) {
      spendGradient(options.spendModel!.params, c.frequency, input.monetaryValue[i], spendGrad, 3 * i);
      spendVariance = quadratic(spendGrad, 3 * i, spendCov);
    }
    const band = (value: number, variance: number): [number, number] | [null, null] => {
      if (!Number.isFinite(value)) return [null, null];
      if (!(value > 0)) return [value, value];
      const spread = z * Math.sqrt(Math.max(0, variance));
      return [value * Math.exp(-spread), value * Math.exp(spread)];
    };
    const p = c.pAlive;
    if (p > 0 && p < 1) {
      const spread = z * Math.sqrt(Math.max(0, quadratic(sens.alive, o, purchaseCov)));
      const l = Math.log(p) - Math.log1p(-p);
      c.pAliveLow = 1 / (1 + Math.exp(-(l - spread)));
      c.pAliveHigh = 1 / (1 + Math.exp(-(l + spread)));
    } else {
      c.pAliveLow = p;
      c.pAliveHigh = p;
    }
    [c.expectedTransactionsLow, c.expectedTransactionsHigh] = band(c.expectedTransactions, quadratic(sens.total, o, purchaseCov));
    [c.expectedSpendLow, c.expectedSpendHigh] = band(c.expectedSpend, spendVariance);
    [c.clvLow, c.clvHigh] = band(c.clv, quadratic(sens.discounted, o, purchaseCov) + spendVariance);
    clv[i] = Number.isFinite(c.clv) ? c.clv : 0;
  };
  const finish = (): NonNullable<ValueResult['intervals']> => {
  const sums = equityDraws({ clv, tupleOf: tuples.index, purchaseGrad: sens.discounted, k, purchaseCov, spendGrad, spendCov, draws, seed });
  const lower = (1 - level) / 2;
  const equity: [number, number] = [sortedQuantile(sums, lower), sortedQuantile(sums, 1 - lower)];
  const count = Math.max(1, n);
  return { level, available: true, method: methodText, draws, seed, spendUncertainty: spendCov !== null, equity, meanClv: [equity[0] / count, equity[1] / count] };
  };
  return { score, finish };
}
