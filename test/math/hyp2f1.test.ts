/**
 * ₂F₁ and U(a, a, z) against closed forms, independent slow summations written here, a trapezoid-rule
 * integral, and mpmath (50-digit) values for each method: series, connection formula (integer, near-integer
 * and non-integer c − a − b), continued fraction, Pfaff for negative z, values beyond the double range.
 */
import { describe, expect, it } from 'vitest';
import { hyp2f1, lgammaDifferenceQuotient, logHyp2f1, logHyperUDiagonal } from '../../src/math/hyp2f1.js';
import { lgamma } from '../../src/math/special.js';

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/**
 * The Maclaurin series summed term by term with a fixed number of terms and Neumaier's compensated
 * summation, so that hundreds of thousands of terms add no rounding error (slow, for checks).
 */
function slowSeries(a: number, b: number, c: number, z: number, terms: number): number {
  let term = 1;
  let sum = 1;
  let compensation = 0;
  for (let n = 0; n < terms; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    const next = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
    sum = next;
  }
  return sum + compensation;
}

describe('hyp2f1 closed forms', () => {
  it('gives ₂F₁(1, 1; 2; z) = −ln(1 − z)/z from z = −5 to 1 − 1e-12', () => {
    for (const z of [-5, -1, -0.5, 1e-9, 0.1, 0.5, 0.7, 0.9, 0.99, 0.999999, 1 - 1e-12]) {
      expect(relativeError(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z), `z=${z}`).toBeLessThan(1e-13);
    }
  });

  it('gives ₂F₁(a, b; b; z) = (1 − z)^(−a), also beyond the double range on the log scale', () => {
    // through the log scale the relative error is about 1e-16·|ln ₂F₁| (here up to 276) plus 1e-14
    for (const [a, b, z] of [
      [0.5, 3, 0.3],
      [2.5, 7.25, 0.95],
      [40, 1.5, 0.999],
      [-3.5, 2, 0.6],
      [1.5, 4, -3],
    ]) {
      expect(relativeError(hyp2f1(a, b, b, z), (1 - z) ** -a), `a=${a} b=${b} z=${z}`).toBeLessThan(1e-13 + 1e-15 * Math.abs(a * Math.log1p(-z)));
    }
    const huge = logHyp2f1(500, 3, 3, 0.9);
    expect(huge.sign).toBe(1);
    expect(relativeError(huge.log, -500 * Math.log(0.1))).toBeLessThan(1e-14);
    expect(hyp2f1(500, 3, 3, 0.9)).toBe(Infinity);
  });

  it('gives arcsin and arctan: ₂F₁(½, ½; 3/2; z²) = arcsin(z)/z, ₂F₁(½, 1; 3/2; −z²) = arctan(z)/z', () => {
    for (const z of [0.2, 0.7, 0.95, 0.9999]) {
      expect(relativeError(hyp2f1(0.5, 0.5, 1.5, z * z), Math.asin(z) / z), `z=${z}`).toBeLessThan(1e-13);
    }
    for (const z of [0.2, 1, 3, 30]) {
      expect(relativeError(hyp2f1(0.5, 1, 1.5, -z * z), Math.atan(z) / z), `z=${z}`).toBeLessThan(1e-13);
    }
  });

  it('approaches Gauss\'s sum Γ(c)Γ(c − a − b)/(Γ(c − a)Γ(c − b)) as z → 1 when c − a − b > 1', () => {
    const [a, b, c] = [0.7, 1.9, 5.1];
    const gauss = Math.exp(lgamma(c) + lgamma(c - a - b) - lgamma(c - a) - lgamma(c - b));
    // the derivative at 1 is finite, so the gap at z = 1 − 1e-12 is about 1e-12
    expect(relativeError(hyp2f1(a, b, c, 1 - 1e-12), gauss)).toBeLessThan(1e-11);
  });

  it('is a polynomial when a is a non-positive integer, and 1 at z = 0', () => {
    expect(hyp2f1(-2, 3, 4, 0.9)).toBeCloseTo(1 - (2 * 3 * 0.9) / 4 + (3 * 4 * 0.81) / (4 * 5), 14);
    expect(hyp2f1(-2, 3, 4, -7)).toBeCloseTo(1 + (2 * 3 * 7) / 4 + (3 * 4 * 49) / (4 * 5), 11);
    expect(hyp2f1(3.3, 1.2, 0.4, 0)).toBe(1);
  });

  it('returns NaN outside its domain', () => {
    expect(Number.isNaN(hyp2f1(1, 1, 2, 1))).toBe(true);
    expect(Number.isNaN(hyp2f1(1, 1, 2, 1.5))).toBe(true);
    expect(Number.isNaN(hyp2f1(1, 1, -2, 0.5))).toBe(true);
    expect(Number.isNaN(hyp2f1(1, 1, 0, 0.5))).toBe(true);
    expect(Number.isNaN(hyp2f1(Number.NaN, 1, 2, 0.5))).toBe(true);
  });
});

