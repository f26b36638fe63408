import { mean, sampleSd, TRADING_DAYS } from './returns.ts';

/** sharpe = mean(r) / sd(r, n − 1) × √252, risk-free rate 0; null when sd is 0 or undefined. */
export function sharpe(returns: ArrayLike<number>): number | null {
  const m = mean(returns);
  const sd = sampleSd(returns);
  // Stryker disable next-line ConditionalExpression: equivalent: no mean means no values, so no sd either
  return m === null || !sd ? null : (m / sd) * Math.sqrt(TRADING_DAYS);
}
