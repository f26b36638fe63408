import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { requireNumber, SAMPLE_DATA_DIR } from '../../config/run-config.ts';
import { UsageError } from '../../errors.ts';
// BullMQ, ioredis and the Supabase client load when the command runs, not at every start of `backtest`.
import type { SupabaseRest } from '../../supabase/client.ts';
import { DEFAULT_CONNECTIONS, effectiveEnv, hasSupabaseCredentials, loadSupabaseSettings } from '../../supabase/config.ts';
import { EXIT } from '../exit.ts';
import { closeOnInterrupt } from '../../app/interrupt.ts';
import type { CliIO } from '../io.ts';
import { queueTarget } from './queue-options.ts';

/**
 * `backtest worker --queue URL`: runs queued chunks of variants until Ctrl-C (or SIGTERM). It runs
 * only the built-in strategies and the files given with `--strategy` (hashed at start).
 */
export function workerOptions<T>(y: Argv<T>) {
  return y
    .option('queue', { type: 'string', describe: 'the BullMQ queue in Redis: redis://HOST:PORT (a password here shows in ps: prefer the variables)', defaultDescription: '$BACKTEST_QUEUE_URL or the file $BACKTEST_QUEUE_URL_FILE' })
    .option('strategy', { type: 'string', array: true, describe: 'a strategy file this worker may run (repeatable); the built-ins always run, no other file ever does' })
    .option('concurrency', { type: 'string', describe: 'jobs at once, each on its own thread', defaultDescription: 'available cores' })
    .option('data', { type: 'string', describe: "this machine's data folder, for runs that read local data", defaultDescription: 'data/sample' })
    .option('connections', { type: 'string', describe: 'sockets to Supabase at most, for runs that read Supabase', defaultDescription: String(DEFAULT_CONNECTIONS) });
}

type WorkerArgs = Awaited<ReturnType<typeof workerOptions>['argv']> & { verbose?: boolean };

export async function workerCommand(args: WorkerArgs, io: CliIO): Promise<number> {
  const cwd = process.cwd();
  const target = queueTarget(args.queue);
  if (!target) throw new UsageError('backtest worker needs --queue redis://HOST:PORT (or BACKTEST_QUEUE_URL, or BACKTEST_QUEUE_URL_FILE)', 'E_BAD_OPTION');
  const threads = args.concurrency === undefined ? availableParallelism() : Number(args.concurrency);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--concurrency ${args.concurrency}: must be a whole number ≥ 1`, 'E_BAD_OPTION');
  const dataDir = args.data === undefined ? SAMPLE_DATA_DIR : resolve(cwd, args.data);
  if (!existsSync(dataDir)) throw new UsageError(`--data ${args.data}: no such folder`, 'E_BAD_OPTION');
  const connections = args.connections === undefined ? undefined : requireNumber('--connections', args.connections, { positive: true });
  const [{ AllowedStrategies, checkReachable, startQueueWorker }, { SupabaseRest: Rest }] = await Promise.all([import('../../distributed/index.ts'), import('../../supabase/client.ts')]);
  // Hashed, then imported, before the queue is reached: a file that is not a strategy is exit 2 now, not at the first job.
  const strategies = await AllowedStrategies.open(args.strategy ?? [], cwd);
  const version = await checkReachable(target);

  // Opened on the first run that reads Supabase, with this machine's credentials (never the coordinator's).
  let rest: SupabaseRest | undefined;
  const supabase = (): SupabaseRest | string => {
    if (rest) return rest;
    const env = effectiveEnv(cwd);
    if (!hasSupabaseCredentials(env)) return 'no SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY in its environment or .env';
    try {
      rest = Rest.open(loadSupabaseSettings(env, { connections }));
      return rest;
    } catch (err) {
      return (err as Error).message;
    }
  };
  const log = (line: string) => io.stderr(`${line}\n`);
  if (args.queue !== undefined && target.connection().password !== undefined) {
    log('warning: the password in --queue shows in ps and in shell history; set BACKTEST_QUEUE_URL, or BACKTEST_QUEUE_URL_FILE to a file that holds the URL');
  }
  const worker = startQueueWorker({ target, threads, dataDir, strategies, supabase, log, verbose: args.verbose });
  const release = closeOnInterrupt(() => worker.close(true));
  const unwatch = stopWithWrapper(process.env, io.signal, () => log(`worker ${worker.name}: npm, which started it, is gone (a SIGTERM to npx does not reach the worker); stopping as on SIGTERM`));
  const files = strategies.paths;
  log(`worker ${worker.name}: ${threads} thread(s), strategies: the built-ins${files.length ? ` and ${files.join(', ')}` : ''}; local data ${dataDir}, queue ${target.display} (Redis ${version}); waiting for jobs (Ctrl-C stops)`);
  io.setGraceful?.(true);
  try {
    await new Promise<void>((done) => {
      if (!io.signal) return; // no way to stop but a signal: run until the process ends
      if (io.signal.aborted) return done();
      io.signal.addEventListener('abort', () => done(), { once: true });
    });
    log(`worker ${worker.name}: finishing the jobs it is running (Ctrl-C again to quit now; they would run elsewhere)`);
    await worker.close();
  } finally {
    unwatch();
    io.setGraceful?.(false);
    release();
    await rest?.close();
  }
  return EXIT.interrupted;
}

/**
 * A worker started through npm (`npx backtest worker`, `npm exec`, `npm run`) runs under a shell
 * (`sh -c`) that npm starts: a SIGTERM to npm reaches that shell, which dies without passing it on,
 * and the worker would be left running with no parent. So such a worker watches its parent once
 * a second, and when it is gone sends itself the SIGTERM it was meant to get: its running jobs
 * finish, then it exits. (Unless it is already stopping: a Ctrl-C in a terminal reaches the worker
 * and npm alike.) A service manager should run the command itself — `node_modules/.bin/backtest
 * worker …` (README) — whose signals reach the worker directly.
 */
function stopWithWrapper(env: NodeJS.ProcessEnv, stopping: AbortSignal | undefined, say: () => void): () => void {
  if (!env.npm_lifecycle_event) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    if (stopping?.aborted) return;
    say();
    process.kill(process.pid, 'SIGTERM');
  }, 1_000);
  timer.unref();
  return () => clearInterval(timer);
}
