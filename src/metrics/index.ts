import type { EquityCurve } from '../recorder/equity-curve.ts';
import { cagr } from './cagr.ts';
import { calmar } from './calmar.ts';
import { drawdowns, maxDrawdown, maxDrawdownDays } from './drawdown.ts';
import { grossExposure } from './exposure.ts';
import { dailyReturns } from './returns.ts';
import { sharpe } from './sharpe.ts';
import { sortino } from './sortino.ts';
import { totalReturn } from './total-return.ts';
import { turnover } from './turnover.ts';
import { volatility } from './volatility.ts';

export { dailyReturns, mean, sampleSd, TRADING_DAYS } from './returns.ts';
export { drawdowns, maxDrawdown, maxDrawdownDays } from './drawdown.ts';
export { cagr, calmar, grossExposure, sharpe, sortino, totalReturn, turnover, volatility };

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
}

/**
 * Ratios that mean nothing for a ruined variant (its equity reached 0: every return after is 0/0, and
 * a positive Sharpe of a bankrupt book must never rank it first): left empty.
 */
export const RUIN_BLANKS: readonly string[] = ['sharpe', 'sortino', 'calmar', 'volatility'];

/** All performance metrics of a run. */
export function performance(input: PerformanceInput): PerformanceMetrics {
  const m = measure(input);
  if (input.ruined) for (const k of RUIN_BLANKS) if (k in m) (m as unknown as Record<string, unknown>)[k] = null;
  return m;
}

function measure(input: PerformanceInput): PerformanceMetrics {
  const { equity, gross } = input.curve;
  const returns = dailyReturns(equity, input.startCash);
  const dd = drawdowns(equity, input.startCash);
  const growth = cagr(equity, input.startCash);
  const worst = maxDrawdown(dd);
  return {
    final_equity: equity.length ? equity[equity.length - 1]! : null,
    total_return: totalReturn(equity, input.startCash),
    cagr: growth,
    volatility: volatility(returns),
    sharpe: sharpe(returns),
    sortino: sortino(returns),
    max_drawdown: worst,
    max_drawdown_days: maxDrawdownDays(dd),
    calmar: calmar(growth, worst),
    fills: input.fills,
    round_trips: input.roundTrips,
    turnover: turnover(input.tradedNotional, equity),
    gross_exposure: grossExposure(gross, equity),
  };
}

/** Metrics where a smaller value ranks first (`--rank-by`); every other metric ranks larger first. */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['volatility', 'max_drawdown_days', 'turnover', 'ic_sd']);

/**
 * Orders items best first by a metric: solvent before ruined whatever the metric, then larger first
 * (smaller for LOWER_IS_BETTER), missing values last, ties by `id`.
 */
export function rankOrder<T extends { id: number }>(items: readonly T[], metric: string, valueOf: (item: T) => unknown, ruined: (item: T) => boolean = () => false): T[] {
  const sign = LOWER_IS_BETTER.has(metric) ? 1 : -1;
  const key = (item: T) => {
    const v = valueOf(item);
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  return [...items].sort((a, b) => {
    const ra = ruined(a), rb = ruined(b);
    if (ra !== rb) return ra ? 1 : -1;
    const x = key(a), y = key(b);
    if (x === null || y === null) return x === y ? a.id - b.id : x === null ? 1 : -1;
    return sign * (x - y) || a.id - b.id;
  });
}
