import PQueue from 'p-queue';

/**
 * Bounds the requests in flight with p-queue, never above the pool's connections, and adapts
 * to a server that accepts fewer connections than we have:
 * - when a socket is dropped or refused while several requests run, the limit falls to the
 *   number of requests that were running less one (the server evidently holds that many),
 *   and `onDecrease` rebuilds the pool with that many connections (undici's pool would
 *   otherwise keep reconnecting its refused clients, even when fewer requests run);
 * - drops of attempts that started before that decrease are the same event and are ignored,
 *   and so are drops while the old pool's sockets are still closing (the server still counts
 *   them), so one burst of refusals lowers the limit by one step, not to the floor.
 * A dropped request is retried by the transport; the lower limit stops the next ones from
 * being dropped too. The limit does not rise again within a run: a server's connection limit
 * does not grow in minutes.
 */
export class Limiter {
  readonly max: number;
  private readonly queue: PQueue;
  private readonly onDecrease: (limit: number) => Promise<void> | void;
  private settling = false;
  private lowest: number;
  /** Counts decreases; an attempt remembers the epoch it started in. */
  private decreases = 0;

  constructor(max: number, onDecrease: (limit: number) => Promise<void> | void = () => {}) {
    this.max = max;
    this.lowest = max;
    this.onDecrease = onDecrease;
    this.queue = new PQueue({ concurrency: max });
  }

  get limit(): number {
    return this.queue.concurrency;
  }

  get lowestLimit(): number {
    return this.lowest;
  }

  get epoch(): number {
    return this.decreases;
  }

  get running(): number {
    return this.queue.pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.add(task) as Promise<T>;
  }

  /** A connection-level failure of an attempt begun in `epoch` with `running` requests in flight (itself included). */
  connectionDropped(running: number, epoch: number): void {
    if (running <= 1 || epoch < this.decreases || this.settling) return; // a lone stale socket, or a drop already acted on
    const next = Math.max(1, Math.min(this.queue.concurrency, running - 1));
    if (next === this.queue.concurrency) return;
    this.decreases++;
    this.queue.concurrency = next;
    this.lowest = Math.min(this.lowest, next);
    this.settling = true;
    void Promise.resolve(this.onDecrease(next)).finally(() => { this.settling = false; });
  }

  /** Waits for everything queued and running. */
  async drain(): Promise<void> {
    await this.queue.onIdle();
  }
}
