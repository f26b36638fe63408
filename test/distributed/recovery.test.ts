import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { backtest, backtestAsync, FIXTURES, tempDir } from '../support/cli.ts';
import { queueSuite, readResults, runFolder, startWorker } from '../support/queue.ts';
import { NO_REDIS_MESSAGE, REDIS_SERVER_BIN, startRedis } from '../support/redis.ts';

if (!REDIS_SERVER_BIN) console.warn(NO_REDIS_MESSAGE);

// A slow test strategy (it spins 10 ms per decision, ~0.6 s a variant): 12 variants in jobs of 2,
// so a job is still running when the test acts on it.
/** Chunks the coordinator has written to its journal (`<out>/.<run-id>.queue/chunk-*.json`). */
function collectedChunks(out: string): number {
  const journal = readdirSync(out).find((f) => f.endsWith('.queue'));
  return journal ? readdirSync(join(out, journal)).filter((f) => /^chunk-\d+\.json$/.test(f)).length : 0;
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the coordinator');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const FRAGILE = join(FIXTURES, 'strategies/fragile.ts');
const RUN = ['2025-10-07', '2025-12-31', '--strategy', FRAGILE, '--grid', 'names=1:12', '--param', 'slowMs=10'];
/** A worker runs a strategy file only when it is started with it. */
const WORKER = ['--strategy', FRAGILE];

const summaryIds = (dir: string) => (parse(readFileSync(join(dir, 'summary.csv')), { columns: true }) as { variant: string }[]).map((r) => Number(r.variant)).sort((a, b) => a - b);

describe.skipIf(!REDIS_SERVER_BIN)('backtest --queue: recovery on a real redis-server', () => {
  const suite = queueSuite(RUN);
  const { workers } = suite;

  it('a worker killed mid-job: its job runs again elsewhere and every variant is in the results exactly once', async () => {
    const url = suite.redis.url(0);
    const out = tempDir();
    const coordinator = backtestAsync([...RUN, '--queue', url, '--chunk-size', '2', '--out', out]);
    const victim = startWorker(url, WORKER);
    workers.push(victim);
    const started = /run \S+ chunk (\d+) \(variants [\d–]+\): started/;
    const chunk = started.exec(await victim.waitFor(started))![1];
    await victim.kill();
    expect(victim.stderr()).not.toMatch(new RegExp(`chunk ${chunk} \\(variants [\\d–]+\\): done`));
    const survivors = [startWorker(url, WORKER), startWorker(url, WORKER)];
    workers.push(...survivors);
    const r = await coordinator;
    expect(r.code, r.stderr).toBe(0);
    const dir = runFolder(out);
    expect(summaryIds(dir)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(readResults(dir)).toEqual(suite.local);
    // The killed worker's chunk was run again by a survivor, after BullMQ found it stalled.
    expect(survivors.map((w) => w.stderr()).join('')).toMatch(new RegExp(`chunk ${chunk} \\(variants [\\d–]+\\): done`));
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.variants_finished).toBe(12);
    expect((manifest.execution.workers as { name: string }[]).map((w) => w.name)).not.toContain(`${victim.stderr().match(/worker (\S+):/)![1]}`);
  });

  it.each([
    ['Ctrl-C', 'SIGINT', 2],
    ['SIGTERM', 'SIGTERM', 3],
  ] as const)('%s on a worker lets its running job finish (its result counts), then it exits 130', async (_, signal, db) => {
    const url = suite.redis.url(db);
    const out = tempDir();
    const coordinator = backtestAsync([...RUN, '--queue', url, '--chunk-size', '2', '--out', out]);
    const leaving = startWorker(url, WORKER);
    workers.push(leaving);
    const started = /run \S+ chunk (\d+) \(variants [\d–]+\): started/;
    const chunk = started.exec(await leaving.waitFor(started))![1];
    leaving.child.kill(signal);
    expect(await leaving.exited).toBe(130);
    expect(leaving.stderr()).toMatch(new RegExp(`chunk ${chunk} \\(variants [\\d–]+\\): done`));
    expect(leaving.stderr()).toMatch(/finishing the jobs it is running/);
    workers.push(startWorker(url, WORKER));
    const r = await coordinator;
    expect(r.code, r.stderr).toBe(0);
    expect(readResults(runFolder(out))).toEqual(suite.local);
  });

  it('Ctrl-C on the coordinator keeps the queue consistent, and --resume finishes the run without redoing chunks', async () => {
    const url = suite.redis.url(1);
    const worker = startWorker(url, WORKER);
    workers.push(worker);
    const out = tempDir();
    let child: ChildProcess | undefined;
    const first = backtestAsync([...RUN, '--queue', url, '--chunk-size', '2', '--json', '--out', out], { onSpawn: (c) => { child = c; } });
    // Interrupt once the coordinator holds two chunks in its journal (not merely once a worker says
    // it finished one: the coordinator may not have collected it yet).
    await until(() => collectedChunks(out) >= 2);
    child!.kill('SIGINT');
    const a = await first;
    expect(a.code, a.stderr).toBe(130);
    const runId = JSON.parse(a.stdout).run_id as string;
    expect(a.stderr).toContain(`resume with: backtest ${RUN.join(' ')} --queue ${url} --chunk-size 2 --json --out ${out} --resume ${runId}`);
    const partial = JSON.parse(readFileSync(join(out, runId, 'manifest.json'), 'utf8'));
    expect(partial.status).toBe('partial');
    expect(partial.variants_finished).toBeGreaterThanOrEqual(4);
    expect(partial.variants_finished).toBeLessThan(12);
    // Nothing of the run waits in the queue: jobs not started were withdrawn (the one running may finish).
    const client = suite.redis.client(1);
    expect(await client.llen('bull:backtest:wait')).toBe(0);
    expect(existsSync(join(out, `.${runId}.queue`, 'run.json'))).toBe(true);

    // Its chunks are numbered by their size: another --chunk-size is refused before anything runs.
    const other = backtest([...RUN, '--queue', url, '--chunk-size', '3', '--out', out, '--resume', runId]);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(`backtest: --resume ${runId}: the run has chunks of 2 variants, not 3; leave out --chunk-size (or give 2)\n`);

    const b = await backtestAsync([...RUN, '--queue', url, '--chunk-size', '2', '--json', '--out', out, '--resume', runId]);
    expect(b.code, b.stderr).toBe(0);
    const dir = join(out, runId);
    expect(summaryIds(dir)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(readResults(dir)).toEqual(suite.local);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    expect(manifest.execution.resumed).toBe(true);
    expect(manifest.execution.chunks_from_journal).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(out, `.${runId}.queue`))).toBe(false);
    // Each chunk ran once: those in the journal were not queued again.
    const done = [...worker.stderr().matchAll(/chunk (\d+) \(variants [\d–]+\): done/g)].map((m) => m[1]);
    expect(new Set(done).size).toBe(done.length);
    // A complete run cannot be resumed again.
    const c = backtest([...RUN, '--queue', url, '--out', out, '--resume', runId]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/already complete/);
  });

  it('a Redis that goes away for longer than the outage limit ends the run (exit 1) with the journal kept and how to resume', async () => {
    const own = await startRedis(); // a server of its own, to stop
    const url = own.url(0);
    const worker = startWorker(url, WORKER);
    workers.push(worker);
    const out = tempDir();
    const run = backtestAsync([...RUN, '--queue', url, '--chunk-size', '2', '--out', out], { env: { BACKTEST_QUEUE_OUTAGE_MS: '3000' } });
    await until(() => collectedChunks(out) >= 1);
    const stoppedAt = Date.now();
    await own.stop();
    const r = await run;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/\[E_QUEUE_UNREACHABLE\]/);
    expect(r.stderr).toMatch(/the chunks finished so far are kept; once the cause is fixed, resume with: .* --resume \S+/);
    // Given up after the limit, not at the first error nor after ioredis's minutes of retries.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(3000);
    expect(Date.now() - stoppedAt).toBeLessThan(60_000);
    expect(collectedChunks(out)).toBeGreaterThanOrEqual(1);
  });
});
