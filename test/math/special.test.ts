/** Reference values from mpmath (40 digits, evaluated at the double nearest to the argument) unless stated otherwise. */
import { describe, expect, it } from 'vitest';
import { gammaln } from 'simple-statistics';
import { CompensatedSum, hyp2f1Bracket, lbeta, lgamma, log1mexp, logAddExp, logBetaKernel, logBetaKernelConstant, logBetaKernelFrom, logNbdProbability, logSumExp, nbdTailProbability } from '../../src/math/special.js';
import { createRng } from '../../src/core/random.js';

const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

const LGAMMA_REFERENCE: [number, number][] = [
  [1e-300, 690.77552789821371],
  [1e-8, 18.420680738180209],
  [0.001, 6.9071788853838537],
  [0.243, 1.3180435846996698],
  [0.5, 0.5723649429247001],
  [0.9999999, 5.7721574684441928e-8],
  [1.0000001, -5.7721558299185071e-8],
  [1.5, -0.12078223763524522],
  [1.9999999, -4.2278430309861298e-8],
  [2.0000001, 4.2278436665324979e-8],
  [2.5, 0.28468287047291916],
  [3.7, 1.4280723266653879],
  [9.5, 11.689333420797268],
  [10.5, 13.940625219403764],
  [100, 359.1342053695754],
  [1e6, 12815504.569147612],
  [1e15, 33538776394910669.0],
];

describe('lgamma', () => {
  it.each(LGAMMA_REFERENCE)('lgamma(%s) matches mpmath to 1e-13 relative', (x, expected) => {
    expect(relativeError(lgamma(x), expected)).toBeLessThan(1e-13);
  });

  it('is exactly 0 at 1 and 2 and ln(n-1)! at integers', () => {
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    let logFactorial = 0;
    for (let n = 2; n <= 30; n++) {
      expect(relativeError(lgamma(n + 1), (logFactorial += Math.log(n)))).toBeLessThan(1e-14);
    }
  });

  it('is more accurate than simple-statistics gammaln where that one fails', () => {
    // gammaln evaluates at x - 1 and loses digits for tiny x: this documents why we have our own
    expect(relativeError(gammaln(1e-8), 18.420680738180209)).toBeGreaterThan(1e-11);
    expect(relativeError(lgamma(1e-8), 18.420680738180209)).toBeLessThan(1e-15);
  });

  it('handles the edges of its domain', () => {
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(Infinity)).toBe(Infinity);
    expect(lgamma(-1)).toBeNaN();
    expect(lgamma(Number.NaN)).toBeNaN();
  });

  it('satisfies the recurrence lgamma(x + 1) = lgamma(x) + ln x across the branch points', () => {
    for (const x of [0.3, 0.49999, 0.5, 1.4999, 1.5, 2.49999, 2.5, 9.2, 9.99999, 10]) {
      expect(lgamma(x + 1) - lgamma(x) - Math.log(x)).toBeCloseTo(0, 13);
    }
  });
});

describe('lbeta', () => {
  it('matches mpmath, also with one huge argument', () => {
    expect(relativeError(lbeta(0.8, 1e15), -27.478961437528714)).toBeLessThan(1e-14);
    expect(relativeError(lbeta(0.793, 2.426), -0.5115692885937033)).toBeLessThan(1e-14);
    expect(relativeError(lbeta(50, 1e8), -776.4683055012714)).toBeLessThan(1e-14);
    expect(relativeError(lbeta(1000, 1000), -1388.4826016359023)).toBeLessThan(1e-14);
    expect(relativeError(lbeta(12, 15), -18.568172732389435)).toBeLessThan(1e-14);
  });

  it('gives the closed forms B(1, 1) = 1, B(2, 3) = 1/12, B(½, ½) = π', () => {
    expect(lbeta(1, 1)).toBe(0);
    expect(lbeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 15);
    expect(lbeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 15);
    expect(lbeta(3, 2)).toBe(lbeta(2, 3));
  });
});

describe('logAddExp, logSumExp, log1mexp', () => {
  it('does not overflow or underflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-1000, -Infinity)).toBe(-1000);
    expect(logAddExp(0, Math.log(3))).toBeCloseTo(Math.log(4), 15);
    expect(logSumExp([-1000, -1000, -1000])).toBeCloseTo(-1000 + Math.log(3), 12);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([1, Number.NaN])).toBeNaN();
  });

  it('computes ln(1 - e^-x) precisely for small and large x', () => {
    expect(log1mexp(Math.LN2)).toBeCloseTo(Math.log(0.5), 15);
    // x = 1e-20: ln(1 - e^-x) = ln(x) to full precision; the naive formula gives -Infinity
    expect(relativeError(log1mexp(1e-20), Math.log(1e-20))).toBeLessThan(1e-15);
    // x = 50: ln(1 - e^-50) ≈ -e^-50
    expect(relativeError(log1mexp(50), -Math.exp(-50))).toBeLessThan(1e-15);
  });
});

