import { describe, expect, it } from 'vitest';
import { Carry } from '../../src/broker/carry.ts';
import { costModel, type CostOptions } from '../../src/broker/costs.ts';
import type { MarketModel } from '../../src/broker/market-model.ts';
import { Portfolio } from '../../src/broker/portfolio.ts';
import { executeCarried, rebalance, rebalanceScratch, type Fill, type RebalanceOptions } from '../../src/broker/rebalance.ts';

/**
 * Edges of a rebalance's costs and limits, each checked against a hand calculation:
 * a buy cut to the cash with a per-share commission or a minimum commission, a buy that exactly
 * fits the cash, a column without a price and without a usable mark, a participation limit applied
 * only where the caller asks for it, and a carried remainder without a price that waits.
 */
interface Run {
  fills: Fill[];
  skipped: number[];
  cuts: Array<[number, number, number]>;
}

function run(
  p: Portfolio,
  targets: number[],
  prices: number[],
  o: { fractional?: boolean; commissionBps?: number; slippageBps?: number; cost?: CostOptions; marks?: number[]; market?: MarketModel; limited?: boolean; carry?: Carry } = {},
): Run {
  const fills: Fill[] = [];
  const skipped: number[] = [];
  const cuts: Array<[number, number, number]> = [];
  const options: RebalanceOptions = {
    fractional: o.fractional ?? false,
    costs: costModel(o.commissionBps ?? 0, o.slippageBps ?? 0, o.cost),
    market: o.market,
    limited: o.limited,
    carry: o.carry,
    onFill: (f) => fills.push(f),
    onSkip: (i) => skipped.push(i),
    onCut: (i, wanted, got) => cuts.push([i, wanted, got]),
  };
  rebalance(p, Float64Array.from(targets), Float64Array.from(prices), Float64Array.from(o.marks ?? prices), rebalanceScratch(targets.length), options);
  return { fills, skipped, cuts };
}

/** A market model that only answers the participation limit (`limit` shares a fill) and charges `impact(shares)`. */
function fakeMarket(limit: number, impact: (shares: number) => number = () => 0): MarketModel {
  return { limit: () => limit, impactOf: (_i: number, shares: number) => impact(shares) } as unknown as MarketModel;
}

describe('a buy cut to the cash, with a per-share commission', () => {
  it('whole shares: the cost of a share is price + the per-share fee, and the cut fits the cash', () => {
    // 1,000 cash, all into A at 10 with 1 per share: 100 shares would cost 1,100.
    // By hand: floor(1,000 ÷ 11) = 90 shares, 900 + 90 in fees, 10 left.
    const p = new Portfolio(1_000, 1);
    const { fills, cuts } = run(p, [1], [10], { cost: { commissionPerShare: 1 } });
    expect(cuts).toEqual([[0, 100, 90]]);
    expect(fills.map((f) => [f.quantity, f.price, f.fee])).toEqual([[90, 10, 90]]);
    expect(p.quantity[0]).toBe(90);
    expect(p.cash).toBe(10);
    expect(p.cash).toBeGreaterThanOrEqual(0);
  });

  it('fractional: the cash buys exactly 1,000 ÷ (10 × 1.002 + 0.5) shares and nothing is left', () => {
    // 20 bps commission and 0.5 a share: a share costs 10.02 + 0.5 = 10.52
    const p = new Portfolio(1_000, 1);
    const { fills, cuts } = run(p, [1], [10], { fractional: true, commissionBps: 20, cost: { commissionPerShare: 0.5 } });
    const shares = 1_000 / 10.52;
    expect(cuts).toHaveLength(1);
    expect(fills[0]!.quantity).toBeCloseTo(shares, 10);
    expect(fills[0]!.fee).toBeCloseTo(shares * 0.5 + shares * 10 * 0.002, 9);
    expect(p.cash).toBeCloseTo(0, 9);
  });
});

describe('a buy cut to the cash, with a minimum commission', () => {
  it('whole shares: 100 shares plus the 5 minimum do not fit 1,000; 99 do', () => {
    const p = new Portfolio(1_000, 1);
    const { fills, cuts } = run(p, [1], [10], { cost: { minCommission: 5 } });
    // by hand: 100 × 10 + 5 = 1,005 > 1,000; 99 × 10 + 5 = 995
    expect(cuts).toEqual([[0, 100, 99]]);
    expect(fills.map((f) => [f.quantity, f.price, f.fee])).toEqual([[99, 10, 5]]);
    expect(p.cash).toBe(5);
  });

  it('fractional: the cash less the minimum buys (1,000 − 5) ÷ 10 shares', () => {
    const p = new Portfolio(1_000, 1);
    const { fills } = run(p, [1], [10], { fractional: true, cost: { minCommission: 5 } });
    expect(fills[0]!.quantity).toBeCloseTo(99.5, 12);
    expect(fills[0]!.fee).toBe(5);
    expect(p.cash).toBeCloseTo(0, 9);
  });

  it('a buy that costs exactly the cash, minimum included, is not cut', () => {
    // 1,005 cash: 100.5 → 100 whole shares, 100 × 10 + 5 = 1,005 = the cash
    const p = new Portfolio(1_005, 1);
    const { fills, cuts } = run(p, [1], [10], { cost: { minCommission: 5 } });
    expect(cuts).toEqual([]);
    expect(fills.map((f) => [f.quantity, f.fee])).toEqual([[100, 5]]);
    expect(p.cash).toBe(0);
  });

  it('with the rate commission above the minimum, the minimum does not cut a buy that fits', () => {
    // 10 bps on 1,000 × 10 = 10 > minimum 1; 10,010 cash pays 1,000 shares and the fee exactly
    const p = new Portfolio(10_010, 1);
    const { fills, cuts } = run(p, [10_000 / 10_010], [10], { commissionBps: 10, cost: { minCommission: 1 } });
    expect(cuts).toEqual([]);
    expect(fills[0]!.quantity).toBe(1_000);
    expect(fills[0]!.fee).toBeCloseTo(10, 12);
  });
});

