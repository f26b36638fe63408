import { unfilledShare } from './costs.ts';
import type { VariantOutcome } from './outcome.ts';

/**
 * capacity.csv (`--capacity`): one row per variant and starting capital — how the variant does as its
 * book grows, with the run's liquidity and impact models: variant, capital, total_return, sharpe
 * (empty for a ruined point), cost_total_bps (metrics/costs.ts) and unfilled_share, the unfilled
 * notional ÷ the notional the strategy's orders asked (0 with nothing unfilled). Rows by variant,
 * then capital ascending. A capped book can look better at size (README): it is partly in cash.
 */
export interface CapacityRow {
  readonly variant: number;
  readonly capital: number;
  readonly total_return: number | null;
  readonly sharpe: number | null;
  readonly cost_total_bps: number | null;
  readonly unfilled_share: number;
}

export const CAPACITY_COLUMNS = ['variant', 'capital', 'total_return', 'sharpe', 'cost_total_bps', 'unfilled_share'] as const;

/** The row of variant `variant`'s run at `capital`. */
export function capacityRow(o: VariantOutcome, variant: number, capital: number): CapacityRow {
  return {
    variant,
    capital,
    total_return: o.metrics.total_return,
    sharpe: o.metrics.sharpe,
    cost_total_bps: o.metrics.cost_total_bps ?? null,
    unfilled_share: unfilledShare(o.result.costs),
  };
}
