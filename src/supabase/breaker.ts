import { SupabaseUnavailableError } from './errors.ts';

export interface BreakerOptions {
  /** Consecutive failed attempts (no success in between) before it may open. */
  readonly threshold: number;
  /** …and for at least this long: a short outage is retried through, a dead server is not. */
  readonly minOutageMs: number;
  /** Open this long before one attempt may probe whether the server is back. */
  readonly coolDownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 12, minOutageMs: 15_000, coolDownMs: 30_000 };

/**
 * A circuit breaker over the whole client:
 * 1. closed: every transient failure extends a streak that any answer ends; once the streak is
 *    long enough in count and in time, it opens;
 * 2. open: every attempt, waiting or new, fails at once with one message (host, last error,
 *    what to check) instead of hammering a server that is down;
 * 3. half-open: after `coolDownMs`, one attempt goes through as a probe while the others still
 *    fail; an answer closes the breaker, a failure opens it for another cool-down.
 * The transport asks `check()` at the start of every attempt, so requests queued before it
 * opened do not go out after.
 */
export class Breaker {
  private streak = 0;
  private since = 0;
  private lastError = '';
  private opened: SupabaseUnavailableError | undefined;
  private openedAt = 0;
  private probing = false;
  private readonly host: string;
  private readonly options: BreakerOptions;

  constructor(host: string, options: BreakerOptions) {
    this.host = host;
    this.options = options;
  }

  /** Lets an attempt through, or throws the breaker's error; after the cool-down, lets one probe through. */
  check(now = performance.now()): void {
    if (!this.opened) return;
    if (this.probing || now - this.openedAt < this.options.coolDownMs) throw this.opened;
    this.probing = true;
  }

  /** An attempt got an answer: the server is up. */
  success(): void {
    this.streak = 0;
    this.opened = undefined;
    this.probing = false;
  }

  /** An attempt failed transiently (`description` names how). */
  failure(description: string, now = performance.now()): void {
    if (this.streak === 0) this.since = now;
    this.streak++;
    this.lastError = description;
    if (this.probing) {
      this.probing = false;
      this.open(now);
    } else if (!this.opened && this.streak >= this.options.threshold && now - this.since >= this.options.minOutageMs) {
      this.open(now);
    }
  }

  /** An attempt ended without telling whether the server is up (aborted, refused locally): a probe may go again. */
  inconclusive(): void {
    this.probing = false;
  }

  private open(now: number): void {
    const seconds = Math.round((now - this.since) / 1000);
    this.openedAt = now;
    this.opened = new SupabaseUnavailableError(
      `Supabase at ${this.host} kept failing (${this.streak} failures in a row over ${seconds} s; last: ${this.lastError}); ` +
        'stopped instead of retrying further. Check that the project is up and reachable, SUPABASE_URL, and your network; `backtest doctor` tests the connection',
    );
  }
}
