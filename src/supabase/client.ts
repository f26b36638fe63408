import { inspect } from 'node:util';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { Dispatcher } from 'undici';
import type { SupabaseLike } from '../strategy/context.ts';
import { Breaker, DEFAULT_BREAKER, type BreakerOptions } from './breaker.ts';
import type { SupabaseSettings, SupabaseTables } from './config.ts';
import { Counters, type CounterSnapshot } from './counters.ts';
import { plainLine, SupabaseHttpError, SupabaseNetworkError } from './errors.ts';
import { Limiter } from './limiter.ts';
import { createPool, DEFAULT_POOL, type PoolOptions } from './pool.ts';
import { DEFAULT_RETRY, type RetryOptions } from './retry-policy.ts';
import { createTransport, requestScope, type RequestScope, type Transport } from './transport.ts';

export interface RestTuning {
  readonly retry?: Partial<RetryOptions>;
  readonly breaker?: Partial<BreakerOptions>;
  readonly pool?: Partial<Omit<PoolOptions, 'connections'>>;
}

/** A function's answer as bytes (`SupabaseRest.rpc`): the status, its media type, the body (decoded). */
export interface RpcResult {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** What a query answers once its error is thrown: rows, the exact count when asked, the status. */
export interface RestResult<T> {
  readonly data: T;
  readonly count: number | null;
  readonly status: number;
}

interface PostgrestLikeResponse {
  readonly data: unknown;
  readonly error: { message: string; code?: string; details?: string | null; hint?: string | null } | null;
  readonly count?: number | null;
  readonly status: number;
  readonly statusText?: string;
}

/**
 * The run's one Supabase client: supabase-js for building queries, over one bounded keep-alive
 * undici pool, a request limiter, one retry policy and a circuit breaker, with counters.
 * Built once per run; the data source, the results upload and strategies all share it.
 *
 * @example
 * const rest = SupabaseRest.open(settings);
 * const { data } = await rest.run('read universe', rest.client.from('universe').select('symbol').eq('season', 2025));
 * await rest.close();
 */
export class SupabaseRest implements SupabaseLike {
  /** Non-enumerable, and given a stand-in for the key (see the constructor). */
  declare readonly client: SupabaseClient;
  readonly url: string;
  readonly host: string;
  readonly tables: SupabaseTables;
  readonly connections: number;
  readonly counters = new Counters();
  private pool: Dispatcher;
  /** Pools replaced after a change of the limit, until their sockets are closed. */
  private readonly retired = new Set<Dispatcher>();
  private readonly limiter: Limiter;
  private readonly settings: SupabaseSettings;
  private readonly transport: Transport;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(settings: SupabaseSettings, tuning: RestTuning) {
    this.settings = settings;
    this.url = settings.url;
    this.host = new URL(settings.url).host;
    this.tables = settings.tables;
    this.connections = settings.connections;
    const poolOptions = { ...DEFAULT_POOL, ...tuning.pool };
    const origin = new URL(settings.url).origin;
    this.pool = createPool(origin, { ...poolOptions, connections: settings.connections }, this.counters);
    this.limiter = new Limiter(settings.connections, (limit) => {
      // The limit moved (the server holds fewer connections, or more again): a pool of that many.
      if (this.closed) return;
      const old = this.pool;
      this.retired.add(old);
      this.pool = createPool(origin, { ...poolOptions, connections: limit }, this.counters);
      // Resolves once its requests are done and its sockets closed; then it is forgotten.
      return old.close().catch(() => {}).finally(() => this.retired.delete(old));
    });
    const breaker = new Breaker(this.host, { ...DEFAULT_BREAKER, ...tuning.breaker });
    this.transport = createTransport({
      pool: () => this.pool,
      limiter: this.limiter,
      breaker,
      counters: this.counters,
      retry: { ...DEFAULT_RETRY, ...tuning.retry },
      secret: settings.key,
    });
    // supabase-js keeps its key in plain fields and headers (client.supabaseKey, client.rest.headers,
    // every query builder), where util.inspect or a strategy's console.log would print it. So it
    // gets a stand-in, and the transport puts the real key into each request as it leaves.
    const client = createClient(settings.url, settings.key.placeholder, {
      global: { fetch: this.transport.fetch },
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      db: { retry: false },
    });
    Object.defineProperty(this, 'client', { value: client, enumerable: false });
  }

  /** What `util.inspect` and `console.log` show: the host and the connections, nothing else. */
  [inspect.custom](): string {
    return `SupabaseRest { host: '${this.host}', connections: ${this.connections} }`;
  }

  toJSON(): { host: string; connections: number } {
    return { host: this.host, connections: this.connections };
  }

  static open(settings: SupabaseSettings, tuning: RestTuning = {}): SupabaseRest {
    return new SupabaseRest(settings, tuning);
  }

