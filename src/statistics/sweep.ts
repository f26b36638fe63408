import { kurtosis, skewness } from '../metrics/moments.ts';
import { stationaryBootstrap } from './bootstrap.ts';
import { deflatedSharpeThreshold, minBacktestYears } from './deflated-sharpe.ts';
import { effectiveTrials } from './effective-trials.ts';
import { DEFAULT_BOOTSTRAP_REPS, DEFAULT_PBO_BLOCKS, DEFAULT_SEED } from './options.ts';
import { logitHistogram, probabilityOfBacktestOverfitting } from './pbo.ts';
import { minTrackRecordLength, probabilisticSharpe } from './probabilistic-sharpe.ts';
import { columnMoments, isFiniteColumn, selectColumns, variantColumn, type ReturnsMatrix } from './returns-matrix.ts';
import { Xoshiro128StarStar } from './rng.ts';
import { bootstrapSharpeIntervals } from './sharpe-interval.ts';
import { superiorPredictiveAbility } from './spa.ts';
import { verdictSentence } from './verdict.ts';

/**
 * Every overfitting statistic of a run, from its returns matrix and its benchmark — the one entry
 * point. The same inputs give the same numbers bit for bit (no clock, no Math.random, no order of
 * arrival: a queue run and a local run agree).
 * 1. Columns with a non-finite value (never written, or a variant that failed) are left out; the
 *    others are the trials (N).
 * 2. Per variant: SR̂ = mean/sd (per period, sd n − 1, the summary's sharpe ÷ √252), skewness γ₃ and
 *    kurtosis γ₄ (raw, normal = 3; population: src/metrics/moments.ts).
 * 3. N_eff (./effective-trials.ts); V[SR] = the sample variance (n − 1) of the defined SR̂ (per
 *    period); SR₀ = √V[SR]·e(N_eff) (./deflated-sharpe.ts), 0 for one trial.
 * 4. Per variant: psr = PSR(0), dsr = PSR(SR₀) (= psr when N = 1), min_track_record_days = MinTRL
 *    against SR₀ at 1 − α (95 %), sharpe_ci_low/high = the bootstrap percentile interval of the
 *    annualised Sharpe (90 %). Missing values are NaN.
 * 5. One set of stationary-bootstrap resamples (seed, reps, mean block √T) serves the intervals and
 *    the SPA / Reality Check against the benchmark.
 * 6. PBO by CSCV over the same columns (./pbo.ts) when at least 2 of them vary and there are 2 days a block.
 * 7. The best variant (highest SR̂; ties: the first); MinBTL for N_eff at its annualised Sharpe; the
 *    verdict (./verdict.ts). Whatever cannot be computed is null, with the reason in why_missing.
 */
export interface SweepOptions {
  readonly seed?: number;
  readonly bootstrapReps?: number;
  readonly pboBlocks?: number;
  /** MinTRL's significance: 0.05 (95 %). */
  readonly alpha?: number;
  /** The Sharpe interval's level: 0.90. */
  readonly ciLevel?: number;
  /** The stationary bootstrap's mean block length: √T. */
  readonly blockLength?: number;
  readonly periodsPerYear?: number;
}

/** Per-variant columns in variant order (NaN = empty). */
export interface PerVariantStatistics {
  readonly psr: Float64Array;
  readonly dsr: Float64Array;
  readonly min_track_record_days: Float64Array;
  readonly sharpe_ci_low: Float64Array;
  readonly sharpe_ci_high: Float64Array;
}

export interface SweepSummary {
  readonly trials: number;
  readonly effective_trials: number | null;
  /** V[SR] across the trials, per period. */
  readonly sharpe_variance: number | null;
  /** SR₀, the DSR's benchmark: the expected best Sharpe of N_eff skill-less trials, per period. */
  readonly expected_max_sharpe: number | null;
  readonly best_variant: number | null;
  /** The best variant's Sharpe, annualised. */
  readonly best_sharpe: number | null;
  readonly best_psr: number | null;
  readonly best_dsr: number | null;
  readonly pbo: number | null;
  readonly pbo_splits: number | null;
  readonly pbo_logits: number[];
  readonly pbo_logit_histogram: { readonly edges: number[]; readonly counts: number[] } | null;
  /** n*'s in-sample and out-of-sample Sharpe per split, per period (the degradation scatter). */
  readonly pbo_is_sharpe: number[];
  readonly pbo_oos_sharpe: number[];
  readonly prob_oos_loss: number | null;
  readonly degradation_slope: number | null;
  readonly degradation_intercept: number | null;
  /** Hansen's SPA, consistent (the headline), lower and upper; White's Reality Check. */
  readonly spa_pvalue: number | null;
  readonly spa_pvalue_lower: number | null;
  readonly spa_pvalue_upper: number | null;
  readonly reality_check_pvalue: number | null;
  readonly min_backtest_years: number | null;
  /** The window's length in years (days / 252), to read MinBTL against. */
  readonly years: number;
  readonly days: number;
  readonly verdict: string;
  readonly seed: number;
  readonly bootstrap_reps: number;
  readonly pbo_blocks: number;
  readonly block_length: number;
  readonly why_missing: Readonly<Record<string, string>>;
}

