import { SupabaseUnavailableError } from './errors.ts';

export interface BreakerOptions {
  /** Consecutive failed attempts (no success in between) before it may open. */
  readonly threshold: number;
  /** …and for at least this long: a short outage is retried through, a dead server is not. */
  readonly minOutageMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { threshold: 12, minOutageMs: 15_000 };

/**
 * A circuit breaker over the whole client. Every transient failure extends a streak that any
 * success ends; once the streak is long enough in count and in time, the breaker opens and
 * every request, waiting or new, fails at once with one message (host, last error, what to
 * check) instead of hammering a server that is down.
 */
export class Breaker {
  private streak = 0;
  private since = 0;
  private lastError = '';
  private opened: SupabaseUnavailableError | undefined;
  private readonly host: string;
  private readonly options: BreakerOptions;

  constructor(host: string, options: BreakerOptions) {
    this.host = host;
    this.options = options;
  }

  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** Throws the breaker's error when it is open. */
  check(): void {
    if (this.opened) throw this.opened;
  }

  success(): void {
    this.streak = 0;
  }

  failure(description: string, now = performance.now()): void {
    if (this.streak === 0) this.since = now;
    this.streak++;
    this.lastError = description;
    if (this.streak >= this.options.threshold && now - this.since >= this.options.minOutageMs) {
      const seconds = Math.round((now - this.since) / 1000);
      this.opened = new SupabaseUnavailableError(
        `Supabase at ${this.host} kept failing (${this.streak} failures in a row over ${seconds} s; last: ${this.lastError}); ` +
          'stopped instead of retrying further. Check that the project is up and reachable, SUPABASE_URL, and your network; `backtest doctor` tests the connection',
      );
    }
  }
}
