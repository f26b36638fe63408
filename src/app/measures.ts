import { RUIN_BLANKS, type Metrics } from '../metrics/index.ts';
import type { VariantOutcome } from '../metrics/outcome.ts';
import { dailyReturns } from '../metrics/returns.ts';
import { dailyRiskFree } from '../metrics/risk-free.ts';
import { benchmarkMetrics, distributionMetrics } from '../metrics/tear-sheet.ts';
import { createReturnsMatrix, writeVariantReturns } from '../statistics/returns-matrix.ts';
import { sweepStatistics, type SweepOptions, type SweepSummary } from '../statistics/sweep.ts';

/**
 * summary.csv's columns that need the whole run, measured once every variant has finished (in this
 * process, whichever executor ran them: a queue run and a local run give the same numbers bit for bit):
 * 1. each variant's daily returns over the evaluation window (a ruined variant's are 0 after the day
 *    it lost everything);
 * 2. against the benchmark's returns over the same days: alpha, beta, information ratio, tracking
 *    error, correlation, captures (net of the daily risk-free rate where it applies);
 * 3. their distribution: skewness, kurtosis, VaR, CVaR, best and worst day, positive days;
 * 4. the overfitting statistics of the sweep (src/statistics/): per variant PSR, DSR, MinTRL and the
 *    bootstrap interval of the Sharpe ratio; per run the summary that goes to overfitting.json.
 * A ruined variant's ratios are left empty (metrics/columns.ts RUIN_BLANKS).
 */
export interface RunMeasures {
  readonly variants: VariantOutcome[];
  /** The sweep's statistics (null when turned off with --no-statistics). */
  readonly statistics: SweepSummary | null;
}

export function measureRun(
  variants: readonly VariantOutcome[],
  cash: number,
  benchmark: Float64Array,
  o: { readonly riskFree: number; readonly statistics: SweepOptions | null },
): RunMeasures {
  const rf = dailyRiskFree(o.riskFree);
  const days = benchmark.length;
  const matrix = o.statistics ? createReturnsMatrix(days, variants.length) : null;
  const measured = variants.map((v, k) => {
    const ruined = v.result.ruinedAt >= 0;
    const r = returnsOf(v, cash);
    if (matrix && r.length === days) writeVariantReturns(matrix, k, r);
    const extra: Metrics = { ...v.metrics, ...benchmarkMetrics(r, benchmark, rf), ...distributionMetrics(r) };
    return { ...v, metrics: ruined ? blank(extra) : extra };
  });
  if (!matrix || !o.statistics) return { variants: measured, statistics: null };
  const stats = sweepStatistics(matrix, benchmark, o.statistics);
  const { perVariant } = stats;
  const value = (a: Float64Array, k: number) => (Number.isFinite(a[k]!) ? a[k]! : null);
  const withStats = measured.map((v, k) => {
    const m: Metrics = {
      ...v.metrics,
      psr: value(perVariant.psr, k),
      dsr: value(perVariant.dsr, k),
      min_track_record_days: value(perVariant.min_track_record_days, k),
      sharpe_ci_low: value(perVariant.sharpe_ci_low, k),
      sharpe_ci_high: value(perVariant.sharpe_ci_high, k),
    };
    return { ...v, metrics: v.result.ruinedAt >= 0 ? blank(m) : m };
  });
  // The sweep's best variant as the run numbers it (1-based ids), not as a column index.
  const best = stats.sweep.best_variant;
  return { variants: withStats, statistics: { ...stats.sweep, best_variant: best === null ? null : variants[best]!.id } };
}

/** Daily returns of a variant over the window; after a ruin (equity 0, then 0/0) they are 0. */
export function returnsOf(v: VariantOutcome, cash: number): Float64Array {
  const r = dailyReturns(v.result.curve.equity, cash);
  if (v.result.ruinedAt >= 0) for (let d = 0; d < r.length; d++) if (!Number.isFinite(r[d]!)) r[d] = 0;
  return r;
}

function blank(m: Metrics): Metrics {
  const out: Record<string, unknown> = { ...m };
  for (const k of Object.keys(out)) if (RUIN_BLANKS.has(k)) out[k] = null;
  return out as unknown as Metrics;
}
