import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backtest, backtestAsync, FIXTURES, tempDir } from '../support/cli.ts';
import { alteredSampleData, queueSuite, readResults, runFolder, startWorker, type WorkerProcess } from '../support/queue.ts';
import { NO_REDIS_MESSAGE, REDIS_SERVER_BIN, startRedis, type RedisServer } from '../support/redis.ts';

if (!REDIS_SERVER_BIN) console.warn(NO_REDIS_MESSAGE);

// A VOPA grid over half a year of the sample market: 12 variants, in jobs of 2.
const RUN = ['2025-06-02', '2025-12-31', '2025', '--grid', 'lookback=21,42,63', '--grid', 'top=5,10', '--grid', 'weighting=equal,inverse-vol', '--param', 'bottom=3', '--commission-bps', '2'];

describe.skipIf(!REDIS_SERVER_BIN)('backtest --queue: a coordinator and worker processes on a real redis-server', () => {
  const suite = queueSuite(RUN);
  const { workers } = suite;

  it('three workers produce the local run\'s files, byte for byte, each variant once, and leave nothing in Redis', async () => {
    const url = suite.redis.url(0);
    for (let k = 0; k < 3; k++) workers.push(startWorker(url));
    await Promise.all(workers.map((w) => w.waitFor(/waiting for jobs/)));
    const out = tempDir();
    const r = await backtestAsync([...RUN, '--queue', url, '--chunk-size', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const dir = runFolder(out);
    expect(readResults(dir)).toEqual(suite.local);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    expect(manifest.variants_finished).toBe(12);
    expect(manifest.execution).toMatchObject({ kind: 'queue', queue: url, chunk_size: 2, chunks: 6 });
    const byWorker = manifest.execution.workers as { chunks: number; variants: number }[];
    expect(byWorker.reduce((n, w) => n + w.variants, 0)).toBe(12);
    // The journal is gone once the folder is complete, and so are the run's jobs.
    expect(existsSync(join(out, `.${manifest.run_id}.queue`))).toBe(false);
    const client = suite.redis.client(0);
    expect(await client.keys(`bull:backtest:${manifest.run_id}*`)).toEqual([]);
    expect(await client.keys('backtest:result:*')).toEqual([]);
    // Results never went through BullMQ's events stream (which keeps 10,000 events): only their sizes did.
    const events = await client.xrange('bull:backtest:events', '-', '+');
    expect(events.length).toBeGreaterThan(0);
    for (const [, fields] of events) expect(fields.join(' ').length).toBeLessThan(500);
  });

  it('a variant that throws stops the run with its message, as in a local run (exit 1)', async () => {
    const url = suite.redis.url(2);
    const strategy = join(FIXTURES, 'strategies/fragile.ts');
    const worker = startWorker(url, ['--strategy', strategy]);
    workers.push(worker);
    const out = tempDir();
    const r = await backtestAsync(['2025-10-07', '2025-12-31', '--strategy', strategy, '--grid', 'names=3:8', '--param', 'when=5', '--param', 'fail=throw', '--queue', url, '--chunk-size', '2', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/job \S+\.chunk-00001 \(variants 3–4\) failed: variant 3: strategy fragile failed at the close of \d{4}-\d{2}-\d{2}: deliberate failure \[E_QUEUE_JOB\]/);
    expect(worker.stderr().match(/variant 3: strategy fragile failed/g)).toHaveLength(1); // final: not retried
  });

  it('a worker whose data differ refuses the run, naming both fingerprints, and the coordinator stops with its message', async () => {
    const other = await alteredSampleData('2025-09-01');
    const url = suite.redis.url(1); // a database of its own: only this worker listens there
    const stranger = startWorker(url, ['--data', other]);
    workers.push(stranger);
    await stranger.waitFor(/waiting for jobs/);
    const out = tempDir();
    const r = await backtestAsync([...RUN, '--queue', url, '--chunk-size', '4', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const refusal = /worker \S+ refuses run \S+: its local data \S+ has fingerprint sha256:([0-9a-f]{64}) for the run's window, the coordinator's data \(local \S+\) sha256:([0-9a-f]{64})/;
    const m = refusal.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(m![1]).not.toBe(m![2]);
    expect(r.stderr).toContain(other);
    expect(r.stderr).toMatch(/resume with: .* --resume \S+/);
    expect(stranger.stderr()).toMatch(refusal);
    // Each job refused once, not passed round (the refusal is final), and none left waiting.
    const refused = [...stranger.stderr().matchAll(/chunk (\d+): worker \S+ refuses run/g)].map((x) => x[1]);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(new Set(refused).size).toBe(refused.length);
    const client = suite.redis.client(1);
    expect(await client.llen('bull:backtest:wait')).toBe(0);
    expect(stranger.child.exitCode).toBeNull(); // the worker goes on serving other runs
  });

  it('two coordinators given one run id: the second queues nothing and stops, and the first finishes with its own results', async () => {
    const url = suite.redis.url(3);
    const client = suite.redis.client(3);
    const runId = `20260101T000000Z-vopa-${'0'.repeat(24)}`;
    const env = { BACKTEST_TEST_RUN_ID: runId };
    const outA = tempDir();
    const first = backtestAsync([...RUN, '--queue', url, '--chunk-size', '4', '--out', outA], { env });
    // No worker yet: the first run's 3 jobs wait in the queue.
    const deadline = Date.now() + 60_000;
    while ((await client.llen('bull:backtest:wait')) < 3) {
      if (Date.now() > deadline) throw new Error('the first coordinator queued nothing');
      await new Promise((r) => setTimeout(r, 50));
    }
    const waiting = await client.lrange('bull:backtest:wait', 0, -1);
    // Another configuration, then the same one: both refused, before anything is queued or journaled.
    for (const args of [['2025-06-02', '2025-12-31', '2025', '--grid', 'lookback=21,42', '--param', 'bottom=3'], RUN]) {
      const outB = tempDir();
      const second = await backtestAsync([...args, '--queue', url, '--chunk-size', '4', '--out', outB], { env });
      expect(second.code, second.stderr).toBe(1);
      expect(second.stderr).toContain(`backtest: run ${runId}: another coordinator's run on the queue at ${url} has this run id; nothing was queued: start the run again (it gets a new id) [E_QUEUE_RUN_ID]`);
      expect(second.stderr).not.toMatch(/resume with/);
      expect(readdirSync(outB)).toEqual([]);
      expect(await client.lrange('bull:backtest:wait', 0, -1)).toEqual(waiting);
    }
    workers.push(startWorker(url));
    const a = await first;
    expect(a.code, a.stderr).toBe(0);
    expect(readResults(runFolder(outA))).toEqual(suite.local);
    // A complete run drops its claim on the id.
    expect(await client.exists(`backtest:run:${runId}`)).toBe(0);
  });
});

describe.skipIf(!REDIS_SERVER_BIN)('backtest --queue: a worker on another version', () => {
  let redis: RedisServer;
  let worker: WorkerProcess | undefined;
  afterAll(async () => {
    await worker?.stop();
    await redis?.stop();
  });

  it('refuses the run, naming both versions, and the coordinator stops with its message', async () => {
    redis = await startRedis();
    const url = redis.url(0);
    worker = startWorker(url, [], { BACKTEST_TEST_VERSION: '0.0.0-other' });
    await worker.waitFor(/waiting for jobs/);
    const out = tempDir();
    const r = await backtestAsync([...RUN, '--queue', url, '--chunk-size', '6', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const ours = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).version as string;
    const node = process.versions.node.split('.')[0];
    expect(r.stderr).toContain(`refuses run`);
    expect(r.stderr).toContain(`it runs vopa-backtest 0.0.0-other on Node ${node}, the coordinator vopa-backtest ${ours} on Node ${node}`);
  });
});

describe.skipIf(!REDIS_SERVER_BIN)('backtest --queue: a Redis with a password, given in a file', () => {
  const PASSWORD = 'q-s3cret-6d0b2e';
  const suite = queueSuite(RUN, { password: PASSWORD });

  it('workers and coordinator read the URL from BACKTEST_QUEUE_URL_FILE: the run completes, and the password is in no command line, output or file', async () => {
    const file = join(tempDir(), 'queue-url');
    writeFileSync(file, `${suite.redis.secretUrl(0)}\n`, { mode: 0o600 });
    const env = { BACKTEST_QUEUE_URL_FILE: file };
    const worker = startWorker(undefined, [], env);
    suite.workers.push(worker);
    await worker.waitFor(/waiting for jobs/);
    expect(worker.stderr()).toContain(`queue ${suite.redis.url(0)} (Redis `);
    // What ps shows: the worker's command line.
    expect(readFileSync(`/proc/${worker.child.pid}/cmdline`, 'utf8')).not.toContain(PASSWORD);
    const out = tempDir();
    const r = await backtestAsync([...RUN, '--chunk-size', '4', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const dir = runFolder(out);
    expect(readResults(dir)).toEqual(suite.local);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).execution.queue).toBe(suite.redis.url(0));
    for (const text of [r.stdout, r.stderr, worker.stderr(), ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))]) expect(text).not.toContain(PASSWORD);
    // Without the password, the server refuses: exit 1, and nothing said of the password.
    const anonymous = backtest([...RUN, '--queue', suite.redis.url(0), '--out', tempDir()]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+\/0: .*NOAUTH/);
  });

  it('a password given on the worker\'s command line works, with a warning that ps shows it', async () => {
    const worker = startWorker(suite.redis.secretUrl(1));
    suite.workers.push(worker);
    await worker.waitFor(/waiting for jobs/);
    expect(worker.stderr()).toMatch(/^warning: the password in --queue shows in ps and in shell history; set BACKTEST_QUEUE_URL, or BACKTEST_QUEUE_URL_FILE to a file that holds the URL$/m);
    expect(worker.stderr()).not.toContain(PASSWORD);
  });
});

describe('backtest --queue: bad input', () => {
  const url = (text: string) => backtest(['2025-10-07', '2026-01-03', '--grid', 'top=5,10', '--queue', text, '--out', tempDir()]);

  it.each([
    ['http://127.0.0.1:6379', /--queue http:\/\/127\.0\.0\.1:6379: the scheme must be redis:\/\/ or rediss:\/\//],
    ['redis://:s3cret-pass@127.0.0.1:99999', /--queue redis:\/\/\*\*\*@127\.0\.0\.1:99999: not a URL/],
    ['redis://127.0.0.1:6379/queue', /the path must be a database number/],
    ['127.0.0.1:6379', /--queue 127\.0\.0\.1:6379: not a URL; expected redis:\/\/HOST:PORT/],
  ])('%s is one line naming --queue and exit 2, without the password', (text, message) => {
    const r = url(text);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('s3cret');
    expect(r.stdout).toBe('');
  });

  it('BACKTEST_QUEUE_URL is checked the same way', () => {
    const r = backtest(['2025-10-07', '2026-01-03', '--out', tempDir()], { env: { BACKTEST_QUEUE_URL: 'redis://u:s3cret-pass@' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^backtest: BACKTEST_QUEUE_URL redis:\/\/\*\*\*@: /);
    expect(r.stderr).not.toContain('s3cret');
  });

  it('--resume without a queue, or of a run with no journal, is exit 2', () => {
    const out = tempDir();
    const a = backtest(['2025-10-07', '2026-01-03', '--resume', '20261122T100239Z-vopa-1a2b', '--out', out]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--resume continues a run on a queue/);
    const b = backtest(['2025-10-07', '2026-01-03', '--queue', 'redis://127.0.0.1:1', '--resume', '20261122T100239Z-vopa-1a2b', '--out', out]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--resume 20261122T100239Z-vopa-1a2b: no queue journal at /);
  });

  it('a queue nobody answers is a runtime failure (exit 1) before any data are read', () => {
    const r = url('redis://user:s3cret-pass@127.0.0.1:1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^backtest: cannot reach the queue at redis:\/\/127\.0\.0\.1:1\/0: .*ECONNREFUSED.* \[E_QUEUE_UNREACHABLE\]\n$/);
    expect(r.stderr).not.toContain('s3cret');
  });

  it('BACKTEST_QUEUE_URL_FILE: a file that cannot be read, an empty one, a bad URL in it, or both variables set, is exit 2 in one line', () => {
    const dir = tempDir();
    const run = (env: NodeJS.ProcessEnv) => backtest(['2025-10-07', '2026-01-03', '--out', tempDir()], { env: { BACKTEST_QUEUE_URL: '', ...env } });
    const missing = run({ BACKTEST_QUEUE_URL_FILE: join(dir, 'nope') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`backtest: BACKTEST_QUEUE_URL_FILE ${join(dir, 'nope')}: cannot read it (ENOENT)\n`);
    writeFileSync(join(dir, 'empty'), '\n');
    expect(run({ BACKTEST_QUEUE_URL_FILE: join(dir, 'empty') }).stderr).toMatch(/: the file is empty; it should hold redis:\/\//);
    writeFileSync(join(dir, 'bad'), 'redis://:s3cret-pass@host:99999\n');
    const bad = run({ BACKTEST_QUEUE_URL_FILE: join(dir, 'bad') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`backtest: BACKTEST_QUEUE_URL_FILE ${join(dir, 'bad')}: redis://***@host:99999: not a URL; expected redis://HOST:PORT (or rediss:// for TLS), e.g. redis://127.0.0.1:6379\n`);
    const both = run({ BACKTEST_QUEUE_URL: 'redis://127.0.0.1:1', BACKTEST_QUEUE_URL_FILE: join(dir, 'bad') });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('backtest: BACKTEST_QUEUE_URL and BACKTEST_QUEUE_URL_FILE are both set; keep one\n');
  });

  it('backtest worker without a queue is exit 2', () => {
    const r = backtest(['worker'], { env: { BACKTEST_QUEUE_URL: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/backtest worker needs --queue redis:\/\/HOST:PORT/);
  });
});
