import { rmSync } from 'node:fs';
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import type { VariantExecution, VariantExecutor } from '../app/backtest.ts';
import { BacktestError, DataError, UsageError } from '../errors.ts';
import type { VariantRunResult } from '../variants/run-variants.ts';
import { chunkRanges } from './chunks.ts';
import { Collected } from './collected.ts';
import { RunJournal } from './journal.ts';
import { describeRun, jobId, planDigest, QUEUE_NAME, type JobPayload, type RunDescriptor } from './payload.ts';
import type { QueueTarget } from './queue-url.ts';
import { ResultStore } from './result-store.ts';
import { measuredChunkSize } from './probe.ts';
import { decodeChunk } from './wire.ts';

/**
 * The coordinator: a `VariantExecutor` that runs a run's variants as jobs on a BullMQ queue.
 *
 * 1. Plan: a fresh run times one variant here (after one to warm up) and sizes its chunks from
 *    that (chunks.ts); the plan, the fingerprint and the chunk size go to the journal before any
 *    job exists. `--resume` reads them back instead and checks that nothing changed.
 * 2. Enqueue every chunk not in the journal, with a deterministic job id (run id + chunk): a
 *    chunk already queued, running or finished in Redis is left as it is; a failed one is re-added.
 * 3. Collect: on each `completed` event (and a sweep of the pending chunks every few seconds, in
 *    case an event was missed) the chunk's result is decoded, written to the journal, and only
 *    then removed from Redis. A variant already collected is not taken twice.
 * 4. A chunk that failed for good (a worker refused it, a variant threw, it stalled too often)
 *    stops the run with the worker's message. Ctrl-C stops waiting. Either way, chunks not yet
 *    started are taken off the queue (the fleet stops working on the run), chunks running finish
 *    into Redis, and finished chunks stay (in the journal or in Redis) for `--resume`.
 */
export interface QueueExecutorOptions {
  readonly target: QueueTarget;
  /** The run id is an earlier run's: continue from its journal. */
  readonly resume?: boolean | undefined;
  /** `--chunk-size`: variants per job, instead of the measured size. */
  readonly chunkSize?: number | undefined;
  /** One line for the user (stderr). */
  readonly log?: ((line: string) => void) | undefined;
}

export interface QueueRun {
  readonly executor: VariantExecutor;
  /** After the run folder is written: a complete run's journal is no longer needed. */
  finish(outDir: string, runId: string, status: 'complete' | 'partial'): void;
}

/** Seconds between sweeps of the pending chunks' states (events usually come first). */
const SWEEP_MS = 2_000;
/** Nothing collected and nothing running after this long: say so once (a run without workers waits). */
const IDLE_NOTICE_MS = 15_000;
const WEEK_S = 7 * 24 * 3600;

export function queueExecutor(o: QueueExecutorOptions): QueueRun {
  return {
    executor: (x) => coordinate(x, o),
    finish(outDir, runId, status) {
      if (status === 'complete') rmSync(RunJournal.folder(outDir, runId), { recursive: true, force: true });
    },
  };
}

