import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest, backtestAsync, entries, tempDir } from '../support/cli.ts';
import { MIGRATIONS_DIR } from '../support/postgrest/database.ts';
import { sampleServer, serverEnv, type PostgrestServer } from '../support/postgrest/index.ts';

const README_RUN = ['2025-10-07', '2026-01-03', '2025'];

describe('the cache from the command line', () => {
  let server: PostgrestServer;
  let localSummary: string;

  beforeAll(async () => {
    server = await sampleServer({ from: '2025-06-01', to: '2026-01-31' });
    const out = tempDir();
    const local = backtest([...README_RUN, '--source', 'local', '--no-upload', '--out', out], { cwd: out });
    expect(local.code, local.stderr).toBe(0);
    localSummary = readFileSync(join(out, entries(out)[0]!, 'summary.csv'), 'utf8');
  });
  afterAll(async () => server?.close());

  /** The README run through Supabase, without upload; its summary.csv and manifest. */
  async function run(env: Record<string, string>, extra: string[] = []) {
    const out = tempDir();
    const r = await backtestAsync([...README_RUN, '--source', 'supabase', '--no-upload', '--out', out, ...extra], { cwd: out, env });
    const dir = entries(out)[0];
    return {
      ...r,
      summary: dir ? readFileSync(join(out, dir, 'summary.csv'), 'utf8') : '',
      manifest: dir ? JSON.parse(readFileSync(join(out, dir, 'manifest.json'), 'utf8')) : undefined,
    };
  }

  it('the README run: its second run makes at most 2 requests for prices, and every summary.csv is the local run\'s', async () => {
    const env = { ...serverEnv(server), XDG_CACHE_HOME: tempDir() };
    const first = await run(env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.manifest.data.cache).toMatchObject({ status: 'miss' });
    const second = await run(env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.manifest.data.cache).toMatchObject({ status: 'hit', symbols_read: 0, rows_read: 0 });
    expect(second.manifest.data.price_requests).toBeLessThanOrEqual(2);
    expect(second.manifest.supabase.requests).toBe(second.manifest.data.requests); // the one check: nothing else
    expect(second.manifest.supabase.requests).toBeLessThanOrEqual(2);
    expect(second.manifest.data.universe_read).toBe('cache');
    expect(second.manifest.data.fingerprint).toBe(first.manifest.data.fingerprint);
    expect(first.summary).toBe(localSummary);
    expect(second.summary).toBe(localSummary);
    // --no-cache reads everything again and leaves the cache as it was.
    const before = readdirSync(env.XDG_CACHE_HOME, { recursive: true }).map(String).sort();
    const bypass = await run(env, ['--no-cache']);
    expect(bypass.code, bypass.stderr).toBe(0);
    expect(bypass.manifest.data.cache).toMatchObject({ status: 'off', saved: null });
    expect(bypass.manifest.data.cache.rows_read).toBeGreaterThan(0);
    expect(bypass.summary).toBe(localSummary);
    expect(readdirSync(env.XDG_CACHE_HOME, { recursive: true }).map(String).sort()).toEqual(before);
  });

  it('backtest cache ls shows each window and its size; clear --older-than keeps recent ones; clear empties it', async () => {
    const env = { ...serverEnv(server), XDG_CACHE_HOME: tempDir() };
    expect((await run(env)).code).toBe(0);
    const host = new URL(server.url).host;
    const ls = backtest(['cache', 'ls'], { env });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain(`cache: ${join(env.XDG_CACHE_HOME, 'vopa-backtest')} (at most 2,048.0 MB: BACKTEST_CACHE_MAX_MB)`);
    expect(ls.stdout).toMatch(new RegExp(`│ ${host.replace(/\./g, '\\.')} +│ prices │ 275 +│ 2025-06-\\d\\d … 2026-01-03 │ [\\d,]+ +│ \\d\\.\\d MB │ \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d │`));
    expect(ls.stdout).toMatch(/\n1 cached window, \d\.\d MB\n$/);
    const keep = backtest(['cache', 'clear', '--older-than', '1'], { env });
    expect(keep.stdout).toMatch(/^removed 0 cached windows \(0\.0 MB\) not used for 1 days from /);
    const clear = backtest(['cache', 'clear'], { env });
    expect(clear.stdout).toMatch(/^removed 1 cached window \(\d\.\d MB\) from /);
    expect(backtest(['cache', 'ls'], { env }).stdout).toMatch(/no cached windows\n$/);
    const bad = backtest(['cache', 'clear', '--older-than', 'soon'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('backtest: --older-than soon: not a number');
  });

  it('a cache folder that cannot be written: the run goes on without it, with one warning', async () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, '');
    const r = await run({ ...serverEnv(server), XDG_CACHE_HOME: file });
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([`warning: the cache folder ${join(file, 'vopa-backtest')} cannot be written (ENOTDIR): running without the cache`]);
    expect(r.manifest.data.cache.status).toBe('unwritable');
    expect(r.summary).toBe(localSummary);
  });

  it('a bad BACKTEST_CACHE_MAX_MB is bad input: exit 2, one line, nothing written', async () => {
    const r = await run({ ...serverEnv(server), BACKTEST_CACHE_MAX_MB: 'plenty' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('backtest: BACKTEST_CACHE_MAX_MB=plenty: must be a number of megabytes above 0 (default 2048)');
    expect(r.manifest).toBeUndefined();
  });

  it('another version of the compact read: exit 1 with one line naming the migration; doctor fails on it, and warns when it is missing', async () => {
    const env = { ...serverEnv(server), XDG_CACHE_HOME: tempDir() };
    const healthy = await backtestAsync(['doctor'], { cwd: tempDir(), env });
    expect(healthy.code, healthy.stdout).toBe(0);
    expect(healthy.stdout).toMatch(/\nok {3}compact bulk read: installed \(a window in few calls, one array per field, prices as scaled integers where that is exact; /);
    expect(healthy.stdout).toMatch(/\nok {3}universe read: installed /);
    const migration = ['20250103000000_compact_reads.sql', '20261130000000_window_one_sort.sql', '20261201000000_window_scaled.sql', '20261202000000_window_packed.sql'].map((f) => readFileSync(join(MIGRATIONS_DIR, f), 'utf8')).join(';\n');
    const apply = 'apply supabase/migrations/20250103000000_compact_reads.sql, then supabase/migrations/20261130000000_window_one_sort.sql, then supabase/migrations/20261201000000_window_scaled.sql, then supabase/migrations/20261202000000_window_packed.sql, to the project';
    await server.db.exec(`drop function backtest_prices_window_scaled(text, text[], date, date);
      create function backtest_prices_window_scaled(tbl text, symbols text[], date_from date, date_to date) returns json language sql as $$ select '{"format": "vopa-window-4", "symbols": []}'::json $$`);
    await server.refreshSchema();
    try {
      const r = await run(env);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`backtest: backtest_prices_window_scaled answered in another shape (format "vopa-window-4", not vopa-window-3 or vopa-window-2); ${apply} (this vopa-backtest reads vopa-window-3 or vopa-window-2 from it) [E_SUPABASE_SHAPE]\n`);
      expect(r.manifest).toBeUndefined();
      const doctor = await backtestAsync(['doctor'], { cwd: tempDir(), env });
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toContain(`FAIL compact bulk read: backtest_prices_window_scaled answers in another format ("vopa-window-4", not vopa-window-3 or vopa-window-2): a run would stop\n     → ${apply}`);
      // The scaled answers in their first format (the migration before the last): doctor warns, naming the last.
      await server.db.exec(`drop function backtest_prices_window_scaled(text, text[], date, date); ${readFileSync(join(MIGRATIONS_DIR, '20261201000000_window_scaled.sql'), 'utf8')}`);
      await server.refreshSchema();
      const first = await backtestAsync(['doctor'], { cwd: tempDir(), env });
      expect(first.code, first.stdout).toBe(0);
      expect(first.stdout).toContain('warn compact bulk read: installed, with its scaled answers in their first format (vopa-window-2): high, low and volumes take about 7 to 13 % more bytes on the wire than in vopa-window-3\n     → apply supabase/migrations/20261202000000_window_packed.sql to the project');
      // Without the scaled answers: a run reads backtest_prices_window; doctor warns, naming the migrations.
      await server.db.exec('drop function backtest_prices_window_scaled(text, text[], date, date)');
      await server.refreshSchema();
      const unscaled = await backtestAsync(['doctor'], { cwd: tempDir(), env });
      expect(unscaled.code, unscaled.stdout).toBe(0);
      expect(unscaled.stdout).toContain('warn compact bulk read: installed, without its scaled answers (function backtest_prices_window_scaled is missing): prices come as doubles, about 1.3 to 1.5 × the bytes on the wire\n     → apply supabase/migrations/20261201000000_window_scaled.sql, then supabase/migrations/20261202000000_window_packed.sql, to the project');
      // backtest_prices_window in another version too.
      await server.db.exec(`drop function backtest_prices_window(text, text[], date, date);
        create function backtest_prices_window(tbl text, symbols text[], date_from date, date_to date) returns json language sql as $$ select '{"format": "vopa-window-2", "symbols": []}'::json $$`);
      await server.refreshSchema();
      const other = await run(env);
      expect(other.code).toBe(1);
      expect(other.stderr).toBe(`backtest: backtest_prices_window answered in another shape (format "vopa-window-2", not vopa-window-1); ${apply} (this vopa-backtest reads vopa-window-1 from it) [E_SUPABASE_SHAPE]\n`);
      const doctor1 = await backtestAsync(['doctor'], { cwd: tempDir(), env });
      expect(doctor1.code).toBe(1);
      expect(doctor1.stdout).toContain(`FAIL compact bulk read: backtest_prices_window answers in another format ("vopa-window-2", not vopa-window-1): a run would stop\n     → ${apply}`);
      await server.db.exec('drop function backtest_prices_window(text, text[], date, date)');
      await server.refreshSchema();
      const missing = await backtestAsync(['doctor'], { cwd: tempDir(), env });
      expect(missing.code, missing.stdout).toBe(0);
      expect(missing.stdout).toMatch(/\nwarn compact bulk read: not installed \(function backtest_prices_window is missing\): runs read keyset pages/);
    } finally {
      await server.db.exec(`drop function if exists backtest_prices_window(text, text[], date, date); drop function if exists backtest_prices_window_scaled(text, text[], date, date); ${migration}`);
      await server.refreshSchema();
    }
  });

});
