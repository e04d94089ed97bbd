/**
 * Campaign measurement, pure: who was contacted (treatment) or held out (control), who bought within the
 * response window after the contact, and what the campaign added over the control group: the lift in response
 * rate (Newcombe's hybrid score interval, pooled z test), the incremental revenue (Welch's interval) and the
 * ROI. Plain data in, plain data out. See docs/campaign.md.
 */
import { addMoney } from '../core/money.js';
import { dayToIso, type Day } from '../core/days.js';
import { UsageError } from '../errors.js';
import { controlSizeForSignificance, meanVariance, newcombeInterval, twoProportionTest, welchInterval, wilsonInterval, type Interval } from './stats.js';

export type ContactGroup = 'treatment' | 'control';

/** One contact (the shape of the contacts input's rows). */
export interface CampaignContact {
  customerId: string;
  campaign: string;
  day: Day;
  group: ContactGroup;
  /** Cost of the contact; null when not given. */
  cost: number | null;
}

/** A customer's sales by day: net amount per day and whether the day has a purchase line (1) or only returns (0). */
export interface PurchaseHistory {
  days: ArrayLike<number>;
  amounts: ArrayLike<number>;
  purchase: ArrayLike<number>;
}

/** A breakdown of every campaign: the value of each contacted customer (e.g. its RFM segment, a customer attribute). */
export interface CampaignBreakdown {
  /** Name of the breakdown, e.g. `segment` or a customer column. */
  by: string;
  /** The customer's value in this breakdown for this campaign ('' = missing). */
  valueOf(customerId: string, campaign: string): string;
}

export interface CampaignOptions {
  /** The as-of day: contacts after it are left out; windows end there at the latest. */
  asOf: Day;
  /** Response window in days after the contact (the contact day excluded). Default 30. */
  windowDays?: number;
  /** A customer's sales; undefined = no sales. */
  history(customerId: string): PurchaseHistory | undefined;
  /** Margin / revenue, for the margins in the window and the ROI (default 1). */
  marginShare?: number;
  /** Breakdowns besides the whole campaign. */
  breakdowns?: CampaignBreakdown[];
}

/** One group (treatment or control) of a campaign or of a breakdown cell. */
export interface GroupStats {
  /** Customers contacted (or held out, for control). */
  contacted: number;
  /** Contacts (rows): a customer may be contacted more than once in a campaign. */
  contacts: number;
  /** Customers with a purchase day in their response window. */
  responders: number;
  responseRate: number;
  /** Wilson score interval (95%) of the response rate. */
  responseRateInterval: Interval;
  /** Net revenue in the response windows (returns included). */
  revenue: number;
  revenuePerContacted: number;
  /** revenue × margin share. */
  margin: number;
  marginPerContacted: number;
  /** Sum of the contacts' costs (0 when none given). */
  cost: number;
  /** Customers whose window is not complete at the as-of day (counted up to as-of only). */
  incomplete: number;
}

/** What a campaign (or a breakdown cell) added over its control group. */
export interface CampaignEffect {
  treatment: GroupStats | null;
  control: GroupStats | null;
  /** treatment rate − control rate; null without a control group (or without treatment). */
  lift: number | null;
  /** Newcombe's hybrid score interval (method 10), 95%. */
  liftInterval: Interval | null;
  /** Pooled two-proportion z test, two-sided. */
  pValue: number | null;
  /** Why there is no lift. */
  liftNote?: string;
  /** (treated mean window revenue − control mean) × treated customers. */
  incrementalRevenue: number | null;
  /** Welch's 95% interval of the difference of means × treated customers; null with fewer than 2 customers in a group. */
  incrementalRevenueInterval: Interval | null;
  /** Welch–Satterthwaite degrees of freedom of that interval. */
  incrementalRevenueDf: number | null;
  /** incrementalRevenue × margin share. */
  incrementalMargin: number | null;
  /** Cost of all contacts of the cell (both groups). */
  totalCost: number;
  /** (incremental revenue × margin share − total cost) / total cost; null without cost or incremental revenue. */
  roi: number | null;
  roiNote?: string;
}