async function coordinate(x: VariantExecution, o: QueueExecutorOptions): Promise<VariantRunResult> {
  const started = performance.now();
  const variants = x.config.variants;
  const run = describeRun(x.runId, x.config, x.window, x.settings, x.fingerprint, x.source.location);
  let journal: RunJournal;
  if (o.resume) {
    journal = reopen(x, run);
  } else {
    const size = o.chunkSize ?? measuredChunkSize(x);
    journal = RunJournal.create(x.config.outDir, {
      v: 1, runId: x.runId, digest: planDigest(run, variants), fingerprint: x.fingerprint, variants: variants.length,
      chunkSize: size, chunks: Math.ceil(variants.length / size), queue: o.target.display, createdAt: new Date().toISOString(),
    });
  }
  const ranges = chunkRanges(variants.length, journal.meta.chunkSize);
  const state = new Collected(x);
  for (const k of journal.done()) state.add(decodeChunk(journal.read(k), x.runId, k), true);
  x.progress?.(state.outcomes.size, variants.length);
  const pending = new Map(ranges.filter((r) => !state.chunks.has(r.chunk)).map((r) => [jobId(x.runId, r.chunk), r]));
  o.log?.(
    `queue ${o.target.display}: run ${x.runId}, ${variants.length} variant(s) in ${ranges.length} job(s) of ≤ ${journal.meta.chunkSize}` +
      `${state.chunks.size ? ` (${state.chunks.size} already done)` : ''}; workers: backtest worker --queue ${o.target.display}`,
  );

  const connection = o.target.connection();
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection: o.target.connection() });
  const results = new ResultStore(o.target);
  const ctx: Settling = { queue, results, run, x, journal, state };
  const ready = new Set<string>();
  let wake = () => {};
  const notify = ({ jobId: id }: { jobId: string }) => {
    if (pending.has(id)) {
      ready.add(id);
      wake();
    }
  };
  events.on('completed', notify);
  events.on('failed', notify);
  const onAbort = () => wake();
  x.signal?.addEventListener('abort', onAbort);
  let overheadMs = 0;
  try {
    await events.waitUntilReady();
    let t = performance.now();
    await enqueue(queue, run, x, [...pending.values()]);
    overheadMs += performance.now() - t;
    let lastSweep = performance.now();
    let idleNoticed = false;
    while (pending.size && !x.signal?.aborted) {
      const sweep = performance.now() - lastSweep >= SWEEP_MS;
      if (sweep && !idleNoticed && performance.now() - started > IDLE_NOTICE_MS && state.chunks.size === state.fromJournal) {
        idleNoticed = true;
        if ((await queue.getActiveCount()) === 0) o.log?.(`queue ${o.target.display}: no worker has taken a job yet; start one with: backtest worker --queue ${o.target.display}`);
      }
      const ids = sweep ? [...pending.keys()] : [...ready];
      ready.clear();
      if (sweep) lastSweep = performance.now();
      for (const id of ids) {
        const r = pending.get(id);
        if (!r) continue;
        t = performance.now();
        const settled = await settle(ctx, r);
        overheadMs += performance.now() - t;
        if (settled) {
          pending.delete(id);
          x.progress?.(state.outcomes.size, variants.length);
        }
      }
      if (!pending.size || ready.size) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SWEEP_MS);
        wake = () => { clearTimeout(timer); resolve(); };
      });
      wake = () => {};
    }
  } catch (err) {
    await withdraw(queue, [...pending.keys()]);
    throw err;
  } finally {
    x.signal?.removeEventListener('abort', onAbort);
    if (x.signal?.aborted && pending.size) {
      // Interrupted: what finished meanwhile still goes into the partial folder.
      await withdraw(queue, [...pending.keys()], async (id) => {
        if (await settle(ctx, pending.get(id)!)) pending.delete(id);
      });
    }
    await Promise.race([Promise.all([queue.close(), events.close(), results.close()]), new Promise((r) => setTimeout(r, 5_000).unref())]);
  }
  const collected = state.chunks.size - state.fromJournal;
  return {
    outcomes: [...state.outcomes.values()].sort((a, b) => a.id - b.id),
    interrupted: pending.size > 0,
    threads: Math.max(1, [...state.workers.values()].reduce((sum, w) => sum + w.threads, 0)),
    execution: {
      kind: 'queue',
      queue: o.target.display,
      chunk_size: journal.meta.chunkSize,
      chunks: ranges.length,
      chunks_from_journal: state.fromJournal,
      resumed: Boolean(o.resume),
      duplicate_results: state.duplicates,
      coordinator_ms_per_chunk: collected ? Math.round((overheadMs / collected) * 100) / 100 : null,
      wall_ms: Math.round(performance.now() - started),
      workers: [...state.workers.entries()].map(([name, w]) => ({ name, threads: w.threads, chunks: w.chunks, variants: w.variants, busy_ms: Math.round(w.ms) })),
    },
  };
}