describe('hyp2f1Bracket', () => {
  /** [1 - (1 - z)^(a-1) 2F1(p, a - 1; c; z)] / (a - 1) from the plain power series of 2F1 (small z only). */
  const byPlainSeries = (p: number, a: number, c: number, z: number): number => {
    let term = 1;
    let sum = 1;
    for (let n = 0; n < 2000; n++) {
      term *= ((p + n) * (a - 1 + n) * z) / ((c + n) * (n + 1));
      sum += term;
    }
    return (1 - (1 - z) ** (a - 1) * sum) / (a - 1);
  };

  it('reduces to a closed form: 2F1(1, 1; 2; z) = -ln(1 - z)/z', () => {
    // p = 1, a = 2, c = 2: bracket = 1 + (1 - z) ln(1 - z)/z, summed by hand
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1Bracket(1, 2, 2, z)).toBeCloseTo(1 + ((1 - z) * Math.log(1 - z)) / z, 13);
    }
    // z = 0.5: 1 + 0.5·ln(0.5)/0.5 = 1 - ln 2
    expect(hyp2f1Bracket(1, 2, 2, 0.5)).toBeCloseTo(1 - Math.LN2, 14);
  });

  it('reduces to (1 - (1 - z)^(a-1))/(a - 1) when p = 0', () => {
    expect(hyp2f1Bracket(0, 0.5, 3, 0.75)).toBeCloseTo((1 - 0.25 ** -0.5) / -0.5, 14);
  });

  it('agrees with the plain power series for moderate z', () => {
    for (const [p, a, c, z] of [[1.5, 0.793, 3.2, 0.3], [0.7, 3.1, 2.2, 0.45], [2.976, 0.6, 3.219, 0.2]]) {
      expect(relativeError(hyp2f1Bracket(p, a, c, z), byPlainSeries(p, a, c, z))).toBeLessThan(1e-12);
    }
  });

  it.each([
    [1.5, 0.793, 3.2, 0.3, 0.20651911803971419635],
    [0.3, 2.5, 40.2, 0.9, 0.64536441595331195478],
    [2.976, 0.793, 3.219, 0.999, 4.4512622138879694353],
    [1.2, 1, 2.5, 0.6, 0.54966001758694097481],
    [-0.5, 0.7, 0.2, 0.5, 2.4517298686922831931],
    [3, 1.0000001, 5, 0.4, 0.2308903637500248963],
    [2, 0.5, 7, 1e-10, 7.1428571434375002603e-11],
  ])('hyp2f1Bracket(%f, %f, %f, %f) matches mpmath', (p, a, c, z, expected) => {
    expect(relativeError(hyp2f1Bracket(p, a, c, z), expected)).toBeLessThan(1e-12);
  });

  it('is continuous through a = 1', () => {
    const at1 = hyp2f1Bracket(1.2, 1, 2.5, 0.6);
    expect(relativeError(hyp2f1Bracket(1.2, 1 + 1e-9, 2.5, 0.6), at1)).toBeLessThan(1e-8);
    expect(relativeError(hyp2f1Bracket(1.2, 1 - 1e-9, 2.5, 0.6), at1)).toBeLessThan(1e-8);
  });

  it('returns 0 at z = 0 and NaN outside [0, 1)', () => {
    expect(hyp2f1Bracket(1, 0.8, 2, 0)).toBe(0);
    expect(hyp2f1Bracket(1, 0.8, 2, 1)).toBeNaN();
    expect(hyp2f1Bracket(1, 0.8, 2, -0.1)).toBeNaN();
  });
});

describe('negative binomial helpers', () => {
  it('gives the geometric distribution for r = 1, alpha = t', () => {
    // p = 1/2: P(N = n) = 2^-(n+1), P(N >= n) = 2^-n
    for (let n = 0; n < 10; n++) {
      expect(Math.exp(logNbdProbability(1, 1, 1, n))).toBeCloseTo(2 ** -(n + 1), 15);
      expect(relativeError(nbdTailProbability(1, 1, 1, n), 2 ** -n)).toBeLessThan(1e-14);
    }
  });

  it('keeps the relative precision of small tails', () => {
    // r = 1, alpha = 99, t = 1: P(N >= 20) = 0.01^20 = 1e-40, far below 1 - (sum of the head)
    expect(relativeError(nbdTailProbability(1, 99, 1, 20), 1e-40)).toBeLessThan(1e-13);
  });
});

describe('CompensatedSum', () => {
  it('keeps what a plain running sum rounds away, and passes infinities through', () => {
    const s = new CompensatedSum();
    for (const v of [1, 1e100, 1, -1e100]) s.add(v);
    expect(s.value()).toBe(2);
    const tenths = new CompensatedSum();
    let plain = 0;
    for (let i = 0; i < 1_000_000; i++) {
      tenths.add(0.1);
      plain += 0.1;
    }
    expect(tenths.value()).toBe(100000);
    expect(plain).not.toBe(100000);
    const inf = new CompensatedSum();
    inf.add(1);
    inf.add(-Infinity);
    expect(inf.value()).toBe(-Infinity);
  });
});

describe('logBetaKernelConstant and logBetaKernelFrom', () => {
  it('give logBetaKernel to the last bit, in both of its forms (a or b below 10, both from 10)', () => {
    const rng = createRng(4);
    let large = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = 10 ** (rng.uniform() * 6 - 3);
      const b = 10 ** (rng.uniform() * 6 - 3);
      const v = rng.uniform();
      const w = 1 - v;
      if (Math.min(a, b) >= 10) large++;
      const constant = logBetaKernelConstant(a, b);
      expect(Object.is(logBetaKernelFrom(constant, a, b, v, w, Math.log(v), Math.log(w)), logBetaKernel(a, b, v, w, Math.log(v), Math.log(w)))).toBe(true);
    }
    expect(large).toBeGreaterThan(1000);
  });

  it('is ln B(a, b) below 10 and the kernel at v = a/(a + b) from 10 (where the bd0 terms vanish)', () => {
    expect(logBetaKernelConstant(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    const a = 40;
    const b = 60;
    expect(logBetaKernelFrom(logBetaKernelConstant(a, b), a, b, 0.4, 0.6, Math.log(0.4), Math.log(0.6))).toBeCloseTo(logBetaKernelConstant(a, b), 12);
  });
});
