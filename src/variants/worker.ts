/**
 * A worker thread of the variant pool. It receives the run once (workerData: the panel and the
 * precomputed factors in shared memory, never copied) and then chunks of variants to simulate
 * with the same code as the main thread.
 */
import { workerData } from 'piscina';
import { evaluateVariant, type VariantOutcome } from '../app/variant.ts';
import { BacktestError } from '../errors.ts';
import { FactorCache } from '../runner/factor-cache.ts';
import { loadStrategy } from '../strategy/registry.ts';
import type { SharedRun, VariantTask } from './types.ts';

const run = workerData as SharedRun;
const factors = new FactorCache(run.panel);
for (const [key, values] of run.factors) factors.put(key, values);
const strategy = loadStrategy(run.strategySource).then((s) => s.strategy);

export default async function simulateChunk(task: VariantTask): Promise<VariantOutcome[]> {
  const s = await strategy;
  const out: VariantOutcome[] = [];
  for (const { id, params } of task.variants) {
    try {
      out.push(evaluateVariant({ panel: run.panel, strategy: s, id, params, startDay: run.startDay, endDay: run.endDay, fill: run.fill, settings: run.settings, factors, setupData: run.setupData }));
    } catch (err) {
      // Errors cross the thread as plain objects: keep the variant, the message and the code.
      const e = err as Error;
      throw Object.assign(new Error(JSON.stringify({ variant: id, message: e.message, code: e instanceof BacktestError ? e.code : undefined })), { name: 'VariantFailure' });
    }
  }
  return out;
}
