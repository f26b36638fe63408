/**
 * What a fill pays, apart from market impact (broker/impact.ts), all deterministic:
 * 1. the price moves against the trade by slippage and half the quoted spread, each a fraction
 *    of the reference price (the open or close it fills at): a buy pays p × (1 + s + h + m), a sell
 *    receives p × (1 − s − h − m), m the impact of the fill (0 without an impact model);
 * 2. commission = max(M, X × |q| + c × |q × price|): a rate c on the notional (`--commission-bps`),
 *    X per share (`--commission-per-share`) and a minimum M per fill (`--min-commission`), as
 *    zipline's PerShare / PerDollar and Interactive Brokers' fixed tiers combine them. Every fill is
 *    an order of its own: a remainder carried to the next day pays its own minimum.
 * With spread, per-share and minimum at 0, prices and fees are bit for bit those of the plain
 * bps model (the sums below add exact zeros).
 */
export interface CostModel {
  /** Commission as a fraction of notional (bps / 10,000). */
  readonly commissionRate: number;
  /** Slippage as a fraction of the reference price (bps / 10,000). */
  readonly slippageRate: number;
  /** Half the quoted spread, as a fraction of the reference price (`--spread-bps` / 2 / 10,000). */
  readonly spreadRate: number;
  /** Commission per share, in currency. */
  readonly perShare: number;
  /** Least commission per fill, in currency. */
  readonly minCommission: number;
}

export interface CostOptions {
  /** The quoted bid-ask spread in bps: each fill pays half of it. */
  readonly spreadBps?: number | undefined;
  readonly commissionPerShare?: number | undefined;
  readonly minCommission?: number | undefined;
}

export function costModel(commissionBps: number, slippageBps: number, o: CostOptions = {}): CostModel {
  return {
    commissionRate: commissionBps / 10_000,
    slippageRate: slippageBps / 10_000,
    spreadRate: (o.spreadBps ?? 0) / 20_000,
    perShare: o.commissionPerShare ?? 0,
    minCommission: o.minCommission ?? 0,
  };
}

/**
 * Execution price of a trade of `quantity` shares (positive buys) at a reference price, with
 * `impact` (a fraction of the price, ≥ 0) on top of slippage and half the spread.
 */
export function executionPrice(reference: number, quantity: number, costs: CostModel, impact = 0): number {
  const move = costs.slippageRate + costs.spreadRate + impact;
  // Stryker disable next-line EqualityOperator: equivalent, no caller fills 0 shares (and 0 shares move no cash at any price)
  return quantity > 0 ? reference * (1 + move) : reference * (1 - move);
}

/** Commission on a fill of `quantity` shares at `price`: max(M, X × |q| + c × |q × price|); 0 for no shares. */
export function commission(quantity: number, price: number, costs: CostModel): number {
  if (quantity === 0) return 0;
  const fee = Math.abs(quantity) * costs.perShare + Math.abs(quantity * price) * costs.commissionRate;
  // Stryker disable next-line EqualityOperator: equivalent, at fee = M both branches give the same number
  return fee < costs.minCommission ? costs.minCommission : fee;
}

/**
 * What one fill cost, by kind, in currency: slippage, spread and impact are each |q| × p × rate
 * (p the reference price), so that with the commission they add up to what the fill cost against
 * trading at the reference price for free. Sums over a run go to summary.csv's cost columns.
 */
export class CostTotals {
  commission = 0;
  slippage = 0;
  spread = 0;
  impact = 0;
  borrow = 0;
  interest = 0;

  /** Adds one fill of `quantity` shares at `reference` with `impact` (fraction) and `fee`. */
  fill(quantity: number, reference: number, costs: CostModel, impact: number, fee: number): void {
    const base = Math.abs(quantity) * reference;
    this.commission += fee;
    this.slippage += base * costs.slippageRate;
    this.spread += base * costs.spreadRate;
    this.impact += base * impact;
  }
}