  /**
   * Runs a supabase-js query and returns its rows, or throws a typed error: `SupabaseHttpError`
   * (status, PostgREST code, message, details, hint), `SupabaseNetworkError` or
   * `SupabaseUnavailableError`. `what` names the request in messages ("read prices").
   * `force` makes one attempt even while the breaker is open, for a last word such as marking
   * a run failed (the breaker's open state would otherwise leave it `running`).
   */
  async run<T = Record<string, unknown>[]>(what: string, query: PromiseLike<PostgrestLikeResponse>, options: { force?: boolean } = {}): Promise<RestResult<T>> {
    const scope: RequestScope = { what, force: options.force ?? false };
    const res = await requestScope.run(scope, async () => await query);
    if (scope.error) throw scope.error;
    if (res.error) {
      if (res.status === 0) throw new SupabaseNetworkError(what, this.settings.key.scrub(res.error.message), 1);
      throw this.httpError(what, res.status, res.statusText ?? '', res.error);
    }
    return { data: res.data as T, count: res.count ?? null, status: res.status };
  }

  /**
   * Calls a PostgREST function (`POST /rest/v1/rpc/<fn>` with its arguments as a JSON object)
   * through the same pool, limiter, retry policy and breaker as every request, and returns the
   * body as bytes, for the caller to check before it parses (a body cut short must not pass),
   * in any media type (`application/octet-stream` for a `bytea`). Compressed answers are asked for (brotli or gzip,
   * transport.ts's `ACCEPT_ENCODING`) and decoded. `readOnly` says the function only reads, so the POST may be sent again after a
   * transient failure. An error status throws `SupabaseHttpError` as `run` does.
   *
   * @example
   * const { body } = await rest.rpc('read window', 'backtest_prices_window', { tbl: 'prices', symbols, date_from, date_to }, { readOnly: true });
   */
  async rpc(what: string, fn: string, args: Record<string, unknown>, options: { accept?: string; readOnly?: boolean } = {}): Promise<RpcResult> {
    const scope: RequestScope = { what, idempotent: options.readOnly === true ? true : undefined };
    const placeholder = this.settings.key.placeholder;
    const res = await requestScope.run(scope, async () => {
      try {
        return await this.transport.fetch(`${this.url}/rest/v1/rpc/${encodeURIComponent(fn)}`, {
          method: 'POST',
          // The headers supabase-js sends to PostgREST; the transport puts the key in place of the stand-in.
          headers: { apikey: placeholder, authorization: `Bearer ${placeholder}`, 'content-type': 'application/json', accept: options.accept ?? 'application/json' },
          body: JSON.stringify(args),
        });
      } catch (err) {
        throw scope.error ?? err;
      }
    });
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.status >= 400) {
      let error: { message: string; code?: string; details?: string | null; hint?: string | null };
      const text = new TextDecoder().decode(body);
      try {
        const parsed = JSON.parse(text) as typeof error;
        error = parsed && typeof parsed === 'object' && typeof parsed.message === 'string' ? parsed : { message: text };
      } catch {
        error = { message: text };
      }
      throw this.httpError(what, res.status, res.statusText, error);
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
  }

  /** An error answer as a typed error: PostgREST's fields, the key scrubbed, advice for the errors users meet first. */
  private httpError(what: string, status: number, statusText: string, error: { message: string; code?: string; details?: string | null; hint?: string | null }): SupabaseHttpError {
    const scrub = (s: string | null | undefined) => (s == null ? s : this.settings.key.scrub(String(s)));
    const message = scrub(error.message) ?? '';
    return new SupabaseHttpError({
      status,
      pgCode: error.code ?? '',
      // Not PostgREST's JSON (no code): a gateway's body, maybe a page of HTML, as one short line.
      message: error.code ? message : plainLine(message) || statusText,
      details: scrub(error.details),
      hint: [scrub(error.hint), advice(status, error.code ?? '')].filter(Boolean).join('; ') || null,
      what,
    });
  }

  /** The in-flight limit now, and the lowest it fell to (after dropped connections; it rises again). */
  get concurrency(): { limit: number; lowest: number; max: number } {
    return { limit: this.limiter.limit, lowest: this.limiter.lowestLimit, max: this.limiter.max };
  }

  /** Counters for manifest.json and --verbose. */
  snapshot(): CounterSnapshot & { connections: number; url: string } {
    return { url: this.url, connections: this.connections, ...this.counters.snapshot() };
  }

  /**
   * Refuses new requests, waits for every request begun (those waiting to retry included), then
   * closes every socket; the pool is never rebuilt after. Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.limiter.close();
      await this.transport.close();
      await Promise.all([this.pool, ...this.retired].map((p) => p.close().catch(() => {})));
    })();
    return this.closing;
  }

  /** Closes the sockets now, failing what is in flight and what waits to retry (Ctrl-C). */
  async destroy(): Promise<void> {
    this.closed = true;
    this.limiter.close();
    this.transport.abort();
    await Promise.all([this.pool, ...this.retired].map((p) => p.destroy().catch(() => {})));
  }
}

/** What to check for the errors users meet first. */
function advice(status: number, code: string): string | null {
  if (status === 401 || status === 403) return 'check SUPABASE_SERVICE_ROLE_KEY: it must be the project\'s service_role key';
  if (status === 404 || code === 'PGRST205' || code === '42P01') return 'apply the migrations in supabase/migrations to the project (or set the table names)';
  if (code === 'PGRST204' || code === '42703') return 'the table lacks a column: apply the migrations in supabase/migrations';
  return null;
}
