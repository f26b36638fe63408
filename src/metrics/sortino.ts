import { mean, TRADING_DAYS } from './returns.ts';

/** sortino = mean(r) / √mean(min(r, 0)²) × √252, risk-free rate 0; null without a losing day. */
export function sortino(returns: ArrayLike<number>): number | null {
  const m = mean(returns);
  if (m === null) return null;
  let downside = 0;
  for (let k = 0; k < returns.length; k++) {
    const loss = Math.min(returns[k]!, 0); // branch-free: a sign test mispredicts half the time on returns
    downside += loss * loss;
  }
  const dd = Math.sqrt(downside / returns.length);
  return dd === 0 ? null : (m / dd) * Math.sqrt(TRADING_DAYS);
}
