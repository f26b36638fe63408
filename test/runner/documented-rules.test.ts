import { describe, expect, it } from 'vitest';
import type { Params, Strategy } from '../../src/api.ts';
import { bottomK } from '../../src/factors/select.ts';
import { quintileSpread, summarizeSignal } from '../../src/metrics/signal-diagnostics.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { tradeReason } from '../../src/recorder/trade-log.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule, type FillTiming } from '../../src/runner/schedule.ts';
import { simulate } from '../../src/runner/simulate.ts';
import { createContext } from '../../src/strategy/context.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { buyOnce, strategyOf } from '../support/strategies.ts';

/**
 * The rules README's "Orders and the portfolio", "The model" and "Diagnostics" state (issue 19.12:
 * what an independent reimplementation from the README alone had to guess), each on a hand-made case.
 */
const DATES = businessDates('2024-01-01', 6);

function run(panel: Panel, strategy: Strategy, o: { fill?: FillTiming; cash?: number; commissionBps?: number; slippageBps?: number; fractional?: boolean; params?: Params } = {}) {
  const params = o.params ?? {};
  const fill = o.fill ?? 'open';
  const schedule = planSchedule(panel, parseIsoDate(DATES[1]!)!, parseIsoDate(DATES[5]!)!, strategy.warmup(params as never), fill);
  const settings = { cash: o.cash ?? 1000, fractional: o.fractional ?? false, commissionBps: o.commissionBps ?? 0, slippageBps: o.slippageBps ?? 0 };
  const result = simulate(panel, strategy, params, schedule, settings, new FactorCache(panel, { fill }), createContext(undefined));
  const trades = Array.from({ length: result.trades.length }, (_, k) => ({
    date: panel.dates[result.trades.bar[k]!], symbol: panel.symbols[result.trades.column[k]!],
    quantity: result.trades.quantity[k]!, price: result.trades.price[k]!, fee: result.trades.fee[k]!, reason: tradeReason(result.trades.reason[k]!),
  }));
  return { result, trades };
}

describe('orders and the portfolio, as the README states them', () => {
  it('a delisting sale pays slippage and commission like any fill', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A'], close: [[10], [10], [10], [20], [null], [null]] });
    const { trades } = run(panel, buyOnce({ A: 1 }), { commissionBps: 10, slippageBps: 100 });
    const sale = trades.find((t) => t.reason === 'delisted')!;
    expect(sale.price).toBeCloseTo(20 * 0.99, 12); // the last close, 1 % against the sale
    expect(sale.fee).toBeCloseTo(-sale.quantity * 20 * 0.99 * 0.001, 12);
  });

  it('target shares are sized at the fill price before slippage', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A'], close: DATES.map(() => [10]) });
    const { trades } = run(panel, buyOnce({ A: 0.5 }), { slippageBps: 100 });
    expect(trades[0]!.quantity).toBe(50); // 0.5 × 1000 ÷ 10, not ÷ 10.1 (49)
    expect(trades[0]!.price).toBeCloseTo(10.1, 12);
  });

  it('on a fill day a held symbol with no open is valued at its last close; with --fill open, a close without an open is no price', () => {
    const panel = handPanel({
      dates: DATES, symbols: ['A', 'B'],
      close: [[10, 10], [12, 10], [12, 10], [12, 10], [12, 10], [12, 10]],
      open: [[10, 10], [10, 10], [null, 10], [12, 10], [12, 10], [12, 10]],
    });
    // 50 A at day 1's open; the next decision fills at day 2's open, where A has a close but no open
    const { trades, result } = run(panel, strategyOf((bar): Record<string, number> | undefined => (bar.decision === 0 ? { A: 0.5 } : bar.decision === 1 ? { A: 0.5, B: 0.4 } : undefined)));
    expect(trades[0]).toMatchObject({ date: DATES[1], symbol: 'A', quantity: 50 });
    // equity at that fill = 500 cash + 50 × 12 (A's last close) = 1,100 → B: 0.4 × 1,100 ÷ 10 = 44; A not traded
    expect(trades.slice(1)).toEqual([{ date: DATES[2], symbol: 'B', quantity: 44, price: 10, fee: 0, reason: 'rebalance' }]);
    expect(result.skipped).toEqual([{ bar: 2, column: 0 }]);
  });

  it('buys go in ascending symbol order, so the cash cut falls on the last symbol', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B', 'C'], close: DATES.map(() => [10, 10, 10]) });
    const { trades, result } = run(panel, buyOnce({ C: 0.34, A: 0.34, B: 0.34 }), { commissionBps: 100 });
    // 34 each wanted at 10 (+1 %: 343.4 each): A and B get theirs, C what is left: floor(313.2 ÷ 10.1) = 31
    expect(trades.map((t) => t.symbol)).toEqual(['A', 'B', 'C']);
    expect(trades.map((t) => t.quantity)).toEqual([34, 34, 31]);
    expect(result.cutBuys).toBe(1);
  });

  it('a long position turned short is one fill', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A'], close: DATES.map(() => [10]) });
    const { trades } = run(panel, strategyOf((bar) => (bar.decision === 0 ? { A: 1 } : bar.decision === 1 ? { A: -0.5 } : undefined)));
    expect(trades.map((t) => t.quantity)).toEqual([100, -150]);
  });

  it('with --fractional, an all-in buy with costs is counted as cut (the weights are sized before costs)', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A'], close: DATES.map(() => [10]) });
    const { trades, result } = run(panel, buyOnce({ A: 1 }), { fractional: true, commissionBps: 1 });
    expect(result.cutBuys).toBe(1);
    expect(trades[0]!.quantity).toBeCloseTo(1000 / (10 * 1.0001), 9);
  });

  it('with --fill close, decisions run to the last close, and a delisting on a decision close sells before and after its trades', () => {
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: [[10, 20], [11, 21], [12, 22], [13, 23], [14, null], [15, null]] });
    const { trades, result } = run(panel, strategyOf((bar) => { const w = bar.weights(); w[0] = 0.5; w[1] = 0.5; return w; }), { fill: 'close', slippageBps: 10 });
    expect(result.decisions.at(-1)).toBe(5); // the range's last close
    const onDelisting = trades.filter((t) => t.date === DATES[3] && t.symbol === 'B');
    expect(onDelisting.map((t) => [t.reason, Math.sign(t.quantity)])).toEqual([['delisted', -1], ['rebalance', 1], ['delisted', -1]]);
    expect(onDelisting.every((t) => t.price !== 23)).toBe(true); // each paid its slippage
  });
});

