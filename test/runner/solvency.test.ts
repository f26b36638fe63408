import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/api.ts';
import { allocatePanel, indexCloses, type Panel } from '../../src/panel/panel.ts';
import { applyUniverse, type UniverseRow } from '../../src/panel/universe.ts';
import { tradeReason } from '../../src/recorder/trade-log.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule, type FillTiming } from '../../src/runner/schedule.ts';
import { simulate, type SimulationSettings } from '../../src/runner/simulate.ts';
import { createContext } from '../../src/strategy/context.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { handPanel } from '../support/panel.ts';
import { buyOnce, strategyOf } from '../support/strategies.ts';

const DATES = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];

function run(panel: Panel, strategy: Strategy, o: Partial<SimulationSettings> & { fill?: FillTiming; dates?: readonly string[] } = {}) {
  const dates = o.dates ?? DATES;
  const fill = o.fill ?? 'open';
  const schedule = planSchedule(panel, parseIsoDate(dates[1]!)!, parseIsoDate(dates.at(-1)!)!, 0, fill);
  const settings: SimulationSettings = { cash: 1000, fractional: false, commissionBps: 0, slippageBps: 0, ...o };
  const result = simulate(panel, strategy, {}, schedule, settings, new FactorCache(panel, { fill }), createContext(undefined));
  const trades = Array.from({ length: result.trades.length }, (_, k) => ({
    date: panel.dates[result.trades.bar[k]!], symbol: panel.symbols[result.trades.column[k]!],
    quantity: result.trades.quantity[k], price: result.trades.price[k], reason: tradeReason(result.trades.reason[k]!),
  }));
  return { result, trades, equity: Array.from(result.curve.equity) };
}

describe('leverage', () => {
  const flat = handPanel({ dates: DATES, symbols: ['A'], close: DATES.map(() => [10]) });

  it('targets above --max-leverage are scaled down at the fill, and counted', () => {
    const { trades, result } = run(flat, buyOnce({ A: -50 }));
    expect(trades).toEqual([{ date: '2024-01-02', symbol: 'A', quantity: -200, price: 10, reason: 'rebalance' }]); // 2 × 1000 ÷ 10
    expect(result.leverageScaled).toBe(1);
    expect(run(flat, buyOnce({ A: -50 }), { maxLeverage: 0.5 }).trades[0]!.quantity).toBe(-50);
    expect(run(flat, buyOnce({ A: 1.5 })).result.leverageScaled).toBe(0); // within the limit: untouched
  });

  it('long and short books are recorded apart: net = long + short, gross = long − short', () => {
    const two = handPanel({ dates: DATES, symbols: ['A', 'B'], close: DATES.map(() => [10, 20]) });
    const { result } = run(two, buyOnce({ A: 0.5, B: -0.5 }));
    const c = result.curve;
    expect([c.long[0], c.short[0], c.net[0], c.gross[0], c.positions[0]]).toEqual([500, -500, 0, 1000, 2]);
  });
});

describe('maintenance margin', () => {
  it('a book below 25 % of gross at a close is cut back to the leverage limit at the next fill (reason margin)', () => {
    // Short 200 shares at 10 on 1,000 of equity (2×; cash 3,000); A rises to 13.5: equity 300 < 0.25 × 2,700.
    const rising = handPanel({ dates: DATES, symbols: ['A'], close: [[10], [10], [13.5], [13.5], [13.5], [13.5]] });
    const { trades, result, equity } = run(rising, buyOnce({ A: -2 }));
    // Cut to 2 × 300 = 600 of gross: trunc(600 ÷ 13.5) = 44 shares short, so 156 are bought back at the next open.
    expect(trades).toEqual([
      { date: '2024-01-02', symbol: 'A', quantity: -200, price: 10, reason: 'rebalance' },
      { date: '2024-01-04', symbol: 'A', quantity: 156, price: 13.5, reason: 'margin' },
    ]);
    expect(result.marginCalls).toBe(1);
    expect(equity).toEqual([1000, 300, 300, 300, 300]);
    expect(result.ruinedAt).toBe(-1);
    // A long book cannot fall below the margin: buys never spend more than the cash.
    expect(run(rising, buyOnce({ A: 1 })).result.marginCalls).toBe(0);
  });
});

