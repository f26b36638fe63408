import type { ChunkRange } from './chunks.ts';
import { BacktestError } from '../errors.ts';
import { isRedisTrouble, Stopped } from './redis-watch.ts';
import { enqueue, jobStates, settle, type RunJobs } from './run-jobs.ts';

/**
 * The coordinator's wait for its chunks:
 *
 * 1. Queue the pending chunks.
 * 2. Look at chunks' states: those a `completed` or `failed` event named, and every pending one at
 *    a sweep (every SWEEP_MS: an event may be missed, e.g. across a Redis restart).
 * 3. Settle each finished one (run-jobs.ts): collected and journaled, or the run stops with its failure.
 * 4. Wait for the next event, the next sweep or Ctrl-C; repeat until no chunk is pending.
 *
 * A chunk's event may arrive while a sweep is settling it (the event was on its way): the chunks to
 * look at are kept by `Waiting`, which forgets a chunk's events when it is settled, so a chunk is
 * never looked at after it left `pending`. Only a Redis command that fails on the connection or
 * on the server (`isRedisTrouble`) is taken as Redis trouble and tried again at the next sweep;
 * anything else — a bug, a full disk under the journal — stops the run as what it is.
 */
export const SWEEP_MS = 2_000;
/** Nothing collected and nothing running after this long: say so once (a run without workers waits). */
const IDLE_NOTICE_MS = 15_000;

export interface Collecting {
  readonly started: number;
  readonly timing: { overheadMs: number };
  readonly log: ((line: string) => void) | undefined;
  readonly display: string;
  /** How to start a worker for this run, for the notice when none has come. */
  readonly workerCommand: string;
}

/** The part of BullMQ's `QueueEvents` the wait listens to. */
export interface ChunkEvents {
  on(event: 'completed' | 'failed', listener: (e: { jobId: string }) => void): unknown;
  off(event: 'completed' | 'failed', listener: (e: { jobId: string }) => void): unknown;
}

/** The pending chunks (by job id), and those an event says are worth a look now — always pending ones. */
export class Waiting {
  private readonly pending: Map<string, ChunkRange>;
  private readonly ready = new Set<string>();

  constructor(pending: Map<string, ChunkRange>) {
    this.pending = pending;
  }

  get size(): number {
    return this.pending.size;
  }

  /** True when an event named a pending chunk since the last `take`. */
  get eventful(): boolean {
    return this.ready.size > 0;
  }

  /** An event for a job: noted when it is one of the pending chunks. */
  notify(id: string): void {
    if (this.pending.has(id)) this.ready.add(id);
  }

  /** The chunks to look at now — every pending one for a sweep, else those events named — and the events are cleared. */
  take(sweep: boolean): Array<readonly [string, ChunkRange]> {
    const ids = sweep ? [...this.pending.keys()] : [...this.ready];
    this.ready.clear();
    return ids.flatMap((id) => {
      const range = this.pending.get(id);
      return range ? [[id, range] as const] : [];
    });
  }

  /** A chunk needs no more waiting: it leaves the pending chunks, with any event noted for it meanwhile. */
  settled(id: string): void {
    this.pending.delete(id);
    this.ready.delete(id);
  }
}

/**
 * Queues the pending chunks and collects them as they finish, until none is pending or Ctrl-C. A
 * Redis command that fails is tried again at the next sweep, until the outage deadline. Settled
 * chunks are deleted from `pending`.
 */
export async function collect(c: RunJobs, events: ChunkEvents, pending: Map<string, ChunkRange>, k: Collecting): Promise<void> {
  const { x, state, watch } = c;
  const waiting = new Waiting(pending);
  let wake = () => {};
  const notify = ({ jobId: id }: { jobId: string }) => {
    waiting.notify(id);
    if (waiting.eventful) wake();
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
    while (waiting.size && !x.signal?.aborted) {
      const sweep = performance.now() - lastSweep >= SWEEP_MS;
      const chunks = waiting.take(sweep);
      if (sweep) lastSweep = performance.now();
      try {
        if (sweep && !idleNoticed && performance.now() - k.started > IDLE_NOTICE_MS && state.chunks.size === state.fromJournal) {
          idleNoticed = true;
          if ((await watch.call(c.queue.getActiveCount())) === 0) k.log?.(`queue ${k.display}: no worker has taken a job yet; start one with: ${k.workerCommand}`);
        }
        t = performance.now();
        const states = await jobStates(c, chunks.map(([id]) => id));
        for (let i = 0; i < chunks.length; i++) {
          const [id, range] = chunks[i]!;
          if (await settle(c, range, states[i]!)) {
            waiting.settled(id);
            x.progress?.(state.outcomes.size, x.planned.length);
          }
        }
        k.timing.overheadMs += performance.now() - t;
      } catch (err) {
        if (err instanceof BacktestError || err instanceof Stopped || !isRedisTrouble(err)) throw err;
        watch.failed(err); // Redis trouble: noted, and E_QUEUE_UNREACHABLE once it lasts
        lastSweep = 0; // events may have been missed meanwhile: sweep after the pause
      }
      if (!waiting.size || waiting.eventful) continue;
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
