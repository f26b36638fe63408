import { describe, expect, it } from 'vitest';
import { resampleIndices, sampleFromIndices, stationaryBootstrap } from '../../src/statistics/bootstrap.ts';
import { Xoshiro128StarStar } from '../../src/statistics/rng.ts';
import { bootstrapSharpeIntervals, orderStatistic, percentile } from '../../src/statistics/sharpe-interval.ts';
import { matrixOf, noiseMatrix, normals, sharpeOfRows } from './helpers.ts';

/** numpy's default (linear, type 7) percentile on a sorted copy. */
function plainPercentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b), h = (s.length - 1) * p, lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
}

describe('bootstrap percentile interval of the annualised Sharpe', () => {
  it('type-7 percentiles by hand, and quickselect agrees with a sort', () => {
    // [1, 2, 3, 4]: h = 3·0.05 = 0.15 → 1.15; h = 3·0.95 = 2.85 → 3.85
    expect(percentile(Float64Array.of(4, 1, 3, 2), 0.05)).toBeCloseTo(1.15, 15);
    expect(percentile(Float64Array.of(4, 1, 3, 2), 0.95)).toBeCloseTo(3.85, 15);
    expect(percentile(Float64Array.of(7), 0.3)).toBe(7);
    const z = normals(3);
    for (let trial = 0; trial < 20; trial++) {
      const xs = Array.from({ length: 1 + trial * 37 }, () => Math.round(z() * 4) / 4 + 0); // many ties (+ 0: no −0)
      const sorted = [...xs].sort((a, b) => a - b);
      for (const k of [0, Math.floor(xs.length / 3), xs.length - 1]) expect(orderStatistic(Float64Array.from(xs), k)).toBe(sorted[k]);
      for (const p of [0.05, 0.5, 0.95]) expect(percentile(Float64Array.from(xs), p)).toBe(plainPercentile(xs, p));
    }
  });

  it('a resample of one day repeated has no dispersion: Sharpe 0, not the residue of its prefix sums', () => {
    // Returns 1 % and 3 %: a resample of day 1 twice (or day 0 twice) is constant; its centred sums are
    // differences of prefix sums that need not cancel exactly (it scored 2.9e9 before).
    const m = matrixOf(2, 1, (_, t) => [0.01, 0.03][t]!);
    for (const day of [0, 1]) {
      const { low, high } = bootstrapSharpeIntervals(m, sampleFromIndices(2, [[day, day]], 1), 0.9);
      expect([low[0], high[0]], `day ${day} twice`).toEqual([0, 0]);
    }
    // and a resample with dispersion keeps its Sharpe: days 0 and 1 → mean 0.02, sd 0.01414… (n − 1)
    const both = bootstrapSharpeIntervals(m, sampleFromIndices(2, [[0, 1]], 1), 0.9);
    expect(both.low[0]).toBeCloseTo((0.02 / Math.sqrt(0.0002)) * Math.sqrt(252), 9);
  });

  it('one day repeated over a whole year of segments has no dispersion either: Sharpe 0, for every day', () => {
    // 252 segments of one day each: the residue of 252 prefix-sum differences grows with their number,
    // and so must the tolerance (4 ulps of the largest prefix sum per segment).
    const z = normals(14);
    const m = matrixOf(252, 1, () => 0.0005 + 0.01 * z());
    const sample = sampleFromIndices(252, Array.from({ length: 252 }, (_, day) => new Array<number>(252).fill(day)), 16);
    const sharpes = new Float64Array(252);
    for (let day = 0; day < 252; day++) {
      const one = sampleFromIndices(252, [new Array<number>(252).fill(day)], 16);
      sharpes[day] = bootstrapSharpeIntervals(m, one, 0.9).low[0]!;
    }
    expect(Array.from(sharpes)).toEqual(new Array(252).fill(0));
    expect(Array.from(Object.values(bootstrapSharpeIntervals(m, sample, 0.9)), (x) => x[0])).toEqual([0, 0]);
  });

  it('agrees with the obvious implementation: resample the raw series by the same indices, Sharpe, sort, percentile', () => {
    const z = normals(8);
    const m = matrixOf(120, 4, (j) => 0.0005 * j + 0.01 * z());
    const sample = stationaryBootstrap(120, 300, new Xoshiro128StarStar(5));
    const { low, high } = bootstrapSharpeIntervals(m, sample, 0.9);
    for (let j = 0; j < 4; j++) {
      const series = m.values.subarray(j * 120, (j + 1) * 120);
      const sharpes = Array.from({ length: 300 }, (_, r) => sharpeOfRows(series, Array.from(resampleIndices(sample, r))) * Math.sqrt(252));
      expect(low[j]).toBeCloseTo(plainPercentile(sharpes, 0.05), 11);
      expect(high[j]).toBeCloseTo(plainPercentile(sharpes, 0.95), 11);
    }
  });

  it('a cash-like column (daily mean 10⁴ times its sd) gets the obvious implementation\'s interval to 10 digits: its sums are centred on its mean', () => {
    // Uncentred, the sums of squares are ≈ 10⁸ times the dispersion they must resolve, and the Sharpes
    // lose about 7 of their 16 digits (each ≈ 10⁴·√252; the obvious implementation takes them in two passes).
    const z = normals(12);
    const m = matrixOf(120, 1, () => 0.0002 + 2e-8 * z());
    const sample = stationaryBootstrap(120, 200, new Xoshiro128StarStar(6));
    const { low, high } = bootstrapSharpeIntervals(m, sample, 0.9);
    const sharpes = Array.from({ length: 200 }, (_, r) => sharpeOfRows(m.values, Array.from(resampleIndices(sample, r))) * Math.sqrt(252));
    expect(low[0]! / plainPercentile(sharpes, 0.05) - 1).toBeCloseTo(0, 10);
    expect(high[0]! / plainPercentile(sharpes, 0.95) - 1).toBeCloseTo(0, 10);
    expect(low[0]!).toBeGreaterThan(1e5); // ≈ 10⁴·√252 ≈ 1.6·10⁵
  });

  it('covers the true Sharpe in most datasets: ≈ 86 % at the nominal 90 % for a year of iid returns (400 datasets: 0.80 … 0.93)', () => {
    // Daily mean 0.06 %, sd 1 %: true annualised Sharpe 0.06·√252 ≈ 0.952. A block bootstrap of serially
    // independent data loses about 2b/T of the variance of a mean (b ≈ 15.9, T = 252: ≈ 12 %, so z 1.645 → ≈ 1.55,
    // coverage ≈ 88 %); over 1,000 datasets this one covered 86.4 % (binomial sd 1.1 %). With 400 datasets the
    // share has sd ≈ 1.7 %, so 0.80 … 0.93 is ±3.5 sd around 0.865 — and would catch an interval of the wrong
    // width (a 68 % or a 99 % interval) or centred on the wrong thing.
    const truth = (0.0006 / 0.01) * Math.sqrt(252);
    let covered = 0;
    const K = 400;
    for (let k = 0; k < K; k++) {
      const m = noiseMatrix(252, 1, 500 + k, 0.01, 0.0006);
      const { low, high } = bootstrapSharpeIntervals(m, stationaryBootstrap(252, 400, new Xoshiro128StarStar(k)));
      if (low[0]! <= truth && truth <= high[0]!) covered++;
    }
    expect(covered / K).toBeGreaterThan(0.8);
    expect(covered / K).toBeLessThan(0.93);
  });

  it('a wider level gives a wider interval; a column that never varies gets none', () => {
    const m = matrixOf(100, 2, (j, t) => (j === 0 ? 0.01 * Math.sin(t * 1.7) + 0.001 : 0));
    const sample = stationaryBootstrap(100, 500, new Xoshiro128StarStar(2));
    const ninety = bootstrapSharpeIntervals(m, sample, 0.9), ninetyNine = bootstrapSharpeIntervals(m, sample, 0.99);
    expect(ninetyNine.low[0]!).toBeLessThan(ninety.low[0]!);
    expect(ninetyNine.high[0]!).toBeGreaterThan(ninety.high[0]!);
    expect(ninety.low[1]).toBeNaN();
    expect(ninety.high[1]).toBeNaN();
    expect(() => bootstrapSharpeIntervals(m, stationaryBootstrap(99, 10, new Xoshiro128StarStar(1)))).toThrow('the bootstrap resamples 99 days, the matrix has 100');
  });

  it('refuses a level outside (0, 1) by name', () => {
    const m = matrixOf(20, 1, (_, t) => 0.01 * Math.sin(t));
    const sample = stationaryBootstrap(20, 50, new Xoshiro128StarStar(3));
    for (const level of [0, 1, -0.1, 1.5, Number.NaN]) expect(() => bootstrapSharpeIntervals(m, sample, level)).toThrow(`level ${level}: must be between 0 and 1`);
    expect(bootstrapSharpeIntervals(m, sample, 0.5).low[0]).not.toBeNaN();
  });

  it('two days are enough for an interval: each resample is both days (Sharpe ±), one twice, or the same day twice (no dispersion: 0)', () => {
    // returns 25 % and 75 % (binary fractions: every sum exact): both days give mean/sd = 0.5/(0.25·√2) = √2, a day twice 0
    const m = matrixOf(2, 1, (_, t) => (t === 0 ? 0.25 : 0.75));
    const sample = stationaryBootstrap(2, 200, new Xoshiro128StarStar(4));
    const { low, high } = bootstrapSharpeIntervals(m, sample, 0.5);
    const plain: number[] = [];
    for (let r = 0; r < sample.reps; r++) plain.push(sharpeOfRows(m.values, Array.from(resampleIndices(sample, r))) * Math.sqrt(252));
    expect(low[0]).toBeCloseTo(plainPercentile(plain, 0.25), 9);
    expect(high[0]).toBeCloseTo(plainPercentile(plain, 0.75), 9);
  });
});