/** The journal of the run being resumed, checked against this command's plan and data. */
function reopen(x: VariantExecution, run: RunDescriptor): RunJournal {
  const journal = RunJournal.open(x.config.outDir, x.runId);
  if (journal.meta.digest !== planDigest(run, x.config.variants)) {
    throw new UsageError(`--resume ${x.runId}: the strategy, window, settings, --save or variants differ from the run's; repeat the command that started it`, 'E_RESUME');
  }
  if (journal.meta.fingerprint !== x.fingerprint) {
    throw new DataError(`--resume ${x.runId}: the data changed since the run started (fingerprint ${x.fingerprint}, the run's ${journal.meta.fingerprint})`, 'E_RESUME_DATA');
  }
  return journal;
}

const jobOptions = (id: string): JobsOptions => ({
  jobId: id,
  // Transient failures (a worker that cannot read its data for a moment) are retried; a refusal or a
  // failing variant is final (the worker throws UnrecoverableError), and a killed worker's job comes
  // back through BullMQ's stalled-job check, not through these attempts.
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  // The coordinator removes a finished job once it has the result; these only bound what a
  // coordinator that never comes back leaves in Redis.
  removeOnComplete: { age: WEEK_S },
  removeOnFail: { age: WEEK_S },
});

function payload(run: RunDescriptor, x: VariantExecution, r: { chunk: number; from: number; to: number }): JobPayload {
  return { v: 1, run, chunk: r.chunk, variants: x.config.variants.slice(r.from, r.to).map((params, k) => ({ id: r.from + k + 1, params })) };
}

/** Adds the chunks that Redis does not already hold; a failed one (from an earlier attempt) is replaced. */
async function enqueue(queue: Queue, run: RunDescriptor, x: VariantExecution, ranges: ReadonlyArray<{ chunk: number; from: number; to: number }>): Promise<void> {
  const add: Array<{ name: string; data: JobPayload; opts: JobsOptions }> = [];
  for (const r of ranges) {
    const id = jobId(x.runId, r.chunk);
    const state = await queue.getJobState(id);
    if (state === 'failed') await queue.remove(id);
    if (state === 'failed' || state === 'unknown') add.push({ name: 'chunk', data: payload(run, x, r), opts: jobOptions(id) });
  }
  for (let k = 0; k < add.length; k += 200) await queue.addBulk(add.slice(k, k + 200));
}

interface Settling {
  readonly queue: Queue;
  readonly results: ResultStore;
  readonly run: RunDescriptor;
  readonly x: VariantExecution;
  readonly journal: RunJournal;
  readonly state: Collected;
}

/** Looks at one pending chunk: collects it when done; true when it needs no more waiting. */
async function settle(c: Settling, r: { chunk: number; from: number; to: number }): Promise<boolean> {
  const { queue, x } = c;
  const id = jobId(x.runId, r.chunk);
  const status = await queue.getJobState(id);
  if (status === 'unknown') {
    // Gone from Redis without reaching us (removed by hand, or aged out): queue it again.
    await enqueue(queue, c.run, x, [r]);
    return false;
  }
  if (status !== 'completed' && status !== 'failed') return false;
  if (status === 'failed') {
    const job = await queue.getJob(id);
    throw new BacktestError('E_QUEUE_JOB', `job ${id} (variants ${r.from + 1}–${r.to}) failed: ${job?.failedReason?.split('\n')[0] ?? 'no reason given'}`);
  }
  const text = await c.results.get(id);
  if (text === null) {
    // Completed, but its result is gone (expired, or the server lost it): run the chunk again.
    await queue.remove(id);
    await enqueue(queue, c.run, x, [r]);
    return false;
  }
  const result = decodeChunk(text, x.runId, r.chunk);
  c.journal.write(r.chunk, text);
  c.state.add(result);
  await queue.remove(id);
  await c.results.delete(id);
  return true;
}

/**
 * Takes the run's jobs that have not started (and failed ones) off the queue; running ones stay and
 * finish into Redis for `--resume`. Finished ones are collected when `collect` is given, else left.
 */
async function withdraw(queue: Queue, ids: readonly string[], collect?: (id: string) => Promise<void>): Promise<void> {
  const work = (async () => {
    for (const id of ids) {
      const state = await queue.getJobState(id);
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children' || state === 'failed') await queue.remove(id);
      else if (state === 'completed' && collect) await collect(id);
    }
  })();
  await Promise.race([work.catch(() => {}), new Promise((r) => setTimeout(r, 5_000).unref())]);
}
