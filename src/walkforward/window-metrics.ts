import { METRIC_GROUPS, RUIN_BLANKS } from '../metrics/columns.ts';
import { cagr, calmar, dailyReturns, drawdowns, maxDrawdown, maxDrawdownDays, mean, sampleSd, sharpe, sortino, totalReturn, volatility } from '../metrics/index.ts';
import { kurtosis, skewness } from '../metrics/moments.ts';
import { benchmarkMetrics, distributionMetrics } from '../metrics/tear-sheet.ts';
import { probabilisticSharpe } from '../statistics/probabilistic-sharpe.ts';

/**
 * A summary.csv metric over a window of days of one equity curve, as if an account of `cash` had
 * held the book over just those days:
 * 1. the window [a, b] of a curve E over the run's evaluation window is rebased to start from the
 *    run's cash: eⱼ = E_{a+j} · cash / E_{a−1} (E₋₁ = cash, so a window from day 0 is the curve
 *    itself, bit for bit — the same numbers a run over those days would report);
 * 2. its daily returns r = dailyReturns(e, cash) are then the curve's own over [a, b]
 *    (r_a = E_a/E_{a−1} − 1: a window's first return is its first day's move);
 * 3. each metric is summary.csv's function of them (metrics/): total_return, cagr (252-day years),
 *    volatility, sharpe and sortino (net of the daily risk-free rate), max_drawdown and its days,
 *    calmar, final_equity (what `cash` became); against the benchmark's returns over the same days
 *    (alpha, beta, …); their distribution (skewness, kurtosis, VaR, …); psr = PSR(0) of the window's
 *    returns, as statistics/sweep.ts computes it (per-period Sharpe of the raw returns).
 * A curve that reached 0 by the window's end is ruined there: ratios are null (RUIN_BLANKS) and
 * rankings put it after every solvent curve.
 */

/**
 * The metrics a walk-forward may rank by (`--rank-by`): those a window of daily returns determines.
 * The others need what a window of returns does not hold — the trades (turnover, round trips,
 * costs), the signal's diagnostics, or every variant's whole record (dsr, MinTRL against SR₀,
 * the bootstrap intervals).
 */
export const WINDOW_METRICS: readonly string[] = [...METRIC_GROUPS.performance, ...METRIC_GROUPS.benchmark, ...METRIC_GROUPS.distribution, 'psr'];

const BENCHMARK: ReadonlySet<string> = new Set(METRIC_GROUPS.benchmark);
const DISTRIBUTION: ReadonlySet<string> = new Set(METRIC_GROUPS.distribution);

/** One window of one curve. */
export interface CurveWindow {
  /** The curve's equity over the evaluation window (day 0 first). */
  readonly equity: Float64Array;
  /** The run's starting cash (E₋₁). */
  readonly cash: number;
  /** First and last day of the window, inclusive. */
  readonly from: number;
  readonly to: number;
}

/** The window's equity rebased to `cash` (a view of the curve itself when the window starts on day 0). */
export function windowEquity(w: CurveWindow): Float64Array {
  const slice = w.equity.subarray(w.from, w.to + 1);
  const base = w.from === 0 ? w.cash : w.equity[w.from - 1]!;
  // Stryker disable next-line ConditionalExpression: equivalent, a scale of exactly 1 copies the same numbers (the shortcut saves the copy)
  if (base === w.cash) return slice;
  const scale = w.cash / base;
  const out = new Float64Array(slice.length);
  // Stryker disable next-line EqualityOperator: equivalent for <=, out[length] is past the end, and typed arrays ignore the write
  for (let k = 0; k < slice.length; k++) out[k] = slice[k]! * scale;
  return out;
}

/** True when the curve's equity is 0 or less on some day up to the window's end (ruined by then). */
export function ruinedBy(w: CurveWindow, ruinedAtDay: number): boolean {
  return ruinedAtDay >= 0 && ruinedAtDay <= w.to;
}

export interface WindowContext {
  /** The benchmark's daily returns over the evaluation window. */
  readonly benchmark: Float64Array;
  /** The daily risk-free rate (dailyRiskFree of --risk-free). */
  readonly riskFree: number;
}

/**
 * `metric` (one of WINDOW_METRICS) over the window; null when undefined (or a ratio of a curve
 * ruined by the window's end).
 *
 * @example windowMetric('total_return', { equity: Float64Array.of(100, 110, 121), cash: 100, from: 1, to: 2 }, false, ctx) // 0.21 (121 / 100 − 1)
 */
export function windowMetric(metric: string, w: CurveWindow, ruined: boolean, ctx: WindowContext): number | null {
  if (ruined && RUIN_BLANKS.has(metric)) return null;
  const e = windowEquity(w);
  const value = compute(metric, e, w, ctx);
  // Stryker disable next-line ConditionalExpression: equivalent, Number.isFinite(null) is false, so null still comes out null
  return value === null || Number.isFinite(value) ? value : null;
}

function compute(metric: string, e: Float64Array, w: CurveWindow, ctx: WindowContext): number | null {
  const cash = w.cash;
  switch (metric) {
    case 'final_equity': return e.length ? e[e.length - 1]! : null;
    case 'total_return': return totalReturn(e, cash);
    case 'cagr': return cagr(e, cash);
    case 'volatility': return volatility(dailyReturns(e, cash));
    case 'sharpe': return sharpe(dailyReturns(e, cash), ctx.riskFree);
    case 'sortino': return sortino(dailyReturns(e, cash), ctx.riskFree);
    case 'max_drawdown': return maxDrawdown(drawdowns(e, cash));
    case 'max_drawdown_days': return maxDrawdownDays(drawdowns(e, cash));
    case 'calmar': return calmar(cagr(e, cash), maxDrawdown(drawdowns(e, cash)));
    case 'psr': return windowPsr(dailyReturns(e, cash));
  }
  if (BENCHMARK.has(metric)) {
    const b = ctx.benchmark.subarray(w.from, w.to + 1);
    return (benchmarkMetrics(dailyReturns(e, cash), b, ctx.riskFree) as Record<string, number | null>)[metric] ?? null;
  }
  if (DISTRIBUTION.has(metric)) return (distributionMetrics(dailyReturns(e, cash)) as Record<string, number | null>)[metric] ?? null;
  throw new RangeError(`${metric} is not a metric of a window of daily returns (${WINDOW_METRICS.join(', ')})`);
}

/** PSR(0) = Φ(SR̂·√(T − 1)/√(1 − γ₃·SR̂ + ((γ₄ − 1)/4)·SR̂²)), SR̂ = mean/sd (n − 1) per day, γ₃, γ₄ population (raw kurtosis). */
export function windowPsr(r: Float64Array): number | null {
  const m = mean(r), sd = sampleSd(r), g3 = skewness(r), g4 = kurtosis(r);
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, without these moments σ̂(SR̂) is undefined (fewer than 2 returns, or a NaN factor) and probabilisticSharpe returns null itself
  if (m === null || !sd || g3 === null || g4 === null) return null;
  return probabilisticSharpe(m / sd, 0, r.length, g3, g4);
}

/** Annualised return over the window: (1 + R)^(252/days) − 1 (the window's cagr); null when the curve reached 0. */
export function annualReturn(w: CurveWindow): number | null {
  return cagr(windowEquity(w), w.cash);
}