export interface BreakdownCell extends CampaignEffect {
  by: string;
  value: string;
}

export interface CampaignResult extends CampaignEffect {
  campaign: string;
  firstContact: string;
  lastContact: string;
  /**
   * With a lift whose interval holds zero: the control size with which Newcombe's interval would exclude zero
   * at the observed rates and treated size (null when none would); undefined otherwise.
   */
  controlSizeNeeded?: number | null;
  warnings: string[];
  breakdowns: BreakdownCell[];
}

export interface CampaignAnalysis {
  asOf: string;
  windowDays: number;
  marginShare: number;
  methods: { liftInterval: string; pValue: string; incrementalRevenueInterval: string; controlSize: string };
  campaigns: CampaignResult[];
  /** Contacts used, and left out by reason ('after as-of', 'other group in the campaign'). */
  account: { contacts: number; used: number; excluded: Record<string, number> };
  warnings: string[];
}

export const METHODS = {
  liftInterval: 'Newcombe (1998) hybrid score interval, method 10, from Wilson score intervals; 95%',
  pValue: 'two-proportion z test with the pooled proportion, two-sided',
  incrementalRevenueInterval: "Welch's t interval (Welch–Satterthwaite df), 95%, times the treated customers",
  controlSize: "smallest control size for which Newcombe's interval excludes zero, treated size and both observed rates fixed",
} as const;

/** One contacted customer of a campaign. */
interface Member {
  customerId: string;
  group: ContactGroup;
  days: Day[];
  cost: number;
  revenue: number;
  responder: boolean;
  complete: boolean;
}

/** Accumulates the members of one group of a cell. */
class GroupAccumulator {
  members: Member[] = [];
  contacts = 0;
  stats(marginShare: number): GroupStats | null {
    const n = this.members.length;
    if (n === 0) return null;
    let responders = 0;
    let revenue = 0;
    let cost = 0;
    let incomplete = 0;
    for (const m of this.members) {
      if (m.responder) responders++;
      revenue = addMoney(revenue, m.revenue);
      cost = addMoney(cost, m.cost);
      if (!m.complete) incomplete++;
    }
    return {
      contacted: n,
      contacts: this.contacts,
      responders,
      responseRate: responders / n,
      responseRateInterval: wilsonInterval(responders, n),
      revenue,
      revenuePerContacted: revenue / n,
      margin: revenue * marginShare,
      marginPerContacted: (revenue * marginShare) / n,
      cost,
      incomplete,
    };
  }
}

/** The effect of treatment over control for the members of one cell. */
function effect(treatment: GroupAccumulator, control: GroupAccumulator, marginShare: number): CampaignEffect {
  const t = treatment.stats(marginShare);
  const c = control.stats(marginShare);
  const totalCost = addMoney(t?.cost ?? 0, c?.cost ?? 0);
  const out: CampaignEffect = {
    treatment: t, control: c, lift: null, liftInterval: null, pValue: null,
    incrementalRevenue: null, incrementalRevenueInterval: null, incrementalRevenueDf: null, incrementalMargin: null, totalCost, roi: null,
  };
  if (t === null || c === null) {
    out.liftNote = t === null ? 'no treated customers: lift cannot be measured' : 'no control group: lift cannot be measured (response rates only)';
    out.roiNote = 'no incremental revenue without a control group';
    return out;
  }
  out.lift = t.responseRate - c.responseRate;
  out.liftInterval = newcombeInterval(t.responders, t.contacted, c.responders, c.contacted);
  out.pValue = twoProportionTest(t.responders, t.contacted, c.responders, c.contacted).pValue;
  const mt = meanVariance(treatment.members.map((m) => m.revenue));
  const mc = meanVariance(control.members.map((m) => m.revenue));
  out.incrementalRevenue = (mt.mean - mc.mean) * t.contacted;
  out.incrementalMargin = out.incrementalRevenue * marginShare;
  const welch = welchInterval(mt, mc);
  if (welch) {
    out.incrementalRevenueInterval = [welch.interval[0] * t.contacted, welch.interval[1] * t.contacted];
    out.incrementalRevenueDf = welch.df;
  }
  if (totalCost > 0) out.roi = (out.incrementalMargin - totalCost) / totalCost;
  else out.roiNote = 'no contact costs given: ROI cannot be computed';
  return out;
}

