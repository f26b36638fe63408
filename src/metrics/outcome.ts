import type { Params } from '../strategy/types.ts';
import type { Schedule } from '../runner/schedule.ts';
import type { SimulationResult } from '../runner/simulate.ts';
import type { CostMetrics } from './costs.ts';
import type { PerformanceMetrics } from './index.ts';
import type { DiagnosticsDay, SignalSummary } from './signal-diagnostics.ts';

/** One variant of a run: its parameters, what happened, and how it did. */
export interface VariantOutcome {
  /** 1-based, in the run's variant order. */
  readonly id: number;
  readonly params: Params;
  readonly schedule: Schedule;
  readonly result: SimulationResult;
  readonly metrics: PerformanceMetrics & CostMetrics;
  /** Diagnostics of the strategy's signal, when it declares one. */
  readonly signal?: VariantSignal | undefined;
  readonly warnings: readonly string[];
}

export interface VariantSignal {
  readonly factor: string;
  readonly horizon: number;
  readonly days: readonly DiagnosticsDay[];
  readonly summary: SignalSummary;
  /** The signal's and its companions' values (bars × symbols), for signals.csv. */
  readonly values: Readonly<Record<string, Float64Array>>;
}
