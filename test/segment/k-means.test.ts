import { describe, expect, it } from 'vitest';
import { silhouette } from 'simple-statistics';
import { kMeans, meanSilhouette, sampleIndices, seededRandom, TooFewPointsError } from '../../src/segment/k-means.js';
import { ModelError } from '../../src/errors.js';

/** Seeded groups of 2-D normal points around the given centres; returns points row by row and the true group. */
function blobs(centres: [number, number][], perGroup: number, sd: number, seed: number): { points: Float64Array; truth: number[] } {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const points = new Float64Array(centres.length * perGroup * 2);
  const truth: number[] = [];
  let i = 0;
  for (let p = 0; p < perGroup; p++) {
    centres.forEach(([x, y], g) => {
      points[i * 2] = x + sd * normal();
      points[i * 2 + 1] = y + sd * normal();
      truth.push(g);
      i++;
    });
  }
  return { points, truth };
}

/** True when the labels split the points exactly as the truth does (up to renaming). */
function sameGrouping(labels: ArrayLike<number>, truth: number[]): boolean {
  const map = new Map<number, number>();
  const used = new Set<number>();
  for (let i = 0; i < truth.length; i++) {
    const mapped = map.get(truth[i]);
    if (mapped === undefined) {
      if (used.has(labels[i])) return false;
      map.set(truth[i], labels[i]);
      used.add(labels[i]);
    } else if (mapped !== labels[i]) return false;
  }
  return true;
}

describe('seededRandom and sampleIndices', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });

  it('draws distinct sorted indices', () => {
    const s = sampleIndices(1000, 100, seededRandom(1));
    expect(s).toHaveLength(100);
    expect(new Set(s).size).toBe(100);
    expect([...s]).toEqual([...s].sort((x, y) => x - y));
    expect([...sampleIndices(3, 10, seededRandom(1))]).toEqual([0, 1, 2]);
  });
});

describe('kMeans', () => {
  const centres: [number, number][] = [[0, 0], [10, 0], [0, 10], [10, 10]];

  it('recovers well-separated generated groups', () => {
    const { points, truth } = blobs(centres, 250, 1, 7);
    for (const seed of [1, 2, 3, 4, 5]) {
      const fit = kMeans(points, 2, 4, { seed });
      expect(fit.converged).toBe(true);
      expect(sameGrouping(fit.labels, truth), `seed ${seed}`).toBe(true);
      // Centres near the true ones.
      const found = Array.from({ length: 4 }, (_, c) => [fit.centroids[c * 2], fit.centroids[c * 2 + 1]]);
      for (const [x, y] of centres) expect(Math.min(...found.map(([u, v]) => Math.hypot(u - x, v - y)))).toBeLessThan(0.3);
    }
  });

  it('ends at a Lloyd fixed point with tolerance 0: nearest centres, centres are the means', () => {
    const { points } = blobs(centres, 200, 3, 12);
    const fit = kMeans(points, 2, 5, { seed: 4, tolerance: 0 });
    expect(fit.converged).toBe(true);
    const sums = new Float64Array(10);
    const counts = new Float64Array(5);
    let inertia = 0;
    for (let i = 0; i < points.length / 2; i++) {
      const dist = (c: number): number => (points[i * 2] - fit.centroids[c * 2]) ** 2 + (points[i * 2 + 1] - fit.centroids[c * 2 + 1]) ** 2;
      const nearest = Math.min(...[0, 1, 2, 3, 4].map(dist));
      expect(dist(fit.labels[i])).toBe(nearest);
      inertia += nearest;
      counts[fit.labels[i]]++;
      sums[fit.labels[i] * 2] += points[i * 2];
      sums[fit.labels[i] * 2 + 1] += points[i * 2 + 1];
    }
    for (let c = 0; c < 5; c++) {
      expect(fit.centroids[c * 2]).toBeCloseTo(sums[c * 2] / counts[c], 12);
      expect(fit.centroids[c * 2 + 1]).toBeCloseTo(sums[c * 2 + 1] / counts[c], 12);
    }
    expect(fit.inertia).toBeCloseTo(inertia, 9);
    // The default tolerance stops no later, and within a hair of the same inertia.
    const loose = kMeans(points, 2, 5, { seed: 4 });
    expect(loose.iterations).toBeLessThanOrEqual(fit.iterations);
    expect(loose.inertia / fit.inertia).toBeCloseTo(1, 2);
  });

  it('is reproducible for a seed', () => {
    const { points } = blobs(centres, 100, 4, 3); // overlapping: the result depends on the start
    const a = kMeans(points, 2, 5, { seed: 9 });
    const b = kMeans(points, 2, 5, { seed: 9 });
    expect([...a.labels]).toEqual([...b.labels]);
    expect([...a.centroids]).toEqual([...b.centroids]);
    expect(a.inertia).toBe(b.inertia);
  });

  it('keeps the best of several starts', () => {
    const { points } = blobs(centres, 100, 4, 3);
    const one = kMeans(points, 2, 5, { seed: 9 });
    const five = kMeans(points, 2, 5, { seed: 9, restarts: 5 });
    expect(five.inertia).toBeLessThanOrEqual(one.inertia);
  });

  it('fails clearly with fewer distinct points than clusters, and never leaves a cluster empty', () => {
    const same = Float64Array.of(1, 1, 1, 1, 1, 1, 2, 2);
    expect(() => kMeans(same, 2, 3)).toThrow(TooFewPointsError);
    expect(() => kMeans(same, 2, 3)).toThrow(ModelError);
    expect(() => kMeans(same, 2, 3)).toThrow(/at least 3 distinct points/);
    expect(() => kMeans(Float64Array.of(1, 2), 2, 2)).toThrow(/found 1/);
    // Heavily tied data (simple-statistics' kMeansCluster can throw 'Centroid N has no friends' on such data).
    const random = seededRandom(3);
    const tied = new Float64Array(3000);
    for (let i = 0; i < tied.length; i++) tied[i] = Math.floor(random() * random() * 4);
    for (let seed = 1; seed <= 20; seed++) {
      const fit = kMeans(tied, 3, 8, { seed });
      const counts = new Array(8).fill(0);
      for (const l of fit.labels) counts[l]++;
      expect(Math.min(...counts), `seed ${seed}`).toBeGreaterThan(0);
    }
  });
});

