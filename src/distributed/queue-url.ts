import { UsageError } from '../errors.ts';

/**
 * Where the job queue lives: a Redis server named by `redis://[user[:password]@]host[:port][/db]`
 * (or `rediss://` for TLS), the form ioredis and every Redis tool accept. Parsed and checked once
 * at the edge; the password is kept out of every printed or serialised form (`display`, JSON,
 * inspection) and only `connection()` hands it to the client.
 */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: object;
}

/** A parsed queue URL: `display` for people, `connection()` for the Redis clients. */
export class QueueTarget {
  /** The URL without credentials, for messages and the manifest: `redis://host:port/db`. */
  readonly display: string;
  readonly #connection: RedisConnection;

  constructor(display: string, connection: RedisConnection) {
    this.display = display;
    this.#connection = connection;
  }

  /** Options for ioredis and BullMQ (a fresh object each call: they may keep and mutate it). */
  connection(): RedisConnection {
    return { ...this.#connection, ...(this.#connection.tls ? { tls: {} } : {}) };
  }

  toString(): string {
    return this.display;
  }

  toJSON(): string {
    return this.display;
  }
}

/**
 * Parses `--queue URL` (or `BACKTEST_QUEUE_URL`). Anything else is a `UsageError` whose one line
 * names the option and the expected form, and never repeats a password.
 *
 * @example parseQueueUrl('redis://127.0.0.1:6379/0').display // 'redis://127.0.0.1:6379/0'
 */
export function parseQueueUrl(text: string, option = '--queue'): QueueTarget {
  const form = 'expected redis://HOST:PORT (or rediss:// for TLS), e.g. redis://127.0.0.1:6379';
  const shown = redact(text);
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`${option} ${shown}: not a URL; ${form}`, 'E_QUEUE_URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UsageError(`${option} ${shown}: the scheme must be redis:// or rediss://; ${form}`, 'E_QUEUE_URL');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new UsageError(`${option} ${shown}: no host; ${form}`, 'E_QUEUE_URL');
  // WHATWG URL already refuses ports above 65535 and non-digits; 0 is refused here.
  const port = url.port === '' ? 6379 : Number(url.port);
  if (!Number.isInteger(port) || port < 1) throw new UsageError(`${option} ${shown}: port ${url.port} is not a TCP port; ${form}`, 'E_QUEUE_URL');
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) {
    throw new UsageError(`${option} ${shown}: the path must be a database number (/0, /1, …), not /${path}`, 'E_QUEUE_URL');
  }
  if (url.search || url.hash) throw new UsageError(`${option} ${shown}: options after ? or # are not supported; ${form}`, 'E_QUEUE_URL');
  const db = path === '' ? 0 : Number(path);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return new QueueTarget(`${url.protocol}//${hostPart}:${port}/${db}`, {
    host,
    port,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  });
}

/** The text as typed, with everything before the last `@` (credentials) replaced, for error messages. */
function redact(text: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?(.*)@(.*)$/is.exec(text.trim());
  return m ? `${m[1] ?? ''}***@${m[3]}` : text.trim();
}
