import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobCapacity, JOB_LIMITS } from '../../src/distributed/job-schema.ts';
import { jobId, QUEUE_NAME, type JobPayload } from '../../src/distributed/payload.ts';
import { STRATEGIES_DIR } from '../../src/strategy/registry.ts';
import { backtest, backtestAsync, FIXTURES, tempDir } from '../support/cli.ts';
import { startWorker, type WorkerProcess } from '../support/queue.ts';
import { NO_REDIS_MESSAGE, REDIS_SERVER_BIN, startRedis, type RedisServer } from '../support/redis.ts';

if (!REDIS_SERVER_BIN) console.warn(NO_REDIS_MESSAGE);

/**
 * The queue's trust model, attacked: whoever can write to Redis adds jobs of their own making. The
 * jobs here are a real coordinator's, copied from Redis and altered as an intruder would, and a
 * real `backtest worker` process takes them. Each must fail with a refusal, and no job may make
 * the worker run code it was not started with.
 */
const sha256 = (file: string) => `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
const FRAGILE = join(FIXTURES, 'strategies/fragile.ts');
const CANARY = 'canary-service-key-6b1f0c9e';

describe.skipIf(!REDIS_SERVER_BIN)('a worker takes queued jobs as untrusted input', () => {
  let redis: RedisServer;
  let queue: Queue;
  let worker: WorkerProcess;
  /** A real job of a VOPA run (one variant), as its coordinator queued it. */
  let real: JobPayload;
  let chunk = 100;

  beforeAll(async () => {
    redis = await startRedis();
    const url = redis.url(0);
    const client = redis.client(0);
    // A coordinator queues its run (no worker yet); its first job is copied, then it is stopped.
    let coordinator: import('node:child_process').ChildProcess | undefined;
    const run = backtestAsync(['2025-10-07', '2025-12-31', '--grid', 'top=5,10', '--chunk-size', '1', '--queue', url, '--out', tempDir()], { onSpawn: (c) => { coordinator = c; } });
    const deadline = Date.now() + 60_000;
    while ((await client.llen('bull:backtest:wait')) < 2) {
      if (Date.now() > deadline) throw new Error('the coordinator queued nothing');
      await new Promise((r) => setTimeout(r, 50));
    }
    const [id] = await client.lrange('bull:backtest:wait', -1, -1);
    real = JSON.parse((await client.hget(`bull:backtest:${id}`, 'data'))!) as JobPayload;
    coordinator!.kill('SIGINT');
    await run;
    expect(await client.llen('bull:backtest:wait')).toBe(0); // withdrawn
    queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    worker = startWorker(url, ['--strategy', FRAGILE], { SUPABASE_SERVICE_ROLE_KEY: CANARY, SUPABASE_URL: 'http://127.0.0.1:1' });
    await worker.waitFor(/waiting for jobs/);
  });
  afterAll(async () => {
    await worker?.stop();
    await queue?.close();
    await redis?.stop();
  });

  /** Queues a job as an intruder would, and waits for the worker to finish or fail it. */
  async function attack(data: unknown, id?: string): Promise<{ state: string; reason: string }> {
    const payload = data as JobPayload;
    const jid = id ?? jobId(payload.run?.runId ?? 'x', payload.chunk ?? 0);
    await queue.add('chunk', data, { jobId: jid, attempts: 1 });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = await queue.getJobState(jid);
      if (state === 'failed' || state === 'completed') {
        const job = await queue.getJob(jid);
        return { state, reason: job?.failedReason ?? '' };
      }
      if (Date.now() > deadline) throw new Error(`job ${jid} still ${state}; worker:\n${worker.stderr()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The real job, altered: another chunk number (a job id of its own), then `change`. */
  function altered(change: (p: Record<string, any>) => void): Record<string, any> {
    const p = structuredClone(real) as Record<string, any>;
    p.chunk = chunk++;
    change(p);
    return p;
  }

  it('the unaltered job runs (the attacks below differ from it in one thing each)', async () => {
    const r = await attack(altered(() => {}));
    expect(r, worker.stderr()).toEqual({ state: 'completed', reason: '' });
  });

  it('a job naming a module the worker was not started with never imports it, whatever the job says of it', async () => {
    const dir = tempDir('vopa-evil-');
    const marker = join(dir, 'ran');
    const evil = join(dir, 'evil.ts');
    writeFileSync(evil, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'imported');\nconsole.error('ENV ' + JSON.stringify(process.env));\nexport default { name: 'evil', description: '', params: {}, warmup: () => 0, decide() {} };\n`);
    // Its true digest (an intruder can compute it), as a file and as a "built-in"; a relative path, and a data: URL.
    const cases = [
      { source: evil, builtin: false, digest: sha256(evil) },
      { source: evil, builtin: true, digest: sha256(evil) },
      { source: `../../../../../../..${evil}`, builtin: true, digest: sha256(evil) },
      { source: 'data:text/javascript,process.exit(9)', builtin: false, digest: sha256(evil) },
    ];
    for (const strategy of cases) {
      // A run id of its own, as an intruder would make up (no worker has a run of that id loaded).
      const r = await attack(altered((p) => { p.run.strategy = strategy; p.run.runId = `${real.run.runId}-evil${chunk}`; }));
      expect(r.state).toBe('failed');
      expect(r.reason).toMatch(/^worker \S+ refuses run \S+: (strategy file \S+ is not one it was started with|it has no built-in strategy \S+); this worker runs the built-ins and \S+fragile\.ts/);
    }
    expect(existsSync(marker)).toBe(false);
    expect(worker.stderr()).not.toContain('ENV ');
    expect(worker.stderr()).not.toContain(CANARY);
    expect(worker.child.exitCode).toBeNull();
  });

  it('a strategy with a digest other than the worker\'s copy\'s is refused, and a file it does not run is never imported to find out', async () => {
    const dir = tempDir('vopa-evil-');
    const marker = join(dir, 'ran');
    const evil = join(dir, 'evil.ts');
    writeFileSync(evil, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'imported');\nexport default { name: 'evil', description: '', params: {}, warmup: () => 0, decide() {} };\n`);
    const unknown = await attack(altered((p) => { p.run.strategy = { source: evil, builtin: false, digest: `sha256:${'2'.repeat(64)}` }; p.run.runId = `${real.run.runId}-other${chunk}`; }));
    expect(unknown.state).toBe('failed');
    expect(unknown.reason).toMatch(/strategy file \S+evil\.ts is not one it was started with/);
    expect(existsSync(marker)).toBe(false);
    const builtin = await attack(altered((p) => { p.run.strategy.digest = `sha256:${'0'.repeat(64)}`; p.run.runId = `${real.run.runId}-other${chunk}`; }));
    expect(builtin.state).toBe('failed');
    expect(builtin.reason).toMatch(new RegExp(`refuses run \\S+: its copy of strategy vopa differs from the coordinator's \\(${sha256(join(STRATEGIES_DIR, 'vopa.ts'))}, the run's sha256:0{64}\\)`));
    const file = await attack(altered((p) => { p.run.strategy = { source: FRAGILE, builtin: false, digest: `sha256:${'1'.repeat(64)}` }; p.run.runId = `${real.run.runId}-other${chunk}`; }));
    expect(file.reason).toMatch(/its copy of strategy \S+fragile\.ts differs from the coordinator's/);
  });

  it.each([
    ['a value below its minimum', (p: any) => { p.variants[0].params.lookback = 1; }, /variant \d+: parameter lookback=1: lookback must be at least 2$/],
    ['a non-integer', (p: any) => { p.variants[0].params.top = 2.5; }, /variant \d+: parameter top=2\.5: top must be an integer$/],
    ['a number as text', (p: any) => { p.variants[0].params.top = '5'; }, /variant \d+: parameter top=5: top must be an integer$/],
    ['a choice it does not have', (p: any) => { p.variants[0].params.weighting = 'all-in'; }, /parameter weighting=all-in: weighting must be one of equal, inverse-vol$/],
    ['an unknown parameter', (p: any) => { p.variants[0].params.lookbak = 5; }, /parameter lookbak: unknown parameter of strategy vopa \(did you mean lookback\?\)/],
    ['a missing parameter', (p: any) => { delete p.variants[0].params.skip; }, /variant \d+: parameter skip is missing$/],
    ['a broken constraint', (p: any) => { Object.assign(p.variants[0].params, { top: 0, bottom: 0 }); }, /variant \d+: top and bottom cannot both be 0$/],
  ])('parameters are checked as a local run checks them: %s', async (_, change, message) => {
    const r = await attack(altered(change));
    expect(r.state).toBe('failed');
    expect(r.reason).toMatch(/^worker \S+ refuses job \S+\.chunk-\d+: variant \d+: /);
    expect(r.reason).toMatch(message);
  });

  it('the strategy\'s own check against the universe (validate) runs on the worker too', async () => {
    const r = await attack(altered((p) => {
      p.run.runId = `${real.run.runId}-sma${chunk}`;
      p.run.strategy = { source: 'sma-cross', builtin: true, digest: sha256(join(STRATEGIES_DIR, 'sma-cross.ts')) };
      p.variants[0].params = { symbol: 'NOPE', fast: 10, slow: 30 };
    }));
    expect(r.reason).toMatch(/variant \d+: sma-cross: symbol NOPE is not in the universe$/);
  });

  it.each([
    ['a number as text', (p: any) => { p.run.window.season = '2025'; }, 'run.window.season: Invalid input: expected number, received string'],
    ['a field it does not know', (p: any) => { p.run.settings.leverage = 10; }, 'run.settings: Unrecognized key: "leverage"'],
    ['no cash', (p: any) => { p.run.settings.cash = -1; }, 'run.settings.cash: Too small: expected number to be >0'],
    ['a window that ends before it starts', (p: any) => { p.run.window.endDay = p.run.window.startDay - 1; }, 'run.window: the window ends before it starts'],
    ['a run id with a path in it', (p: any) => { p.run.runId = '../../etc/passwd'; }, 'run.runId: not a run id'],
    ['a fingerprint that is not one', (p: any) => { p.run.fingerprint = 'sha256:xyz'; }, 'run.fingerprint: expected sha256:<64 hex digits>'],
    ['a control character in a path', (p: any) => { p.run.data.location = 'x\u001b]0;pwned\u0007'; }, 'run.data.location: control characters are not allowed'],
    ['variants that are not consecutive', (p: any) => { p.variants.push({ id: p.variants[0].id + 2, params: p.variants[0].params }); }, 'variants: variant ids must be consecutive'],
    ['parameters as an array', (p: any) => { p.variants[0].params = [1, 2]; }, 'variants[0].params: Invalid input: expected record, received array'],
    ['a negative chunk', (p: any) => { p.chunk = -1; }, 'chunk: Too small: expected number to be >=0'],
    ['a text parameter too long', (p: any) => { p.variants[0].params.weighting = 'x'.repeat(JOB_LIMITS.text + 1); }, `variants[0].params.weighting: Too big: expected string to have <=${JOB_LIMITS.text} characters`],
  ])('every field is schema-checked before use: %s', async (_, change, message) => {
    const id = `intruder-${chunk}`;
    const r = await attack(altered(change), id);
    expect(r.state).toBe('failed');
    expect(r.reason).toBe(`worker ${worker.stderr().match(/worker (\S+):/)![1]} refuses job ${id}: not a valid backtest chunk: ${message}`);
  });

  it('a job whose id is not the one of its run and chunk is refused', async () => {
    const r = await attack(altered(() => {}), 'some-other-id');
    expect(r.reason).toMatch(/refuses job some-other-id: its id is not the one of run \S+ chunk \d+/);
  });

  it('a job larger than the limit is refused before it is parsed, and so is one with more variants than a job holds', async () => {
    const big = await attack(altered((p) => { p.padding = 'x'.repeat(2 * JOB_LIMITS.bytes); }));
    expect(big.state).toBe('failed');
    expect(big.reason).toMatch(/refuses job \S+: its payload is [\d,]+ bytes, above the limit of 1,048,576$/);
    const many = await attack(altered((p) => {
      p.variants = Array.from({ length: JOB_LIMITS.variants + 1 }, (_, k) => ({ id: k + 1, params: p.variants[0].params }));
    }));
    expect(many.reason).toMatch(/not a valid backtest chunk: variants: Too big: expected array to have <=500 items$/);
  });

  it('a job of another version is refused as such', async () => {
    const r = await attack(altered((p) => { p.v = 99; }));
    expect(r.reason).toMatch(/refuses job \S+: it is not a backtest chunk this version reads \(payload v99, this worker reads v\d+\)/);
    const s = await attack(altered((p) => { p.run.engine = { version: '9.9.9', node: 99 }; }));
    expect(s.reason).toMatch(/refuses run \S+: it runs vopa-backtest \S+ on Node \d+, the coordinator vopa-backtest 9\.9\.9 on Node 99/);
  });

  it('after all that, the worker still runs real jobs, and never printed its environment', async () => {
    const r = await attack(altered(() => {}));
    expect(r.state).toBe('completed');
    expect(worker.stderr()).not.toContain(CANARY);
  });
});

