/**
 * A thread of a queue worker's pool: it receives one run (workerData: the panel in shared memory,
 * the strategy's setup data) and then chunks of its variants, each with the factors they need
 * (computed once by the worker's main thread, in shared memory), and returns each chunk's result
 * as wire text. The simulation is the local run's (`evaluateVariant`); the main thread stays free to
 * keep the jobs' locks alive while this one computes.
 */
import { workerData } from 'piscina';
import type { Params } from '../api.ts';
import { evaluateVariant } from '../app/variant.ts';
import type { SavedTable } from '../config/run-config.ts';
import { BacktestError } from '../errors.ts';
import type { Panel } from '../panel/panel.ts';
import { FactorCache } from '../runner/factor-cache.ts';
import type { FillTiming } from '../runner/schedule.ts';
import type { SimulationSettings } from '../runner/simulate.ts';
import { loadStrategy } from '../strategy/registry.ts';
import type { VariantFailure } from '../variants/types.ts';
import { encodeWire, shipped, WIRE_VERSION, wireOutcome, type ChunkResult } from './wire.ts';

export interface ThreadRun {
  readonly runId: string;
  readonly panel: Panel;
  readonly strategySource: string;
  readonly startDay: number;
  readonly endDay: number;
  readonly fill: FillTiming;
  readonly settings: SimulationSettings;
  readonly setupData: unknown;
  readonly save: readonly SavedTable[];
  readonly signals: boolean;
  readonly worker: { readonly name: string; readonly threads: number };
}

export interface ChunkTask {
  readonly chunk: number;
  readonly variants: ReadonlyArray<{ readonly id: number; readonly params: Params }>;
  readonly factors: ReadonlyArray<readonly [string, Float64Array]>;
}

const run = workerData as ThreadRun;
const ship = shipped(run.save, run.signals);
const factors = new FactorCache(run.panel);
const strategy = loadStrategy(run.strategySource).then((s) => s.strategy);

export default async function simulateChunk(task: ChunkTask): Promise<string> {
  const s = await strategy;
  for (const [key, values] of task.factors) factors.put(key, values);
  const started = performance.now();
  const outcomes = task.variants.map(({ id, params }) => {
    try {
      const o = evaluateVariant({ panel: run.panel, strategy: s, id, params, startDay: run.startDay, endDay: run.endDay, fill: run.fill, settings: run.settings, factors, setupData: run.setupData });
      return wireOutcome(o, ship);
    } catch (err) {
      const e = err as Error;
      const failure: VariantFailure = { variant: id, message: e.message, code: e instanceof BacktestError ? e.code : undefined };
      throw Object.assign(new Error(JSON.stringify(failure)), { name: 'VariantFailure' });
    }
  });
  const result: ChunkResult = { v: WIRE_VERSION, runId: run.runId, chunk: task.chunk, worker: run.worker, ms: Math.round(performance.now() - started), outcomes };
  return encodeWire(result);
}
