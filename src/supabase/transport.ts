import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetch as undiciFetch, type Pool } from 'undici';
import type { Breaker } from './breaker.ts';
import type { Counters } from './counters.ts';
import { SupabaseNetworkError } from './errors.ts';
import type { Limiter } from './limiter.ts';
import {
  backoffDelay, describeNetworkError, isConnectionFailure, isIdempotent, networkCode, parseRetryAfter, transientStatus, type RetryOptions,
} from './retry-policy.ts';
import type { Secret } from './secret.ts';

/**
 * The fetch that supabase-js is given. Every request, from our code or a strategy's:
 * 1. waits for a slot in the limiter (never more in flight than the pool's sockets);
 * 2. goes out through undici's own fetch with the pool as dispatcher (Node's built-in fetch
 *    refuses undici 8 dispatchers) and is read to the end inside the slot, so a reset in the
 *    middle of a body is a failed attempt, not a half-read success;
 * 3. on a transient failure of an idempotent request, leaves its slot, waits (backoff with
 *    full jitter, `Retry-After` as a floor) and tries again; the breaker stops it all when the
 *    server keeps failing. Retries live here, above fetch: undici's retry interceptor cannot
 *    resend a fetch body, and postgrest-js's own retry is turned off so one policy holds.
 */

/** Per-request context set by `SupabaseRest.run`: a name for messages, and the typed error if any. */
export interface RequestScope {
  readonly what: string;
  error?: Error;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export interface TransportParts {
  /** The pool now (it is rebuilt smaller when the server refuses connections). */
  readonly pool: () => Pool;
  readonly limiter: Limiter;
  readonly breaker: Breaker;
  readonly counters: Counters;
  readonly retry: RetryOptions;
  readonly secret: Secret;
}

export function createFetch(parts: TransportParts): typeof fetch {
  const { pool, limiter, breaker, counters, retry, secret } = parts;

  const attempt = async (url: string, init: RequestInit, body: string | undefined): Promise<Answer> => {
    counters.begin();
    const runningAtStart = limiter.running;
    const epoch = limiter.epoch;
    try {
      // The key goes into the headers here, for this attempt only (see Secret.placeholder).
      const headers = Object.fromEntries(secret.revealIn(new Headers(init.headers)));
      const res = await undiciFetch(url, { method: init.method ?? 'GET', headers, body, signal: init.signal ?? null, dispatcher: pool() });
      const bytes = new Uint8Array(await res.arrayBuffer());
      counters.bytesReceived += bytes.byteLength;
      limiter.answered();
      return { status: res.status, statusText: res.statusText, headers: new Headers(res.headers as unknown as Headers), body: bytes };
    } catch (err) {
      const code = networkCode(err);
      if (code && isConnectionFailure(code)) limiter.connectionDropped(Math.max(runningAtStart, limiter.running), epoch);
      throw err;
    } finally {
      counters.end();
      counters.concurrencyLimitMin = Math.min(counters.concurrencyLimitMin, limiter.limit);
    }
  };

  return async function supabaseFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init.method ?? 'GET').toUpperCase();
    const prefer = new Headers(init.headers).get('prefer');
    const body = typeof init.body === 'string' ? init.body : init.body == null ? undefined : String(init.body);
    const scope = requestScope.getStore();
    const what = scope?.what ?? `${method} ${new URL(url).pathname}`;
    const fail = (err: Error): never => {
      counters.failures++;
      if (scope) scope.error = err;
      throw err;
    };
    const idempotent = isIdempotent(method, prefer);
    counters.requests++;
    if (body) counters.bytesSent += Buffer.byteLength(body);
    for (let n = 0; ; n++) {
      try {
        breaker.check();
      } catch (err) {
        return fail(err as Error);
      }
      let answer: Answer;
      try {
        answer = await limiter.run(() => attempt(url, init, body));
      } catch (err) {
        if (init.signal?.aborted) throw err;
        const code = networkCode(err);
        const description = secret.scrub(describeNetworkError(err));
        if (!code) return fail(new SupabaseNetworkError(what, description, n + 1, { cause: err }));
        breaker.failure(description);
        if (!idempotent || n + 1 >= retry.maxAttempts) return fail(new SupabaseNetworkError(what, description, n + 1, { cause: err }));
        counters.retry(`network ${code}`);
        await wait(backoffDelay(n, retry));
        continue;
      }
      const reason = answer.status >= 400 ? transientStatus(answer.status, pgCodeOf(answer)) : undefined;
      if (reason === undefined) {
        breaker.success();
        return toResponse(answer);
      }
      breaker.failure(`${reason} from ${new URL(url).host}`);
      if (!idempotent || n + 1 >= retry.maxAttempts) {
        counters.failures++;
        return toResponse(answer); // the caller turns it into a SupabaseHttpError
      }
      counters.retry(reason);
      await wait(backoffDelay(n, retry, parseRetryAfter(answer.headers.get('retry-after'))));
    }
  };

  async function wait(ms: number): Promise<void> {
    counters.retryWaitMs += ms;
    await sleep(ms);
  }
}

/** The PostgREST/Postgres code of an error answer with a JSON body, or ''. */
function pgCodeOf(answer: Answer): string {
  if (answer.status !== 500 || !answer.headers.get('content-type')?.includes('json')) return '';
  try {
    const parsed = JSON.parse(new TextDecoder().decode(answer.body)) as { code?: unknown };
    return typeof parsed.code === 'string' ? parsed.code : '';
  } catch {
    return '';
  }
}

function toResponse(a: Answer): Response {
  const empty = a.status === 204 || a.status === 205 || a.status === 304;
  return new Response(empty ? null : a.body, { status: a.status, statusText: a.statusText, headers: a.headers });
}