describe('ruin', () => {
  const gap = handPanel({ dates: DATES, symbols: ['A'], close: [[10], [10], [25], [25], [30], [30]] });

  it('equity at or below 0 at a close: everything is covered at the next fill, no more decisions, recorded as 0', () => {
    let calls = 0;
    const short = strategyOf((bar) => { calls++; return bar.decision === 0 ? { A: -2 } : undefined; });
    const { trades, result, equity } = run(gap, short);
    // −200 shares at 10 (cash 3,000); A at 25: equity 3,000 − 5,000 = −2,000 ≤ 0 at 2024-01-03's close.
    expect(result.ruinedAt).toBe(2);
    expect(trades).toEqual([
      { date: '2024-01-02', symbol: 'A', quantity: -200, price: 10, reason: 'rebalance' },
      { date: '2024-01-04', symbol: 'A', quantity: 200, price: 25, reason: 'ruin' },
    ]);
    expect(equity).toEqual([1000, 0, 0, 0, 0]);
    expect(calls).toBe(3); // decisions at the closes of 01-01, 01-02 and 01-03 (ruined at that close, after its decision)
  });

  it('with close fills the cover happens at the next close', () => {
    const short = buyOnce({ A: -2 });
    const { trades, result } = run(gap, short, { fill: 'close' });
    expect(result.ruinedAt).toBe(2);
    expect(trades.map((t) => [t.date, t.reason])).toEqual([['2024-01-02', 'rebalance'], ['2024-01-04', 'ruin']]);
  });
});

describe('a rolling universe in the simulation', () => {
  // B leaves at the new year; C joins. A strategy that targets every symbol it may hold.
  const dates = ['2024-12-27', '2024-12-30', '2024-12-31', '2025-01-02', '2025-01-03', '2025-01-06'];
  const rows: UniverseRow[] = [
    { season: 2024, symbol: 'A', peer_group: 'g' }, { season: 2024, symbol: 'B', peer_group: 'g' },
    { season: 2025, symbol: 'A', peer_group: 'g' }, { season: 2025, symbol: 'C', peer_group: 'g' },
  ];
  function panel(): Panel {
    const p = allocatePanel({ days: dates.map((d) => parseIsoDate(d)!), symbols: ['A', 'B', 'C'], peerGroups: ['g', 'g', 'g'] });
    p.close.fill(10);
    p.open.fill(10);
    return applyUniverse(indexCloses(p), rows, 'rolling', 2024);
  }
  const everything = strategyOf((bar) => { const w = bar.weights(); w.fill(0.3); return w; }); // also on non-members: dropped

  it('a name that leaves is sold at the new season\'s first fill (reason universe); one that joins is bought', () => {
    const { trades, result } = run(panel(), buyOnce({ A: 0.3, B: 0.3 }), { dates });
    expect(trades.filter((t) => t.reason === 'universe')).toEqual([{ date: '2025-01-02', symbol: 'B', quantity: -30, price: 10, reason: 'universe' }]);
    expect(result.droppedWeights).toBe(0);
    const all = run(panel(), everything, { dates });
    expect(all.trades.filter((t) => t.symbol === 'C')[0]).toMatchObject({ date: '2025-01-02', quantity: 30 });
    expect(all.trades.filter((t) => t.symbol === 'B' && t.date >= '2025-01-01').map((t) => t.reason)).toEqual(['universe']);
    expect(all.result.droppedWeights).toBeGreaterThan(0); // weights on C in 2024, on B in 2025
  });

  it('with close fills, the leaver is sold at the first close of the new season', () => {
    const { trades } = run(panel(), buyOnce({ A: 0.3, B: 0.3 }), { dates, fill: 'close' });
    expect(trades.filter((t) => t.reason === 'universe')).toEqual([{ date: '2025-01-02', symbol: 'B', quantity: -30, price: 10, reason: 'universe' }]);
  });
});