describe('meanSilhouette', () => {
  it('matches a hand computation', () => {
    // Points 0, 1 | 10, 11: s = (10.5 − 1)/10.5 and (9.5 − 1)/9.5, twice each.
    const s = meanSilhouette(Float64Array.of(0, 1, 10, 11), 1, Int32Array.of(0, 0, 1, 1), 2, null);
    expect(s).toBeCloseTo((9.5 / 10.5 + 8.5 / 9.5) / 2, 15);
    // A point alone in its cluster has s = 0.
    expect(meanSilhouette(Float64Array.of(0, 1, 10), 1, Int32Array.of(0, 0, 1), 2, null)).toBeCloseTo((9 / 10 + 8 / 9) / 3, 15);
    expect(meanSilhouette(Float64Array.of(0, 1), 1, Int32Array.of(0, 0), 1, null)).toBeNull();
  });

  it("equals the mean of simple-statistics' silhouette values", () => {
    const { points } = blobs([[0, 0], [3, 1], [1, 4]], 40, 1.2, 11);
    const fit = kMeans(points, 2, 3, { seed: 2 });
    const rows = Array.from({ length: points.length / 2 }, (_, i) => [points[i * 2], points[i * 2 + 1]]);
    const reference = silhouette(rows, [...fit.labels]);
    const mean = reference.reduce((a, b) => a + b, 0) / reference.length;
    expect(meanSilhouette(points, 2, fit.labels, 3, null)).toBeCloseTo(mean, 12);
  });

  it('on a sample equals the silhouette of the sub-sample', () => {
    const { points } = blobs([[0, 0], [3, 1], [1, 4]], 100, 1.2, 5);
    const fit = kMeans(points, 2, 3, { seed: 2 });
    const sample = sampleIndices(300, 50, seededRandom(8));
    const subPoints = new Float64Array(100);
    const subLabels = new Int32Array(50);
    sample.forEach((i, s) => {
      subPoints[s * 2] = points[i * 2];
      subPoints[s * 2 + 1] = points[i * 2 + 1];
      subLabels[s] = fit.labels[i];
    });
    expect(meanSilhouette(points, 2, fit.labels, 3, sample)).toBeCloseTo(meanSilhouette(subPoints, 2, subLabels, 3, null)!, 14);
  });
});
