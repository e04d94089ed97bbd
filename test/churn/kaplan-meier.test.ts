import { describe, expect, it } from 'vitest';
import { kaplanMeier, survivalAt } from '../../src/churn/kaplan-meier.js';
import type { GroupedObservation } from '../../src/churn/log-rank.js';

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


const Z = 1.959963984540054;

/** The log-log interval computed by hand: S^exp(±z σ / |ln S|). */
const logLog = (s: number, sigmaSquared: number): [number, number] => {
  const spread = (Z * Math.sqrt(sigmaSquared)) / Math.abs(Math.log(s));
  return [s ** Math.exp(spread), s ** Math.exp(-spread)];
};

describe('kaplanMeier on a small hand-computed data set', () => {
  // durations 1, 2+, 3, 3, 4+, 5 (+ = censored)
  const curve = kaplanMeier([
    { duration: 3, churned: true },
    { duration: 1, churned: true },
    { duration: 4, churned: false },
    { duration: 2, churned: false },
    { duration: 5, churned: true },
    { duration: 3, churned: true },
  ]);

  it('has one step per distinct time with the numbers at risk, events and censored', () => {
    expect(curve.steps.map((s) => [s.time, s.atRisk, s.events, s.censored])).toEqual([
      [1, 6, 1, 0],
      [2, 5, 0, 1],
      [3, 4, 2, 0],
      [4, 2, 0, 1],
      [5, 1, 1, 0],
    ]);
    expect([curve.n, curve.events, curve.censored, curve.maxTime]).toEqual([6, 4, 2, 5]);
  });

  it('multiplies the conditional survival: S = 5/6, 5/6, 5/6·2/4, 5/12, 0', () => {
    const expected = [5 / 6, 5 / 6, 5 / 12, 5 / 12, 0];
    curve.steps.forEach((s, i) => expect(s.survival).toBeCloseTo(expected[i], 14));
  });

  it("gives Greenwood's standard errors and the log-log intervals", () => {
    // σ²(1) = 1/(6·5); σ²(3) = 1/30 + 2/(4·2)
    const sigma1 = 1 / 30;
    const sigma3 = 1 / 30 + 2 / 8;
    expect(curve.steps[0].standardError).toBeCloseTo((5 / 6) * Math.sqrt(sigma1), 14);
    expect(curve.steps[2].standardError).toBeCloseTo((5 / 12) * Math.sqrt(sigma3), 14);
    expect(curve.steps[2].logStandardError).toBeCloseTo(Math.sqrt(sigma3), 14);
    const [lower1, upper1] = logLog(5 / 6, sigma1);
    expect(curve.steps[0].lower).toBeCloseTo(lower1, 14);
    expect(curve.steps[0].upper).toBeCloseTo(upper1, 14);
    const [lower3, upper3] = logLog(5 / 12, sigma3);
    expect(curve.steps[2].lower).toBeCloseTo(lower3, 14);
    expect(curve.steps[2].upper).toBeCloseTo(upper3, 14);
    // the interval and the standard error are undefined once S reaches 0 (nobody left at risk): NaN, not 0,
    // as R's survfit (std.err NaN) and lifelines (NaN variance); JSON writes null
    expect([curve.steps[4].lower, curve.steps[4].upper]).toEqual([null, null]);
    expect(curve.steps[4].standardError).toBeNaN();
    expect(curve.steps[4].logStandardError).toBe(Infinity);
    const at = survivalAt(curve, [curve.steps[4].time]);
    expect(at[0].survival).toBe(0);
    expect(at[0].standardError).toBeNaN();
  });

  it('finds the median (first S ≤ 0.5) and its interval from the bands', () => {
    expect(curve.median).toBe(3);
    // lower band: already ≤ 0.5 at t = 1 ((5/6)^e^1.96 ≈ 0.27); upper band: above 0.5 at t = 3, so first at t = 5 where S = 0
    expect(logLog(5 / 6, 1 / 30)[0]).toBeLessThan(0.5);
    expect(logLog(5 / 12, 1 / 30 + 2 / 8)[1]).toBeGreaterThan(0.5);
    expect(curve.medianInterval).toEqual([1, 5]);
  });

  it('reads S at chosen times, null beyond the last observation', () => {
    const at = survivalAt(curve, [0, 1, 2.5, 3, 4.9, 6]);
    expect(at.map((a) => a.survival)).toEqual([1, 5 / 6, 5 / 6, 5 / 12, 5 / 12, null]);
    expect(at.map((a) => a.atRisk)).toEqual([6, 6, 4, 4, 1, 0]);
    expect(at[0].lower).toBeNull();
  });

  it('uses other confidence levels', () => {
    const c90 = kaplanMeier([{ duration: 1, churned: true }, { duration: 2, churned: false }, { duration: 3, churned: false }], { confidenceLevel: 0.9 });
    const z90 = 1.6448536269514722;
    const spread = (z90 * Math.sqrt(1 / 6)) / Math.abs(Math.log(2 / 3));
    expect(c90.steps[0].lower).toBeCloseTo((2 / 3) ** Math.exp(spread), 12);
    expect(c90.median).toBeNull();
    expect(c90.medianInterval[1]).toBeNull();
  });

  it('rejects empty or invalid input', () => {
    expect(() => kaplanMeier([])).toThrow(RangeError);
    expect(() => kaplanMeier([{ duration: -1, churned: true }])).toThrow(RangeError);
    expect(() => kaplanMeier([{ duration: 1, churned: true }], { confidenceLevel: 95 })).toThrow(RangeError);
  });
});

