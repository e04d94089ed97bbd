/**
 * The report document of the fixtures (customers, sales, payments) at their last sales day, as `crm report`
 * computes it (src/analysis/report.ts with the default settings). One customer named
 * `<script>alert(1)</script>` is added to the value customers, the at-risk list and the notes to test escaping.
 */
import { analyseReport } from '../../src/analysis/report.js';
import { reportSettings } from '../../src/analysis/settings.js';
import type { AtRiskRow, ReportDocument } from '../../src/report/document.js';
import { readInputFiles } from '../../src/ingest/read.js';
import { fixture } from '../helpers/data.js';

/** The customer whose id must come out escaped. */
export const HOSTILE_ID = '<script>alert(1)</script>';

/** The report document of the fixtures at their last sales day, with every section present. */
export async function sampleDocument(): Promise<ReportDocument> {
  const data = await readInputFiles({ customers: fixture('customers.csv'), sales: fixture('sales.csv'), payments: fixture('payments.csv') });
  const asOf = data.sales!.maxDay;
  const doc = analyseReport(data, { asOf, calibrationEnd: asOf, holdout: false, period: { name: 'day', days: 1 } }, reportSettings(), { tool: { name: 'crm', version: '0.1.0' } });
  const value = doc.value!;
  // The hostile name, as a customer of the value table and the first row of the at-risk list.
  doc.value = { ...value, customers: [...value.customers, {
    customerId: HOSTILE_ID,
    frequency: 3,
    recency: 30,
    T: 90,
    pAlive: 0.12,
    expectedTransactions: 0.2,
    expectedSpend: 250,
    margin: value.margin.share,
    clv: 119.94,
    pastRevenue: 999.5,
    segment: 'At Risk',
    baselineClv: null,
  }] };
  const hostile: AtRiskRow = { customerId: HOSTILE_ID, pAlive: 0.12, value: 999.5, valueAtRisk: 879.56, daysSinceLast: 400, usualGap: 30, segment: 'At Risk', paymentClass: 'late' };
  doc.atRisk = [hostile, ...(doc.atRisk ?? [])];
  doc.notes.push(`warning: value: a note that names ${HOSTILE_ID}`);
  return doc;
}
