import { Redis } from 'ioredis';
import type { QueueTarget } from './queue-url.ts';

/**
 * Where a chunk's result waits for the coordinator: one Redis string per job, beside the job rather
 * than as its return value — BullMQ copies a return value into the queue's events stream (kept to
 * 10,000 events), which would hold every result a second time, long after it was collected. The
 * job returns only the result's size. The coordinator deletes the string once the result is in
 * its journal; an expiry bounds what a coordinator that never comes back leaves behind. A job run
 * twice (a stalled worker that was only slow) writes the same text twice: results are deterministic.
 */
export const RESULT_TTL_S = 7 * 24 * 3600;

/** Chunk results by job id, in the queue's Redis. */
export class ResultStore {
  private readonly redis: Redis;

  constructor(target: QueueTarget) {
    // Commands wait through reconnects (as BullMQ's own clients do) instead of failing a finished job.
    this.redis = new Redis({ ...target.connection(), maxRetriesPerRequest: null });
    this.redis.on('error', () => {}); // BullMQ's clients report the same connection problems
  }

  static key(jobId: string): string {
    return `backtest:result:${jobId}`;
  }

  async put(jobId: string, text: string): Promise<void> {
    await this.redis.set(ResultStore.key(jobId), text, 'EX', RESULT_TTL_S);
  }

  get(jobId: string): Promise<string | null> {
    return this.redis.get(ResultStore.key(jobId));
  }

  async delete(jobId: string): Promise<void> {
    await this.redis.del(ResultStore.key(jobId));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
