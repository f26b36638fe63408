import { describe, expect, it } from 'vitest';
import type { Bar, Strategy, Weights } from '../../src/api.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { tradeReason } from '../../src/recorder/trade-log.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule, type FillTiming } from '../../src/runner/schedule.ts';
import { simulate } from '../../src/runner/simulate.ts';
import { createContext } from '../../src/strategy/context.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { businessDates, handPanel } from '../support/panel.ts';

/**
 * Multi-symbol position lifecycles, checked day by day against a second, obvious implementation
 * written here (maps by symbol name, one plain loop per bar, no held lists or typed-array scratch):
 * three symbols, a strategy that holds {A, B}, sees B delisted, switches to {C}, and (with close
 * fills) switches to A on the very last close; a warm-up that delays the first decision.
 */

const SYMBOLS = ['A', 'B', 'C'] as const;
const BARS = 12;
const DATES = businessDates('2024-01-01', BARS);
const WARMUP = 2;
const B_LAST = 7; // B's data end at the close of bar 7, inside the range: it is liquidated there
const COSTS = { commission: 0.001, slippage: 0.0005 }; // 10 and 5 bps
const CASH = 10_000;

const price = (base: number, step: number, t: number, wiggle: number) => Math.round((base + step * t + wiggle * ((t * 7) % 5)) * 100) / 100;
const closes = Array.from({ length: BARS }, (_, t) => [price(20, 0.35, t, 0.4), t <= B_LAST ? price(55, -0.8, t, 1.1) : null, price(8, 0.12, t, 0.05)]);
const opens = Array.from({ length: BARS }, (_, t) => [price(19.9, 0.36, t, 0.3), t <= B_LAST ? price(55.5, -0.75, t, 0.9) : null, price(8.05, 0.11, t, 0.07)]);
const PANEL = handPanel({ dates: DATES, symbols: SYMBOLS, close: closes, open: opens });

type Plan = Record<string, number>;
/** The strategy's intent by decision index: {A, B} at once, {C} from decision 6, A alone at decision 9. */
function intent(decision: number): Plan | undefined {
  if (decision === 0) return { A: 0.5, B: 0.5 };
  if (decision === 6) return { C: 1 };
  if (decision === 9) return { A: 1 };
  return undefined;
}

type Shape = 'object' | 'map' | 'array';
interface Seen { t: number; decision: number; equity: number; cash: number }
interface Trade { bar: number; symbol: string; quantity: number; price: number; fee: number; reason: string }

function engineRun(fill: FillTiming, shape: Shape) {
  const seen: Seen[] = [];
  const strategy: Strategy = {
    name: 'lifecycle',
    description: 'holds {A, B}, then {C}, then A',
    params: {},
    warmup: () => WARMUP,
    decide(bar: Bar): Weights | undefined {
      seen.push({ t: bar.t, decision: bar.decision, equity: bar.equity, cash: bar.cash });
      const plan = intent(bar.decision);
      if (plan === undefined) return undefined;
      if (shape === 'map') return new Map(Object.entries(plan));
      if (shape === 'object') return plan;
      const w = bar.weights();
      for (const [s, x] of Object.entries(plan)) w[bar.symbolIndex(s)] = x;
      return w;
    },
  };
  const schedule = planSchedule(PANEL, parseIsoDate(DATES[1]!)!, parseIsoDate(DATES[BARS - 1]!)!, WARMUP, fill);
  const settings = { cash: CASH, fractional: false, commissionBps: COSTS.commission * 10_000, slippageBps: COSTS.slippage * 10_000 };
  const result = simulate(PANEL, strategy, {}, schedule, settings, new FactorCache(PANEL), createContext(undefined));
  const trades: Trade[] = Array.from({ length: result.trades.length }, (_, k) => ({
    bar: result.trades.bar[k]!,
    symbol: PANEL.symbols[result.trades.column[k]!]!,
    quantity: result.trades.quantity[k]!,
    price: result.trades.price[k]!,
    fee: result.trades.fee[k]!,
    reason: tradeReason(result.trades.reason[k]!),
  }));
  return { schedule, result, seen, trades };
}

