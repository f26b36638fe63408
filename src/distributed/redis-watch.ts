import { BacktestError, firstLine } from '../errors.ts';

/**
 * How long the coordinator waits for a Redis that stopped answering before it gives up on the run
 * (the journal keeps what finished): `BACKTEST_QUEUE_OUTAGE_MS`, 30 s by default (the tests use less).
 */
export function outageMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.BACKTEST_QUEUE_OUTAGE_MS);
  return Number.isFinite(ms) && ms >= 100 ? ms : 30_000;
}

/**
 * Connection errors as lines for the user: each distinct message once, and again only after
 * `quietMs` (ioredis reports the same error at every reconnection attempt, seconds apart).
 */
export class ErrorLines {
  private readonly last = new Map<string, number>();
  private readonly log: (line: string) => void;
  private readonly quietMs: number;

  constructor(log: (line: string) => void, quietMs = 60_000) {
    this.log = log;
    this.quietMs = quietMs;
  }

  report(err: unknown): void {
    const message = firstLine(err);
    const now = performance.now();
    const at = this.last.get(message);
    if (at !== undefined && now - at < this.quietMs) return;
    this.last.set(message, now);
    this.log(message);
  }
}

/** Socket errors (Node's `code`) that mean the connection to Redis failed or was cut. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENETRESET']);
/** ioredis's errors (redis-errors' classes and its own), and BullMQ's closed connection. */
const REDIS_ERROR_NAMES = new Set(['RedisError', 'ReplyError', 'AbortError', 'InterruptError', 'ParserError', 'MaxRetriesPerRequestError', 'ClusterAllFailedError', 'ConnectionClosedError']);

/**
 * True when a failed Redis command failed because of Redis — the connection (refused, cut, timed
 * out, closed, retries exhausted) or the server (an error reply, e.g. LOADING after a restart) —
 * and trying again later may work. Anything else (a TypeError, a file the journal cannot write) is
 * not Redis trouble and must not be reported as such.
 */
export function isRedisTrouble(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  for (let proto: object | null = Object.getPrototypeOf(err); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    if (REDIS_ERROR_NAMES.has(proto.constructor.name)) return true;
  }
  return /^Connection is closed\.?$|^Stream isn't writeable/.test(err.message);
}

/** Ctrl-C (or a stop budget) ended a wait on Redis: the caller stops, keeping what it has. */
export class Stopped extends Error {
  constructor() {
    super('stopped');
  }
}

/**
 * The coordinator's watch over Redis:
 * 1. every command it waits for goes through `call`, raced against Ctrl-C (`Stopped`) and against
 *    the outage deadline: when no command has succeeded for `outageMs`, the run fails with
 *    E_QUEUE_UNREACHABLE (BullMQ's clients would otherwise retry in silence for minutes);
 * 2. a command that fails before the deadline (a Redis restarting) is noted with `failed`, and the
 *    coordinator tries again at its next sweep;
 * 3. its clients' 'error' events go to `onError`: one line per distinct message.
 */
export class RedisWatch {
  private lastOk = performance.now();
  private lastError: string | undefined;
  private downSince: number | undefined;
  private readonly lines: ErrorLines;
  /** The queue, for messages: redis://host:port/db. */
  readonly display: string;
  private readonly outageMs: number;
  private readonly signal: AbortSignal | undefined;

  constructor(o: { display: string; outageMs: number; signal: AbortSignal | undefined; log: (line: string) => void }) {
    this.display = o.display;
    this.outageMs = o.outageMs;
    this.signal = o.signal;
    this.lines = new ErrorLines((m) => o.log(`queue ${o.display}: Redis: ${m}`));
  }

  /** For `client.on('error', …)`. */
  readonly onError = (err: Error): void => {
    this.note(err);
  };

  /** True while the last thing heard from Redis was an error. */
  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Waits for a Redis command: its value, `Stopped` once `signal` aborts, or E_QUEUE_UNREACHABLE. */
  call<T>(work: Promise<T>, signal: AbortSignal | undefined = this.signal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (settle: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = () => done(() => reject(new Stopped()));
      // Another command may succeed meanwhile (the deadline moves): check again when the timer fires.
      const arm = () => {
        const left = this.lastOk + this.outageMs - performance.now();
        timer = setTimeout(() => (this.lastOk + this.outageMs <= performance.now() ? done(() => reject(this.unreachable())) : arm()), Math.max(0, left));
      };
      work.then(
        (value) => done(() => { this.ok(); resolve(value); }),
        (err: unknown) => done(() => reject(err)),
      );
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  }

  /** A command failed: noted (one line per distinct message); E_QUEUE_UNREACHABLE once Redis has been gone for `outageMs`. */
  failed(err: unknown): void {
    this.note(err);
    if (performance.now() - this.lastOk >= this.outageMs) throw this.unreachable();
  }

  private ok(): void {
    this.lastOk = performance.now();
    this.downSince = undefined;
  }

  private note(err: unknown): void {
    this.lastError = firstLine(err);
    this.downSince ??= performance.now();
    this.lines.report(err);
  }

  private unreachable(): BacktestError {
    const seconds = Math.round((performance.now() - this.lastOk) / 1000);
    return new BacktestError('E_QUEUE_UNREACHABLE', `lost the queue at ${this.display}: Redis has not answered for ${seconds} s${this.lastError ? ` (${this.lastError})` : ''}`);
  }
}
