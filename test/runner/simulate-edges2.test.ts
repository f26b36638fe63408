import { describe, expect, it } from 'vitest';
import type { Bar, Weights } from '../../src/api.ts';
import { allocatePanel, indexCloses, type Panel } from '../../src/panel/panel.ts';
import { applyUniverse, type UniverseRow } from '../../src/panel/universe.ts';
import { tradeReason } from '../../src/recorder/trade-log.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule, type FillTiming } from '../../src/runner/schedule.ts';
import { simulate, type SimulationSettings } from '../../src/runner/simulate.ts';
import { createContext } from '../../src/strategy/context.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { strategyOf } from '../support/strategies.ts';

/**
 * Edges of a run, each checked by hand: a borrow table alone (no flat fee, no cash rate), ruin at
 * equity exactly 0 and on the run's first bar (nothing decided or bought after it, a position
 * without a price sold at the next fill that has one), exits of a rolling universe on a later
 * column and bar (and the equity recorded after a close-fill exit), a held position that has never
 * had a close, and the look-ahead of the skip report.
 */
function run(
  panel: Panel,
  decide: (bar: Bar) => Weights | undefined,
  o: Partial<SimulationSettings> & { from?: number; fill?: FillTiming } = {},
) {
  const fill = o.fill ?? 'open';
  const calls: number[] = [];
  const strategy = strategyOf((bar) => { calls.push(bar.t); return decide(bar); });
  const schedule = planSchedule(panel, panel.days[o.from ?? 1]!, panel.days[panel.days.length - 1]!, 0, fill);
  const settings: SimulationSettings = { cash: 1_000, fractional: false, commissionBps: 0, slippageBps: 0, ...o };
  const result = simulate(panel, strategy, {}, schedule, settings, new FactorCache(panel, { fill }), createContext(undefined));
  const trades = Array.from({ length: result.trades.length }, (_, k) => [
    result.trades.bar[k], panel.symbols[result.trades.column[k]!], result.trades.quantity[k], result.trades.price[k], tradeReason(result.trades.reason[k]!),
  ]);
  return { result, trades, calls, equity: Array.from(result.curve.equity) };
}

const DATES = businessDates('2024-01-01', 6);

describe('a borrow table alone is charged (no --borrow-bps, no --cash-rate)', () => {
  it('a short in the second column pays the table\'s rate of each bar', () => {
    // A long 0.5 (no fee), B short 0.5: −50 shares at 10, market value 500.
    // Table: A none; B 2,520 bps on bars 0–2 (500 × 0.252 / 252 = 0.5 a day), 5,040 from bar 3 (1 a day).
    const panel = handPanel({ dates: DATES, symbols: ['A', 'B'], close: DATES.map(() => [10, 10]) });
    const b = [2520, 2520, 2520, 5040, 5040, 5040];
    const borrow = Float64Array.from(DATES.flatMap((_, t) => [NaN, b[t]!]));
    const { result, trades, equity } = run({ ...panel, borrow }, (bar) => (bar.t === 0 ? { A: 0.5, B: -0.5 } : undefined));
    expect(trades).toEqual([[1, 'B', -50, 10, 'rebalance'], [1, 'A', 50, 10, 'rebalance']]); // sells first
    // fees at the closes of bars 1–5: 0.5, 0.5, 1, 1, 1
    const fees = [0.5, 0.5, 1, 1, 1];
    expect(result.costs.borrow).toBeCloseTo(4, 12);
    let paid = 0;
    expect(equity).toEqual(fees.map((f) => expect.closeTo(1_000 - (paid += f), 12)));
  });
});

