import type { Strategy } from '../strategy/types.ts';
import { evaluateVariant, type VariantOutcome } from './evaluate.ts';
import { FactorCache } from '../runner/factor-cache.ts';
import { loadStrategy } from '../strategy/registry.ts';
import { slimOutcome } from './capacity.ts';
import { variantFailureError } from './failure.ts';
import type { NumberedVariants, SharedRun } from './types.ts';

/**
 * What a pool thread holds for one run — the panel (shared memory), the strategy loaded from its
 * source, a factor cache — and how it simulates a task's variants with the main thread's code.
 * Both pools use it: this machine's (variants/worker.ts) and a queue worker's (distributed/chunk-thread.ts).
 */
export class ThreadSimulation {
  readonly factors: FactorCache;
  private readonly run: Omit<SharedRun, 'factors'>;
  private readonly strategy: Promise<Strategy>;

  /** `sharedFactors`: factors this thread computes go to shared memory (to hand to other threads). */
  constructor(run: Omit<SharedRun, 'factors'>, options: { sharedFactors?: boolean } = {}) {
    this.run = run;
    this.factors = new FactorCache(run.panel, { shared: options.sharedFactors ?? false, fill: run.schedule.fill });
    this.strategy = loadStrategy(run.strategySource).then((s) => s.strategy);
  }

  /** Each variant's outcome, through `map` (one at a time, so a chunk never holds every full outcome); a failing variant throws its failure. */
  async simulate<T>(variants: NumberedVariants, map: (o: VariantOutcome) => T): Promise<T[]> {
    const strategy = await this.strategy;
    const r = this.run;
    return variants.map(({ id, params, cash }) => {
      try {
        const outcome = evaluateVariant({ panel: r.panel, strategy, id, params, cash, schedule: r.schedule, settings: r.settings, factors: this.factors, setupData: r.setupData });
        return map(cash === undefined ? outcome : slimOutcome(outcome)); // a capacity point: its metrics and costs
      } catch (err) {
        throw variantFailureError(id, err);
      }
    });
  }
}
