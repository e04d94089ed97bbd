/** The KPI scorecard and the per-customer profitability as CSV rows (the report's CSV folder). */
import type { CsvValue } from '../csv/line.js';
import { type KpiResult } from '../../performance/kpi.js';
import type { CustomerProfitability, ProfitabilityResult } from '../../performance/profitability.js';
import { kpiColumns } from '../columns.js';
import type { WithRecords } from '../../core/record-columns.js';

/** The scorecard as CSV rows, header first (the report's CSV folder). */
export function kpiCsvRows(result: KpiResult): CsvValue[][] {
  const columns = kpiColumns(result.periods.some((p) => p.dso !== undefined));
  return [columns.names, ...result.periods.map((p) => columns.values(p))];
}

/** The per-customer profitability as CSV rows, header first. */
export function profitabilityCsvRows(p: WithRecords<ProfitabilityResult, 'customers'>): CsvValue[][] {
  const kinds = Object.keys(p.totals.costByKind).sort();
  return [
    ['customer_id', 'revenue', 'margin', 'margin_source', 'cost_to_serve', ...kinds.map((k) => `cost_${k || 'other'}`), 'contribution', 'cost_rate', 'clv', 'net_clv', 'quadrant', 'unprofitable', 'payment_class', 'debtor', 'late_payer', 'outstanding'],
    ...p.customers.map((c: CustomerProfitability) => [c.customerId, c.revenue, c.margin, c.marginSource, c.costToServe, ...kinds.map((k) => c.costByKind[k] ?? 0), c.contribution, c.costRate, c.clv, c.netClv, c.quadrant, c.unprofitable, c.paymentClass, c.debtor, c.latePayer, c.outstanding]),
  ];
}
