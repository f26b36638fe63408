import { describe, expect, it } from 'vitest';
import type { Factor, Strategy } from '../../src/api.ts';
import { belowMaintenance } from '../../src/broker/margin.ts';
import { UsageError } from '../../src/errors.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { actingStrategy } from '../../src/runner/acting.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import type { Schedule } from '../../src/runner/schedule.ts';
import type { SimulationResult, SimulationSettings } from '../../src/runner/simulate.ts';
import { simulateSingleSymbol } from '../../src/runner/single-symbol.ts';
import { createContext } from '../../src/strategy/context.ts';
import { runSchedule } from '../../src/variants/evaluate.ts';
import { businessDates, handPanel } from '../support/panel.ts';
import { expectSameResult, runBothPaths } from '../support/single-symbol.ts';

/**
 * The one-symbol path (runner/single-symbol.ts) against the general simulation on hand-made prices
 * that reach its rarest rules, each checked to happen on the general path too (a skipped fill, a
 * ruin, a margin call): a buy sized by the last close when the fill has no open, a fill at an open
 * on a bar without a close, a book ruined at exactly 0, a leveraged long or a long under a
 * maintenance ratio above 1 failing between two events, a warm-up of 0, the strategy acting on the
 * last bar with next-open fills, a book short on every bar, and schedules whose window and decisions
 * do not start together. Expected values are the general path's, compared bit for bit.
 */

/** Both paths on one schedule; `fast`: whether the one-symbol path must keep the run (else give it back). */
function both(panel: Panel, strategy: Strategy, settings: SimulationSettings, schedule: Schedule, fast: boolean): SimulationResult {
  const { fast: one, general } = runBothPaths(panel, strategy, {}, schedule, settings);
  if (!fast) {
    expect(one, 'given back to the general path').toBeUndefined();
    return general;
  }
  expect(one, 'kept on the one-symbol path').toBeDefined();
  expectSameResult(one!, general);
  return general;
}

function scheduleOf(panel: Panel, strategy: Strategy, fill: 'open' | 'close'): Schedule {
  return runSchedule(panel, strategy, [{}], panel.days[0]!, panel.days.at(-1)!, fill);
}

/**
 * Acts (`actsOn`) on the bars `on` — or on every bar when `on` is 'every' (no actsOn) — and answers
 * `weight(t)` there (undefined: holds). A bar it acts on without an answer is still stepped through.
 */
function strategyOf(on: readonly number[] | 'every', weight: (t: number) => number | undefined, warmup = 2): Strategy {
  const bars = new Set(on === 'every' ? [] : on);
  const marked: Factor = { key: `rare(${on === 'every' ? 'every' : on.join(',')})`, create: () => (history, out) => { out[0] = bars.has(history.t) ? 1 : 0; } };
  return {
    name: 'rare', description: 'test', params: {}, warmup: () => warmup,
    factors: () => ({ marked }),
    ...(on === 'every' ? {} : { actsOn: () => 'marked' }),
    decide(bar) {
      const w = weight(bar.t);
      return w === undefined ? undefined : { XYZ: w };
    },
  } as Strategy;
}

const at = (weights: Record<number, number>) => (t: number) => weights[t];

/** One symbol; `close(t)` and `open(t)` give null for a missing value (open defaults to the close). */
function panelOf(bars: number, close: (t: number) => number | null, open: (t: number) => number | null = close): Panel {
  return handPanel({
    dates: businessDates('2022-03-01', bars), symbols: ['XYZ'],
    close: Array.from({ length: bars }, (_, t) => [close(t)]),
    open: Array.from({ length: bars }, (_, t) => [open(t)]),
  });
}

const PLAIN: SimulationSettings = { cash: 100, fractional: false, commissionBps: 0, slippageBps: 0 };

