/**
 * What the client did, for manifest.json and `--verbose`: requests and attempts, retries by
 * reason, sockets opened (the pool's `connect` events) and the most open at once, bytes each
 * way, time spent. `bytes_received` counts bodies as read (decompressed); `bytes_wire` as they
 * came off the socket, still compressed (pool.ts counts them; a compressing gateway sends no
 * Content-Length), parts of answers cut short included.
 */
export interface CounterSnapshot {
  readonly requests: number;
  readonly attempts: number;
  readonly retries: number;
  readonly retries_by_reason: Record<string, number>;
  readonly failures: number;
  readonly sockets_opened: number;
  readonly sockets_peak: number;
  readonly in_flight_peak: number;
  readonly concurrency_limit_min: number;
  readonly bytes_sent: number;
  readonly bytes_received: number;
  readonly bytes_wire: number;
  readonly retry_wait_ms: number;
  readonly busy_ms: number;
}

export class Counters {
  requests = 0;
  attempts = 0;
  failures = 0;
  socketsOpened = 0;
  socketsOpen = 0;
  socketsPeak = 0;
  inFlight = 0;
  inFlightPeak = 0;
  concurrencyLimitMin = Infinity;
  bytesSent = 0;
  bytesReceived = 0;
  bytesWire = 0;
  retryWaitMs = 0;
  busyMs = 0;
  private busySince = 0;
  readonly retries = new Map<string, number>();

  socketOpened(): void {
    this.socketsOpened++;
    this.socketsOpen++;
    this.socketsPeak = Math.max(this.socketsPeak, this.socketsOpen);
  }

  socketClosed(): void {
    this.socketsOpen = Math.max(0, this.socketsOpen - 1);
  }

  retry(reason: string): void {
    this.retries.set(reason, (this.retries.get(reason) ?? 0) + 1);
  }

  /** An attempt starts (busy time runs while at least one is in flight). */
  begin(): void {
    if (this.inFlight === 0) this.busySince = performance.now();
    this.inFlight++;
    this.attempts++;
    this.inFlightPeak = Math.max(this.inFlightPeak, this.inFlight);
  }

  end(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.busyMs += performance.now() - this.busySince;
  }

  snapshot(): CounterSnapshot {
    const byReason = Object.fromEntries([...this.retries].sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      requests: this.requests,
      attempts: this.attempts,
      retries: [...this.retries.values()].reduce((a, b) => a + b, 0),
      retries_by_reason: byReason,
      failures: this.failures,
      sockets_opened: this.socketsOpened,
      sockets_peak: this.socketsPeak,
      in_flight_peak: this.inFlightPeak,
      concurrency_limit_min: Number.isFinite(this.concurrencyLimitMin) ? this.concurrencyLimitMin : 0,
      bytes_sent: this.bytesSent,
      bytes_received: this.bytesReceived,
      bytes_wire: this.bytesWire,
      retry_wait_ms: Math.round(this.retryWaitMs),
      busy_ms: Math.round(this.busyMs),
    };
  }
}

/** One line per counter group, for `--verbose`. */
export function formatCounters(label: string, c: CounterSnapshot): string {
  const reasons = Object.entries(c.retries_by_reason).map(([r, n]) => `${r} ×${n}`).join(', ');
  return (
    `${label}: ${c.requests} requests (${c.attempts} attempts), ${c.retries} retries${reasons ? ` (${reasons})` : ''}, ${c.failures} failed; ` +
    `sockets: ${c.sockets_opened} opened, at most ${c.sockets_peak} open, at most ${c.in_flight_peak} requests in flight; ` +
    `${(c.bytes_received / 1024).toFixed(0)} KiB in (${(c.bytes_wire / 1024).toFixed(0)} KiB on the wire), ${(c.bytes_sent / 1024).toFixed(0)} KiB out; busy ${(c.busy_ms / 1000).toFixed(2)} s`
  );
}
