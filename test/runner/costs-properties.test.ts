import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Params, Strategy } from '../../src/api.ts';
import { unfilledShare } from '../../src/metrics/costs.ts';
import { FIELDS, type Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import type { SimulationSettings } from '../../src/runner/simulate.ts';
import { generateSampleMarket, samplePanel } from '../../src/sample/generator.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { evaluateVariant, runSchedule } from '../../src/variants/evaluate.ts';

/**
 * The cost models as properties over synthetic markets (fixed seeds, small sizes):
 * - no look-ahead: σ, ADV and the participation limit at a fill never read a price or a volume after
 *   the fill day, so changing every value after bar c changes no fill on or before c;
 * - with impact and no participation limit, a larger book never has a higher Sharpe ratio;
 * - with a limit, a larger book leaves a larger share of its orders unfilled.
 */
const market = generateSampleMarket({ seed: 41, symbols: 30, from: '2024-01-01', to: '2024-09-30', listings: 2, delistings: 2 });
const base = samplePanel(market);
const bars = base.dates.length;
const vopa = (await loadStrategy('vopa')).strategy;
const momentum = (await loadStrategy('momentum')).strategy;
const longShort = { lookback: 20, skip: 0, minPeers: 3, top: 5, bottom: 5, rebalance: 3, weighting: 'equal', gross: 1 };

function evaluate(panel: Panel, strategy: Strategy, params: Params, settings: Partial<SimulationSettings>, from = 30) {
  const schedule = runSchedule(panel, strategy, [params], panel.days[from]!, panel.days[bars - 1]!, 'open');
  return evaluateVariant({ panel, strategy, id: 1, params, schedule, settings: { cash: 1e6, fractional: false, commissionBps: 1, slippageBps: 1, ...settings }, factors: new FactorCache(panel), diagnostics: false });
}

/** Every fill as [bar, column, quantity, price, asked]. */
function fills(panel: Panel, settings: Partial<SimulationSettings>): number[][] {
  const t = evaluate(panel, vopa, longShort, settings).result.trades;
  return Array.from({ length: t.length }, (_, k) => [t.bar[k]!, t.column[k]!, t.quantity[k]!, t.price[k]!, t.asked[k]!]);
}

/**
 * A copy of the panel with every price and volume after bar c changed (scaled, or made missing);
 * with `sameDay`, bar c's close, high, low and volume too (what is not known at its open).
 */
function perturbAfter(panel: Panel, c: number, seed: number, sameDay = false): Panel {
  const n = panel.symbols.length;
  const copy = { ...panel } as Record<string, unknown>;
  let s = seed;
  for (const field of FIELDS) {
    const data = Float64Array.from(panel[field]);
    const from = sameDay && field !== 'open' ? c : c + 1;
    for (let k = from * n; k < data.length; k++) {
      s = (s * 16807) % 2147483647;
      data[k] = s % 11 === 0 ? NaN : data[k]! * (0.3 + (s % 1000) / 500);
    }
    copy[field] = data;
  }
  return copy as unknown as Panel;
}

describe('cost models: properties', () => {
  it('no look-ahead: changing prices and volumes after bar c changes no fill on or before c (limit, impact, borrow)', () => {
    const settings: Partial<SimulationSettings> = { maxParticipation: 0.002, impact: 'sqrt', advDays: 10, borrowBps: 80, spreadBps: 3, cashRate: 0.02 };
    const before = fills(base, settings);
    expect(before.some((f) => f[2] !== f[4])).toBe(true); // the limit binds
    fc.assert(
      fc.property(fc.integer({ min: 32, max: bars - 3 }), fc.integer({ min: 1, max: 2 ** 30 }), (c, seed) => {
        const after = fills(perturbAfter(base, c, seed), settings);
        expect(after.filter((f) => f[0]! <= c)).toEqual(before.filter((f) => f[0]! <= c));
      }),
      { numRuns: 12, seed: 14 },
    );
  });

  it('no look-ahead within the fill day: σ and ADV for a fill at an open never read that day\'s close or volume', () => {
    // Impact without a limit: the fill at bar c's open may read its open, not its close nor its volume.
    const settings: Partial<SimulationSettings> = { impact: 'almgren', advDays: 5 };
    const before = fills(base, settings);
    fc.assert(
      fc.property(fc.integer({ min: 32, max: bars - 3 }), fc.integer({ min: 1, max: 2 ** 30 }), (c, seed) => {
        const after = fills(perturbAfter(base, c, seed, true), settings);
        expect(after.filter((f) => f[0]! <= c)).toEqual(before.filter((f) => f[0]! <= c));
      }),
      { numRuns: 12, seed: 15 },
    );
  });

  it('with impact and no participation limit, Sharpe does not rise with capital', () => {
    const sharpe = (o: ReturnType<typeof evaluate>) => (o.result.ruinedAt >= 0 ? -Infinity : o.metrics.sharpe ?? -Infinity);
    fc.assert(
      fc.property(
        fc.constantFrom<'sqrt' | 'almgren'>('sqrt', 'almgren'),
        fc.integer({ min: 5, max: 40 }), fc.integer({ min: 3, max: 10 }), fc.integer({ min: 1, max: 5 }),
        (impact, lookback, top, rebalance) => {
          const params = { lookback, top, rebalance };
          const capitals = [1e5, 1e7, 1e9];
          const s = capitals.map((cash) => sharpe(evaluate(base, momentum, params, { cash, impact, advDays: 20 }, 45)));
          for (let k = 1; k < s.length; k++) expect(s[k], `Sharpe at ${capitals[k]} vs ${capitals[k - 1]}: ${s.join(', ')}`).toBeLessThanOrEqual(s[k - 1]! + 1e-12);
        },
      ),
      { numRuns: 16, seed: 2026 },
    );
  });

  it('with a participation limit, the unfilled share rises with capital', () => {
    const shares = [1e5, 1e6, 1e7, 1e8].map((cash) => unfilledShare(evaluate(base, vopa, longShort, { cash, maxParticipation: 0.01 }).result.costs));
    for (let k = 1; k < shares.length; k++) expect(shares[k]).toBeGreaterThan(shares[k - 1]!);
    expect(shares.at(-1)).toBeGreaterThan(0.5);
  });
});
