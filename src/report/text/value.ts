/** Terminal report of customer value (`crm value`, and the value section of `crm report`). */
import type { ValueResult } from '../../value/types.js';
import { count, counted, fixed, percent } from '../format.js';
import { fitProse, painter, renderTable, type TextStyle } from '../table.js';
import type { WithRecords } from '../../core/record-columns.js';

/** The terminal report of `crm value`. */
export function renderValue(r: WithRecords<ValueResult, 'customers'>, top: number, style: TextStyle, { compact = false }: { compact?: boolean } = {}): string {
  const paint = painter(style.color);
  const m = r.purchaseModel;
  let out = `${paint.bold('Customer equity')} ${fixed(r.equity)} over the next ${r.horizon.steps} ${r.horizon.unit}s (${counted(r.customers.length, 'customer')}, mean CLV ${fixed(r.equity / Math.max(1, r.customers.length))})\n`;
  const iv = r.intervals;
  if (iv?.available && iv.equity && iv.meanClv) {
    out += `${percent(iv.level, 0)} interval from parameter uncertainty: equity ${fixed(iv.equity[0])} – ${fixed(iv.equity[1])}, mean CLV ${fixed(iv.meanClv[0])} – ${fixed(iv.meanClv[1])}${iv.spendUncertainty ? '' : ' (purchase model only)'}\n`;
  }
  out += `Model: ${m.model} (${Object.entries(m.params).map(([k, v]) => `${k}=${fixed(v, 4)}`).join(', ')}; time unit ${r.period.name})`;
  out += r.spendModel
    ? `; spend: Gamma-Gamma (${Object.entries(r.spendModel.params).map(([k, v]) => `${k}=${fixed(v, 3)}`).join(', ')})\n`
    : r.spend?.method === 'observed-mean'
      ? `; spend: each customer's observed mean repeat spend (fallback: ${r.spend.fallbackReason ?? 'no spend model'})\n`
      : '; spend: mean repeat spend\n';
  out += `Discounting: ${percent(r.discount.annualRate, 1)} a year = ${percent(r.discount.perStep, 3)} per ${r.horizon.unit}; margin ${percent(r.margin.share, 1)} (${r.margin.source})\n`;
  if (r.newCustomer) {
    const n = r.newCustomer;
    out += `A new customer (first purchase at as-of): ${fixed(n.expectedTransactions, 2)} repeat purchases expected over the ${r.horizon.steps} ${r.horizon.unit}s at ${fixed(n.expectedSpend)} each, CLV ${fixed(n.clv)} (after the first purchase)\n`;
  }
  if (r.collected) out += `Collected (x observed collection rate): equity ${fixed(r.collected.equity)}, ${fixed(r.collected.removed)} less than invoiced value\n`;
  if (r.whatIf) {
    out += `What-if retention +${fixed(r.whatIf.retentionUplift * 100, 1)} points: baseline formula equity ${fixed(r.whatIf.baselineEquity)} → ${fixed(r.whatIf.baselineEquityAfter)}; model equity ${fixed(r.equity)} → ${fixed(r.whatIf.modelEquityAfter)}\n`;
  }
  out += '\n' + renderTable(['decile', 'customers', 'CLV', 'share of equity', 'CLV range'], r.deciles.map((d) => [String(d.decile), count(d.customers), fixed(d.clv), percent(d.shareOfEquity), `${fixed(d.minClv)} – ${fixed(d.maxClv)}`]), style, 'CLV deciles (1 = highest)');
  if (r.segments.length > 0) {
    // The retention-formula baseline needs the purchase histories a year back (crm value has them; crm report
    // does not compute it): its columns are shown only when it was computed.
    const baseline = r.segments.some((s) => s.retention !== null || s.baselineClv !== null);
    out += '\n' + renderTable(
      ['segment', 'customers', 'CLV', 'share', ...(compact ? [] : ['mean CLV']), 'P(alive)', ...(baseline ? ['ret./yr', 'margin/yr', 'formula'] : [])],
      r.segments.map((s) => [s.segment, count(s.customers), fixed(s.clv), percent(s.shareOfEquity), ...(compact ? [] : [fixed(s.meanClv)]), fixed(s.meanPAlive, 2), ...(baseline ? [percent(s.retention), fixed(s.marginPerPeriod), fixed(s.baselineClv)] : [])]),
      style,
      baseline ? 'Value by RFM segment; formula CLV = m·r/(1+d−r) with r and m of the segment\'s customers a year ago' : 'Value by RFM segment',
    );
    if (m.model === 'bgnbd') {
      const never = r.customers.filter((c) => c.frequency === 0).length;
      if (never > 0) out += `P(alive) under BG/NBD is 1 for the ${counted(never, 'customer')} who never bought again (a property of the model, not a finding); MBG/NBD does not assume it.\n`;
    }
  }
  const best = [...r.customers].sort((a, b) => b.clv - a.clv).slice(0, top);
  if (best.length > 0) {
    const withInterval = iv?.available === true;
    out += '\n' + renderTable(
      ['customer_id', 'CLV', ...(withInterval ? [`CLV ${percent(iv!.level, 0)} interval`] : []), 'P(alive)', 'exp. tx', 'exp. spend', 'past revenue', 'segment'],
      best.map((c) => [c.customerId, fixed(c.clv), ...(withInterval ? [c.clvLow != null && c.clvHigh != null ? `${fixed(c.clvLow)} – ${fixed(c.clvHigh)}` : ''] : []), fixed(c.pAlive, 3), fixed(c.expectedTransactions, 2), fixed(c.expectedSpend), fixed(c.pastRevenue), c.segment ?? '']),
      style,
      'Top customers by CLV',
    );
  }
  return fitProse(out, style);
}
