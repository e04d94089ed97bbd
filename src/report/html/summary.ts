/**
 * "At a glance": the executive summary at the top of the HTML report, from the sections below: customer
 * equity, the customers at risk and the value at stake, how concentrated value is, and the churn trend.
 * A figure whose section was not computed is left out (its section says why).
 */
import type { ReportDocument } from '../document.js';
import { count, counted, fixed, percent } from '../format.js';
import { keyFigures, paragraph } from './common.js';

/** The summary's figures as [label, value, note], in reading order (also for tests). */
export function glanceFigures(doc: ReportDocument): [string, string, string][] {
  const out: [string, string, string][] = [];
  const v = doc.value;
  if (v) out.push(['Customer equity', fixed(v.equity), `expected contribution of ${counted(v.customers.length, 'customer')} over ${v.horizon.steps} ${v.horizon.unit}s (${v.purchaseModel.model})`]);
  const atRisk = doc.atRisk;
  if (atRisk) out.push(['Customers at risk', count(atRisk.length), `value at stake ${fixed(atRisk.reduce((s, a) => s + a.valueAtRisk, 0))}`]);
  const c = doc.segment?.concentration;
  if (c) {
    const top20 = c.top.find((t) => Math.abs(t.fraction - 0.2) < 1e-9);
    out.push(['Concentration', `Gini ${fixed(c.gini, 2)}`, top20 ? `the top 20% of customers bring ${percent(top20.valueShare)} of ${c.measure}` : `of ${c.measure}`]);
  }
  const rates = doc.churn?.churnRates;
  if (rates) {
    const final = rates.overall.periods.filter((p) => !p.partial && !p.provisional && p.rate !== null);
    const last = final.at(-1);
    const before = final.slice(-4, -1).filter((p) => p.rate !== null);
    const mean = before.length > 0 ? before.reduce((s, p) => s + p.rate!, 0) / before.length : null;
    const trend = last && mean !== null ? (last.rate! > mean * 1.1 ? 'rising' : last.rate! < mean * 0.9 ? 'falling' : 'steady') : null;
    out.push(['Churn per ' + rates.unit, rates.overall.pooledRate === null ? '' : percent(rates.overall.pooledRate), last ? `${last.label}: ${percent(last.rate)}${trend ? `, ${trend} against the 3 ${rates.unit}s before` : ''}` : '']);
  }
  const o = doc.overview;
  if (o) out.push(['Customers', count(o.customers), `${percent(o.repeatShare)} bought more than once; revenue ${fixed(o.revenue)}`]);
  return out;
}

export function glanceSection(doc: ReportDocument): string | null {
  const figures = glanceFigures(doc).filter(([, value]) => value !== '');
  if (figures.length === 0) return null;
  return keyFigures(figures) + paragraph('The figures come from the sections below, where each is explained with the numbers behind it.', 'note');
}
