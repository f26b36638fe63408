import { Queue, QueueEvents } from 'bullmq';
import type { VariantExecution, VariantExecutor } from '../variants/types.ts';
import { BacktestError, DataError, firstLine, UsageError } from '../errors.ts';
import type { VariantRunResult } from '../variants/types.ts';
import { chunkRanges, type ChunkRange } from './chunks.ts';
import { collect } from './collect.ts';
import { Collected } from './collected.ts';
import { RunJournal } from './journal.ts';
import { jobCapacity, JOB_LIMITS } from './job-schema.ts';
import { describeRun, jobId, planDigest, QUEUE_NAME, type RunDescriptor } from './payload.ts';
import { measuredChunkSize } from './probe.ts';
import type { QueueTarget } from './queue-url.ts';
import { outageMs, RedisWatch, Stopped } from './redis-watch.ts';
import { ResultStore } from './result-store.ts';
import { claimRun, releaseRun } from './run-claim.ts';
import { forget, withdraw, type RunJobs } from './run-jobs.ts';
import { decodeChunk } from './wire.ts';

/**
 * The coordinator: a `VariantExecutor` that runs a run's variants as jobs on a BullMQ queue.
 *
 * 1. Plan: a fresh run times one variant here (after one to warm up) and sizes its chunks from
 *    that (chunks.ts); the plan, the fingerprint and the chunk size go to the journal before any
 *    job exists. `--resume` reads them back instead, checks that nothing changed, takes the chunks
 *    the journal holds (a file that does not read back is run again), and clears what Redis still
 *    holds of them.
 * 2. Claim the run id in Redis (run-claim.ts): a fresh run whose id another run holds, or whose
 *    chunks already have jobs or results there, queues nothing and stops.
 * 3. Enqueue every chunk not in the journal, with a deterministic job id (run id + chunk): a
 *    chunk already queued, running or finished in Redis is left as it is; a failed one is re-added.
 *    Each job carries the run's plan digest, and each result must bring it back.
 * 4. Collect: on each `completed` event (and a sweep of the pending chunks every few seconds, in
 *    case an event was missed) the chunk's result is checked (exactly its variants), written to the
 *    journal, and only then removed from Redis.
 * 5. A chunk that failed for good (a worker refused it, a variant threw, it stalled too often) or a
 *    result that does not check stops the run with its message; so does a Redis that stays away
 *    (E_QUEUE_UNREACHABLE, after BACKTEST_QUEUE_OUTAGE_MS). Ctrl-C stops waiting. Either way,
 *    chunks not yet started are taken off the queue (the fleet stops working on the run), chunks
 *    running finish into Redis, and finished chunks stay (in the journal or in Redis) for `--resume`.
 */
export interface QueueExecutorOptions {
  readonly target: QueueTarget;
  /** The run id is an earlier run's: continue from its journal (its chunk size). */
  readonly resume?: boolean | undefined;
  /** `--chunk-size`: variants per job, instead of the measured size (a resumed run keeps its own). */
  readonly chunkSize?: number | undefined;
  /** One line for the user (stderr). */
  readonly log?: ((line: string) => void) | undefined;
}

export interface QueueRun {
  readonly executor: VariantExecutor;
  /** After the run folder is written: a complete run's journal is no longer needed. */
  finish(outDir: string, runId: string, status: 'complete' | 'partial'): void;
}

/** The time allowed for closing the Redis clients. */
const CLOSE_MS = 5_000;

export function queueExecutor(o: QueueExecutorOptions): QueueRun {
  let journal: RunJournal | undefined;
  return {
    executor: async (x) => {
      journal = o.resume ? reopen(x, describe(x)) : plan(x, o);
      return coordinate(x, o, journal);
    },
    finish(_outDir, _runId, status) {
      if (status === 'complete') journal?.remove();
    },
  };
}

const describe = (x: VariantExecution): RunDescriptor => describeRun(x.runId, x.config, x.window, x.settings, x.fingerprint, x.source.location);

/**
 * A fresh run's journal: its plan, with the chunk size measured here (or `--chunk-size`), within
 * what a worker accepts of one job (job-schema.ts).
 */
function plan(x: VariantExecution, o: QueueExecutorOptions): RunJournal {
  const variants = x.planned; // the variants, then the capacity points
  const run = describe(x);
  const fit = jobCapacity(run, variants.map((v) => v.params));
  if (o.chunkSize !== undefined && o.chunkSize > fit) o.log?.(`--chunk-size ${o.chunkSize}: jobs of at most ${fit} variants (a job holds at most ${JOB_LIMITS.bytes.toLocaleString('en-US')} bytes)`);
  const size = Math.min(fit, o.chunkSize ?? measuredChunkSize(x));
  return RunJournal.create(x.config.outDir, {
    v: 1, runId: x.runId, digest: planDigest(run, x.config.variants, x.config.costs.capacity), fingerprint: x.fingerprint, variants: variants.length,
    chunkSize: size, chunks: Math.ceil(variants.length / size), queue: o.target.display, createdAt: new Date().toISOString(),
  });
}

/** The journal of the run being resumed, checked against this command's plan and data. */
function reopen(x: VariantExecution, run: RunDescriptor): RunJournal {
  const journal = RunJournal.open(x.config.outDir, x.runId);
  if (journal.meta.digest !== planDigest(run, x.config.variants, x.config.costs.capacity)) {
    throw new UsageError(`--resume ${x.runId}: the strategy, window, settings, --save, variants or vopa-backtest version differ from the run's; repeat the command that started it, with the version that started it`, 'E_RESUME');
  }
  if (journal.meta.fingerprint !== x.fingerprint) {
    throw new DataError(`--resume ${x.runId}: the data changed since the run started (fingerprint ${x.fingerprint}, the run's ${journal.meta.fingerprint})`, 'E_RESUME_DATA');
  }
  return journal;
}

