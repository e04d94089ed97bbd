/**
 * Campaign response (crm campaign, and crm report --contacts): the margin share of the ROI, the breakdowns by RFM
 * segment before each campaign and by customer attributes, and the report's campaign section.
 */
import type { SalesAccumulator } from '../accumulate/sales.js';
import type { Day } from '../core/days.js';
import { CrmError } from '../errors.js';
import type { LoadedData } from '../ingest/load.js';
import { analyseCampaigns, type CampaignAnalysis, type CampaignBreakdown } from '../marketing/campaign.js';
import { NO_PURCHASE_BEFORE, segmentsAsOf } from '../marketing/segments.js';
import type { GivenShare } from './settings.js';

/**
 * The margin share of the ROI and the window margins: the sales' cost or margin column (Σ margin / Σ net revenue
 * up to as-of), else `--margin`, else 1; with the note saying which.
 */
export function marginShareOf(sales: SalesAccumulator, asOf: Day, given: GivenShare | undefined): { share: number; source: string; note?: string } {
  if (sales.hasMargin) {
    let margin = 0;
    let revenue = 0;
    for (const id of sales.customers.keys()) {
      const state = sales.customers.get(id)!;
      margin += state.margin + state.marginHoldout;
      for (let i = 0; i < state.days.length && state.days[i] <= asOf; i++) revenue += state.amounts[i];
    }
    if (revenue > 0) {
      const share = margin / revenue;
      return { share, source: 'the sales\' cost or margin column', note: given !== undefined ? `${given.source} ${given.share} not used: the sales carry a cost or margin column (margin share ${(share * 100).toFixed(1)}%)` : undefined };
    }
  }
  if (given !== undefined) return { share: given.share, source: given.source };
  return { share: 1, source: 'none', note: 'no cost or margin in the sales and no --margin: margin share 1 (margins equal revenue; give --margin 0.35 for a margin of 35%)' };
}

/** The breakdowns: RFM segment before each campaign, and customer attributes. */
export function campaignBreakdowns(data: LoadedData, asOf: Day, by: string[], segments: boolean, notes: string[]): CampaignBreakdown[] {
  const out: CampaignBreakdown[] = [];
  if (segments) {
    const first = new Map<string, Day>();
    for (const c of data.contacts!) if (c.day <= asOf && c.day < (first.get(c.campaign) ?? Infinity)) first.set(c.campaign, c.day);
    const cache = new Map<string, Map<string, string> | null>();
    const segmentMap = (campaign: string): Map<string, string> | null => {
      if (!cache.has(campaign)) {
        try {
          cache.set(campaign, segmentsAsOf(data.sales!, first.get(campaign)! - 1));
        } catch (err) {
          if (!(err instanceof CrmError)) throw err;
          notes.push(`warning: RFM segments before campaign ${JSON.stringify(campaign)} not computed: ${err.message}`);
          cache.set(campaign, null);
        }
      }
      return cache.get(campaign)!;
    };
    out.push({ by: 'segment', valueOf: (id, campaign) => {
      const map = segmentMap(campaign);
      return map === null ? '(not computed)' : (map.get(id) ?? NO_PURCHASE_BEFORE);
    } });
  }
  for (const column of by) {
    out.push({ by: column, valueOf: (id) => data.customers?.get(id)?.[column] ?? '' });
  }
  return out;
}

/**
 * The campaign analysis of a run whose inputs are read (`crm report --contacts`): default window (30 days), RFM
 * segment breakdown, margin share as `crm campaign` finds it. Notes (margin source, segments not computed) go
 * to `notes`.
 */
export function reportCampaigns(data: LoadedData, asOf: Day, margin: GivenShare | undefined, notes: string[], windowDays?: number): CampaignAnalysis {
  const share = marginShareOf(data.sales!, asOf, margin);
  if (share.note) notes.push(`note: campaigns: ${share.note}`);
  const sales = data.sales!;
  return analyseCampaigns(data.contacts!, { asOf, windowDays, marginShare: share.share, history: (id) => sales.customers.get(id), breakdowns: campaignBreakdowns(data, asOf, [], true, notes) });
}
