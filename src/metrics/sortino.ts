import { mean, TRADING_DAYS } from './returns.ts';

/**
 * sortino = (mean(r) − r_f) / √mean(min(r − r_f, 0)²) × √252, r_f the daily risk-free rate (default 0),
 * which is also the threshold of the downside deviation (empyrical's sortino_ratio with
 * required_return = r_f). Null without a day below r_f.
 */
export function sortino(returns: ArrayLike<number>, riskFree = 0): number | null {
  const m = mean(returns);
  if (m === null) return null;
  let downside = 0;
  for (let k = 0; k < returns.length; k++) {
    const loss = Math.min(returns[k]! - riskFree, 0); // branch-free: a sign test mispredicts half the time on returns
    downside += loss * loss;
  }
  const dd = Math.sqrt(downside / returns.length);
  return dd === 0 ? null : ((m - riskFree) / dd) * Math.sqrt(TRADING_DAYS);
}
