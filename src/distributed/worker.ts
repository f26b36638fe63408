import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Factor } from '../strategy/types.ts';
import type { SupabaseRest } from '../supabase/index.ts';
import { parseVariantFailure } from '../variants/failure.ts';
import { PAYLOAD_VERSION, QUEUE_NAME, validCash, type JobPayload } from './payload.ts';
import type { QueueTarget } from './queue-url.ts';
import { ErrorLines } from './redis-watch.ts';
import { ResultStore } from './result-store.ts';
import { RunCache, WorkerRefusal, type RunContext } from './run-cache.ts';

/**
 * `backtest worker`: takes chunks of runs' variants from the queue and returns their results.
 *
 * 1. BullMQ hands this process up to `threads` jobs at once; each runs on a thread of the run's
 *    pool (run-cache.ts), factors included, so all cores work and the main thread stays free to
 *    renew the jobs' locks (a lock not renewed makes a job look stalled and run twice).
 * 2. Per job: the run's context (window loaded once per run, or refused), then the chunk on a
 *    thread with the factors the process already holds; the factors the thread had to compute
 *    come back with the result, for the run's later chunks.
 * 3. A refusal (another version, other data, another strategy file) or a failing variant is final:
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
  readonly supabase: () => SupabaseRest | string;
  readonly log: (line: string) => void;
  /** Log each job's start and end. */
  readonly verbose?: boolean;
}

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
  const runs = new RunCache({ name, threads: o.threads, dataDir: o.dataDir, supabase: o.supabase, log: o.log });
  const errors = new ErrorLines((m) => o.log(`worker ${name}: Redis: ${m}`));
  const results = new ResultStore(o.target, (err) => errors.report(err));

  const process_ = async (job: Job<JobPayload>): Promise<{ bytes: number }> => {
    const p = job.data;
    if (p?.v !== PAYLOAD_VERSION || !p.run?.runId || !Array.isArray(p.variants) || !p.variants.every((v) => validCash(v?.cash))) {
      throw new UnrecoverableError(`worker ${name}: job ${job.id} is not a backtest chunk this version reads (payload v${String(p?.v)}, this worker reads v${PAYLOAD_VERSION}); run the same vopa-backtest version on every machine`);
    }
    try {
      return await runs.use(p.run, (ctx) => simulate(job, p, ctx));
    } catch (err) {
      if (err instanceof WorkerRefusal) {
        o.log(`chunk ${p.chunk}: ${err.message}`);
        throw new UnrecoverableError(err.message);
      }
      throw err;
    }
  };

  const simulate = async (job: Job<JobPayload>, p: JobPayload, ctx: RunContext): Promise<{ bytes: number }> => {
    const label = `run ${p.run.runId} chunk ${p.chunk} (variants ${p.variants[0]?.id}–${p.variants.at(-1)?.id})`;
    if (o.verbose) o.log(`${label}: started`);
    const t = performance.now();
    try {
      const done = await ctx.pool.run({ chunk: p.chunk, variants: p.variants, factors: heldFactors(ctx, p) });
      for (const [key, values] of done.factors) if (!ctx.factors.has(key)) ctx.factors.set(key, values);
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

  const worker = new Worker<JobPayload, { bytes: number }>(QUEUE_NAME, process_, {
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

/** The factors of the chunk's variants (and their inputs) that the worker already holds. */
function heldFactors(ctx: RunContext, p: JobPayload): Array<[string, Float64Array]> {
  const held = new Map<string, Float64Array>();
  const visit = (f: Factor) => {
    if (held.has(f.key)) return;
    const values = ctx.factors.get(f.key);
    if (values) held.set(f.key, values);
    for (const input of f.inputs ?? []) visit(input);
  };
  for (const { params } of p.variants) for (const f of Object.values(ctx.strategy.factors?.(params as never) ?? {})) visit(f);
  return [...held];
}
