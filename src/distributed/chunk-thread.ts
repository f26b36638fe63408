/**
 * A thread of a queue worker's pool: it receives one run (workerData: the panel in shared memory,
 * the strategy's setup data) and then chunks of its variants. Each task brings the factors the
 * worker already holds for the run (shared memory, never copied); the factors still missing are
 * computed here, into shared memory, and handed back with the chunk's result (wire text), so the
 * process computes each factor about once and its main thread computes none — it stays free to
 * keep the jobs' locks alive. The thread lets go of every factor after its task: the process holds
 * them, within a budget (worker.ts). The simulation is the local run's (`ThreadSimulation`).
 */
import { workerData } from 'piscina';
import type { SavedTable } from '../config/run-config.ts';
import { ThreadSimulation } from '../variants/thread-simulation.ts';
import type { NumberedVariants, SharedRun } from '../variants/types.ts';
import { encodeWire, shipped, WIRE_VERSION, wireOutcome, type ChunkResult } from './wire.ts';

/** A queue worker's run, as its threads hold it: a local pool's run, and what the coordinator asked to be shipped. */
export interface ThreadRun extends Omit<SharedRun, 'factors'> {
  readonly runId: string;
  readonly save: readonly SavedTable[];
  readonly signals: boolean;
  readonly worker: { readonly name: string; readonly threads: number };
}

export interface ChunkTask {
  readonly chunk: number;
  /** The job's plan digest, returned with the result. */
  readonly plan: string;
  readonly variants: NumberedVariants;
  /** Factors of the run the worker holds (computed by its threads for earlier chunks), by key. */
  readonly factors: ReadonlyArray<readonly [string, Float64Array]>;
}

export interface ChunkDone {
  /** The chunk's `ChunkResult` as wire text. */
  readonly text: string;
  /** Factors this task computed (shared memory), for the worker to hand to later tasks. */
  readonly factors: ReadonlyArray<readonly [string, Float64Array]>;
}

const run = workerData as ThreadRun;
const ship = shipped(run.save, run.signals);
const simulation = new ThreadSimulation(run, { sharedFactors: true });

const NONE: ReadonlySet<string> = new Set();

export default async function simulateChunk(task: ChunkTask): Promise<ChunkDone> {
  for (const [key, values] of task.factors) simulation.factors.put(key, values);
  const known = new Set([...simulation.factors.entries()].map(([key]) => key));
  const started = performance.now();
  try {
    const outcomes = await simulation.simulate(task.variants, (o) => wireOutcome(o, ship));
    const result: ChunkResult = { v: WIRE_VERSION, runId: run.runId, plan: task.plan, chunk: task.chunk, worker: run.worker, ms: Math.round(performance.now() - started), outcomes };
    return { text: encodeWire(result), factors: [...simulation.factors.entries()].filter(([key]) => !known.has(key)) };
  } finally {
    simulation.factors.retain(NONE); // the process keeps them (within its budget) and hands them back with later tasks
  }
}
