import type { RunConfig } from '../config/run-config.ts';
import { fingerprintPanel } from '../panel/fingerprint.ts';
import type { Panel } from '../panel/panel.ts';
import { FactorCache } from '../runner/factor-cache.ts';
import type { SimulationSettings } from '../runner/simulate.ts';
import { loadStrategy } from '../strategy/registry.ts';
import { openSource } from '../source/index.ts';
import { peakRssMb } from '../util/memory.ts';
import type { ProgressReporter } from '../util/progress.ts';
import type { SupabaseRest } from '../supabase/index.ts';
import type { LoadedWindow, WindowRequest } from '../source/types.ts';
import { writeManifest, writeTables, type RunRecord } from '../writers/results.ts';
import { newRunId, RunDir } from '../writers/run-dir.ts';
import type { Strategy } from '../api.ts';
import { BacktestError, InterruptedError, StrategyError } from '../errors.ts';
import type { SourceInfo } from '../source/types.ts';
import { runVariants, type VariantRunResult } from '../variants/run-variants.ts';
import { evaluateVariant, validateVariant, type VariantOutcome } from './variant.ts';
import { versions } from './versions.ts';

/**
 * A whole run, stage by stage:
 * 1. source → one read of the window (warm-up included) into a panel;
 * 2. the strategy's `setup` (once), then every variant validated against the universe and
 *    simulated over the shared panel (factors computed once per key) by the executor: worker
 *    threads on this machine by default, or another (e.g. a queue of machines);
 * 3. results are written into a temporary folder, renamed when complete.
 */
export interface RunOutcome {
  readonly record: RunRecord;
  readonly dir: string;
}

export interface RunHooks {
  /** Called once per warning, as it is known. */
  readonly warn?: (message: string) => void;
  /** Ctrl-C: stop running variants, keep those that finished (the run is then `partial`). */
  readonly signal?: AbortSignal | undefined;
  /** The run's one Supabase client (when configured): the source reads through it, strategies get it. */
  readonly supabase?: SupabaseRest | undefined;
  /** Progress bars for long phases, by label (reading rows, running variants); the CLI gives one on a terminal. */
  readonly progress?: (label: string, unit?: string) => ProgressReporter & { stop(): void };
  /** Runs the variants (default: `runVariants`, worker threads on this machine). */
  readonly executor?: VariantExecutor | undefined;
  /** The run id continues an earlier, interrupted run: its `partial` folder is replaced when this one is written. */
  readonly resume?: boolean | undefined;
}

/** Everything an executor needs to run a run's variants over its loaded data. */
export interface VariantExecution {
  readonly runId: string;
  readonly config: RunConfig;
  readonly panel: Panel;
  readonly fingerprint: string;
  /** What was asked of the source (a worker elsewhere reads the same window). */
  readonly window: WindowRequest;
  readonly source: SourceInfo;
  readonly strategy: Strategy;
  readonly settings: SimulationSettings;
  readonly factors: FactorCache;
  readonly setupData: unknown;
  readonly supabase: SupabaseRest | undefined;
  readonly signal: AbortSignal | undefined;
  readonly progress: ((done: number, total: number) => void) | undefined;
}

/** Runs the variants; outcomes in variant order (those that finished, when interrupted). */
export type VariantExecutor = (execution: VariantExecution) => Promise<VariantRunResult>;

/** The default executor: this machine's worker threads (or the main thread for small runs). */
export const localExecutor: VariantExecutor = (x) =>
  runVariants({
    shared: { panel: x.panel, strategySource: x.config.strategy.source, startDay: x.config.startDay, endDay: x.config.endDay, fill: x.config.fill, settings: x.settings, factors: [], setupData: x.setupData },
    strategy: x.strategy,
    variants: x.config.variants,
    factors: x.factors,
    workers: x.config.workers,
    supabase: x.supabase,
    signal: x.signal,
    progress: x.progress,
  });

