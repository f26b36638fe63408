import { mean, TRADING_DAYS } from './returns.ts';

/**
 * turnover (annualised, one-way) = (Σ |fill notional| / 2) / mean equity × 252 / days.
 * Half the traded notional is the one-way amount: selling 1 to buy 1 turns the book over once.
 */
export function turnover(tradedNotional: number, equity: ArrayLike<number>): number | null {
  const m = mean(equity);
  return m === null || m <= 0 ? null : (tradedNotional / 2 / m) * (TRADING_DAYS / equity.length);
}
