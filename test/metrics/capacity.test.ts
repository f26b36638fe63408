import { describe, expect, it } from 'vitest';
import { capacityRow } from '../../src/metrics/capacity.ts';
import type { VariantOutcome } from '../../src/metrics/outcome.ts';

/** The parts of a variant's outcome a capacity row reads: its metrics and its run's cost totals. */
function outcome(metrics: Record<string, number | null>, asked: number, unfilled: number): VariantOutcome {
  const costs = { commission: 0, spread: 0, slippage: 0, impact: 0, borrow: 0, interest: 0, asked, unfilled, untradable: 0, noImpactData: 0, noShares: 0 };
  return { metrics, result: { costs } } as unknown as VariantOutcome;
}

describe('capacity.csv rows', () => {
  it("one row per variant and capital: the run's total return, Sharpe, cost per unit traded and unfilled share", () => {
    const o = outcome({ total_return: 0.12, sharpe: 1.5, cost_total_bps: 4.2 }, 1_000, 250);
    expect(capacityRow(o, 3, 1e6)).toEqual({ variant: 3, capital: 1e6, total_return: 0.12, sharpe: 1.5, cost_total_bps: 4.2, unfilled_share: 0.25 });
  });

  it('a ruined point keeps its return and leaves Sharpe empty; without cost metrics the cost is empty, not missing', () => {
    const o = outcome({ total_return: -1, sharpe: null }, 0, 0);
    const row = capacityRow(o, 0, 1e8);
    expect(row).toEqual({ variant: 0, capital: 1e8, total_return: -1, sharpe: null, cost_total_bps: null, unfilled_share: 0 });
    expect('cost_total_bps' in row).toBe(true);
  });
});
