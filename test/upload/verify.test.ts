import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importToSupabase } from '../../src/source/import/to-supabase.ts';
import { isoDate } from '../../src/util/dates.ts';
import { uploadRun } from '../../src/upload/index.ts';
import { tempDir } from '../support/cli.ts';
import { clientFor, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';
import { writeRunFolder } from '../support/run-folder.ts';

/**
 * Issue 18, defect 2: a journal is a claim about the server, checked before it is believed. Each
 * test makes the server lose rows the journal confirms — a reset project, a restore during an
 * upload, a server that drops rows — and the upload must either send them again or fail; it may
 * never mark a run complete over missing rows.
 */
let server: PostgrestServer;
beforeAll(async () => {
  server = await startPostgrest();
});
afterAll(async () => server?.close());

async function stored(runId: string) {
  const n = async (table: string) => (await server.db.query<{ n: number }>(`select count(*)::int as n from ${table} where run_id = $1`, [runId])).rows[0]!.n;
  const status = (await server.db.query<{ status: string }>('select status from backtest_runs where run_id = $1', [runId])).rows[0]?.status;
  return { status, variants: await n('backtest_variants'), equity: await n('backtest_equity'), trades: await n('backtest_trades') };
}

/** The project loses a run's rows, as a restored backup or a reset test project would. */
async function lose(runId: string, tables = ['backtest_trades', 'backtest_equity', 'backtest_variants']): Promise<void> {
  for (const t of tables) await server.db.query(`delete from ${t} where run_id = $1`, [runId]);
}

async function upload(dir: string, notices: string[] = []) {
  const rest = clientFor(server, 2);
  try {
    return await uploadRun(rest, dir, { batchSize: 50, notice: (l) => notices.push(l) });
  } finally {
    await rest.close();
  }
}

describe('an upload checks its journal against the server', () => {
  it('re-uploading a complete run whose rows the server lost sends them again before marking it complete', async () => {
    const { dir, runId, rows } = await writeRunFolder(tempDir());
    await upload(dir);
    expect(await stored(runId)).toEqual({ status: 'complete', ...rows });
    await lose(runId);
    const notices: string[] = [];
    const report = await upload(dir, notices);
    expect(notices).toEqual([
      `${join(dir, 'upload.journal')} confirms rows the server does not hold (backtest_variants: 0 of 2 rows, backtest_equity: 0 of 60 rows, backtest_trades: 0 of 120 rows): discarding the journal, every batch is sent again`,
    ]);
    expect(report).toMatchObject({ status: 'complete', batchesSkipped: 0, resumed: false, batchesSent: 1 + 2 + 3 });
    expect(await stored(runId)).toEqual({ status: 'complete', ...rows });
    // The journal was started afresh: its batches are those of the second upload.
    const lines = readFileSync(join(dir, 'upload.journal'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual(['start', ...Array(6).fill('batch'), 'complete']);
  });

  it('a resumed upload whose journal the server bears out skips the confirmed batches (and still counts before calling it complete)', async () => {
    const { dir, runId, rows } = await writeRunFolder(tempDir());
    // The first upload stops at the trades: variants and equity are confirmed.
    server.reset();
    server.faults.applies = (req) => req.method === 'POST' && (req.url ?? '').includes('/backtest_trades');
    server.faults.rate = 1;
    server.faults.kinds = ['57014'];
    await expect(upload(dir)).rejects.toThrow(/57014/);
    server.reset();
    expect(await stored(runId)).toEqual({ status: 'failed', variants: 2, equity: 60, trades: 0 });
    const heads = () => server.stats.byMethod.HEAD ?? 0;
    const report = await upload(dir);
    expect(report).toMatchObject({ status: 'complete', batchesSkipped: 1 + 2, batchesSent: 3, resumed: true });
    expect(heads()).toBe(2 + 3); // variants and equity before skipping them; every table before marking it complete
    expect(await stored(runId)).toEqual({ status: 'complete', ...rows });
  });

  it('rows lost while their batches were skipped are found before the run is marked complete, and sent again', async () => {
    const { dir, runId, rows } = await writeRunFolder(tempDir());
    server.reset();
    server.faults.applies = (req) => req.method === 'POST' && (req.url ?? '').includes('/backtest_trades');
    server.faults.rate = 1;
    server.faults.kinds = ['57014'];
    await expect(upload(dir)).rejects.toThrow(/57014/);
    server.reset();
    // When the trades arrive, the project loses the equity rows once (a restore from before the upload).
    await server.db.exec(`
      create table lose_once (x int); insert into lose_once values (1);
      create function lose_equity() returns trigger language plpgsql as $$
        begin if exists (select 1 from lose_once) then delete from lose_once; delete from backtest_equity; end if; return null; end $$;
      create trigger lose_equity after insert on backtest_trades for each statement execute function lose_equity();`);
    try {
      const notices: string[] = [];
      const report = await upload(dir, notices);
      expect(notices).toEqual([
        `after skipping the batches ${join(dir, 'upload.journal')} confirms, the server holds fewer rows than the files (backtest_equity: 0 of 60 rows): discarding the journal, every batch is sent again`,
      ]);
      expect(report.status).toBe('complete');
      expect(await stored(runId)).toEqual({ status: 'complete', ...rows });
    } finally {
      await server.db.exec('drop trigger lose_equity on backtest_trades; drop function lose_equity(); drop table lose_once;');
    }
  });

  it('a server that drops rows it confirmed: the upload fails, the run is marked failed, never complete', async () => {
    const { dir, runId } = await writeRunFolder(tempDir());
    await server.db.exec(`
      create function drop_one_day() returns trigger language plpgsql as $$
        begin if new.date = date '2025-01-05' then return null; end if; return new; end $$;
      create trigger drop_one_day before insert on backtest_equity for each row execute function drop_one_day();`);
    try {
      const err = await upload(dir).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'E_UPLOAD', table: 'backtest_equity' });
      expect((err as Error).message).toBe(`run ${runId}: every batch was sent and confirmed, yet the server holds backtest_equity: 58 of 60 rows; something removed rows during the upload — run it again`);
      expect((await stored(runId)).status).toBe('failed');
      expect(JSON.parse(readFileSync(join(dir, 'upload.json'), 'utf8'))).toMatchObject({ status: 'failed', run_row: 'failed' });
    } finally {
      await server.db.exec('drop trigger drop_one_day on backtest_equity; drop function drop_one_day();');
    }
  });

  it('rows of the run that the folder does not have: the counts cannot be made true, so the upload fails', async () => {
    const { dir, runId } = await writeRunFolder(tempDir());
    await upload(dir);
    await server.db.query(`insert into backtest_equity (run_id, variant_id, date, equity) values ($1, 9, '2030-01-01', 1)`, [runId]);
    const err = await upload(dir).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `backtest_equity holds 61 rows of run ${runId}, but equity.csv has 60: the server has rows of this run that the folder does not (uploaded from another copy of it?); ` +
        `delete the run's rows (delete from backtest_equity where run_id = '${runId}') and upload again`,
    );
    expect((await stored(runId)).status).toBe('failed');
  });
});

