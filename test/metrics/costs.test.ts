import { describe, expect, it } from 'vitest';
import { costMetrics, totalCosts, unfilledShare } from '../../src/metrics/costs.ts';
import type { RunCosts } from '../../src/runner/simulate.ts';

/** A run's cost totals: every kind a different amount, so a kind dropped or subtracted shows. */
function runCosts(over: Partial<RunCosts> = {}): RunCosts {
  return {
    commission: 12.5, spread: 7.25, slippage: 4, impact: 3.5, borrow: 2, interest: 1.5,
    asked: 0, unfilled: 0, untradable: 0, noImpactData: 0, noShares: 0,
    ...over,
  };
}

describe('cost metrics: where the money went', () => {
  it('by hand: C = 12.5 + 7.25 + 4 + 3.5 + 2 = 29.25 over N = 50,000 traded; net P&L 470.75', () => {
    const costs = runCosts({ asked: 80_000, unfilled: 1_200 });
    expect(totalCosts(costs)).toBe(29.25); // interest (1.5) is income, not a cost
    const m = costMetrics({ costs, startCash: 100_000, finalEquity: 100_470.75, tradedNotional: 50_000 });
    expect(m).toMatchObject({
      cost_commission: 12.5, cost_spread: 7.25, cost_slippage: 4, cost_impact: 3.5, cost_borrow: 2,
      cash_interest: 1.5, unfilled_notional: 1_200,
    });
    // cost_total_bps = 29.25 / 50,000 × 10,000 = 5.85; break_even_bps = (470.75 + 29.25) / 50,000 × 10,000 = 100
    expect(m.cost_total_bps).toBeCloseTo(5.85, 12);
    expect(m.break_even_bps).toBeCloseTo(100, 12);
    // the identity the README states: net P&L = (break-even − cost) × N / 10,000
    expect(((m.break_even_bps! - m.cost_total_bps!) * 50_000) / 10_000).toBeCloseTo(470.75, 9);
  });

  it('no trades (N = 0), or no final equity: the two ratios are empty, the totals still reported', () => {
    const idle = costMetrics({ costs: runCosts(), startCash: 100_000, finalEquity: 100_001.5, tradedNotional: 0 });
    expect(idle.cost_total_bps).toBeNull();
    expect(idle.break_even_bps).toBeNull();
    expect(idle.cash_interest).toBe(1.5);
    const noCurve = costMetrics({ costs: runCosts(), startCash: 100_000, finalEquity: null, tradedNotional: 50_000 });
    expect(noCurve.break_even_bps).toBeNull();
    expect(noCurve.cost_total_bps).toBeCloseTo(5.85, 12);
  });

  it('a ruined variant has no break-even (its final equity is floored at 0), but its cost per unit traded stands', () => {
    const m = costMetrics({ costs: runCosts(), startCash: 100_000, finalEquity: 0, tradedNotional: 50_000, ruined: true });
    expect(m.break_even_bps).toBeNull();
    expect(m.cost_total_bps).toBeCloseTo(5.85, 12);
  });
});

describe('unfilledShare: the share of what the orders asked that never filled', () => {
  it('250 of 1,000 asked: a quarter', () => {
    expect(unfilledShare(runCosts({ asked: 1_000, unfilled: 250 }))).toBe(0.25);
  });

  it('no participation limit (nothing asked, nothing unfilled): 0, not 0 / 0', () => {
    expect(unfilledShare(runCosts())).toBe(0);
  });
});