export interface SweepStatistics {
  readonly perVariant: PerVariantStatistics;
  readonly sweep: SweepSummary;
}

/** A finite number, or null (for null, undefined, NaN and ±∞ alike: Number.isFinite is false for them all). */
const orNull = (x: number | null | undefined): number | null => (Number.isFinite(x) ? (x as number) : null);

/**
 * The statistics of a sweep (outline above). `benchmark` is the buy-and-hold daily returns over the
 * same days, or null when the run has none (the SPA and Reality Check are then missing).
 *
 * @example const { perVariant, sweep } = sweepStatistics(matrix, benchmark, { seed: 1 }); console.log(sweep.verdict);
 */
export function sweepStatistics(returns: ReturnsMatrix, benchmark: ArrayLike<number> | null, options: SweepOptions = {}): SweepStatistics {
  const T = returns.days, total = returns.variants;
  const seed = options.seed ?? DEFAULT_SEED, reps = options.bootstrapReps ?? DEFAULT_BOOTSTRAP_REPS;
  const blocks = options.pboBlocks ?? DEFAULT_PBO_BLOCKS, alpha = options.alpha ?? 0.05;
  const level = options.ciLevel ?? 0.9, perYear = options.periodsPerYear ?? 252;
  const blockLength = options.blockLength ?? Math.sqrt(Math.max(1, T));
  const why: Record<string, string> = {};
  const nan = () => new Float64Array(total).fill(NaN);
  const perVariant = { psr: nan(), dsr: nan(), min_track_record_days: nan(), sharpe_ci_low: nan(), sharpe_ci_high: nan() };

  // 1. usable columns
  const used: number[] = [];
  for (let j = 0; j < total; j++) if (isFiniteColumn(returns, j)) used.push(j);
  if (used.length < total) why.variants = `${total - used.length} of ${total} variants have no complete returns over the window and are left out`;
  // Stryker disable next-line ConditionalExpression: equivalent, selecting every column copies the same matrix
  const matrix = used.length === total ? returns : selectColumns(returns, used);
  const N = used.length;

  // 2. per-variant Sharpe and moments
  const { mean, sd } = columnMoments(matrix);
  const sharpe = new Float64Array(N), skew = new Float64Array(N), kurt = new Float64Array(N);
  let best: number | null = null, sum = 0, defined = 0;
  // Stryker disable next-line EqualityOperator: equivalent, a column past the last is empty (no moments: skipped) and its writes past the ends are ignored
  for (let j = 0; j < N; j++) {
    const column = variantColumn(matrix, j);
    const g3 = skewness(column), g4 = kurtosis(column);
    // Stryker disable next-line ConditionalExpression: equivalent, skewness and kurtosis are null only without dispersion (metrics/moments.ts), which sd > 0 already rules out
    const ok = sd[j]! > 0 && g3 !== null && g4 !== null;
    sharpe[j] = ok ? mean[j]! / sd[j]! : NaN;
    skew[j] = g3 ?? NaN;
    kurt[j] = g4 ?? NaN;
    if (!ok) continue;
    defined++;
    sum += sharpe[j]!;
    if (best === null || sharpe[j]! > sharpe[best]!) best = j;
  }
  if (defined < N) why.sharpe = `${N - defined} variant${N - defined === 1 ? ' has' : 's have'} returns that never vary: no Sharpe ratio`;

  // 3. trials, V[SR], SR₀
  const nEff = N === 1 ? 1 : effectiveTrials(matrix);
  // Stryker disable next-line EqualityOperator: equivalent, one variant has nEff = 1, never null
  if (nEff === null && N > 1) why.effective_trials = `${T} days are too few to estimate correlations (3 needed); the raw number of trials is used`;
  let variance: number | null = null;
  if (defined >= 2) {
    const m = sum / defined;
    let ss = 0;
    // Stryker disable next-line EqualityOperator: equivalent, sharpe[N] is undefined, not finite
    for (let j = 0; j < N; j++) if (Number.isFinite(sharpe[j]!)) ss += (sharpe[j]! - m) ** 2;
    variance = ss / (defined - 1);
  }
  const trialsForDsr = nEff ?? N;
  // (0 for one trial: deflatedSharpeThreshold says so.)
  // Stryker disable next-line ConditionalExpression: equivalent, √V·e(N) = 0 for V = null (√null = 0)
  const sr0 = variance === null ? 0 : deflatedSharpeThreshold(variance, trialsForDsr);

  // 4. per-variant PSR, DSR, MinTRL
  // Stryker disable next-line EqualityOperator: equivalent, sharpe[N] is undefined, not finite: skipped
  for (let j = 0; j < N; j++) {
    // Stryker disable next-line ConditionalExpression: equivalent, an undefined Sharpe gives PSR, DSR and MinTRL of NaN or null, stored as the NaN already there
    if (!Number.isFinite(sharpe[j]!)) continue;
    const out = used[j]!;
    perVariant.psr[out] = probabilisticSharpe(sharpe[j]!, 0, T, skew[j]!, kurt[j]!) ?? NaN;
    perVariant.dsr[out] = probabilisticSharpe(sharpe[j]!, sr0, T, skew[j]!, kurt[j]!) ?? NaN;
    perVariant.min_track_record_days[out] = minTrackRecordLength(sharpe[j]!, sr0, skew[j]!, kurt[j]!, alpha) ?? NaN;
  }

  // 5. bootstrap: Sharpe intervals and SPA / Reality Check
  let spa: ReturnType<typeof superiorPredictiveAbility> | null = null;
  if (N > 0 && T >= 3) {
    const sample = stationaryBootstrap(T, reps, new Xoshiro128StarStar(seed), blockLength);
    const ci = bootstrapSharpeIntervals(matrix, sample, level, perYear);
    // Stryker disable next-line EqualityOperator: equivalent, sharpe[N] is undefined, not finite: skipped
    for (let j = 0; j < N; j++) {
      if (!Number.isFinite(sharpe[j]!)) continue;
      perVariant.sharpe_ci_low[used[j]!] = ci.low[j]!;
      perVariant.sharpe_ci_high[used[j]!] = ci.high[j]!;
    }
    if (benchmark === null) why.spa = 'the run has no benchmark to test against';
    else if (benchmark.length !== T) why.spa = `the benchmark has ${benchmark.length} days, the variants ${T}`;
    else if (!Array.from(benchmark).every(Number.isFinite)) why.spa = 'the benchmark has missing days in the window';
    else spa = superiorPredictiveAbility(matrix, benchmark, sample);
  } else if (N > 0) {
    why.bootstrap = `${T} day${T === 1 ? ' is' : 's are'} too few to resample (3 needed): no Sharpe intervals, SPA or Reality Check`;
  }

  // 6. PBO
  let pbo: ReturnType<typeof probabilityOfBacktestOverfitting> | null = null;
  if (N < 2) why.pbo = 'PBO compares variants: it needs at least 2';
  else if (defined < 2) why.pbo = 'PBO compares variants: it needs at least 2 whose returns vary';
  else if (T < 2 * blocks) why.pbo = `PBO needs 2 days a block: ${blocks} blocks need ${2 * blocks} days; the run has ${T}`;
  else pbo = probabilityOfBacktestOverfitting(matrix, blocks);

  // 7. best variant, MinBTL, verdict
  const bestSharpe = best === null ? null : sharpe[best]! * Math.sqrt(perYear);
  // The checks for no best variant: without them, used[null] is undefined, so is the PSR or DSR read with
  // it (orNull: null), and minBacktestYears(N, null) is null (no positive Sharpe).
  // Stryker disable next-line ConditionalExpression: equivalent, see above
  const bestDsr = best === null ? null : orNull(perVariant.dsr[used[best]!]);
  // Stryker disable next-line ConditionalExpression: equivalent, see above
  const minBtl = bestSharpe === null ? null : minBacktestYears(trialsForDsr, bestSharpe);
  const sweep: SweepSummary = {
    trials: N,
    effective_trials: orNull(nEff), // null for no variants too
    sharpe_variance: variance,
    expected_max_sharpe: N === 0 ? null : sr0,
    best_variant: best === null ? null : used[best]!,
    best_sharpe: bestSharpe,
    // Stryker disable next-line ConditionalExpression: equivalent, see bestDsr
    best_psr: best === null ? null : orNull(perVariant.psr[used[best]!]),
    best_dsr: bestDsr,
    pbo: pbo?.pbo ?? null,
    pbo_splits: pbo?.splits ?? null,
    pbo_logits: pbo ? Array.from(pbo.logits) : [],
    pbo_logit_histogram: pbo ? logitHistogram(pbo.logits, N) : null,
    pbo_is_sharpe: pbo ? Array.from(pbo.isSharpe) : [],
    pbo_oos_sharpe: pbo ? Array.from(pbo.oosSharpe) : [],
    prob_oos_loss: pbo?.probOosLoss ?? null,
    degradation_slope: pbo?.slope ?? null,
    degradation_intercept: pbo?.intercept ?? null,
    spa_pvalue: spa?.pvalues.consistent ?? null,
    spa_pvalue_lower: spa?.pvalues.lower ?? null,
    spa_pvalue_upper: spa?.pvalues.upper ?? null,
    reality_check_pvalue: spa?.realityCheck ?? null,
    min_backtest_years: minBtl,
    years: T / perYear,
    days: T,
    verdict: verdictSentence({ trials: N, effectiveTrials: orNull(nEff), bestSharpe, bestDsr, pbo: pbo?.pbo ?? null, spaPvalue: spa?.pvalues.consistent ?? null }),
    seed,
    bootstrap_reps: reps,
    pbo_blocks: blocks,
    block_length: blockLength,
    why_missing: why,
  };
  return { perVariant, sweep };
}
