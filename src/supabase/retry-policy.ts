/**
 * The one retry policy of the Supabase client.
 *
 * 1. Only what is transient is retried: network failures (reset, "other side closed",
 *    refused, timeouts), 408, 429, 502, 503 (PGRST000–002), 504 (PGRST003), Cloudflare's
 *    520/522/524 (HTML bodies), and 500 only for serialization failures (40001) and deadlocks
 *    (40P01). Never 4xx client errors, nor 57014 (statement timeout: the caller asks for a
 *    smaller page instead).
 * 2. Only idempotent requests are retried: reads (GET, HEAD) and upserts that merge
 *    duplicates on the primary key (`Prefer: resolution=merge-duplicates`, or `ignore-duplicates`).
 * 3. The wait is exponential backoff with full jitter, capped: uniform in
 *    [0, min(cap, base × 2^attempt)]; a `Retry-After` from the server is a floor.
 */

export interface RetryOptions {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Longest `Retry-After` honoured; a larger one is cut to it. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 };

const TRANSIENT_STATUS = new Set([408, 429, 502, 503, 504, 520, 522, 524]);
const TRANSIENT_500_CODES = new Set(['40001', '40P01']);

/** Network error codes (Node and undici) worth another attempt. */
const TRANSIENT_NETWORK = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);
// Not UND_ERR_CLOSED: only our own close() raises it (the pool is closed), and no retry can help.

/** Connection-level failures: the server (or something before it) dropped or refused the socket. */
const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET']);

/** Whether a request may be sent again without changing the outcome. */
export function isIdempotent(method: string, prefer: string | null): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') return true;
  // Stryker disable next-line ConditionalExpression: equivalent, prefer !== null is for the types: the pattern tested against null reads "null", which it does not match
  return m === 'POST' && prefer !== null && /resolution=(merge|ignore)-duplicates/.test(prefer);
}

/** The retry reason of an HTTP answer (`http 503`, `http 500 40001`), or undefined when it is final. */
export function transientStatus(status: number, pgCode: string): string | undefined {
  if (TRANSIENT_STATUS.has(status)) return `http ${status}`;
  if (status === 500 && TRANSIENT_500_CODES.has(pgCode)) return `http 500 ${pgCode}`;
  return undefined;
}

/** The code of a network failure, looking through fetch's `TypeError: fetch failed` causes. */
export function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // Stryker disable next-line ConditionalExpression: equivalent, the typeof test is for the types: the set holds only strings, so nothing else is in it
    if (typeof code === 'string' && TRANSIENT_NETWORK.has(code)) return code;
    // Stryker disable next-line StringLiteral: equivalent, any text the pattern below does not match stands for a missing message
    const message = String((e as { message?: unknown }).message ?? '');
    if (/other side closed|socket hang up|terminated/i.test(message) && depth > 0) return 'UND_ERR_SOCKET';
  }
  return undefined;
}

/** True for failures of the socket itself (reset, refused, closed), as opposed to slow answers. */
export function isConnectionFailure(code: string): boolean {
  return CONNECTION_CODES.has(code);
}

/** A human description of a failure: its code and the innermost message. */
export function describeNetworkError(err: unknown): string {
  let message = '';
  let code = '';
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string' && m) message = m;
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') code = c;
  }
  return code && !message.includes(code) ? `${message} (${code})` : message || String(err);
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before attempt `attempt + 1` (attempt 0 is the first try). */
export function backoffDelay(attempt: number, options: RetryOptions, retryAfterMs?: number, random = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  const jitter = random() * ceiling;
  if (retryAfterMs === undefined) return jitter;
  return Math.max(jitter, Math.min(retryAfterMs, options.maxRetryAfterMs));
}
