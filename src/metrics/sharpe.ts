import { mean, sampleSd, TRADING_DAYS } from './returns.ts';

/**
 * sharpe = (mean(r) − r_f) / sd(r, n − 1) × √252, r_f the daily risk-free rate (default 0; see
 * dailyRiskFree). Subtracting a constant does not change the sd, so this is empyrical's
 * sharpe_ratio(r, risk_free = r_f): mean(r − r_f) / std(r − r_f, ddof = 1) × √252.
 * Null when the sd is 0 or undefined.
 */
export function sharpe(returns: ArrayLike<number>, riskFree = 0): number | null {
  const m = mean(returns);
  const sd = sampleSd(returns);
  // Stryker disable next-line ConditionalExpression: equivalent: no mean means no values, so no sd either
  return m === null || !sd ? null : ((m - riskFree) / sd) * Math.sqrt(TRADING_DAYS);
}
