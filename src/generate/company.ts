/**
 * A reproducible synthetic company: customers drawn from a stated BG/NBD purchase process (Fader, Hardie &
 * Lee 2005) with Gamma-Gamma spend (Fader, Hardie & Lee 2005, "RFM and CLV"), written as customers, sales
 * (order lines with cost) and payments (invoices; some late, some partly paid, some unpaid).
 *
 * The process, per customer i, in days:
 * - acquisition day uniform over the acquisition window; the first purchase is on that day;
 * - purchase rate lambda_i ~ Gamma(r, rate alpha); inter-purchase times Exp(lambda_i);
 * - after each repeat purchase the customer drops out with probability p_i ~ Beta(a, b) (the lifetimes
 *   generator's convention: the first purchase is not followed by a dropout draw);
 * - spend scale nu_i ~ Gamma(q, rate gamma); each purchase's value z ~ Gamma(p, rate nu_i).
 * Purchases falling on the same calendar day merge in the summary (the model is continuous, days are not).
 * Everything streams: one customer at a time is in memory.
 */
import { dayFromYmd, dayToIso, type Day } from '../core/days.js';
import { createRng, type Rng } from '../core/random.js';

export interface CompanyTruth {
  seed: number;
  customers: number;
  /** Time unit of the BG/NBD parameters. */
  period: 'day';
  start: string;
  end: string;
  acquisitionEnd: string;
  bgnbd: { r: number; alpha: number; a: number; b: number };
  gammagamma: { p: number; q: number; gamma: number };
  /** Mean cost as a share of the line amount. */
  costShare: { min: number; max: number };
  /** Share of orders partly returned later (a negative sales line and a credit note). */
  returnShare: number;
  /** Payment terms (days) and behaviour mix. */
  payments: { termsDays: number; classes: Record<string, number> };
}

export interface GenerateOptions {
  customers: number;
  seed: number;
  /** First and last day of the company's history. */
  start?: Day;
  end?: Day;
}

/** The default parameters, in days: about 3 orders a year for an active customer, mean order value about 80. */
export function defaultTruth(options: GenerateOptions): CompanyTruth {
  const start = options.start ?? dayFromYmd(2023, 1, 1);
  const end = options.end ?? dayFromYmd(2025, 12, 31);
  return {
    seed: options.seed,
    customers: options.customers,
    period: 'day',
    start: dayToIso(start),
    end: dayToIso(end),
    acquisitionEnd: dayToIso(start + Math.floor((end - start) * 0.75)),
    bgnbd: { r: 0.6, alpha: 70, a: 0.8, b: 3.5 },
    gammagamma: { p: 6, q: 4, gamma: 40 },
    costShare: { min: 0.5, max: 0.8 },
    returnShare: 0.03,
    payments: { termsDays: 30, classes: { prompt: 0.7, slow: 0.15, late: 0.1, delinquent: 0.05 } },
  };
}

const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const CHANNELS = ['web', 'store', 'phone'];
const INDUSTRIES = ['retail', 'services', 'manufacturing', 'public', 'health'];
const PRODUCTS = ['basic', 'standard', 'premium', 'accessory', 'service'];
const FIRST = ['Ada', 'Ben', 'Cleo', 'Dan', 'Eva', 'Finn', 'Gia', 'Hugo', 'Iris', 'Jon', 'Kai', 'Lena', 'Max', 'Nora', 'Omar', 'Pia'];
const LAST = ['Meyer', 'Smith', 'García', 'Rossi', 'Novak', 'Dubois', 'Kowalski', 'Jensen', "O'Neil", 'Silva', 'Weber', 'Larsen'];

/** Writers for the three outputs: each receives already formatted CSV lines. */
export interface CompanyWriters {
  customers(line: string): Promise<void>;
  sales(line: string): Promise<void>;
  payments(line: string): Promise<void>;
}

export const CUSTOMER_HEADER = 'customer_id,name,region,channel,industry,signup_date\n';
export const SALES_HEADER = 'order_id,customer_id,date,product,quantity,amount,cost,channel\n';
export const PAYMENTS_HEADER = 'customer_id,invoice_id,invoice_date,due_date,amount,paid_date,paid_amount\n';

const money = (x: number): string => x.toFixed(2);
const pick = <T>(rng: Rng, items: T[]): T => items[rng.int(items.length)];