/** The same run, the obvious way. */
function referenceRun(fill: FillTiming) {
  const first = 1, last = BARS - 1;
  const firstDecision = Math.max(fill === 'open' ? first - 1 : first, WARMUP);
  const lastDecision = fill === 'open' ? last - 1 : last;
  let cash = CASH;
  const shares = new Map<string, number>(SYMBOLS.map((s) => [s, 0]));
  let roundTrips = 0;
  const seen: Seen[] = [];
  const trades: Trade[] = [];
  const equity: number[] = [];
  const cashCurve: number[] = [];
  const at = (rows: (number | null)[][], t: number, s: string) => rows[t]![SYMBOLS.indexOf(s as never)] ?? NaN;
  /** The last close at or before t. */
  const mark = (t: number, s: string) => {
    for (let b = t; b >= 0; b--) if (!Number.isNaN(at(closes, b, s))) return at(closes, b, s);
    return NaN;
  };
  const trade = (bar: number, s: string, q: number, reference: number, reason: string) => {
    const p = q > 0 ? reference * (1 + COSTS.slippage) : reference * (1 - COSTS.slippage);
    const fee = Math.abs(q * p) * COSTS.commission;
    const before = shares.get(s)!;
    shares.set(s, before + q);
    if (before !== 0 && before + q === 0) roundTrips++;
    cash -= q * p + fee;
    trades.push({ bar, symbol: s, quantity: q, price: p, fee, reason });
  };
  const value = (t: number) => SYMBOLS.reduce((v, s) => v + shares.get(s)! * mark(t, s), 0);
  const moveTo = (plan: Plan, t: number, prices: (number | null)[][], marksAt: number) => {
    const px = (s: string) => at(prices, t, s);
    const total = cash + SYMBOLS.reduce((v, s) => v + shares.get(s)! * (Number.isNaN(px(s)) ? mark(marksAt, s) : px(s)), 0);
    const want = (s: string) => Math.trunc(((plan[s] ?? 0) * total) / px(s) + 1e-9);
    for (const s of SYMBOLS) if (want(s) < shares.get(s)!) trade(t, s, want(s) - shares.get(s)!, px(s), 'rebalance');
    for (const s of SYMBOLS) {
      let q = want(s) - shares.get(s)!;
      if (q <= 0) continue;
      const perShare = px(s) * (1 + COSTS.slippage) * (1 + COSTS.commission);
      if (q * perShare > cash) q = Math.floor(cash / perShare);
      if (q > 0) trade(t, s, q, px(s), 'rebalance');
    }
  };
  const delist = (t: number) => {
    if (t === B_LAST && shares.get('B') !== 0) trade(t, 'B', -shares.get('B')!, at(closes, t, 'B'), 'delisted');
  };
  let pending: Plan | undefined;
  for (let t = Math.min(first, firstDecision); t <= last; t++) {
    if (pending) moveTo(pending, t, opens, t - 1);
    pending = undefined;
    delist(t);
    if (t >= firstDecision && t <= lastDecision) {
      seen.push({ t, decision: t - firstDecision, equity: cash + value(t), cash });
      const plan = intent(t - firstDecision);
      if (plan && fill === 'close') {
        moveTo(plan, t, closes, t);
        delist(t);
      } else if (plan) {
        pending = plan;
      }
    }
    if (t >= first) {
      equity.push(cash + value(t));
      cashCurve.push(cash);
    }
  }
  return { seen, trades, equity, cash: cashCurve, roundTrips };
}

