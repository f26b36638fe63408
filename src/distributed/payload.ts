import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Params } from '../strategy/types.ts';
import { engineVersion, type EngineVersion } from '../util/versions.ts';
import type { RunConfig, SavedTable } from '../config/run-config.ts';
import type { FillTiming } from '../runner/schedule.ts';
import type { SimulationSettings } from '../runner/simulate.ts';
import type { WindowRequest } from '../source/types.ts';
import { STRATEGIES_DIR, type LoadedStrategy } from '../strategy/registry.ts';
import type { NumberedVariants } from '../variants/types.ts';

/**
 * What a job carries: everything a worker on another machine needs to simulate a chunk of a run's
 * variants with the same engine code and the same data — and nothing secret. The data are named,
 * not shipped: a local folder is the worker's own `--data`; Supabase is read with the worker's own
 * credentials. The coordinator's fingerprint of the panel travels along, so a worker whose data
 * differ refuses instead of computing something else, and so does a worker on another version of
 * vopa-backtest or another Node major (the same inputs through other code). (BullMQ stores it as JSON.)
 */
export interface RunDescriptor {
  readonly runId: string;
  /** `--strategy` as resolved (a built-in name or an absolute path) and the sha256 of its file. */
  readonly strategy: { readonly source: string; readonly builtin: boolean; readonly digest: string };
  /** Where the coordinator read the data (for messages; a worker reads its own). */
  readonly data: { readonly kind: 'local' | 'supabase'; readonly location: string };
  readonly window: Omit<WindowRequest, 'shared'>;
  readonly fill: FillTiming;
  readonly settings: SimulationSettings;
  readonly fingerprint: string;
  /** Tables the coordinator writes (`--save`, `--signals`): a worker ships only what they need. */
  readonly save: readonly SavedTable[];
  readonly signals: boolean;
  /** The coordinator's vopa-backtest and Node versions: a worker on others refuses. */
  readonly engine: EngineVersion;
}

/**
 * The job payload's version: a worker refuses a payload of another (an older or newer coordinator).
 * 4: the plan digest travels with each job and result; a variant may carry `cash`, the starting
 * capital of a `--capacity` point (else the run's).
 */
export const PAYLOAD_VERSION = 4;

export interface JobPayload {
  readonly v: typeof PAYLOAD_VERSION;
  readonly run: RunDescriptor;
  /**
   * The run's plan digest (`planDigest`: strategy, window, settings, variants…): the worker returns it
   * with the chunk's result, and the coordinator takes only results of its own plan.
   */
  readonly plan: string;
  readonly chunk: number;
  /** The chunk's variants: ids (1-based, the run's order), resolved parameters and (capacity points) `cash`. */
  readonly variants: NumberedVariants;
}

/** The BullMQ queue every coordinator and worker of a Redis server share. */
export const QUEUE_NAME = 'backtest';

/** A job's id: the run and the chunk, so adding a chunk twice adds it once (BullMQ ignores a known id). */
export function jobId(runId: string, chunk: number): string {
  return `${runId}.chunk-${String(chunk).padStart(5, '0')}`;
}

/** sha256 of a strategy's file, so a worker with another version of it refuses. */
export function strategyDigest(strategy: Pick<LoadedStrategy, 'source' | 'builtin'>): string {
  const file = strategy.builtin ? resolve(STRATEGIES_DIR, `${strategy.source}.ts`) : strategy.source;
  return `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
}

/** A run's descriptor, from its config, window and fingerprint. */
export function describeRun(runId: string, config: RunConfig, window: WindowRequest, settings: SimulationSettings, fingerprint: string, location: string): RunDescriptor {
  return {
    runId,
    strategy: { source: config.strategy.source, builtin: config.strategy.builtin, digest: strategyDigest(config.strategy) },
    data: { kind: config.source.kind, location },
    window: {
      season: window.season, universe: window.universe ?? 'pinned', startDay: window.startDay, endDay: window.endDay, warmupBars: window.warmupBars,
      ...(window.extraSymbols ? { extraSymbols: window.extraSymbols } : {}), ...(window.borrow ? { borrow: true } : {}),
    },
    fill: config.fill,
    settings: { ...settings },
    fingerprint,
    save: [...config.save].sort(),
    signals: config.signals,
    engine: engineVersion(),
  };
}

/**
 * What must not change between a run and its `--resume`: the descriptor (less the fingerprint, checked
 * apart with its own message; the engine's versions included) and every variant, in order.
 */
export function planDigest(run: RunDescriptor, variants: readonly Params[], capacity: readonly number[] = []): string {
  const { fingerprint: _, runId: __, data, ...rest } = run;
  return `sha256:${createHash('sha256').update(JSON.stringify({ ...rest, data: data.kind, variants, ...(capacity.length ? { capacity } : {}) })).digest('hex')}`;
}

/** A payload variant's `cash`: absent, or a positive finite capital. */
export function validCash(cash: unknown): boolean {
  return cash === undefined || (typeof cash === 'number' && Number.isFinite(cash) && cash > 0);
}
