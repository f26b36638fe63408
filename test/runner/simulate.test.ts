import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/api.ts';
import { StrategyError } from '../../src/errors.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { tradeReason } from '../../src/recorder/trade-log.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule, type FillTiming } from '../../src/runner/schedule.ts';
import { simulate } from '../../src/runner/simulate.ts';
import { createContext } from '../../src/strategy/context.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { handPanel } from '../support/panel.ts';
import { buyOnce, strategyOf } from '../support/strategies.ts';

const DATES = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];

function run(panel: Panel, strategy: Strategy, o: { start?: string; end?: string; fill?: FillTiming; cash?: number; commissionBps?: number } = {}) {
  const schedule = planSchedule(panel, parseIsoDate(o.start ?? DATES[1]!)!, parseIsoDate(o.end ?? DATES[5]!)!, strategy.warmup({}), o.fill ?? 'open');
  const result = simulate(panel, strategy, {}, schedule, { cash: o.cash ?? 1000, fractional: false, commissionBps: o.commissionBps ?? 0, slippageBps: 0 }, new FactorCache(panel), createContext(undefined));
  const trades = Array.from({ length: result.trades.length }, (_, k) => ({
    date: panel.dates[result.trades.bar[k]!],
    symbol: panel.symbols[result.trades.column[k]!],
    quantity: result.trades.quantity[k],
    price: result.trades.price[k],
    reason: tradeReason(result.trades.reason[k]!),
  }));
  return { schedule, result, trades, equity: Array.from(result.curve.equity) };
}

const oneStock = handPanel({
  dates: DATES,
  symbols: ['A'],
  close: [[10], [11], [12], [11], [13], [14]],
  open: [[10], [10.5], [11.5], [12], [12], [13.5]],
});

describe('simulate', () => {
  it('decides at the last close before start and fills at the next open', () => {
    const { trades, equity, schedule } = run(oneStock, buyOnce({ A: 1 }));
    expect(schedule.firstDecision).toBe(0);
    // trunc(1000 / 10.5) = 95 shares at 10.5 = 997.5, cash 2.5
    expect(trades).toEqual([{ date: '2024-01-02', symbol: 'A', quantity: 95, price: 10.5, reason: 'rebalance' }]);
    expect(equity).toEqual([2.5 + 95 * 11, 2.5 + 95 * 12, 2.5 + 95 * 11, 2.5 + 95 * 13, 2.5 + 95 * 14]);
  });

  it('with close fills, decides and fills at the close of each day from start', () => {
    const { trades, equity } = run(oneStock, buyOnce({ A: 1 }), { fill: 'close' });
    // trunc(1000 / 11) = 90 at 11, cash 10
    expect(trades).toEqual([{ date: '2024-01-02', symbol: 'A', quantity: 90, price: 11, reason: 'rebalance' }]);
    expect(equity[0]).toBe(1000);
    expect(equity[4]).toBe(10 + 90 * 14);
  });

  it('charges commission on the notional', () => {
    const { result } = run(oneStock, buyOnce({ A: 1 }), { commissionBps: 100 });
    // 1 % commission: trunc(1000 / 10.5) = 95 would cost 1,007.475; floor(1000 / 10.605) = 94
    expect(result.trades.quantity[0]).toBe(94);
    expect(result.trades.fee[0]).toBeCloseTo(94 * 10.5 * 0.01, 12);
    expect(result.curve.cash[0]).toBeCloseTo(1000 - 94 * 10.5 * 1.01, 9);
  });

  it('lets holdings drift between decisions (returning nothing keeps them)', () => {
    let calls = 0;
    const strategy = strategyOf((bar) => {
      calls++;
      return bar.decision === 0 ? { A: 0.5 } : undefined;
    });
    const { trades, result } = run(oneStock, strategy);
    expect(trades).toHaveLength(1);
    expect(calls).toBe(5); // closes of 01-01 … 01-05; the close of 01-08 would fill after the end
    expect(Array.from(result.decisions)).toEqual([0]);
  });

  it('liquidates at its last close a symbol whose data end inside the range', () => {
    const panel = handPanel({
      dates: DATES,
      symbols: ['A', 'B'],
      close: [[10, 20], [10, 21], [10, 22], [10, 23], [10, null], [10, null]],
    });
    const { trades, equity } = run(panel, buyOnce({ B: 1 }));
    // buys trunc(1000 / 21) = 47 B at the open of 01-02 (open = close here), sells them at 23 on 01-04
    expect(trades).toEqual([
      { date: '2024-01-02', symbol: 'B', quantity: 47, price: 21, reason: 'rebalance' },
      { date: '2024-01-04', symbol: 'B', quantity: -47, price: 23, reason: 'delisted' },
    ]);
    expect(equity[4]).toBe(1000 - 47 * 21 + 47 * 23);
  });

  it('does not trade a symbol with no price on the fill day, and records it', () => {
    const panel = handPanel({
      dates: DATES,
      symbols: ['A', 'B'],
      close: [[10, 20], [10, 20], [10, 20], [10, 20], [10, 20], [10, 20]],
      open: [[10, 20], [10, null], [10, 20], [10, 20], [10, 20], [10, 20]],
    });
    const { trades, result } = run(panel, buyOnce({ A: 0.5, B: 0.5 }));
    expect(trades.map((t) => t.symbol)).toEqual(['A']);
    expect(result.skipped).toEqual([{ bar: 1, column: 1 }]);
  });

  it('marks a position at its last known close through a gap', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: [[10, 5], [10, 5], [null, 5], [12, 5], [12, 5], [12, 5]] });
    const { equity } = run(panel, buyOnce({ A: 1 }));
    expect(equity.slice(0, 3)).toEqual([1000, 1000, 1200]);
  });

  it('waits for the warm-up when the data begin too late, and says so', () => {
    const strategy = strategyOf((bar) => (bar.decision === 0 ? { A: 1 } : undefined), 2);
    const { schedule, trades } = run(oneStock, strategy);
    expect(schedule.firstDecision).toBe(2);
    expect(schedule.warnings[0]).toMatch(/data begin too late for a warm-up of 2 bars: the run trades from 2024-01-04 \(first decision at the close of 2024-01-03\) instead of 2024-01-02, and is scored from that day/);
    expect(trades[0]!.date).toBe('2024-01-04');
    expect(schedule.first).toBe(3); // the evaluation window starts at the first fill
  });

  it('numbers decisions from the first decision close', () => {
    const seen: number[] = [];
    run(oneStock, strategyOf((bar) => { seen.push(bar.decision); }));
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('names the strategy and the date when a decision throws or returns a bad weight', () => {
    expect(() => run(oneStock, strategyOf(() => { throw new Error('boom'); }))).toThrow(/strategy test failed at the close of 2024-01-01: boom/);
    expect(() => run(oneStock, strategyOf(() => ({ A: NaN })))).toThrow(StrategyError);
    expect(() => run(oneStock, strategyOf(() => ({ ZZZ: 1 })))).toThrow(/ZZZ.*not in the universe/);
  });
});
