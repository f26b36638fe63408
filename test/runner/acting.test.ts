import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/api.ts';
import { UsageError } from '../../src/errors.ts';
import { actingBars, actingStrategy } from '../../src/runner/acting.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { generateSampleMarket, samplePanel } from '../../src/sample/generator.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { evaluateVariant, runSchedule } from '../../src/variants/evaluate.ts';

/**
 * `actsOn`: the engine asks `decide` only on the bars the named factor marks, and the run is the
 * run without it — every fill, every mark, every metric.
 */
const market = generateSampleMarket({ seed: 5, symbols: 6, from: '2022-01-03', to: '2024-06-28', listings: 1, delistings: 1 });
const panel = samplePanel(market);
const bars = panel.days.length;
const sma = (await loadStrategy('sma-cross')).strategy;

function run(strategy: Strategy, params: Record<string, number | string>, settings: Record<string, unknown> = {}) {
  return evaluateVariant({
    panel, strategy, id: 1, params,
    schedule: runSchedule(panel, strategy, [params], panel.days[0]!, panel.days[bars - 1]!, 'open'),
    settings: { cash: 100_000, fractional: false, commissionBps: 3, slippageBps: 2, ...settings },
    factors: new FactorCache(panel),
  });
}

describe('actsOn', () => {
  it('marks a bar when any symbol’s value is non-zero (NaN is not)', () => {
    expect(Array.from(actingBars(Float64Array.from([0, 0, NaN, 1, 0, -2, NaN, NaN, 0, 0.5]), 2))).toEqual([0, 1, 1, 0, 1]);
  });

  it('sma-cross: every trade and every day of the curve as when it is asked on every bar, whatever the costs', () => {
    const everyBar: Strategy = { ...sma, actsOn: undefined };
    let trades = 0;
    for (const symbol of panel.symbols) {
      for (const [fast, slow] of [[3, 8], [5, 20], [10, 30], [2, 3]]) {
        for (const settings of [{}, { fractional: true, spreadBps: 4, commissionPerShare: 0.01, minCommission: 1, cashRate: 0.02 }]) {
          const params = { symbol, fast: fast!, slow: slow! };
          const a = run(sma, params, settings), b = run(everyBar, params, settings);
          expect(a.result.trades, `${symbol} ${fast}/${slow}`).toEqual(b.result.trades);
          expect(a.result.curve).toEqual(b.result.curve);
          expect(a.result.decisions).toEqual(b.result.decisions);
          expect(a.metrics).toEqual(b.metrics);
          trades += a.result.trades.length;
        }
      }
    }
    expect(trades).toBeGreaterThan(100);
  });

  it('asks decide on the marked decision bars only', () => {
    const asked: number[] = [];
    const spy: Strategy = { ...sma, decide: (bar, p, ctx) => { asked.push(bar.t); return sma.decide(bar, p, ctx); } };
    const params = { symbol: panel.symbols[0]!, fast: 5, slow: 20 };
    const outcome = run(spy, params);
    const cross = new FactorCache(panel).get(sma.factors!(params as never).cross!);
    const n = panel.symbols.length;
    const marked = Array.from({ length: bars }, (_, t) => t).filter((t) => t >= outcome.schedule.firstDecision && t <= outcome.schedule.lastDecision && Array.from(cross.subarray(t * n, t * n + n)).some((v) => v !== 0 && !Number.isNaN(v)));
    expect(asked).toEqual(marked);
    expect(asked.length).toBeLessThan((outcome.schedule.lastDecision - outcome.schedule.firstDecision) / 2); // 6 symbols: a bar where any of them crosses
  });

  it('refuses a factor the strategy does not declare', () => {
    const bad: Strategy = { ...sma, actsOn: () => 'nope' };
    expect(() => actingStrategy(bad, { symbol: '', fast: 2, slow: 5 }, new FactorCache(panel), panel)).toThrow(UsageError);
    expect(() => actingStrategy(bad, { symbol: '', fast: 2, slow: 5 }, new FactorCache(panel), panel)).toThrow(/actsOn names factor "nope", which factors\(\) does not declare/);
  });
});