export async function runBacktest(config: RunConfig, hooks: RunHooks = {}, runId = newRunId(config.strategy.strategy.name)): Promise<RunOutcome> {
  const createdAt = new Date();
  const t0 = performance.now();
  const strategy = config.strategy.strategy;
  const warmup = Math.max(...config.variants.map((p) => strategy.warmup(p as never)));

  // Worker threads read the panel and factors from shared memory: allocate them there when a pool may run.
  const shared = config.variants.length > 1 && config.workers > 1;
  const source = openSource(config.source, hooks.supabase, { progress: hooks.progress, warn: hooks.warn });
  const window: WindowRequest = { season: config.season, startDay: config.startDay, endDay: config.endDay, warmupBars: warmup + 1, shared };
  let loaded: LoadedWindow;
  try {
    loaded = await source.loadWindow(window);
  } finally {
    await source.close();
  }
  const { panel } = loaded;
  const fingerprint = fingerprintPanel(panel);
  const t1 = performance.now();
  if (hooks.signal?.aborted) throw new InterruptedError();

  for (const params of config.variants) validateVariant(strategy, params, panel);
  const setupWarnings: string[] = [];
  const setupData = await runSetup(strategy, panel, hooks.supabase, setupWarnings);
  const factors = new FactorCache(panel, { shared });
  const settings: SimulationSettings = { cash: config.cash, fractional: config.fractional, commissionBps: config.commissionBps, slippageBps: config.slippageBps };
  const bar = config.variants.length > 1 ? hooks.progress?.('variants', 'variants') : undefined;
  let run: VariantRunResult;
  try {
    run = await (hooks.executor ?? localExecutor)({
      runId, config, panel, fingerprint, window, source: loaded.info, strategy, settings, factors, setupData,
      supabase: hooks.supabase, signal: hooks.signal, progress: bar,
    });
  } finally {
    bar?.stop();
  }
  // Interrupted before any variant finished: nothing to keep, so no folder (exit 130).
  if (run.outcomes.length === 0) throw new InterruptedError();
  const variants = run.outcomes;
  const benchmark = await evaluateBenchmark(panel, config, settings, factors);
  const warnings = [...new Set([...setupWarnings, ...variants.flatMap((v) => v.warnings)])];
  for (const w of warnings) hooks.warn?.(w);
  const t2 = performance.now();

  const timings: Record<string, number> = { startup: round(t0), load: round(t1 - t0), compute: round(t2 - t1) };
  const record: RunRecord = {
    runId,
    config,
    panel,
    source: loaded.info,
    fingerprint,
    variants,
    status: run.interrupted ? 'partial' : 'complete',
    threads: run.threads,
    ...(run.execution ? { execution: run.execution } : {}),
    benchmark,
    createdAt,
    warnings,
    timings,
    versions: versions(),
    ...(hooks.supabase ? { supabase: hooks.supabase.snapshot() } : {}),
  };
  const runDir = new RunDir(config.outDir, record.runId, { replacePartial: hooks.resume === true });
  try {
    const file = (f: string) => runDir.path(f);
    const rows = writeTables(file, record);
    timings.write = round(performance.now() - t2);
    timings.total = round(performance.now());
    writeManifest(file, { ...record, peakRssMb: peakRssMb() }, rows);
    return { record, dir: runDir.commit() };
  } catch (err) {
    runDir.discard();
    throw err;
  }
}

/** The strategy's one-time setup (bulk reads through the run's Supabase client), with a clear error if it fails. */
export async function runSetup(strategy: Strategy, panel: Panel, supabase: SupabaseRest | undefined, warnings: string[]): Promise<unknown> {
  if (!strategy.setup) return undefined;
  try {
    return await strategy.setup({
      supabase, symbols: panel.symbols, groups: panel.groups, groupOf: panel.groupOf, dates: panel.dates,
      warn: (m) => { if (!warnings.includes(m)) warnings.push(m); },
    });
  } catch (err) {
    if (err instanceof BacktestError) throw err;
    throw new StrategyError(`strategy ${strategy.name} failed in setup: ${(err as Error).message}`, { cause: err });
  }
}

/** Buy-and-hold of the same universe over the same days and costs: what the strategy is compared with. */
async function evaluateBenchmark(panel: Panel, config: RunConfig, settings: SimulationSettings, factors: FactorCache): Promise<VariantOutcome> {
  const { strategy } = await loadStrategy('buy-and-hold');
  return evaluateVariant({ panel, strategy, id: 0, params: {}, startDay: config.startDay, endDay: config.endDay, fill: config.fill, settings, factors });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
