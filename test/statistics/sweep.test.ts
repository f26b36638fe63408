import { describe, expect, it } from 'vitest';
import { sharpe } from '../../src/metrics/sharpe.ts';
import { kurtosis, skewness } from '../../src/metrics/moments.ts';
import { deflatedSharpeThreshold } from '../../src/statistics/deflated-sharpe.ts';
import { effectiveTrials } from '../../src/statistics/effective-trials.ts';
import { minTrackRecordLength, probabilisticSharpe } from '../../src/statistics/probabilistic-sharpe.ts';
import { createReturnsMatrix, variantColumn, writeVariantReturns } from '../../src/statistics/returns-matrix.ts';
import { sweepStatistics } from '../../src/statistics/sweep.ts';
import { stationaryBootstrap } from '../../src/statistics/bootstrap.ts';
import { minBacktestYears } from '../../src/statistics/deflated-sharpe.ts';
import { probabilityOfBacktestOverfitting } from '../../src/statistics/pbo.ts';
import { Xoshiro128StarStar } from '../../src/statistics/rng.ts';
import { superiorPredictiveAbility } from '../../src/statistics/spa.ts';
import { bootstrapSharpeIntervals } from '../../src/statistics/sharpe-interval.ts';
import { matrixOf, noiseMatrix, normals } from './helpers.ts';

/** Every number of a result as bits, so that equality means bit for bit (NaN included). */
function bits(result: ReturnType<typeof sweepStatistics>): string {
  const hex = (x: number) => Buffer.from(Float64Array.of(x).buffer).toString('hex');
  return JSON.stringify(result, (_, v) => {
    if (v instanceof Float64Array) return Array.from(v, hex).join(',');
    if (typeof v === 'number') return hex(v);
    return v;
  });
}