describe('ruin', () => {
  it('equity exactly 0 is ruin: the book is sold at the next open, the pending targets are dropped, nothing is decided after', () => {
    // 1,000 cash buys 100 A at 10; A closes at 0 on bar 2: equity 0. The strategy asks for A every bar.
    const panel = handPanel({
      dates: DATES, symbols: ['A'],
      close: [[10], [10], [0], [1], [1], [1]],
      open: [[10], [10], [10], [1], [1], [1]],
    });
    const { result, trades, calls, equity } = run(panel, () => ({ A: 1 }));
    expect(result.ruinedAt).toBe(2);
    expect(trades).toEqual([[1, 'A', 100, 10, 'rebalance'], [3, 'A', -100, 1, 'ruin']]);
    expect(calls).toEqual([0, 1, 2]); // no decision after the ruin's close
    expect(result.decisions).toEqual(Int32Array.from([0, 1, 2]));
    expect(result.skipped).toEqual([]);
    expect(equity).toEqual([1_000, 0, 100, 100, 100]); // bar 3: 100 × 1 in cash
  });

  it('ruin on the run\'s first bar (close fills): recorded as 0, liquidated at the next close, never decided again', () => {
    // Close fills from bar 0: short 100 A at 10 with a 300 % commission (3,000): cash 1,000 + 1,000 − 3,000 = −1,000,
    // equity −1,000 − 1,000 = −2,000 at bar 0. Bar 1's open is 12 but the cover fills at the close, 10,
    // paying 3,000 again: cash −1,000 − 1,000 − 3,000 = −5,000.
    const panel = handPanel({
      dates: DATES, symbols: ['A'],
      close: DATES.map(() => [10]),
      open: [[10], [12], [12], [12], [12], [12]],
    });
    const { result, trades, calls, equity } = run(panel, () => ({ A: -1 }), { from: 0, fill: 'close', commissionBps: 30_000 });
    expect(result.ruinedAt).toBe(0);
    expect(calls).toEqual([0]);
    expect(trades).toEqual([[0, 'A', -100, 10, 'rebalance'], [1, 'A', 100, 10, 'ruin']]);
    expect(result.curve.cash[1]).toBe(-5_000);
    expect(equity).toEqual([0, 0, 0, 0, 0, 0]); // a loss cannot exceed the account
  });

  it('a position without a price at the liquidation is skipped there and sold at the next fill that has one', () => {
    // 50 A and 50 B at 10; both close at 0 on bar 2: equity 0. Bar 3 opens A at 1 and B not at all; B opens at 2 on bar 4.
    const panel = handPanel({
      dates: DATES, symbols: ['A', 'B'],
      close: [[10, 10], [10, 10], [0, 0], [1, null], [1, 2], [1, 2]],
      open: [[10, 10], [10, 10], [10, 10], [1, null], [1, 2], [1, 2]],
    });
    const { result, trades, equity } = run(panel, (bar) => (bar.t === 0 ? { A: 0.5, B: 0.5 } : undefined));
    expect(result.ruinedAt).toBe(2);
    expect(trades).toEqual([[1, 'A', 50, 10, 'rebalance'], [1, 'B', 50, 10, 'rebalance'], [3, 'A', -50, 1, 'ruin'], [4, 'B', -50, 2, 'ruin']]);
    expect(result.skipped).toEqual([{ bar: 3, column: 1 }]);
    // bar 3: cash 50, B still held, marked at its last close 0; bar 4: cash 150
    expect(equity).toEqual([1_000, 0, 50, 150, 150]);
    expect(result.curve.positions[2]).toBe(1);
    expect(result.curve.positions[3]).toBe(0);
  });
});

