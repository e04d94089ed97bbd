import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  assignSegment, checkSegmentTable, compileSegmentTable, defaultSegmentTable, OTHERS, rescaleScore, segmentIndex, segmentStatistics,
  segmentTableCoverage, type SegmentTable,
} from '../../src/segment/segments.js';

// The default grid written out by hand: rows R = 5..1, columns FM = (F + M) / 2 = 1, 1.5, 2, ..., 5.
const C = 'Champions', L = 'Loyal Customers', P = 'Potential Loyalist', N = 'New Customers', Pr = 'Promising', NA = 'Need Attention';
const S = 'About To Sleep', AR = 'At Risk', CL = "Can't Lose Them", H = 'Hibernating', Lo = 'Lost';
const expectedGrid: Record<number, string[]> = {
  5: [N, N, P, P, P, P, C, C, C],
  4: [Pr, Pr, P, P, P, P, L, L, L],
  3: [S, S, S, S, NA, NA, L, L, L],
  2: [H, H, H, H, AR, AR, AR, AR, CL],
  1: [Lo, Lo, H, H, AR, AR, AR, AR, CL],
};

describe('default segment table', () => {
  it('covers all 125 (R, F, M) cells on 1..5 exactly once', () => {
    expect(segmentTableCoverage(defaultSegmentTable)).toEqual({ gaps: [], overlaps: [] });
  });

  it('uses the 11 standard segments and no Others', () => {
    expect(defaultSegmentTable.segments.map((s) => s.name)).toEqual([C, L, P, N, Pr, NA, S, AR, CL, H, Lo]);
    const used = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) used.add(assignSegment(r, f, m));
    expect(used.size).toBe(11);
    expect(used.has(OTHERS)).toBe(false);
  });

  it('assigns every (R, F, M) as in the hand-written R × FM grid', () => {
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        for (let m = 1; m <= 5; m++) {
          const column = (f + m) / 2 * 2 - 2; // FM 1 → 0, 1.5 → 1, ..., 5 → 8
          expect(assignSegment(r, f, m), `R${r} F${f} M${m}`).toBe(expectedGrid[r][column]);
        }
      }
    }
  });

  it('puts each rule edge on the right side', () => {
    expect(assignSegment(5, 4, 4)).toBe(C); // FM 4: lowest Champions
    expect(assignSegment(5, 4, 3)).toBe(P); // FM 3.5: highest Potential Loyalist
    expect(assignSegment(5, 2, 1)).toBe(N); // FM 1.5: highest New Customers
    expect(assignSegment(5, 1, 3)).toBe(P); // FM 2: lowest Potential Loyalist
    expect(assignSegment(4, 5, 5)).toBe(L); // R 4: Loyal, not Champions
    expect(assignSegment(4, 1, 2)).toBe(Pr);
    expect(assignSegment(4, 2, 2)).toBe(P);
    expect(assignSegment(3, 4, 4)).toBe(L); // R 3: lowest Loyal
    expect(assignSegment(3, 3, 4)).toBe(NA);
    expect(assignSegment(3, 3, 3)).toBe(NA);
    expect(assignSegment(3, 2, 3)).toBe(S); // FM 2.5: highest About To Sleep
    expect(assignSegment(2, 5, 5)).toBe(CL);
    expect(assignSegment(2, 5, 4)).toBe(AR); // FM 4.5: highest At Risk
    expect(assignSegment(1, 3, 3)).toBe(AR); // FM 3: lowest At Risk
    expect(assignSegment(2, 2, 3)).toBe(H); // FM 2.5: highest Hibernating
    expect(assignSegment(2, 1, 1)).toBe(H);
    expect(assignSegment(1, 2, 2)).toBe(H); // R 1, FM 2: lowest Hibernating
    expect(assignSegment(1, 1, 2)).toBe(Lo); // R 1, FM 1.5: highest Lost
    expect(assignSegment(1, 1, 1)).toBe(Lo);
  });
});

