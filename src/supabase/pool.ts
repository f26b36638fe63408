import { DecoratorHandler, Pool, type Dispatcher } from 'undici';
import type { Counters } from './counters.ts';

export interface PoolOptions {
  readonly connections: number;
  /** Idle keep-alive sockets are closed by us after this long: below any server's idle timeout. */
  readonly keepAliveTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

export const DEFAULT_POOL: Omit<PoolOptions, 'connections'> = {
  keepAliveTimeoutMs: 4_000,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
};

/**
 * The one keep-alive pool to the Supabase origin. `connections` caps the sockets; a server's
 * `Keep-Alive: timeout=…` hint may shorten our idle time but never lengthen it
 * (`keepAliveMaxTimeout` equals our own), so we close an idle socket before the server does.
 * Socket counts come from the pool's `connect`/`disconnect` events; the bytes of every answer's
 * body as they arrive, before fetch decodes a compressed one (`bytes_wire`), from an interceptor:
 * a compressing gateway (the Envoy in front of Supabase) sends no Content-Length to count by.
 */
export function createPool(origin: string, options: PoolOptions, counters: Counters): Dispatcher {
  const pool = new Pool(origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    keepAliveMaxTimeout: options.keepAliveTimeoutMs,
    keepAliveTimeoutThreshold: 1_000,
    connectTimeout: options.connectTimeoutMs,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
  });
  pool.on('connect', () => counters.socketOpened());
  pool.on('disconnect', () => counters.socketClosed());
  return pool.compose((dispatch) => (opts, handler) => dispatch(opts, new WireBytes(handler, counters)));
}

/** Counts the body bytes of an answer as they come off the socket (still compressed, when they are). */
class WireBytes extends DecoratorHandler {
  readonly #counters: Counters;

  constructor(handler: Dispatcher.DispatchHandler, counters: Counters) {
    super(handler);
    this.#counters = counters;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#counters.bytesWire += chunk.length;
    // @ts-expect-error: undici's types declare DecoratorHandler's constructor only, not the handler methods it forwards
    return super.onResponseData(controller, chunk);
  }
}
