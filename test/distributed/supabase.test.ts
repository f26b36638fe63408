import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestAsync, tempDir } from '../support/cli.ts';
import { sampleServer, serverEnv, type PostgrestServer } from '../support/postgrest/index.ts';
import { readResults, runFolder, startWorker, type WorkerProcess } from '../support/queue.ts';
import { NO_REDIS_MESSAGE, REDIS_SERVER_BIN, startRedis, type RedisServer } from '../support/redis.ts';

if (!REDIS_SERVER_BIN) console.warn(NO_REDIS_MESSAGE);

const RUN = ['2025-10-07', '2026-01-03', '2025', '--grid', 'top=5,10,15', '--grid', 'weighting=equal,inverse-vol'];

/** Every key and value in a Redis database, as one text. */
async function everything(client: Redis): Promise<string> {
  let text = '';
  for (const key of await client.keys('*')) {
    const type = await client.type(key);
    const value =
      type === 'string' ? await client.get(key)
      : type === 'hash' ? await client.hgetall(key)
      : type === 'list' ? await client.lrange(key, 0, -1)
      : type === 'set' ? await client.smembers(key)
      : type === 'zset' ? await client.zrange(key, 0, -1)
      : type === 'stream' ? await client.xrange(key, '-', '+')
      : null;
    text += `${key}\n${JSON.stringify(value)}\n`;
  }
  return text;
}

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!REDIS_SERVER_BIN)('backtest --queue with the Supabase source', () => {
  let redis: RedisServer;
  let server: PostgrestServer;
  let env: Record<string, string>;
  let local: Record<string, string>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    server = await sampleServer({ from: '2025-06-01', to: '2026-01-31' });
    env = serverEnv(server);
    const out = tempDir();
    const r = await backtestAsync([...RUN, '--source', 'local', '--no-upload', '--out', out], { env: { SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' } });
    expect(r.code, r.stderr).toBe(0);
    local = readResults(runFolder(out));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
    await server?.close();
  });

  it('workers read Supabase with their own credentials: the local run\'s files, the upload, and the key in no job, Redis value or output', async () => {
    const url = redis.url(0);
    const client = redis.client(0);
    const out = tempDir();
    const coordinator = backtestAsync([...RUN, '--source', 'supabase', '--queue', url, '--chunk-size', '2', '--out', out], { cwd: out, env });
    // The jobs wait for a worker: look at all Redis holds, then let one work.
    await until(async () => (await client.llen('bull:backtest:wait')) === 3);
    const queued = await everything(client);
    expect(queued).toContain('\\"kind\\":\\"supabase\\"'); // the payload, as JSON inside BullMQ's hash
    expect(queued).not.toContain(server.key);
    const worker = startWorker(url, [], env);
    workers.push(worker);
    const r = await coordinator;
    expect(r.code, r.stderr).toBe(0);
    const dir = runFolder(out);
    expect(readResults(dir)).toEqual(local);
    expect(worker.stderr()).toMatch(/from Supabase 127\.0\.0\.1:\d+, fingerprint matches/);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const run = (await server.db.query<{ status: string }>('select status from backtest_runs where run_id = $1', [manifest.run_id])).rows[0]!;
    expect(run.status).toBe('complete');
    for (const text of [r.stdout, r.stderr, worker.stderr(), await everything(client), ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))]) {
      expect(text).not.toContain(server.key);
    }
  });

  it('a worker without Supabase credentials refuses a Supabase run, saying why', async () => {
    const url = redis.url(1);
    const worker = startWorker(url, [], { SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' });
    workers.push(worker);
    await worker.waitFor(/waiting for jobs/);
    const out = tempDir();
    const r = await backtestAsync([...RUN, '--source', 'supabase', '--no-upload', '--queue', url, '--out', out], { cwd: out, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refuses run \S+: the run reads Supabase and this worker cannot: no SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY in its environment or \.env/);
    expect(r.stderr).not.toContain(server.key);
  });
});
