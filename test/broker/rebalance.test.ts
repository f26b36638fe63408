import { describe, expect, it } from 'vitest';
import { costModel } from '../../src/broker/costs.ts';
import { Portfolio } from '../../src/broker/portfolio.ts';
import { affordableShares, rebalance, rebalanceScratch, sizeShares, type Fill } from '../../src/broker/rebalance.ts';

function run(p: Portfolio, targets: number[], prices: number[], opts: { fractional?: boolean; commissionBps?: number; slippageBps?: number; marks?: number[] } = {}) {
  const fills: Fill[] = [];
  const skipped: number[] = [];
  rebalance(p, Float64Array.from(targets), Float64Array.from(prices), Float64Array.from(opts.marks ?? prices), rebalanceScratch(targets.length), {
    fractional: opts.fractional ?? false,
    costs: costModel(opts.commissionBps ?? 0, opts.slippageBps ?? 0),
    onFill: (f) => fills.push(f),
    onSkip: (i) => skipped.push(i),
  });
  return { fills, skipped };
}

describe('rebalance', () => {
  it('all-in with costs buys floor(cash ÷ (price × (1 + commission))) at the slipped price', () => {
    // by hand: price 33 slips 5 bps to 33.0165; with 10 bps commission a share costs 33.0495165;
    // the target trunc(10,000 / 33) = 303 costs 10,014.00 > 10,000, so it is cut to floor(302.58) = 302.
    const p = new Portfolio(10_000, 1);
    const { fills } = run(p, [1], [33], { commissionBps: 10, slippageBps: 5 });
    expect(fills).toHaveLength(1);
    expect(fills[0]!.quantity).toBe(302);
    expect(fills[0]!.price).toBeCloseTo(33.0165, 12);
    expect(fills[0]!.fee).toBeCloseTo(302 * 33.0165 * 0.001, 9); // 9.970983
    expect(p.cash).toBeCloseTo(10_000 - 9970.983 - 9.970983, 9); // 19.046017
    expect(p.quantity[0]).toBe(302);
  });

  it('sells before it buys, so a switch is paid by the sale', () => {
    const p = new Portfolio(0, 2);
    p.fill(0, 100, 0, 0); // 100 A at 50 = 5,000 of equity, no cash
    const { fills } = run(p, [0, 1], [50, 20]);
    expect(fills.map((f) => [f.column, f.quantity, f.price])).toEqual([[0, -100, 50], [1, 250, 20]]);
    expect(p.cash).toBe(0);
  });

  it('sizes from equity at the fill prices, truncating toward zero, long and short', () => {
    const p = new Portfolio(1000, 2);
    run(p, [-0.5, 0.5], [10, 30]);
    // A: trunc(-500 / 10) = -50 (short sale first: cash 1,500); B: trunc(500 / 30) = 16 (cash 1,020)
    expect(Array.from(p.quantity)).toEqual([-50, 16]);
    expect(p.cash).toBe(1020);
  });

  it('buys fractional shares when allowed', () => {
    const p = new Portfolio(1000, 1);
    run(p, [0.5], [3], { fractional: true });
    expect(p.quantity[0]).toBeCloseTo(500 / 3, 12);
    expect(p.cash).toBeCloseTo(500, 9);
  });

  it('does not trade a symbol without a fill price, and reports it', () => {
    const p = new Portfolio(1000, 2);
    const { fills, skipped } = run(p, [0.5, 0.5], [NaN, 10], { marks: [20, 10] });
    expect(skipped).toEqual([0]);
    expect(fills.map((f) => f.column)).toEqual([1]);
    expect(p.quantity[0]).toBe(0);
    expect(p.quantity[1]).toBe(50);
  });

  it('leaves a position alone when the target needs no trade', () => {
    const p = new Portfolio(0, 1);
    p.fill(0, 10, 0, 0);
    const { fills, skipped } = run(p, [1], [100]);
    expect(fills).toHaveLength(0);
    expect(skipped).toHaveLength(0);
  });
});

describe('share sizing', () => {
  it('lands on whole numbers that floating point misses by a hair', () => {
    expect(sizeShares((0.1 * 1e6) / 10, false)).toBe(10_000);
    expect(sizeShares(9999.999999999998, false)).toBe(10_000);
    expect(sizeShares(-2.9999999999999996, false)).toBe(-3);
    expect(sizeShares(2.5, false)).toBe(2);
    expect(sizeShares(-2.5, false)).toBe(-2);
  });

  it('never spends more than the cash', () => {
    for (const [cash, per] of [[10_000, 33.0495165], [1e6, 0.3], [100, 100], [99.99, 100]] as const) {
      const d = affordableShares(cash, per, false);
      expect(d * per).toBeLessThanOrEqual(cash);
      expect((d + 1) * per).toBeGreaterThan(cash);
    }
  });
});

describe('Portfolio', () => {
  it('keeps its held columns sorted, adding and dropping them as positions open and close', () => {
    const p = new Portfolio(0, 6);
    for (const i of [4, 1, 5, 0]) p.fill(i, 1, 1, 0);
    expect(Array.from(p.held.subarray(0, p.heldCount))).toEqual([0, 1, 4, 5]);
    p.fill(1, -1, 1, 0);
    p.fill(5, -2, 1, 0); // flips short: still held
    expect(Array.from(p.held.subarray(0, p.heldCount))).toEqual([0, 4, 5]);
    p.mark(Float64Array.of(2, 9, 9, 9, 3, 4));
    expect([p.net, p.gross]).toEqual([2 + 3 - 4, 2 + 3 + 4]);
  });
});

describe('Portfolio round trips', () => {
  it('counts a position opened and fully closed, and a flip as a close', () => {
    const p = new Portfolio(0, 1);
    p.fill(0, 10, 1, 0);
    p.fill(0, -4, 1, 0);
    expect(p.roundTrips).toBe(0);
    p.fill(0, -6, 1, 0);
    expect(p.roundTrips).toBe(1);
    p.fill(0, 5, 1, 0);
    p.fill(0, -8, 1, 0); // +5 → −3 closes the long
    expect(p.roundTrips).toBe(2);
    p.fill(0, 3, 1, 0);
    expect(p.roundTrips).toBe(3);
  });
});