describe('sweepStatistics: the one entry point', () => {
  it('gives the same numbers bit for bit, whatever order the columns arrived in', () => {
    const source = noiseMatrix(120, 30, 7, 0.01, 0.0002);
    const bench = Float64Array.from({ length: 120 }, (_, t) => 0.008 * Math.sin(t / 3));
    const inOrder = createReturnsMatrix(120, 30), reversed = createReturnsMatrix(120, 30);
    for (let j = 0; j < 30; j++) writeVariantReturns(inOrder, j, variantColumn(source, j));
    for (let j = 29; j >= 0; j--) writeVariantReturns(reversed, j, variantColumn(source, j));
    const options = { seed: 3, bootstrapReps: 200, pboBlocks: 8 };
    const a = sweepStatistics(inOrder, bench, options);
    expect(bits(sweepStatistics(reversed, bench, options))).toBe(bits(a));
    expect(bits(sweepStatistics(inOrder, bench, options))).toBe(bits(a));
    expect(bits(sweepStatistics(inOrder, bench, { ...options, seed: 4 }))).not.toBe(bits(a));
    expect(a.sweep).toMatchObject({ seed: 3, bootstrap_reps: 200, pbo_blocks: 8, pbo_splits: 70, days: 120, trials: 30 });
  });

  it('per-variant values are PSR/DSR/MinTRL of the summary’s Sharpe and moments, with SR₀ from V[SR] and N_eff', () => {
    const z = normals(8);
    const m = matrixOf(150, 12, (j) => 0.0003 * (j % 4) + 0.01 * z() + (j === 5 ? 0.01 * z() ** 2 - 0.01 : 0));
    const { perVariant, sweep } = sweepStatistics(m, null, { bootstrapReps: 100, pboBlocks: 6 });
    const sr = Array.from({ length: 12 }, (_, j) => sharpe(variantColumn(m, j))! / Math.sqrt(252));
    const mean = sr.reduce((a, b) => a + b, 0) / 12;
    const variance = sr.reduce((a, b) => a + (b - mean) ** 2, 0) / 11;
    expect(sweep.sharpe_variance).toBeCloseTo(variance, 15);
    expect(sweep.effective_trials).toBe(effectiveTrials(m));
    const sr0 = deflatedSharpeThreshold(variance, effectiveTrials(m)!);
    expect(sweep.expected_max_sharpe).toBeCloseTo(sr0, 15);
    for (let j = 0; j < 12; j++) {
      const col = variantColumn(m, j), g3 = skewness(col)!, g4 = kurtosis(col)!;
      expect(perVariant.psr[j]).toBeCloseTo(probabilisticSharpe(sr[j]!, 0, 150, g3, g4)!, 14);
      expect(perVariant.dsr[j]).toBeCloseTo(probabilisticSharpe(sr[j]!, sr0, 150, g3, g4)!, 12);
      const mintrl = minTrackRecordLength(sr[j]!, sr0, g3, g4, 0.05);
      if (mintrl === null) expect(perVariant.min_track_record_days[j]).toBeNaN();
      else expect(perVariant.min_track_record_days[j]).toBeCloseTo(mintrl, 6);
      expect(perVariant.sharpe_ci_low[j]!).toBeLessThan(perVariant.sharpe_ci_high[j]!);
    }
    const best = sr.indexOf(Math.max(...sr));
    expect(sweep.best_variant).toBe(best);
    expect(sweep.best_sharpe).toBeCloseTo(sr[best]! * Math.sqrt(252), 14);
    expect(sweep.spa_pvalue).toBeNull();
    expect(sweep.why_missing.spa).toBe('the run has no benchmark to test against');
  });

  it('one variant: N = 1, DSR = PSR bit for bit, no PBO (and says why)', () => {
    const m = noiseMatrix(252, 1, 9, 0.01, 0.001);
    const { perVariant, sweep } = sweepStatistics(m, Float64Array.from({ length: 252 }, () => 0), { bootstrapReps: 200 });
    expect(sweep.trials).toBe(1);
    expect(sweep.effective_trials).toBe(1);
    expect(sweep.expected_max_sharpe).toBe(0);
    expect(Object.is(perVariant.dsr[0], perVariant.psr[0])).toBe(true);
    expect(sweep.pbo).toBeNull();
    expect(sweep.why_missing.pbo).toBe('PBO compares variants: it needs at least 2');
    expect(sweep.spa_pvalue).not.toBeNull();
    expect(sweep.verdict).toMatch(/^the variant's Sharpe .* no selection to deflate$/);
  });

  it('too few days for PBO: everything else is there, and why_missing says how many days the run has', () => {
    const m = noiseMatrix(20, 6, 10);
    const { perVariant, sweep } = sweepStatistics(m, Float64Array.from({ length: 20 }, (_, t) => 0.001 * (t % 3)), { bootstrapReps: 150 });
    expect(sweep.pbo).toBeNull();
    expect(sweep.pbo_logits).toEqual([]);
    expect(sweep.why_missing.pbo).toBe('PBO needs 2 days a block: 16 blocks need 32 days; the run has 20');
    expect(Array.from(perVariant.dsr).every(Number.isFinite)).toBe(true);
    expect(Array.from(perVariant.sharpe_ci_low).every(Number.isFinite)).toBe(true);
    expect(sweep.spa_pvalue).not.toBeNull();
    expect(sweep.verdict).not.toMatch(/PBO/);
  });

  it('columns never written (NaN) are left out; a flat column has no Sharpe; both are said', () => {
    const m = createReturnsMatrix(64, 5);
    const z = normals(11);
    for (const j of [0, 2, 3]) writeVariantReturns(m, j, Array.from({ length: 64 }, () => 0.01 * z()));
    writeVariantReturns(m, 4, new Array(64).fill(0));
    const { perVariant, sweep } = sweepStatistics(m, null, { bootstrapReps: 100, pboBlocks: 4 });
    expect(sweep.trials).toBe(4);
    expect(sweep.why_missing.variants).toBe('1 of 5 variants have no complete returns over the window and are left out');
    expect(sweep.why_missing.sharpe).toBe('1 variant has returns that never vary: no Sharpe ratio');
    for (const j of [1, 4]) {
      expect(perVariant.psr[j]).toBeNaN();
      expect(perVariant.dsr[j]).toBeNaN();
      expect(perVariant.sharpe_ci_low[j]).toBeNaN();
    }
    expect(Number.isFinite(perVariant.dsr[3]!)).toBe(true);
    expect(sweep.pbo).not.toBeNull();
  });

  it('a planted skilled variant among noise: it stands out, PBO near 0, SPA rejects; noise alone does not', () => {
    const z = normals(12);
    const bench = Float64Array.from({ length: 252 }, () => 0.0003 + 0.01 * z());
    const skilled = matrixOf(252, 40, (j) => (j === 17 ? 0.004 : 0.0003) + 0.01 * z());
    const a = sweepStatistics(skilled, bench, { bootstrapReps: 500 }).sweep;
    expect(a.best_variant).toBe(17);
    expect(a.best_dsr!).toBeGreaterThan(0.95);
    expect(a.pbo!).toBeLessThan(0.05);
    expect(a.spa_pvalue!).toBeLessThan(0.05);
    expect(a.verdict).toMatch(/^the best variant's Sharpe \d+\.\d stands out from the best of \d+ (independent )?tries of no skill (worth \S+ independent ones? )?\(DSR /);
    const noise = sweepStatistics(matrixOf(252, 40, () => 0.0003 + 0.01 * z()), bench, { bootstrapReps: 500 }).sweep;
    expect(noise.best_dsr!).toBeLessThan(0.95);
    expect(noise.verdict).toMatch(/is not distinguishable from the best of/);
    expect(noise.pbo_logit_histogram!.counts.reduce((x, y) => x + y, 0)).toBe(12_870);
  });

  it('degenerate shapes: no variants, or fewer than 3 days', () => {
    const empty = sweepStatistics(createReturnsMatrix(100, 0), null).sweep;
    expect(empty.trials).toBe(0);
    expect(empty.verdict).toMatch(/^no variant has a Sharpe ratio to judge/);
    const short = sweepStatistics(matrixOf(2, 3, (j, t) => 0.01 * (j + 1) * (t ? 1 : -1)), null);
    expect(short.sweep.why_missing.bootstrap).toBe('2 days are too few to resample (3 needed): no Sharpe intervals, SPA or Reality Check');
    expect(Array.from(short.perVariant.sharpe_ci_low).every(Number.isNaN)).toBe(true);
    // flat variants only: nothing to rank (PBO would otherwise be 1 from ties alone)
    const flat = sweepStatistics(matrixOf(64, 3, () => 0), null, { pboBlocks: 4 }).sweep;
    expect(flat.pbo).toBeNull();
    expect(flat.why_missing.pbo).toBe('PBO compares variants: it needs at least 2 whose returns vary');
  });

  it('the summary carries its parts: PBO\'s degradation line and loss rate, every SPA p-value and the Reality Check over the seeded resamples, the best variant\'s PSR and MinBTL, the years', () => {
    const m = noiseMatrix(64, 5, 77, 0.01, 0.0004);
    const z = normals(78);
    const bench = Array.from({ length: 64 }, () => 0.01 * z());
    const options = { seed: 9, bootstrapReps: 120, pboBlocks: 4, alpha: 0.1, ciLevel: 0.8, blockLength: 3, periodsPerYear: 260 };
    const { perVariant, sweep } = sweepStatistics(m, bench, options);
    const pbo = probabilityOfBacktestOverfitting(m, 4);
    expect([sweep.pbo, sweep.prob_oos_loss, sweep.degradation_slope, sweep.degradation_intercept]).toEqual([pbo.pbo, pbo.probOosLoss, pbo.slope, pbo.intercept]);
    expect(sweep.pbo_is_sharpe).toEqual(Array.from(pbo.isSharpe));
    expect(sweep.pbo_oos_sharpe).toEqual(Array.from(pbo.oosSharpe));
    // the documented resampling: the stationary bootstrap seeded with --seed, the given mean block length
    const spa = superiorPredictiveAbility(m, bench, stationaryBootstrap(64, 120, new Xoshiro128StarStar(9), 3));
    expect([sweep.spa_pvalue, sweep.spa_pvalue_lower, sweep.spa_pvalue_upper, sweep.reality_check_pvalue]).toEqual([spa.pvalues.consistent, spa.pvalues.lower, spa.pvalues.upper, spa.realityCheck]);
    expect(sweep.years).toBe(64 / 260);
    expect(sweep.block_length).toBe(3);
    // the Sharpe intervals at the given level (80 %), annualised over the given year (260 days), on the same resamples
    const ci = bootstrapSharpeIntervals(m, stationaryBootstrap(64, 120, new Xoshiro128StarStar(9), 3), 0.8, 260);
    expect([Array.from(perVariant.sharpe_ci_low), Array.from(perVariant.sharpe_ci_high)]).toEqual([Array.from(ci.low), Array.from(ci.high)]);
    const sharpes = Array.from({ length: 5 }, (_, j) => sharpe(variantColumn(m, j), 0)! / Math.sqrt(252));
    const best = sharpes.indexOf(Math.max(...sharpes));
    expect(sweep.best_variant).toBe(best);
    expect(sweep.best_sharpe).toBeCloseTo(sharpes[best]! * Math.sqrt(260), 10);
    expect(sweep.best_psr).toBe(perVariant.psr[best]);
    expect(sweep.min_backtest_years).toBeCloseTo(minBacktestYears(sweep.effective_trials!, sweep.best_sharpe!)!, 12);
    // MinTRL at the given α: 10 %, not the default 5 %
    const j = best;
    expect(perVariant.min_track_record_days[j]).toBeCloseTo(minTrackRecordLength(sharpes[j]!, sweep.expected_max_sharpe!, skewness(variantColumn(m, j))!, kurtosis(variantColumn(m, j))!, 0.1)!, 6);
    // the default mean block length is √T
    expect(sweepStatistics(m, bench, { bootstrapReps: 100 }).sweep.block_length).toBe(8);
  });

  it('says why a part is missing: a benchmark of the wrong length or with holes, too few days to resample', () => {
    const m = noiseMatrix(40, 3, 5);
    expect(sweepStatistics(m, new Float64Array(39), { bootstrapReps: 100 }).sweep.why_missing.spa).toBe('the benchmark has 39 days, the variants 40');
    const holes = new Float64Array(40);
    holes[7] = NaN;
    const withHoles = sweepStatistics(m, holes, { bootstrapReps: 100 }).sweep;
    expect(withHoles.why_missing.spa).toBe('the benchmark has missing days in the window');
    expect(withHoles.spa_pvalue).toBeNull();
    expect(withHoles.reality_check_pvalue).toBeNull();
    expect(sweepStatistics(noiseMatrix(2, 3, 5), null).sweep.why_missing.bootstrap).toBe('2 days are too few to resample (3 needed): no Sharpe intervals, SPA or Reality Check');
    expect(sweepStatistics(noiseMatrix(1, 3, 5), null).sweep.why_missing.bootstrap).toMatch(/^1 day (is|are) too few to resample/);
    // exactly 2 days a block is enough for PBO; 3 days resample
    const edge = sweepStatistics(noiseMatrix(8, 3, 6), null, { pboBlocks: 4, bootstrapReps: 100 }).sweep;
    expect(edge.pbo).not.toBeNull();
    expect(sweepStatistics(noiseMatrix(3, 2, 6), null, { bootstrapReps: 100 }).perVariant.sharpe_ci_low.every(Number.isFinite)).toBe(true);
  });
});
