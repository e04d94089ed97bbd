/** Terminal report of fitted models (`crm fit`): the comparison by BIC and the chosen fit with its standard errors. */
import type { FittedModel } from '../../models/types.js';
import { fixed } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';

/** One model's predictions of the holdout (calibration/holdout split): per-customer errors and the total. */
export interface HoldoutCheck {
  model: string;
  mae: number;
  rmse: number;
  predicted: number;
  actual: number;
  /** Holdout length in model periods. */
  length: number;
}

/**
 * Parameters with standard errors and intervals; for several fits, the BIC comparison (with holdout errors
 * when given); `every` shows the parameters of every fit, not only the chosen one.
 */
export function renderFits(fits: FittedModel[], period: { name: string }, style: TextStyle, { every = false, holdout }: { every?: boolean; holdout?: HoldoutCheck[] } = {}): string {
  let out = '';
  if (fits.length > 1) {
    const h = (f: FittedModel): HoldoutCheck | undefined => holdout?.find((c) => c.model === f.model);
    const withHoldout = holdout !== undefined && holdout.length > 0;
    out += renderTable(
      ['model', 'log-likelihood', 'AIC', 'BIC', ...(withHoldout ? ['holdout MAE', 'holdout RMSE', 'holdout predicted', 'holdout actual'] : []), 'status'],
      fits.map((f, i) => [
        `${f.model}${i === 0 && f.trusted ? ' (chosen)' : ''}`,
        fixed(f.logLikelihood, 1),
        fixed(f.aic, 1),
        fixed(f.bic, 1),
        ...(withHoldout ? [fixed(h(f)?.mae, 4), fixed(h(f)?.rmse, 4), fixed(h(f)?.predicted, 1), fixed(h(f)?.actual, 0)] : []),
        fitStatus(f),
      ]),
      style,
      `Purchase models compared by BIC (lower is better; only trusted fits are chosen)${withHoldout ? `; holdout: errors per customer over the ${fixed(holdout[0].length, 1)} ${period.name}s after the calibration end` : ''}`,
    );
    out += '\n';
  }
  for (const fit of every ? fits : fits.slice(0, 1)) out += (out.endsWith('\n\n') || out === '' ? '' : '\n') + parameterTable(fit, period, style);
  return fitProse(out, style);
}

/** A fit's parameters with standard errors and 95% intervals, and its fit criteria. */
function parameterTable(best: FittedModel, period: { name: string }, style: TextStyle): string {
  const paint = painter(style.color);
  let out = renderTable(
    ['parameter', 'estimate', 'std. error', '95% interval'],
    Object.entries(best.params).map(([k, v]) => {
      const se = best.stdErrors[k];
      const ci = best.intervals[k];
      return [k, fixed(v, 4), se === null ? '' : fixed(se, 4), ci ? `${fixed(ci[0], 4)} – ${fixed(ci[1], 4)}` : ''];
    }),
    style,
    `${best.model} fitted to ${best.n.toLocaleString('en-US')} customers (${best.nDistinct.toLocaleString('en-US')} distinct)${best.model === 'gammagamma' ? ' with a repeat purchase' : ''}; time unit: ${period.name}`,
  );
  out += `${paint.bold('log-likelihood')} ${fixed(best.logLikelihood, 2)}, AIC ${fixed(best.aic, 2)}, BIC ${fixed(best.bic, 2)}; ${best.trusted ? 'converged' : paint.red(fitStatus(best))} in ${best.iterations} iterations from ${best.starts} starting point(s)\n`;
  for (const problem of best.problems) out += `${paint.red('not trusted')}: ${problem}\n`;
  return out;
}

/** A fit's status in one word or two: converged, at a bound, not converged, ... */
function fitStatus(f: FittedModel): string {
  if (f.trusted) return 'converged';
  if (f.problems.some((p) => /ran to the (upper|lower) bound/.test(p))) return 'untrusted: at a bound';
  if (!f.converged) return 'untrusted: did not converge';
  return 'untrusted';
}
