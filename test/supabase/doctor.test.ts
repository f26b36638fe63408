import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSupabaseSettings } from '../../src/supabase/config.ts';
import { compressionFinding, runDoctor } from '../../src/supabase/doctor.ts';
import { METRIC_COLUMNS, TABLE_COLUMNS } from '../../src/supabase/schema.ts';
import { readRunFolder, runRow } from '../../src/upload/run-rows.ts';
import { backtestAsync, tempDir } from '../support/cli.ts';
import { sampleServer, serverEnv, type PostgrestServer } from '../support/postgrest/index.ts';
import { writeRunFolder } from '../support/run-folder.ts';

describe('backtest doctor', () => {
  let server: PostgrestServer;
  beforeAll(async () => {
    server = await sampleServer({ from: '2025-12-01', to: '2025-12-31' });
  });
  afterAll(async () => server?.close());

  const findingOf = async (table: string) => {
    const report = await runDoctor(loadSupabaseSettings(serverEnv(server), { connections: 2 }));
    return { report, finding: report.findings.find((f) => f.what.startsWith(`table ${table}:`)) };
  };

  it('finds any metric column missing from backtest_variants, not only the first few', async () => {
    expect((await findingOf('backtest_variants')).finding?.what).toBe('table backtest_variants: present with its columns');
    for (const column of ['calmar', METRIC_COLUMNS.at(-1)!]) {
      await server.db.exec(`alter table backtest_variants drop column ${column}`);
      await server.refreshSchema();
      try {
        const { finding, report } = await findingOf('backtest_variants');
        expect(finding?.what).toMatch(new RegExp(`table backtest_variants: a column is missing \\(column "${column}" does not exist.*\\(needed to upload results\\)$`));
        expect(finding?.ok).toBe(false); // an upload would fail: never ok (issue 18, defect 6)
        expect(report.ok).toBe(false);
        expect(finding?.fix).toMatch(/^apply the latest supabase\/migrations\/20250102000000_backtest_results\.sql to the project/);
      } finally {
        await server.db.exec(`alter table backtest_variants add column ${column} double precision`);
        await server.refreshSchema();
      }
    }
  });

  it('says whether answers come compressed: a page of the row-cap probe, as it came; uncompressed, a warning (still healthy)', async () => {
    const compressionOf = (report: Awaited<ReturnType<typeof runDoctor>>) => report.findings.find((f) => /^answers (not )?compressed:/.test(f.what));
    const compressed = compressionOf(await runDoctor(loadSupabaseSettings(serverEnv(server), { connections: 2 })));
    expect(compressed).toEqual({ ok: true, what: expect.stringMatching(/^answers compressed: a page of 1,000 rows came as \d+ B for [\d.]+ KiB of JSON \([\d.]+ %\)$/) });
    server.compression = 'none';
    try {
      const report = await runDoctor(loadSupabaseSettings(serverEnv(server), { connections: 2 }));
      expect(report.ok).toBe(true);
      expect(compressionOf(report)).toEqual({
        ok: true, warn: true,
        what: expect.stringMatching(/^answers not compressed: a page of 1,000 rows came as ([\d.]+) KiB for \1 KiB of JSON \(100\.0 %\), though brotli and gzip were asked for$/),
        fix: expect.stringMatching(/^Supabase compresses its answers; in front of a self-hosted PostgREST, a proxy that compresses application\/json/),
      });
    } finally {
      server.compression = 'all';
    }
    // by hand: a page too small to tell says nothing; 12 % smaller on the wire is compressed, 5 % is not (10 % is the line)
    expect(compressionFinding(4_095, 100, 200)).toBeUndefined();
    expect(compressionFinding(10_240, 9_000, 500)?.what).toBe('answers compressed: a page of 500 rows came as 8.8 KiB for 10.0 KiB of JSON (87.9 %)');
    expect(compressionFinding(24_576, 412, 1_000)?.what).toBe('answers compressed: a page of 1,000 rows came as 412 B for 24.0 KiB of JSON (1.7 %)');
    expect(compressionFinding(10_240, 9_728, 500)?.warn).toBe(true);
  });

  it('the compact read without its one-sort body (the later migration): a warning naming that migration, still healthy', async () => {
    const compactOf = (report: Awaited<ReturnType<typeof runDoctor>>) => report.findings.find((f) => f.what.startsWith('compact bulk read:'));
    expect(compactOf(await runDoctor(loadSupabaseSettings(serverEnv(server), { connections: 2 })))).toEqual({ ok: true, what: expect.stringMatching(/^compact bulk read: installed \(/) });
    await server.db.exec('alter function backtest_prices_window_one_sort(text, text[], date, date) rename to backtest_prices_window_one_sort_gone');
    await server.refreshSchema();
    try {
      const report = await runDoctor(loadSupabaseSettings(serverEnv(server), { connections: 2 }));
      expect(report.ok).toBe(true);
      expect(compactOf(report)).toEqual({
        ok: true, warn: true,
        what: 'compact bulk read: installed, without its one-sort body (function backtest_prices_window_one_sort is missing): on Postgres 15 each call sorts a symbol\'s rows six times, about 1.5 × the server time',
        fix: 'apply supabase/migrations/20261130000000_window_one_sort.sql to the project',
      });
    } finally {
      await server.db.exec('alter function backtest_prices_window_one_sort_gone(text, text[], date, date) rename to backtest_prices_window_one_sort');
      await server.refreshSchema();
    }
  });

  it('a missing universe table is one FAIL among the findings: the other tables, the row cap and the burst are still checked', async () => {
    await server.db.exec('alter table universe rename to universe_gone');
    await server.refreshSchema();
    try {
      const report = await runDoctor(loadSupabaseSettings(serverEnv(server), { connections: 2 }));
      expect(report.ok).toBe(false);
      expect(report.findings.filter((f) => !f.ok)).toEqual([
        { ok: false, what: 'table universe: missing (needed to read prices)', fix: 'apply supabase/migrations/20250101000000_prices_universe.sql to the project (supabase db push, or paste it into the SQL editor)' },
      ]);
      const what = report.findings.map((f) => f.what);
      expect(what[1]).toMatch(/^reached 127\.0\.0\.1:\d+: /);
      for (const table of ['prices', 'backtest_runs', 'backtest_variants', 'backtest_equity', 'backtest_trades', 'backtest_diagnostics']) {
        expect(what).toContain(`table ${table}: present with its columns`);
      }
      expect(what).toContain('row cap: 1,000 rows per request (PostgREST max-rows); reads page through it');
      expect(what.at(-1)).toMatch(/^burst of 8 concurrent requests: 8 answered, 0 failed, 0 retried; /); // 4 × 2 connections, on prices
    } finally {
      await server.db.exec('alter table universe_gone rename to universe');
      await server.refreshSchema();
    }
  });

  it('with every results table missing, `backtest doctor` exits 1 and names the migration that creates them (issue 18, defect 6)', async () => {
    const results = ['backtest_diagnostics', 'backtest_trades', 'backtest_equity', 'backtest_variants', 'backtest_runs'];
    for (const t of results) await server.db.exec(`alter table ${t} rename to ${t}_gone`);
    await server.refreshSchema();
    try {
      const r = await backtestAsync(['doctor', '--connections', '2'], { env: serverEnv(server), cwd: tempDir() });
      expect(r.code, r.stdout).toBe(1);
      for (const t of results) {
        expect(r.stdout).toContain(`FAIL table ${t}: missing (needed to upload results)\n     → apply supabase/migrations/20250102000000_backtest_results.sql to the project`);
      }
      expect(r.stdout).toMatch(/not healthy: fix the lines marked FAIL/);
      expect(r.stdout).not.toMatch(/healthy: backtests can read from and upload/);
    } finally {
      for (const t of results) await server.db.exec(`alter table ${t}_gone rename to ${t}`);
      await server.refreshSchema();
    }
  });

  it('a results table renamed in the settings is checked under its name, and the fix says which migration makes it', async () => {
    const report = await runDoctor(loadSupabaseSettings({ ...serverEnv(server), SUPABASE_RESULTS_PREFIX: 'bt_' }, { connections: 2 }));
    const runs = report.findings.find((f) => f.what.startsWith('table bt_runs:'));
    expect(runs).toMatchObject({ ok: false, what: 'table bt_runs: missing (needed to upload results)' });
    expect(runs?.fix).toBe('apply supabase/migrations/20250102000000_backtest_results.sql to the project (supabase db push, or paste it into the SQL editor); it creates backtest_runs, named bt_runs in your settings (SUPABASE_RUNS_TABLE or SUPABASE_RESULTS_PREFIX)');
    expect(report.ok).toBe(false);
  });

  it('checks the very columns the upload sends, table by table', async () => {
    const { dir } = await writeRunFolder(tempDir());
    const folder = await readRunFolder(dir);
    for (const table of folder.tables) {
      const first = (await table.rows().next()).value as Record<string, unknown>;
      expect(Object.keys(first).sort(), table.table).toEqual([...TABLE_COLUMNS[table.table]].sort());
    }
    expect(Object.keys(runRow(folder, 'running', 'local')).sort()).toEqual([...TABLE_COLUMNS.runs].sort());
  });
});
