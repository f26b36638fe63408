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
 * Only active columns (held, or with a non-zero target) are visited, in column order.
 * `marks` must hold the last known close of every active column.
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

/** Scratch a rebalance reuses: the trade per column and the list of active columns. */
export interface RebalanceScratch {
  readonly delta: Float64Array;
  readonly active: Int32Array;
}

export function rebalanceScratch(n: number): RebalanceScratch {
  return { delta: new Float64Array(n), active: new Int32Array(n) };
}

export function rebalance(
  portfolio: Portfolio,
  targets: Float64Array,
  fillPrices: Float64Array,
  marks: Float64Array,
  scratch: RebalanceScratch,
  options: RebalanceOptions,
): void {
  const q = portfolio.quantity;
  const { delta, active } = scratch;
  const count = activeColumns(portfolio, targets, active);
  let equity = portfolio.cash;
  for (let k = 0; k < portfolio.heldCount; k++) {
    const i = portfolio.held[k]!;
    equity += q[i]! * (Number.isFinite(fillPrices[i]!) ? fillPrices[i]! : marks[i]!);
  }
  for (let k = 0; k < count; k++) {
    const i = active[k]!;
    delta[i] = 0;
    const w = targets[i]!;
    const qi = q[i]!;
    const price = fillPrices[i]!;
    if (!Number.isFinite(price)) {
      const mark = marks[i]!;
      const wanted = Number.isFinite(mark) && mark > 0 ? sizeShares((w * equity) / mark, options.fractional) : 0;
      if (wanted !== qi) options.onSkip(i);
      continue;
    }
    delta[i] = sizeShares((w * equity) / price, options.fractional) - qi;
  }
  for (let k = 0; k < count; k++) {
    const i = active[k]!;
    const d = delta[i]!;
    if (d >= 0) continue;
    const price = executionPrice(fillPrices[i]!, d, options.costs);
    const fee = commission(d, price, options.costs);
    portfolio.fill(i, d, price, fee);
    options.onFill({ column: i, quantity: d, price, fee });
  }
  for (let k = 0; k < count; k++) {
    const i = active[k]!;
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

/** Held columns and columns with a non-zero target, merged in ascending order into `out`; returns the count. */
function activeColumns(portfolio: Portfolio, targets: Float64Array, out: Int32Array): number {
  const { held, heldCount } = portfolio;
  let h = 0, count = 0;
  for (let i = 0; i < targets.length; i++) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: visiting a column that is neither held nor targeted trades nothing (its delta is 0); past the held list there is nothing left to match
    if (h < heldCount && held[h] === i) {
      out[count++] = i;
      h++;
    } else if (targets[i] !== 0) {
      out[count++] = i;
    }
  }
  return count;
}

/**
 * Whole shares toward zero. The tolerance keeps a product such as 0.1 × 1e6 ÷ 10 that lands a
 * rounding error below a whole number (9999.999999999998) on that number.
 */
export function sizeShares(shares: number, fractional: boolean): number {
  // Stryker disable next-line ConditionalExpression: equivalent: trunc(0 + sign(0) × tolerance) is 0 too
  if (fractional || shares === 0) return shares;
  const tolerance = Math.max(1e-9, Math.abs(shares) * 1e-12);
  return Math.trunc(shares + Math.sign(shares) * tolerance);
}

/** Largest amount that `cash` pays at `perShare` (price with commission): floor(cash ÷ perShare) whole shares. */
export function affordableShares(cash: number, perShare: number, fractional: boolean): number {
  // Stryker disable next-line EqualityOperator: equivalent: no cash affords 0 shares either way
  if (cash <= 0) return 0;
  if (fractional) return cash / perShare;
  let d = Math.floor(cash / perShare);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: with cash > 0, 0 shares always fit, so d never goes below 0
  while (d > 0 && d * perShare > cash) d--; // guard the rounding of the division
  return d;
}
