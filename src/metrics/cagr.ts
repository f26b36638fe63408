import { TRADING_DAYS } from './returns.ts';

/** cagr = (final / cash)^(252 / days) − 1, over the days of the equity curve; null when final ≤ 0. */
export function cagr(equity: ArrayLike<number>, startCash: number): number | null {
  const days = equity.length;
  // Stryker disable next-line ConditionalExpression: equivalent: with no days the growth is NaN, which is not > 0, so null either way
  if (days === 0) return null;
  const growth = equity[days - 1]! / startCash;
  return growth > 0 ? growth ** (TRADING_DAYS / days) - 1 : null;
}