describe('a cut buy with market impact is priced at the smaller fill’s own impact', () => {
  it('impact 0.1 % per 100 shares: the cut fill pays its own, smaller impact', () => {
    // 1,000 cash into A at 10; impact = shares × 1e-5 of the price.
    // The order of 100 shares would pay 10 × (1 + 0.001) each: 1,001 > 1,000, so it is cut:
    // affordable at 10.01: floor(1,000 ÷ 10.01) = 99 shares, whose own impact is 99e-5 → price 10.0099.
    const p = new Portfolio(1_000, 1);
    const { fills, cuts } = run(p, [1], [10], { market: fakeMarket(Infinity, (s) => Math.abs(s) * 1e-5) });
    expect(cuts).toEqual([[0, 100, 99]]);
    expect(fills[0]!.quantity).toBe(99);
    expect(fills[0]!.price).toBeCloseTo(10 * (1 + 99e-5), 12);
    expect(fills[0]!.impact).toBeCloseTo(99e-5, 15);
    expect(p.cash).toBeCloseTo(1_000 - 99 * 10 * (1 + 99e-5), 9);
  });
});

describe('a column without a fill price', () => {
  it('with no known close either, a new target is not counted as a skipped trade', () => {
    // B has no price today and has never had one: the trade that was due is unknown
    const p = new Portfolio(1_000, 2);
    const r = run(p, [0.5, 0.5], [10, NaN], { marks: [10, NaN] });
    expect(r.skipped).toEqual([]);
    expect(r.fills.map((f) => [f.column, f.quantity])).toEqual([[0, 50]]);
  });

  it('with a mark of 0 (no usable close), a new target is not counted as a skipped trade', () => {
    const p = new Portfolio(1_000, 2);
    const r = run(p, [0.5, 0.5], [10, NaN], { marks: [10, 0] });
    expect(r.skipped).toEqual([]);
  });

  it('with a negative mark, a new target is not counted as a skipped trade', () => {
    const p = new Portfolio(1_000, 2);
    const r = run(p, [0.5, 0.5], [10, NaN], { marks: [10, -4] });
    expect(r.skipped).toEqual([]);
  });

  it('with a known close, a new target is counted as skipped, and one that needs no trade is not', () => {
    const p = new Portfolio(1_000, 2);
    expect(run(p, [0.5, 0.5], [10, NaN], { marks: [10, 20] }).skipped).toEqual([1]);
    // B held at 25 shares × 20 = 500 of 1,000: its target 0.5 is already met
    const q = new Portfolio(500, 2);
    q.fill(1, 25, 0, 0);
    expect(run(q, [0, 0.5], [10, NaN], { marks: [10, 20] }).skipped).toEqual([]);
  });
});

describe('the participation limit applies only where the caller asks for it', () => {
  it('not limited (a forced cut, or no limit): the order fills whole even with a market and a carry', () => {
    const p = new Portfolio(1_000, 1);
    const carry = new Carry(1);
    const { fills } = run(p, [1], [10], { market: fakeMarket(10), limited: false, carry });
    expect(fills.map((f) => f.quantity)).toEqual([100]);
    expect(carry.count).toBe(0);
    expect(carry.asked).toBe(0);
  });

  it('limited: 10 shares fill, 90 are carried', () => {
    const p = new Portfolio(1_000, 1);
    const carry = new Carry(1);
    const { fills } = run(p, [1], [10], { market: fakeMarket(10), limited: true, carry });
    expect(fills.map((f) => [f.quantity, f.asked])).toEqual([[10, 100]]);
    expect(carry.count).toBe(1);
    expect(carry.shares[0]).toBe(90);
    expect(carry.asked).toBe(1_000);
  });

  it('limited, an order exactly at the limit fills whole and carries nothing', () => {
    const p = new Portfolio(1_000, 1);
    const carry = new Carry(1);
    const { fills } = run(p, [1], [10], { market: fakeMarket(100), limited: true, carry });
    expect(fills.map((f) => f.quantity)).toEqual([100]);
    expect(carry.count).toBe(0);
  });

  it('limited, an order under the limit fills whole and carries nothing', () => {
    const p = new Portfolio(1_000, 1);
    const carry = new Carry(1);
    run(p, [1], [10], { market: fakeMarket(1_000), limited: true, carry });
    expect(p.quantity[0]).toBe(100);
    expect(carry.count).toBe(0);
  });
});

describe('a carried remainder on a day without a price', () => {
  it('waits, unchanged, for the next fill day, and then fills', () => {
    const p = new Portfolio(1_000, 2);
    const carry = new Carry(2);
    carry.set(1, 30, 10);
    const fills: Fill[] = [];
    const options: RebalanceOptions = {
      fractional: false, costs: costModel(0, 0), market: fakeMarket(Infinity), limited: true, carry,
      onFill: (f) => fills.push(f), onSkip: () => {},
    };
    const scratch = rebalanceScratch(2);
    executeCarried(p, Float64Array.from([10, NaN]), scratch, carry, options);
    expect(fills).toEqual([]);
    expect(p.cash).toBe(1_000);
    expect(carry.count).toBe(1);
    expect(carry.shares[1]).toBe(30);
    expect(carry.reference[1]).toBe(10);
    executeCarried(p, Float64Array.from([10, 12]), scratch, carry, options);
    expect(fills.map((f) => [f.column, f.quantity, f.price])).toEqual([[1, 30, 12]]);
    expect(p.cash).toBe(1_000 - 360);
    expect(carry.count).toBe(0);
  });
});
