import { EventEmitter } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/distributed/collect.ts';
import { Collected } from '../../src/distributed/collected.ts';
import { RunJournal } from '../../src/distributed/journal.ts';
import { jobId, QUEUE_NAME, type RunDescriptor } from '../../src/distributed/payload.ts';
import { parseQueueUrl } from '../../src/distributed/queue-url.ts';
import { isRedisTrouble, RedisWatch } from '../../src/distributed/redis-watch.ts';
import { ResultStore } from '../../src/distributed/result-store.ts';
import type { RunJobs } from '../../src/distributed/run-jobs.ts';
import { encodeWire, WIRE_VERSION, type ChunkResult } from '../../src/distributed/wire.ts';
import type { VariantExecution } from '../../src/variants/types.ts';
import type { BacktestError } from '../../src/errors.ts';
import { tempDir } from '../support/cli.ts';
import { NO_REDIS_MESSAGE, REDIS_SERVER_BIN, startRedis, type RedisServer } from '../support/redis.ts';

if (!REDIS_SERVER_BIN) console.warn(NO_REDIS_MESSAGE);

/**
 * A coordinator's collection of a two-chunk run, driven piece by piece: a real BullMQ queue on a real
 * redis-server, the coordinator's own result store, watch and journal, and a BullMQ worker in this
 * process that finishes a chunk (its result beside the job, as `backtest worker` does) once allowed.
 * The test plays BullMQ's QueueEvents, so it decides when an event arrives.
 */
async function twoChunkRun(redis: RedisServer, db: number, o: { outageMs?: number; plans?: readonly string[]; failWith?: string } = {}) {
  const plan = `sha256:${'c'.repeat(64)}`;
  const target = parseQueueUrl(redis.url(db));
  const runId = `20260101T000000Z-race-${db}`;
  const x = { runId, config: { variants: [{ k: 1 }, { k: 2 }], signals: false }, planned: [{ params: { k: 1 } }, { params: { k: 2 } }], strategy: {}, factors: {}, signal: undefined, progress: undefined } as unknown as VariantExecution;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const queue = new Queue(QUEUE_NAME, { connection: target.connection() });
  const results = new ResultStore(target);
  // The outage clock starts with the watch: a fresh one for the collection (as the coordinator makes it), not at set-up.
  const watch = () => new RedisWatch({ display: target.display, outageMs: o.outageMs ?? 30_000, signal: undefined, log });
  const out = tempDir();
  const journal = RunJournal.create(out, { v: 1, runId, digest: plan, fingerprint: 'sha256:y', variants: 2, chunkSize: 1, chunks: 2, queue: target.display, createdAt: new Date().toISOString() });
  const c: RunJobs = { queue, results, watch: watch(), run: { runId } as unknown as RunDescriptor, plan, x, journal, state: new Collected(x) };
  const allowed = new Set<string>();
  let closing = false;
  const result = (chunk: number): string => {
    const r: ChunkResult = { v: WIRE_VERSION, runId, plan: o.plans?.[chunk] ?? plan, chunk, worker: { name: 'test:1', threads: 1 }, ms: 1, outcomes: [{ id: chunk + 1, warnings: [] } as never] };
    return encodeWire(r);
  };
  const worker = new Worker(QUEUE_NAME, async (job) => {
    while (!allowed.has(job.id!)) {
      if (closing) throw new Error('closing');
      await new Promise((r) => setTimeout(r, 20));
    }
    if (o.failWith) throw new UnrecoverableError(o.failWith);
    await results.put(`${job.queueQualifiedName}:${job.id}`, job.id!, result(Number(job.id!.slice(-5))));
    return { bytes: 1 };
  }, { connection: target.connection(), concurrency: 2 });
  const events = new EventEmitter();
  const pending = new Map([0, 1].map((chunk) => [jobId(runId, chunk), { chunk, from: chunk, to: chunk + 1 }]));
  return {
    runId, c, lines, events, pending, queue, out,
    /** Lets the worker finish chunk `k`; resolves once it is completed in Redis. */
    async finish(k: number) {
      allowed.add(jobId(runId, k));
      if (!(await queue.getJob(jobId(runId, k)))) await queue.add('chunk', {}, { jobId: jobId(runId, k) });
      while (!['completed', 'failed'].includes(await queue.getJobState(jobId(runId, k)))) await new Promise((r) => setTimeout(r, 20));
    },
    collect: () => collect({ ...c, watch: watch() }, events as never, pending, { started: performance.now(), timing: { overheadMs: 0 }, log, display: target.display, workerCommand: 'backtest worker' }),
    async close() {
      closing = true;
      await worker.close();
      await queue.close();
      await results.close();
    },
  };
}