describe('kaplanMeier on the Freireich 6-MP data (published values)', () => {
  const curve = kaplanMeier(SIX_MP);
  const events = curve.steps.filter((s) => s.events > 0);

  it('reproduces the published survival table (Cox & Oakes 1984; R survfit)', () => {
    expect(events.map((s) => [s.time, s.atRisk, s.events])).toEqual([
      [6, 21, 3],
      [7, 17, 1],
      [10, 15, 1],
      [13, 12, 1],
      [16, 11, 1],
      [22, 7, 1],
      [23, 6, 1],
    ]);
    const published = [0.857, 0.807, 0.753, 0.69, 0.627, 0.538, 0.448];
    const standardErrors = [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346];
    events.forEach((s, i) => {
      expect(s.survival).toBeCloseTo(published[i], 3);
      expect(s.standardError).toBeCloseTo(standardErrors[i], 4);
    });
    expect(curve.median).toBe(23);
    expect(kaplanMeier(PLACEBO).median).toBe(8);
  });

  it('gives the log-log interval of R survfit(conf.type = "log-log") at 6 weeks: 0.620 to 0.952', () => {
    expect(events[0].lower).toBeCloseTo(0.62, 3);
    expect(events[0].upper).toBeCloseTo(0.952, 3);
    // and at every time the hand formula with the exact S and Greenwood sum
    let s = 1;
    let sigmaSquared = 0;
    for (const step of events) {
      s *= 1 - step.events / step.atRisk;
      sigmaSquared += step.events / (step.atRisk * (step.atRisk - step.events));
      const [lower, upper] = logLog(s, sigmaSquared);
      expect(step.lower).toBeCloseTo(lower, 13);
      expect(step.upper).toBeCloseTo(upper, 13);
    }
  });
});

describe('kaplanMeier on the aml Maintained group', () => {
  it('reproduces survfit: S = 0.909, 0.818, 0.716, 0.614, 0.491, 0.368, 0.184; median 31', () => {
    const curve = kaplanMeier(AML_MAINTAINED);
    const events = curve.steps.filter((s) => s.events > 0);
    expect(events.map((s) => s.time)).toEqual([9, 13, 18, 23, 31, 34, 48]);
    [0.909, 0.818, 0.716, 0.614, 0.491, 0.368, 0.184].forEach((v, i) => expect(events[i].survival).toBeCloseTo(v, 3));
    expect(curve.median).toBe(31);
    // S at 161 (last, censored) is still defined; beyond it is not
    expect(survivalAt(curve, [161, 162]).map((a) => a.survival)).toEqual([events[6].survival, null]);
  });
});