describe('the model and its diagnostics, as the README states them', () => {
  it('inverse-vol with fewer names than slots scales each side by names ÷ slots', async () => {
    const vopa = (await loadStrategy('vopa')).strategy;
    const panel = handPanel({
      dates: DATES, symbols: ['A', 'B', 'C'], groups: ['g', 'g', 'g'],
      close: [[10, 20, 30], [11, 19, 31], [10.5, 21, 29], [11.5, 20, 32], [12, 22, 31], [12.5, 21, 33]],
    });
    const params = { lookback: 2, skip: 0, minPeers: 1, top: 5, bottom: 0, rebalance: 10, weighting: 'inverse-vol', gross: 1 };
    const { trades } = run(panel, vopa, { params, fractional: true, cash: 1000 });
    const first = trades.filter((t) => t.date === trades[0]!.date);
    expect(first).toHaveLength(3); // three names for five slots
    expect(first.reduce((a, t) => a + t.quantity * t.price, 0)).toBeCloseTo(1000 * 3 / 5, 9);
  });

  it('shorts and quintiles break ties toward the lower symbol', () => {
    expect(Array.from(bottomK(Float64Array.of(5, 1, 1, 1, 7), 2))).toEqual([1, 2]); // three equal lowest: the first two
    // ten members, equal signals across both fifths' edges: the lowest fifth takes indices 0, 1 and the highest 6, 7
    const signal = [1, 1, 1, 2, 3, 4, 9, 9, 9, 5];
    const forward = [0.01, 0.02, 0.04, 0, 0, 0, 0.1, 0.2, 0.4, 0];
    expect(quintileSpread(signal, forward)).toBeCloseTo((0.1 + 0.2) / 2 - (0.01 + 0.02) / 2, 15);
  });

  it('coverage averages every decision day, those without an IC included', () => {
    const day = (ic: number | null, coverage: number) => ({ bar: 0, ic, quintileSpread: null, coverage, groupIc: [] });
    const s = summarizeSignal([day(0.1, 1), day(0.3, 0.8), day(null, 0.3)]); // the last: its forward return passes the end
    expect(s.ic_mean).toBeCloseTo(0.2, 15);
    expect(s.coverage).toBeCloseTo((1 + 0.8 + 0.3) / 3, 15);
  });
});