/** Writes the company; returns counts of what was written. */
export async function generateCompany(
  truth: CompanyTruth,
  writers: CompanyWriters,
): Promise<{ customers: number; salesRows: number; orders: number; invoices: number }> {
  const rng = createRng(truth.seed);
  const start = dayFromYmdIso(truth.start);
  const end = dayFromYmdIso(truth.end);
  const acquisitionEnd = dayFromYmdIso(truth.acquisitionEnd);
  const { r, alpha, a, b } = truth.bgnbd;
  const { p, q, gamma } = truth.gammagamma;
  const classes = Object.entries(truth.payments.classes);
  const width = Math.max(6, String(truth.customers).length);
  let salesRows = 0;
  let orders = 0;
  let invoices = 0;
  await writers.customers(CUSTOMER_HEADER);
  await writers.sales(SALES_HEADER);
  await writers.payments(PAYMENTS_HEADER);
  for (let i = 1; i <= truth.customers; i++) {
    const id = `C${String(i).padStart(width, '0')}`;
    const acquired = start + rng.int(acquisitionEnd - start + 1);
    const lambda = rng.gamma(r, 1 / alpha);
    const dropout = rng.beta(a, b);
    const nu = rng.gamma(q, 1 / gamma);
    const channel = pick(rng, CHANNELS);
    const name = `${pick(rng, FIRST)} ${pick(rng, LAST)}`;
    const signup = acquired - rng.int(30);
    await writers.customers(
      `${id},${/[",]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name},${pick(rng, REGIONS)},${channel},${pick(rng, INDUSTRIES)},${dayToIso(signup)}\n`,
    );
    // Payment behaviour of this customer.
    let u = rng.uniform();
    let behaviour = classes[classes.length - 1][0];
    for (const [cls, share] of classes) {
      if (u < share) {
        behaviour = cls;
        break;
      }
      u -= share;
    }
    // Purchase times: the first at acquisition, then Exp(lambda) gaps with a dropout draw after each repeat.
    let t = acquired + rng.uniform();
    let n = 0;
    for (;;) {
      const day = Math.floor(t);
      if (day > end) break;
      n++;
      orders++;
      const orderId = `O${id.slice(1)}-${n}`;
      const value = Math.max(0.01, rng.gamma(p, 1 / nu));
      const lines = 1 + rng.int(3);
      let rest = value;
      let invoiceAmount = 0;
      for (let l = 0; l < lines; l++) {
        const share = l === lines - 1 ? rest : Math.round(value * (0.2 + 0.5 * rng.uniform()) * 100) / 100;
        const amount = Math.max(0.01, Math.min(rest, share));
        rest = Math.max(0, rest - amount);
        const cost = amount * (truth.costShare.min + (truth.costShare.max - truth.costShare.min) * rng.uniform());
        const qty = 1 + rng.int(4);
        await writers.sales(`${orderId},${id},${dayToIso(day)},${pick(rng, PRODUCTS)},${qty},${money(amount)},${money(cost)},${channel}\n`);
        invoiceAmount += Number(money(amount));
        salesRows++;
        if (rest <= 0) break;
      }
      invoices++;
      await writers.payments(paymentLine(rng, id, `INV-${orderId.slice(1)}`, day, invoiceAmount, truth.payments.termsDays, behaviour, end));
      if (rng.uniform() < truth.returnShare) {
        // A return of part of the order some days later: a negative sales line and a credit note.
        const returnDay = day + 3 + rng.int(25);
        const refund = Math.round(invoiceAmount * (0.2 + 0.6 * rng.uniform()) * 100) / 100;
        if (returnDay <= end && refund > 0) {
          await writers.sales(`${orderId}R,${id},${dayToIso(returnDay)},${pick(rng, PRODUCTS)},-1,${money(-refund)},${money(-refund * truth.costShare.max)},${channel}\n`);
          salesRows++;
          invoices++;
          // The credit note stays open: a credit the customer holds against what they owe.
          await writers.payments(`${id},CN-${orderId.slice(1)},${dayToIso(returnDay)},${dayToIso(returnDay)},${money(-refund)},,\n`);
        }
      }
      if (n > 1 && rng.uniform() < dropout) break;
      t += rng.exponential(lambda);
    }
  }
  return { customers: truth.customers, salesRows, orders, invoices };
}

function dayFromYmdIso(iso: string): Day {
  const [y, m, d] = iso.split('-').map(Number);
  return dayFromYmd(y, m, d);
}

/** One invoice row (or two rows for a partial then final payment) by behaviour class. */
function paymentLine(rng: Rng, customerId: string, invoiceId: string, day: Day, amount: number, terms: number, behaviour: string, end: Day): string {
  const due = day + terms;
  const delay =
    behaviour === 'prompt' ? rng.int(terms + 1)
    : behaviour === 'slow' ? terms + 1 + rng.int(15)
    : behaviour === 'late' ? terms + 15 + rng.int(60)
    : rng.uniform() < 0.5 ? Infinity : terms + 60 + rng.int(120);
  const head = `${customerId},${invoiceId},${dayToIso(day)},${dayToIso(due)},${money(amount)}`;
  const paid = day + delay;
  if (!Number.isFinite(delay) || paid > end) return `${head},,\n`;
  if (amount > 20 && rng.uniform() < 0.08) {
    // A partial payment first, the rest later (or never, for delinquent customers).
    const part = Math.round(amount * (0.3 + 0.4 * rng.uniform()) * 100) / 100;
    const first = `${head},${dayToIso(paid)},${money(part)}\n`;
    const second = paid + 10 + rng.int(30);
    if (behaviour === 'delinquent' || second > end) return first;
    return `${first}${head},${dayToIso(second)},${money(amount - part)}\n`;
  }
  return `${head},${dayToIso(paid)},${money(amount)}\n`;
}