describe('an import checks its journal against the project', () => {
  it('an interrupted import resumed after the project lost its rows sends every row again', async () => {
    const cwd = tempDir();
    const file = join(cwd, 'LOST.csv');
    // A second symbol that PostgREST's in.(…) would need escaped: it is counted on its own.
    const odd = 'Q"U,O(T)E';
    const rows = (cell: string) => Array.from({ length: 100 }, (_, k) => `${cell},${isoDate(19_000 + k)},${10 + k}`);
    writeFileSync(file, `symbol,date,close\n${[...rows('LOST'), ...rows('"Q""U,O(T)E"')].join('\n')}\n`);
    // Two batches of prices get in, then every batch is refused: the journal stays behind.
    let posts = 0;
    server.reset();
    server.faults.applies = (req) => req.method === 'POST' && (req.url ?? '').includes('/prices') && ++posts > 2;
    server.faults.rate = 1;
    server.faults.kinds = ['57014'];
    const first = clientFor(server, 1);
    await expect(importToSupabase(first, { files: [file], batchSize: 50, cwd })).rejects.toThrow(/57014/);
    await first.close();
    server.reset();
    const count = async () => (await server.db.query<{ n: number }>(`select count(*)::int as n from prices where symbol in ('LOST', $1)`, [odd])).rows[0]!.n;
    expect(await count()).toBe(100);
    // The project is reset meanwhile.
    await server.db.query(`delete from prices where symbol in ('LOST', $1)`, [odd]);
    await server.db.query(`delete from universe where symbol in ('LOST', $1)`, [odd]);
    const notices: string[] = [];
    const second = clientFor(server, 1);
    try {
      const report = await importToSupabase(second, { files: [file], batchSize: 50, cwd, notice: (l) => notices.push(l) });
      expect(report.rows).toBe(200);
    } finally {
      await second.close();
    }
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/upload\.journal confirms rows the server does not hold \(universe: 0 of 2 rows, prices: 0 of 100 rows\): discarding the journal, every batch is sent again$/);
    expect(await count()).toBe(200);
    // A third run of the same import (its journal removed when it completed) finds every row: no notice.
    const third = clientFor(server, 1);
    const quiet: string[] = [];
    try {
      await importToSupabase(third, { files: [file], batchSize: 50, cwd, notice: (l) => quiet.push(l) });
    } finally {
      await third.close();
    }
    expect(quiet).toEqual([]);
  });
});
