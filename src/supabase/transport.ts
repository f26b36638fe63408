import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetch as undiciFetch, type Dispatcher, type RequestInit as UndiciRequestInit } from 'undici';
import type { Breaker } from './breaker.ts';
import type { Counters } from './counters.ts';
import { SupabaseClosedError, SupabaseNetworkError, SupabaseUnavailableError } from './errors.ts';
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
 *    full jitter, `Retry-After` as a floor) and tries again; the breaker, asked as each attempt
 *    starts, stops it all when the server keeps failing. Retries live here, above fetch: undici's retry interceptor cannot
 *    resend a fetch body, and postgrest-js's own retry is turned off so one policy holds.
 * supabase-js sends strings, but a strategy may reach this fetch with any body (storage and
 * edge functions send bytes, blobs, forms): each is sent as fetch would send it and counted in
 * bytes; a stream can be read only once, so a request with one is never retried.
 */

/** Per-request context set by `SupabaseRest.run`: a name for messages, and the typed error if any. */
export interface RequestScope {
  readonly what: string;
  /** One attempt, even while the breaker is open (a last word: marking a run failed). */
  readonly force?: boolean;
  /**
   * The caller vouches that the request may be sent again (a read-only function called with
   * POST, whose arguments do not fit in a URL); otherwise the method and `Prefer` decide.
   */
  readonly idempotent?: boolean;
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
  /** The pool now (it is rebuilt when the in-flight limit changes). */
  readonly pool: () => Dispatcher;
  readonly limiter: Limiter;
  readonly breaker: Breaker;
  readonly counters: Counters;
  readonly retry: RetryOptions;
  readonly secret: Secret;
}

/** A request body as it goes out on each attempt, its size when known before sending, and whether it can go twice. */
interface Body {
  readonly value: UndiciRequestInit['body'];
  readonly bytes: number | undefined;
  readonly resendable: boolean;
}

/** What each attempt sends. */
interface Outgoing {
  readonly method: string;
  readonly headers: Headers;
  readonly body: Body;
  readonly signal: AbortSignal | null;
}

/** A request as `send` sees it: `fail` records the typed error for `SupabaseRest.run` and throws it. */
interface OneRequest {
  readonly url: string;
  readonly out: Outgoing;
  readonly what: string;
  readonly fail: (err: Error) => never;
  readonly force: boolean;
  readonly idempotent: boolean;
}

/** The fetch given to supabase-js, and the means to close it. */
export interface Transport {
  readonly fetch: typeof fetch;
  /** Refuses new requests; resolves once every outstanding one has finished (retries included). */
  close(): Promise<void>;
  /** Refuses new requests and cuts the waits between attempts short: those requests fail now (Ctrl-C). */
  abort(): void;
}

/**
 * The codings every request accepts, unless it says otherwise: brotli first, then gzip (fetch decodes
 * both). The Envoy in front of a Supabase project's PostgREST has both compressors
 * (supabase/postgres, ansible/files/envoy_config/lds.yaml) and answers in the first one a client
 * lists at the same q-value: brotli, smaller and cheaper for the server than gzip. Said explicitly
 * because fetch asks for brotli of itself only over https; so a local server over http, where the
 * tests run, is asked the same.
 */
export const ACCEPT_ENCODING = 'br, gzip';

