import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bottomK, topK } from '../../src/factors/select.ts';

describe('topK / bottomK', () => {
  it('picks the largest finite values, best first, ties to the lower index', () => {
    const v = Float64Array.of(3, NaN, 5, 5, -1, 4, Infinity);
    expect(Array.from(topK(v, 3))).toEqual([2, 3, 5]);
    expect(Array.from(topK(v, 1))).toEqual([2]);
    expect(Array.from(bottomK(v, 2))).toEqual([4, 0]);
  });

  it('returns fewer when fewer values are finite, and nothing for k ≤ 0', () => {
    expect(Array.from(topK(Float64Array.of(NaN, 2, NaN), 3))).toEqual([1]);
    expect(Array.from(topK(Float64Array.of(1, 2), 0))).toEqual([]);
  });

  it('agrees with a full sort on random rows with many ties', () => {
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (trial % 40);
      const v = Float64Array.from({ length: n }, (_, i) => ((i * 7919 + trial * 31) % 11) - 5);
      const k = trial % 9;
      const sorted = Array.from(v, (x, i) => [x, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((p) => p[1]);
      expect(Array.from(topK(v, k))).toEqual(sorted.slice(0, k));
      const up = Array.from(v, (x, i) => [x, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((p) => p[1]);
      expect(Array.from(bottomK(v, k))).toEqual(up.slice(0, k));
    }
  });

  it('skips ±∞ and NaN wherever they stand, in both directions, and counts −0 equal to 0 (ties to the lower index)', () => {
    const v = Float64Array.of(-Infinity, 0, NaN, Infinity, -0, -Infinity, 2, Infinity, -3);
    expect(Array.from(topK(v, 4))).toEqual([6, 1, 4, 8]);
    expect(Array.from(bottomK(v, 4))).toEqual([8, 1, 4, 6]);
    expect(Array.from(topK(Float64Array.of(Infinity, -Infinity, NaN), 2))).toEqual([]);
  });

  it('agrees with a full sort of the finite values on random rows (repeated calls share no state)', () => {
    const cell = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom(NaN, Infinity, -Infinity, -0), fc.double({ noNaN: true, min: -1e3, max: 1e3 }));
    fc.assert(fc.property(fc.array(cell, { maxLength: 60 }), fc.integer({ min: 0, max: 80 }), (row, k) => {
      const v = Float64Array.from(row);
      const finite = Array.from(v, (x, i) => [x, i] as const).filter(([x]) => Number.isFinite(x));
      const down = [...finite].sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((p) => p[1]);
      const up = [...finite].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((p) => p[1]);
      expect(Array.from(topK(v, k))).toEqual(down.slice(0, k));
      expect(Array.from(bottomK(v, k))).toEqual(up.slice(0, k));
    }), { numRuns: 500, seed: 11 });
  });
});
