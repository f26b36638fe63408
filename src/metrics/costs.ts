import type { RunCosts } from '../runner/simulate.ts';
import { METRIC_GROUPS } from './columns.ts';

/**
 * Where the money went: summary.csv's cost columns, from a run's cost totals (runner/simulate.ts),
 * its start and final equity and its traded notional N = Σ |fill quantity × fill price| (every buy and
 * every sell: each is one one-way trade).
 *
 * - cost_commission, cost_spread, cost_slippage, cost_impact, cost_borrow: currency, summed over the run;
 *   cash_interest: interest earned on free cash (income);
 * - total costs C = commission + spread + slippage + impact + borrow;
 * - cost_total_bps = C ÷ N × 10,000: the all-in cost per unit traded;
 * - break_even_bps = (E_T − E_0 + C) ÷ N × 10,000: the flat cost per unit of one-way traded notional
 *   that would take the gross P&L (before those costs; cash interest kept) to 0 — the total return
 *   would be 0 had every fill paid that and nothing else. So net P&L = (break_even_bps −
 *   cost_total_bps) × N ÷ 10,000 exactly: a variant is profitable after costs exactly when its
 *   break-even is above its cost. First order: the fills (and so N) are held as they were; costs that
 *   change position sizes would change them a little;
 * - unfilled_notional: Σ |shares| × reference price of the orders a participation limit left unfilled
 *   and that were dropped (replaced, cut, or still open at the end).
 * Without trades (N = 0) the two ratios are empty; a ruined variant's break-even too (its final
 * equity is floored at 0).
 */
export const COST_COLUMNS = METRIC_GROUPS.costs;
export type CostMetrics = Record<(typeof COST_COLUMNS)[number], number | null>;

export interface CostInput {
  readonly costs: RunCosts;
  readonly startCash: number;
  readonly finalEquity: number | null;
  readonly tradedNotional: number;
  readonly ruined?: boolean;
}

/** C: every cost the run paid (not the interest it earned). */
export function totalCosts(c: RunCosts): number {
  return c.commission + c.spread + c.slippage + c.impact + c.borrow;
}

export function costMetrics(input: CostInput): CostMetrics {
  const { costs: c, tradedNotional: n } = input;
  const total = totalCosts(c);
  const traded = n > 0;
  return {
    cost_commission: c.commission,
    cost_spread: c.spread,
    cost_slippage: c.slippage,
    cost_impact: c.impact,
    cost_borrow: c.borrow,
    cash_interest: c.interest,
    cost_total_bps: traded ? (total / n) * 10_000 : null,
    break_even_bps: traded && input.finalEquity !== null && !input.ruined ? ((input.finalEquity - input.startCash + total) / n) * 10_000 : null,
    unfilled_notional: c.unfilled,
  };
}

/** The share of what the strategy's orders asked (notional) that never filled: 0 when nothing went unfilled (or no limit was set). */
export function unfilledShare(c: RunCosts): number {
  return c.unfilled === 0 ? 0 : c.unfilled / c.asked;
}
