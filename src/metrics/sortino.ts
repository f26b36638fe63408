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
    downside += squaredLoss(returns[k]! - riskFree);
  }
  const dd = Math.sqrt(downside / returns.length);
  return dd === 0 ? null : ((m - riskFree) / dd) * Math.sqrt(TRADING_DAYS);
}

/**
 * min(x, 0)², Sortino's squared shortfall of one day, as (x − |x|) / 2 squared: for x < 0, x − |x| = 2x
 * and halving it gives x back exactly (an overflow to −∞ squares to +∞, as x² would); for finite x ≥ 0
 * it is 0 (−0 for −0, squared +0); NaN stays NaN; +∞ (∞ − ∞ would be NaN) is 0 by its own test —
 * Math.min(x, 0)² every time, without the branch on the sign that Math.min compiles to and that daily
 * returns, up one day and down the next, mispredict.
 */
export function squaredLoss(x: number): number {
  if (x === Infinity) return 0;
  const loss = (x - Math.abs(x)) * 0.5;
  return loss * loss;
}
