/** Portfolio totals of the per-customer summary (`crm summary`). */
import type { CustomerSummary } from '../core/types.js';
import type { LoadedData } from '../ingest/load.js';

/** Portfolio totals shown under the table and in JSON. */
export function summaryTotals(customers: CustomerSummary[]): Record<string, number | null> {
  let transactions = 0;
  let revenue = 0;
  let margin: number | null = null;
  let repeat = 0;
  let frequency = 0;
  let holdout = 0;
  for (const c of customers) {
    transactions += c.transactions;
    revenue += c.revenue;
    if (c.margin !== null) margin = (margin ?? 0) + c.margin;
    if (c.frequency > 0) repeat++;
    frequency += c.frequency;
    holdout += c.frequencyHoldout ?? 0;
  }
  return {
    customers: customers.length,
    transactions,
    revenue,
    margin,
    repeatCustomers: repeat,
    repeatShare: customers.length ? repeat / customers.length : 0,
    meanFrequency: customers.length ? frequency / customers.length : 0,
    holdoutPurchases: holdout,
  };
}

/** Customers of the customers file without a sale (null without both files). */
export function customersWithoutSales(data: LoadedData): number | null {
  if (!data.customers || !data.sales) return null;
  let n = 0;
  for (const id of data.customers.keys()) if (!data.sales.customers.has(id)) n++;
  return n;
}
