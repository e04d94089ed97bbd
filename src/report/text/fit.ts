/** Terminal report of fitted models (`crm fit`): the comparison by BIC and the chosen fit with its standard errors. */
import type { FittedModel } from '../../models/types.js';
import { fixed } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';

/** Parameters with standard errors and intervals; for several fits, the BIC comparison. */
export function renderFits(fits: FittedModel[], period: { name: string }, style: TextStyle): string {
  const paint = painter(style.color);
  const best = fits[0];
  let out = '';
  if (fits.length > 1) {
    out += renderTable(
      ['model', 'log-likelihood', 'AIC', 'BIC', 'status'],
      fits.map((f, i) => [`${f.model}${i === 0 && f.trusted ? ' (chosen)' : ''}`, fixed(f.logLikelihood, 1), fixed(f.aic, 1), fixed(f.bic, 1), fitStatus(f)]),
      style,
      'Purchase models compared by BIC (lower is better; only trusted fits are chosen)',
    );
    out += '\n';
  }
  out += renderTable(
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
  return fitProse(out, style);
}

/** A fit's status in one word or two: converged, at a bound, not converged, ... */
function fitStatus(f: FittedModel): string {
  if (f.trusted) return 'converged';
  if (f.problems.some((p) => /ran to the (upper|lower) bound/.test(p))) return 'untrusted: at a bound';
  if (!f.converged) return 'untrusted: did not converge';
  return 'untrusted';
}