/** Index of the last element of sorted `days` below `x`, or -1. */
function lastBelow(days: readonly number[], x: number): number {
  let lo = 0;
  let hi = days.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid] < x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Measures every campaign of `contacts`. A customer's response window is the union of the days d+1 .. d+N of each
 * of their contacts d in the campaign, cut at the as-of day; a responder has a purchase day in it, and the window
 * revenue is the net amount of its days (returns included). A customer's group is that of their first contact in
 * the campaign; contacts in the other group are left out ('other group in the campaign').
 *
 * @throws {UsageError} for a window that is not a whole number of days >= 1, or a margin share that is not finite
 */
export function analyseCampaigns(contacts: Iterable<CampaignContact>, options: CampaignOptions): CampaignAnalysis {
  const windowDays = options.windowDays ?? 30;
  if (!Number.isInteger(windowDays) || windowDays < 1) throw new UsageError(`the response window must be a whole number of days >= 1, not ${windowDays}`);
  const marginShare = options.marginShare ?? 1;
  if (!Number.isFinite(marginShare)) throw new UsageError(`the margin share must be a number, not ${marginShare}`);
  const asOf = options.asOf;
  const account = { contacts: 0, used: 0, excluded: {} as Record<string, number> };
  const exclude = (reason: string): void => {
    account.excluded[reason] = (account.excluded[reason] ?? 0) + 1;
  };

  // Campaign → customer → member, in order of first appearance.
  const campaigns = new Map<string, Map<string, Member & { contacts: number }>>();
  for (const contact of contacts) {
    account.contacts++;
    if (contact.day > asOf) {
      exclude('after as-of');
      continue;
    }
    let members = campaigns.get(contact.campaign);
    if (!members) campaigns.set(contact.campaign, (members = new Map()));
    const known = members.get(contact.customerId);
    if (known && known.group !== contact.group) {
      exclude('other group in the campaign');
      continue;
    }
    account.used++;
    if (known) {
      known.days.push(contact.day);
      known.contacts++;
      known.cost = addMoney(known.cost, contact.cost ?? 0);
    } else {
      members.set(contact.customerId, { customerId: contact.customerId, group: contact.group, days: [contact.day], cost: contact.cost ?? 0, revenue: 0, responder: false, complete: true, contacts: 1 });
    }
  }

  const results: CampaignResult[] = [];
  const warnings: string[] = [];
  for (const [campaign, members] of campaigns) {
    let first = Infinity;
    let last = -Infinity;
    // The window of each member and what they bought in it.
    for (const m of members.values()) {
      m.days.sort((a, b) => a - b);
      first = Math.min(first, m.days[0]);
      last = Math.max(last, m.days[m.days.length - 1]);
      m.complete = m.days[m.days.length - 1] + windowDays <= asOf;
      const h = options.history(m.customerId);
      if (!h) continue;
      let revenue = 0;
      let responder = false;
      for (let i = 0; i < h.days.length; i++) {
        const day = h.days[i];
        if (day > asOf) break;
        const k = lastBelow(m.days, day);
        if (k < 0 || day > m.days[k] + windowDays) continue;
        revenue = addMoney(revenue, h.amounts[i]);
        if (h.purchase[i]) responder = true;
      }
      m.revenue = revenue;
      m.responder = responder;
    }
    const cell = (): { treatment: GroupAccumulator; control: GroupAccumulator } => ({ treatment: new GroupAccumulator(), control: new GroupAccumulator() });
    const add = (c: ReturnType<typeof cell>, m: Member & { contacts: number }): void => {
      const g = c[m.group];
      g.members.push(m);
      g.contacts += m.contacts;
    };
    const whole = cell();
    const cells = (options.breakdowns ?? []).map((b) => ({ by: b.by, values: new Map<string, ReturnType<typeof cell>>(), valueOf: b.valueOf }));
    for (const m of members.values()) {
      add(whole, m);
      for (const b of cells) {
        const value = b.valueOf(m.customerId, campaign);
        let c = b.values.get(value);
        if (!c) b.values.set(value, (c = cell()));
        add(c, m);
      }
    }
    const total = effect(whole.treatment, whole.control, marginShare);
    const result: CampaignResult = { campaign, firstContact: dayToIso(first), lastContact: dayToIso(last), ...total, warnings: [], breakdowns: [] };
    const incomplete = (total.treatment?.incomplete ?? 0) + (total.control?.incomplete ?? 0);
    if (incomplete > 0) {
      result.warnings.push(`${incomplete} contacted customer(s) of campaign ${JSON.stringify(campaign)} have a response window not complete at the as-of day ${dayToIso(asOf)} (contacts after ${dayToIso(asOf - windowDays)}): their purchases are counted up to the as-of day only`);
    }
    if (total.control === null && total.treatment !== null) result.warnings.push(`campaign ${JSON.stringify(campaign)} has no control group: lift cannot be measured; response rates only`);
    if (total.lift !== null && total.liftInterval !== null && total.liftInterval[0] <= 0 && total.liftInterval[1] >= 0 && total.lift !== 0) {
      const needed = controlSizeForSignificance(total.treatment!.responseRate, total.treatment!.contacted, total.control!.responseRate);
      result.controlSizeNeeded = needed;
      const lift = `${(total.lift * 100).toFixed(1)} points`;
      result.warnings.push(
        needed === null
          ? `campaign ${JSON.stringify(campaign)}: the 95% interval of the lift holds zero, and no control group size would exclude it at the observed lift of ${lift} with ${total.treatment!.contacted} treated customers (Newcombe's interval): more treated customers are needed`
          : `campaign ${JSON.stringify(campaign)}: the control group (${total.control!.contacted}) is too small for the 95% interval of the lift to exclude zero at the observed lift of ${lift}; about ${needed} control customers would (Newcombe's interval, treated size and both rates fixed)`,
      );
    }
    for (const b of cells) {
      const values = [...b.values.keys()].sort((x, y) => (x === '' ? 1 : y === '' ? -1 : x < y ? -1 : x > y ? 1 : 0));
      for (const value of values) {
        const c = b.values.get(value)!;
        result.breakdowns.push({ by: b.by, value, ...effect(c.treatment, c.control, marginShare) });
      }
    }
    warnings.push(...result.warnings);
    results.push(result);
  }
  results.sort((a, b) => (a.firstContact < b.firstContact ? -1 : a.firstContact > b.firstContact ? 1 : a.campaign < b.campaign ? -1 : a.campaign > b.campaign ? 1 : 0));
  return { asOf: dayToIso(asOf), windowDays, marginShare, methods: { ...METHODS }, campaigns: results, account, warnings };
}

/** One row of the CSV/NDJSON output: a campaign × breakdown cell × group. */
export interface CampaignRow {
  campaign: string;
  by: string;
  value: string;
  group: ContactGroup;
  stats: GroupStats;
  effect: CampaignEffect;
}

/** The rows of the CSV/NDJSON output, campaign by campaign: the whole campaign (by 'all') then each breakdown cell. */
export function* campaignRows(analysis: CampaignAnalysis): Generator<CampaignRow> {
  for (const c of analysis.campaigns) {
    const cells: { by: string; value: string; effect: CampaignEffect }[] = [{ by: 'all', value: '', effect: c }, ...c.breakdowns.map((b) => ({ by: b.by, value: b.value, effect: b }))];
    for (const cell of cells) {
      for (const group of ['treatment', 'control'] as const) {
        const stats = cell.effect[group];
        if (stats) yield { campaign: c.campaign, by: cell.by, value: cell.value, group, stats, effect: cell.effect };
      }
    }
  }
}
