/**
 * The analysis layer without the CLI: analyseReport on read inputs gives every section or its reason, keeps
 * the row account whole, and takes its settings typed, defaults filled in one place.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseReport } from '../../src/analysis/report.js';
import { DEFAULTS, reportSettings, valuationSettings } from '../../src/analysis/settings.js';
import { readInputFiles } from '../../src/ingest/read.js';
import { fixture } from '../helpers/data.js';
import { summarize, type SummaryWindow } from '../../src/accumulate/summary.js';
import { LazyRecords } from '../../src/core/record-columns.js';
import { segmentPortfolio } from '../../src/segment/segment-portfolio.js';

const tool = { name: 'crm', version: 'test' };
const dayWindow = (asOf: number): SummaryWindow => ({ asOf, calibrationEnd: asOf, holdout: false, period: { name: 'day', days: 1 } });

describe('analysis settings', () => {
  it('fills every default from one table', () => {
    expect(valuationSettings()).toEqual({ model: DEFAULTS.model, fitSpend: true, annualDiscountRate: DEFAULTS.annualDiscountRate });
    expect(DEFAULTS.model).toBe('auto');
    const s = reportSettings({ top: 5, valuation: { model: 'mbgnbd' } });
    expect(s).toEqual({ valuation: { model: 'mbgnbd', fitSpend: true, annualDiscountRate: 0.1 }, top: 5, clusterSeed: 1 });
  });
});

describe('analyseReport', () => {
  it('keeps every per-customer list stored by column, record for record what the sections computed', async () => {
    const data = await readInputFiles({ customers: fixture('customers.csv'), sales: fixture('sales.csv'), payments: fixture('payments.csv') });
    const asOf = data.sales!.maxDay;
    const summaries = summarize(data.sales!, dayWindow(asOf)).customers;
    const alone = segmentPortfolio(summaries, { asOf, attributes: data.customers, clusters: { seed: 1 } });
    const doc = analyseReport(data, dayWindow(asOf), reportSettings(), { tool });
    for (const list of [doc.summary, doc.segment!.customers, doc.value!.customers, doc.payments!.customers, doc.churn!.lifecycle.customers, doc.profitability!.customers]) {
      expect(list).toBeInstanceOf(LazyRecords);
    }
    expect([...doc.summary!]).toEqual(summaries);
    expect([...doc.segment!.customers]).toEqual([...alone.customers]);
    expect(doc.value!.customers.length).toBe(summaries.length);
  });

  it('computes every section of the fixtures, with the accounts whole and the settings used', async () => {
    const data = await readInputFiles({ customers: fixture('customers.csv'), sales: fixture('sales.csv'), payments: fixture('payments.csv') });
    const asOf = data.sales!.maxDay;
    const doc = analyseReport(data, dayWindow(asOf), reportSettings({ top: 7, valuation: { model: 'bgnbd', annualDiscountRate: 0.2 } }), { tool });
    expect(doc.errors).toEqual({});
    expect(doc.meta.version).toBe('test');
    expect(doc.overview!.customers).toBe(doc.summary!.length);
    expect(doc.overview!.revenue).toBeCloseTo(doc.summary!.reduce((s, c) => s + c.revenue, 0), 6);
    expect(doc.value!.purchaseModel.model).toBe('bgnbd');
    expect(doc.value!.discount.annualRate).toBe(0.2);
    expect(doc.atRisk!.length).toBeLessThanOrEqual(7);
    expect(doc.churn!.atRisk!.rows).toBe(doc.atRisk);
    // every row read is used, rejected or excluded with a reason
    for (const a of data.accounts) {
      const excluded = Object.values(a.excluded).reduce((s, n) => s + n, 0);
      expect(a.read, a.kind).toBe(a.used + a.rejected + excluded);
    }
    // the payment rows are let go after their section
    expect(data.payments).toBeUndefined();
  });

  it('a section that cannot be computed keeps its reason and the others go on', async () => {
    // Three customers who never bought again: no purchase model can be fitted.
    const dir = mkdtempSync(join(tmpdir(), 'crm-analysis-'));
    const sales = join(dir, 'sales.csv');
    writeFileSync(sales, 'customer_id,date,amount\nA,2024-01-01,10\nB,2024-02-01,20\nC,2024-03-01,30\n');
    const data = await readInputFiles({ sales });
    const doc = analyseReport(data, dayWindow(data.sales!.maxDay), reportSettings(), { tool });
    expect(doc.value).toBeNull();
    expect(doc.errors.value).toMatch(/\S/);
    expect(doc.atRisk).toBeNull();
    expect(doc.errors.atRisk).toContain(doc.errors.value!);
    expect(doc.overview!.customers).toBe(3);
    expect(doc.segment).not.toBeNull();
  });
});
