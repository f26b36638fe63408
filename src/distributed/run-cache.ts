import { createHash } from 'node:crypto';
import { Piscina } from 'piscina';
import { runSetup } from '../strategy/setup.ts';
import { isUsageError } from '../errors.ts';
import type { Panel } from '../panel/panel.ts';
import { holdRankingCode } from '../metrics/spearman.ts';
import { fingerprintPanelYielding } from '../panel/fingerprint.ts';
import { LocalSource } from '../source/local/local-source.ts';
import { SupabaseSource } from '../source/supabase/supabase-source.ts';
import type { DataSource } from '../source/types.ts';
import { planSchedule } from '../runner/schedule.ts';
import type { Strategy } from '../strategy/types.ts';
import type { SupabaseRest } from '../supabase/index.ts';
import { StrategyNotAllowed, type AllowedStrategies } from './allowed-strategies.ts';
import type { ChunkDone, ChunkTask, ThreadRun } from './chunk-thread.ts';
import { WorkerRefusal } from './job-intake.ts';
import type { RunDescriptor } from './payload.ts';

/**
 * A worker's runs: each run's window is loaded once per worker process, on its first job, and
 * kept with what every later chunk of the run reuses — the panel (shared memory), the factors
 * its threads computed so far (shared memory), the strategy and its setup data, and a pool of
 * threads that hold them.
 *
 * 0. The run's descriptor was checked with its job (job-intake.ts: its shape, and the same
 *    vopa-backtest version on the same Node major as this worker's).
 * 1. The strategy must be one this worker runs — a built-in, or a file given with `--strategy` —
 *    with the same content (sha256 of the file), or the run is refused (allowed-strategies.ts: the
 *    run's path is compared with the list, never opened).
 * 2. The window is read from this worker's data: its `--data` folder, or Supabase with its own
 *    credentials; a read that fails on the data themselves (no such season) is a refusal too.
 * 3. The panel's fingerprint must equal the coordinator's, or the run is refused with both.
 * 4. A refusal is remembered: the run's later jobs are refused at once, without reading again.
 * Runs are told apart by their id and a digest of their whole descriptor, so a job that reuses a
 * run's id with other settings (or another strategy) never shares that run's context or refusal.
 * At most two runs are kept (more while their jobs run); an older idle one's threads are stopped.
 *
 * The load runs on the worker's main thread, but in steps: the window arrives in chunks (DuckDB) or
 * pages (Supabase), the fingerprint yields every ~20 ms, and a strategy's `setup` is awaited, so
 * BullMQ's lock renewal runs in between. (A `setup` that computes for longer than the lock,
 * 15 s, in one go would let its job look stalled and run again elsewhere: the result is the same,
 * the work is done twice.)
 */
export interface RunContext {
  readonly run: RunDescriptor;
  readonly strategy: Strategy;
  /** The run's window (shared memory), for the checks of each job's variants. */
  readonly panel: Panel;
  /** Factor values the pool's threads computed so far (shared memory), by key. */
  readonly factors: Map<string, Float64Array>;
  readonly pool: Piscina<ChunkTask, ChunkDone>;
}

export interface WorkerData {
  /** host:pid, in messages and results. */
  readonly name: string;
  readonly threads: number;
  /** The local data folder (`--data`). */
  readonly dataDir: string;
  /** The strategies this worker runs (`--strategy`, and the built-ins). */
  readonly strategies: AllowedStrategies;
  /** This worker's Supabase client, when its environment configures one (else a message saying why not). */
  readonly supabase: () => SupabaseRest | string;
  readonly log: (line: string) => void;
}

const KEEP = 2;

/** The runs this worker process has loaded (or refused), by run id. */
export class RunCache {
  private readonly runs = new Map<string, Promise<RunContext>>();
  private readonly busy = new Map<string, number>();
  private readonly w: WorkerData;

  constructor(w: WorkerData) {
    this.w = w;
  }

