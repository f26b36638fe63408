/**
 * Transaction costs: slippage moves the fill price against the trade, commission is a
 * fraction of the fill's notional. Both are given in basis points on the command line.
 */
export interface CostModel {
  /** Commission as a fraction of notional (bps / 10,000). */
  readonly commissionRate: number;
  /** Slippage as a fraction of the reference price (bps / 10,000). */
  readonly slippageRate: number;
}

export function costModel(commissionBps: number, slippageBps: number): CostModel {
  return { commissionRate: commissionBps / 10_000, slippageRate: slippageBps / 10_000 };
}

/** Execution price of a trade of `quantity` shares (positive buys) at a reference price. */
export function executionPrice(reference: number, quantity: number, costs: CostModel): number {
  // Stryker disable next-line EqualityOperator: equivalent: no trade has quantity 0 (a rebalance skips zero deltas, a liquidation sells a held position)
  return quantity > 0 ? reference * (1 + costs.slippageRate) : reference * (1 - costs.slippageRate);
}

/** Commission on a fill. */
export function commission(quantity: number, price: number, costs: CostModel): number {
  return Math.abs(quantity * price) * costs.commissionRate;
}
