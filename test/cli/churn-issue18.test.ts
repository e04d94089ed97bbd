/**
 * crm churn, issue 18: contracts and sBG counts without sales (1), one churn window for every analysis (2),
 * life-cycle revenue as the summary (3), the observed-lifetime survival view checked against an independent
 * computation (4), blank --by values (7).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { fixture, readSimpleCsv, sharedData } from '../helpers/data.js';

function contractsFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crm-churn18-'));
  // Five contracts from 2024-01-01: ended after 10, 20, 20 days; two still running. Last date: 2024-01-21.
  const customers = join(dir, 'customers.csv');
  writeFileSync(customers, 'customer_id,signup,cancel,plan\na,2024-01-01,2024-01-11,pro\nb,2024-01-01,2024-01-21,\nc,2024-01-01,2024-01-21,pro\nd,2024-01-01,,basic\ne,2024-01-01,, \n');
  return customers;
}

describe('crm churn without sales (issue 18.1)', () => {
  it('runs contractual survival, churn rates and log-rank from the customers file alone, and says what it skipped', async () => {
    const customers = contractsFile();
    const r = await runCli(['churn', '--customers', customers, '--start', 'signup', '--end', 'cancel', '--as-of', '2024-02-10', '--times', '15,30', '--format', 'json']);
    expect(r.stderr).not.toMatch(/missing --sales/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // S(10) = 4/5, S(20) = 4/5 · (1 − 2/4) = 0.4; two censored at 40 days
    expect(doc.survival.at[0].points.map((p: { survival: number }) => p.survival)).toEqual([0.8, 0.4]);
    expect(doc.survival.view).toBe('contracts');
    expect(doc.lifetimes).toMatchObject({ source: 'contracts', churned: 3, censored: 2 });
    expect(doc.churnRates.overall.periods.map((p: { label: string }) => p.label)).toEqual(['2024-01', '2024-02']);
    for (const section of ['cohorts', 'lifecycle', 'atRisk']) expect(doc[section].error, section).toMatch(/needs --sales/);
    expect(doc.notes.join('\n')).toMatch(/cohort triangle not computed: needs --sales/);
    expect(doc.notes.join('\n')).toMatch(/life-cycle stages not computed/);
    expect(doc.notes.join('\n')).toMatch(/at-risk list not computed/);
    // the table says it too, never a silently missing section
    const table = await runCli(['churn', '--customers', customers, '--start', 'signup', '--end', 'cancel', '--as-of', '2024-02-10', '--format', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Cohort retention not computed: needs --sales/);
    expect(table.stdout).toMatch(/Life-cycle stages not computed: needs --sales/);
    expect(table.stdout).toMatch(/At-risk list not computed: needs --sales/);
    expect(table.stdout).toMatch(/contract start to cancellation/);
  });

  it('without --as-of and sales, the as-of day is the last contract date, named in meta', async () => {
    const r = await runCli(['churn', '--customers', contractsFile(), '--start', 'signup', '--end', 'cancel', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.meta.asOf).toBe('2024-01-21');
    expect(doc.meta.asOfRule).toMatch(/contract/);
    // ended on the as-of day: churned (a, b, c); d and e censored at 20 days
    expect(doc.lifetimes).toMatchObject({ churned: 3, censored: 2 });
    const csv = await runCli(['churn', '--customers', contractsFile(), '--start', 'signup', '--end', 'cancel', '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('group,time_days,at_risk,events,censored,survival,lower_95,upper_95');
    expect((await runCli(['churn', '--customers', contractsFile(), '--start', 'signup', '--end', 'cancel', '--format', 'csv', '--table', 'cohorts'])).stderr).toMatch(/cohort triangle was not computed: needs --sales/);
  });

  it('puts blank --by values in (missing): groups (missing), basic, pro and 2 degrees of freedom (issue 18.7)', async () => {
    const customers = contractsFile();
    const sales = join(customers, '..', 'sales.csv');
    writeFileSync(sales, 'customer_id,date,amount\na,2024-01-01,1\nb,2024-01-01,1\nc,2024-01-01,1\nd,2024-01-01,1\ne,2024-01-01,1\n');
    const r = await runCli(['churn', '--sales', sales, '--customers', customers, '--start', 'signup', '--end', 'cancel', '--as-of', '2024-02-10', '--by', 'plan', '--no-at-risk', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.survival.groups.map((g: { group: string }) => g.group)).toEqual(['(missing)', 'basic', 'pro']);
    expect(doc.logRank.degreesOfFreedom).toBe(2);
    expect(doc.churnRates.groups.map((g: { group: string }) => g.group)).toEqual(['(missing)', 'basic', 'pro']);
  });

  it('fits the sBG model from --counts alone (Fader & Hardie 2007, regular customers)', async () => {
    const r = await runCli(['churn', '--counts', '1000,631,468,382,326,289,262,241', '--format', 'json']);
    expect(r.stderr).not.toMatch(/missing --sales/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.sbg.model.params.alpha).toBeCloseTo(0.704, 3);
    expect(doc.sbg.model.params.beta).toBeCloseTo(1.182, 3);
    for (const section of ['cohorts', 'survival', 'churnRates', 'lifecycle', 'atRisk']) expect(doc[section].error, section).toMatch(/needs --sales/);
    const table = await runCli(['churn', '--counts', '1000,631,468,382', '--format', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/sBG \(given with --counts\): alpha/);
    expect(table.stdout).toMatch(/Survival not computed: needs --sales \(purchase lifetimes\) or --customers with --start\/--end/);
    const csv = await runCli(['churn', '--counts', '1000,631,468,382', '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('period,observed_active,expected_active,survival,retention_rate,projected');
  });

  it('still asks for --sales when nothing to analyse is given, and --help says which inputs each analysis reads', async () => {
    expect((await runCli(['churn'])).stderr).toMatch(/missing --sales FILE/);
    const help = await runCli(['churn', '--help']);
    expect(help.stdout).toMatch(/cohort triangle, life-cycle stages\s+--sales/);
    expect(help.stdout).toMatch(/survival, log-rank, churn rates\s+--sales \(purchase lifetimes\), or --customers with --start\/--end/);
    expect(help.stdout).toMatch(/sBG model\s+--counts, or --customers with --start\/--end/);
  });
});

describe('crm churn: one churn window for every analysis (issue 18.2)', () => {
  it('--churn-after reaches the life-cycle stages and is shown in the JSON meta and the table header', async () => {
    const r = await runCli(['churn', '--sales', fixture('sales.csv'), '--churn-after', '30d', '--no-at-risk', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const given = { days: 30, basis: 'given', gaps: 0, quantile: null };
    expect(doc.meta.churnWindow).toEqual(given);
    expect(doc.lifetimes.window).toEqual(given);
    expect(doc.lifecycle.rules.churnWindow).toEqual(given);
    // lost = silent for at least 30 days, the same rule as churned lifetimes
    const lost = doc.lifecycle.customers.filter((c: { stage: string }) => c.stage === 'lost').length;
    expect(lost).toBe(doc.lifetimes.churned);
    const table = await runCli(['churn', '--sales', fixture('sales.csv'), '--churn-after', '30d', '--no-at-risk', '--format', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/churn window 30 days \(given\), for survival, churn rates and life-cycle stages/);
    expect(table.stdout).toMatch(/Life-cycle stages \(churn window 30 days\)/);
  });
});

describe('crm churn: life-cycle revenue (issue 18.3)', () => {
  it('the stages hold the net revenue of all sales up to as-of, returns on days without a purchase included', async () => {
    const r = await runCli(['churn', '--sales', fixture('sales.csv'), '--no-at-risk', '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    const staged = doc.lifecycle.stages.reduce((s: number, x: { revenue: number }) => s + x.revenue, 0);
    // direct from the file: every amount of the customers with a purchase line
    const sales = readSimpleCsv(readFileSync(fixture('sales.csv'), 'utf8'));
    const buyers = new Set(sales.filter((s) => Number(s.amount) >= 0).map((s) => s.customer_id));
    const total = sales.filter((s) => buyers.has(s.customer_id)).reduce((sum, s) => sum + Number(s.amount), 0);
    expect(staged).toBeCloseTo(total, 6);
  });
});

/**
 * Reference numbers of the observed-lifetime view, from test/churn/km_reference.py (Python, written from the
 * definitions: purchase days, type-7 90th percentile of the gaps, last − first, Kaplan-Meier with Greenwood
 * and log-log bounds as lifelines/R), run as
 *   python3 test/churn/km_reference.py fixtures/sales.csv
 *   python3 test/churn/km_reference.py ../shared/data/cdnow_master_transactions.csv
 * Rows: t, S, SE, lower, upper.
 */
