import PQueue from 'p-queue';

/** When the limiter lowers and raises its limit. */
export interface AdaptOptions {
  /** Drops count together when they fall within this long. */
  readonly windowMs: number;
  /** Drops within the window before the limit falls. */
  readonly minDrops: number;
  /** …and the share of the window's finished attempts they must be at least. */
  readonly minShare: number;
  /** Answers in a row, with no drop between them, before the limit rises by one. */
  readonly raiseAfter: number;
}

const DEFAULT_ADAPT: AdaptOptions = { windowMs: 2_000, minDrops: 2, minShare: 0.1, raiseAfter: 50 };

/**
 * Bounds the requests in flight with p-queue, never above the pool's connections, and adapts
 * to a server that accepts fewer connections than we have:
 * 1. a server's connection limit shows as repeated drops: at least `minDrops` dropped or
 *    refused sockets within `windowMs`, making up at least `minShare` of the attempts that
 *    finished in that time. Then the limit falls to the requests that were running less one
 *    (the server evidently holds that many), and `onChange` rebuilds the pool with that many
 *    connections (undici's pool would otherwise keep reconnecting its refused clients);
 * 2. an isolated reset is not that: a load balancer recycling a socket now and then, at a
 *    steady share of a few percent, leaves the limit alone, however fast requests go;
 * 3. drops of attempts begun before the last change are the same event and are ignored, as
 *    are drops while the old pool's sockets are still closing (the server still counts them),
 *    so one burst of refusals lowers the limit by one step, not to the floor;
 * 4. `raiseAfter` answers in a row with no drop raise the limit by one (and rebuild the pool),
 *    never above `max`: a limit lowered by a passing storm comes back. Against a real cap that
 *    raise is a probe that fails (a refusal or two, retried); each failed probe doubles the
 *    answers needed before the next (up to 64 × `raiseAfter`), a probe that holds resets it.
 * A dropped request is retried by the transport; the lower limit stops the next ones from
 * being dropped too.
 */
export class Limiter {
  readonly max: number;
  private readonly queue: PQueue;
  private readonly onChange: (limit: number) => Promise<void> | void;
  private readonly adapt: AdaptOptions;
  private settling = false;
  private lowest: number;
  /** Counts changes; an attempt remembers the epoch it started in. */
  private changes = 0;
  /** Finished attempts from `recent[head]` on are those of the last `windowMs`; `drops` of them dropped. */
  private recent: { at: number; dropped: boolean }[] = [];
  private head = 0;
  private drops = 0;
  private answersInARow = 0;
  /** Answers in a row needed before the next raise. */
  private needed: number;
  private lastChange: 'raise' | 'lower' | undefined;
  private closed = false;

  constructor(max: number, onChange: (limit: number) => Promise<void> | void = () => {}, adapt: AdaptOptions = DEFAULT_ADAPT) {
    this.max = max;
    this.lowest = max;
    this.onChange = onChange;
    this.adapt = adapt;
    this.needed = adapt.raiseAfter;
    this.queue = new PQueue({ concurrency: max });
  }

  get limit(): number {
    return this.queue.concurrency;
  }

  get lowestLimit(): number {
    return this.lowest;
  }

  get epoch(): number {
    return this.changes;
  }

  get running(): number {
    return this.queue.pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.add(task) as Promise<T>;
  }

  /** An attempt got an answer (any status): the socket held. */
  answered(now = performance.now()): void {
    this.remember(now, false);
    this.answersInARow++;
    if (this.answersInARow >= this.needed && this.queue.concurrency < this.max && !this.settling && !this.closed) {
      if (this.lastChange === 'raise') this.needed = this.adapt.raiseAfter; // the last probe held
      this.change(this.queue.concurrency + 1, 'raise');
    }
  }

  /** A connection-level failure of an attempt begun in `epoch` with `running` requests in flight (itself included). */
  connectionDropped(running: number, epoch: number, now = performance.now()): void {
    this.answersInARow = 0;
    if (epoch < this.changes || this.settling || this.closed) return; // a drop already acted on
    this.remember(now, true);
    if (running <= 1) return; // a lone stale socket
    if (this.drops < this.adapt.minDrops || this.drops < this.adapt.minShare * (this.recent.length - this.head)) return;
    const next = Math.max(1, Math.min(this.queue.concurrency, running - 1));
    if (next >= this.queue.concurrency) return;
    if (this.lastChange === 'raise') this.needed = Math.min(this.needed * 2, this.adapt.raiseAfter * 64); // the probe failed
    this.change(next, 'lower');
  }

  /** No change of the limit after this (the client is closing: no pool is rebuilt). */
  close(): void {
    this.closed = true;
  }

  private remember(now: number, dropped: boolean): void {
    this.recent.push({ at: now, dropped });
    if (dropped) this.drops++;
    for (const from = now - this.adapt.windowMs; this.head < this.recent.length && this.recent[this.head]!.at < from; this.head++) {
      if (this.recent[this.head]!.dropped) this.drops--;
    }
    if (this.head > 1_024) {
      this.recent = this.recent.slice(this.head);
      this.head = 0;
    }
  }

  private change(limit: number, direction: 'raise' | 'lower'): void {
    this.changes++;
    this.lastChange = direction;
    this.queue.concurrency = limit;
    this.lowest = Math.min(this.lowest, limit);
    this.answersInARow = 0;
    this.recent = [];
    this.head = 0;
    this.drops = 0;
    this.settling = true;
    void Promise.resolve(this.onChange(limit)).finally(() => { this.settling = false; });
  }
}
