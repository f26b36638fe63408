import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * A real redis-server for the queue tests, started per test file on a free loopback port (never
 * a system service): `REDIS_SERVER` when set, else `redis-server` on PATH (Debian's package;
 * `.ci/run` installs it). `REDIS_SERVER_BIN` is undefined where there is none: those tests skip.
 */
function findRedis(): string | undefined {
  const given = process.env.REDIS_SERVER;
  if (given) return existsSync(given) ? given : undefined;
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = which.stdout.trim();
  return which.status === 0 && path ? path : undefined;
}

export const REDIS_SERVER_BIN = findRedis();
export const NO_REDIS_MESSAGE = 'no redis-server (install Debian\'s redis-server or set REDIS_SERVER): the queue tests are skipped';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT/DB` (what messages show: never the password). */
  url(db?: number): string;
  /** The URL a client needs: with the password (`requirepass`) when the server has one. */
  secretUrl(db?: number): string;
  /** A client (closed by `stop`). */
  client(db?: number): Redis;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `password`: the server requires it (`requirepass`), as a shared queue should. */
export async function startRedis(o: { password?: string } = {}): Promise<RedisServer> {
  if (!REDIS_SERVER_BIN) throw new Error(NO_REDIS_MESSAGE);
  const port = await freePort();
  const auth = o.password ? ['--requirepass', o.password] : [];
  const child: ChildProcess = spawn(REDIS_SERVER_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--databases', '16', ...auth], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  const clients: Redis[] = [];
  const client = (db = 0) => {
    const c = new Redis({ host: '127.0.0.1', port, db, maxRetriesPerRequest: 1, ...(o.password ? { password: o.password } : {}) });
    clients.push(c);
    return c;
  };
  const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, ...(o.password ? { password: o.password } : {}) });
  probe.on('error', () => {});
  for (let attempt = 0; ; attempt++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      if (attempt > 100 || child.exitCode !== null) throw new Error(`redis-server did not start on port ${port}: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    secretUrl: (db = 0) => `redis://${o.password ? `:${encodeURIComponent(o.password)}@` : ''}127.0.0.1:${port}/${db}`,
    client,
    async stop() {
      for (const c of clients) c.disconnect();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}