const REFERENCE = {
  fixtures: {
    W: 234, n: 300, events: 201, median: 254,
    at: [
      [0, 0.7566666666666666, 0.02477379140827541, 0.7039923658384892, 0.8013073635350823],
      [30, 0.7100000000000003, 0.026197964297504758, 0.6550703495746887, 0.7578303302378279],
      [90, 0.6365646258503406, 0.02777586030851233, 0.5793647641795531, 0.6881440907639162],
      [180, 0.5509047826854286, 0.02884713126161804, 0.49253675908789846, 0.6053726803808992],
      [365, 0.43768337461292806, 0.029445949187829248, 0.37937731403670155, 0.4944135988123867],
    ],
  },
  cdnow: {
    W: 200, n: 23570, events: 17876, median: 0,
    at: [
      [0, 0.4885871871022486, 0.0032559449084059292, 0.4821893681791158, 0.4949519879911952],
      [30, 0.43665676707679246, 0.003230552826896169, 0.43031576436305546, 0.4429787821572157],
      [90, 0.38387781077641037, 0.0031677444477566006, 0.37766719693016265, 0.3900839626422312],
      [180, 0.3267288926601607, 0.0030549841965697407, 0.3207473484609748, 0.33272207479247257],
      [365, 0.24083416393469873, 0.0027907988597139334, 0.2353830715191534, 0.24632222469686593],
    ],
  },
};

