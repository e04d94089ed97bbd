/**
 * The value of a new customer (first purchase at as-of): E[X(t)] of the model from the prior, the population
 * mean spend, discounted as every CLV; computed here by hand from the model's unconditional expectation.
 */
import { describe, expect, it } from 'vitest';
import { PURCHASE_MODELS, type PurchaseModelName } from '../../src/models/registry.js';
import { sharedData } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

describe('crm value: a new customer', () => {
  for (const model of ['bgnbd', 'paretonbd', 'mbgnbd'] as const) {
    it(`${model}: repeat purchases from the prior, population mean spend, discounted monthly`, async () => {
      const r = await runCli(['value', '--sales', sharedData('cdnow_sample_transactions.csv'), '--as-of', '1997-09-30', '--model', model, '--period', 'week', '-f', 'json', '-q']);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      const params = doc.purchaseModel.params as Record<string, number>;
      const m = PURCHASE_MODELS[model as PurchaseModelName];
      const step = 365.25 / 12 / 7; // a month in weeks
      const d = (1 + doc.discount.annualRate) ** (1 / 12) - 1;
      let discounted = 0;
      let previous = 0;
      for (let s = 1; s <= 12; s++) {
        const cumulative = m.expectedTransactionsNew(params, s * step);
        discounted += (cumulative - previous) / (1 + d) ** s;
        previous = cumulative;
      }
      const g = doc.spendModel.params as { p: number; q: number; gamma: number };
      const spend = (g.p * g.gamma) / (g.q - 1);
      expect(doc.newCustomer.expectedTransactions).toBeCloseTo(previous, 9);
      expect(doc.newCustomer.expectedSpend).toBeCloseTo(spend, 9);
      expect(doc.newCustomer.clv).toBeCloseTo(discounted * spend * doc.margin.share, 9);
      // a customer bought once long ago is worth less than a new one; the best customers more
      expect(doc.newCustomer.clv).toBeGreaterThan(0);
    });
  }
});
