import { describe, expect, it } from 'vitest';
import { bootstrapSharpeIntervals } from '../../src/statistics/sharpe-interval.ts';
import { stationaryBootstrap } from '../../src/statistics/bootstrap.ts';
import { Xoshiro128StarStar } from '../../src/statistics/rng.ts';
import { sweepStatistics } from '../../src/statistics/sweep.ts';
import { matrixOf, noiseMatrix } from './helpers.ts';

/**
 * sweepStatistics at the smallest sweeps each statistic is defined for (two variants, one variant, no
 * usable variant, no days), its defaults, and what it says is missing — and says nothing when nothing is.
 */
const perDaySharpe = (xs: ArrayLike<number>) => {
  const a = Array.from(xs), m = a.reduce((x, y) => x + y, 0) / a.length;
  return m / Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
};

describe('a complete sweep says nothing is missing', () => {
  it('3 varying variants, a benchmark, enough days for the blocks: why_missing is empty', () => {
    const m = noiseMatrix(40, 3, 8, 0.01, 0.0005);
    const r = sweepStatistics(m, Array.from({ length: 40 }, (_, t) => 0.001 * Math.sin(t)), { bootstrapReps: 100, pboBlocks: 4 });
    expect(r.sweep.why_missing).toEqual({});
    expect(r.sweep.effective_trials).not.toBeNull();
    expect(r.sweep.pbo).not.toBeNull();
    expect(r.sweep.spa_pvalue).not.toBeNull();
  });
});

describe('the default Sharpe interval is the 90 % one', () => {
  it('no ciLevel gives the bootstrap percentile interval at 0.90 of the sweep\'s own resamples', () => {
    const m = noiseMatrix(50, 2, 4, 0.01, 0.001);
    const byDefault = sweepStatistics(m, null, { bootstrapReps: 200, seed: 5 });
    const at90 = sweepStatistics(m, null, { bootstrapReps: 200, seed: 5, ciLevel: 0.9 });
    expect(Array.from(byDefault.perVariant.sharpe_ci_low)).toEqual(Array.from(at90.perVariant.sharpe_ci_low));
    expect(Array.from(byDefault.perVariant.sharpe_ci_high)).toEqual(Array.from(at90.perVariant.sharpe_ci_high));
    // the same resamples (seed 5, 200 of them, mean block √50), read at 0.90 directly
    const ci = bootstrapSharpeIntervals(m, stationaryBootstrap(50, 200, new Xoshiro128StarStar(5), Math.sqrt(50)), 0.9, 252);
    expect(Array.from(byDefault.perVariant.sharpe_ci_low)).toEqual(Array.from(ci.low));
    expect(byDefault.perVariant.sharpe_ci_low[0]!).toBeLessThan(byDefault.perVariant.sharpe_ci_high[0]!);
  });
});

describe('two variants: the smallest sweep with a spread of Sharpes and a PBO', () => {
  it('V[SR] is the sample variance of the two Sharpes, (a − b)² / 2, and CSCV runs', () => {
    const m = noiseMatrix(40, 2, 21, 0.01, 0.0008);
    const a = perDaySharpe(m.values.subarray(0, 40)), b = perDaySharpe(m.values.subarray(40, 80));
    const r = sweepStatistics(m, null, { bootstrapReps: 100, pboBlocks: 4 });
    expect(r.sweep.sharpe_variance!).toBeCloseTo((a - b) ** 2 / 2, 14);
    expect(r.sweep.pbo).not.toBeNull();
    expect(r.sweep.pbo_splits).toBe(6); // C(4, 2)
    expect(r.sweep.pbo_is_sharpe).toHaveLength(6);
    expect(r.sweep.why_missing.pbo).toBeUndefined();
  });
});

describe('one variant', () => {
  it('is one trial even over too few days to estimate correlations, and has no PBO (its per-split lists are empty)', () => {
    const short = sweepStatistics(matrixOf(2, 1, (_j, t) => [0.01, -0.005][t]!), null, {});
    expect(short.sweep.trials).toBe(1);
    expect(short.sweep.effective_trials).toBe(1);
    expect(short.sweep.why_missing.effective_trials).toBeUndefined();
    const long = sweepStatistics(noiseMatrix(30, 1, 2, 0.01, 0.001), null, { bootstrapReps: 100, pboBlocks: 4 });
    for (const r of [short, long]) {
      expect(r.sweep.pbo).toBeNull();
      expect(r.sweep.pbo_logits).toEqual([]);
      expect(r.sweep.pbo_is_sharpe).toEqual([]);
      expect(r.sweep.pbo_oos_sharpe).toEqual([]);
    }
  });
});

describe('no usable variant', () => {
  it('every column incomplete: 0 trials, nothing resampled or tested against the benchmark, and no reason given for the correlations', () => {
    const m = matrixOf(30, 2, (j, t) => (t === 3 + j ? Number.NaN : 0.001 * t));
    const r = sweepStatistics(m, new Array(30).fill(0.0005), { bootstrapReps: 100 });
    expect(r.sweep.trials).toBe(0);
    expect(r.sweep.effective_trials).toBeNull();
    expect([r.sweep.spa_pvalue, r.sweep.reality_check_pvalue, r.sweep.best_variant, r.sweep.best_sharpe]).toEqual([null, null, null, null]);
    expect(Object.keys(r.sweep.why_missing).sort()).toEqual(['pbo', 'variants']);
  });

  it('a window of 0 days: the variants are counted as they are (2), and none has a Sharpe', () => {
    const r = sweepStatistics(matrixOf(0, 2, () => 0), [], {});
    expect(r.sweep.trials).toBe(2);
    expect(r.perVariant.psr).toHaveLength(2);
    expect(r.sweep.best_variant).toBeNull();
  });
});

describe('a best variant whose PSR is undefined', () => {
  it('has best_psr and best_dsr null, not NaN (summary values are numbers or null)', () => {
    // Returns a, a, a + d: two values, so γ₄ = 1 + γ₃² and σ̂(SR)² ∝ 1 − γ₃·SR + (γ₄ − 1)/4·SR² = (1 − γ₃·SR/2)²,
    // which vanishes at SR = 2/γ₃: a/d = 2√2/√3 − 1/3 (sample SR, γ₃ = 1/√2). There σ̂(SR) is undefined
    // (its computed square, ~0, rounds to ≤ 0 with these a and d), and so is PSR.
    const a = 0.012996598285195, d = 0.01;
    const m = matrixOf(3, 2, (j, t) => (j === 0 ? (t === 2 ? a + d : a) : [0.001, -0.001, 0.0005][t]!));
    const r = sweepStatistics(m, null, { bootstrapReps: 100 });
    expect(r.sweep.best_variant).toBe(0);
    expect(r.perVariant.psr[0]).toBeNaN(); // the premise; per-variant columns: NaN is empty
    expect(r.sweep.best_psr).toBeNull();
    expect(r.sweep.best_dsr).toBeNull();
  });
});
