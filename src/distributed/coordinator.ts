import { Queue, QueueEvents } from 'bullmq';
import type { VariantExecution, VariantExecutor } from '../variants/types.ts';
import { BacktestError, DataError, firstLine, UsageError } from '../errors.ts';
import type { VariantRunResult } from '../variants/types.ts';
import { chunkRanges, type ChunkRange } from './chunks.ts';
import { Collected } from './collected.ts';
import { RunJournal } from './journal.ts';
import { describeRun, jobId, planDigest, QUEUE_NAME, type RunDescriptor } from './payload.ts';
import { measuredChunkSize } from './probe.ts';
import type { QueueTarget } from './queue-url.ts';
import { outageMs, RedisWatch, Stopped } from './redis-watch.ts';
import { ResultStore } from './result-store.ts';
import { enqueue, forget, jobStates, settle, withdraw, type RunJobs } from './run-jobs.ts';
import { decodeChunk } from './wire.ts';

/**
 * The coordinator: a `VariantExecutor` that runs a run's variants as jobs on a BullMQ queue.
 *
 * 1. Plan: a fresh run times one variant here (after one to warm up) and sizes its chunks from
 *    that (chunks.ts); the plan, the fingerprint and the chunk size go to the journal before any
 *    job exists. `--resume` reads them back instead, checks that nothing changed, takes the chunks
 *    the journal holds (a file that does not read back is run again), and clears what Redis still
 *    holds of them.
 * 2. Enqueue every chunk not in the journal, with a deterministic job id (run id + chunk): a
 *    chunk already queued, running or finished in Redis is left as it is; a failed one is re-added.
 * 3. Collect: on each `completed` event (and a sweep of the pending chunks every few seconds, in
 *    case an event was missed) the chunk's result is checked (exactly its variants), written to the
 *    journal, and only then removed from Redis.
 * 4. A chunk that failed for good (a worker refused it, a variant threw, it stalled too often) or a
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

/** Milliseconds between sweeps of the pending chunks' states (events usually come first). */
const SWEEP_MS = 2_000;
/** Nothing collected and nothing running after this long: say so once (a run without workers waits). */
const IDLE_NOTICE_MS = 15_000;
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

/** A fresh run's journal: its plan, with the chunk size measured here (or `--chunk-size`). */
function plan(x: VariantExecution, o: QueueExecutorOptions): RunJournal {
  const variants = x.planned;
  const size = o.chunkSize ?? measuredChunkSize(x);
  return RunJournal.create(x.config.outDir, {
    v: 1, runId: x.runId, digest: planDigest(describe(x), x.config.variants, x.config.costs.capacity), fingerprint: x.fingerprint, variants: variants.length,
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
      state.add(decodeChunk(journal.read(k), runId, range), true);
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
  o.log?.(
    `queue ${o.target.display}: run ${x.runId}, ${variants.length} variant(s) in ${ranges.length} job(s) of ≤ ${journal.meta.chunkSize}` +
      `${state.chunks.size ? ` (${state.chunks.size} already done)` : ''}; workers: backtest worker --queue ${o.target.display}`,
  );

  const watch = new RedisWatch({ display: o.target.display, outageMs: outageMs(), signal: x.signal, log: o.log ?? (() => {}) });
  const queue = new Queue(QUEUE_NAME, { connection: o.target.connection() });
  const events = new QueueEvents(QUEUE_NAME, { connection: o.target.connection() });
  queue.on('error', watch.onError);
  events.on('error', watch.onError);
  const c: RunJobs = { queue, results: new ResultStore(o.target, watch.onError), watch, run: describe(x), x, journal, state };
  const timing = { overheadMs: 0 };
  let failure: unknown;
  try {
    await watch.call(events.waitUntilReady());
    if (state.chunks.size) await forget(c, state.chunks);
    await collect(c, events, pending, { started, timing, log: o.log, display: o.target.display });
  } catch (err) {
    failure = err;
  }
  const unreachable = failure instanceof BacktestError && failure.code === 'E_QUEUE_UNREACHABLE';
  if (failure && !(failure instanceof Stopped)) {
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

interface Collecting {
  readonly started: number;
  readonly timing: { overheadMs: number };
  readonly log: ((line: string) => void) | undefined;
  readonly display: string;
}

/**
 * Queues the pending chunks and collects them as they finish, until none is pending or Ctrl-C. A
 * Redis command that fails is tried again at the next sweep, until the outage deadline.
 */
async function collect(c: RunJobs, events: QueueEvents, pending: Map<string, ChunkRange>, k: Collecting): Promise<void> {
  const { x, state, watch } = c;
  const ready = new Set<string>();
  let wake = () => {};
  const notify = ({ jobId: id }: { jobId: string }) => {
    if (!pending.has(id)) return;
    ready.add(id);
    wake();
  };
  events.on('completed', notify);
  events.on('failed', notify);
  const onAbort = () => wake();
  x.signal?.addEventListener('abort', onAbort);
  try {
    let t = performance.now();
    await enqueue(c, [...pending.values()]);
    k.timing.overheadMs += performance.now() - t;
    let lastSweep = performance.now();
    let idleNoticed = false;
    while (pending.size && !x.signal?.aborted) {
      const sweep = performance.now() - lastSweep >= SWEEP_MS;
      const ids = sweep ? [...pending.keys()] : [...ready];
      ready.clear();
      if (sweep) lastSweep = performance.now();
      try {
        if (sweep && !idleNoticed && performance.now() - k.started > IDLE_NOTICE_MS && state.chunks.size === state.fromJournal) {
          idleNoticed = true;
          if ((await watch.call(c.queue.getActiveCount())) === 0) k.log?.(`queue ${k.display}: no worker has taken a job yet; start one with: backtest worker --queue ${k.display}`);
        }
        t = performance.now();
        const states = await jobStates(c, ids);
        for (let i = 0; i < ids.length; i++) {
          if (await settle(c, pending.get(ids[i]!)!, states[i]!)) {
            pending.delete(ids[i]!);
            x.progress?.(state.outcomes.size, x.planned.length);
          }
        }
        k.timing.overheadMs += performance.now() - t;
      } catch (err) {
        if (err instanceof BacktestError || err instanceof Stopped) throw err;
        watch.failed(err); // Redis trouble: noted, and E_QUEUE_UNREACHABLE once it lasts
        lastSweep = 0; // events may have been missed meanwhile: sweep after the pause
      }
      if (!pending.size || ready.size) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SWEEP_MS);
        wake = () => { clearTimeout(timer); resolve(); };
      });
      wake = () => {};
    }
  } finally {
    x.signal?.removeEventListener('abort', onAbort);
    events.off('completed', notify);
    events.off('failed', notify);
  }
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
