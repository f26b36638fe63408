import { SAVE_ALL_UP_TO, type RunConfig } from '../config/run-config.ts';
import { fingerprintPanel } from '../panel/fingerprint.ts';
import { FactorCache } from '../runner/factor-cache.ts';
import { simulationCosts } from '../config/cost-options.ts';
import type { SimulationSettings } from '../runner/simulate.ts';
import { openSource } from '../source/index.ts';
import { peakRssMb } from '../util/memory.ts';
import type { ProgressFactory } from '../util/progress.ts';
import type { SupabaseRest } from '../supabase/index.ts';
import type { LoadedWindow, WindowRequest } from '../source/types.ts';

export type { VariantExecution, VariantExecutor } from '../variants/types.ts';
import { writeManifest, writeTables, type RunRecord } from '../writers/results.ts';
import { newRunId, RunDir } from '../writers/run-dir.ts';
import { InterruptedError } from '../errors.ts';
import { capacityRows, planRuns } from '../variants/capacity.ts';
import { runVariants } from '../variants/run-variants.ts';
import type { VariantExecutor, VariantRunResult } from '../variants/types.ts';
import { runSetup } from '../strategy/setup.ts';
import { runSchedule, validateVariant } from '../variants/evaluate.ts';
import { validatePboBlocks } from '../statistics/options.ts';
import { evaluateBenchmark } from './benchmark.ts';
import { measureRun } from './measures.ts';
import { MemoryGuard } from './memory.ts';
import { planWalkForward, walkForwardOf } from './walk-forward.ts';
import { yearOf } from '../util/dates.ts';
import { groupWarnings, warningLines } from '../util/warnings.ts';
import { versions } from '../util/versions.ts';

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
  /** Progress bars for long phases, by label (reading the window, running variants, writing the CSVs); the CLI gives one on a terminal. */
  readonly progress?: ProgressFactory | undefined;
  /** Runs the variants (default: `runVariants`, worker threads on this machine). */
  readonly executor?: VariantExecutor | undefined;
  /** The run id continues an earlier, interrupted run: its `partial` folder is replaced when this one is written. */
  readonly resume?: boolean | undefined;
  /** A line for the user that is not a warning of the run (stale partial folders removed from --out). */
  readonly notice?: ((line: string) => void) | undefined;
}

/** The default executor: this machine's worker threads (or the main thread for small runs). */
export const localExecutor: VariantExecutor = (x) =>
  runVariants({
    shared: { panel: x.panel, strategySource: x.config.strategy.source, schedule: x.schedule, settings: x.settings, factors: [], setupData: x.setupData },
    strategy: x.strategy,
    variants: x.planned.map((p) => p.params),
    cash: x.planned.map((p) => p.cash),
    factors: x.factors,
    workers: x.config.workers,
    supabase: x.supabase,
    signal: x.signal,
    progress: x.progress,
    factorBudget: x.factorBudget,
    admitVariant: x.admitVariant,
    signalValues: x.config.signals,
  });