describe('three symbols over a position lifecycle, day by day against an obvious implementation', () => {
  for (const fill of ['open', 'close'] as const) {
    for (const shape of ['object', 'map', 'array'] as const) {
      it(`${fill} fills, weights as ${shape === 'array' ? 'a Float64Array' : `a${shape === 'object' ? 'n' : ''} ${shape}`}`, () => {
        const engine = engineRun(fill, shape);
        const ref = referenceRun(fill);
        // the strategy is never asked before its warm-up, and is asked on every decision bar after it
        expect(Math.min(...engine.seen.map((s) => s.t))).toBe(WARMUP);
        expect(engine.seen.map((s) => [s.t, s.decision])).toEqual(ref.seen.map((s) => [s.t, s.decision]));
        // what it sees of its own book at each decision close
        engine.seen.forEach((s, k) => {
          expect(s.equity, `equity seen at bar ${s.t}`).toBeCloseTo(ref.seen[k]!.equity, 8);
          expect(s.cash, `cash seen at bar ${s.t}`).toBeCloseTo(ref.seen[k]!.cash, 8);
        });
        // every fill: when, what, how many, at what price and fee, and why
        expect(engine.trades.map((x) => [x.bar, x.symbol, x.quantity, x.reason])).toEqual(ref.trades.map((x) => [x.bar, x.symbol, x.quantity, x.reason]));
        engine.trades.forEach((x, k) => {
          expect(x.price, `price of fill ${k}`).toBeCloseTo(ref.trades[k]!.price, 10);
          expect(x.fee, `fee of fill ${k}`).toBeCloseTo(ref.trades[k]!.fee, 10);
        });
        // equity and cash on every trading day
        expect(engine.result.curve.equity.length).toBe(ref.equity.length);
        ref.equity.forEach((e, d) => {
          expect(engine.result.curve.equity[d], `equity on ${DATES[d + 1]}`).toBeCloseTo(e, 8);
          expect(engine.result.curve.cash[d], `cash on ${DATES[d + 1]}`).toBeCloseTo(ref.cash[d]!, 8);
        });
        expect(engine.result.roundTrips).toBe(ref.roundTrips);
        expect(Array.from(engine.result.decisions)).toEqual([...new Set(ref.trades.filter((x) => x.reason === 'rebalance').map((x) => x.bar - (fill === 'open' ? 1 : 0)))]);
      });
    }
  }

  it('the story the reference tells is the one intended (so the comparison is not vacuous)', () => {
    const open = referenceRun('open');
    // {A, B} bought at the open after the first decision (bar 2), B delisted at the close of bar 7,
    // A sold and C bought at the open after decision 6 (bar 8); decision 9 would fill after the end
    expect(open.trades.map((x) => [x.bar, x.symbol, Math.sign(x.quantity), x.reason])).toEqual([
      [3, 'A', 1, 'rebalance'], [3, 'B', 1, 'rebalance'], [7, 'B', -1, 'delisted'], [9, 'A', -1, 'rebalance'], [9, 'C', 1, 'rebalance'],
    ]);
    expect(open.roundTrips).toBe(2);
    const close = referenceRun('close');
    // with close fills the last decision is the last close: C is sold and A bought on it
    expect(close.trades.slice(-2).map((x) => [x.bar, x.symbol, Math.sign(x.quantity)])).toEqual([[BARS - 1, 'C', -1], [BARS - 1, 'A', 1]]);
    expect(close.seen.at(-1)!.t).toBe(BARS - 1);
  });
});

describe('delisting', () => {
  it('sells the position at its last close, credits the cash net of costs, and closes one round trip', () => {
    const panel: Panel = handPanel({
      dates: businessDates('2024-01-01', 6),
      symbols: ['A', 'B'],
      close: [[10, 40], [10, 40], [10, 42], [10, 44], [10, null], [10, null]],
    });
    const strategy: Strategy = { name: 'b', description: 'b', params: {}, warmup: () => 0, decide: (bar) => (bar.decision === 0 ? { B: 0.5 } : undefined) };
    const schedule = planSchedule(panel, panel.days[1]!, panel.days[5]!, 0, 'open');
    const result = simulate(panel, strategy, {}, schedule, { cash: 1_000, fractional: false, commissionBps: 100, slippageBps: 0 }, new FactorCache(panel), createContext(undefined));
    // buys trunc(500 / 40) = 12 B at the open of bar 1 (40): cash 1,000 − 480 − 4.80 = 515.20;
    // liquidated at the close of bar 3 (44): cash 515.20 + 528 − 5.28 = 1,037.92
    expect(Array.from(result.trades.quantity)).toEqual([12, -12]);
    expect(tradeReason(result.trades.reason[1]!)).toBe('delisted');
    expect(result.trades.bar[1]).toBe(3);
    expect(result.roundTrips).toBe(1);
    expect(result.curve.cash[2]).toBeCloseTo(1_037.92, 9); // bar 3
    expect(result.curve.net[2]).toBe(0);
    expect(result.curve.gross[2]).toBe(0);
    expect(result.curve.equity[4]).toBeCloseTo(1_037.92, 9);
  });
});
