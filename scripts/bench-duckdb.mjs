#!/usr/bin/env node
/**
 * DuckDB's side of the benchmark: the same per-customer aggregates as crm summary (purchase days, first
 * and last day, revenue, repeat total) with one SQL query over the CSV. `totals` prints what the benchmark
 * compares before timing; `summary` computes the per-customer rows and writes them as CSV to /dev/null.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [file, mode] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
const perCustomer = `
  WITH days AS (
    SELECT customer_id, CAST(date AS DATE) AS day, SUM(amount) AS amount, MAX(CASE WHEN amount >= 0 THEN 1 ELSE 0 END) AS purchase
    FROM read_csv('${file.replace(/'/g, "''")}') GROUP BY customer_id, day
  ),
  f AS (SELECT customer_id, MIN(day) FILTER (WHERE purchase = 1) AS first_day, MAX(day) FILTER (WHERE purchase = 1) AS last_day,
               COUNT(*) FILTER (WHERE purchase = 1) AS purchase_days, SUM(amount) AS revenue FROM days GROUP BY customer_id)
  SELECT f.customer_id, f.first_day, f.last_day, f.purchase_days - 1 AS frequency, f.revenue,
         SUM(CASE WHEN d.purchase = 1 AND d.day > f.first_day THEN d.amount ELSE 0 END) / GREATEST(f.purchase_days - 1, 1) AS monetary_value
  FROM f JOIN days d USING (customer_id) WHERE f.purchase_days > 0
  GROUP BY f.customer_id, f.first_day, f.last_day, f.purchase_days, f.revenue`;
if (mode === 'totals') {
  const r = await connection.runAndReadAll(`SELECT COUNT(*) AS customers, SUM(revenue) AS revenue FROM (${perCustomer})`);
  const [row] = r.getRowObjectsJson();
  process.stdout.write(JSON.stringify({ customers: Number(row.customers), revenue: Number(row.revenue) }));
} else {
  await connection.run(`COPY (${perCustomer} ORDER BY customer_id) TO '/dev/null' (FORMAT csv)`);
}
