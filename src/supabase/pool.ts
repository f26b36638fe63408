import { Pool } from 'undici';
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
 * Socket counts come from the pool's `connect`/`disconnect` events.
 */
export function createPool(origin: string, options: PoolOptions, counters: Counters): Pool {
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
  return pool;
}
