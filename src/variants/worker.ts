/**
 * A worker thread of the variant pool. It receives the run once (workerData: the panel in shared
 * memory, never copied) and then chunks of variants to simulate with the same code as the main
 * thread, each with its variants' factors (shared memory, computed by the main thread). It lets
 * go of them after each chunk, and returns no signal values unless asked (`--signals`), so that a
 * factor the main thread releases is referred to by nothing.
 */
import { workerData } from 'piscina';
import { withoutSignalValues, type VariantOutcome } from './evaluate.ts';
import { ThreadSimulation } from './thread-simulation.ts';
import type { SharedRun, VariantTask } from './types.ts';

const run = workerData as SharedRun;
const simulation = new ThreadSimulation(run);
const NONE: ReadonlySet<string> = new Set();

export default async function simulateChunk(task: VariantTask): Promise<VariantOutcome[]> {
  for (const [key, values, rows] of [...run.factors, ...(task.factors ?? [])]) simulation.factors.put(key, values, rows);
  try {
    return await simulation.simulate(task.variants, task.signalValues === false ? withoutSignalValues : (o) => o);
  } finally {
    simulation.factors.retain(NONE);
  }
}
