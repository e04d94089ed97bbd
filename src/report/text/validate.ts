/** Terminal report of holdout validation (`crm validate`). */
import { type ModelValidation, type SpendValidation } from '../../value/validate.js';
import { count, counted, fixed } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';

export function renderValidation(results: ModelValidation[], spend: SpendValidation | null, unit: string, style: TextStyle): string {
  const paint = painter(style.color);
  const first = results[0];
  let out = `${paint.bold('Holdout')}: ${fixed(first.holdoutLength, 2)} ${unit}s\n`;
  out += renderTable(
    ['model', 'actual', 'predicted', 'error', 'MAE', 'RMSE'],
    results.map((r) => [r.model.model, fixed(r.totals.actual, 0), fixed(r.totals.predicted, 1), `${r.totals.error >= 0 ? '+' : ''}${fixed((100 * r.totals.error) / Math.max(1, r.totals.actual), 1)}%`, fixed(r.mae, 3), fixed(r.rmse, 3)]),
    style,
    'Total holdout repeat transactions, and per-customer errors',
  );
  out += '\n' + renderTable(
    ['calibration frequency', 'customers', 'actual', ...results.map((r) => r.model.model)],
    first.groups.map((g, i) => [g.frequency, count(g.customers), fixed(g.actual, 3), ...results.map((r) => fixed(r.groups[i].predicted, 3))]),
    style,
    'Mean holdout transactions by calibration frequency (actual vs predicted)',
  );
  if (first.tracking.length > 0) {
    const step = Math.max(1, Math.ceil(first.tracking.length / 13));
    const rows = first.tracking.filter((_, i) => (i + 1) % step === 0 || i === first.tracking.length - 1);
    out += '\n' + renderTable(
      ['week', 'ends', 'actual', ...results.map((r) => r.model.model)],
      rows.map((p) => [`${p.week}${p.holdout ? ' (holdout)' : ''}`, p.end, fixed(p.actual, 0), ...results.map((r) => fixed(r.tracking[p.week - 1].predicted, 0))]),
      style,
      'Cumulative repeat transactions (tracking; --format json for every week)',
    );
  }
  if (spend) out += `\nSpend (Gamma-Gamma) on ${counted(spend.customers, 'customer')} with repeat purchases in both periods: mean actual ${fixed(spend.meanActual)}, predicted ${fixed(spend.meanPredicted)}, MAE ${fixed(spend.mae)}, RMSE ${fixed(spend.rmse)}\n`;
  return fitProse(out, style);
}
