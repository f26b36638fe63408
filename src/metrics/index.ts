import type { EquityCurve } from '../recorder/equity-curve.ts';
import { LOWER_IS_BETTER, RUIN_BLANKS, type MetricName } from './columns.ts';
import { cagr } from './cagr.ts';
import { curveStats, sharpeOf, sortinoOf, turnoverOf, volatilityOf, type CurveStats } from './curve-pass.ts';
import { calmar } from './calmar.ts';
import { grossExposure } from './exposure.ts';
import { sharpe } from './sharpe.ts';
import { sortino } from './sortino.ts';
import { totalReturn } from './total-return.ts';
import { turnover } from './turnover.ts';
import { volatility } from './volatility.ts';

export { dailyReturns, mean, sampleSd, TRADING_DAYS } from './returns.ts';
export { drawdowns, maxDrawdown, maxDrawdownDays } from './drawdown.ts';
export { curveStats, type CurveStats } from './curve-pass.ts';
export { cagr, calmar, grossExposure, sharpe, sortino, totalReturn, turnover, volatility };
export { ALL_METRICS, LOWER_IS_BETTER, METRIC_GROUPS, RUIN_BLANKS, summaryMetrics, type MetricGroup, type MetricName } from './columns.ts';

/** The performance metrics of one variant, by their summary.csv column names. */
export interface PerformanceMetrics {
  final_equity: number | null;
  total_return: number | null;
  cagr: number | null;
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  max_drawdown: number | null;
  max_drawdown_days: number;
  calmar: number | null;
  fills: number;
  round_trips: number;
  turnover: number | null;
  gross_exposure: number | null;
}

export const PERFORMANCE_COLUMNS: readonly (keyof PerformanceMetrics)[] = [
  'final_equity', 'total_return', 'cagr', 'volatility', 'sharpe', 'sortino', 'max_drawdown',
  'max_drawdown_days', 'calmar', 'fills', 'round_trips', 'turnover', 'gross_exposure',
];

export interface PerformanceInput {
  readonly curve: EquityCurve;
  readonly startCash: number;
  readonly fills: number;
  readonly roundTrips: number;
  readonly tradedNotional: number;
  /** Equity reached 0 (the variant was liquidated and stopped): its ratios are not reported. */
  readonly ruined?: boolean;
  /** The daily risk-free rate (dailyRiskFree of `--risk-free`), for Sharpe and Sortino; default 0. */
  readonly riskFree?: number;
}

/**
 * Everything summary.csv shows of a variant, by column name (metrics/columns.ts): the performance
 * metrics always, the others when the run computed them (a missing one is an empty cell).
 */
export type Metrics = PerformanceMetrics & { readonly [K in MetricName]?: number | null };

/** All performance metrics of a run. */
export function performance(input: PerformanceInput): PerformanceMetrics {
  return performanceFrom(input, curveStats(input.curve, input.startCash, input.riskFree ?? 0));
}

/**
 * The performance metrics from the curve's one-pass statistics (curve-pass.ts; `stats` of this
 * input's curve, start cash and risk-free rate): the values of the one-metric functions, bit for bit.
 */
export function performanceFrom(input: PerformanceInput, stats: CurveStats): PerformanceMetrics {
  const { equity } = input.curve;
  const riskFree = input.riskFree ?? 0;
  const growth = cagr(equity, input.startCash);
  const worst = stats.maxDrawdown;
  const m: PerformanceMetrics = {
    final_equity: equity.length ? equity[equity.length - 1]! : null,
    total_return: totalReturn(equity, input.startCash),
    cagr: growth,
    volatility: volatilityOf(stats),
    sharpe: sharpeOf(stats, riskFree),
    sortino: sortinoOf(stats, riskFree),
    max_drawdown: worst,
    max_drawdown_days: stats.maxDrawdownDays,
    calmar: calmar(growth, worst),
    fills: input.fills,
    round_trips: input.roundTrips,
    turnover: turnoverOf(input.tradedNotional, stats),
    gross_exposure: stats.grossExposure,
  };
  if (input.ruined) for (const k of Object.keys(m)) if (RUIN_BLANKS.has(k)) (m as unknown as Record<string, unknown>)[k] = null;
  return m;
}

/**
 * Orders items best first by a metric: solvent before ruined whatever the metric, then larger first
 * (smaller for LOWER_IS_BETTER), missing values last, ties by `id`.
 */
// Stryker disable next-line ArrowFunction,BooleanLiteral: equivalent: any constant default (false, true, undefined) gives every item the same answer, so the solvent-before-ruined test never separates two
export function rankOrder<T extends { id: number }>(items: readonly T[], metric: string, valueOf: (item: T) => unknown, ruined: (item: T) => boolean = () => false): T[] {
  const sign = LOWER_IS_BETTER.has(metric) ? 1 : -1;
  const key = (item: T) => {
    const v = valueOf(item);
    // Number.isFinite is false for anything but a finite number (it does not coerce): null, NaN, ±∞, text.
    return Number.isFinite(v) ? (v as number) : null;
  };
  return [...items].sort((a, b) => {
    const ra = ruined(a), rb = ruined(b);
    if (ra !== rb) return ra ? 1 : -1;
    const x = key(a), y = key(b);
    if (x === null || y === null) return x === y ? a.id - b.id : x === null ? 1 : -1;
    return sign * (x - y) || a.id - b.id;
  });
}
