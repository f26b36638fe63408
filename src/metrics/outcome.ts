import type { Params } from '../strategy/types.ts';
import type { Schedule } from '../runner/schedule.ts';
import type { SimulationResult } from '../runner/simulate.ts';
import type { Metrics } from './index.ts';
import type { DiagnosticsDay, SignalSummary } from './signal-diagnostics.ts';

/** One variant of a run: its parameters, what happened, and how it did. */
export interface VariantOutcome {
  /** 1-based, in the run's variant order. */
  readonly id: number;
  readonly params: Params;
  readonly schedule: Schedule;
  readonly result: SimulationResult;
  /** summary.csv's columns: measured in the variant's own run, then those that need the whole run (app/measures.ts). */
  readonly metrics: Metrics;
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

/** What a run is compared with (config/benchmark.ts, app/benchmark.ts), over the evaluation window. */
export interface BenchmarkOutcome {
  readonly kind: 'buy-and-hold' | 'equal-weight' | 'symbol' | 'file';
  /** How the benchmark reads in a sentence: `buy-and-hold`, `equal-weight`, `SPY`, `bench.csv`. */
  readonly label: string;
  /** Daily returns over the evaluation window. */
  readonly returns: Float64Array;
  /** The run's cash invested in it, marked at each close of the window. */
  readonly equity: Float64Array;
  /** The simulated book (buy-and-hold only): its trades and curve. */
  readonly outcome?: VariantOutcome | undefined;
  /** Its own metrics (performance and distribution; the trading ones only for a simulated book). */
  readonly metrics: Metrics;
}
