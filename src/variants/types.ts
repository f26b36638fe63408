import type { Params } from '../api.ts';
import type { SimulationSettings } from '../runner/simulate.ts';
import type { FillTiming } from '../runner/schedule.ts';
import type { Panel } from '../panel/panel.ts';

/** What every variant of a run shares; sent once to each worker (typed arrays live in SharedArrayBuffers). */
export interface SharedRun {
  readonly panel: Panel;
  /** `--strategy` as resolved: a built-in name or an absolute path. */
  readonly strategySource: string;
  readonly startDay: number;
  readonly endDay: number;
  readonly fill: FillTiming;
  readonly settings: SimulationSettings;
  /** Factor values computed once by the main thread, by key. */
  readonly factors: ReadonlyArray<readonly [string, Float64Array]>;
  /** What the strategy's `setup` returned (structured-cloned into each worker). */
  readonly setupData?: unknown;
}

/** Variants as a task carries them: ids (1-based, the run's order) and resolved parameters. */
export type NumberedVariants = ReadonlyArray<{ readonly id: number; readonly params: Params }>;

export interface VariantTask {
  readonly variants: NumberedVariants;
}

/** Thrown (as its message) from a worker when a variant fails, so the main thread can name it. */
export interface VariantFailure {
  readonly variant: number;
  readonly message: string;
  readonly code: string | undefined;
}