  /** Runs `work` with the run's context; a run is never dropped while one of its jobs runs. */
  async use<T>(run: RunDescriptor, work: (ctx: RunContext) => Promise<T>): Promise<T> {
    const key = `${run.runId} ${createHash('sha256').update(JSON.stringify(run)).digest('hex')}`;
    this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
    try {
      return await work(await this.get(key, run));
    } finally {
      this.busy.set(key, this.busy.get(key)! - 1);
    }
  }

  private get(key: string, run: RunDescriptor): Promise<RunContext> {
    let ctx = this.runs.get(key);
    if (!ctx) {
      ctx = this.load(run);
      // Transient failures are forgotten (the job is retried); refusals are kept.
      ctx.catch((err) => { if (!(err instanceof WorkerRefusal)) this.runs.delete(key); });
      this.runs.set(key, ctx);
      for (const [id, old] of this.runs) {
        if (this.runs.size <= KEEP) break;
        if (id === key || this.busy.get(id)) continue;
        this.runs.delete(id);
        this.busy.delete(id);
        void old.then((c) => c.pool.destroy(), () => {});
      }
    }
    return ctx;
  }

  async close(): Promise<void> {
    const all = [...this.runs.values()];
    this.runs.clear();
    await Promise.all(all.map((c) => c.then((x) => x.pool.destroy(), () => {})));
  }

  private async load(run: RunDescriptor): Promise<RunContext> {
    const refuse = (why: string) => new WorkerRefusal(`worker ${this.w.name} refuses run ${run.runId}: ${why}`);
    let strategy: Strategy, strategySource: string;
    try {
      const found = await this.w.strategies.resolve(run.strategy);
      strategy = found.strategy;
      strategySource = found.allowed.source;
    } catch (err) {
      if (err instanceof StrategyNotAllowed || isUsageError(err)) throw refuse((err as Error).message);
      throw err;
    }

    let source: DataSource;
    let location: string;
    let supabase: SupabaseRest | undefined;
    if (run.data.kind === 'local') {
      source = new LocalSource(this.w.dataDir);
      location = `local data ${this.w.dataDir}`;
    } else {
      const rest = this.w.supabase();
      if (typeof rest === 'string') throw refuse(`the run reads Supabase and this worker cannot: ${rest}`);
      supabase = rest;
      source = new SupabaseSource(rest);
      location = `Supabase ${rest.host}`;
    }
    let loaded;
    try {
      loaded = await source.loadWindow({ ...run.window, shared: true });
    } catch (err) {
      if (isUsageError(err)) throw refuse(`cannot read the run's window from its ${location}: ${(err as Error).message}`);
      throw err;
    } finally {
      await source.close();
    }
    const { panel } = loaded;
    const fingerprint = await fingerprintPanelYielding(panel);
    if (fingerprint !== run.fingerprint) {
      throw refuse(`its ${location} has fingerprint ${fingerprint} for the run's window, the coordinator's data (${run.data.kind} ${run.data.location}) ${run.fingerprint}; give every worker the same data (--data) or stop this one`);
    }
    // A setup reads through Supabase when this machine has it configured, as a local run's does (whatever the price source).
    if (!supabase && strategy.setup) {
      const rest = this.w.supabase();
      if (typeof rest !== 'string') supabase = rest;
    }
    const setupData = await runSetup(strategy, panel, supabase, []);
    const data: ThreadRun = {
      runId: run.runId, panel, strategySource,
      schedule: planSchedule(panel, run.window.startDay, run.window.endDay, run.window.warmupBars - 1, run.fill), settings: run.settings, setupData, save: run.save, signals: run.signals, worker: { name: this.w.name, threads: this.w.threads },
    };
    holdRankingCode(); // the threads' diagnostics then share this thread's compiled ranking code (spearman.ts)
    const pool = new Piscina<ChunkTask, ChunkDone>({
      filename: new URL('./chunk-thread.ts', import.meta.url).href,
      workerData: data,
      minThreads: this.w.threads,
      maxThreads: this.w.threads,
      idleTimeout: 60_000,
    });
    this.w.log(`run ${run.runId}: ${panel.symbols.length} symbols × ${panel.dates.length} bars from ${location}, fingerprint matches`);
    return { run, strategy, panel, factors: new Map(), pool };
  }
}
