/** rowIndex: each row's position among the distinct rows, as a Map keyed by the values would give it. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';
import { rowIndex } from '../../src/models/compress.js';

describe('rowIndex', () => {
  it('numbers distinct rows in order of first occurrence, -0 equal to 0', () => {
    const { index, distinct } = rowIndex([[1, 2, 1, 0, -0, 2], [0.5, 0.5, 0.5, 3, 3, 0.25]]);
    expect(Array.from(index)).toEqual([0, 1, 0, 2, 2, 3]);
    expect(distinct).toBe(4);
    expect(rowIndex([[], []])).toEqual({ index: new Int32Array(0), distinct: 0 });
  });

  it('agrees with a Map keyed by the row on 200,000 random rows with many repeats', () => {
    const rng = createRng(4);
    const n = 200_000;
    const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    for (let i = 0; i < n; i++) {
      cols[0][i] = rng.int(20);
      cols[1][i] = rng.int(300) / 7;
      cols[2][i] = 40 + rng.int(30) / 7;
    }
    const { index, distinct } = rowIndex(cols);
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = `${cols[0][i]} ${cols[1][i]} ${cols[2][i]}`;
      if (!seen.has(key)) seen.set(key, seen.size);
      if (index[i] !== seen.get(key)) expect([i, index[i]]).toEqual([i, seen.get(key)]);
    }
    expect(distinct).toBe(seen.size);
  });
});
