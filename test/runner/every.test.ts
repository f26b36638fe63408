import { describe, expect, it } from 'vitest';
import type { Bar, Params, Strategy, StrategyContext } from '../../src/api.ts';
import { UsageError } from '../../src/errors.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { decisionEvery, decisionRows } from '../../src/runner/schedule.ts';
import type { SimulationSettings } from '../../src/runner/simulate.ts';
import { singleSymbolApplies } from '../../src/runner/single-symbol.ts';
import { generateSampleMarket, samplePanel } from '../../src/sample/generator.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { evaluateVariant, runSchedule, signalValues, type VariantOutcome } from '../../src/variants/evaluate.ts';
import { walkForwardStrategy } from '../../src/walkforward/composite.ts';
import { askedEveryBar } from '../support/strategies.ts';

/**
 * `every`: a strategy that decides on every R-th decision bar only (vopa and momentum: their
 * `rebalance`) is asked on those bars alone, and its sparse factors are computed on those rows alone.
 * The run must be the run of the same strategy asked on every bar that returns nothing between
 * (as vopa and momentum did before they declared it): every trade, every day of the curve, every
 * decision, metric and diagnostic, bit for bit.
 */
const vopa = (await loadStrategy('vopa')).strategy;
const momentum = (await loadStrategy('momentum')).strategy;
const market = generateSampleMarket({ seed: 9, symbols: 60, from: '2022-01-03', to: '2024-06-28', listings: 3, delistings: 3 });
const panel = samplePanel(market);

function run(on: Panel, strategy: Strategy, params: Params, fill: 'open' | 'close' = 'open', settings: Partial<SimulationSettings> = {}): VariantOutcome {
  const bars = on.days.length;
  return evaluateVariant({
    panel: on, strategy, id: 1, params,
    schedule: runSchedule(on, strategy, [params], on.days[0]!, on.days[bars - 1]!, fill),
    settings: { cash: 1e6, fractional: false, commissionBps: 2, slippageBps: 1, ...settings },
    factors: new FactorCache(on, { fill }),
  });
}

/** Everything a run produced, as plain data (typed arrays compared element by element, −0 apart from 0). */
function essence(o: VariantOutcome) {
  return { trades: o.result.trades, curve: o.result.curve, decisions: Array.from(o.result.decisions), metrics: o.metrics, signal: o.signal && { days: o.signal.days, summary: o.signal.summary }, warnings: o.warnings };
}

