import type { Params } from '../strategy/types.ts';
import type { SimulationSettings } from '../runner/simulate.ts';
import type { Schedule } from '../runner/schedule.ts';
import type { Panel } from '../panel/panel.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { FactorCache } from '../runner/factor-cache.ts';
import type { SourceInfo, WindowRequest } from '../source/types.ts';
import type { Strategy } from '../strategy/types.ts';
import type { SupabaseRest } from '../supabase/index.ts';
import type { VariantOutcome } from '../metrics/outcome.ts';

/** What every variant of a run shares; sent once to each worker (typed arrays live in SharedArrayBuffers). */
export interface SharedRun {
  readonly panel: Panel;
  /** `--strategy` as resolved: a built-in name or an absolute path. */
  readonly strategySource: string;
  /** The run's schedule: the same days for every variant. */
  readonly schedule: Schedule;
  readonly settings: SimulationSettings;
  /** Factor values computed once by the main thread, by key. */
  readonly factors: ReadonlyArray<readonly [string, Float64Array]>;
  /** What the strategy's `setup` returned (structured-cloned into each worker). */
  readonly setupData?: unknown;
}

/** One simulation of a run: a variant's parameters and, for a `--capacity` point, its starting capital (else the run's). */
export interface PlannedVariant {
  readonly params: Params;
  readonly cash?: number | undefined;
}

/** Variants as a task carries them: ids (1-based, the run's order), resolved parameters, and a capacity point's capital. */
export type NumberedVariants = ReadonlyArray<{ readonly id: number; readonly params: Params; readonly cash?: number | undefined }>;

export interface VariantTask {
  readonly variants: NumberedVariants;
  /** The chunk's factors (and their inputs), computed by the main thread in shared memory, by key; with their rows when held on some rows only. */
  readonly factors?: ReadonlyArray<readonly [string, Float64Array, Uint8Array?]>;
  /** Return each outcome's signal values (false: left out, so no thread keeps a factor alive). Default true. */
  readonly signalValues?: boolean;
}

/** Thrown (as its message) from a worker when a variant fails, so the main thread can name it. */
export interface VariantFailure {
  readonly variant: number;
  readonly message: string;
  readonly code: string | undefined;
}

/** Everything an executor needs to run a run's variants over its loaded data. */
export interface VariantExecution {
  readonly runId: string;
  readonly config: RunConfig;
  /**
   * What to simulate, ids 1 + index: the config's variants, then (`--capacity`) each variant at each
   * capital (variants/capacity.ts). Executors run these, not `config.variants`.
   */
  readonly planned: readonly PlannedVariant[];
  readonly panel: Panel;
  readonly fingerprint: string;
  /** What was asked of the source (a worker elsewhere reads the same window). */
  readonly window: WindowRequest;
  readonly source: SourceInfo;
  readonly strategy: Strategy;
  readonly settings: SimulationSettings;
  /** The run's one schedule (every variant scored over the same days). */
  readonly schedule: Schedule;
  readonly factors: FactorCache;
  readonly setupData: unknown;
  readonly supabase: SupabaseRest | undefined;
  readonly signal: AbortSignal | undefined;
  readonly progress: ((done: number, total: number) => void) | undefined;
  /** Bytes of factors to hold at once at most (app/memory.ts), when the executor computes them here. */
  readonly factorBudget?: number | undefined;
  /** Told each finished variant (the memory guard measures them; it may refuse the run by throwing). */
  readonly admitVariant?: ((o: VariantOutcome) => void) | undefined;
}

/** Runs the variants; outcomes in variant order (those that finished, when interrupted). */
export type VariantExecutor = (execution: VariantExecution) => Promise<VariantRunResult>;

export interface VariantRunResult {
  readonly outcomes: VariantOutcome[];
  readonly interrupted: boolean;
  /** Threads that ran variants (1 when they all ran in the main thread). */
  readonly threads: number;
  /** How another executor ran them (e.g. a queue's jobs and workers), for the manifest. */
  readonly execution?: Readonly<Record<string, unknown>> | undefined;
}