describe('the one-symbol path on its rarest rules, against the general simulation', () => {
  it('a buy whose fill bar has no open is sized by the last close before it, however old', () => {
    // 100 of cash: at 150 not one share, at 50 two. The position was last seen at 150 (bar 8, flat);
    // closes of 50 follow on quiet bars; the decision close (bar 20) is missing; the open that should
    // fill it (bar 21) too, and the closes after are 160: only the last close up to bar 20 (bar 19's
    // 50) says the order wanted shares, so the general path records it as skipped.
    const panel = panelOf(30, (t) => (t <= 10 ? 150 : t < 20 ? 50 : t === 20 ? null : 160), (t) => (t === 21 ? null : t <= 10 ? 150 : t < 20 ? 50 : 160));
    const general = both(panel, strategyOf([8, 20], at({ 20: 1 })), PLAIN, scheduleOf(panel, strategyOf([8, 20], at({ 20: 1 })), 'open'), true);
    expect(general.skipped).toEqual([{ bar: 21, column: 0 }]);
    // The only close before the fill on the first bar, with a warm-up of 0 (no decision close either).
    const early = panelOf(20, (t) => (t === 0 ? 50 : t < 10 ? null : 50), (t) => (t === 4 ? null : 50));
    const s = strategyOf([3], at({ 3: 1 }), 0);
    expect(both(early, s, PLAIN, scheduleOf(early, s, 'open'), true).skipped).toEqual([{ bar: 4, column: 0 }]);
  });

  it('a position bought before any close keeps its fill price as its mark; a fill at an open without a close keeps the last close', () => {
    // No closes on bars 0–5: bought at bar 1's open (40), then more asked for at bar 3's missing open.
    const noCloses = panelOf(12, (t) => (t <= 5 ? null : 44), (t) => (t === 3 ? null : 40));
    for (const fill of ['open', 'close'] as const) {
      const s = strategyOf([0, 2], at({ 0: 0.5, 2: 1 }), 0);
      const general = both(noCloses, s, { ...PLAIN, cash: 1000 }, scheduleOf(noCloses, s, fill), true);
      expect(general.curve.equity.every(Number.isFinite)).toBe(true);
    }
    const open = panelOf(12, (t) => (t <= 5 ? null : 44), (t) => (t === 3 ? null : 40));
    const s = strategyOf([0, 2], at({ 0: 0.5, 2: 1 }), 0);
    const general = both(open, s, { ...PLAIN, cash: 1000 }, scheduleOf(open, s, 'open'), true);
    // Bought 12 shares at 40 on bar 1 (500 of 1,000); bar 3 has no open (skipped); marked at 40 until bar 6's close.
    expect(general.trades.quantity[0]).toBe(12);
    expect(general.skipped).toEqual([{ bar: 3, column: 0 }]);
    expect(general.curve.equity[2]).toBe(1000);
    // Held at 50, more bought at bar 11's open of 55, a bar without a close: marked at 50 there, not 55.
    const gap = panelOf(20, (t) => (t === 11 ? null : 50), (t) => (t === 11 ? 55 : 50));
    const g = strategyOf([5, 10], at({ 5: 0.5, 10: 0.8 }));
    const gapRun = both(gap, g, { ...PLAIN, cash: 1000 }, scheduleOf(gap, g, 'open'), true);
    const d = 11 - scheduleOf(gap, g, 'open').first;
    // 10 bought at bar 6's open of 50; at bar 11's open equity is 500 + 10 × 55, so 0.8 of it is 15 shares: 5 more at 55.
    expect(gapRun.curve.cash[d]).toBe(1000 - 10 * 50 - 5 * 55);
    expect(gapRun.curve.net[d]).toBe(15 * 50);
  });

  it('a book at exactly 0 equity is ruined: flat after a cover on the last bar, short between events with a margin of 0', () => {
    // Short 100 at 50 (cash 15,000), covered at the last open of 150: cash 0, flat, equity 0.
    const cover = panelOf(20, (t) => (t === 19 ? 150 : 50));
    const s = strategyOf([5, 18], at({ 5: -0.5, 18: 0 }));
    const general = both(cover, s, { ...PLAIN, cash: 10_000 }, scheduleOf(cover, s, 'open'), false);
    expect(general.ruinedAt).toBe(19);
    expect(general.curve.cash.at(-1)).toBe(0);
    // With a maintenance ratio of 0 only equity ≤ 0 ends a run: the price touches 150 on a quiet bar (and on an event bar).
    for (const touch of [12, 18]) {
      const spike = panelOf(30, (t) => (t === touch ? 150 : 50));
      const g = both(spike, s, { ...PLAIN, cash: 10_000, maintenanceMargin: 0 }, scheduleOf(spike, s, 'open'), false);
      expect(g.ruinedAt).toBe(touch);
    }
  });

  it('a run without cash is given back at once, whether the strategy acts never or on every bar', () => {
    const panel = panelOf(15, () => 50);
    for (const fill of ['open', 'close'] as const) {
      for (const s of [strategyOf([], () => 1), strategyOf('every', () => undefined), strategyOf('every', () => 1)]) {
        expect(both(panel, s, { ...PLAIN, cash: 0 }, scheduleOf(panel, s, fill), false).ruinedAt).toBe(scheduleOf(panel, s, fill).firstDecision);
      }
    }
  });

  it('a long book with negative cash (a sell paying more commission than it brought) dipping, and a long under a maintenance ratio above 1 soaring, between two events: given back', () => {
    // Buys cannot borrow (cut to the cash), but a sell can cost more than it brings: with a minimum
    // commission of 20, 1.6 shares bought at 50 for all 100 of cash, then 0.1 sold for 5 leaves cash at
    // −15. At a price under 15 / 1.125 ≈ 13.3 the book is below 0.25 × gross: 12 on quiet bars 20–25,
    // then 50 again before the next event (the general path cuts it at the next open).
    const falling = panelOf(60, (t) => (t >= 20 && t <= 25 ? 12 : 50));
    const long = strategyOf([5, 10, 55], at({ 5: 1, 10: 1.5 / 1.6, 55: 0 }));
    const settings = { cash: 100, fractional: true, commissionBps: 0, slippageBps: 0, minCommission: 20 };
    const general = both(falling, long, settings, scheduleOf(falling, long, 'open'), false);
    expect(general.trades.quantity[1]).toBeCloseTo(-0.1, 12);
    expect(general.curve.cash[12]).toBeCloseTo(-15, 9);
    expect(general.marginCalls).toBeGreaterThan(0);
    // Half the equity long with maintenance 1.5 (the API allows it): equity < 1.5 × gross once the
    // position doubles — the price trebles on quiet bars 20–25, then falls back before the next event.
    const rising = panelOf(80, (t) => (t >= 20 && t <= 25 ? 150 : 50));
    const half = strategyOf([5, 70], at({ 5: 0.5, 70: 0 }));
    const g = both(rising, half, { ...PLAIN, cash: 100_000, maintenanceMargin: 1.5 }, scheduleOf(rising, half, 'open'), false);
    expect(g.curve.equity.some((e, k) => belowMaintenance(e, g.curve.gross[k]!, 1.5))).toBe(true);
  });

  it('a warm-up of 0: a decision at bar 0 held through bar 1, and a symbol whose data end at bar 0', () => {
    const panel = panelOf(10, (t) => 50 + t);
    for (const fill of ['open', 'close'] as const) {
      const s = strategyOf([0, 6], at({ 0: 1, 6: 0 }), 0);
      const general = both(panel, s, { ...PLAIN, cash: 1000 }, scheduleOf(panel, s, fill), true);
      expect(general.decisions[0]).toBe(0);
      expect(general.curve.positions[1]).toBe(1);
    }
    const gone = panelOf(10, (t) => (t === 0 ? 50 : null), (t) => (t === 0 ? 50 : null));
    const s = strategyOf('every', () => 1, 0);
    const general = both(gone, s, { ...PLAIN, cash: 1000 }, scheduleOf(gone, s, 'close'), true);
    expect(Array.from(general.trades.reason)).toEqual([0, 1]); // bought at bar 0's close, sold there: delisted
  });

  it('next-open fills: a strategy acting on the last bar is not asked there (its targets could never fill)', () => {
    const panel = panelOf(20, (t) => 50 + (t % 4));
    const asked: number[] = [];
    const s = strategyOf([10, 18, 19], (t) => { asked.push(t); return t === 10 ? 1 : 0.5; });
    const general = both(panel, s, { ...PLAIN, cash: 1000 }, scheduleOf(panel, s, 'open'), true);
    expect(Array.from(general.decisions)).toEqual([10, 18]);
    expect(asked).toEqual([10, 18, 10, 18]); // each path asks at 10 and 18 only
  });

  it('a book short on every recorded day, stepped on every bar: its short column is the negative net', () => {
    const panel = panelOf(20, (t) => 50 + (t % 3));
    for (const fill of ['open', 'close'] as const) {
      const s = strategyOf('every', () => -0.5);
      const general = both(panel, s, { ...PLAIN, cash: 10_000 }, scheduleOf(panel, s, fill), true);
      expect(general.curve.short.every((v, k) => v < 0 && v === general.curve.net[k])).toBe(true);
    }
  });

  it('schedules whose window and decisions do not start together (as simulate accepts them)', () => {
    // Decisions from bar 8, the window from bar 2, the data ending at bar 5: no decision before bar 8.
    const short = panelOf(30, (t) => (t <= 5 ? 50 : null));
    const every = strategyOf('every', () => 1, 0);
    const late: Schedule = { first: 2, last: 29, firstDecision: 8, lastDecision: 28, fill: 'open', warnings: [] };
    expect(both(short, every, { ...PLAIN, cash: 1000 }, late, true).decisions[0]).toBe(8);
    // Decisions from bar 2, the window from bar 10: a position held (and a short checked) before the window.
    const panel = panelOf(40, (t) => 50 + (t % 5));
    const early: Schedule = { first: 10, last: 39, firstDecision: 2, lastDecision: 38, fill: 'open', warnings: [] };
    for (const w of [1, -0.5]) {
      const general = both(panel, strategyOf([2, 30], at({ 2: w, 30: 0 }), 0), { ...PLAIN, cash: 1000 }, early, true);
      expect(general.trades.bar[0]).toBe(3);
      expect(general.curve.positions[0]).toBe(1);
    }
  });

  it('an actsOn naming an undeclared factor: a UsageError with code E_BAD_STRATEGY, as on the general path', () => {
    const panel = panelOf(10, () => 50);
    const bad = { ...strategyOf([3], () => 1), actsOn: () => 'nope' } as Strategy;
    const factors = new FactorCache(panel);
    const caught = (f: () => unknown) => { try { f(); } catch (err) { return err as UsageError; } throw new Error('no error'); };
    const one = caught(() => simulateSingleSymbol(panel, bad, {}, scheduleOf(panel, bad, 'open'), PLAIN, factors, createContext(undefined)));
    const general = caught(() => actingStrategy(bad, {}, factors, panel));
    expect(one).toBeInstanceOf(UsageError);
    expect(one.code).toBe('E_BAD_STRATEGY');
    expect([one.message, one.code]).toEqual([general.message, general.code]);
  });
});
