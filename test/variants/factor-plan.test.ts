import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Params } from '../../src/api.ts';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { LocalSource } from '../../src/source/local/local-source.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { runSchedule, type VariantOutcome } from '../../src/variants/evaluate.ts';
import { factorsOf, planFactorBatches } from '../../src/variants/factor-plan.ts';
import { runVariants } from '../../src/variants/run-variants.ts';

const vopa = (await loadStrategy('vopa')).strategy;
const params = (lookback: number, minPeers: number, top: number): Params => ({ lookback, skip: 0, minPeers, top, bottom: 0, rebalance: 5, weighting: 'equal', gross: 1 });
// lookback varies fastest (the worst order for releasing): every run of consecutive variants needs every lookback
const grid: Params[] = [];
for (const top of [3, 8]) for (const minPeers of [2, 3]) for (const lookback of [10, 20, 30, 40, 50]) grid.push(params(lookback, minPeers, top));

describe('planFactorBatches', () => {
  it('one batch in id order when every factor fits the budget', () => {
    const plan = planFactorBatches(vopa, grid, 1000, Infinity);
    expect(plan.batches).toHaveLength(1);
    expect(plan.batches[0]!.variants).toEqual(grid.map((_, k) => k));
    expect(plan.distinct).toBe(15); // 5 values(L) + 10 z-scores(L, minPeers)
  });

  it('batches of at most the budget, each factor computed in one batch and kept only while a later batch needs it', () => {
    const plan = planFactorBatches(vopa, grid, 1000, 4000); // 4 factors at once
    expect(plan.peak).toBeLessThanOrEqual(4);
    expect(plan.batches.flatMap((b) => b.variants).sort((a, b) => a - b)).toEqual(grid.map((_, k) => k));
    const held = new Set<string>();
    const computedIn = new Map<string, number>();
    plan.batches.forEach((b, k) => {
      for (const key of b.factors.keys()) {
        if (!held.has(key)) {
          expect(computedIn.has(key), `${key} computed twice`).toBe(false);
          computedIn.set(key, k);
        }
        held.add(key);
      }
      expect(held.size).toBeLessThanOrEqual(4);
      for (const v of b.variants) for (const key of factorsOf(vopa, grid[v]!).keys()) expect(b.factors.has(key)).toBe(true);
      for (const key of [...held]) if (!b.keep.has(key)) held.delete(key);
    });
    expect(computedIn.size).toBe(15);
    expect(held.size).toBe(0); // the last batch keeps nothing
  });

  it('a budget below one group still gives that group a batch', () => {
    const plan = planFactorBatches(vopa, grid, 1000, 0);
    expect(plan.batches.length).toBe(10); // one per (lookback, minPeers)
    expect(plan.peak).toBe(2);
  });
});

describe('runVariants in batches', () => {
  let panel: Panel;
  let source: LocalSource;
  beforeAll(async () => {
    source = new LocalSource(SAMPLE_DATA_DIR);
    ({ panel } = await source.loadWindow({ season: 2025, startDay: parseIsoDate('2025-06-02')!, endDay: parseIsoDate('2025-09-30')!, warmupBars: 51, shared: true }));
  });
  afterAll(() => source.close());

  const essence = (o: VariantOutcome) => ({ id: o.id, metrics: o.metrics, signal: o.signal?.summary, equity: Array.from(o.result.curve.equity) });

  it.each([[1, Infinity], [2, 0]])('holds at most the budget\'s factors, computes each once, and gives the unbatched results (workers %i)', async (workers, threshold) => {
    const run = async (factorBudget: number | undefined) => {
      const factors = new FactorCache(panel, { shared: true });
      let peak = 0;
      const schedule = runSchedule(panel, vopa, grid, parseIsoDate('2025-06-02')!, parseIsoDate('2025-09-30')!, 'open');
      const result = await runVariants({
        shared: { panel, strategySource: 'vopa', schedule, settings: { cash: 1e6, fractional: false, commissionBps: 1, slippageBps: 1 }, factors: [] },
        strategy: vopa, variants: grid, factors, workers, poolThresholdMs: threshold, factorBudget, signalValues: false,
        progress: () => { peak = Math.max(peak, factors.bytes); },
      });
      return { ...result, peak, computed: factors.computed, left: factors.bytes };
    };
    const bytes = panel.days.length * panel.symbols.length * 8;
    const whole = await run(undefined);
    const batched = await run(4 * bytes);
    expect(whole.peak).toBe(15 * bytes);
    expect(batched.peak).toBeLessThanOrEqual(4 * bytes);
    expect(batched.computed).toBe(15);
    expect(batched.left).toBe(0);
    expect(batched.threads).toBe(workers);
    expect(batched.outcomes.map(essence)).toEqual(whole.outcomes.map(essence));
    expect(batched.outcomes.every((o) => Object.keys(o.signal!.values).length === 0)).toBe(true); // no reference keeps a factor alive
  });
});
