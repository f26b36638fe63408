import { commission, executionPrice, type CostModel } from './costs.ts';
import type { Portfolio } from './portfolio.ts';

/**
 * Moves a portfolio to target weights at one set of fill prices.
 *
 * 1. Equity E = cash + Σ shares × price, at the fill prices (the last mark where a column has none).
 * 2. Target shares = weight × E ÷ fill price, truncated toward zero unless fractional.
 * 3. Sells (and short sales) execute first, then buys, each in column order; slippage moves the
 *    price against the trade and commission is charged on the fill's notional.
 * 4. A buy the cash cannot cover, costs included, is cut to the largest affordable amount.
 * A column without a fill price is not traded; `onSkip` reports it when a trade was due.
 */
export interface Fill {
  readonly column: number;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
}

export interface RebalanceOptions {
  readonly fractional: boolean;
  readonly costs: CostModel;
  onFill(fill: Fill): void;
  onSkip(column: number): void;
  /** A buy was cut to what the cash could pay. */
  onCut?(column: number, wanted: number, got: number): void;
}

export function rebalance(
  portfolio: Portfolio,
  targets: Float64Array,
  fillPrices: Float64Array,
  marks: Float64Array,
  delta: Float64Array,
  options: RebalanceOptions,
): void {
  const q = portfolio.quantity;
  const n = q.length;
  let equity = portfolio.cash;
  for (let i = 0; i < n; i++) {
    const qi = q[i]!;
    if (qi !== 0) equity += qi * (Number.isFinite(fillPrices[i]!) ? fillPrices[i]! : marks[i]!);
  }
  for (let i = 0; i < n; i++) {
    delta[i] = 0;
    const w = targets[i]!;
    const qi = q[i]!;
    if (w === 0 && qi === 0) continue;
    const price = fillPrices[i]!;
    if (!Number.isFinite(price)) {
      const mark = marks[i]!;
      const wanted = Number.isFinite(mark) && mark > 0 ? sizeShares((w * equity) / mark, options.fractional) : 0;
      if (wanted !== qi) options.onSkip(i);
      continue;
    }
    delta[i] = sizeShares((w * equity) / price, options.fractional) - qi;
  }
  for (let i = 0; i < n; i++) {
    const d = delta[i]!;
    if (d >= 0) continue;
    const price = executionPrice(fillPrices[i]!, d, options.costs);
    const fee = commission(d, price, options.costs);
    portfolio.fill(i, d, price, fee);
    options.onFill({ column: i, quantity: d, price, fee });
  }
  for (let i = 0; i < n; i++) {
    let d = delta[i]!;
    if (d <= 0) continue;
    const price = executionPrice(fillPrices[i]!, d, options.costs);
    const perShare = price * (1 + options.costs.commissionRate);
    if (d * perShare > portfolio.cash) {
      const wanted = d;
      d = affordableShares(portfolio.cash, perShare, options.fractional);
      options.onCut?.(i, wanted, d);
      if (d <= 0) continue;
    }
    const fee = commission(d, price, options.costs);
    portfolio.fill(i, d, price, fee);
    options.onFill({ column: i, quantity: d, price, fee });
  }
}

/**
 * Whole shares toward zero. The tolerance keeps a product such as 0.1 × 1e6 ÷ 10 that lands a
 * rounding error below a whole number (9999.999999999998) on that number.
 */
export function sizeShares(shares: number, fractional: boolean): number {
  if (fractional || shares === 0) return shares;
  const tolerance = Math.max(1e-9, Math.abs(shares) * 1e-12);
  return Math.trunc(shares + Math.sign(shares) * tolerance);
}

/** Largest amount that `cash` pays at `perShare` (price with commission): floor(cash ÷ perShare) whole shares. */
export function affordableShares(cash: number, perShare: number, fractional: boolean): number {
  if (cash <= 0) return 0;
  if (fractional) return cash / perShare;
  let d = Math.floor(cash / perShare);
  while (d > 0 && d * perShare > cash) d--; // guard the rounding of the division
  return d;
}
