/** Terminal report of a fit with static covariates (`crm fit --covariates`). */
import { normalCdf } from '../../math/normal.js';
import { fixed } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';

/** What `crm fit --covariates` reports (also its JSON). */
export interface CovariateReport {
  model: string;
  covariates: string[];
  /** Reference level of each categorical covariate (its dummies compare against it). */
  reference: Record<string, string>;
  params: Record<string, number>;
  /** By `trans.NAME`, `life.NAME`, `constr.NAME` or `spend.NAME`. */
  coefficients: Record<string, number>;
  stdErrors: Record<string, number | null>;
  logLikelihood: number;
  aic?: number;
  bic?: number;
  n: number;
  profiles?: number;
  constrained: boolean;
  likelihoodRatio: { statistic: number; degreesOfFreedom: number; pValue: number; logLikelihoodWithout: number };
  trusted: boolean;
  problems: string[];
  withoutCovariates?: { params: Record<string, number>; logLikelihood: number };
  period: string;
  /**
   * A new customer (first purchase now) of each covariate profile in the data: the repeat purchases expected
   * over the next year (purchase models), or the mean spend per purchase (Gamma-Gamma).
   */
  /** With a calibration/holdout split: holdout purchases predicted with and without the covariates, and made. */
  holdout?: { length: number; actual: number; predicted: number; predictedWithout: number; mae: number; maeWithout: number };
  newCustomers: { profile: Record<string, number>; customers: number; expectedTransactionsYear?: number; expectedSpend?: number }[];
}

/** Two-sided p-value of a z statistic. */
const zPValue = (z: number): number => 2 * normalCdf(-Math.abs(z));

const pText = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

export function renderCovariateFit(r: CovariateReport, style: TextStyle): string {
  const paint = painter(style.color);
  const reference = Object.entries(r.reference).map(([c, level]) => `${c} against ${level}`).join(', ');
  let out = renderTable(
    ['parameter', 'estimate', 'std. error'],
    Object.entries(r.params).map(([k, v]) => [k, fixed(v, 4), fixed(r.stdErrors[k] ?? null, 4)]),
    style,
    `${r.model} with covariates ${r.covariates.join(', ')}${reference ? ` (${reference})` : ''}${r.constrained ? ', the same coefficient in both processes' : ''}; ${r.n.toLocaleString('en-US')} customers; time unit ${r.period}`,
  );
  out += renderTable(
    ['coefficient', 'estimate', 'std. error', 'z', 'p'],
    Object.entries(r.coefficients).map(([k, v]) => {
      const se = r.stdErrors[k] ?? null;
      const z = se ? v / se : null;
      return [k, fixed(v, 4), fixed(se, 4), z === null ? '' : fixed(z, 2), z === null ? '' : pText(zPValue(z))];
    }),
    style,
    r.model === 'gammagamma' ? 'Spend: mean spend × exp(coefficient) per unit of the covariate' : r.model === 'paretonbd' ? 'trans: mean purchase rate × exp(coefficient) per unit of the covariate; life: mean dropout rate × exp(coefficient)' : 'trans: mean purchase rate × exp(coefficient) per unit of the covariate; life: a and b of the dropout probability × exp(coefficient)',
  );
  const lr = r.likelihoodRatio;
  out += `${paint.bold('log-likelihood')} ${fixed(r.logLikelihood, 2)} (without covariates ${fixed(lr.logLikelihoodWithout, 2)})${r.aic !== undefined ? `, AIC ${fixed(r.aic, 2)}, BIC ${fixed(r.bic ?? null, 2)}` : ''}\n`;
  out += `Likelihood-ratio test of no covariate effect: χ² ${fixed(lr.statistic, 2)} on ${lr.degreesOfFreedom} df, p = ${pText(lr.pValue)}${lr.pValue < 0.05 ? ': the covariates matter' : ': no evidence that they matter'}\n`;
  if (r.holdout) {
    const h = r.holdout;
    out += `Holdout (${fixed(h.length, 1)} ${r.period}s): ${fixed(h.actual, 0)} repeat purchases made; predicted ${fixed(h.predicted, 1)} with the covariates, ${fixed(h.predictedWithout, 1)} without; MAE per customer ${fixed(h.mae, 4)} with, ${fixed(h.maeWithout, 4)} without\n`;
  }
  if (r.newCustomers.length > 0) {
    const spend = r.model === 'gammagamma';
    out += renderTable(
      [...r.covariates, 'customers', spend ? 'mean spend' : 'purchases in a year'],
      r.newCustomers.map((c) => [...r.covariates.map((n) => String(c.profile[n])), c.customers.toLocaleString('en-US'), fixed((spend ? c.expectedSpend : c.expectedTransactionsYear) ?? null, spend ? 2 : 3)]),
      style,
      spend ? 'A new customer of each profile: expected spend per purchase' : 'A new customer of each profile (first purchase now): repeat purchases expected over the next year',
    );
  }
  for (const p of r.problems) out += `${paint.red('not trusted')}: ${p}\n`;
  return fitProse(out, style);
}
