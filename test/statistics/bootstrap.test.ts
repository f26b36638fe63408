import { describe, expect, it } from 'vitest';
import { resampleIndices, sampleFromIndices, stationaryBootstrap } from '../../src/statistics/bootstrap.ts';
import { Xoshiro128StarStar } from '../../src/statistics/rng.ts';

/** The stationary bootstrap written day by day (Politis & Romano's recipe), with the same draws in the same order. */
function plainResamples(days: number, reps: number, seed: number, blockLength: number): { resamples: number[][]; newBlocks: number } {
  const rng = new Xoshiro128StarStar(seed);
  const resamples: number[][] = [];
  let newBlocks = 0;
  for (let r = 0; r < reps; r++) {
    const idx = [rng.nextBelow(days)];
    for (let t = 1; t < days; t++) {
      if (rng.nextFloat() < 1 / blockLength) { idx.push(rng.nextBelow(days)); newBlocks++; }
      else idx.push((idx[t - 1]! + 1) % days);
    }
    resamples.push(idx);
  }
  return { resamples, newBlocks };
}

describe('stationary bootstrap (Politis & Romano 1994)', () => {
  it('draws the same resamples as the day-by-day recipe, kept as segments that never wrap', () => {
    const days = 50, reps = 200;
    const sample = stationaryBootstrap(days, reps, new Xoshiro128StarStar(11), 6);
    const { resamples } = plainResamples(days, reps, 11, 6);
    for (let r = 0; r < reps; r++) expect(Array.from(resampleIndices(sample, r))).toEqual(resamples[r]);
    for (let g = 0; g < sample.segments.length; g += 2) {
      expect(sample.segments[g]!).toBeLessThan(sample.segments[g + 1]!);
      expect(sample.segments[g + 1]!).toBeLessThanOrEqual(days);
    }
  });

  it('mean block √T by default: new blocks start on a share 1/√T of days (within 4 binomial sd)', () => {
    const days = 252, reps = 400;
    const sample = stationaryBootstrap(days, reps, new Xoshiro128StarStar(5));
    expect(sample.blockLength).toBe(Math.sqrt(252));
    const { newBlocks } = plainResamples(days, reps, 5, Math.sqrt(252));
    const trials = reps * (days - 1), p = 1 / Math.sqrt(252);
    expect(Math.abs(newBlocks - trials * p)).toBeLessThan(4 * Math.sqrt(trials * p * (1 - p)));
    // about T/b + 1 segments a resample (plus the wraps)
    expect(sample.segments.length / 2 / reps).toBeGreaterThan(days / Math.sqrt(days));
    expect(sample.segments.length / 2 / reps).toBeLessThan(days / Math.sqrt(days) + 3);
  });

  it('every day is equally likely at every position (circular): χ² over 40 days, 39 degrees of freedom, 0.1 % level 72.05', () => {
    const days = 40, reps = 2000;
    const sample = stationaryBootstrap(days, reps, new Xoshiro128StarStar(9), 5);
    const counts = new Array(days).fill(0);
    for (let r = 0; r < reps; r++) counts[resampleIndices(sample, r)[days - 1]!]++; // the last position: most exposed to wrap-around bias
    const expected = reps / days;
    expect(counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0)).toBeLessThan(72.05);
  });

  it('the same seed gives the same segments; explicit index arrays give the same form', () => {
    const a = stationaryBootstrap(100, 50, new Xoshiro128StarStar(1));
    const b = stationaryBootstrap(100, 50, new Xoshiro128StarStar(1));
    expect(a.segments).toEqual(b.segments);
    expect(a.offsets).toEqual(b.offsets);
    const again = sampleFromIndices(100, Array.from({ length: 50 }, (_, r) => resampleIndices(a, r)));
    expect(again.segments).toEqual(a.segments);
    expect(again.offsets).toEqual(a.offsets);
    const wrapped = sampleFromIndices(5, [[3, 4, 0, 1, 1]]);
    expect(Array.from(wrapped.segments)).toEqual([3, 5, 0, 2, 1, 2]);
  });

  it('refuses bad shapes and out-of-range days', () => {
    expect(() => stationaryBootstrap(0, 10, new Xoshiro128StarStar(1))).toThrow(RangeError);
    expect(() => stationaryBootstrap(10, 0, new Xoshiro128StarStar(1))).toThrow(RangeError);
    expect(() => stationaryBootstrap(10, 10, new Xoshiro128StarStar(1), 0.5)).toThrow(RangeError);
    expect(() => sampleFromIndices(3, [[0, 1]])).toThrow(RangeError);
    expect(() => sampleFromIndices(3, [[0, 1, 3]])).toThrow(RangeError);
  });

  it('says what is wrong, and takes the smallest shapes: 1 day, 1 replication, blocks of 1 day', () => {
    const rng = () => new Xoshiro128StarStar(1);
    for (const days of [0, -1, 2.5, Number.NaN]) expect(() => stationaryBootstrap(days, 10, rng())).toThrow(`days ${days}: must be a whole number ≥ 1`);
    for (const reps of [0, 1.5]) expect(() => stationaryBootstrap(10, reps, rng())).toThrow(`reps ${reps}: must be a whole number ≥ 1`);
    for (const b of [0.5, Number.NaN]) expect(() => stationaryBootstrap(10, 10, rng(), b)).toThrow(`blockLength ${b}: must be ≥ 1`);
    const one = stationaryBootstrap(1, 1, rng());
    expect([one.reps, Array.from(one.segments), Array.from(one.offsets)]).toEqual([1, [0, 1], [0, 1]]);
    // blocks of mean length 1: every day starts a new block (p = 1), so each day is drawn afresh
    const fresh = stationaryBootstrap(50, 20, rng(), 1);
    expect(fresh.blockLength).toBe(1);
    expect(fresh.reps).toBe(20);
    expect(() => sampleFromIndices(3, [[0, 1, 2], [0, 1]])).toThrow('resample 1 has 2 days, expected 3');
    expect(() => sampleFromIndices(3, [[0, 1, 3]])).toThrow('resample 0, position 2: day 3 is not in 0 … 2');
    expect(() => sampleFromIndices(3, [[0, -1, 2]])).toThrow('resample 0, position 1: day -1 is not in 0 … 2');
    expect(() => sampleFromIndices(3, [[0.5, 1, 2]])).toThrow('resample 0, position 0: day 0.5 is not in 0 … 2');
    // no days at all: no segments
    expect(Array.from(sampleFromIndices(0, [[]]).segments)).toEqual([]);
  });
});
