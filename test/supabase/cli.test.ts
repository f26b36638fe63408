import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest, backtestAsync, entries, ROOT, tempDir } from '../support/cli.ts';
import { sampleServer, seeded, serverEnv, TRANSIENT_FAULTS, type PostgrestServer } from '../support/postgrest/index.ts';

const README_RUN = ['2025-10-07', '2026-01-03', '2025'];

/** Every file of a folder, as text. */
function folderText(dir: string): string {
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

function csvRows(file: string): Record<string, string>[] {
  return parse(readFileSync(file), { columns: true }) as Record<string, string>[];
}

describe('backtest --source supabase, upload and doctor, end to end', () => {
  let server: PostgrestServer;
  let localSummary: string;
  let env: Record<string, string>;
  const count = async (table: string, runId: string) =>
    (await server.db.query<{ n: number; d: number }>(`select count(*)::int as n, count(distinct (t.*))::int as d from ${table} t where run_id = $1`, [runId])).rows[0]!;

  beforeAll(async () => {
    server = await sampleServer({ from: '2025-06-01', to: '2026-01-31' });
    env = serverEnv(server);
    const out = tempDir();
    const local = backtest([...README_RUN, '--source', 'local', '--no-upload', '--out', out], { cwd: out });
    expect(local.code, local.stderr).toBe(0);
    localSummary = readFileSync(join(out, entries(out)[0]!, 'summary.csv'), 'utf8');
  });
  afterAll(async () => server?.close());

  /** The README run through Supabase without its upload, then answers slowed so an upload can be stopped midway. */
  async function runNotUploaded() {
    server.reset();
    const out = tempDir();
    const run = await backtestAsync([...README_RUN, '--source', 'supabase', '--no-upload', '--out', out], { cwd: out, env });
    expect(run.code, run.stderr).toBe(0);
    const dir = join(out, entries(out)[0]!);
    server.faults.latencyMs = 40;
    return { out, dir, journal: join(dir, 'upload.journal') };
  }

  it('gives the local summary under 10 % transient faults, uploads every row exactly once, and never shows the key', async () => {
    server.reset();
    server.faults.rate = 0.1;
    server.faults.kinds = TRANSIENT_FAULTS;
    server.faults.random = seeded(7);
    const out = tempDir();
    const r = await backtestAsync([...README_RUN, '--source', 'supabase', '--out', out, '--verbose'], { cwd: out, env });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, entries(out)[0]!);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe(localSummary);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.data.kind).toBe('supabase');
    expect(manifest.supabase.retries).toBeGreaterThan(0);
    expect(manifest.supabase.failures).toBe(0);
    expect(manifest.supabase.sockets_peak).toBeLessThanOrEqual(8);
    expect(r.stderr).toMatch(/supabase 127\.0\.0\.1:\d+: \d+ requests .* retries \(/);
    // The upload, under the same faults: exact row counts, no duplicates, run complete.
    const runId = manifest.run_id as string;
    const run = (await server.db.query<{ status: string; row_counts: Record<string, number> }>(`select status, row_counts from backtest_runs where run_id = $1`, [runId])).rows[0]!;
    expect(run.status).toBe('complete');
    for (const [table, file] of [['backtest_variants', 'summary.csv'], ['backtest_equity', 'equity.csv'], ['backtest_trades', 'trades.csv']] as const) {
      const { n, d } = await count(table, runId);
      expect(n, table).toBe(csvRows(join(dir, file)).length);
      expect(d, table).toBe(n);
    }
    expect(Object.values(server.stats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // The key: nowhere in what the command printed or wrote.
    expect(r.stdout + r.stderr).not.toContain(server.key);
    expect(folderText(dir)).not.toContain(server.key);
  });

  it('a grid uploads as one run with one row per variant, and tables left out by --save are left out', async () => {
    server.reset();
    const out = tempDir();
    const r = await backtestAsync([...README_RUN, '--source', 'supabase', '--grid', 'top=5,10,15', '--grid', 'weighting=equal,inverse-vol', '--save', 'equity', '--workers', '1', '--json', '--out', out], { cwd: out, env });
    expect(r.code, r.stderr).toBe(0);
    const runId = JSON.parse(r.stdout).run_id as string;
    const variants = (await server.db.query<{ variant_id: number; params: Record<string, unknown> }>(`select variant_id, params from backtest_variants where run_id = $1 order by variant_id`, [runId])).rows;
    expect(variants.map((v) => v.variant_id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(variants.map((v) => `${v.params.top}/${v.params.weighting}`)).toEqual(['5/equal', '5/inverse-vol', '10/equal', '10/inverse-vol', '15/equal', '15/inverse-vol']);
    expect((await count('backtest_equity', runId)).n).toBe(6 * 64);
    expect((await count('backtest_trades', runId)).n).toBe(0); // trades.csv not written, so not uploaded
    const run = (await server.db.query<{ status: string }>(`select status from backtest_runs where run_id = $1`, [runId])).rows[0]!;
    expect(run.status).toBe('complete');
  });

  it('a strategy reads another table once, in setup, through the run\'s client', async () => {
    server.reset();
    const out = tempDir();
    const strategy = join(ROOT, 'test/fixtures/strategies/with-setup.ts');
    const r = await backtestAsync([...README_RUN, '--source', 'supabase', '--strategy', strategy, '--no-upload', '--json', '--out', out], { cwd: out, env });
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(JSON.parse(r.stdout).folder, 'manifest.json'), 'utf8'));
    expect(manifest.warnings).toContain('picked via supabase');
    expect(manifest.supabase.sockets_opened).toBeLessThanOrEqual(8);
  });

  it('a strategy that prints ctx.supabase and its client in setup shows the host, never the key', async () => {
    server.reset();
    const out = tempDir();
    const strategy = join(ROOT, 'test/fixtures/strategies/prints-client.ts');
    const r = await backtestAsync([...README_RUN, '--source', 'supabase', '--strategy', strategy, '--no-upload', '--out', out], { cwd: out, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`SupabaseRest { host: '${new URL(server.url).host}', connections: 8 }`);
    expect(r.stdout).toMatch(/SupabaseClient \{/); // the supabase-js client was printed too
    expect(r.stdout + r.stderr).not.toContain(server.key);
  });

  it('a run killed mid-upload leaves complete CSVs; `backtest upload` resumes from the journal to exact counts', async () => {
    const { out, dir, journal } = await runNotUploaded();
    let killedAfter = 0;
    const killed = await backtestAsync(['upload', dir, '--batch-size', '10'], {
      cwd: out,
      env,
      onSpawn: (child) => {
        const timer = setInterval(() => {
          const batches = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"batch"')).length : 0;
          if (batches >= 5) {
            killedAfter = batches;
            child.kill('SIGKILL');
            clearInterval(timer);
          }
        }, 10);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(killed.code).not.toBe(0);
    expect(killedAfter).toBeGreaterThanOrEqual(5);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const runId = manifest.run_id as string;
    expect((await server.db.query<{ status: string }>(`select status from backtest_runs where run_id = $1`, [runId])).rows[0]!.status).toBe('running');
    server.faults.latencyMs = 0;
    const before = server.stats.byMethod.POST ?? 0;
    const resumed = await backtestAsync(['upload', runId, '--out', out], { cwd: out, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/already confirmed/);
    const equityBatches = Math.ceil(csvRows(join(dir, 'equity.csv')).length / 10) + Math.ceil(csvRows(join(dir, 'trades.csv')).length / 10) + 1;
    expect((server.stats.byMethod.POST ?? 0) - before).toBeLessThan(equityBatches + 2); // the confirmed batches were skipped
    expect((await server.db.query<{ status: string }>(`select status from backtest_runs where run_id = $1`, [runId])).rows[0]!.status).toBe('complete');
    for (const [table, file] of [['backtest_variants', 'summary.csv'], ['backtest_equity', 'equity.csv'], ['backtest_trades', 'trades.csv']] as const) {
      const { n, d } = await count(table, runId);
      expect(n, table).toBe(csvRows(join(dir, file)).length);
      expect(d, table).toBe(n);
    }
  });

  it('Ctrl-C during an upload exits 130 quietly with the journal on disk; the next upload finishes it', async () => {
    const { out, dir, journal } = await runNotUploaded();
    const stopped = await backtestAsync(['upload', dir, '--batch-size', '10'], {
      cwd: out,
      env,
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (existsSync(journal) && readFileSync(journal, 'utf8').includes('"batch"')) {
            child.kill('SIGINT');
            clearInterval(timer);
          }
        }, 10);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr.trim()).toBe('backtest: interrupted');
    const confirmed = readFileSync(journal, 'utf8').trim().split('\n').filter((l) => l.includes('"batch"')).length;
    expect(confirmed).toBeGreaterThan(0);
    server.faults.latencyMs = 0;
    const resumed = await backtestAsync(['upload', dir], { cwd: out, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${confirmed} already confirmed`);
  });

  it('a batch refused for good stops with the table and first row; the run is marked failed; the CSVs stay; never more than 2 batches in flight', async () => {
    server.reset();
    const out = tempDir();
    const run = await backtestAsync([...README_RUN, '--source', 'supabase', '--no-upload', '--out', out], { cwd: out, env });
    expect(run.code, run.stderr).toBe(0);
    const dir = join(out, entries(out)[0]!);
    const csvBefore = ['summary.csv', 'equity.csv', 'trades.csv'].map((f) => readFileSync(join(dir, f), 'utf8'));
    await server.db.exec('alter table backtest_trades drop column reason');
    await server.refreshSchema();
    try {
      server.reset();
      server.faults.latencyMs = 10;
      const r = await backtestAsync(['upload', dir, '--batch-size', '20'], { cwd: out, env });
      expect(r.code).toBe(1);
      const runId = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).run_id;
      const firstFill = csvRows(join(dir, 'trades.csv'))[0]!; // its seq is 0: the first fill of its symbol that day
      expect(r.stderr).toContain(
        "backtest: upload to backtest_trades refused at batch 1 (trades.csv rows 1–20): HTTP 400 PGRST204: Could not find the 'reason' column of 'backtest_trades' in the schema cache; " +
          `hint: the table lacks a column: apply the migrations in supabase/migrations; first row (run_id, variant_id, date, symbol, seq) = (${runId}, ${firstFill.variant}, ${firstFill.date}, ${firstFill.symbol}, 0) [E_UPLOAD]\n`,
      );
      expect(r.stderr).not.toContain(server.key);
      expect((await server.db.query<{ status: string }>(`select status from backtest_runs where run_id = $1`, [runId])).rows[0]!.status).toBe('failed');
      expect(['summary.csv', 'equity.csv', 'trades.csv'].map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(csvBefore);
      expect(JSON.parse(readFileSync(join(dir, 'upload.json'), 'utf8'))).toMatchObject({ status: 'failed' });
      expect(server.stats.inFlightPeak).toBeLessThanOrEqual(2);
    } finally {
      await server.db.exec('alter table backtest_trades add column reason text');
      await server.refreshSchema();
    }
  });

  it('doctor: healthy exits 0 and shows the URL, never the key; a refused key exits 1 with the fix', async () => {
    server.reset();
    const cwd = tempDir();
    const ok = await backtestAsync(['doctor'], { cwd, env });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(server.url);
    expect(ok.stdout).toMatch(/row cap: 1,000 rows per request/);
    expect(ok.stdout).toMatch(/burst of 32 concurrent requests: 32 answered, 0 failed/);
    expect(ok.stdout + ok.stderr).not.toContain(server.key);
    // The key from .env (the environment wins when both are set).
    writeFileSync(join(cwd, '.env'), `SUPABASE_URL=${server.url}\nSUPABASE_SERVICE_ROLE_KEY=not-the-key-at-all\n`);
    const bad = await backtestAsync(['doctor'], { cwd, env: { SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' } });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL the key was refused[\s\S]*SUPABASE_SERVICE_ROLE_KEY/);
    expect(bad.stdout + bad.stderr).not.toContain('not-the-key-at-all');
  });

  it('import --to supabase loads prices and a derived universe in batches, idempotently', async () => {
    server.reset();
    const cwd = tempDir();
    const file = join(ROOT, 'test/fixtures/goog-2004-2005.csv');
    const args = ['import', file, '--to', 'supabase', '--batch-size', '50'];
    const first = await backtestAsync(args, { cwd, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/imported 300 price rows of 1 symbol\(s\).* into prices and universe at 127\.0\.0\.1/);
    const again = await backtestAsync(args, { cwd, env }); // the same rows again: replaced, not duplicated
    expect(again.code, again.stderr).toBe(0);
    const { rows } = await server.db.query<{ n: number; seasons: number }>(`select (select count(*)::int from prices where symbol = 'GOOG') as n, (select count(*)::int from universe where symbol = 'GOOG') as seasons`);
    expect(rows[0]).toEqual({ n: 300, seasons: 2 });
    expect(existsSync(join(cwd, '.backtest-import')) ? readdirSync(join(cwd, '.backtest-import')) : []).toEqual([]);
  });

  it('--source supabase without credentials is bad input (exit 2, one line)', () => {
    const cwd = tempDir();
    const r = backtest([...README_RUN, '--source', 'supabase'], { cwd, env: { SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '', SUPABASE_KEY: '', VITE_SUPABASE_URL: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('backtest: Supabase is not configured: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY in the environment or in .env (see README, "Supabase")');
  });
});