describe('other numbers of bins', () => {
  it('rescales a score by the middle of its percentile band', () => {
    expect([1, 2, 3, 4, 5].map((s) => rescaleScore(s, 5, 5))).toEqual([1, 2, 3, 4, 5]);
    expect([1, 2, 3].map((s) => rescaleScore(s, 3, 5))).toEqual([1, 3, 5]);
    expect([1, 2, 3, 4].map((s) => rescaleScore(s, 4, 5))).toEqual([1, 2, 4, 5]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => rescaleScore(s, 9, 5))).toEqual([1, 1, 2, 2, 3, 4, 4, 5, 5]);
    expect([1, 2].map((s) => rescaleScore(s, 2, 5))).toEqual([2, 4]);
  });

  it('leaves no gap for any bins with the default table', () => {
    for (let bins = 2; bins <= 9; bins++) {
      const lookup = compileSegmentTable(defaultSegmentTable, bins);
      const others = lookup.names.indexOf(OTHERS);
      expect(lookup.index.includes(others), `bins ${bins}`).toBe(false);
    }
    expect(assignSegment(3, 3, 3, 3)).toBe(C);
    expect(assignSegment(1, 3, 3, 3)).toBe(CL);
    expect(assignSegment(2, 2, 2, 3)).toBe(NA);
  });
});

describe('custom tables', () => {
  const gapTable: SegmentTable = {
    scale: 3,
    segments: [
      { name: 'Top', description: 'best', action: 'keep' },
      { name: 'Rest', description: 'others', action: 'grow' },
    ],
    rules: [
      { segment: 'Top', r: [3, 3], fm: [2.5, 3] },
      { segment: 'Rest', r: [1, 2], fm: [1, 3] },
      { segment: 'Rest', r: [2, 2], fm: [1, 1] }, // overlaps the rule above
    ],
  };

  it('reports gaps and overlaps, and puts uncovered customers in Others', () => {
    const coverage = segmentTableCoverage(gapTable);
    expect(coverage.gaps).toContainEqual({ R: 3, F: 1, M: 1 });
    expect(coverage.gaps).toHaveLength(9 - 3); // R 3 with FM < 2.5: all but (2,3), (3,2), (3,3)
    expect(coverage.overlaps).toEqual([{ R: 2, F: 1, M: 1, segments: ['Rest', 'Rest'] }]);
    expect(assignSegment(3, 1, 1, 3, gapTable)).toBe(OTHERS);
    expect(assignSegment(3, 3, 2, 3, gapTable)).toBe('Top');
    const lookup = compileSegmentTable(gapTable, 3);
    expect(lookup.names).toEqual(['Top', 'Rest', OTHERS]);
    expect(lookup.names[segmentIndex(lookup, 3, 1, 2)]).toBe(OTHERS);
  });

  it('rejects invalid tables with a message naming the problem', () => {
    const bad = (patch: Partial<SegmentTable>): SegmentTable => ({ ...gapTable, ...patch });
    expect(() => checkSegmentTable(bad({ scale: 1 }))).toThrow(UsageError);
    expect(() => checkSegmentTable(bad({ rules: [{ segment: 'Nope', r: [1, 3], fm: [1, 3] }] }))).toThrow(/undefined segment "Nope"/);
    expect(() => checkSegmentTable(bad({ rules: [{ segment: 'Top', r: [3, 1], fm: [1, 3] }] }))).toThrow(/rule 1 \(Top\) has an invalid r range \[3,1\]/);
    expect(() => checkSegmentTable(bad({ segments: [{ name: OTHERS, description: '', action: '' }], rules: [] }))).toThrow(/reserved/);
    expect(() => checkSegmentTable(bad({ segments: [gapTable.segments[0], gapTable.segments[0]], rules: [] }))).toThrow(/defined twice/);
  });
});

describe('segmentStatistics', () => {
  it('sums and means per segment, in table order, Others only when used', () => {
    const lookup = compileSegmentTable(defaultSegmentTable, 5);
    const champions = lookup.names.indexOf(C);
    const lost = lookup.names.indexOf(Lo);
    const stats = segmentStatistics(lookup, {
      segment: [champions, champions, lost, champions],
      revenue: [100, 200, 10, 90],
      margin: [30, 60, 1, 9],
      recencyDays: [1, 3, 300, 2],
      transactions: [10, 20, 1, 6],
      monetary: [100, 200, 10, 90],
    });
    expect(stats.map((s) => s.segment)).toEqual(defaultSegmentTable.segments.map((s) => s.name));
    const c = stats[0];
    expect(c).toMatchObject({ segment: C, customers: 3, shareOfCustomers: 0.75, revenue: 390, margin: 99, meanRecencyDays: 2, meanTransactions: 12, meanMonetary: 130 });
    expect(c.shareOfRevenue).toBeCloseTo(390 / 400, 15);
    expect(c.action).toMatch(/reward/);
    expect(stats.find((s) => s.segment === L)).toMatchObject({ customers: 0, shareOfCustomers: 0, revenue: 0, meanRecencyDays: null, meanMonetary: null });
    expect(stats.find((s) => s.segment === Lo)).toMatchObject({ customers: 1, revenue: 10, meanRecencyDays: 300 });
  });
});