describe('hyp2f1 against independent summation', () => {
  it('matches the plain series with 20,000 terms for positive parameters and z up to 0.9', () => {
    for (const [a, b, c] of [
      [0.3, 0.7, 1.9],
      [2.5, 1.5, 0.6],
      [12, 0.4, 30],
      [1, 8.5, 9.2],
      [5.5, 6.5, 2.25],
    ]) {
      for (const z of [0.05, 0.3, 0.6, 0.8, 0.9]) {
        expect(relativeError(hyp2f1(a, b, c, z), slowSeries(a, b, c, z, 20_000)), `a=${a} b=${b} c=${c} z=${z}`).toBeLessThan(1e-12);
      }
    }
  });

  it('matches the slowly converging Euler-form series on the Pareto/NBD family ₂F₁(r + s + x, s + 1; r + s + x + 1; z) up to z = 0.9999', () => {
    // ₂F₁(A, s + 1; A + 1; z) = (1 − z)^(−s) Σ (r + x)ₙ/(A + 1)ₙ zⁿ (Euler); positive terms falling like zⁿ
    const r = 0.55;
    for (const s of [0.3, 1, 1 + 1e-9, 2.5]) {
      for (const x of [0, 1, 10, 100, 1000]) {
        const A = r + s + x;
        for (const z of [0.6, 0.9, 0.99, 0.999, 0.9999]) {
          const terms = Math.ceil(40 / -Math.log(z));
          const reference = -s * Math.log1p(-z) + Math.log(slowSeries(1, r + x, A + 1, z, terms));
          expect(Math.abs(logHyp2f1(A, s + 1, A + 1, z).log - reference), `s=${s} x=${x} z=${z}`).toBeLessThan(1e-13 * Math.max(1, Math.abs(reference)));
        }
      }
    }
  });
});