describe.skipIf(!REDIS_SERVER_BIN)('the coordinator collecting chunks (real redis-server, real BullMQ queue)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('an event that arrives for a chunk a sweep already settled is ignored, not reported as Redis trouble', async () => {
    const run = await twoChunkRun(redis, 0);
    try {
      // Chunk 0 is finished before the coordinator looks, and its event is late: the first sweep
      // settles it, and while it removes the job, the event arrives. Chunk 1 runs after that.
      await run.finish(0);
      run.queue.once('removed', (id: string) => {
        run.events.emit('completed', { jobId: id });
        void run.finish(1);
      });
      await run.collect();
    } finally {
      await run.close();
    }
    expect(run.pending.size).toBe(0);
    expect([...run.c.state.outcomes.keys()].sort()).toEqual([1, 2]);
    expect(run.lines.filter((l) => /Redis/.test(l))).toEqual([]);
  });

  it('a failure that is not Redis (the journal cannot be written) stops the run as what it is, not as an outage', async () => {
    const run = await twoChunkRun(redis, 1, { outageMs: 5_000 }); // above the 2 s between sweeps: an idle wait is no outage
    try {
      await run.finish(0);
      rmSync(run.c.journal.dir, { recursive: true }); // e.g. a cleaner took the folder
      const failure = await run.collect().then(() => undefined, (err: unknown) => err);
      expect((failure as NodeJS.ErrnoException)?.code).toBe('ENOENT');
      expect(String((failure as Error).message)).toContain(run.c.journal.dir);
    } finally {
      await run.close();
    }
    expect(run.lines.filter((l) => /Redis/.test(l))).toEqual([]);
  });

  it('a result computed for another configuration under the same run id stops the run and is never journaled', async () => {
    const run = await twoChunkRun(redis, 3, { plans: [`sha256:${'d'.repeat(64)}`] });
    try {
      await run.finish(0);
      const failure = await run.collect().then(() => undefined, (err: unknown) => err);
      expect((failure as BacktestError).code).toBe('E_QUEUE_RESULT');
      expect((failure as Error).message).toMatch(/^chunk 0 of run \S+: the result was computed for another configuration \(plan sha256:d{64}, this run's sha256:c{64}\): another coordinator uses this run id$/);
    } finally {
      await run.close();
    }
    expect(run.c.journal.done()).toEqual([]);
    expect(run.c.state.outcomes.size).toBe(0);
  });

  it('a job\'s failure reason (text in Redis, which anyone with access can write) is printed without control characters', async () => {
    const run = await twoChunkRun(redis, 4, { failWith: 'worker x refuses run y: \u001b]0;owned\u0007\u001b[2Jgone' });
    try {
      await run.finish(0);
      const failure = await run.collect().then(() => undefined, (err: unknown) => err);
      expect((failure as BacktestError).code).toBe('E_QUEUE_JOB');
      expect((failure as Error).message).toBe(`job ${jobId(run.runId, 0)} (variants 1–1) failed: worker x refuses run y: ?]0;owned??[2Jgone`);
    } finally {
      await run.close();
    }
  });

  it('tells Redis trouble from other errors, with the errors ioredis and Node really raise', async () => {
    const client = redis.client(2);
    const reply = await client.call('NO-SUCH-COMMAND').then(() => undefined, (err: unknown) => err);
    expect(reply).toBeInstanceOf(Error);
    expect(isRedisTrouble(reply)).toBe(true); // an error reply (e.g. LOADING after a restart)
    // A server that is not there: refused, then the retries run out.
    const gone = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 2 ? null : 10) });
    gone.on('error', () => {});
    const refused = await gone.get('x').then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(Error);
    expect(isRedisTrouble(refused)).toBe(true);
    const closed = await gone.get('x').then(() => undefined, (err: unknown) => err);
    gone.disconnect();
    expect((closed as Error).message).toMatch(/Connection is closed/);
    expect(isRedisTrouble(closed)).toBe(true);
    // Not Redis: a bug, and a file that cannot be written.
    const bug = (() => { try { (undefined as unknown as { chunk: number }).chunk; } catch (err) { return err; } })();
    expect(isRedisTrouble(bug)).toBe(false);
    const disk = (() => { try { writeFileSync(join(tempDir(), 'no', 'such', 'folder'), 'x'); } catch (err) { return err; } })();
    expect((disk as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(isRedisTrouble(disk)).toBe(false);
    expect(isRedisTrouble('text')).toBe(false);
  });
});