describe('a rolling universe: the leaver is sold at the first fill of the new season', () => {
  // C (the last column) leaves at the new year, B joins; 7 bars, so the season changes on bar 5.
  const dates = ['2024-12-23', '2024-12-24', '2024-12-26', '2024-12-27', '2024-12-30', '2025-01-02', '2025-01-03'];
  const rows: UniverseRow[] = [
    { season: 2024, symbol: 'A', peer_group: 'g' }, { season: 2024, symbol: 'C', peer_group: 'g' },
    { season: 2025, symbol: 'A', peer_group: 'g' }, { season: 2025, symbol: 'B', peer_group: 'g' },
  ];
  function panel(): Panel {
    const p = allocatePanel({ days: dates.map((d) => new Date(`${d}T00:00:00Z`).getTime() / 86_400_000), symbols: ['A', 'B', 'C'], peerGroups: ['g', 'g', 'g'] });
    p.close.fill(10);
    p.open.fill(10);
    return applyUniverse(indexCloses(p), rows, 'rolling', 2024);
  }

  for (const fill of ['open', 'close'] as const) {
    it(`${fill} fills: C is sold on 2025-01-02 (bar 5), and the equity that day is the cash plus A`, () => {
      const p = panel();
      const { result, trades, equity } = run(p, (bar) => (bar.decision === 0 ? { A: 0.3, C: 0.3 } : undefined), { fill });
      const buyBar = 1; // open fills: bar 1's open, after the decision at bar 0's close; close fills: at bar 1's close
      expect(trades).toEqual([[buyBar, 'A', 30, 10, 'rebalance'], [buyBar, 'C', 30, 10, 'rebalance'], [5, 'C', -30, 10, 'universe']]);
      expect(result.skipped).toEqual([]);
      // prices never move: 1,000 every day; after the exit, 700 cash + 30 A × 10
      expect(equity).toEqual([1_000, 1_000, 1_000, 1_000, 1_000, 1_000]);
      expect(result.curve.cash[4]).toBe(700);
      expect(result.curve.net[4]).toBe(300);
      expect(result.curve.positions[4]).toBe(1);
    });
  }

  it('with a participation limit, what was still to buy of the leaver goes with it: it is never bought again', () => {
    // C trades 20 shares a day; at most half of it fills: 10 a day. 0.9 × 1,000 ÷ 10 = 90 shares asked at bar 1's open:
    // 10 on each of bars 1–4, then C leaves at bar 5's open with 50 still to buy — dropped (500 unfilled), not bought.
    const p = panel();
    p.volume.fill(20);
    const { result, trades } = run(p, (bar) => (bar.decision === 0 ? { C: 0.9 } : undefined), { maxParticipation: 0.5 });
    expect(trades).toEqual([
      [1, 'C', 10, 10, 'rebalance'], [2, 'C', 10, 10, 'rebalance'], [3, 'C', 10, 10, 'rebalance'], [4, 'C', 10, 10, 'rebalance'],
      [5, 'C', -40, 10, 'universe'],
    ]);
    expect(result.costs.asked).toBe(900);
    expect(result.costs.unfilled).toBe(500);
  });

  it('zero weights in a weights array on symbols outside the universe are not counted as dropped', () => {
    // In 2024, B is not a member: its 0 weight is no weight at all
    const { result, trades } = run(panel(), (bar) => {
      if (bar.decision !== 0) return undefined;
      const w = bar.weights();
      w[0] = 0.5;
      return w;
    });
    expect(result.droppedWeights).toBe(0);
    expect(trades).toEqual([[1, 'A', 50, 10, 'rebalance']]);
  });
});

describe('marks', () => {
  it('a position bought at its first open and never closed since keeps its fill price as its mark at the next rebalance', () => {
    // B opens at 10 on bar 2 (bought: 50 shares), has no close before bar 4 and no open on bar 3.
    // The rebalance at bar 3's open values B at 10: equity 1,000, so A gets 0.5 × 1,000 ÷ 10 = 50 shares,
    // and B's target (50 shares) is already met: nothing skipped.
    const panel = handPanel({
      dates: DATES, symbols: ['A', 'B'],
      close: [[10, null], [10, null], [10, null], [10, null], [10, 12], [10, 12]],
      open: [[10, null], [10, null], [10, 10], [10, null], [10, 12], [10, 12]],
    });
    const { result, trades, equity } = run(panel, (bar): Weights | undefined => (bar.t === 1 ? { B: 0.5 } : bar.t === 2 ? { A: 0.5, B: 0.5 } : undefined));
    expect(trades).toEqual([[2, 'B', 50, 10, 'rebalance'], [3, 'A', 50, 10, 'rebalance']]);
    expect(result.skipped).toEqual([]);
    expect(equity).toEqual([1_000, 1_000, 1_000, 1_100, 1_100]);
  });

  it('open fills: whether an order without an open was due is judged at the last close before that open, not the fill day\'s close', () => {
    // B closes at 20 on bar 1, has no open on bar 3 and closes at 1,000 there. The order of 0.5 × 1,000 ÷ 20 = 25
    // shares was due (skipped); judged at bar 3's close it would have been trunc(0.5) = 0 shares.
    const panel = handPanel({
      dates: DATES, symbols: ['A', 'B'],
      close: [[10, null], [10, 20], [10, null], [10, 1_000], [10, 1_000], [10, 1_000]],
      open: [[10, null], [10, 20], [10, null], [10, null], [10, 1_000], [10, 1_000]],
    });
    const { result, trades } = run(panel, (bar) => (bar.t === 2 ? { B: 0.5 } : undefined));
    expect(trades).toEqual([]);
    expect(result.skipped).toEqual([{ bar: 3, column: 1 }]);
  });
});

