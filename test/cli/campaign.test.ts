/**
 * `crm campaign` end to end (in memory) on small files written here, with the counts worked in the comments:
 *
 * campaign "spring" on 2024-03-01, window 30 days (03-02 .. 03-31), as-of 2024-06-30 (the last sale date):
 *   treatment t1..t10 (cost 2 each); responders t1 (100), t2 (60 − 10 returned = 50), t3 (30), t4 (20) → 4/10 = 0.4
 *   (t5 buys on the contact day, t6 on day 31: not responses); control c1..c5, responder c1 (40) → 1/5 = 0.2.
 *   lift 0.2; window revenue treated 200 → mean 20, control 40 → mean 8; incremental (20 − 8) × 10 = 120.
 *   The sales have a cost column: total revenue 100 + 60 − 10 + 30 + 20 + 70 + 80 + 40 + 15 = 405, cost of the
 *   lines 40 + 30 − 5 + 15 + 10 + 35 + 40 + 20 + 7.5 = 192.5 → margin 212.5, margin share 212.5/405 = 0.524691;
 *   ROI = (120 × 0.524691 − 20) / 20 = 2.148148.
 * campaign "autumn" (treatment only) on 2024-06-10: no control group.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempFiles } from '../helpers/ingest.js';

const { write } = tempFiles('crm-campaign-');

const contactsText = [
  'customer_id,campaign,date,group,cost,channel',
  ...Array.from({ length: 10 }, (_, i) => `t${i + 1},spring,2024-03-01,treatment,2,email`),
  ...Array.from({ length: 5 }, (_, i) => `c${i + 1},spring,2024-03-01,Control,,`),
  't1,autumn,2024-06-10,treatment,1,sms',
  't9,autumn,2024-06-10,treatment,1,sms',
].join('\n') + '\n';

const salesText = [
  'customer_id,date,amount,cost',
  't1,2024-03-05,100,40',
  't2,2024-03-10,60,30',
  't2,2024-03-12,-10,-5',
  't3,2024-03-31,30,15',
  't4,2024-03-02,20,10',
  't5,2024-03-01,70,35',
  't6,2024-04-01,80,40',
  'c1,2024-03-20,40,20',
  't1,2024-06-30,15,7.5',
].join('\n') + '\n';

const customersText = 'customer_id,region\n' + [...Array.from({ length: 10 }, (_, i) => `t${i + 1},${i < 5 ? 'north' : 'south'}`), ...Array.from({ length: 5 }, (_, i) => `c${i + 1},${i < 3 ? 'north' : 'south'}`)].join('\n') + '\n';

const contacts = write('contacts.csv', contactsText);
const sales = write('sales.csv', salesText);
const customers = write('customers.csv', customersText);

describe('crm campaign', () => {
  it('JSON: per campaign treatment/control rates, lift with its interval, p-value, incremental revenue, ROI', async () => {
    const r = await runCli(['campaign', '--contacts', contacts, '--sales', sales, '-f', 'json', '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const spring = out.campaigns.find((c: { campaign: string }) => c.campaign === 'spring');
    expect(spring.treatment.responseRate).toBe(0.4);
    expect(spring.control.responseRate).toBe(0.2);
    expect(spring.lift).toBeCloseTo(0.2, 12);
    // Wilson 4/10: 0.16818 .. 0.68732; 1/5: 0.03622 .. 0.62447
    // L = 0.2 − √((0.4 − 0.16818)² + (0.62447 − 0.2)²) = 0.2 − √(0.053741 + 0.180173) = 0.2 − 0.48365 = −0.28365
    // U = 0.2 + √((0.68732 − 0.4)² + (0.2 − 0.03622)²) = 0.2 + √(0.082553 + 0.026823) = 0.2 + 0.33072 = 0.53072
    expect(spring.liftInterval[0]).toBeCloseTo(-0.28365, 4);
    expect(spring.liftInterval[1]).toBeCloseTo(0.53072, 4);
    // p̂ = 5/15; se = √(1/3 · 2/3 · 0.3) = 0.258199; z = 0.2/0.258199 = 0.774597; p = 0.438578
    expect(spring.pValue).toBeCloseTo(0.438578, 5);
    expect(spring.incrementalRevenue).toBeCloseTo(120, 9);
    // treated [100, 50, 30, 20, 0 × 6]: Σ(x − 20)² = 6400 + 900 + 100 + 0 + 6·400 = 9800, s²/n = 108.889; control s²/n = 64
    // se = √172.889 = 13.1487; df = 172.889² / (108.889²/9 + 64²/4) = 29890.5/2341.41 = 12.766; t = 2.1645
    // 12 ± 2.1645·13.1487 = 12 ± 28.461 → ×10: −164.61 .. 404.61
    expect(spring.incrementalRevenueInterval[0]).toBeCloseTo(-164.61, 0);
    expect(spring.incrementalRevenueInterval[1]).toBeCloseTo(404.61, 0);
    expect(spring.roi).toBeCloseTo((120 * (212.5 / 405) - 20) / 20, 9);
    expect(out.settings.marginShare).toBeCloseTo(212.5 / 405, 12);
    expect(out.settings.methods.liftInterval).toMatch(/Newcombe/);
    const autumn = out.campaigns.find((c: { campaign: string }) => c.campaign === 'autumn');
    expect(autumn.lift).toBeNull();
    expect(autumn.control).toBeNull();
    expect(autumn.liftNote).toMatch(/lift cannot be measured/);
    // autumn's window (06-11 .. 07-10) is not complete at 06-30; t1 bought 15 on 06-30 → 1/2
    expect(autumn.treatment).toMatchObject({ contacted: 2, responders: 1, incomplete: 2 });
    expect(out.meta.inputs.find((a: { kind: string }) => a.kind === 'contacts')).toMatchObject({ read: 17, used: 17, rejected: 0 });
  });

  it('CSV: one row per campaign × breakdown × group, by RFM segment and --by region', async () => {
    const r = await runCli(['campaign', '--contacts', contacts, '--sales', sales, '--customers', customers, '--by', 'region', '-f', 'csv', '-q']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].split(',').slice(0, 8)).toEqual(['campaign', 'by', 'value', 'group', 'contacted', 'contacts', 'responders', 'response_rate']);
    const rows = lines.slice(1).map((l) => l.split(','));
    // north: treated t1..t5, responders t1..t4 (4/5); control c1..c3, responder c1 (1/3)
    const north = rows.filter((r) => r[0] === 'spring' && r[1] === 'region' && r[2] === 'north');
    expect(north.map((r) => [r[3], r[4], r[6]])).toEqual([['treatment', '5', '4'], ['control', '3', '1']]);
    // Segments before spring (as of 2024-02-29): no customer had bought yet → all in '(no purchase before)'
    const seg = rows.filter((r) => r[0] === 'spring' && r[1] === 'segment');
    expect(seg.map((r) => [r[2], r[3], r[4]])).toEqual([['(no purchase before)', 'treatment', '10'], ['(no purchase before)', 'control', '5']]);
    // autumn has no control group: treatment rows only, with the note
    const autumn = rows.filter((r) => r[0] === 'autumn' && r[1] === 'all');
    expect(autumn).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('autumn,all'))).toMatch(/no control group: lift cannot be measured/);
  });

  it('the terminal table says the lift, its method, and that a no-control campaign cannot be measured', async () => {
    const r = await runCli(['campaign', '--contacts', contacts, '--sales', sales, '-f', 'table', '--no-segments']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Campaign spring/);
    expect(r.stdout).toMatch(/Lift \+20\.0 pts \(95% interval -28\.4 pts to \+53\.1 pts, Newcombe; p = 0\.4386/);
    expect(r.stdout).toMatch(/Lift: no control group: lift cannot be measured/);
    // The interval holds zero, and no control size helps: with an infinite control the lower bound tends to
    // 0.2 − (0.4 − 0.16818) = −0.0318 < 0 (the treated group's own Wilson half-width), so more treated are needed
    expect(r.stdout).toMatch(/warning: campaign "spring": the 95% interval of the lift holds zero, and no control group size would exclude it .* with 10 treated customers/);
  });

  it('NDJSON: the same rows as objects', async () => {
    const r = await runCli(['campaign', '--contacts', contacts, '--sales', sales, '-f', 'ndjson', '-q', '--no-segments']);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // spring: all × treatment, control; autumn: all × treatment
    expect(rows.map((x) => [x.campaign, x.group, x.responders])).toEqual([['spring', 'treatment', 4], ['spring', 'control', 1], ['autumn', 'treatment', 1]]);
    expect(rows[0].lift).toBeCloseTo(0.2, 12);
    expect(rows[2].lift).toBeNull();
  });

  it('--window 40 counts t6 (day 31) as a responder', async () => {
    const r = await runCli(['campaign', '--contacts', contacts, '--sales', sales, '--window', '40', '-f', 'json', '-q', '--no-segments']);
    const spring = JSON.parse(r.stdout).campaigns.find((c: { campaign: string }) => c.campaign === 'spring');
    expect(spring.treatment.responders).toBe(5);
  });

  it('an unknown group is an error at file:line:column; with --skip-invalid a rejection in the account', async () => {
    const bad = write('bad-contacts.csv', 'customer_id,campaign,date,group\nt1,spring,2024-03-01,treatment\nc1,spring,2024-03-01,placebo\n');
    const r = await runCli(['campaign', '--contacts', bad, '--sales', sales, '-f', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`crm: error: ${bad}:3:4: invalid group "placebo" (treatment or control)\n`);
    const s = await runCli(['campaign', '--contacts', bad, '--sales', sales, '-f', 'json', '--skip-invalid']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).meta.inputs.find((a: { kind: string }) => a.kind === 'contacts')).toMatchObject({ read: 2, used: 1, rejected: 1, rejectedByReason: { 'invalid group': 1 } });
    expect(s.stderr).toMatch(/contacts .*bad-contacts\.csv: read 2, used 1, rejected 1 \(invalid group 1\)/);
  });

  it('a duplicate contact is an error; a contact after the as-of day is excluded and counted', async () => {
    const dup = write('dup-contacts.csv', 'customer_id,campaign,date,group\nt1,spring,2024-03-01,treatment\nt1,spring,2024-03-01,treatment\n');
    const r = await runCli(['campaign', '--contacts', dup, '--sales', sales, '-f', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dup-contacts\.csv:3:3: duplicate contact/);
    // without --as-of, the as-of is the last sale date (2024-06-30): the 07-01 contact is excluded by the analysis
    const late = write('late-contacts.csv', 'customer_id,campaign,date,group\nt1,spring,2024-03-01,treatment\nt2,spring,2024-07-01,treatment\n');
    const l = await runCli(['campaign', '--contacts', late, '--sales', sales, '-f', 'json', '-q']);
    expect(JSON.parse(l.stdout).meta.inputs.find((a: { kind: string }) => a.kind === 'contacts')).toMatchObject({ read: 2, used: 1, excluded: { 'after as-of': 1 } });
    // with --as-of, the ingest excludes it
    const a = await runCli(['campaign', '--contacts', late, '--sales', sales, '--as-of', '2024-06-30', '-f', 'json', '-q']);
    expect(JSON.parse(a.stdout).meta.inputs.find((x: { kind: string }) => x.kind === 'contacts')).toMatchObject({ read: 2, used: 1, excluded: { 'after as-of': 1 } });
  });

  it('usage errors: no --contacts, --by without --customers, a bad --window', async () => {
    expect((await runCli(['campaign', '--sales', sales])).stderr).toMatch(/missing --contacts FILE/);
    expect((await runCli(['campaign', '--contacts', contacts, '--sales', sales, '--by', 'region'])).code).toBe(2);
    expect((await runCli(['campaign', '--contacts', contacts, '--sales', sales, '--window', '0'])).stderr).toMatch(/--window must be a positive whole number/);
  });

  it('--map contacts.group=... and inputs.contacts in a config file', async () => {
    const foreign = write('foreign-contacts.csv', 'customer_id;campaign;date;Arm\nt1;spring;2024-03-01;treatment\nc1;spring;2024-03-01;control\n');
    const r = await runCli(['campaign', '--contacts', foreign, '--sales', sales, '--map', 'contacts.group=Arm', '-f', 'json', '-q', '--no-segments']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).campaigns[0].treatment.responders).toBe(1);
    const config = write('crm.campaign.json', JSON.stringify({ inputs: { contacts: { delimiter: ';', map: { group: 'Arm' } } } }));
    const c = await runCli(['campaign', '--contacts', foreign, '--sales', sales, '--config', config, '-f', 'json', '-q', '--no-segments']);
    expect(c.stderr).toBe('');
    expect(JSON.parse(c.stdout).campaigns[0].control.contacted).toBe(1);
  });
});
