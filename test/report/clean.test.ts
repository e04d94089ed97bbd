/** clean(): its fast path for amounts in cents gives exactly Number(v.toPrecision(12)). */
import { describe, expect, it } from 'vitest';
import { clean } from '../../src/report/format.js';
import { createRng } from '../../src/core/random.js';

describe('clean', () => {
  it('equals rounding to 12 significant digits on random cents, near-cents and arbitrary values', () => {
    const r = createRng(7);
    const rng = (): number => r.uniform();
    let checked = 0;
    for (let i = 0; i < 100_000; i++) {
      const k = Math.floor((rng() - 0.5) * 10 ** (1 + Math.floor(rng() * 11)));
      for (const v of [k / 100, k / 10, k / 100 + 1e-9 * rng(), (k / 100) * (1 + 1e-15), rng() * 10 ** (rng() * 12 - 3), 999_999_999.99, -999_999_999.99, 1e9 + 0.01]) {
        const expected = Number.isInteger(v) ? v : Number(v.toPrecision(12));
        if (!Object.is(clean(v), expected)) expect([v, clean(v)]).toEqual([v, expected]);
        checked++;
      }
    }
    expect(checked).toBe(800_000);
    expect(clean(0.1 + 0.2)).toBe(0.3);
    expect(clean(1.005)).toBe(1.005);
    expect(clean(Number.NaN)).toBeNaN();
  });
});