export function createTransport(parts: TransportParts): Transport {
  const { pool, limiter, breaker, counters, retry, secret } = parts;
  let outstanding = 0;
  let closed = false;
  const whenIdle: (() => void)[] = [];
  const aborter = new AbortController();

  /**
   * One attempt, inside its limiter slot. The breaker and the limiter learn how it went before
   * the slot is freed, so the next request waiting for it is judged with that knowledge.
   * Answers with the retry reason of a transient error status, if any.
   */
  const attempt = async (url: string, out: Outgoing, force: boolean): Promise<{ answer: Answer; reason: string | undefined }> => {
    if (!force) breaker.check();
    counters.begin();
    const runningAtStart = limiter.running;
    const epoch = limiter.epoch;
    try {
      // The key goes into the headers here, for this attempt only (see Secret.placeholder).
      const headers = Object.fromEntries(secret.revealIn(new Headers(out.headers)));
      headers['accept-encoding'] ??= ACCEPT_ENCODING;
      const res = await undiciFetch(url, {
        method: out.method, headers, body: out.body.value, signal: out.signal, dispatcher: pool(), ...(out.body.resendable ? {} : { duplex: 'half' as const }),
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      counters.bytesReceived += bytes.byteLength; // decoded; the pool counts the bytes as they came (pool.ts)
      limiter.answered();
      const answer = { status: res.status, statusText: res.statusText, headers: new Headers(res.headers as unknown as Headers), body: bytes };
      const reason = answer.status >= 400 ? transientStatus(answer.status, pgCodeOf(answer)) : undefined;
      if (reason === undefined) breaker.success();
      else breaker.failure(`${reason} from ${new URL(url).host}`);
      return { answer, reason };
    } catch (err) {
      const code = out.signal?.aborted ? undefined : networkCode(err);
      if (code && isConnectionFailure(code)) limiter.connectionDropped(Math.max(runningAtStart, limiter.running), epoch);
      if (code) breaker.failure(secret.scrub(describeNetworkError(err)));
      else breaker.inconclusive(); // says nothing about the server: a probe may go again
      throw err;
    } finally {
      counters.end();
      counters.concurrencyLimitMin = Math.min(counters.concurrencyLimitMin, limiter.limit);
    }
  };

  async function supabaseFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    // A Request gives what `init` leaves out (its body read whole, so it can be sent again).
    const request = typeof input === 'string' || input instanceof URL ? undefined : input;
    const url = request ? request.url : String(input);
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers ?? request?.headers);
    const given = init.body !== undefined ? init.body : request?.body ? await request.arrayBuffer() : undefined;
    const body = await outgoingBody(given, headers, (n) => (counters.bytesSent += n));
    const out: Outgoing = { method, headers, body, signal: init.signal ?? request?.signal ?? null };
    const scope = requestScope.getStore();
    const what = scope?.what ?? `${method} ${new URL(url).pathname}`;
    const fail = (err: Error): never => {
      counters.failures++;
      if (scope) scope.error = err;
      throw err;
    };
    if (closed) return fail(new SupabaseClosedError(what));
    outstanding++;
    try {
      const idempotent = scope?.idempotent ?? isIdempotent(method, headers.get('prefer'));
      return await send({ url, out, what, fail, force: scope?.force === true, idempotent });
    } finally {
      if (--outstanding === 0) for (const resolve of whenIdle.splice(0)) resolve();
    }
  }

  /** A request's attempts: retried while transient and idempotent (and its body can go again), within `maxAttempts`, while the breaker allows. */
  async function send(request: OneRequest): Promise<Response> {
    const { url, out, what, fail, force, idempotent } = request;
    const maxAttempts = force || !out.body.resendable ? 1 : retry.maxAttempts;
    counters.requests++;
    if (out.body.bytes) counters.bytesSent += out.body.bytes;
    for (let n = 0; ; n++) {
      let outcome: { answer: Answer; reason: string | undefined };
      try {
        // The breaker is asked as the attempt starts, not when it was queued: once it opens,
        // requests already waiting for a slot fail instead of going out.
        outcome = await limiter.run(() => attempt(url, out, force));
      } catch (err) {
        if (err instanceof SupabaseUnavailableError) return fail(err);
        if (out.signal?.aborted) throw err;
        const code = networkCode(err);
        const description = secret.scrub(describeNetworkError(err));
        if (!code || !idempotent || n + 1 >= maxAttempts) return fail(new SupabaseNetworkError(what, description, n + 1, { cause: err }));
        counters.retry(`network ${code}`);
        if (!(await wait(backoffDelay(n, retry)))) return fail(new SupabaseClosedError(what));
        continue;
      }
      const { answer, reason } = outcome;
      if (reason === undefined) return toResponse(answer);
      if (!idempotent || n + 1 >= maxAttempts) {
        counters.failures++;
        return toResponse(answer); // the caller turns it into a SupabaseHttpError
      }
      counters.retry(reason);
      if (!(await wait(backoffDelay(n, retry, parseRetryAfter(answer.headers.get('retry-after')))))) return fail(new SupabaseClosedError(what));
    }
  }

  /** Waits between attempts; false when `abort()` cut the wait short. */
  async function wait(ms: number): Promise<boolean> {
    counters.retryWaitMs += ms;
    try {
      await sleep(ms, undefined, { signal: aborter.signal });
      return true;
    } catch {
      return false;
    }
  }

  return {
    fetch: supabaseFetch as typeof fetch,
    close() {
      closed = true;
      return outstanding === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenIdle.push(resolve));
    },
    abort() {
      closed = true;
      aborter.abort();
    },
  };
}

/**
 * A body as fetch would send it. Strings, form parameters, bytes and blobs are sent as they
 * are (fetch reads them afresh on each attempt) and their size is known; a form is encoded
 * once into bytes with its multipart type; a ReadableStream or an iterable can be read once:
 * it is sent once, counted as it flows; any other value becomes its string, as with fetch.
 */
async function outgoingBody(body: unknown, headers: Headers, counted: (bytes: number) => void): Promise<Body> {
  if (body == null) return { value: undefined, bytes: 0, resendable: true };
  if (typeof body === 'string') return { value: body, bytes: Buffer.byteLength(body), resendable: true };
  if (body instanceof URLSearchParams) return { value: body, bytes: Buffer.byteLength(body.toString()), resendable: true };
  if (body instanceof ArrayBuffer) return { value: new Uint8Array(body), bytes: body.byteLength, resendable: true };
  if (ArrayBuffer.isView(body)) return { value: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), bytes: body.byteLength, resendable: true };
  if (body instanceof Blob) return { value: body, bytes: body.size, resendable: true };
  if (body instanceof FormData) {
    const encoded = new Response(body);
    if (!headers.has('content-type')) headers.set('content-type', encoded.headers.get('content-type')!);
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    return { value: bytes, bytes: bytes.byteLength, resendable: true };
  }
  const size = (chunk: unknown) => (typeof chunk === 'string' ? Buffer.byteLength(chunk) : ArrayBuffer.isView(chunk) ? chunk.byteLength : 0);
  if (body instanceof ReadableStream) {
    const value = body.pipeThrough(new TransformStream({ transform(chunk, into) { counted(size(chunk)); into.enqueue(chunk); } }));
    return { value: value as UndiciRequestInit['body'], bytes: undefined, resendable: false };
  }
  if (typeof body === 'object' && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    const source = body as AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
    const value = (async function* () {
      for await (const chunk of source) {
        counted(size(chunk));
        yield chunk;
      }
    })();
    return { value, bytes: undefined, resendable: false };
  }
  const text = String(body); // what fetch does with any other value
  return { value: text, bytes: Buffer.byteLength(text), resendable: true };
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
