import { sampleSd, TRADING_DAYS } from './returns.ts';

/** volatility = sd(daily returns, n − 1) × √252. */
export function volatility(returns: ArrayLike<number>): number | null {
  const sd = sampleSd(returns);
  return sd === null ? null : sd * Math.sqrt(TRADING_DAYS);
}
