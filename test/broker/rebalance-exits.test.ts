import { describe, expect, it } from 'vitest';
import { costModel } from '../../src/broker/costs.ts';
import { Portfolio } from '../../src/broker/portfolio.ts';
import { affordableShares, rebalance, rebalanceScratch, sizeShares } from '../../src/broker/rebalance.ts';
import type { Fill } from '../../src/broker/rebalance.ts';

/**
 * A book of several names moved at once: every held name is visited, sells slip down and buys up,
 * commission is paid on each fill's notional, and a buy the sales cannot pay for is cut.
 */
function run(p: Portfolio, targets: number[], prices: number[], o: { fractional?: boolean; commissionBps?: number; slippageBps?: number } = {}) {
  const fills: Fill[] = [];
  const skipped: number[] = [];
  const cuts: Array<[number, number, number]> = [];
  rebalance(p, Float64Array.from(targets), Float64Array.from(prices), Float64Array.from(prices), rebalanceScratch(targets.length), {
    fractional: o.fractional ?? false,
    costs: costModel(o.commissionBps ?? 0, o.slippageBps ?? 0),
    onFill: (f) => fills.push(f),
    onSkip: (i) => skipped.push(i),
    onCut: (i, wanted, got) => cuts.push([i, wanted, got]),
  });
  return { fills, skipped, cuts };
}

/** Five names A–E; B, C and E held (not the lowest-numbered column alone), 100 in cash: equity 1,000 at these prices. */
const PRICES = [12, 20, 40, 50, 25];
function book(): Portfolio {
  const p = new Portfolio(100, 5);
  p.fill(1, 10, 0, 0); // B: 10 × 20 = 200
  p.fill(2, 5, 0, 0); //  C:  5 × 40 = 200
  p.fill(4, 20, 0, 0); // E: 20 × 25 = 500
  return p;
}

// By hand, 10 bps slippage and 20 bps commission:
// sells B −10 at 20 × 0.999 = 19.98 (fee 0.3996), C −5 at 39.96 (fee 0.3996), E −20 at 24.975 (fee 0.999):
// cash 100 + 199.8 + 199.8 + 499.5 − 1.7982 = 997.3018.
// D's target is 1,000 ÷ 50 = 20 shares, but a share costs 50.05 × 1.002 = 50.1501 and 20 cost 1,003.002.
const CASH_AFTER_SALES = 997.3018;
const PER_SHARE = 50.1501;

describe('a rebalance that exits three positions into one', () => {
  it('whole shares: sells all three at slipped prices with commission, then buys the cut amount of D', () => {
    const p = book();
    const { fills, cuts, skipped } = run(p, [0, 0, 0, 1, 0], PRICES, { commissionBps: 20, slippageBps: 10 });
    expect(skipped).toEqual([]);
    expect(fills.map((f) => [f.column, f.quantity])).toEqual([[1, -10], [2, -5], [4, -20], [3, 19]]);
    const expected = [[19.98, 0.3996], [39.96, 0.3996], [24.975, 0.999], [50.05, 19 * 50.05 * 0.002]];
    fills.forEach((f, k) => {
      expect(f.price, `fill ${k} price`).toBeCloseTo(expected[k]![0]!, 12);
      expect(f.fee, `fill ${k} fee`).toBeCloseTo(expected[k]![1]!, 12);
    });
    // floor(997.3018 ÷ 50.1501) = floor(19.886) = 19 shares
    expect(cuts).toEqual([[3, 20, 19]]);
    expect(Array.from(p.quantity)).toEqual([0, 0, 0, 19, 0]);
    expect(Array.from(p.held.subarray(0, p.heldCount))).toEqual([3]);
    expect(p.cash).toBeCloseTo(CASH_AFTER_SALES - 19 * PER_SHARE, 9); // 44.4499
    expect(p.roundTrips).toBe(3);
  });

  it('fractional shares: the cut buy spends the cash exactly, at the slipped price plus commission', () => {
    const p = book();
    const { fills, cuts } = run(p, [0, 0, 0, 1, 0], PRICES, { commissionBps: 20, slippageBps: 10, fractional: true });
    expect(fills.map((f) => f.column)).toEqual([1, 2, 4, 3]);
    const bought = CASH_AFTER_SALES / PER_SHARE; // 19.8863…
    expect(fills[3]!.quantity).toBeCloseTo(bought, 12);
    expect(fills[3]!.price).toBeCloseTo(50.05, 12);
    expect(cuts).toHaveLength(1);
    expect(cuts[0]![1]).toBe(20);
    expect(cuts[0]![2]).toBeCloseTo(bought, 12);
    expect(p.quantity[3]).toBeCloseTo(bought, 12);
    expect(p.cash).toBeCloseTo(0, 9);
    expect(p.heldCount).toBe(1);
  });

  it('a sell slips down and a buy slips up, each by the slippage rate', () => {
    const p = new Portfolio(1_000, 2);
    p.fill(0, 10, 0, 0);
    const { fills } = run(p, [0, 0.5], [100, 100], { slippageBps: 50 });
    expect(fills.map((f) => [f.column, f.quantity])).toEqual([[0, -10], [1, 10]]);
    expect(fills[0]!.price).toBeCloseTo(99.5, 12); // the seller gets less
    expect(fills[1]!.price).toBeCloseTo(100.5, 12); // the buyer pays more
    expect(p.cash).toBeCloseTo(1_000 + 995 - 1_005, 9);
  });

  it('when the cash cannot buy one share, nothing is bought and no empty fill is logged', () => {
    // 50.02 of cash wants trunc(50.02 ÷ 50) = 1 share of D, which costs 50.1501 with costs.
    const p = new Portfolio(50.02, 5);
    const { fills, cuts } = run(p, [0, 0, 0, 1, 0], PRICES, { commissionBps: 20, slippageBps: 10 });
    expect(fills).toEqual([]);
    expect(cuts).toEqual([[3, 1, 0]]);
    expect(p.cash).toBe(50.02);
    expect(p.heldCount).toBe(0);
  });
});

