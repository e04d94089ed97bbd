/**
 * The "Campaigns" section of crm report with --contacts: present in HTML with a table and a chart per campaign,
 * absent without --contacts, every value escaped; the contacts' row account in the report.
 *
 * The data: campaign "spring" on 2024-03-01 (window 03-02 .. 03-31): treated a1..a4, responders a1, a2 (2/4 = 50%);
 * control b1, b2, responder b1 (1/2 = 50%): lift 0.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempFiles } from '../helpers/ingest.js';
import { campaignSection } from '../../src/report/html/campaign.js';
import { analyseCampaigns } from '../../src/marketing/campaign.js';

const { write } = tempFiles('crm-campaign-report-');
const sales = write('sales.csv', 'customer_id,date,amount\na1,2024-01-10,10\na1,2024-03-05,20\na2,2024-03-10,30\na3,2024-02-01,15\nb1,2024-03-15,25\nb2,2024-01-20,5\na4,2024-05-31,8\n');
const contacts = write('contacts.csv', 'customer_id,campaign,date,group,cost\na1,spring,2024-03-01,treatment,1\na2,spring,2024-03-01,treatment,1\na3,spring,2024-03-01,treatment,1\na4,spring,2024-03-01,treatment,1\nb1,spring,2024-03-01,control,\nb2,spring,2024-03-01,control,\n');

describe('crm report --contacts', () => {
  it('adds a Campaigns section to the HTML report with a table and a chart', async () => {
    const r = await runCli(['report', '--sales', sales, '--contacts', contacts, '--format', 'html', '--quiet']);
    expect(r.code).toBe(0);
    const html = r.stdout;
    const start = html.indexOf('<section id="campaigns"');
    expect(start).toBeGreaterThan(0);
    const section = html.slice(start, html.indexOf('</section>', start));
    expect(section).toContain('Campaign spring');
    expect(section).toContain('data-chart="campaign"');
    // treatment 2/4 = 50.0%, control 1/2 = 50.0%, lift +0.0 pts
    expect(section).toMatch(/<td>treatment<\/td><td class="num">4<\/td><td class="num">2<\/td><td class="num">50\.0%<\/td>/);
    expect(section).toMatch(/<td>control<\/td><td class="num">2<\/td><td class="num">1<\/td><td class="num">50\.0%<\/td>/);
    expect(section).toContain('Lift +0.0 pts');
    expect(section).toContain('Newcombe');
  });

  it('has no Campaigns section without --contacts', async () => {
    const r = await runCli(['report', '--sales', sales, '--format', 'html', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('<section id="campaigns"');
  });

  it('accounts for the contacts in the JSON meta', async () => {
    const r = await runCli(['report', '--sales', sales, '--contacts', contacts, '--format', 'json', '--quiet']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.meta.inputs.find((a: { kind: string }) => a.kind === 'contacts')).toMatchObject({ read: 6, used: 6, rejected: 0 });
  });

  it('escapes every value of the section', () => {
    const analysis = analyseCampaigns(
      [
        { customerId: 'x', campaign: '<script>alert(1)</script>', day: 10, group: 'treatment', cost: null },
        { customerId: 'y', campaign: '<script>alert(1)</script>', day: 10, group: 'control', cost: null },
      ],
      { asOf: 100, history: () => undefined, breakdowns: [{ by: '<b>x</b>', valueOf: () => '"&<i>' }] },
    );
    const html = campaignSection(analysis);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;');
  });
});