describe('hyp2f1 against mpmath', () => {
  // [a, b, c, z, ln|₂F₁| by mpmath.hyp2f1 at 50 digits, what the case exercises]
  const r = 0.55;
  const s = 0.6;
  const cases: [number, number, number, number, number, string][] = [
    [0.75, 1.25, 2.5, 0.3, 0.1277976920804510987, 'series, z <= 1/2'],
    [2.5, 3.5, 16.3, 0.97, 0.66197194545774265396, 'connection, m = 10.3: ten finite terms'],
    [-0.5, 2.5, 3.2, 0.8, -0.51146349045275940619, 'series above 1/2 (a negative)'],
    [r + s + 10, s + 1, r + s + 11, 0.4, 0.7362646314376442598, 'Pareto alpha >= beta, x = 10: continued fraction'],
    [1.5, 2.5, 5.2, 1 - 1e-8, 1.5353730116832568789, 'connection, m = 1.2'],
    [1.5, 2.5, 7.0, 0.9999, 0.86066041827823729996, 'connection, integer m = 3'],
    [1.5, 2.5, 7.000000001, 0.9999, 0.86066041807393552437, 'connection, m = 3 + 1e-9'],
    [1.5, 2.5, 6.999999999, 0.9999, 0.86066041848253907564, 'connection, m = 3 - 1e-9'],
    [1.5, 2.5, 4.0, 1 - 1e-12, 4.8757871331449510466, 'connection, m = 0'],
    [3.0, 2.0, 4.5, 1 - 1e-6, 9.2373160415100252322, 'connection after Euler, m = -0.5'],
    [r + s + 1000, s + 1, r + s + 1001, 0.99, 7.2317602675585673774, 'Pareto alpha >= beta, x = 1000: continued fraction'],
    [r + s + 1000, s + 1, r + s + 1001, 1 - 1e-6, 15.675795257422473683, 'Pareto alpha >= beta, x = 1000, z -> 1'],
    [r + s + 300, s + 1, r + s + 301, 0.9, 3.6387979378141495984, 'Pareto alpha >= beta, x = 300'],
    [r + s + 300, r + 300, r + s + 301, 0.999, 2069.2234155908549217, 'Pareto alpha < beta, x = 300 (value ~ e^2069)'],
    [r + 1, 2.0, r + 2, 0.9999, 9.6481248166972549774, 'Pareto s = 1 exactly, x = 0'],
    [r + 1 + 1e-9 + 3, 2.0 + 1e-9, r + 1 + 1e-9 + 4, 0.99999, 13.027714160707483925, 'Pareto s = 1 + 1e-9, x = 3'],
    [r + 2 + 5, 3.0, r + 2 + 6, 0.999, 15.138506914279993182, 'Pareto s = 2, x = 5'],
    [r + s, r, r + s + 1, 1 - 1e-10, 0.86010041169030307192, 'Pareto alpha < beta, x = 0, r < 1'],
    [0.1, 0.2, 0.4, -9.0, -0.12903792367786759622, 'negative z (Pfaff, then 1 - z side)'],
    [2.0, 3.0, 4.5, -0.5, -0.55713773190016330808, 'negative z (Pfaff, series)'],
    [50.0, 60.0, 200.0, 0.7, 12.950012996935704431, 'large parameters, growing terms'],
  ];
  it.each(cases)('₂F₁(%f, %f; %f; %f): %s', (a, b, c, z, expected) => {
    const value = logHyp2f1(a, b, c, z);
    expect(value.sign).toBe(1);
    expect(Math.abs(value.log - expected)).toBeLessThan(1e-13 * Math.max(1, Math.abs(expected)));
  });

  it('is continuous in c − a − b through an integer (no 1/sin(πε) blow-up)', () => {
    const at = (m: number): number => logHyp2f1(1.5, 2.5, 4 + m, 0.999).log;
    for (const m of [0, 1, 2]) {
      for (const epsilon of [1e-15, 1e-12, 1e-8, 1e-5]) {
        // d/dm of ln ₂F₁ is O(10) here, so the change is at most ~10 ε
        expect(Math.abs(at(m + epsilon) - at(m)), `m=${m} ε=${epsilon}`).toBeLessThan(20 * epsilon + 1e-14);
        expect(Math.abs(at(m - epsilon) - at(m)), `m=${m} ε=${-epsilon}`).toBeLessThan(20 * epsilon + 1e-14);
      }
    }
  });
});

