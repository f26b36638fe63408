import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.ts';
import { NO_REDIS_MESSAGE, REDIS_SERVER_BIN, startRedis, type RedisServer } from '../support/redis.ts';

if (!REDIS_SERVER_BIN) console.warn(NO_REDIS_MESSAGE);

/**
 * A worker run as a service: a service manager stops it with SIGTERM to the process it started.
 * Through `npx`, that process is npm, which passes the signal to the shell it runs the command in
 * (`sh -c`), not to the worker; run directly (`node_modules/.bin/backtest worker`, as the README's
 * systemd unit does), it is the worker itself. Either way the worker must stop — its jobs
 * finished — and nothing may be left running.
 */
const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
const NPX = spawnSync('sh', ['-c', 'command -v npx'], { encoding: 'utf8', env: { ...process.env, PATH } }).stdout.trim();

/** True while a process exists and is not a zombie waiting for its new parent to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** A command started as a service manager would, its stderr kept, and the worker's own pid from its first line. */
function service(command: string, args: readonly string[], cwd: string): { child: ChildProcess; stderr: () => string; worker: Promise<number>; closed: Promise<number | null> } {
  const child = spawn(command, args, { cwd, env: { ...process.env, PATH, NO_COLOR: '1', BACKTEST_QUEUE_URL: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  // 'close': every holder of the stderr pipe is gone — npm and the worker it started alike.
  const closed = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const worker = new Promise<number>((resolve, reject) => {
    const look = () => {
      const m = /worker [^\s:]+:(\d+): .*waiting for jobs/.exec(stderr);
      if (m) return resolve(Number(m[1]));
      if (child.exitCode !== null) return reject(new Error(`ended before it waited for jobs:\n${stderr}`));
      setTimeout(look, 50);
    };
    look();
  });
  return { child, stderr: () => stderr, worker, closed };
}

describe.skipIf(!REDIS_SERVER_BIN)('backtest worker under a service manager: SIGTERM stops it', () => {
  let redis: RedisServer;
  const started: number[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    // A worker this test left running (the failure it guards against) is stopped by its pid.
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await redis?.stop();
  });

  it('node_modules/.bin/backtest worker (the command a unit should run): the signal reaches the worker itself, which exits 130', async () => {
    // A project that installed vopa-backtest: node_modules/.bin/backtest links to the package's bin.
    const app = tempDir('vopa-app-');
    mkdirSync(join(app, 'node_modules/.bin'), { recursive: true });
    symlinkSync(ROOT, join(app, 'node_modules/vopa-backtest'));
    symlinkSync('../vopa-backtest/bin/backtest.js', join(app, 'node_modules/.bin/backtest'));
    const s = service(join(app, 'node_modules/.bin/backtest'), ['worker', '--queue', redis.url(0), '--concurrency', '1', '--data', join(ROOT, 'data/sample')], app);
    const pid = await s.worker;
    started.push(pid);
    expect(pid).toBe(s.child.pid); // no wrapper between the service manager and the worker
    s.child.kill('SIGTERM');
    const code = await s.closed;
    expect(code, s.stderr()).toBe(130);
    expect(s.stderr()).toMatch(/finishing the jobs it is running/);
    expect(alive(pid)).toBe(false);
  });

  it.skipIf(!NPX || !existsSync(NPX))('npx backtest worker: SIGTERM to npx still stops the worker, as a SIGTERM to it does, and leaves nothing running', async () => {
    const s = service(NPX, ['backtest', 'worker', '--queue', redis.url(1), '--concurrency', '1'], ROOT);
    const pid = await s.worker;
    started.push(pid);
    expect(pid).not.toBe(s.child.pid); // npm, then a shell, then the worker
    s.child.kill('SIGTERM');
    const gone = await until(() => !alive(pid), 20_000);
    expect(gone, `the worker (pid ${pid}) outlived npx; stderr:\n${s.stderr()}`).toBe(true);
    await s.closed;
    expect(s.stderr()).toMatch(/npm, which started it, is gone \(a SIGTERM to npx does not reach the worker\); stopping as on SIGTERM/);
    expect(s.stderr()).toMatch(/finishing the jobs it is running/);
  });
});
