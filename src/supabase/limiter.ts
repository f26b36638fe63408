import PQueue from 'p-queue';

/**
 * Bounds the requests in flight with p-queue, never above the pool's connections, and adapts
 * to a server that accepts fewer connections than we have (AIMD, as TCP does):
 * - when a socket is dropped or refused while several requests run, the limit falls to the
 *   number of requests that were running less one (the server evidently holds that many);
 * - after `recoverAfter` successes in a row it rises by one, back up to the configured cap.
 * A dropped request is retried by the transport; the lower limit stops the next ones from
 * being dropped too.
 */
export class Limiter {
  readonly max: number;
  private readonly queue: PQueue;
  private readonly recoverAfter: number;
  private successes = 0;
  private lowest: number;

  constructor(max: number, recoverAfter = 32) {
    this.max = max;
    this.lowest = max;
    this.recoverAfter = recoverAfter;
    this.queue = new PQueue({ concurrency: max });
  }

  get limit(): number {
    return this.queue.concurrency;
  }

  get lowestLimit(): number {
    return this.lowest;
  }

  get running(): number {
    return this.queue.pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.add(task) as Promise<T>;
  }

  succeeded(): void {
    if (this.queue.concurrency >= this.max) return;
    if (++this.successes >= this.recoverAfter) {
      this.successes = 0;
      this.queue.concurrency = this.queue.concurrency + 1;
    }
  }

  /** A connection-level failure with `running` requests in flight (the failed one included). */
  connectionDropped(running: number): void {
    this.successes = 0;
    if (running <= 1) return; // a lone request: a stale socket, not a limit
    const next = Math.max(1, Math.min(this.queue.concurrency, running - 1));
    this.queue.concurrency = next;
    this.lowest = Math.min(this.lowest, next);
  }

  /** Waits for everything queued and running. */
  async drain(): Promise<void> {
    await this.queue.onIdle();
  }
}
