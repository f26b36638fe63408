import { describe, expect, it } from 'vitest';
import type { Params } from '../../src/api.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { evaluateVariant, runSchedule } from '../../src/variants/evaluate.ts';
import { runVariants } from '../../src/variants/run-variants.ts';
import { businessDates, handPanel } from '../support/panel.ts';

/**
 * The benchmark's sma-cross sweep (fast 5..50 step 5 × slow 20..200 step 20, fast < slow: 90 variants)
 * on one symbol: no hidden per-variant factor work — each rolling mean is computed once for the
 * whole sweep (18 distinct lengths) and each pair's crossing once (90) — and every outcome is the
 * general simulation's.
 */
const sma = (await loadStrategy('sma-cross')).strategy;

function walk(bars: number): Panel {
  let s = 3, price = 40;
  const close: number[][] = [];
  for (let t = 0; t < bars; t++) {
    s = (s * 16807) % 2147483647;
    price = Math.max(1, price * (1 + (s / 2147483647 - 0.5) * 0.05));
    close.push([Math.round(price * 100) / 100]);
  }
  return handPanel({ dates: businessDates('2010-01-01', bars), symbols: ['ABC'], close });
}

describe('the sma-cross sweep on one symbol', () => {
  const panel = walk(700);
  const variants: Params[] = [];
  for (let fast = 5; fast <= 50; fast += 5) for (let slow = 20; slow <= 200; slow += 20) if (fast < slow) variants.push({ symbol: '', fast, slow });
  const settings = { cash: 100_000, fractional: false, commissionBps: 1, slippageBps: 1 };

  it('computes each rolling mean once and each crossing once, and gives the general path’s outcomes', async () => {
    const schedule = runSchedule(panel, sma, variants, panel.days[0]!, panel.days.at(-1)!, 'open');
    expect(variants).toHaveLength(90);
    const factors = new FactorCache(panel);
    const { outcomes } = await runVariants({ shared: { panel, strategySource: 'sma-cross', schedule, settings, factors: [] }, strategy: sma, variants, factors, workers: 1 });
    const lengths = new Set(variants.flatMap((p) => [p.fast, p.slow]));
    expect(lengths.size).toBe(18);
    expect(factors.computed).toBe(18 + 90);
    const general = new FactorCache(panel);
    outcomes.forEach((o, k) => {
      const g = evaluateVariant({ panel, strategy: sma, id: k + 1, params: variants[k]!, schedule, settings, factors: general, generalPath: true });
      expect(o.metrics, `variant ${k + 1}`).toEqual(g.metrics);
      expect(o.result.trades).toEqual(g.result.trades);
      expect(o.result.curve).toEqual(g.result.curve);
    });
  });
});
