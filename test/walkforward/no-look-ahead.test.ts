import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Params } from '../../src/api.ts';
import type { Panel } from '../../src/panel/panel.ts';
import { FactorCache } from '../../src/runner/factor-cache.ts';
import { generateSampleMarket, samplePanel } from '../../src/sample/generator.ts';
import { loadStrategy } from '../../src/strategy/registry.ts';
import { evaluateVariant, runSchedule } from '../../src/variants/evaluate.ts';
import { chooseFolds, parseWalkForward, planFolds } from '../../src/walkforward/index.ts';
import { perturbAfter } from '../support/panel.ts';

/**
 * No test-window price is ever read by a fold's choice, as a property (in the manner of
 * test/runner/no-look-ahead.test.ts): changing any price after bar c — scaled, or made missing —
 * never changes the choice of a fold whose training ends at or before c. The sweep is simulated
 * again on the changed panel, as a run would (factors, fills, solvency), and the benchmark the
 * ranking may use is recomputed from it too.
 */
const { strategy } = await loadStrategy('momentum');
const variants: Params[] = [3, 8, 20].flatMap((lookback) => [2, 6].map((top) => ({ lookback, top, rebalance: 2 })));
const settings = { cash: 1e6, fractional: false, commissionBps: 2, slippageBps: 2 };
// Built before each test, not at load: `npm run mutate` credits a mutant only to the tests that ran
// its code (see test/walkforward/record.test.ts).
let base: Panel, schedule: ReturnType<typeof runSchedule>, days: number, folds: ReturnType<typeof planFolds>;
beforeEach(() => {
  base = samplePanel(generateSampleMarket({ seed: 7, symbols: 20, from: '2024-01-01', to: '2024-09-30', listings: 2, delistings: 2 }));
  const bars = base.dates.length;
  schedule = runSchedule(base, strategy, variants, base.days[25]!, base.days[bars - 1]!, 'open');
  days = schedule.last - schedule.first + 1;
  folds = planFolds(parseWalkForward('train=30,test=15'), { days, dates: base.dates.slice(schedule.first, schedule.last + 1), warmup: 0 });
});

/** The equal-weighted mean close-to-close return of the symbols with both closes, over the evaluation window. */
function benchmarkOf(panel: Panel): Float64Array {
  const n = panel.symbols.length;
  return Float64Array.from({ length: days }, (_, d) => {
    const t = schedule.first + d;
    let sum = 0, count = 0;
    for (let i = 0; i < n; i++) {
      const r = panel.close[t * n + i]! / panel.close[(t - 1) * n + i]! - 1;
      if (Number.isFinite(r)) { sum += r; count++; }
    }
    return count ? sum / count : 0;
  });
}

function choices(panel: Panel, rankBy: string): number[] {
  const factors = new FactorCache(panel);
  const outcomes = variants.map((params, k) => evaluateVariant({ panel, strategy, id: k + 1, params, schedule, settings, factors, diagnostics: false }));
  return chooseFolds(outcomes, folds, { rankBy, cash: settings.cash, riskFree: 0, benchmark: benchmarkOf(panel), first: schedule.first }).map((c) => c.chosen);
}

describe('walk-forward: no look-ahead in a fold\'s choice', () => {
  it('has folds to test, and the choices are not all alike', () => {
    expect(folds.length).toBeGreaterThanOrEqual(5);
    expect(new Set(choices(base, 'sharpe')).size).toBeGreaterThan(1);
  });

  it.each(['sharpe', 'total_return', 'max_drawdown_days', 'alpha'])('by %s: changing any price after a fold\'s training end never changes that fold\'s choice', (rankBy) => {
    const before = choices(base, rankBy);
    let laterChanged = 0;
    fc.assert(
      fc.property(fc.integer({ min: schedule.first + 20, max: schedule.last - 2 }), fc.integer({ min: 1, max: 2 ** 30 }), (c, seed) => {
        const after = choices(perturbAfter(base, c, seed), rankBy);
        folds.forEach((f, k) => {
          if (schedule.first + f.trainEnd <= c) expect(after[k], `fold ${k + 1} (training ends at bar ${schedule.first + f.trainEnd}), prices changed after bar ${c}`).toBe(before[k]);
          else if (after[k] !== before[k]) laterChanged++;
        });
      }),
      { numRuns: 12, seed: 16 },
    );
    // The property can fail: the same changes do move the choices of folds that train past them.
    expect(laterChanged).toBeGreaterThan(0);
  });
});