describe('crm churn: survival of the observed lifetime by default (issue 18.4)', () => {
  for (const [name, file] of [['fixtures', fixture('sales.csv')], ['cdnow', sharedData('cdnow_master_transactions.csv')]] as const) {
    it(`agrees with the independent Kaplan-Meier/Greenwood computation on ${name}`, async () => {
      const ref = REFERENCE[name];
      const r = await runCli(['churn', '--sales', file, '--no-at-risk', '--times', '0,30,90,180,365', '--format', 'json']);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.survival.view).toBe('observed');
      expect(doc.survival.definition).toMatch(/first to last purchase/);
      expect(doc.lifetimes.window.days).toBe(ref.W);
      expect([doc.survival.overall.n, doc.survival.overall.events, doc.survival.overall.median]).toEqual([ref.n, ref.events, ref.median]);
      ref.at.forEach(([t, S, se, lower, upper], i) => {
        const p = doc.survival.at[0].points[i];
        expect(p.time).toBe(t);
        expect(p.survival).toBeCloseTo(S, 10);
        expect(p.standardError).toBeCloseTo(se, 10);
        expect(p.lower).toBeCloseTo(lower, 9);
        expect(p.upper).toBeCloseTo(upper, 9);
      });
      // the numbers carry information before the window: S(30), S(90), S(180) are not 100%
      for (const i of [1, 2, 3]) expect(doc.survival.at[0].points[i].survival).toBeLessThan(0.9);
    });
  }

  it('keeps the window-dated view as --survival window (flat at 100% until W, the median is W on CDNOW), and explains each', async () => {
    const r = await runCli(['churn', '--sales', sharedData('cdnow_master_transactions.csv'), '--no-at-risk', '--survival', 'window', '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.survival.view).toBe('window');
    expect(doc.meta.survival).toBe('window');
    expect(doc.survival.definition).toMatch(/flat at 100% until 200 days/);
    expect(doc.survival.at[0].points.slice(0, 3).map((p: { survival: number }) => p.survival)).toEqual([1, 1, 1]);
    expect(doc.survival.overall.median).toBe(200);
    const table = await runCli(['churn', '--sales', sharedData('cdnow_master_transactions.csv'), '--no-at-risk', '--format', 'table']);
    expect(table.stdout).toMatch(/Survival \(observed lifetime, first to last purchase/);
    expect(table.stdout).toMatch(/S\(0\) = 48\.9%: the estimated share of customers who buy again/);
  });

  it('dates churn at the last purchase in the churn rates: no 22-30% spike when the first quarter reaches the window', async () => {
    const file = sharedData('cdnow_master_transactions.csv');
    const observed = JSON.parse((await runCli(['churn', '--sales', file, '--no-at-risk', '--format', 'json'])).stdout).churnRates;
    const window = JSON.parse((await runCli(['churn', '--sales', file, '--no-at-risk', '--survival', 'window', '--format', 'json'])).stdout).churnRates;
    const rate = (series: { periods: { label: string; rate: number | null }[] }, label: string): number | null => series.periods.find((p) => p.label === label)!.rate;
    expect(rate(window.overall, '1997-09')).toBeGreaterThan(0.3); // the window view's spike (one-time buyers reaching W together)
    const final = observed.overall.periods.filter((p: { provisional: boolean; partial: boolean; rate: number | null }) => !p.provisional && !p.partial && p.rate !== null);
    expect(final.length).toBeGreaterThan(3);
    for (const p of final) expect(p.rate).toBeLessThan(0.15);
    // months ending less than W = 200 days before 1998-06-30 are provisional
    expect(observed.overall.periods.filter((p: { provisional: boolean }) => p.provisional).map((p: { label: string }) => p.label)[0]).toBe('1997-12');
  });
});