export async function runBacktest(config: RunConfig, hooks: RunHooks = {}, runId = newRunId(config.strategy.strategy.name)): Promise<RunOutcome> {
  const createdAt = new Date();
  const t0 = performance.now();
  const strategy = config.strategy.strategy;
  const warmup = Math.max(...config.variants.map((p) => strategy.warmup(p as never)));

  // Worker threads read the panel and factors from shared memory: allocate them there when a pool may run.
  const shared = config.variants.length > 1 && config.workers > 1;
  // The memory guard (app/memory.ts): checked once the universe is known, before any price is read, then with the panel.
  const guard = new MemoryGuard(config);
  const source = openSource(config.source, hooks.supabase, { progress: hooks.progress, warn: hooks.warn, admit: ({ symbols }) => guard.admit(guard.expected(symbols, warmup + 1)) });
  const extraSymbols = config.benchmark.kind === 'symbol' ? [config.benchmark.symbol] : undefined;
  const window: WindowRequest = {
    season: config.season, universe: config.universe, startDay: config.startDay, endDay: config.endDay, warmupBars: warmup + 1, shared,
    ...(extraSymbols ? { extraSymbols } : {}), ...(config.costs.borrowTable ? { borrow: true } : {}),
  };
  let loaded: LoadedWindow;
  try {
    loaded = await source.loadWindow(window);
  } finally {
    await source.close();
  }
  const { panel } = loaded;
  const schedule = runSchedule(panel, strategy, config.variants, config.startDay, config.endDay, config.fill);
  const days = schedule.last - schedule.first + 1;
  if (config.statistics?.pboBlocksGiven) validatePboBlocks(config.statistics.pboBlocks, days); // bad input before any work
  guard.admit({ bars: panel.days.length, symbols: panel.symbols.length, days });
  const folds = planWalkForward(config, panel, schedule, warmup); // its windows must fit the range: bad input before any work too
  const fingerprint = fingerprintPanel(panel);
  const t1 = performance.now();
  if (hooks.signal?.aborted) throw new InterruptedError();

  for (const params of config.variants) validateVariant(strategy, params, panel);
  const runWarnings = [...universeWarnings(config), ...schedule.warnings];
  if (config.saveTop !== null && config.save.size) {
    runWarnings.push(`per-variant tables (${[...config.save].join(', ')}) are written for the best ${config.saveTop} of the ${config.variants.length.toLocaleString('en-US')} variants by ${config.rankBy} only (the default above ${SAVE_ALL_UP_TO}); --save all writes every variant's`);
  }
  const setupData = await runSetup(strategy, panel, hooks.supabase, runWarnings);
  const factors = new FactorCache(panel, { shared, fill: config.fill });
  const settings: SimulationSettings = {
    cash: config.cash, fractional: config.fractional, commissionBps: config.commissionBps, slippageBps: config.slippageBps,
    maxLeverage: config.maxLeverage, maintenanceMargin: config.maintenanceMargin, riskFree: config.riskFree, ...simulationCosts(config.costs),
  };
  // The benchmark first: a benchmark that does not cover the range is bad input, found before the sweep.
  const benchmark = await evaluateBenchmark(config.benchmark, panel, schedule, settings, factors);
  const planned = planRuns(config.variants, config.costs.capacity);
  const bar = planned.length > 1 ? hooks.progress?.('variants', 'variants') : undefined;
  let run: VariantRunResult;
  try {
    run = await (hooks.executor ?? localExecutor)({
      runId, config, planned, panel, fingerprint, window, source: loaded.info, strategy, settings, schedule, factors, setupData,
      supabase: hooks.supabase, signal: hooks.signal, progress: bar, factorBudget: guard.factorBudget, admitVariant: (o) => guard.variant(o),
    });
  } finally {
    bar?.stop();
  }
  // Interrupted before any variant finished: nothing to keep, so no folder (exit 130).
  if (run.outcomes.length === 0) throw new InterruptedError();
  const capacity = config.costs.capacity.length ? capacityRows(run.outcomes, config.variants.length, config.costs.capacity) : undefined;
  const measured = measureRun(run.outcomes.filter((o) => o.id <= config.variants.length), config.cash, benchmark.returns, {
    riskFree: config.riskFree,
    statistics: config.statistics && { seed: config.statistics.seed, bootstrapReps: config.statistics.bootstrapReps, pboBlocks: config.statistics.pboBlocks },
  });
  const variants = measured.variants;
  const walkForward = walkForwardOf(config, folds, run, { panel, strategy, schedule, settings, factors, benchmark: benchmark.returns, supabase: hooks.supabase, setupData }, runWarnings);
  const warningGroups = groupWarnings(runWarnings, variants, config.variants.length === 1);
  for (const line of warningLines(warningGroups)) hooks.warn?.(line);
  const t2 = performance.now();

  const timings: Record<string, number> = { startup: round(t0), load: round(t1 - t0), compute: round(t2 - t1) };
  const record: RunRecord = {
    runId,
    config,
    panel,
    source: loaded.info,
    fingerprint,
    schedule,
    variants,
    status: run.interrupted ? 'partial' : 'complete',
    threads: run.threads,
    ...(run.execution ? { execution: run.execution } : {}),
    benchmark,
    statistics: measured.statistics,
    ...(walkForward ? { walkForward } : {}),
    ...(capacity ? { capacity } : {}),
    createdAt,
    warnings: warningGroups.map((g) => g.message),
    warningGroups,
    timings,
    versions: versions(),
    ...(hooks.supabase ? { supabase: hooks.supabase.snapshot() } : {}),
  };
  const runDir = new RunDir(config.outDir, record.runId, { replacePartial: hooks.resume === true, notice: hooks.notice });
  try {
    const file = (f: string) => runDir.path(f);
    const rows = writeTables(file, record, hooks.progress);
    timings.write = round(performance.now() - t2);
    timings.total = round(performance.now());
    writeManifest(file, { ...record, peakRssMb: peakRssMb() }, rows);
    return { record, dir: runDir.commit() };
  } catch (err) {
    runDir.discard();
    throw err;
  }
}

/**
 * A pinned universe whose range starts before its season was chosen with knowledge of a later year
 * (survivorship): one warning saying so.
 */
function universeWarnings(config: RunConfig): string[] {
  if (config.universe !== 'pinned' || yearOf(config.startDay) >= config.season) return [];
  return [
    `survivorship bias: the range starts in ${yearOf(config.startDay)} but trades season ${config.season}'s members throughout — ` +
      `names chosen knowing ${config.season}, and none of the earlier members that left; use --universe rolling (each day its own season's members)`,
  ];
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
