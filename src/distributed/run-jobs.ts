import type { JobsOptions, JobState, Queue } from 'bullmq';
import type { VariantExecution } from '../variants/types.ts';
import { BacktestError, firstLine } from '../errors.ts';
import type { ChunkRange } from './chunks.ts';
import type { Collected } from './collected.ts';
import type { RunJournal } from './journal.ts';
import { jobId, PAYLOAD_VERSION, type JobPayload, type RunDescriptor } from './payload.ts';
import type { RedisWatch } from './redis-watch.ts';
import { RESULT_TTL_S, type ResultStore } from './result-store.ts';
import { printable } from './job-schema.ts';
import { decodeChunk } from './wire.ts';

/**
 * A run's jobs on the queue, as the coordinator handles them: adding them, looking at their states,
 * collecting the finished ones into the journal, and taking them off the queue. Every Redis command
 * goes through the run's `RedisWatch` (Ctrl-C and the outage deadline end any wait).
 */
export interface RunJobs {
  readonly queue: Queue;
  readonly results: ResultStore;
  readonly watch: RedisWatch;
  readonly run: RunDescriptor;
  /** The run's plan digest: in every job, checked in every result. */
  readonly plan: string;
  readonly x: VariantExecution;
  readonly journal: RunJournal;
  readonly state: Collected;
}

export type ChunkState = JobState | 'unknown';

/** Job ids per batch of pipelined state lookups. */
const BATCH = 500;
/** After a failure or Ctrl-C, the time allowed for taking the run's jobs off the queue. */
const WITHDRAW_MS = 5_000;

const jobOptions = (id: string): JobsOptions => ({
  jobId: id,
  // Transient failures (a worker that cannot read its data for a moment) are tried again, up to 3
  // attempts in all; a refusal or a failing variant is final (the worker throws UnrecoverableError),
  // and a killed worker's job comes back through BullMQ's stalled-job check, not through these attempts.
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  // The coordinator removes a finished job once it has the result; these only bound what a
  // coordinator that never comes back leaves in Redis.
  removeOnComplete: { age: RESULT_TTL_S },
  removeOnFail: { age: RESULT_TTL_S },
});

function payload(c: RunJobs, r: ChunkRange): JobPayload {
  return {
    v: PAYLOAD_VERSION, run: c.run, plan: c.plan, chunk: r.chunk,
    variants: c.x.planned.slice(r.from, r.to).map(({ params, cash }, k) => ({ id: r.from + k + 1, params, ...(cash === undefined ? {} : { cash }) })),
  };
}

/** The states of jobs, in order (lookups pipelined on one connection, a batch at a time). */
export async function jobStates(c: RunJobs, ids: readonly string[], signal?: AbortSignal): Promise<ChunkState[]> {
  const out: ChunkState[] = [];
  for (let k = 0; k < ids.length; k += BATCH) {
    out.push(...(await c.watch.call(Promise.all(ids.slice(k, k + BATCH).map((id) => c.queue.getJobState(id))), signal)));
  }
  return out;
}

/** Adds the chunks that Redis does not already hold; a failed one (from an earlier attempt) is replaced. */
export async function enqueue(c: RunJobs, ranges: readonly ChunkRange[], signal?: AbortSignal): Promise<void> {
  const ids = ranges.map((r) => jobId(c.x.runId, r.chunk));
  const states = await jobStates(c, ids, signal);
  const add: Array<{ name: string; data: JobPayload; opts: JobsOptions }> = [];
  for (let k = 0; k < ranges.length; k++) {
    if (states[k] === 'failed') await c.watch.call(c.queue.remove(ids[k]!), signal);
    if (states[k] === 'failed' || states[k] === 'unknown') add.push({ name: 'chunk', data: payload(c, ranges[k]!), opts: jobOptions(ids[k]!) });
  }
  for (let k = 0; k < add.length; k += 200) await c.watch.call(c.queue.addBulk(add.slice(k, k + 200)), signal);
}

/**
 * Acts on one pending chunk in the state just looked up: a finished one is collected; true when it
 * needs no more waiting. Its result is checked before it is journaled (a bad one stops the run and
 * never reaches the journal), then the job is removed, then the result (a worker writes a result only
 * while its job exists, so none comes back after).
 */
export async function settle(c: RunJobs, r: ChunkRange, status: ChunkState, signal?: AbortSignal): Promise<boolean> {
  const { queue, x, watch } = c;
  const id = jobId(x.runId, r.chunk);
  if (status === 'unknown') {
    // Gone from Redis without reaching us (removed by hand, or aged out): queue it again.
    await enqueue(c, [r], signal);
    return false;
  }
  if (status !== 'completed' && status !== 'failed') return false;
  if (status === 'failed') {
    const job = await watch.call(queue.getJob(id), signal);
    // The reason is a worker's message, read from Redis: printed without its control characters.
    throw new BacktestError('E_QUEUE_JOB', `job ${id} (variants ${r.from + 1}–${r.to}) failed: ${job?.failedReason ? printable(firstLine(job.failedReason)) : 'no reason given'}`);
  }
  const text = await watch.call(c.results.get(id), signal);
  if (text === null) {
    // Completed, but its result is gone (expired, or the server lost it): run the chunk again.
    await watch.call(queue.remove(id), signal);
    await enqueue(c, [r], signal);
    return false;
  }
  const result = decodeChunk(text, x.runId, c.plan, r);
  c.journal.write(r.chunk, text);
  c.state.add(result);
  await watch.call(queue.remove(id), signal);
  await watch.call(c.results.delete(id), signal);
  return true;
}

/**
 * Takes the run's jobs that have not started (and failed ones) off the queue; running ones stay and
 * finish into Redis for `--resume`. With `collect`, finished ones are collected (a Ctrl-C keeps
 * them in the partial folder). Bounded: after WITHDRAW_MS (or at once when Redis is gone) it stops
 * where it is — no command is sent and nothing is journaled after that. Returns the ids collected.
 */
export async function withdraw(c: RunJobs, pending: ReadonlyMap<string, ChunkRange>, collect: boolean): Promise<string[]> {
  const collected: string[] = [];
  if (!pending.size || c.watch.down) return collected;
  const budget = AbortSignal.timeout(WITHDRAW_MS);
  try {
    const ids = [...pending.keys()];
    const states = await jobStates(c, ids, budget);
    for (let k = 0; k < ids.length && !budget.aborted; k++) {
      const state = states[k];
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children' || state === 'failed') {
        await c.watch.call(c.queue.remove(ids[k]!), budget);
      } else if (state === 'completed' && collect && (await settle(c, pending.get(ids[k]!)!, state, budget))) {
        collected.push(ids[k]!);
      }
    }
  } catch {
    // Out of time, Redis gone, or a result that does not decode: what is left stays for --resume.
  }
  return collected;
}

/**
 * On `--resume`: removes the jobs and results of chunks already in the journal (a coordinator that
 * stopped between journaling a chunk and removing it left them). A job running again elsewhere (it
 * stalled) is locked and stays; its result then expires with the others.
 */
export async function forget(c: RunJobs, chunks: Iterable<number>, signal?: AbortSignal): Promise<void> {
  const ids = [...chunks].map((k) => jobId(c.x.runId, k));
  for (let k = 0; k < ids.length; k += BATCH) {
    const batch = ids.slice(k, k + BATCH);
    await c.watch.call(Promise.all(batch.map((id) => c.queue.remove(id).catch(() => 0))), signal);
    await c.watch.call(c.results.delete(...batch), signal);
  }
}
