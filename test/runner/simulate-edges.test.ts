import { describe, expect, it } from 'vitest';
import type { Bar, Strategy, Weights } from '../../src/api.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { tradeReason } from '../../src/recorder/trade-log.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule, type FillTiming } from '../../src/runner/schedule.ts';
import { simulate } from '../../src/runner/simulate.ts';
import { createContext } from '../../src/strategy/context.ts';
import { businessDates, handPanel } from '../support/panel.ts';

/** Edges of a run: missing closes around trades, data that end, the schedule's first and last bars, bad weights. */
function run(panel: Panel, decide: (bar: Bar) => Weights | undefined, o: { from?: number; to?: number; fill?: FillTiming; cash?: number } = {}) {
  const strategy: Strategy = { name: 'edge', description: 'edge', params: {}, warmup: () => 0, decide };
  const schedule = planSchedule(panel, panel.days[o.from ?? 1]!, panel.days[o.to ?? panel.days.length - 1]!, 0, o.fill ?? 'open');
  const result = simulate(panel, strategy, {}, schedule, { cash: o.cash ?? 1_000, fractional: false, commissionBps: 0, slippageBps: 0 }, new FactorCache(panel), createContext(undefined));
  const trades = Array.from({ length: result.trades.length }, (_, k) => [result.trades.bar[k], panel.symbols[result.trades.column[k]!], result.trades.quantity[k], result.trades.price[k], tradeReason(result.trades.reason[k]!)]);
  return { result, trades, equity: Array.from(result.curve.equity), schedule };
}
const DATES = businessDates('2024-01-01', 6);

describe('marks: a position is valued at its last known close, never a later one', () => {
  it('bought at an open whose close is missing, after missing closes: valued at the last close before', () => {
    // B: close 20 on bar 0, none on bars 1–2, 30 on bar 3; opens 21 on bar 2 (bought there)
    const panel = handPanel({
      dates: DATES,
      symbols: ['A', 'B'],
      close: [[1, 20], [1, null], [1, null], [1, 30], [1, 30], [1, 30]],
      open: [[1, 20], [1, null], [1, 21], [1, 30], [1, 30], [1, 30]],
    });
    const { trades, equity } = run(panel, (bar) => (bar.t === 1 ? { B: 1 } : undefined));
    expect(trades).toEqual([[2, 'B', 47, 21, 'rebalance']]); // trunc(1,000 ÷ 21)
    // bar 2: 47 B valued at 20 (the close of bar 0), not the fill price, and not bar 3's 30
    expect(equity[1]).toBe(1_000 - 47 * 21 + 47 * 20);
    expect(equity[2]).toBe(1_000 - 47 * 21 + 47 * 30);
  });

  it('a symbol bought at its very first open, before any close, is valued at its fill price', () => {
    const panel = handPanel({
      dates: DATES,
      symbols: ['A', 'B'],
      close: [[1, null], [1, null], [1, null], [1, 12], [1, 12], [1, 12]],
      open: [[1, null], [1, null], [1, 10], [1, 12], [1, 12], [1, 12]],
    });
    const { trades, equity } = run(panel, (bar) => (bar.t === 1 ? { B: 1 } : undefined));
    expect(trades).toEqual([[2, 'B', 100, 10, 'rebalance']]);
    expect(equity[1]).toBe(1_000);
    expect(equity[2]).toBe(1_200);
  });

  it('with close fills, an order in a symbol without a close that day is reported as skipped', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: [[1, 20], [1, 20], [1, null], [1, 20], [1, 20], [1, 20]] });
    const { result, trades } = run(panel, (bar) => (bar.t === 2 ? { B: 1 } : undefined), { fill: 'close' });
    expect(trades).toEqual([]);
    expect(result.skipped).toEqual([{ bar: 2, column: 1 }]);
  });
});

describe('data that end', () => {
  it('a symbol whose data end the day before the last day is liquidated there', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: [[1, 20], [1, 20], [1, 21], [1, 22], [1, 23], [1, null]] });
    const { trades } = run(panel, (bar) => (bar.t === 1 ? { B: 1 } : undefined));
    expect(trades).toEqual([[2, 'B', 47, 21, 'rebalance'], [4, 'B', -47, 23, 'delisted']]);
  });

  it('with close fills, a symbol bought on the last close of its data is liquidated at that same close', () => {
    // B trades on bar 0 only; the run starts on bar 0 and buys at its close
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: [[10, 20], [10, null], [10, null], [10, null], [10, null], [10, null]] });
    const { result, trades, equity } = run(panel, (bar) => (bar.t === 0 ? { A: 0.5, B: 0.5 } : undefined), { from: 0, fill: 'close' });
    expect(trades).toEqual([[0, 'A', 50, 10, 'rebalance'], [0, 'B', 25, 20, 'rebalance'], [0, 'B', -25, 20, 'delisted']]);
    expect(result.roundTrips).toBe(1);
    expect(equity[0]).toBe(1_000);
    expect(result.curve.net[0]).toBe(500);
  });

  it('a symbol sold before its data end gets no delisting trade', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: [[10, 20], [10, 20], [10, 20], [10, 20], [10, null], [10, null]] });
    // holds A and B, sells B at the open of bar 2, B's data end at bar 3
    const { trades } = run(panel, (bar): Weights | undefined => (bar.t === 0 ? { A: 0.5, B: 0.5 } : bar.t === 1 ? { A: 0.5 } : undefined), { from: 1 });
    expect(trades).toEqual([[1, 'A', 50, 10, 'rebalance'], [1, 'B', 25, 20, 'rebalance'], [2, 'B', -25, 20, 'rebalance']]);
  });
});

describe('cut buys and bad weights', () => {
  it('counts the buys cut to what the cash could pay', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: DATES.map(() => [10, 10]) });
    // 120 % of equity asked for: B's buy is cut on each of two decisions (to 40 shares, then to none more)
    const { result, trades } = run(panel, (bar) => (bar.t === 0 || bar.t === 2 ? { A: 0.6, B: 0.6 } : undefined));
    expect(trades).toEqual([[1, 'A', 60, 10, 'rebalance'], [1, 'B', 40, 10, 'rebalance']]);
    expect(result.cutBuys).toBe(2);
  });

  it('a weight array of the wrong length, a NaN weight, or a throw is one error naming the strategy and the date', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: DATES.map(() => [10, 10]) });
    expect(() => run(panel, () => Float64Array.of(1))).toThrow('strategy edge returned 1 weights at 2024-01-01; the universe has 2 symbols');
    expect(() => run(panel, () => ({ B: Number.NaN }))).toThrow('strategy edge gave B a weight of NaN at 2024-01-01');
    const boom = new Error('boom');
    let thrown: unknown;
    try {
      run(panel, () => { throw boom; });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ message: 'strategy edge failed at the close of 2024-01-01: boom', cause: boom });
  });
});
