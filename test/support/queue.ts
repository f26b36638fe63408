import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { openDuck, sqlString } from '../../src/source/local/duckdb.ts';
import { afterAll, beforeAll, expect } from 'vitest';
import { backtest, BIN, ROOT, tempDir } from './cli.ts';
import { startRedis, type RedisServer } from './redis.ts';

/** A `backtest worker` process of a queue test, with its stderr kept for assertions. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  /** The exit code, once the process ends. */
  readonly exited: Promise<number | null>;
  /** Resolves with stderr once it matches `pattern` (rejects after `timeoutMs` or when the process ends). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies mid-job, as a machine that loses power. */
  kill(): Promise<void>;
}

/** A worker on `queueUrl` (undefined: no --queue, the URL comes from the environment). */
export function startWorker(queueUrl: string | undefined, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker', ...(queueUrl === undefined ? [] : ['--queue', queueUrl]), '--concurrency', '1', '--verbose', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', BACKTEST_QUEUE_LOCK_MS: '2000', ...env },
  });
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters) w();
  });
  child.stdout.resume();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => { for (const w of waiters) w(); r(code); }));
  return {
    child,
    stderr: () => stderr,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`worker: no ${pattern} within ${timeoutMs} ms; stderr:\n${stderr}`)); }, timeoutMs);
        const check = () => {
          if (pattern.test(stderr)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(stderr);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`worker ended before ${pattern}; stderr:\n${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The files of a run folder that must equal a local run's, byte for byte (those the run has). */
export const RESULT_FILES = ['summary.csv', 'equity.csv', 'exposure.csv', 'trades.csv', 'round_trips.csv', 'diagnostics.csv', 'signals.csv', 'benchmark.csv', 'overfitting.json', 'capacity.csv'] as const;

/** The single run folder under `out`. */
export function runFolder(out: string): string {
  const dirs = readdirSync(out).filter((d) => !d.startsWith('.'));
  if (dirs.length !== 1) throw new Error(`expected one run folder in ${out}, found ${dirs.join(', ') || 'none'}`);
  return join(out, dirs[0]!);
}

export function readResults(dir: string): Record<string, string> {
  return Object.fromEntries(RESULT_FILES.filter((f) => existsSync(join(dir, f))).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/**
 * A copy of the sample market with one close changed (by 1 %) inside `date`'s window: the same
 * universe and calendar, so the only difference a worker can see is the fingerprint.
 */
export async function alteredSampleData(date: string): Promise<string> {
  const dir = tempDir('vopa-other-data-');
  copyFileSync(join(SAMPLE_DATA_DIR, 'universe.parquet'), join(dir, 'universe.parquet'));
  const duck = await openDuck();
  try {
    const source = sqlString(join(SAMPLE_DATA_DIR, 'prices.parquet'));
    await duck.connection.run(`COPY (
      SELECT symbol, date, open, high, low,
        CASE WHEN symbol = (SELECT min(symbol) FROM read_parquet(${source})) AND date = DATE '${date}' THEN close * 1.01 ELSE close END AS close, volume
      FROM read_parquet(${source})) TO ${sqlString(join(dir, 'prices.parquet'))} (FORMAT parquet)`);
  } finally {
    duck.close();
  }
  return dir;
}

/**
 * What a describe block of queue tests shares: a redis-server of its own, the files of `run` made
 * locally (what every distributed run must reproduce), and the workers its tests start (stopped
 * after). Read `redis` and `local` inside tests.
 */
export function queueSuite(run: readonly string[], redisOptions: { password?: string } = {}): { readonly redis: RedisServer; readonly local: Record<string, string>; readonly workers: WorkerProcess[] } {
  let redis: RedisServer | undefined;
  let local: Record<string, string> | undefined;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis(redisOptions);
    const out = tempDir();
    const r = backtest([...run, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    local = readResults(runFolder(out));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
  });
  return {
    get redis() {
      return redis!;
    },
    get local() {
      return local!;
    },
    workers,
  };
}
