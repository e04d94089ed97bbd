/**
 * crm kpi end to end on small hand-made files; every expected value is worked out by hand in the comments
 * (churn window 30 days, as-of 2024-04-15).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'crm-kpi-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

// A: 01-05 100, 01-20 50, 02-10 30, 04-10 40 (gaps 15, 21, 60 days: 60 > 30, a comeback in April), 04-20 after as-of.
// B: 01-10 200 and a same-day return -20 (net 180); a return of -10 on 03-01 with no purchase. Last purchase 01-10,
//    96 days before as-of: lost in January.
// C: 02-05 80, 03-05 60 (gap 29 <= 30: no comeback), 03-20 20; 26 days before as-of: not lost.
// D: 03-10 500; 36 days before as-of: lost in March (March ends 15 days before as-of: provisional).
// E: two orders on 04-01 (10 and 15): one purchase day, net 25.
// F, G, H, I: one purchase each in February (10, 20, 5, 15): lost in February.
const SALES = `order_id,customer_id,date,amount
o1,A,2024-01-05,100
o2,A,2024-01-20,50
o3,B,2024-01-10,200
o3,B,2024-01-10,-20
o4,A,2024-02-10,30
o5,C,2024-02-05,80
o6,F,2024-02-15,10
o7,G,2024-02-16,20
o8,H,2024-02-17,5
o9,I,2024-02-18,15
r1,B,2024-03-01,-10
o10,C,2024-03-05,60
o11,D,2024-03-10,500
o12,C,2024-03-20,20
o13,E,2024-04-01,10
o14,E,2024-04-01,15
o15,A,2024-04-10,40
o16,A,2024-04-20,999
`;

const sales = file('sales.csv', SALES);

async function json(args: string[]): Promise<{ meta: Record<string, unknown>; periods: Record<string, unknown>[]; notes: string[] }> {
  const r = await runCli(['kpi', '--sales', sales, '--as-of', '2024-04-15', '--churn-after', '30d', '--format', 'json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('crm kpi by month', () => {
  it('every column of every period, against the hand calculation', async () => {
    const doc = await json(['--quiet']);
    expect(doc.periods.map((p) => p.period)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04']);
    const [jan, feb, mar, apr] = doc.periods;
    // January: A (100 + 50 on two days), B (200 - 20 = 180 on one day).
    expect(jan).toMatchObject({ active_customers: 2, new_customers: 2, returning_customers: 0, reactivated_customers: 0, lost_customers: 1, retention_rate: null, revenue: 330, orders: 3, average_order_value: 110, revenue_per_active: 165, partial: false, lost_provisional: false });
    // top 20% of 2 customers = ceil(0.4) = 1 customer: B 180 / 330
    expect(jan.top20_revenue_share).toBeCloseTo(180 / 330, 10);
    // February: A 30, C 80, F 10, G 20, H 5, I 15 = 160 over 6 purchase days; new C, F, G, H, I; lost F, G, H, I;
    // retention: of January's {A, B} only A is back = 1/2.
    expect(feb).toMatchObject({ active_customers: 6, new_customers: 5, returning_customers: 1, reactivated_customers: 0, lost_customers: 4, retention_rate: 0.5, revenue: 160, orders: 6, partial: false, lost_provisional: false });
    expect(feb.average_order_value).toBeCloseTo(160 / 6, 10);
    expect(feb.revenue_per_active).toBeCloseTo(160 / 6, 10);
    // top ceil(0.2 x 6) = 2 customers: C 80 + A 30 = 110 of 160
    expect(feb.top20_revenue_share).toBeCloseTo(110 / 160, 10);
    // March: C 60 + 20 (two days), D 500, B's return -10 (revenue, but B is not active) = 570; new D; lost D
    // (provisional: March ends 15 < 30 days before as-of); retention: of February's 6 only C = 1/6.
    expect(mar).toMatchObject({ active_customers: 2, new_customers: 1, returning_customers: 1, reactivated_customers: 0, lost_customers: 1, revenue: 570, orders: 3, average_order_value: 190, revenue_per_active: 285, partial: false, lost_provisional: true });
    expect(mar.retention_rate).toBeCloseTo(1 / 6, 10);
    expect(mar.top20_revenue_share).toBeCloseTo(500 / 570, 10);
    // April (partial: as-of 04-15): A 40 (60 days after 02-10: reactivated), E 25 on one day (two orders); nobody
    // of March's {C, D} is back: retention 0. The 999 of 04-20 is after as-of.
    expect(apr).toMatchObject({ active_customers: 2, new_customers: 1, returning_customers: 1, reactivated_customers: 1, lost_customers: 0, retention_rate: 0, revenue: 65, orders: 2, average_order_value: 32.5, revenue_per_active: 32.5, partial: true, lost_provisional: true });
    expect(apr.top20_revenue_share).toBeCloseTo(40 / 65, 10);
    expect(doc.meta).toMatchObject({ period: 'month', lostProvisionalFrom: '2024-03', churnWindow: { days: 30, basis: 'given' } });
    // The row after as-of is accounted as excluded.
    expect((doc.meta.inputs as { kind: string; read: number; used: number; excluded: Record<string, number> }[])[0]).toMatchObject({ kind: 'sales', read: 18, used: 17, excluded: { 'after as-of': 1 } });
  });

  it('CSV: the columns in order, one row per period; provisional and partial said on stderr', async () => {
    const r = await runCli(['kpi', '--sales', sales, '--as-of', '2024-04-15', '--churn-after', '30', '--format', 'csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('period,active_customers,new_customers,returning_customers,reactivated_customers,lost_customers,retention_rate,revenue,orders,average_order_value,revenue_per_active,top20_revenue_share,partial');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('2024-04,2,1,1,1,0,0,65,2,32.5,32.5,0.615384615385,true');
    expect(r.stderr).toContain('provisional from 2024-03');
    expect(r.stderr).toContain('2024-04 is partial');
  });
});

describe('crm kpi by quarter, year and week', () => {
  it('quarters: Q1 and the partial Q2', async () => {
    const doc = await json(['--period', 'quarter', '--quiet']);
    const [q1, q2] = doc.periods;
    // Q1: A B C D F G H I active and new; lost B, D, F, G, H, I (provisional: Q1 ends 15 days before as-of);
    // revenue 330 + 160 + 570 = 1060 over 3 + 6 + 3 purchase days.
    expect(q1).toMatchObject({ period: '2024-Q1', active_customers: 8, new_customers: 8, returning_customers: 0, reactivated_customers: 0, lost_customers: 6, retention_rate: null, revenue: 1060, orders: 12, revenue_per_active: 132.5, lost_provisional: true, partial: false });
    expect(q1.average_order_value).toBeCloseTo(1060 / 12, 10);
    // Q1 revenue by customer: D 500, A 180, B 170, C 160, G 20, I 15, F 10, H 5; top ceil(1.6) = 2: 680 / 1060
    expect(q1.top20_revenue_share).toBeCloseTo(680 / 1060, 10);
    // Q2: A (reactivated) and E (new); of Q1's 8 only A is back.
    expect(q2).toMatchObject({ period: '2024-Q2', active_customers: 2, new_customers: 1, returning_customers: 1, reactivated_customers: 1, lost_customers: 0, retention_rate: 1 / 8, revenue: 65, partial: true });
  });

  it('years and weeks are labelled by the year and the Monday', async () => {
    const years = await json(['--period', 'year', '--quiet']);
    // A to I are active in 2024 (9 customers); revenue 1060 (Q1) + 65 (April) = 1125.
    expect(years.periods.map((p) => [p.period, p.active_customers, p.new_customers, p.revenue, p.partial])).toEqual([['2024', 9, 9, 1125, true]]);
    const weeks = await json(['--period', 'week', '--quiet']);
    // 2024-01-01 is a Monday: A's 01-05 falls in its week; as-of 2024-04-15 is the Monday of the last week.
    expect(weeks.periods[0].period).toBe('2024-01-01');
    expect(weeks.periods.at(-1)).toMatchObject({ period: '2024-04-15', active_customers: 0, revenue: 0, orders: 0, average_order_value: null, top20_revenue_share: null, partial: true });
    // 16 weeks: the Mondays 2024-01-01 to 2024-04-15 are 105 days = 15 steps apart
    expect(weeks.periods).toHaveLength(16);
  });
});

describe('crm kpi with payments', () => {
  // A: invoice 100 (01-05, due 02-04) paid 02-20; B: 180 (01-10, due 02-09) never paid; C: 60 (03-05, due 04-04)
  // paid 03-25; an invoice of 04-20 is after as-of.
  const payments = file('payments.csv', `customer_id,invoice_id,invoice_date,due_date,amount,paid_date,paid_amount
A,i1,2024-01-05,2024-02-04,100,2024-02-20,100
B,i2,2024-01-10,2024-02-09,180,,
C,i3,2024-03-05,2024-04-04,60,2024-03-25,60
A,i9,2024-04-20,2024-05-20,999,,
`);

  it('DSO and overdue share at each period end, with a 45-day window', async () => {
    const doc = await json(['--payments', payments, '--dso-window', '45', '--quiet']);
    const dso = doc.periods.map((p) => p.dso);
    const overdue = doc.periods.map((p) => p.overdue_share);
    // 01-31: open 100 + 180, none due; sales of 12-18..01-31 = 280: DSO 280 / 280 x 45 = 45; overdue 0.
    // 02-29: open 180 (B, past due); sales of 01-16..02-29 = 0: DSO null; overdue 180 / 180 = 1.
    // 03-31: open 180; sales of 02-16..03-31 = 60 (C): 180 / 60 x 45 = 135; overdue 1.
    // 04-15 (as-of, partial April): open 180; sales of 03-02..04-15 = 60: 135; overdue 1.
    expect(dso).toEqual([45, null, 135, 135]);
    expect(overdue).toEqual([0, 1, 1, 1]);
    // The invoice after as-of is excluded in the row account.
    const account = (doc.meta.inputs as { kind: string; used: number; excluded: Record<string, number> }[]).find((a) => a.kind === 'payments');
    expect(account).toMatchObject({ used: 3, excluded: { 'invoice after as-of': 1 } });
  });

  it('CSV has dso and overdue_share before partial', async () => {
    const r = await runCli(['kpi', '--sales', sales, '--payments', payments, '--as-of', '2024-04-15', '--churn-after', '30d', '--dso-window', '45', '--format', 'csv', '--quiet']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].endsWith(',top20_revenue_share,dso,overdue_share,partial')).toBe(true);
    expect(lines[2].endsWith(',,1,false')).toBe(true); // February: no DSO (no sales in its window), all overdue
  });
});

describe('crm kpi inputs and options', () => {
  it('the data-driven churn window of crm churn when --churn-after is not given (few gaps: 90 days)', async () => {
    const r = await runCli(['kpi', '--sales', sales, '--as-of', '2024-04-15', '--format', 'json', '--quiet']);
    const doc = JSON.parse(r.stdout);
    expect(doc.meta.churnWindow).toMatchObject({ days: 90, basis: 'default' });
    // With W = 90: A's 60-day gap is no comeback; only B (96 days) is lost (F to I: 57 to 60 days < 90); every
    // period is provisional, since January ends 75 < 90 days before as-of.
    expect(doc.periods.map((p: { reactivated_customers: number }) => p.reactivated_customers)).toEqual([0, 0, 0, 0]);
    expect(doc.periods.map((p: { lost_customers: number }) => p.lost_customers)).toEqual([1, 0, 0, 0]);
    expect(doc.meta.lostProvisionalFrom).toBe('2024-01');
  });

  it('unknown customers follow --unknown: drop leaves them out and says so', async () => {
    const customers = file('customers.csv', 'customer_id\nA\nB\nC\nD\nE\n');
    const r = await runCli(['kpi', '--sales', sales, '--customers', customers, '--unknown', 'drop', '--as-of', '2024-04-15', '--churn-after', '30d', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // Without F, G, H, I February has A 30 and C 80 only.
    expect(doc.periods[1]).toMatchObject({ active_customers: 2, new_customers: 1, lost_customers: 0, revenue: 110 });
    expect(doc.meta.unknownCustomers.sales).toMatchObject({ rows: 4, customers: 4 });
    expect(r.stderr).toMatch(/4 rows? of 4 customers?|unknown/i);
    const refused = await runCli(['kpi', '--sales', sales, '--customers', customers, '--unknown', 'error', '--as-of', '2024-04-15']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/customer_id "F" is not in the customers file/);
  });

  it('bad options are usage errors', async () => {
    expect((await runCli(['kpi', '--sales', sales, '--period', 'fortnight'])).code).toBe(2);
    expect((await runCli(['kpi', '--sales', sales, '--dso-window', '30'])).code).toBe(2);
    expect((await runCli(['kpi', '--sales', sales, '--churn-after', 'soon'])).code).toBe(2);
    expect((await runCli(['kpi'])).code).toBe(2);
  });

  it('the terminal table marks the partial period and provisional lost counts', async () => {
    const r = await runCli(['kpi', '--sales', sales, '--as-of', '2024-04-15', '--churn-after', '30d', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2024-04\*/);
    expect(r.stdout).toMatch(/│ 1\?/);
    expect(r.stdout).toContain('churn window 30 days (given)');
  });
});