describe('a margin call drops what a participation limit left to trade', () => {
  it('the short still to sell is not sold after the book was cut back', () => {
    // A trades 150 shares a day, all of it may fill. Short 2 × 1,000 ÷ 10 = 200 at bar 1's open: 150 fill (cash 2,500), 50 carried.
    // A closes at 14: equity 2,500 − 150 × 14 = 400 < 0.25 × 2,100: a margin call. At bar 2's open (14) the book is cut to
    // 2 × 400 = 800 gross: −800 ÷ 14 = −57.14 → −57 shares, a cover of 93. The 50 still to sell are dropped (500 unfilled).
    const panel = handPanel({
      dates: DATES, symbols: ['A'],
      close: [[10], [14], [14], [14], [14], [14]],
      open: [[10], [10], [14], [14], [14], [14]],
      volume: DATES.map(() => [150]),
    });
    const { result, trades } = run(panel, (bar) => (bar.decision === 0 ? { A: -2 } : undefined), { maxParticipation: 1 });
    expect(trades).toEqual([[1, 'A', -150, 10, 'rebalance'], [2, 'A', 93, 14, 'margin']]);
    expect(result.marginCalls).toBe(1);
    expect(result.costs.asked).toBe(2_000);
    expect(result.costs.unfilled).toBe(500);
  });
});

describe('a delisting pays the market impact of its own day', () => {
  it('close fills: the forced sale at the last close costs what a sale by the strategy at that close costs', () => {
    // B's data end on bar 5 (of 8); the same panel with B going on, where the strategy sells B at bar 5's close,
    // is the reference: the same shares, at the same close, with the same history (σ and ADV over 3 days).
    const dates = businessDates('2024-01-01', 8);
    const close = [[10, 20], [10.5, 21], [10.2, 19], [10.8, 22], [11, 20], [11.5, 23], [12, 24], [12, 25]];
    const volume = [[1e5, 3e4], [1e5, 1e4], [1e5, 5e4], [1e5, 2e4], [1e5, 8e4], [1e5, 1e4], [1e5, 1e4], [1e5, 1e4]];
    const goingOn = handPanel({ dates, symbols: ['A', 'B'], close, volume });
    const ending = handPanel({ dates, symbols: ['A', 'B'], close: close.map((r, t) => (t > 5 ? [r[0]!, null] : r)), volume: volume.map((r, t) => (t > 5 ? [r[0]!, null] : r)) });
    const settings = { from: 3, fill: 'close' as const, impact: 'sqrt' as const, advDays: 3, fractional: true };
    const delisted = run(ending, (bar) => (bar.t === 3 ? { B: 0.8 } : undefined), settings);
    const sold = run(goingOn, (bar): Weights | undefined => (bar.t === 3 ? { B: 0.8 } : bar.t === 5 ? { B: 0 } : undefined), settings);
    expect(delisted.trades.map((t) => [t[0], t[1], t[4]])).toEqual([[3, 'B', 'rebalance'], [5, 'B', 'delisted']]);
    expect(sold.trades.map((t) => [t[0], t[1], t[4]])).toEqual([[3, 'B', 'rebalance'], [5, 'B', 'rebalance']]);
    const exitPrice = delisted.trades[1]![3] as number;
    expect(exitPrice).toBeLessThan(23); // it pays some impact
    expect(exitPrice).toBe(sold.trades[1]![3]);
    expect(delisted.result.costs.impact).toBe(sold.result.costs.impact);
  });
});

describe('a buy cut to the cash is one fill in the impact counts', () => {
  it('almgren without shares outstanding: one fill, counted once, though the cut fill is priced again', () => {
    const dates = businessDates('2024-01-01', 6);
    const panel = handPanel({
      dates, symbols: ['A'],
      close: [[10], [10.5], [10.2], [10.8], [11], [11.5]],
      open: [[10], [10.5], [10.2], [10.8], [10], [11.5]], // 1,000 ÷ 10: exactly the cash before impact
      volume: dates.map(() => [1e4]),
    });
    const { result, trades } = run(panel, (bar) => (bar.t === 3 ? { A: 1 } : undefined), { from: 3, impact: 'almgren', advDays: 3 });
    expect(trades.map((t) => [t[0], t[2]])).toEqual([[4, 99]]);
    expect(result.cutBuys).toBe(1); // all the cash, and the impact on top: cut
    expect(result.costs.impact).toBeGreaterThan(0);
    expect(result.costs.noShares).toBe(1);
  });
});
