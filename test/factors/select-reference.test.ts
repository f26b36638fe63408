import { describe, expect, it } from 'vitest';
import { bottomK, topK } from '../../src/factors/select.ts';
import { mulberry32 as rng } from '../support/random.ts';

/**
 * topK / bottomK against the obvious implementation: a full stable sort of the row's finite values
 * (NaN and ±∞ skipped), ties to the earlier column, the first k taken. Rows of every length around
 * the selection buffer's 64 values (and the doublings after it), k from 0 to past the finite count.
 */
function reference(values: ArrayLike<number>, k: number, dir: 1 | -1): number[] {
  const cols: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) cols.push(i);
  cols.sort((a, b) => dir * (values[b]! - values[a]!) || a - b);
  return cols.slice(0, Math.max(0, k));
}


/** Rows of several shapes: ties, missing and infinite values, ascending and descending runs. */
function rows(len: number, seed: number): Float64Array[] {
  const r = rng(seed);
  const mixed = Float64Array.from({ length: len }, () => {
    const u = r();
    if (u < 0.08) return NaN;
    if (u < 0.11) return Infinity;
    if (u < 0.14) return -Infinity;
    return Math.floor(r() * 7) - 3; // few distinct values: many ties
  });
  const ascending = Float64Array.from({ length: len }, (_, i) => i);
  const descending = Float64Array.from({ length: len }, (_, i) => len - i);
  const distinct = Float64Array.from({ length: len }, () => r() * 2 - 1);
  return [mixed, ascending, descending, distinct];
}

const LENGTHS = [0, 1, 2, 3, 7, 8, 9, 31, 32, 33, 63, 64, 65, 66, 67, 100, 127, 128, 129, 130, 200, 257];
const KS = [1, 2, 3, 5, 8, 63, 64, 65, 66, 100, 127, 128, 129, 130, 200, 300];

describe('topK and bottomK against a full stable sort', () => {
  it('agree on every row shape, length and k (ties: earlier columns first; NaN, ±∞ skipped)', () => {
    let checked = 0;
    for (const len of LENGTHS) {
      for (const [s, row] of rows(len, len + 1).entries()) {
        for (const k of KS) {
          const label = `len ${len}, shape ${s}, k ${k}`;
          expect(Array.from(topK(row, k)), `topK ${label}`).toEqual(reference(row, k, 1));
          expect(Array.from(bottomK(row, k)), `bottomK ${label}`).toEqual(reference(row, k, -1));
          checked++;
        }
      }
    }
    expect(checked).toBe(LENGTHS.length * 4 * KS.length);
  });

  it('a k far beyond any earlier selection still returns every finite value in order', () => {
    // The selection's scratch buffer has to grow to k in one step here, however large it was before:
    // the cases above leave it at most 512 values (64 doubled while k ≤ 300), and each k below is more
    // than twice the buffer before it. (Sizes kept small: the selection is quadratic in k, and
    // `npm run mutate` runs this test instrumented, where 20,000 values took over a minute.)
    const len = 3_000;
    const row = Float64Array.from({ length: len }, (_, i) => ((i * 7919) % 1000) - 500 + (i % 3 === 0 ? NaN : 0));
    for (const k of [1_500, 3_000]) {
      expect(Array.from(topK(row, k))).toEqual(reference(row, k, 1));
      expect(Array.from(bottomK(row, k))).toEqual(reference(row, k, -1));
    }
  });

  it('k of 0 or below selects nothing, even with values to select', () => {
    const row = Float64Array.of(3, 1, 2);
    for (const k of [0, -1, -5]) {
      expect(Array.from(topK(row, k))).toEqual([]);
      expect(Array.from(bottomK(row, k))).toEqual([]);
    }
  });

  it('plain arrays work as rows too, and the result is sized to the finite values', () => {
    const row = [NaN, 2, Infinity, 2, -Infinity, 1];
    expect(Array.from(topK(row, 5))).toEqual([1, 3, 5]);
    expect(Array.from(bottomK(row, 5))).toEqual([5, 1, 3]);
    expect(topK(row, 5).length).toBe(3);
  });
});