/** Takes the journal's chunks; one that does not read back (or does not check) is left to run again. */
function readJournal(journal: RunJournal, ranges: readonly ChunkRange[], state: Collected, runId: string, log: ((line: string) => void) | undefined): void {
  for (const k of journal.done()) {
    try {
      const range = ranges[k];
      if (!range) throw new Error(`the run has ${ranges.length} chunks`);
      state.add(decodeChunk(journal.read(k), runId, journal.meta.digest, range), true);
    } catch (err) {
      log?.(`warning: journal ${journal.dir}: chunk ${k} cannot be read back (${firstLine(err)}); it runs again`);
    }
  }
}

async function coordinate(x: VariantExecution, o: QueueExecutorOptions, journal: RunJournal): Promise<VariantRunResult> {
  const started = performance.now();
  const variants = x.planned; // the variants, then the capacity points
  const ranges = chunkRanges(variants.length, journal.meta.chunkSize);
  const state = new Collected(x);
  readJournal(journal, ranges, state, x.runId, o.log);
  x.progress?.(state.outcomes.size, variants.length);
  const pending = new Map(ranges.filter((r) => !state.chunks.has(r.chunk)).map((r) => [jobId(x.runId, r.chunk), r]));
  // A strategy file runs only on workers started with it (allowed-strategies.ts).
  const workerCommand = `backtest worker --queue ${o.target.display}${x.config.strategy.builtin ? '' : ` --strategy ${x.config.strategy.source}`}`;
  o.log?.(
    `queue ${o.target.display}: run ${x.runId}, ${variants.length} variant(s) in ${ranges.length} job(s) of ≤ ${journal.meta.chunkSize}` +
      `${state.chunks.size ? ` (${state.chunks.size} already done)` : ''}; workers: ${workerCommand}`,
  );

  const watch = new RedisWatch({ display: o.target.display, outageMs: outageMs(), signal: x.signal, log: o.log ?? (() => {}) });
  const queue = new Queue(QUEUE_NAME, { connection: o.target.connection() });
  const events = new QueueEvents(QUEUE_NAME, { connection: o.target.connection() });
  queue.on('error', watch.onError);
  events.on('error', watch.onError);
  const c: RunJobs = { queue, results: new ResultStore(o.target, watch.onError), watch, run: describe(x), plan: journal.meta.digest, x, journal, state };
  const timing = { overheadMs: 0 };
  let failure: unknown;
  // Until the run holds its id, the jobs under it may be another run's: nothing is withdrawn.
  let claimed = false;
  try {
    await watch.call(events.waitUntilReady());
    await claimRun(c, [...pending.keys()], Boolean(o.resume));
    claimed = true;
    if (state.chunks.size) await forget(c, state.chunks);
    await collect(c, events, pending, { started, timing, log: o.log, display: o.target.display, workerCommand });
    if (!pending.size) await releaseRun(c);
  } catch (err) {
    failure = err;
  }
  const unreachable = failure instanceof BacktestError && failure.code === 'E_QUEUE_UNREACHABLE';
  if (!claimed) {
    // Nothing was queued: a fresh run leaves nothing to resume.
    if (!o.resume) journal.remove();
  } else if (failure && !(failure instanceof Stopped)) {
    if (!unreachable) await withdraw(c, pending, false);
  } else if (x.signal?.aborted) {
    // Interrupted: what finished meanwhile still goes into the partial folder.
    for (const id of await withdraw(c, pending, true)) pending.delete(id);
  }
  await close(c, events);
  if (failure && !(failure instanceof Stopped)) throw failure;
  if (!pending.size && state.outcomes.size !== variants.length) {
    throw new BacktestError('E_QUEUE_RESULT', `run ${x.runId}: every chunk was collected but ${variants.length - state.outcomes.size} of ${variants.length} variants are missing`);
  }

  const collected = state.chunks.size - state.fromJournal;
  return {
    outcomes: [...state.outcomes.values()].sort((a, b) => a.id - b.id),
    interrupted: state.outcomes.size < variants.length,
    threads: Math.max(1, [...state.workers.values()].reduce((sum, w) => sum + w.threads, 0)),
    execution: {
      kind: 'queue',
      queue: o.target.display,
      chunk_size: journal.meta.chunkSize,
      chunks: ranges.length,
      chunks_from_journal: state.fromJournal,
      resumed: Boolean(o.resume),
      coordinator_ms_per_chunk: collected ? Math.round((timing.overheadMs / collected) * 100) / 100 : null,
      wall_ms: Math.round(performance.now() - started),
      workers: [...state.workers.entries()].map(([name, w]) => ({ name, threads: w.threads, chunks: w.chunks, variants: w.variants, busy_ms: Math.round(w.ms) })),
    },
  };
}

/**
 * Closes the Redis clients, waiting at most CLOSE_MS; then (or at once when Redis is gone) drops
 * their connections: a polite QUIT waits for a Redis that is not there, and a client left
 * reconnecting would keep the process alive after the run has ended.
 */
async function close(c: RunJobs, events: QueueEvents): Promise<void> {
  const closing = Promise.all([c.queue.close(), events.close(), c.results.close()]).then(() => true, () => false);
  const closed = c.watch.down ? false : await Promise.race([closing, new Promise<false>((r) => setTimeout(() => r(false), CLOSE_MS).unref())]);
  if (!closed) for (const client of [c.queue, events]) void client.disconnect().catch(() => {});
}
