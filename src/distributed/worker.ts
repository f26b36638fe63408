import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job, type JobJsonRaw } from 'bullmq';
import type { Factor } from '../strategy/types.ts';
import type { SupabaseRest } from '../supabase/index.ts';
import { parseVariantFailure } from '../variants/failure.ts';
import type { AllowedStrategies } from './allowed-strategies.ts';
import { checkVariants, oversized, readJob, WorkerRefusal } from './job-intake.ts';
import { shown } from './job-schema.ts';
import { QUEUE_NAME, type JobPayload } from './payload.ts';
import type { QueueTarget } from './queue-url.ts';
import { ErrorLines } from './redis-watch.ts';
import { ResultStore } from './result-store.ts';
import { RunCache, type RunContext } from './run-cache.ts';
import { FACTOR_CAP } from '../variants/factor-plan.ts';

/**
 * `backtest worker`: takes chunks of runs' variants from the queue and returns their results.
 *
 * 1. BullMQ hands this process up to `threads` jobs at once; each runs on a thread of the run's
 *    pool (run-cache.ts), factors included, so all cores work and the main thread stays free to
 *    renew the jobs' locks (a lock not renewed makes a job look stalled and run twice).
 * 2. Per job: its checks (job-intake.ts: size before parsing, versions, shape), the run's context
 *    (the strategy from this worker's own list, the window loaded once per run; or refused), its
 *    variants' parameters against the strategy, then the chunk on a thread with the factors the
 *    process already holds; the factors the thread had to compute come back with the result, for
 *    the run's later chunks. A job never makes the worker import a module it was not started with.
 * 3. A refusal (a job too large or malformed, parameters out of range, another version, other
 *    data, a strategy it does not run) or a failing variant is final:
 *    `UnrecoverableError`, so the job fails at once instead of going round the fleet, and the
 *    coordinator stops the run with this worker's message. Anything else (a read that failed for a
 *    moment, a thread that died) is tried again by BullMQ.
 * 4. A worker killed mid-job stops renewing its lock: after `lockDuration` another worker's
 *    stalled-job check puts the job back, and it runs again elsewhere.
 * 5. Redis going away is logged (each distinct error once a minute) while BullMQ reconnects.
 */
export interface QueueWorkerOptions {
  readonly target: QueueTarget;
  /** Jobs at once, and threads per run. */
  readonly threads: number;
  readonly dataDir: string;
  /** The strategies it runs: the built-ins and its `--strategy` files, hashed at start. */
  readonly strategies: AllowedStrategies;
  readonly supabase: () => SupabaseRest | string;
  readonly log: (line: string) => void;
  /** Log each job's start and end. */
  readonly verbose?: boolean;
}

/** The time a closing worker waits for its connections to finish starting. */
const READY_MS = 5_000;

/** Lock settings: a killed worker's job runs again within about lockDuration + 2 × stalledInterval. */
export function lockSettings(env: NodeJS.ProcessEnv = process.env): { lockDuration: number; stalledInterval: number } {
  const lockDuration = Math.max(1_000, Number(env.BACKTEST_QUEUE_LOCK_MS) || 15_000);
  return { lockDuration, stalledInterval: Math.min(5_000, Math.round(lockDuration / 2)) };
}

export interface QueueWorker {
  readonly name: string;
  /**
   * Stops taking jobs and waits for the running ones (`force`: at once; their jobs stall and run
   * elsewhere). Bounded while Redis is away: a job that cannot be marked done stalls and runs again.
   */
  close(force?: boolean): Promise<void>;
}

