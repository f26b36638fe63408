import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadRun, upsertBatches } from '../../src/upload/index.ts';
import { tempDir } from '../support/cli.ts';
import { loadSupabaseSettings, SupabaseRest, SupabaseUnavailableError } from '../../src/supabase/index.ts';
import { clientFor, serverEnv, startPostgrest, twoProjects, type PostgrestServer } from '../support/postgrest/index.ts';
import { writeRunFolder } from '../support/run-folder.ts';

/** Row counts of a run in a server's results tables, and its status. */
async function stored(server: PostgrestServer, runId: string) {
  const n = async (table: string) => (await server.db.query<{ n: number }>(`select count(*)::int as n from ${table} where run_id = $1`, [runId])).rows[0]!.n;
  const status = (await server.db.query<{ status: string }>('select status from backtest_runs where run_id = $1', [runId])).rows[0]?.status;
  return { status, variants: await n('backtest_variants'), equity: await n('backtest_equity'), trades: await n('backtest_trades') };
}

describe('uploadRun', () => {
  const projects = twoProjects();

  it('a folder uploaded to one project, then to another, sends every row to the second (the journal is per project)', async () => {
    const { dir, runId, rows } = await writeRunFolder(tempDir());
    const toA = clientFor(projects.a, 4);
    try {
      await uploadRun(toA, dir, { batchSize: 50 });
    } finally {
      await toA.close();
    }
    expect(await stored(projects.a, runId)).toEqual({ status: 'complete', ...rows });
    const notices: string[] = [];
    const toB = clientFor(projects.b, 4);
    try {
      const report = await uploadRun(toB, dir, { batchSize: 50, notice: (l) => notices.push(l) });
      expect(report.batchesSkipped).toBe(0);
    } finally {
      await toB.close();
    }
    expect(await stored(projects.b, runId)).toEqual({ status: 'complete', ...rows });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`was written for ${new URL(projects.a.url).host}, this upload goes to ${new URL(projects.b.url).host}`);
  });

  it('streams a trades.csv of 200,000 rows: exact counts, every fill numbered, no duplicate', async () => {
    const { dir, runId, rows } = await writeRunFolder(tempDir(), { trades: 200_000 });
    const rest = clientFor(projects.b, 4);
    try {
      const report = await uploadRun(rest, dir); // batches of 500
      expect(report.rows).toEqual({ backtest_variants: 2, backtest_equity: 60, backtest_trades: 200_000 });
    } finally {
      await rest.close();
    }
    expect(await stored(projects.b, runId)).toEqual({ status: 'complete', ...rows });
    // 50 fills per (variant, date), five symbols twice: seq 1 for those five.
    const { rows: seq } = await projects.b.db.query<{ seq: number; n: number }>(`select seq, count(*)::int as n from backtest_trades where run_id = $1 group by seq order by seq`, [runId]);
    expect(seq).toEqual([{ seq: 0, n: 200_000 * 45 / 50 }, { seq: 1, n: 200_000 * 5 / 50 }]);
  }, 240_000);

  it('refuses a trades.csv whose fills of one (variant, date) are not together, before a key could repeat', async () => {
    const { dir } = await writeRunFolder(tempDir(), { trades: 120 });
    const file = join(dir, 'trades.csv');
    const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, `${[header, ...lines.slice(0, 10), lines[60], ...lines.slice(10, 60), ...lines.slice(61)].join('\n')}\n`);
    const rest = clientFor(projects.b, 2);
    try {
      const err = await uploadRun(rest, dir, { batchSize: 50 }).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'E_BAD_RUN' });
      expect((err as Error).message).toMatch(/trades\.csv line 13: the fills of variant 1 on 2025-01-01 are not together/);
    } finally {
      await rest.close();
    }
  });

  const quickBreaker = { retry: { maxAttempts: 50, baseDelayMs: 1, maxDelayMs: 2 }, breaker: { threshold: 3, minOutageMs: 0 } };

  it('when the breaker opens during an upload, the run row is still marked failed (one attempt past the breaker)', async () => {
    const { dir, runId } = await writeRunFolder(tempDir());
    projects.b.reset();
    projects.b.faults.applies = (req) => (req.url ?? '').includes('/backtest_equity');
    projects.b.faults.rate = 1;
    projects.b.faults.kinds = ['503'];
    const rest = clientFor(projects.b, 2, quickBreaker);
    try {
      const err = await uploadRun(rest, dir, { batchSize: 20 }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(SupabaseUnavailableError);
    } finally {
      await rest.close();
      projects.b.reset();
    }
    expect((await stored(projects.b, runId)).status).toBe('failed');
    expect(JSON.parse(readFileSync(join(dir, 'upload.json'), 'utf8'))).toMatchObject({ status: 'failed', run_row: 'failed' });
  });

  it('when even that attempt fails, upload.json and a notice say the run row still reads running', async () => {
    const { dir, runId } = await writeRunFolder(tempDir());
    const down = await startPostgrest({ db: projects.b.db });
    const url = down.url;
    await down.close();
    const rest = SupabaseRest.open(loadSupabaseSettings({ ...serverEnv(projects.b), SUPABASE_URL: url }), quickBreaker);
    const notices: string[] = [];
    try {
      expect(await uploadRun(rest, dir, { notice: (l) => notices.push(l) }).catch((e: Error) => e)).toBeInstanceOf(SupabaseUnavailableError);
    } finally {
      await rest.close();
    }
    const written = JSON.parse(readFileSync(join(dir, 'upload.json'), 'utf8'));
    expect(written.run_row).toMatch(/^still running: it could not be marked failed \(mark run failed in backtest_runs: no answer after 1 attempt\(s\): .*ECONNREFUSED/);
    expect(notices).toEqual([`run ${runId} in backtest_runs is ${written.run_row}`]);
  });

  it('a refused batch is one line: table, batch, its rows, the server\'s words (an HTML page as its text), the key of its first row', async () => {
    const rest = clientFor(projects.b, 1, { retry: { maxAttempts: 1 } });
    const job = (rows: Record<string, unknown>[]) => ({ table: 'universe', key: 'universe', file: 'universe.csv', primaryKey: ['season', 'symbol'], rows });
    const row = (season: number | null, symbol: string) => ({ season, symbol, peer_group: 'g', name: null });
    try {
      // A CDN's HTML error page on the second batch.
      projects.b.reset();
      let posts = 0;
      projects.b.faults.applies = (req) => req.method === 'POST' && ++posts === 2;
      projects.b.faults.next.push('520');
      const html = await upsertBatches(rest, job(['A', 'B', 'C', 'D', 'E'].map((s) => row(2031, s))), { batchSize: 2, concurrency: 1 }).catch((e: Error) => e);
      expect(html).toMatchObject({ code: 'E_UPLOAD', table: 'universe' });
      expect((html as Error).message).toBe(
        'upload to universe refused at batch 2 (universe.csv rows 3–4): HTTP 520: 520: Web server is returning an unknown error Cloudflare Ray ID: 8f0e1d2c3b4a5968; ' +
          'first row (season, symbol) = (2031, C)',
      );
      expect(projects.b.stats.requests).toBe(2); // the third batch never went
      // Postgres refuses a row of the last batch, of one row.
      projects.b.reset();
      const refused = await upsertBatches(rest, job([row(2032, 'A'), row(2032, 'B'), row(null, 'E')]), { batchSize: 2, concurrency: 1 }).catch((e: Error) => e);
      expect((refused as Error).message).toMatch(/^upload to universe refused at batch 2 \(universe\.csv row 3\): HTTP 400 23502: null value in column "season" .*; first row \(season, symbol\) = \(null, E\)$/);
    } finally {
      await rest.close();
      projects.b.reset();
    }
  });

  it('every upsert says Prefer: return=minimal (no rows echoed back), merging rows or keeping those already there', async () => {
    const { dir } = await writeRunFolder(tempDir());
    projects.b.reset();
    const prefers = new Set<string>();
    projects.b.faults.applies = (req) => {
      if (req.method === 'POST') prefers.add(String(req.headers.prefer));
      return false;
    };
    const rest = clientFor(projects.b, 2);
    try {
      await uploadRun(rest, dir, { batchSize: 50 }); // the run row and every batch
      expect([...prefers]).toEqual(['resolution=merge-duplicates,return=minimal']);
      prefers.clear();
      const job = { table: 'universe', key: 'universe', file: 'universe.csv', primaryKey: ['season', 'symbol'], rows: [{ season: 2033, symbol: 'K', peer_group: 'g', name: null }], keepExisting: true };
      await upsertBatches(rest, job, { batchSize: 10, concurrency: 1 });
      expect([...prefers]).toEqual(['resolution=ignore-duplicates,return=minimal']);
    } finally {
      await rest.close();
      projects.b.reset();
    }
  });

  it('upsertBatches refuses a batch size that is not a whole number ≥ 1, before any request', async () => {
    const rest = clientFor(projects.b, 1);
    projects.b.reset();
    try {
      for (const batchSize of [0.5, 0, -1, Number.NaN]) {
        const job = { table: 'backtest_equity', key: 'equity', file: 'equity.csv', primaryKey: ['run_id'], rows: [{ run_id: 'x' }] };
        await expect(upsertBatches(rest, job, { batchSize, concurrency: 1 })).rejects.toMatchObject({ code: 'E_BATCH_SIZE' });
      }
    } finally {
      await rest.close();
    }
    expect(projects.b.stats.requests).toBe(0);
  });
});
