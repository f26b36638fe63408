/**
 * A worker thread of the variant pool. It receives the run once (workerData: the panel and the
 * precomputed factors in shared memory, never copied) and then chunks of variants to simulate
 * with the same code as the main thread.
 */
import { workerData } from 'piscina';
import type { VariantOutcome } from './evaluate.ts';
import { ThreadSimulation } from './thread-simulation.ts';
import type { SharedRun, VariantTask } from './types.ts';

const run = workerData as SharedRun;
const simulation = new ThreadSimulation(run);
for (const [key, values] of run.factors) simulation.factors.put(key, values);

export default function simulateChunk(task: VariantTask): Promise<VariantOutcome[]> {
  return simulation.simulate(task.variants, (o) => o);
}