export function startQueueWorker(o: QueueWorkerOptions): QueueWorker {
  const name = `${hostname()}:${process.pid}`;
  const runs = new RunCache({ name, threads: o.threads, dataDir: o.dataDir, strategies: o.strategies, supabase: o.supabase, log: o.log });
  const errors = new ErrorLines((m) => o.log(`worker ${name}: Redis: ${m}`));
  const results = new ResultStore(o.target, (err) => errors.report(err));
  /** Jobs whose payload was too large to parse (BullMQ's raw job, taken before it parses): why. */
  const tooLarge = new WeakMap<Job, string>();

  const process_ = async (job: Job<unknown>): Promise<{ bytes: number }> => {
    let label = `job ${shown(job.id)}`;
    try {
      const large = tooLarge.get(job);
      if (large) throw new WorkerRefusal(`worker ${name} refuses job ${shown(job.id)}: ${large}`);
      const p = readJob(job, name);
      label = `chunk ${p.chunk}`;
      return await runs.use(p.run, (ctx) => {
        checkVariants(p, ctx.strategy, ctx.panel, name);
        return simulate(job, p, ctx);
      });
    } catch (err) {
      if (err instanceof WorkerRefusal) {
        o.log(`${label}: ${err.message}`);
        throw new UnrecoverableError(err.message);
      }
      throw err;
    }
  };

  const simulate = async (job: Job<unknown>, p: JobPayload, ctx: RunContext): Promise<{ bytes: number }> => {
    const label = `run ${p.run.runId} chunk ${p.chunk} (variants ${p.variants[0]?.id}–${p.variants.at(-1)?.id})`;
    if (o.verbose) o.log(`${label}: started`);
    const t = performance.now();
    try {
      const done = await ctx.pool.run({ chunk: p.chunk, plan: p.plan, variants: p.variants, factors: heldFactors(ctx, p) });
      for (const [key, values] of done.factors) if (!ctx.factors.has(key)) ctx.factors.set(key, values);
      trimFactors(ctx.factors, FACTOR_CAP);
      const kept = await results.put(`${job.queueQualifiedName}:${job.id}`, job.id!, done.text);
      if (o.verbose) o.log(`${label}: done in ${((performance.now() - t) / 1000).toFixed(2)} s${kept ? '' : ' (its job is gone: collected from another worker, or withdrawn; result dropped)'}`);
      return { bytes: done.text.length };
    } catch (err) {
      const failure = parseVariantFailure(err);
      if (o.verbose) o.log(`${label}: failed: ${failure ? `variant ${failure.variant}: ${failure.message}` : (err as Error).message}`);
      if (failure) throw new UnrecoverableError(`variant ${failure.variant}: ${failure.message}`);
      throw err;
    }
  };

  /**
   * BullMQ's worker, but a job whose payload (or options) is too large is never parsed: BullMQ has
   * fetched it as text, and it reaches `process_` empty, to be refused.
   */
  class GuardedWorker extends Worker<unknown, { bytes: number }> {
    protected override createJob(raw: JobJsonRaw, id: string): Job<unknown, { bytes: number }> {
      const large = oversized(`${raw.data ?? ''}${raw.opts ?? ''}`);
      if (!large) return super.createJob(raw, id);
      const job = super.createJob({ ...raw, data: '{}', opts: '{}' }, id);
      tooLarge.set(job, large);
      return job;
    }
  }

  const worker = new GuardedWorker(QUEUE_NAME, process_, {
    connection: o.target.connection(),
    concurrency: o.threads,
    ...lockSettings(),
    // A job may lose two workers before it fails for good.
    maxStalledCount: 2,
    name,
  });
  worker.on('error', (err) => errors.report(err));
  return {
    name,
    async close(force = false) {
      // BullMQ closes a connection that is still starting without waiting for it, and the start's
      // failure ("Connection is closed.") is then emitted with no listener left: an uncaught error
      // that ends the process (exit 1) — a SIGTERM just after start did that under load. So the
      // worker's connections may finish starting first (at most READY_MS: Redis may be away).
      await Promise.race([worker.waitUntilReady().catch(() => {}), new Promise((r) => setTimeout(r, READY_MS).unref())]);
      // BullMQ's close waits for Redis to mark the running jobs done; without Redis that never
      // comes, so the wait ends once Redis is away (those jobs stall and run again elsewhere). BullMQ
      // may leave a timer behind then: the command exits anyway once it has finished (cli/main.ts).
      let closed = false;
      const closing = worker.close(force).catch(() => {}).finally(() => { closed = true; });
      while (!closed && results.reachable) await Promise.race([closing, new Promise((r) => setTimeout(r, 1_000))]);
      await runs.close();
      await results.close();
    },
  };
}

/**
 * The factors of the chunk's variants (and their inputs) that the worker already holds; each one
 * handed out becomes the most recently used (trimFactors lets the least recently used go first).
 */
function heldFactors(ctx: RunContext, p: JobPayload): Array<[string, Float64Array]> {
  const held = new Map<string, Float64Array>();
  const visit = (f: Factor) => {
    if (held.has(f.key)) return;
    const values = ctx.factors.get(f.key);
    if (values) {
      held.set(f.key, values);
      ctx.factors.delete(f.key);
      ctx.factors.set(f.key, values);
    }
    for (const input of f.inputs ?? []) visit(input);
  };
  for (const { params } of p.variants) for (const f of Object.values(ctx.strategy.factors?.(params as never) ?? {})) visit(f);
  return [...held];
}

/**
 * Keeps a run's factors within `cap` bytes, letting the least recently used go (a Map keeps its keys
 * in insertion order, and heldFactors re-inserts each one it hands out). A chunk that needs a factor
 * let go computes it again: the same values, some time lost; the memory stays bounded whatever the
 * order of a sweep's jobs (1,000 lookbacks would otherwise stay in every worker).
 */
export function trimFactors(factors: Map<string, Float64Array>, cap: number): void {
  let bytes = 0;
  for (const v of factors.values()) bytes += v.byteLength;
  for (const [key, v] of factors) {
    if (bytes <= cap) break;
    factors.delete(key);
    bytes -= v.byteLength;
  }
}
