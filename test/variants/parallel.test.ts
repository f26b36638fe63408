import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Params } from '../../src/api.ts';
import { evaluateVariant, runSchedule, type VariantOutcome } from '../../src/variants/evaluate.ts';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { LocalSource } from '../../src/source/local/local-source.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { runVariants } from '../../src/variants/run-variants.ts';
import { FIXTURES } from '../support/cli.ts';
import { askedEveryBar } from '../support/strategies.ts';

const settings = { cash: 1e6, fractional: false, commissionBps: 2, slippageBps: 1 };
let panel: Panel;
let source: LocalSource;
beforeAll(async () => {
  source = new LocalSource(SAMPLE_DATA_DIR);
  ({ panel } = await source.loadWindow({ season: 2025, startDay: parseIsoDate('2025-06-02')!, endDay: parseIsoDate('2025-09-30')!, warmupBars: 64, shared: true }));
});
afterAll(() => source.close());

async function run(strategySource: string, variants: Params[], workers: number, threshold: number) {
  const { strategy } = await loadStrategy(strategySource);
  const factors = new FactorCache(panel, { shared: true });
  const result = await runVariants({
    shared: { panel, strategySource, schedule: runSchedule(panel, strategy, variants, parseIsoDate('2025-06-02')!, parseIsoDate('2025-09-30')!, 'open'), settings, factors: [] },
    strategy, variants, factors, workers, poolThresholdMs: threshold,
  });
  return { ...result, factors };
}

/** What a variant produced, as plain data for comparison. */
const essence = (o: VariantOutcome) => ({
  id: o.id, params: o.params, metrics: o.metrics, signal: o.signal?.summary,
  equity: Array.from(o.result.curve.equity), trades: Array.from(o.result.trades.quantity), prices: Array.from(o.result.trades.price),
});

const grid: Params[] = [];
for (const lookback of [21, 42, 63]) for (const top of [3, 5, 10, 20]) grid.push({ lookback, skip: 0, minPeers: 3, top, bottom: top % 2 ? 2 : 0, rebalance: 5, weighting: top > 5 ? 'inverse-vol' : 'equal', gross: 1 });

describe('variants in parallel over one shared panel', () => {
  it('gives identical results whatever the worker count and scheduling', async () => {
    const here = await run('vopa', grid, 1, Infinity);
    const two = await run('vopa', grid, 2, 0);
    const three = await run('vopa', [...grid], 3, 0);
    expect(here.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(three.threads).toBe(3);
    expect(two.outcomes.map(essence)).toEqual(here.outcomes.map(essence));
    expect(three.outcomes.map(essence)).toEqual(here.outcomes.map(essence));
  });

  it('computes the factors on the rows the variants decide on (their union), with the outcomes of factors computed on every row, whatever the worker count', async () => {
    const { strategy } = await loadStrategy('vopa');
    const sweep: Params[] = [];
    for (const lookback of [21, 42]) for (const rebalance of lookback === 21 ? [3, 5, 10] : [1, 4]) sweep.push({ lookback, skip: 0, minPeers: 3, top: 5, bottom: 2, rebalance, weighting: 'equal', gross: 1 });
    const schedule = runSchedule(panel, strategy, sweep, parseIsoDate('2025-06-02')!, parseIsoDate('2025-09-30')!, 'open');
    const reference = sweep.map((params, k) => essence(evaluateVariant({ panel, strategy: askedEveryBar(strategy), id: k + 1, params, schedule, settings, factors: new FactorCache(panel) })));
    for (const [workers, threshold] of [[1, Infinity], [2, 0], [3, 0]] as const) {
      const { outcomes, threads, factors } = await run('vopa', sweep, workers, threshold);
      expect(outcomes.map((o) => o.id)).toEqual([1, 2, 3, 4, 5]);
      expect(threads).toBe(workers);
      expect(outcomes.map(essence), `${workers} worker(s)`).toEqual(reference);
      // L = 21: decisions every 3, 5 and 10 bars from the first: computed on their union only. L = 42: on
      // every decision bar (R = 1), and not on the warm-up's bars before them or the bars after the last.
      const n = panel.symbols.length;
      const computedOn = (values: Float64Array) => Array.from({ length: panel.days.length }, (_, t) => (values.subarray(t * n, t * n + n).some((x) => !Number.isNaN(x)) ? 1 : 0));
      const window = Array.from({ length: panel.days.length }, (_, t) => (t >= schedule.firstDecision && t <= schedule.lastDecision ? 1 : 0));
      const union = Array.from({ length: panel.days.length }, (_, t) => (t >= schedule.firstDecision && t <= schedule.lastDecision && [3, 5, 10].some((r) => (t - schedule.firstDecision) % r === 0) ? 1 : 0));
      for (const o of outcomes) {
        const rows = computedOn(o.signal!.values.vopa!);
        if (o.params.lookback === 21) expect(rows, `${workers} worker(s), variant ${o.id}`).toEqual(union);
        else expect(rows, `${workers} worker(s), variant ${o.id}`).toEqual(window);
      }
      expect(factors.computed).toBe(4);
    }
  });

  it('computes shared work once per distinct key, not once per variant', async () => {
    const { factors } = await run('vopa', grid, 1, Infinity);
    expect(factors.computed).toBe(6); // value(L, 0) and its peer z-score for L = 21, 42, 63 — for 12 variants
  });

  it('reads the panel from shared memory in the workers, never a copy', async () => {
    const file = join(FIXTURES, 'strategies/fragile.ts');
    const { outcomes, threads } = await run(file, [3, 4, 5, 6].map((names) => ({ names, when: -1, fail: 'none', slowMs: 0 })), 2, 0);
    expect(threads).toBe(2);
    for (const o of outcomes) expect(o.warnings).toContain('shared memory: true');
    expect(panel.close.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('a variant that throws in a worker stops the run with an error naming it', async () => {
    const file = join(FIXTURES, 'strategies/fragile.ts');
    const variants = [3, 4, 5, 6, 7, 8].map((names) => ({ names, when: 5, fail: 'throw', slowMs: 0 }));
    await expect(run(file, variants, 2, 0)).rejects.toThrow(/^variant 3: strategy fragile failed at the close of \d{4}-\d{2}-\d{2}: deliberate failure$/);
  });

  it('a worker that dies is a clear error, not a hang', async () => {
    const file = join(FIXTURES, 'strategies/fragile.ts');
    const variants = [3, 4, 5, 6, 7, 8].map((names) => ({ names, when: 6, fail: 'exit', slowMs: 0 }));
    await expect(run(file, variants, 2, 0)).rejects.toThrow(/a worker stopped while running variants \d+–\d+/);
  });
});
