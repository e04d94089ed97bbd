/**
 * The data types that flow between the stages: ingest → accumulate → analyses → report.
 * All analyses are pure functions of these.
 */
import type { Day } from './days.js';

/** The time unit in which recency, T and horizons are expressed; always a whole number of days or a month. */
export interface PeriodUnit {
  /** 'day', 'week', 'month' or e.g. '14 days'. */
  name: string;
  /** Length in days (month = 365.25 / 12 = 30.4375 days). */
  days: number;
}

/** One customer's purchase history inside the observation window, as distinct purchase days. */
export interface CustomerHistory {
  id: string;
  /** Distinct days with at least one purchase line (amount >= 0), ascending. */
  days: Day[];
  /** Net amount of each purchase day (purchase lines plus same-day returns), parallel to `days`. */
  amounts: number[];
  /** Sum of return lines (negative amounts) on days without any purchase line (<= 0). */
  otherReturns: number;
  /** Number of transactions in the calibration window (orders; sales rows when there is no order_id). */
  lines: number;
  /** Total margin (amount - cost, or the margin column), null when the sales carry neither. */
  margin: number | null;
}

/**
 * Per-customer summary in the definitions of the `lifetimes` library (summary_data_from_transaction_data):
 * purchases on the same day are one purchase, the first purchase is not a repeat.
 */
export interface CustomerSummary {
  id: string;
  /** First and last purchase day (calibration window). */
  firstDay: Day;
  lastDay: Day;
  /** Number of transactions in the calibration window: orders (consecutive lines of one order_id on one day), or sales rows when there is no order_id. */
  transactions: number;
  /** Number of repeat purchase days: distinct purchase days - 1. */
  frequency: number;
  /** Time from first to last purchase, in period units. */
  recency: number;
  /** Time from first purchase to the end of calibration (as-of), in period units. */
  T: number;
  /** Mean net value of the repeat purchase days; 0 when frequency is 0. */
  monetaryValue: number;
  /** Total net revenue in the calibration window (all purchase days and returns). */
  revenue: number;
  /** Total margin, null when the sales carry no cost or margin. */
  margin: number | null;
  /** Holdout fields, present when a calibration end was given. */
  frequencyHoldout?: number;
  monetaryValueHoldout?: number;
  durationHoldout?: number;
}

/** What a section reads of another's per-customer results: a value by customer id (a Map is one). */
export interface Lookup<V> {
  get(id: string): V | undefined;
}

/** A customer record from the customers file: its id and every other column as text. */
export interface CustomerRecord {
  id: string;
  attributes: Record<string, string>;
}

/** One invoice of the receivables ledger (payments file). Amounts in currency units; dates as days. */
export interface PaymentRecord {
  customerId: string;
  invoiceId: string;
  invoiceDate: Day;
  dueDate: Day;
  /** Invoiced amount (negative for a credit note). */
  amount: number;
  /** Date of payment; null when unpaid. */
  paidDate: Day | null;
  /** Amount paid on this row; when the column is empty and paidDate is set, the full amount. */
  paidAmount: number;
  /** Where the row came from, for messages. */
  file: string;
  line: number;
}