describe('share sizing at the edges', () => {
  it('a large book lands on whole numbers too (the tolerance grows with the count)', () => {
    // 70 % of 3e9 at 7 is 299,999,999.99999994 in floating point: 3e8 shares, not one fewer.
    expect(sizeShares((0.7 * 3e9) / 7, false)).toBe(300_000_000);
    expect(sizeShares(-(0.7 * 3e9) / 7, false)).toBe(-300_000_000);
  });

  it('never spends more than the cash when the division rounds up to a whole number', () => {
    // 1.7 ÷ 0.1 = 17 exactly in floating point, but 17 × 0.1 = 1.7000000000000002 > 1.7.
    for (const [cash, per] of [[1.7, 0.1], [0.63, 0.07], [3.9, 0.1]] as const) {
      const d = affordableShares(cash, per, false);
      expect(d * per, `${cash} at ${per}`).toBeLessThanOrEqual(cash);
      expect((d + 1) * per).toBeGreaterThan(cash);
    }
    expect(affordableShares(1.7, 0.1, false)).toBe(16);
  });

  it('no cash, or less than none, pays for nothing', () => {
    for (const fractional of [false, true]) {
      expect(affordableShares(0, 10, fractional)).toBe(0);
      expect(affordableShares(-25, 10, fractional)).toBe(0);
    }
    expect(affordableShares(25, 10, true)).toBe(2.5);
  });
});

describe('what a rebalance reports', () => {
  it('a buy that costs exactly the cash is bought whole and not reported as cut', () => {
    const p = new Portfolio(1_000, 1);
    const { fills, cuts } = run(p, [1], [10]);
    expect(fills.map((f) => f.quantity)).toEqual([100]);
    expect(cuts).toEqual([]);
    expect(p.cash).toBe(0);
  });

  it('a held position without a price today is reported only when its target would change it', () => {
    // 10 A held at a last close of 50 (equity 1,000 with 500 in cash); A has no open today
    const held = () => {
      const p = new Portfolio(500, 2);
      p.fill(0, 10, 0, 0);
      return p;
    };
    const skips = (target: number) => {
      const skipped: number[] = [];
      rebalance(held(), Float64Array.of(target, 0), Float64Array.of(NaN, 20), Float64Array.of(50, 20), rebalanceScratch(2), {
        fractional: false, costs: costModel(0, 0), onFill: () => {}, onSkip: (i) => skipped.push(i),
      });
      return skipped;
    };
    expect(skips(0.5)).toEqual([]); // 0.5 × 1,000 ÷ 50 = 10 shares: already held, nothing was due
    expect(skips(0.6)).toEqual([0]); // 12 shares were due
    expect(skips(0)).toEqual([0]); // a sale was due
  });
});
