import { Redis } from 'ioredis';
import type { QueueTarget } from './queue-url.ts';

/**
 * Where a chunk's result waits for the coordinator: one Redis string per job, beside the job rather
 * than as its return value — BullMQ copies a return value into the queue's events stream (kept to
 * 10,000 events), which would hold every result a second time, long after it was collected. The
 * job returns only the result's size.
 *
 * - A worker writes a result only while its job exists (one Lua script: check, then set): a worker
 *   that was only slow, whose stalled job ran elsewhere and was collected and removed meanwhile,
 *   leaves nothing behind. Results are deterministic, so two workers writing the same job's result
 *   write the same text.
 * - The coordinator deletes the string once the result is in its journal (after removing the job),
 *   and a resumed run deletes those of chunks already in its journal (a coordinator that crashed
 *   between the two); an expiry bounds what a coordinator that never comes back leaves behind.
 * - The run's claim on its id lives here too: `backtest:run:<run-id>` holds the run's plan digest
 *   while the run is unfinished (see run-claim.ts).
 * - Commands retry through about 20 reconnections (ioredis's default, some 30 s), then fail: a
 *   worker's job is then retried by BullMQ, and the coordinator gives up on a Redis that stays away.
 */
export const RESULT_TTL_S = 7 * 24 * 3600;

const PUT_WHILE_JOB_EXISTS = `if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0`;

/** Sets the claim if it is free (1), else returns the plan that holds it (its expiry renewed when it is ARGV[1]). */
const CLAIM = `local held = redis.call('GET', KEYS[1])
if not held then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
if held == ARGV[1] then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return held`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Chunk results by job id, and runs' claims on their ids, in the queue's Redis. */
export class ResultStore {
  private readonly redis: Redis;

  constructor(target: QueueTarget, onError: (err: Error) => void = () => {}) {
    this.redis = new Redis({ ...target.connection(), maxRetriesPerRequest: 20 });
    this.redis.on('error', onError);
  }

  static key(jobId: string): string {
    return `backtest:result:${jobId}`;
  }

  /**
   * Stores a job's result if the job (its BullMQ hash, `jobKey`) still exists; false when it is gone
   * (collected from another worker, or withdrawn).
   */
  async put(jobKey: string, jobId: string, text: string): Promise<boolean> {
    return (await this.redis.eval(PUT_WHILE_JOB_EXISTS, 2, jobKey, ResultStore.key(jobId), text, RESULT_TTL_S)) === 1;
  }

  get(jobId: string): Promise<string | null> {
    return this.redis.get(ResultStore.key(jobId));
  }

  async delete(...jobIds: string[]): Promise<void> {
    if (jobIds.length) await this.redis.del(...jobIds.map(ResultStore.key));
  }

  /** How many of these jobs have a result waiting. */
  async held(...jobIds: string[]): Promise<number> {
    return jobIds.length ? this.redis.exists(...jobIds.map(ResultStore.key)) : 0;
  }

  static claimKey(runId: string): string {
    return `backtest:run:${runId}`;
  }

  /** Claims a run id for a plan: true when this call set the claim, else the plan that holds it (this plan's own claim is renewed). */
  async claim(runId: string, plan: string): Promise<true | string> {
    const held = (await this.redis.eval(CLAIM, 1, ResultStore.claimKey(runId), plan, RESULT_TTL_S)) as number | string;
    return held === 1 ? true : String(held);
  }

  /** Drops a run's claim, if this plan holds it. */
  async release(runId: string, plan: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, ResultStore.claimKey(runId), plan);
  }

  /** True while the connection to Redis is up. */
  get reachable(): boolean {
    return this.redis.status === 'ready';
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
