import { TRADING_DAYS } from './returns.ts';

/**
 * The daily risk-free rate of an annual one (`--risk-free`, a fraction: 0.04 = 4 % a year), compounded
 * over 252 trading days: r_f = (1 + R)^(1/252) − 1, so that 252 days at r_f grow to 1 + R.
 * empyrical's `risk_free` arguments and pyfolio take the daily rate as given; this is the conversion
 * that feeds them. Exactly 0 for R = 0 (so every ratio is unchanged when no rate is set).
 *
 * @example dailyRiskFree(0.04) // ≈ 0.00015565 (1.04^(1/252) − 1); dailyRiskFree(0) === 0
 */
export function dailyRiskFree(annual: number): number {
  return (1 + annual) ** (1 / TRADING_DAYS) - 1;
}
