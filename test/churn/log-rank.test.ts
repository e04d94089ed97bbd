import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../src/math/normal.js';
import { logRankTest, type GroupedObservation } from '../../src/churn/log-rank.js';

/** Parses "6 6 6 6+ 7" (a + marks a censored time) into observations of a group. */
function parseTimes(text: string, group: string): GroupedObservation[] {
  return text
    .trim()
    .split(/\s+/)
    .map((token) => ({ duration: Number(token.replace('+', '')), churned: !token.endsWith('+'), group }));
}

/** Freireich et al. (1963) 6-MP leukaemia remission trial, weeks of remission (Gehan 1965; Cox & Oakes 1984, table 1.1). */
const SIX_MP = parseTimes('6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+', '6-MP');
const PLACEBO = parseTimes('1 1 2 2 3 4 4 5 5 8 8 8 8 11 11 12 12 15 17 22 23', 'placebo');

/** R survival's `aml` data: weeks to relapse, maintained chemotherapy or not (Miller 1981). */
const AML_MAINTAINED = parseTimes('9 13 13+ 18 23 28+ 31 34 45+ 48 161+', 'Maintained');
const AML_NONMAINTAINED = parseTimes('5 5 8 8 12 16+ 23 27 30 33 43 45', 'Nonmaintained');


describe('logRankTest', () => {
  it('matches a two-group case computed by hand', () => {
    // A: 1, 3; B: 2, 4+
    // t=1: n=4, n_A=2, d=1 → E_A = 1/2,  V = 1·3/3 · 2/4 · 2/4 = 1/4
    // t=2: n=3, n_A=1, d=1 → E_A = 1/3,  V = 1·2/2 · 1/3 · 2/3 = 2/9
    // t=3: n=2, n_A=1, d=1 → E_A = 1/2,  V = 1·1/1 · 1/2 · 1/2 = 1/4
    // O_A = 2, E_A = 4/3, V = 13/18 → χ² = (2/3)² / (13/18) = 8/13
    const result = logRankTest([
      { duration: 1, churned: true, group: 'A' },
      { duration: 3, churned: true, group: 'A' },
      { duration: 2, churned: true, group: 'B' },
      { duration: 4, churned: false, group: 'B' },
    ]);
    expect(result.groups.map((g) => [g.group, g.n, g.observed])).toEqual([
      ['A', 2, 2],
      ['B', 2, 1],
    ]);
    expect(result.groups[0].expected).toBeCloseTo(4 / 3, 14);
    expect(result.groups[1].expected).toBeCloseTo(5 / 3, 14);
    expect(result.statistic).toBeCloseTo(8 / 13, 14);
    expect(result.degreesOfFreedom).toBe(1);
    // df = 1: p = P(|Z| > √χ²), so Φ⁻¹(1 − p/2) = √χ²
    expect(normalQuantile(1 - (result.pValue as number) / 2)).toBeCloseTo(Math.sqrt(8 / 13), 10);
    expect(result.warnings).toEqual([]);
  });

  it('matches a three-group case computed by hand (df = 2)', () => {
    // A: 1, B: 2, C: 3, all events. O = (1, 1, 1), E = (1/3, 5/6, 11/6)
    // V_AA = 2/9, V_AB = −1/9, V_BB = 2/9 + 1/4 = 17/36; det = 5/54
    // χ² = [(2/3)²·17/36 + 2·(2/3)(1/6)(1/9) + (1/6)²·2/9] / (5/54) = 2.6; p = e^{−1.3} for df = 2
    const result = logRankTest([
      { duration: 3, churned: true, group: 'C' },
      { duration: 1, churned: true, group: 'A' },
      { duration: 2, churned: true, group: 'B' },
    ]);
    expect(result.groups.map((g) => g.expected)).toEqual([1 / 3, 5 / 6, 11 / 6].map((v) => expect.closeTo(v, 14)));
    expect(result.statistic).toBeCloseTo(2.6, 12);
    expect(result.degreesOfFreedom).toBe(2);
    expect(result.pValue).toBeCloseTo(Math.exp(-1.3), 12);
  });

  it('reproduces survdiff on the 6-MP trial: χ² = 16.8, p = 4.2e-5', () => {
    const result = logRankTest([...SIX_MP, ...PLACEBO]);
    const [sixMp, placebo] = result.groups;
    expect([sixMp.group, sixMp.observed, placebo.observed]).toEqual(['6-MP', 9, 21]);
    expect(sixMp.expected).toBeCloseTo(19.25, 2);
    expect(placebo.expected).toBeCloseTo(10.75, 2);
    expect(result.statistic).toBeCloseTo(16.79, 2);
    expect(result.pValue).toBeCloseTo(4.17e-5, 6);
  });

  it('reproduces survdiff on aml: χ² = 3.4 on 1 df, p = 0.07', () => {
    const result = logRankTest([...AML_MAINTAINED, ...AML_NONMAINTAINED]);
    expect(result.groups.map((g) => [g.group, g.n, g.observed])).toEqual([
      ['Maintained', 11, 7],
      ['Nonmaintained', 12, 11],
    ]);
    expect(result.groups[0].expected).toBeCloseTo(10.69, 2);
    expect(result.groups[1].expected).toBeCloseTo(7.31, 2);
    expect(result.statistic).toBeCloseTo(3.4, 1);
    expect(result.pValue).toBeCloseTo(0.065, 3);
  });

  it('does not depend on which group is left out of the quadratic form', () => {
    const data = [...SIX_MP, ...PLACEBO, ...AML_MAINTAINED.map((o) => ({ ...o, group: 'aml' }))];
    const renamed = data.map((o) => ({ ...o, group: o.group === 'aml' ? 'a-first' : o.group === 'placebo' ? 'z-last' : o.group }));
    expect(logRankTest(renamed).statistic).toBeCloseTo(logRankTest(data).statistic as number, 10);
    expect(logRankTest(data).degreesOfFreedom).toBe(2);
  });

  it('takes lifetimes built with by, leaving out those without a group', () => {
    const lifetimes = [...SIX_MP, ...PLACEBO].map((o, i) => ({ id: String(i), start: 0, end: o.duration, duration: o.duration, churned: o.churned, lastPurchase: null, group: o.group }));
    const withNull = [...lifetimes, { ...lifetimes[0], group: null }];
    const result = logRankTest(withNull);
    expect(result.statistic).toBeCloseTo(logRankTest(lifetimes).statistic as number, 12);
    expect(result.warnings).toEqual(['1 observation without a group left out']);
  });

  it('returns no statistic for one group or without events', () => {
    const one = logRankTest(SIX_MP);
    expect(one.statistic).toBeNull();
    expect(one.warnings[0]).toMatch(/two groups/);
    const noEvents = logRankTest([
      { duration: 1, churned: false, group: 'a' },
      { duration: 2, churned: false, group: 'b' },
    ]);
    expect(noEvents.statistic).toBeNull();
    expect(noEvents.pValue).toBeNull();
  });
});
