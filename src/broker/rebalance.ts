import type { Carry } from './carry.ts';
import { commission, executionPrice, type CostModel } from './costs.ts';
import type { MarketModel } from './market-model.ts';
import type { Portfolio } from './portfolio.ts';

/**
 * Moves a portfolio to target weights at one set of fill prices.
 *
 * 1. Equity E = cash + Σ shares × price, at the fill prices (the last mark where a column has none).
 * 2. Target shares = weight × E ÷ fill price, truncated toward zero unless fractional; the order is
 *    the difference from the shares held (`asked`).
 * 3. With a participation limit (`limited`), an order fills at most the market model's limit
 *    (whole shares toward zero); the rest goes to `carry` for the next fill day.
 * 4. Sells (and short sales) execute first, then buys, each in column order; slippage, half the
 *    spread and the fill's impact move the price against the trade, and the commission is charged
 *    on the fill (broker/costs.ts).
 * 5. A buy the cash cannot cover, costs included, is cut to the largest affordable amount (the part
 *    cut for cash is not carried).
 * A column without a fill price is not traded; `onSkip` reports it when a trade was due.
 * Only active columns (held, or with a non-zero target) are visited, in column order; given the
 * target columns listed ascending (`listed`: broker/targets.ts), they are found by merging that
 * list with the held one, without a scan of the universe.
 * `marks` must hold the last known close of every active column.
 * `executeCarried` runs the carried remainders alone, the same way (steps 3–5).
 */
export interface Fill {
  readonly column: number;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  /** The order's shares at this fill (signed): `quantity`, or more when a limit or the cash cut it. */
  readonly asked: number;
  /** The open or close it filled at, before costs, and the impact charged (a fraction of it). */
  readonly reference: number;
  readonly impact: number;
}

export interface RebalanceOptions {
  readonly fractional: boolean;
  readonly costs: CostModel;
  /** Liquidity and impact (absent: neither). */
  readonly market?: MarketModel | undefined;
  /** Apply the market's participation limit to this call's orders (rebalances; not forced cuts). */
  readonly limited?: boolean | undefined;
  /** Where limited orders' remainders go (required with `limited`). */
  readonly carry?: Carry | undefined;
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
  listed?: ListedColumns,
): void {
  const q = portfolio.quantity;
  const { delta, active } = scratch;
  const count = listed ? mergeColumns(portfolio, targets, listed, active) : activeColumns(portfolio, targets, active);
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
  executeOrders(portfolio, fillPrices, active, count, delta, options, true);
}

/** Another attempt at the remainders `carry` holds (none: nothing to do), at this fill day's prices. */
export function executeCarried(portfolio: Portfolio, fillPrices: Float64Array, scratch: RebalanceScratch, carry: Carry, options: RebalanceOptions): void {
  if (carry.count === 0) return;
  const count = carry.take(scratch.delta, scratch.active);
  executeOrders(portfolio, fillPrices, scratch.active, count, scratch.delta, options, false);
}

/** Sells, then buys, of `delta[i]` shares for the `count` columns of `active` (ascending). */
function executeOrders(portfolio: Portfolio, prices: Float64Array, active: Int32Array, count: number, delta: Float64Array, options: RebalanceOptions, fresh: boolean): void {
  for (let k = 0; k < count; k++) {
    const i = active[k]!;
    if (delta[i]! < 0) order(portfolio, i, delta[i]!, prices[i]!, options, fresh);
  }
  for (let k = 0; k < count; k++) {
    const i = active[k]!;
    if (delta[i]! > 0) order(portfolio, i, delta[i]!, prices[i]!, options, fresh);
  }
}

/** One order of `asked` shares of column i at `reference`: limited, carried, priced, cut for cash, filled. */
function order(portfolio: Portfolio, i: number, asked: number, reference: number, options: RebalanceOptions, fresh: boolean): void {
  const { costs, market, carry } = options;
  if (!Number.isFinite(reference)) {
    // Stryker disable next-line OptionalChaining: equivalent: a fresh order never gets here (rebalance gives a column without a fill price no order), and a carried one always has its carry
    carry?.set(i, asked, carry.reference[i]!); // a carried remainder without a price today waits
    return;
  }
  let d = asked;
  if (options.limited && market && carry) {
    if (fresh) carry.asked += Math.abs(asked) * reference;
    const limit = market.limit(i);
    if (limit !== limit) {
      if (fresh) carry.untradable++;
      d = 0;
    } else if (Math.abs(d) > limit) {
      d = Math.sign(d) * sizeShares(limit, options.fractional);
    }
    if (d !== asked) carry.set(i, asked - d, reference);
    if (d === 0) return;
  }
  let impact = market ? market.impactOf(i, d) : 0;
  let price = executionPrice(reference, d, costs, impact);
  if (d > 0) {
    const perShare = price * (1 + costs.commissionRate) + costs.perShare;
    if (d * perShare > portfolio.cash || (costs.minCommission > 0 && d * price + costs.minCommission > portfolio.cash)) {
      const wanted = d;
      d = affordable(portfolio.cash, price, costs, options.fractional);
      options.onCut?.(i, wanted, d);
      if (d <= 0) return;
      if (impact > 0) {
        // A smaller fill moves the price less: still affordable, at its own price.
        impact = market!.impactOf(i, d, false);
        price = executionPrice(reference, d, costs, impact);
      }
    }
  }
  const fee = commission(d, price, costs);
  portfolio.fill(i, d, price, fee);
  options.onFill({ column: i, quantity: d, price, fee, asked, reference, impact });
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

/** Columns listed ascending, `columns[0 … count)` (broker/targets.ts's `Targets` is one). */
export interface ListedColumns {
  readonly columns: Int32Array;
  readonly count: number;
}

/**
 * What `activeColumns` gives, from the list of target columns instead of a scan: the held and the
 * listed columns merged ascending, each once; a listed column whose target is 0 (and not held) is
 * left out, as the scan leaves it out. O(held + listed).
 */
function mergeColumns(portfolio: Portfolio, targets: Float64Array, listed: ListedColumns, out: Int32Array): number {
  const { held, heldCount } = portfolio;
  const { columns, count: listCount } = listed;
  let h = 0, l = 0, count = 0;
  while (h < heldCount || l < listCount) {
    const a = h < heldCount ? held[h]! : 0x7fffffff;
    const b = l < listCount ? columns[l]! : 0x7fffffff;
    if (a <= b) {
      out[count++] = a;
      h++;
      if (a === b) l++;
    } else {
      if (targets[b] !== 0) out[count++] = b;
      l++;
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

/**
 * Most shares `cash` buys at `price` with the commission: the cost of d shares is
 * max(d × price + M, d × (price × (1 + c) + X)), so d is the smaller of the two floors.
 */
export function affordable(cash: number, price: number, costs: CostModel, fractional: boolean): number {
  const d = affordableShares(cash, price * (1 + costs.commissionRate) + costs.perShare, fractional);
  return costs.minCommission > 0 ? Math.min(d, affordableShares(cash - costs.minCommission, price, fractional)) : d;
}
