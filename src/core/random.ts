/**
 * A small, fast, seeded pseudo-random number generator for simulations: xoshiro128** (Blackman & Vigna,
 * "Scrambled linear pseudorandom number generators", ACM TOMS 47(4), 2021) seeded through splitmix32,
 * with the samplers the customer-base models need. The same seed gives the same stream on every platform.
 *
 * Samplers: gamma by Marsaglia & Tsang (2000, "A simple method for generating gamma variables", ACM TOMS
 * 26(3)) with the U^(1/shape) boost for shape < 1; Poisson by multiplication of uniforms for λ < 10 and
 * Hörmann's PTRS transformed rejection (1993, "The transformed rejection method for generating Poisson
 * random variables", Insurance: Mathematics and Economics 12) above; normal by the Marsaglia polar method.
 */

/** A seeded random stream. Every method draws from the same underlying sequence. */
export interface Rng {
  /** Uniform on the open interval (0, 1): never 0, never 1 (52 random bits). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number;
  /** Gamma with the given shape and scale (mean shape·scale, variance shape·scale²). */
  gamma(shape: number, scale: number): number;
  /** Beta(a, b) (mean a/(a+b)); computed on the log scale so small a and b do not give 0/0. */
  beta(a: number, b: number): number;
  /** Poisson with mean lambda (an integer >= 0). */
  poisson(lambda: number): number;
  /** Number of Bernoulli(p) trials up to and including the first success: 1, 2, ... (mean 1/p). */
  geometric(p: number): number;
  /** Uniform integer in 0 .. n-1. */
  int(n: number): number;
}

/** splitmix32 step, used only to expand the seed into the four state words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_26 = 67108864;
const TWO_POW_52 = 4503599627370496;
const LOG_FACTORIAL_TABLE = [0, 0, 0.6931471805599453, 1.791759469228055, 3.1780538303479458, 4.787491742782046, 6.579251212010101, 8.525161361065415, 10.60460290274525, 12.801827480081469];

/** log(k!) — a table below 10, the Stirling series above (error < 1e-13). */
function logFactorial(k: number): number {
  if (k < 10) return LOG_FACTORIAL_TABLE[k];
  const x = k + 1;
  const inverse = 1 / x;
  const inverse2 = inverse * inverse;
  return (x - 0.5) * Math.log(x) - x + 0.9189385332046728 + inverse * (1 / 12 - inverse2 * (1 / 360 - inverse2 * (1 / 1260 - inverse2 / 1680)));
}

/**
 * Creates a seeded random stream (xoshiro128**, period 2¹²⁸ − 1). Seeds are taken modulo 2³²; different
 * seeds give unrelated streams.
 *
 * Cost: O(1) per draw (gamma, beta and Poisson use rejection with a bounded expected number of tries).
 *
 * @param seed any finite number; its integer part modulo 2³² is used
 * @throws {RangeError} when the seed is not finite
 * @example
 * const rng = createRng(42);
 * rng.uniform() // => the same value on every run
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`random seed must be a finite number, found ${seed}`);
  const seeder = { s: Math.trunc(seed) | 0 };
  let s0 = splitmix32(seeder);
  let s1 = splitmix32(seeder);
  let s2 = splitmix32(seeder);
  let s3 = splitmix32(seeder);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  /** Next 32-bit output of xoshiro128**, as an unsigned integer. */
  const next = (): number => {
    const t = s1 << 9;
    let r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return r >>> 0;
  };

  const uniform = (): number => {
    const high = next() >>> 6;
    const low = next() >>> 6;
    // k in [0, 2^52); (k + 0.5) / 2^52 is exactly representable and lies in (0, 1)
    return (high * TWO_POW_26 + low + 0.5) / TWO_POW_52;
  };

  let spareNormal: number | null = null;
  const normal = (): number => {
    if (spareNormal !== null) {
      const value = spareNormal;
      spareNormal = null;
      return value;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const factor = Math.sqrt((-2 * Math.log(s)) / s);
      spareNormal = v * factor;
      return u * factor;
    }
  };

  /** log of a Gamma(shape, 1) variate; log scale keeps tiny shapes from underflowing. */
  const logStandardGamma = (shape: number): number => {
    if (shape < 1) {
      // Gamma(shape) = Gamma(shape + 1) · U^(1/shape)
      return logStandardGamma(shape + 1) + Math.log(uniform()) / shape;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return Math.log(d * v);
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return Math.log(d * v);
    }
  };

  const checkPositive = (name: string, value: number): void => {
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive finite number, found ${value}`);
  };

  return {
    uniform,
    normal,
    exponential(rate: number): number {
      checkPositive('exponential rate', rate);
      return -Math.log(uniform()) / rate;
    },
    gamma(shape: number, scale: number): number {
      checkPositive('gamma shape', shape);
      checkPositive('gamma scale', scale);
      return Math.exp(logStandardGamma(shape)) * scale;
    },
    beta(a: number, b: number): number {
      checkPositive('beta a', a);
      checkPositive('beta b', b);
      const logX = logStandardGamma(a);
      const logY = logStandardGamma(b);
      // X / (X + Y) = 1 / (1 + exp(log Y − log X))
      return 1 / (1 + Math.exp(logY - logX));
    },
    poisson(lambda: number): number {
      if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`poisson mean must be a non-negative finite number, found ${lambda}`);
      if (lambda === 0) return 0;
      if (lambda < 10) {
        const limit = Math.exp(-lambda);
        let k = 0;
        let product = uniform();
        while (product > limit) {
          k++;
          product *= uniform();
        }
        return k;
      }
      // PTRS (Hörmann 1993)
      const sqrtLambda = Math.sqrt(lambda);
      const logLambda = Math.log(lambda);
      const b = 0.931 + 2.53 * sqrtLambda;
      const a = -0.059 + 0.02483 * b;
      const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
      const vr = 0.9277 - 3.6224 / (b - 2);
      for (;;) {
        const u = uniform() - 0.5;
        const v = uniform();
        const us = 0.5 - Math.abs(u);
        const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= vr) return k;
        if (k < 0 || (us < 0.013 && v > us)) continue;
        if (Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLambda - logFactorial(k)) return k;
      }
    },
    geometric(p: number): number {
      if (!(p > 0 && p <= 1)) throw new RangeError(`geometric probability must be in (0, 1], found ${p}`);
      if (p === 1) return 1;
      return Math.max(1, Math.ceil(Math.log(uniform()) / Math.log1p(-p)));
    },
    int(n: number): number {
      if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`int requires a positive integer bound, found ${n}`);
      return Math.floor(uniform() * n);
    },
  };
}
