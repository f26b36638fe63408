import { describe, expect, it } from 'vitest';
import { dailyReturns, mean, sampleSd } from '../../src/metrics/returns.ts';

/**
 * mean and sampleSd against the direct formulas, at the edges: empty and one-value series, and the
 * noise floor: the sd is 0 where sd ≤ 2·n·ε·max|x| (rounding of the mean, not dispersion) and kept
 * just above it. The floor is tested at its exact boundary, found by stepping two values an ulp at a
 * time: sd equal to the floor, a few ulps below and above it, and the largest value first or last.
 */

function directMean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Two-pass sd (n − 1), then the floor on the largest magnitude wherever it sits. */
function directSd(xs: readonly number[]): number {
  const m = directMean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  const sd = Math.sqrt(ss / (xs.length - 1));
  const largest = Math.max(...xs.map(Math.abs));
  return sd <= 2 * xs.length * Number.EPSILON * largest ? 0 : sd;
}

/** The double k ulps away from x (same sign, k may be negative). */
function ulps(x: number, k: number): number {
  const b = new Float64Array([x]);
  new BigInt64Array(b.buffer)[0]! += BigInt(k);
  return b[0]!;
}

describe('mean and sampleSd', () => {
  it('have no value without data: mean of nothing, sd of fewer than two values', () => {
    expect(mean([])).toBeNull();
    expect(sampleSd([])).toBeNull();
    expect(sampleSd(new Float64Array(0))).toBeNull();
    expect(sampleSd([0.01])).toBeNull();
    expect(sampleSd([-3])).toBeNull();
    expect(mean([0.01])).toBe(0.01);
  });

  it('agree with the direct formulas on ordinary series', () => {
    const series = [[1, 2], [0.01, -0.02, 0.005], [3, 3, 3, 4], [-1e-3, 2e-3, 5e-4, 0, 7e-4, -2e-4]];
    for (const xs of series) {
      expect(mean(xs)).toBe(directMean(xs));
      expect(sampleSd(xs)).toBe(directSd(xs));
      expect(sampleSd(Float64Array.from(xs))).toBe(directSd(xs));
    }
  });

  it('the noise floor at its exact boundary: 0 up to 2·n·ε·max|x|, the sd just above it', () => {
    // Two values k ulps apart have sd ≈ k·ulp/√2 and a floor of 4·ε·max: around a = k·2^e/(4√2)
    // the two meet, and stepping a an ulp at a time walks the sd across the floor.
    let atFloor = 0, zeroed = 0, kept = 0, betweenMagnitudes = 0;
    for (const e of [-20, 0, 3, 10]) {
      for (let k = 6; k <= 11; k++) {
        const centre = (k * 2 ** e) / (4 * Math.SQRT2);
        for (let j = -60; j <= 60; j++) {
          const a = ulps(centre, j), b = ulps(a, -k);
          const raw = Math.SQRT1_2 * Math.abs(a - b);
          for (const xs of [[a, b], [b, a], [-a, -b], [-b, -a]]) {
            const want = directSd(xs);
            expect(sampleSd(xs), `${xs}`).toBe(want);
            expect(sampleSd(Float64Array.from(xs)), `${xs}`).toBe(want);
          }
          const sd = Math.sqrt((a - (a + b) / 2) ** 2 + (b - (a + b) / 2) ** 2);
          if (sd === 4 * Number.EPSILON * a) atFloor++;
          if (directSd([a, b]) === 0 && raw > 0) zeroed++;
          else kept++;
          // Floors of the larger and the smaller magnitude on either side of the sd: only the larger is the rule.
          if (sd <= 4 * Number.EPSILON * a && sd > 4 * Number.EPSILON * b) betweenMagnitudes++;
        }
      }
    }
    // The walk did reach every case the rule distinguishes.
    expect(atFloor).toBeGreaterThan(0);
    expect(betweenMagnitudes).toBeGreaterThan(0);
    expect(zeroed).toBeGreaterThan(0);
    expect(kept).toBeGreaterThan(0);
  });

  it('a value exactly at the floor, the largest first: sd 0 (the floor is on the largest magnitude, not the last)', () => {
    const a = Math.SQRT2, b = ulps(a, -8); // sd = 4·ε·a to the last bit
    expect(Math.sqrt(2 * ((a - b) / 2) ** 2)).toBe(4 * Number.EPSILON * a);
    expect(sampleSd([a, b])).toBe(0);
    expect(sampleSd([b, a])).toBe(0);
    // One ulp further apart is dispersion, kept.
    expect(sampleSd([ulps(a, 1), b])).toBeGreaterThan(0);
  });

  it('daily returns: the first against the starting cash, then day on day', () => {
    expect(Array.from(dailyReturns([110, 99, 99], 100))).toEqual([110 / 100 - 1, 99 / 110 - 1, 0]);
    expect(dailyReturns([], 100).length).toBe(0);
  });
});
