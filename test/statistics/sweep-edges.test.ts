import { describe, expect, it } from 'vitest';
import { deflatedSharpeThreshold, minBacktestYears } from '../../src/statistics/deflated-sharpe.ts';
import { effectiveTrials } from '../../src/statistics/effective-trials.ts';
import { selectColumns } from '../../src/statistics/returns-matrix.ts';
import { sweepStatistics } from '../../src/statistics/sweep.ts';
import { matrixOf, noiseMatrix } from './helpers.ts';

/**
 * The sweep's statistics at their edges: which variants count, what each missing statistic says and
 * why, and the best variant's numbers — each against what the parts give or a hand computation.
 */
const sd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const perDaySharpe = (xs: ArrayLike<number>) => {
  const a = Array.from(xs), m = a.reduce((x, y) => x + y, 0) / a.length;
  return m / sd(a);
};

describe('sweepStatistics at its edges', () => {
  it('a variant without complete returns is left out, said, and the others are scored as if alone', () => {
    const base = noiseMatrix(60, 4, 11, 0.01, 0.0004);
    const withHole = matrixOf(60, 5, (j, t) => (j === 2 ? (t === 30 ? Number.NaN : 0.001) : base.values[(j < 2 ? j : j - 1) * 60 + t]!));
    const alone = sweepStatistics(base, null, { bootstrapReps: 100, pboBlocks: 4 });
    const r = sweepStatistics(withHole, null, { bootstrapReps: 100, pboBlocks: 4 });
    expect(r.sweep.why_missing.variants).toBe('1 of 5 variants have no complete returns over the window and are left out');
    expect(r.sweep.trials).toBe(4);
    expect(r.perVariant.psr[2]).toBeNaN();
    expect(Array.from(r.perVariant.psr).filter((_, j) => j !== 2)).toEqual(Array.from(alone.perVariant.psr));
    expect(Array.from(r.perVariant.dsr).filter((_, j) => j !== 2)).toEqual(Array.from(alone.perVariant.dsr));
    expect(r.sweep.best_variant).toBe(alone.sweep.best_variant! >= 2 ? alone.sweep.best_variant! + 1 : alone.sweep.best_variant);
    expect(alone.sweep.why_missing.variants).toBeUndefined();
  });

  it('returns that never vary: no Sharpe, said once with its count; V[SR] and the best over the others only', () => {
    const noise = noiseMatrix(80, 3, 5, 0.01, 0.0003);
    const m = matrixOf(80, 4, (j, t) => (j === 0 ? 0.002 : noise.values[(j - 1) * 80 + t]!));
    const r = sweepStatistics(m, null, { bootstrapReps: 100, pboBlocks: 4 });
    expect(r.sweep.why_missing.sharpe).toBe('1 variant has returns that never vary: no Sharpe ratio');
    expect([r.perVariant.psr[0], r.perVariant.dsr[0], r.perVariant.sharpe_ci_low[0]]).toEqual([NaN, NaN, NaN]);
    const sharpes = [1, 2, 3].map((j) => perDaySharpe(m.values.subarray(j * 80, (j + 1) * 80)));
    expect(r.sweep.sharpe_variance!).toBeCloseTo(sd(sharpes) ** 2, 14);
    const best = sharpes.indexOf(Math.max(...sharpes)) + 1;
    expect(r.sweep.best_variant).toBe(best);
    expect(r.sweep.best_sharpe!).toBeCloseTo(sharpes[best - 1]! * Math.sqrt(252), 12);
    const two = sweepStatistics(matrixOf(80, 3, (j, t) => (j < 2 ? 0.001 * j : noise.values[t]!)), null, { bootstrapReps: 100, pboBlocks: 4 });
    expect(two.sweep.why_missing.sharpe).toBe('2 variants have returns that never vary: no Sharpe ratio');
    expect(two.sweep.sharpe_variance).toBeNull(); // one Sharpe: no variance
    expect(two.sweep.why_missing.pbo).toBe('PBO compares variants: it needs at least 2 whose returns vary');
  });

  it('ties: the first of equal Sharpes is the best; the Sharpe annualised with the periods given', () => {
    const col = noiseMatrix(40, 1, 3, 0.01, 0.001).values;
    const m = matrixOf(40, 3, (j, t) => (j === 0 ? col[t]! * 0.5 - 0.0004 : col[t]!));
    const r = sweepStatistics(m, null, { bootstrapReps: 100, pboBlocks: 4, periodsPerYear: 12 });
    expect(r.sweep.best_variant).toBe(1);
    expect(r.sweep.best_sharpe!).toBeCloseTo(perDaySharpe(col) * Math.sqrt(12), 12);
    expect(r.sweep.best_psr).toBe(r.perVariant.psr[1]);
    expect(r.sweep.best_dsr).toBe(r.perVariant.dsr[1]);
    const nEff = effectiveTrials(m);
    expect(r.sweep.min_backtest_years).toBe(minBacktestYears(nEff ?? 3, r.sweep.best_sharpe!));
  });

  it('one variant: one trial, SR₀ = 0 (PSR = DSR), no PBO; none at all: nothing to say of a best', () => {
    const one = sweepStatistics(noiseMatrix(30, 1, 9, 0.01, 0.001), null, { bootstrapReps: 100 });
    expect([one.sweep.trials, one.sweep.effective_trials, one.sweep.expected_max_sharpe]).toEqual([1, 1, 0]);
    expect(one.perVariant.dsr[0]).toBe(one.perVariant.psr[0]);
    expect(one.sweep.why_missing.pbo).toBe('PBO compares variants: it needs at least 2');
    expect(one.sweep.why_missing.effective_trials).toBeUndefined();
    const none = sweepStatistics(matrixOf(30, 2, () => Number.NaN), null);
    expect(none.sweep).toMatchObject({ trials: 0, effective_trials: null, expected_max_sharpe: null, best_variant: null, best_sharpe: null, best_psr: null, best_dsr: null, min_backtest_years: null, pbo: null });
    expect(none.sweep.why_missing.bootstrap).toBeUndefined(); // nothing to resample, and nothing to say of it
  });

  it('SR₀ from V[SR] and N_eff; the trials raw when N_eff cannot be estimated (too few days), said', () => {
    const m = noiseMatrix(50, 6, 21, 0.01, 0.0002);
    const r = sweepStatistics(m, null, { bootstrapReps: 100, pboBlocks: 4 });
    expect(r.sweep.expected_max_sharpe).toBe(deflatedSharpeThreshold(r.sweep.sharpe_variance!, effectiveTrials(m)!));
    const short = selectColumns(matrixOf(2, 3, (j, t) => 0.01 * (j + 1) * (t ? 1 : -0.5)), [0, 1, 2]);
    const s = sweepStatistics(short, null, { bootstrapReps: 100 });
    expect(s.sweep.effective_trials).toBeNull();
    expect(s.sweep.why_missing.effective_trials).toBe('2 days are too few to estimate correlations (3 needed); the raw number of trials is used');
    expect(s.sweep.why_missing.bootstrap).toBe('2 days are too few to resample (3 needed): no Sharpe intervals, SPA or Reality Check');
    expect(s.sweep.why_missing.pbo).toBe('PBO needs 2 days a block: 16 blocks need 32 days; the run has 2');
  });

  it('the benchmark the SPA needs: none, another length, or missing days, each said', () => {
    const m = noiseMatrix(40, 3, 4, 0.01);
    const opts = { bootstrapReps: 100, pboBlocks: 4 };
    expect(sweepStatistics(m, null, opts).sweep.why_missing.spa).toBe('the run has no benchmark to test against');
    expect(sweepStatistics(m, new Float64Array(39), opts).sweep.why_missing.spa).toBe('the benchmark has 39 days, the variants 40');
    const holed = new Float64Array(40); holed[7] = Number.NaN;
    expect(sweepStatistics(m, holed, opts).sweep.why_missing.spa).toBe('the benchmark has missing days in the window');
    const ok = sweepStatistics(m, new Float64Array(40), opts);
    expect(ok.sweep.why_missing.spa).toBeUndefined();
    expect(ok.sweep.spa_pvalue).not.toBeNull();
  });
});
