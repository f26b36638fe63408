import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar, Params, Strategy } from '../../src/api.ts';
import { rollingMean } from '../../src/factors/rolling.ts';
import { FIELDS, type Panel } from '../../src/panel/panel.ts';
import { actingStrategy } from '../../src/runner/acting.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { planSchedule } from '../../src/runner/schedule.ts';
import { simulate } from '../../src/runner/simulate.ts';
import { generateSampleMarket, samplePanel } from '../../src/sample/generator.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { createContext } from '../../src/strategy/context.ts';
import { perturbAfter } from '../support/panel.ts';

/**
 * No look-ahead, as a property: changing any price after bar c never changes a decision made
 * at or before c. Decisions are recorded as the weights each call returned.
 */
const market = generateSampleMarket({ seed: 99, symbols: 24, from: '2024-01-01', to: '2024-07-31', listings: 3, delistings: 3 });
const base = samplePanel(market);
const bars = base.dates.length;

/** Reads every lag it may (prices, volume, factor), and weights the universe by all it saw. */
const greedy: Strategy = {
  name: 'greedy',
  description: 'reads the whole visible history',
  params: {},
  warmup: () => 0,
  factors: () => ({ mean5: rollingMean(5), mean20: rollingMean(20) }),
  decide(bar: Bar) {
    const w = bar.weights();
    for (let lag = 0; lag <= bar.t; lag++) {
      for (const field of FIELDS) {
        const row = bar.row(field, lag);
        for (let i = 0; i < bar.n; i++) if (row[i] === row[i]) w[i] += row[i]! * 1e-9 * (lag + 1);
      }
      const f = bar.factor('mean5', lag);
      for (let i = 0; i < bar.n; i++) if (f[i] === f[i]) w[i] += f[i]! * 1e-9;
    }
    let total = 0;
    for (let i = 0; i < bar.n; i++) total += w[i]!;
    for (let i = 0; i < bar.n; i++) w[i] = total ? w[i]! / total : 0;
    return w;
  },
};

function decisions(panel: Panel, strategy: Strategy, params: Params): Map<number, number[]> {
  const seen = new Map<number, number[]>();
  const spy: Strategy = {
    ...strategy,
    decide(bar, p, ctx) {
      const w = strategy.decide(bar, p, ctx);
      const copy = w === undefined ? [] : w instanceof Float64Array ? Array.from(w) : Object.entries(w as Record<string, number>).flat().map(Number);
      seen.set(bar.t, copy);
      return w;
    },
  };
  const schedule = planSchedule(panel, panel.days[10]!, panel.days[bars - 1]!, strategy.warmup(params as never), 'open');
  // As variants run: a strategy with `actsOn` is asked only on the bars its factor marks (runner/acting.ts).
  const factors = new FactorCache(panel);
  simulate(panel, actingStrategy(spy, params, factors, panel), params, schedule, { cash: 1e6, fractional: false, commissionBps: 1, slippageBps: 1 }, factors, createContext(undefined));
  return seen;
}

describe('no look-ahead', () => {
  it('the view refuses the future', () => {
    const strategy: Strategy = { ...greedy, decide: (bar) => { bar.close(0, -1); } };
    const schedule = planSchedule(base, base.days[5]!, base.days[8]!, 0, 'open');
    expect(() => simulate(base, strategy, {}, schedule, { cash: 1, fractional: false, commissionBps: 0, slippageBps: 0 }, new FactorCache(base), createContext(undefined))).toThrow(/future is not visible/);
  });

  it.each([
    ['greedy reader', async () => ({ strategy: greedy, params: {} })],
    ['sma-cross', async () => ({ strategy: (await loadStrategy('sma-cross')).strategy, params: { symbol: base.symbols[0]!, fast: 3, slow: 8 } })],
    ['buy-and-hold', async () => ({ strategy: (await loadStrategy('buy-and-hold')).strategy, params: {} })],
    ['vopa', async () => ({ strategy: (await loadStrategy('vopa')).strategy, params: { lookback: 10, skip: 0, minPeers: 3, top: 5, bottom: 3, rebalance: 2, weighting: 'inverse-vol', gross: 1 } })],
    ['vopa with skip', async () => ({ strategy: (await loadStrategy('vopa')).strategy, params: { lookback: 8, skip: 3, minPeers: 2, top: 4, bottom: 0, rebalance: 1, weighting: 'equal', gross: 1 } })],
    ['momentum', async () => ({ strategy: (await loadStrategy('momentum')).strategy, params: { lookback: 5, top: 4, rebalance: 1 } })],
  ])('%s: changing any price after t never changes a decision at or before t', async (_, make) => {
    const { strategy, params } = await make();
    const before = decisions(base, strategy, params);
    expect(before.size).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.integer({ min: 9, max: bars - 3 }), fc.integer({ min: 1, max: 2 ** 30 }), (c, seed) => {
        const after = decisions(perturbAfter(base, c, seed), strategy, params);
        for (const [t, w] of before) if (t <= c) expect(after.get(t), `decision at bar ${t}, prices changed after ${c}`).toEqual(w);
        for (const t of after.keys()) if (t <= c) expect(before.has(t), `asked at bar ${t} only once prices changed after ${c}`).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});
