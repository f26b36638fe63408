import { alpha, beta, correlation, downCapture, informationRatio, trackingError, upCapture } from './benchmark-relative.ts';
import { bestDay, conditionalValueAtRisk, positiveDays, valueAtRisk, worstDay } from './distribution.ts';
import { avgNetExposure, avgPositions, maxGrossExposure } from './exposure.ts';
import { kurtosis, skewness } from './moments.ts';
import { avgHoldingDays, avgLoss, avgWin, expectancy, payoffRatio, profitFactor, winRate } from './round-trip-stats.ts';
import type { TripTotals } from './round-trips.ts';

/**
 * The tear sheet's summary.csv columns, grouped as PLAN.md orders them, each group one call over
 * arrays a run already holds (all O(n); VaR and CVaR copy the returns once to select in place).
 */

export const BENCHMARK_COLUMNS = ['alpha', 'beta', 'information_ratio', 'tracking_error', 'correlation', 'up_capture', 'down_capture'] as const;
export const DISTRIBUTION_COLUMNS = ['skewness', 'kurtosis', 'var_95', 'cvar_95', 'best_day', 'worst_day', 'positive_days'] as const;
export const EXPOSURE_COLUMNS = ['avg_net_exposure', 'max_gross_exposure', 'avg_positions'] as const;
export const ROUND_TRIP_STAT_COLUMNS = ['win_rate', 'profit_factor', 'avg_win', 'avg_loss', 'payoff_ratio', 'avg_holding_days', 'expectancy'] as const;

export type BenchmarkMetrics = Record<(typeof BENCHMARK_COLUMNS)[number], number | null>;
export type DistributionMetrics = Record<(typeof DISTRIBUTION_COLUMNS)[number], number | null>;
export type ExposureMetrics = Record<(typeof EXPOSURE_COLUMNS)[number], number | null>;
export type RoundTripMetrics = Record<(typeof ROUND_TRIP_STAT_COLUMNS)[number], number | null>;

/** Benchmark-relative statistics of daily returns r against b over the same days; r_f daily (dailyRiskFree). */
export function benchmarkMetrics(r: ArrayLike<number>, b: ArrayLike<number>, riskFree = 0): BenchmarkMetrics {
  if (r.length !== b.length) throw new RangeError(`strategy and benchmark returns differ in length (${r.length}, ${b.length})`);
  const slope = beta(r, b);
  return {
    alpha: alpha(r, b, riskFree, slope),
    beta: slope,
    information_ratio: informationRatio(r, b),
    tracking_error: trackingError(r, b),
    correlation: correlation(r, b),
    up_capture: upCapture(r, b),
    down_capture: downCapture(r, b),
  };
}

/** The distribution of daily returns. */
export function distributionMetrics(r: ArrayLike<number>): DistributionMetrics {
  return {
    skewness: skewness(r),
    kurtosis: kurtosis(r),
    var_95: valueAtRisk(r, 0.05),
    cvar_95: conditionalValueAtRisk(r, 0.05),
    best_day: bestDay(r),
    worst_day: worstDay(r),
    positive_days: positiveDays(r),
  };
}

/** The book's exposure from the per-day arrays of equity.csv (equity, gross, net, positions). */
export function exposureMetrics(equity: ArrayLike<number>, gross: ArrayLike<number>, net: ArrayLike<number>, positions: ArrayLike<number>): ExposureMetrics {
  return {
    avg_net_exposure: avgNetExposure(net, equity),
    max_gross_exposure: maxGrossExposure(gross, equity),
    avg_positions: avgPositions(positions),
  };
}

/** Statistics of the closed round trips, from their totals (roundTripTotals of the fills, or tripTotals of a table). */
export function roundTripMetrics(totals: TripTotals): RoundTripMetrics {
  return {
    win_rate: winRate(totals),
    profit_factor: profitFactor(totals),
    avg_win: avgWin(totals),
    avg_loss: avgLoss(totals),
    payoff_ratio: payoffRatio(totals),
    avg_holding_days: avgHoldingDays(totals),
    expectancy: expectancy(totals),
  };
}