describe('the coordinator sizes its jobs within what a worker accepts', () => {
  const run = (real: Partial<JobPayload['run']> = {}) => ({
    runId: 'r', strategy: { source: 'vopa', builtin: true, digest: `sha256:${'0'.repeat(64)}` }, data: { kind: 'local', location: '/data' },
    window: { season: 2025, startDay: 20_000, endDay: 20_100, warmupBars: 64 }, fill: 'open', settings: { cash: 1e6, fractional: false, commissionBps: 0, slippageBps: 0 },
    fingerprint: `sha256:${'0'.repeat(64)}`, save: [], signals: false, engine: { version: '0.1.0', node: 24 }, ...real,
  }) as JobPayload['run'];

  it('small parameters: the largest chunk; wide ones: as many as fit in the byte limit, every job under it', () => {
    expect(jobCapacity(run(), [{ lookback: 21, top: 5 }])).toBe(JOB_LIMITS.variants);
    const text = 'x'.repeat(JOB_LIMITS.text);
    const wide = Array.from({ length: 1000 }, (_, k) => ({ a: text, b: text, c: text, k }));
    const fit = jobCapacity(run(), wide);
    expect(fit).toBeLessThan(JOB_LIMITS.variants);
    const job = { v: 3, run: run(), plan: `sha256:${'0'.repeat(64)}`, chunk: 99_999, variants: wide.slice(0, fit).map((params, k) => ({ id: 900 + k, params })) };
    expect(Buffer.byteLength(JSON.stringify(job))).toBeLessThanOrEqual(JOB_LIMITS.bytes);
    const over = { ...job, variants: wide.slice(0, fit + 1).map((params, k) => ({ id: 900 + k, params })) };
    expect(Buffer.byteLength(JSON.stringify(over))).toBeGreaterThan(JOB_LIMITS.bytes * 0.99);
  });

  it('parameters a worker would refuse are exit-2 input on the coordinator, before anything is queued', () => {
    expect(() => jobCapacity(run(), [{ a: 1 }, { note: 'x'.repeat(JOB_LIMITS.text + 1) }])).toThrow(`variant 2: its parameters cannot be queued: note: Too big: expected string to have <=${JOB_LIMITS.text} characters`);
    const many = Object.fromEntries(Array.from({ length: JOB_LIMITS.params + 1 }, (_, k) => [`p${k}`, k]));
    expect(() => jobCapacity(run(), [many])).toThrow(/variant 1: its parameters cannot be queued: more than 64 parameters/);
  });
});

describe('backtest worker --strategy', () => {
  it('a file that is not there, or not a strategy, stops the worker at start (exit 2), before it reaches the queue', () => {
    const missing = backtest(['worker', '--queue', 'redis://127.0.0.1:1', '--strategy', 'no/such/file.ts']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('backtest: --strategy no/such/file.ts: no such file\n');
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.ts'), 'export const x = 1;\n');
    const notOne = backtest(['worker', '--queue', 'redis://127.0.0.1:1', '--strategy', join(dir, 'empty.ts')]);
    expect(notOne.code).toBe(2);
    expect(notOne.stderr).toMatch(/^backtest: --strategy \S+empty\.ts: the module has no default export/);
    const unknown = backtest(['worker', '--queue', 'redis://127.0.0.1:1', '--strategy', 'vopaa']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^backtest: --strategy vopaa: not a built-in strategy \(.*vopa.*\) nor a path to a strategy file/);
  });
});
