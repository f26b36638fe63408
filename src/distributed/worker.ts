import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { SupabaseRest } from '../supabase/index.ts';
import type { VariantFailure } from '../variants/types.ts';
import { QUEUE_NAME, type JobPayload } from './payload.ts';
import type { QueueTarget } from './queue-url.ts';
import { ResultStore } from './result-store.ts';
import { RunCache, WorkerRefusal, type RunContext } from './run-cache.ts';

/**
 * `backtest worker`: takes chunks of runs' variants from the queue and returns their results.
 *
 * 1. BullMQ hands this process up to `threads` jobs at once; each runs on a thread of the run's
 *    pool (run-cache.ts), so all cores work and the main thread stays free to renew the jobs'
 *    locks (a lock not renewed makes a job look stalled and run twice).
 * 2. Per job: the run's context (window loaded once per run, or refused), then the factors its
 *    variants need, computed once per run here in shared memory, then the chunk on a thread.
 * 3. A refusal (other data, another strategy file) or a failing variant is final:
 *    `UnrecoverableError`, so the job fails at once instead of going round the fleet, and the
 *    coordinator stops the run with this worker's message. Anything else (a read that failed for a
 *    moment, a thread that died) is retried by BullMQ.
 * 4. A worker killed mid-job stops renewing its lock: after `lockDuration` another worker's
 *    stalled-job check puts the job back, and it runs again elsewhere.
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
  /** Resolves when the worker stops (after `close`). */
  readonly closed: Promise<void>;
  /** Stops taking jobs and waits for the running ones (`force`: at once; their jobs stall and run elsewhere). */
  close(force?: boolean): Promise<void>;
}

export function startQueueWorker(o: QueueWorkerOptions): QueueWorker {
  const name = `${hostname()}:${process.pid}`;
  const runs = new RunCache({ name, threads: o.threads, dataDir: o.dataDir, supabase: o.supabase, log: o.log });
  const results = new ResultStore(o.target);

  const process_ = async (job: Job<JobPayload>): Promise<{ bytes: number }> => {
    const p = job.data;
    if (p?.v !== 1 || !p.run?.runId || !Array.isArray(p.variants)) throw new UnrecoverableError(`worker ${name}: job ${job.id} is not a backtest chunk this version understands`);
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
    const factors = new Map<string, Float64Array>();
    for (const { params } of p.variants) {
      for (const factor of Object.values(ctx.strategy.factors?.(params as never) ?? {})) factors.set(factor.key, ctx.factors.get(factor));
    }
    const label = `run ${p.run.runId} chunk ${p.chunk} (variants ${p.variants[0]?.id}–${p.variants.at(-1)?.id})`;
    if (o.verbose) o.log(`${label}: started`);
    const t = performance.now();
    try {
      const text = await ctx.pool.run({ chunk: p.chunk, variants: p.variants, factors: [...factors] });
      await results.put(job.id!, text);
      if (o.verbose) o.log(`${label}: done in ${((performance.now() - t) / 1000).toFixed(2)} s`);
      return { bytes: text.length };
    } catch (err) {
      const failure = variantFailure(err);
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
  worker.on('error', (err) => o.log(`worker ${name}: ${err.message.split('\n')[0]}`));
  let done: () => void = () => {};
  const closed = new Promise<void>((r) => { done = r; });
  return {
    name,
    closed,
    async close(force = false) {
      await worker.close(force);
      await runs.close();
      await results.close();
      done();
    },
  };
}

/** A variant's failure as thrown by a pool thread, or undefined for anything else. */
function variantFailure(err: unknown): VariantFailure | undefined {
  try {
    const f = JSON.parse((err as Error)?.message ?? '') as VariantFailure;
    return typeof f.variant === 'number' ? f : undefined;
  } catch {
    return undefined;
  }
}