describe('every: a strategy deciding on every R-th decision bar', () => {
  it('vopa: the same run as asking decide on every bar (trades, curve, decisions, metrics, diagnostics), for R = 1, 2, 5 and 7, open and close fills, shorts and inverse-vol weights', () => {
    const base = { lookback: 21, skip: 0, minPeers: 3, top: 5, bottom: 0, rebalance: 5, weighting: 'equal', gross: 1 };
    let trades = 0;
    for (const change of [{}, { rebalance: 1 }, { rebalance: 2, bottom: 4 }, { rebalance: 7, skip: 3, weighting: 'inverse-vol' }, { rebalance: 5, minPeers: 20, lookback: 63 }]) {
      for (const fill of ['open', 'close'] as const) {
        const params = { ...base, ...change };
        const a = run(panel, vopa, params, fill), b = run(panel, askedEveryBar(vopa), params, fill);
        expect(essence(a), `${JSON.stringify(change)} ${fill}`).toEqual(essence(b));
        trades += a.result.trades.quantity.length;
      }
    }
    expect(trades).toBeGreaterThan(1000);
  });

  it('momentum likewise, with every cost model on', () => {
    const costs = { spreadBps: 3, commissionPerShare: 0.005, minCommission: 1, maxParticipation: 0.05, advDays: 10, impact: 'almgren' as const, impactHorizon: 0.5, borrowBps: 40, cashRate: 0.02 };
    for (const rebalance of [1, 3, 10]) {
      const params = { lookback: 20, top: 8, rebalance };
      expect(essence(run(panel, momentum, params, 'open', costs)), `R = ${rebalance}`).toEqual(essence(run(panel, askedEveryBar(momentum), params, 'open', costs)));
    }
  });

  it('asks decide on bars firstDecision + kR only, on the general path and on the one-symbol path', () => {
    const one = samplePanel(generateSampleMarket({ seed: 4, symbols: 1, from: '2022-01-03', to: '2023-06-30' }));
    for (const [on, params] of [[panel, { lookback: 21, skip: 0, minPeers: 3, top: 5, bottom: 0, rebalance: 6, weighting: 'equal', gross: 1 }], [one, { lookback: 21, skip: 0, minPeers: 1, top: 1, bottom: 0, rebalance: 4, weighting: 'equal', gross: 1 }]] as const) {
      const asked: number[] = [];
      const spy: Strategy = { ...vopa, decide: (bar, p, ctx) => { asked.push(bar.t); return vopa.decide(bar, p, ctx); } };
      const outcome = run(on, spy, params);
      const { firstDecision, lastDecision } = outcome.schedule;
      const want: number[] = [];
      for (let t = firstDecision; t <= lastDecision; t += params.rebalance) want.push(t);
      expect(asked).toEqual(want);
      expect(Array.from(outcome.result.decisions)).toEqual(want);
      expect(singleSymbolApplies(on, { cash: 1, fractional: false, commissionBps: 0, slippageBps: 0 }, new FactorCache(on))).toBe(on === one);
    }
  });

  it('a walk-forward asks each segment’s variant on its own every R-th bar from the segment’s first decision', () => {
    const asked: Array<[number, number]> = [];
    const base: Strategy = {
      name: 'spy', description: '', params: {}, warmup: () => 0, every: (p) => (p as unknown as { r: number }).r,
      decide: (bar, p) => { asked.push([bar.t, bar.decision]); expect((bar.decision) % (p as unknown as { r: number }).r).toBe(0); return undefined; },
    };
    const composite = walkForwardStrategy(base, [{ id: 1, params: { r: 3 }, firstDecision: 10, lastDecision: 20 }, { id: 2, params: { r: 4 }, firstDecision: 21, lastDecision: 35 }], 40);
    const ctx: StrategyContext = { supabase: undefined, data: undefined, state: {}, warn: () => {} };
    for (let t = 0; t < 40; t++) composite.decide({ t } as Bar, {} as never, ctx);
    expect(asked).toEqual([[10, 0], [13, 3], [16, 6], [19, 9], [21, 0], [25, 4], [29, 8], [33, 12]]);
  });

  it('a lag between decision bars is refused with a clear error; lags that are multiples of R read the earlier decision rows', () => {
    const params = { lookback: 21, skip: 0, minPeers: 3, top: 5, bottom: 0, rebalance: 5, weighting: 'equal', gross: 1 };
    const seen: number[] = [];
    const reading = (lag: number): Strategy => ({ ...vopa, decide: (bar, p, ctx) => { if (bar.decision >= 10) seen.push(bar.factorValue('vopa', 0, lag)); return vopa.decide(bar, p, ctx); } });
    const whole = new FactorCache(panel).get(vopa.factors!(params as never).vopa!);
    const outcome = run(panel, reading(10), params);
    const n = panel.symbols.length;
    const want = [];
    for (let t = outcome.schedule.firstDecision + 10; t <= outcome.schedule.lastDecision; t += 5) want.push(whole[(t - 10) * n]);
    expect(seen).toEqual(want);
    for (const lag of [1, 4, 6]) expect(() => run(panel, reading(lag), params)).toThrow(`factor "vopa" at lag ${lag} lands between decision bars: a strategy that declares every(R) reads its factors on its decision bars only (lags that are multiples of R, from its first decision on)`);
    const rowReader: Strategy = { ...vopa, decide: (bar, p, ctx) => { if (bar.decision >= 5) bar.factor('value', 3); return vopa.decide(bar, p, ctx); } };
    expect(() => run(panel, rowReader, params)).toThrow(/factor "value" at lag 3 lands between decision bars/);
  });

  it('the signal values (diagnostics, signals.csv, a queue coordinator\'s): on the decision rows, from a fresh cache too', () => {
    const params = { lookback: 21, skip: 0, minPeers: 3, top: 5, bottom: 0, rebalance: 4, weighting: 'equal', gross: 1 };
    const schedule = runSchedule(panel, vopa, [params], panel.days[0]!, panel.days.at(-1)!, 'open');
    const whole = new FactorCache(panel);
    const factors = vopa.factors!(params as never);
    const values = signalValues(vopa, params, schedule, new FactorCache(panel));
    expect(Object.keys(values)).toEqual(['value', 'vopa']);
    const n = panel.symbols.length;
    let compared = 0;
    for (const name of ['value', 'vopa'] as const) {
      const all = whole.get(factors[name]!);
      for (let t = 0; t < panel.days.length; t++) {
        const decision = t >= schedule.firstDecision && t <= schedule.lastDecision && (t - schedule.firstDecision) % 4 === 0;
        for (let i = 0; i < n; i++) {
          const got = values[name]![t * n + i]!;
          if (decision) { expect(Object.is(got, all[t * n + i]), `${name} ${t} ${i}`).toBe(true); compared += Number(!Number.isNaN(got)); }
          else expect(got, `${name} ${t} ${i}`).toBeNaN();
        }
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('every must give a whole number ≥ 1: a bad strategy (exit 2)', () => {
    const rows = decisionRows({ first: 3, last: 20, firstDecision: 2, lastDecision: 19, fill: 'open', warnings: [] }, 22, 4);
    expect(Array.from(rows!).flatMap((x, t) => (x ? [t] : []))).toEqual([2, 6, 10, 14, 18]);
    expect(decisionRows({ first: 3, last: 20, firstDecision: 2, lastDecision: 19, fill: 'open', warnings: [] }, 22, undefined)).toBeUndefined();
    expect(decisionEvery(vopa, { rebalance: 7 })).toBe(7);
    expect(decisionEvery({ ...vopa, every: undefined }, { rebalance: 7 })).toBeUndefined();
    for (const bad of [0, -1, 1.5, NaN, Infinity, '3' as unknown as number]) {
      const s: Strategy = { ...vopa, every: () => bad };
      let thrown: unknown;
      try { decisionEvery(s, {}); } catch (err) { thrown = err; }
      expect(thrown, String(bad)).toBeInstanceOf(UsageError);
      expect((thrown as UsageError).code).toBe('E_BAD_STRATEGY');
      expect((thrown as Error).message).toBe(`strategy vopa: every must give a whole number ≥ 1, got ${String(bad)}`);
    }
  });
});