describe('lgammaDifferenceQuotient', () => {
  it('is the digamma function at ε = 0 (A&S 6.3.2, 6.3.3; mpmath)', () => {
    expect(lgammaDifferenceQuotient(1, 0)).toBeCloseTo(-0.57721566490153286061, 14);
    expect(lgammaDifferenceQuotient(0.5, 0)).toBeCloseTo(-1.9635100260214234794, 14);
    expect(lgammaDifferenceQuotient(7.3, 0)).toBeCloseTo(1.9178203356379860723, 14);
  });

  it('equals the plain difference quotient where that is accurate, and is continuous at ε = 0', () => {
    for (const x of [0.2, 1, 3.5, 12, 400]) {
      for (const epsilon of [0.5, 0.3, -0.15]) {
        const plain = (lgamma(x + epsilon) - lgamma(x)) / epsilon;
        expect(Math.abs(lgammaDifferenceQuotient(x, epsilon) - plain), `x=${x} ε=${epsilon}`).toBeLessThan(1e-13 * Math.max(1, Math.abs(lgamma(x))));
      }
      // the slope of ψ bounds the change: |D(x, ε) − ψ(x)| <= |ε| ψ'(x)/2 + ..., ψ'(x) < 1/x + 1/x²
      const psi = lgammaDifferenceQuotient(x, 0);
      expect(Math.abs(lgammaDifferenceQuotient(x, 1e-9) - psi)).toBeLessThan(1e-9 * (1 / x + 1 / (x * x)));
    }
  });
});

describe('logHyperUDiagonal', () => {
  // E₁ (exponential integral) by mpmath.e1
  const E1: [number, number][] = [
    [0.001, 6.3315393641361493112],
    [0.1, 1.8229239584193906159],
    [1, 0.21938393439552027368],
    [10, 4.1569689296853242774e-6],
    [200, 6.8852261063076355977e-90],
  ];

  it('gives U(1, 1, z) = e^z E₁(z) and U(2, 2, z) = 1/z − e^z E₁(z)', () => {
    for (const [z, e1] of E1) {
      const scaled = Math.exp(z + Math.log(e1));
      expect(relativeError(Math.exp(logHyperUDiagonal(1, z)), scaled), `z=${z}`).toBeLessThan(1e-13);
      expect(relativeError(Math.exp(logHyperUDiagonal(2, z)), 1 / z - scaled), `z=${z}`).toBeLessThan(1e-12);
    }
  });

  it('matches mpmath.hyperu(a, a, z)', () => {
    const cases: [number, number, number][] = [
      [0.606, 0.1, 1.3886046732611806638],
      [0.3, 0.002, 1.282198194650290413],
      [1.5, 0.05, 6.1424592331280591768],
      [4.2, 3, 0.0044496483487519878286],
      [0.5, 50, 0.1400475841930957119],
    ];
    for (const [a, z, expected] of cases) {
      expect(relativeError(Math.exp(logHyperUDiagonal(a, z)), expected), `a=${a} z=${z}`).toBeLessThan(1e-13);
    }
  });

  it('matches the integral ∫₀^∞ e^(−zt) t^(a−1)/(1 + t) dt / Γ(a) by the trapezoid rule in ln t', () => {
    // t = e^y makes the integrand smooth and doubly-exponentially decaying on the right, so the trapezoid
    // rule converges geometrically
    const integral = (a: number, z: number): number => {
      const step = 0.005;
      let sum = 0;
      for (let y = -60 / a; y < Math.log(60 / z); y += step) {
        const t = Math.exp(y);
        sum += Math.exp(-z * t + a * y) / (1 + t);
      }
      return (sum * step) / Math.exp(lgamma(a));
    };
    for (const a of [0.35, 0.606, 1, 1 + 1e-7, 2.7]) {
      for (const z of [0.003, 0.2, 1.5, 12]) {
        expect(relativeError(Math.exp(logHyperUDiagonal(a, z)), integral(a, z)), `a=${a} z=${z}`).toBeLessThan(1e-10);
      }
    }
  });

  it('behaves like z^(−a) for large z without overflow, and is NaN outside a, z > 0', () => {
    expect(relativeError(logHyperUDiagonal(3, 1e6), -3 * Math.log(1e6))).toBeLessThan(1e-6);
    expect(Number.isNaN(logHyperUDiagonal(0, 1))).toBe(true);
    expect(Number.isNaN(logHyperUDiagonal(1, 0))).toBe(true);
  });
});
