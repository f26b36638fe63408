import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompactCutError, CompactShapeError } from '../../src/source/supabase/compact-format.ts';
import { SupabaseSource, type SupabaseSourceOptions } from '../../src/source/supabase/supabase-source.ts';
import type { SupabaseRest } from '../../src/supabase/index.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { MIGRATIONS_DIR } from '../support/postgrest/database.ts';
import { clientFor, sampleServer, seeded, TRANSIENT_FAULTS, type PostgrestServer } from '../support/postgrest/index.ts';
import { expectSamePanel } from '../support/bits.ts';

const day = (s: string) => parseIsoDate(s)!;
/** The compact read's migrations, in order (the window function as installed: its one-sort body after it, then its scaled answers). */
const MIGRATION = ['20250103000000_compact_reads.sql', '20261130000000_window_one_sort.sql', '20261201000000_window_scaled.sql', '20261202000000_window_packed.sql'].map((f) => readFileSync(join(MIGRATIONS_DIR, f), 'utf8')).join(';\n');
/** A season with gaps, missing fields, a symbol without rows and values at the edges of float64. */
const SEASON = 2097;
const REQUEST = { season: SEASON, startDay: day('2025-10-01'), endDay: day('2025-12-31'), warmupBars: 20 };

describe('the compact bulk read', () => {
  let server: PostgrestServer;
  let rest: SupabaseRest | undefined;
  const load = (options: SupabaseSourceOptions = {}, request = REQUEST) => {
    rest = clientFor(server, 8);
    return new SupabaseSource(rest, options).loadWindow(request);
  };

  beforeAll(async () => {
    server = await sampleServer({ from: '2025-06-01', to: '2026-01-31' });
    await server.db.exec(`
      insert into universe select ${SEASON}, symbol, peer_group, name from universe where season = 2025 order by symbol limit 12;
      insert into universe values (${SEASON}, 'GAP', 'g', null), (${SEASON}, 'EDGE', 'g', null), (${SEASON}, 'NONE', 'g', null);
      -- Every third business day, open and volume missing on some of them.
      insert into prices select 'GAP', d::date, case when extract(day from d)::int % 4 = 0 then null else 20 + extract(day from d) / 7 end,
          21, 19, 20 + extract(day from d) / 3, case when extract(day from d)::int % 5 = 0 then null else 1000 end
        from generate_series('2025-08-01'::date, '2025-12-31'::date, '3 days') d where extract(isodow from d) < 6;
      insert into prices values
        ('EDGE', '2025-10-02', 5e-324, 1.7976931348623157e308, 5e-324, 0.30000000000000004, '-0'::float8),
        ('EDGE', '2025-10-03', 1e-300, null, null, 1e300, 4503599627370497),
        ('EDGE', '2025-12-31', 0.1, 0.3, 0.2, 123456.789012345678, 0);`);
  });
  afterEach(async () => {
    await rest?.close();
    rest = undefined;
    server.reset();
  });
  afterAll(async () => server?.close());

  it('gives the panel keyset pages give, bit for bit, on a window with gaps, missing fields, a symbol without rows and extreme values', async () => {
    const compact = await load();
    expect(compact.info).toMatchObject({ read: 'compact', calls: 1 });
    const keyset = await load({ read: 'keyset' });
    expect(keyset.info.read).toBe('keyset');
    expectSamePanel(compact.panel, keyset.panel);
    expect(compact.info.rows).toBe(keyset.info.rows);
    // The values as written in SQL above, read back as the same doubles.
    const { panel } = compact;
    const col = panel.symbols.indexOf('EDGE');
    const at = (date: string, f: 'open' | 'high' | 'low' | 'close' | 'volume') => panel[f][panel.dates.indexOf(date) * panel.symbols.length + col]!;
    // (valid rows only: the checks every source makes refuse a non-positive open, a high below the low)
    expect(Object.is(at('2025-10-02', 'volume'), -0)).toBe(true);
    expect([at('2025-10-02', 'open'), at('2025-10-02', 'high'), at('2025-10-02', 'low'), at('2025-10-02', 'close')]).toEqual([5e-324, 1.7976931348623157e308, 5e-324, 0.1 + 0.2]);
    expect([at('2025-10-03', 'open'), at('2025-10-03', 'high'), at('2025-10-03', 'close'), at('2025-10-03', 'volume')]).toEqual([1e-300, NaN, 1e300, 2 ** 52 + 1]);
    expect(at('2025-12-31', 'close')).toBe(123456.789012345678);
    expect(panel.firstBar[panel.symbols.indexOf('NONE')]).toBe(-1);
  });

  it('without the migration reads keyset pages, with one warning naming it, and gives the same panel', async () => {
    const compact = await load();
    await server.db.exec(`alter function backtest_prices_window(text, text[], date, date) rename to backtest_prices_window_gone;
      alter function backtest_prices_window_scaled(text, text[], date, date) rename to backtest_prices_window_scaled_gone`);
    await server.refreshSchema();
    try {
      const warnings: string[] = [];
      const fallback = await load({ warn: (w) => warnings.push(w) });
      expect(fallback.info.read).toBe('keyset');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/the compact bulk read is not installed \(function backtest_prices_window is missing\): prices are read in keyset pages.*apply supabase\/migrations\/20250103000000_compact_reads\.sql, then supabase\/migrations\/20261130000000_window_one_sort\.sql, then supabase\/migrations\/20261201000000_window_scaled\.sql, then supabase\/migrations\/20261202000000_window_packed\.sql, to the project/);
      expectSamePanel(fallback.panel, compact.panel);
    } finally {
      await server.db.exec(`alter function backtest_prices_window_gone(text, text[], date, date) rename to backtest_prices_window;
        alter function backtest_prices_window_scaled_gone(text, text[], date, date) rename to backtest_prices_window_scaled`);
      await server.refreshSchema();
    }
  });

  it('without the scaled answers (the last migration) reads backtest_prices_window for the rest of the run, without a warning: the same panel', async () => {
    const scaled = await load({ rowsPerCall: 100 });
    const calls = scaled.info.calls as number;
    // 14 calls for the window (see the test of faults below), after one for no symbols that learns which function answers.
    expect(calls).toBe(1 + 14);
    expect(server.stats.rpc).toMatchObject({ backtest_prices_window_scaled: calls });
    expect(server.stats.rpc.backtest_prices_window).toBeUndefined();
    server.reset();
    await server.db.exec('alter function backtest_prices_window_scaled(text, text[], date, date) rename to backtest_prices_window_scaled_gone');
    await server.refreshSchema();
    try {
      const warnings: string[] = [];
      const doubles = await load({ rowsPerCall: 100, warn: (w) => warnings.push(w) });
      expect(warnings).toEqual([]);
      expect(doubles.info.read).toBe('compact');
      expectSamePanel(doubles.panel, scaled.panel);
      // The call for no symbols learns that the function is missing, and is then asked of backtest_prices_window; so is every group.
      expect(server.stats.rpc).toMatchObject({ backtest_prices_window_scaled: 1, backtest_prices_window: calls });
      expect(doubles.info.calls).toBe(calls + 1);
      // A window of one call learns it from its own call.
      server.reset();
      const one = await load();
      expectSamePanel(one.panel, (await load({ read: 'keyset' })).panel);
      expect(one.info.calls).toBe(2);
      expect(server.stats.rpc).toMatchObject({ backtest_prices_window_scaled: 1, backtest_prices_window: 1 });
    } finally {
      await server.db.exec('alter function backtest_prices_window_scaled_gone(text, text[], date, date) rename to backtest_prices_window_scaled');
      await server.refreshSchema();
    }
  });

  it('an answer of another shape (another version of the migration) stops with an error naming the function and the migrations', async () => {
    const versions = [
      // A later format.
      ['backtest_prices_window_scaled', `returns json language sql as $$ select '{"format": "vopa-window-4", "symbols": []}'::json $$`, /^backtest_prices_window_scaled answered in another shape \(format "vopa-window-4", not vopa-window-3 or vopa-window-2\)/],
      // The format of the other function.
      ['backtest_prices_window_scaled', `returns json language sql as $$ select backtest_prices_window(tbl, symbols, date_from, date_to) $$`, /^backtest_prices_window_scaled answered in another shape \(format "vopa-window-1", not vopa-window-3 or vopa-window-2\)/],
      // Another answer altogether (a packed bytea: PostgREST gives it as a JSON string).
      ['backtest_prices_window_scaled', `returns bytea language sql as $$ select '\\x564f50415058310a0000000100000000'::bytea $$`, /^backtest_prices_window_scaled answered in another shape \(no format/],
      // The same, from backtest_prices_window (the scaled function then missing).
      ['backtest_prices_window', `returns json language sql as $$ select '{"format": "vopa-window-2", "symbols": []}'::json $$`, /^backtest_prices_window answered in another shape \(format "vopa-window-2", not vopa-window-1\)/],
    ] as const;
    for (const [fn, version, message] of versions) {
      const only = fn === 'backtest_prices_window' ? 'drop function backtest_prices_window_scaled(text, text[], date, date);' : '';
      await server.db.exec(`${only} drop function ${fn}(text, text[], date, date); create function ${fn}(tbl text, symbols text[], date_from date, date_to date) ${version}`);
      await server.refreshSchema();
      try {
        const err = await load().catch((e) => e);
        expect(err).toBeInstanceOf(CompactShapeError);
        expect(err.code).toBe('E_SUPABASE_SHAPE');
        expect(err.message).toMatch(message);
        expect(err.message).toMatch(/apply supabase\/migrations\/20250103000000_compact_reads\.sql, then supabase\/migrations\/20261130000000_window_one_sort\.sql, then supabase\/migrations\/20261201000000_window_scaled\.sql, then supabase\/migrations\/20261202000000_window_packed\.sql, to the project/);
      } finally {
        await server.db.exec(`drop function if exists backtest_prices_window_scaled(text, text[], date, date); drop function backtest_prices_window(text, text[], date, date); ${MIGRATION}`);
        await server.refreshSchema();
      }
    }
  });

  it('retries resets, 503s and cut bodies during the compact read like any read; the panel is the same', async () => {
    // 15 symbols × ⌈130 × 5 / 7⌉ = 93 trading days estimated (2025-08-24 … 2025-12-31) = 1,395 rows: 14 calls of ≤ 100 rows,
    // after one for no symbols (which function answers).
    const clean = await load({ rowsPerCall: 100 });
    server.faults.applies = (req) => req.url?.includes('/rpc/') === true;
    server.faults.next = ['cut-body', 'reset-mid', '503', 'cut-body', 'reset-before', '520'];
    server.faults.rate = 0.3;
    server.faults.kinds = [...TRANSIENT_FAULTS, 'cut-body'];
    server.faults.random = seeded(11);
    const faulty = await load({ rowsPerCall: 100 });
    expectSamePanel(faulty.panel, clean.panel);
    const c = rest!.snapshot();
    expect(clean.info.calls).toBe(1 + 14);
    expect(c.failures).toBe(0);
    expect(server.stats.faults['cut-body']).toBeGreaterThan(0);
    expect(c.retries_by_reason['cut body']).toBe(server.stats.faults['cut-body']);
    const injected = Object.values(server.stats.faults).reduce((a, b) => a + b, 0);
    expect(c.retries).toBe(injected);
  });

  it('a body cut every time is never taken as data: the read fails after 4 attempts', async () => {
    server.faults.applies = (req) => req.url?.includes('/rpc/') === true;
    server.faults.rate = 1;
    server.faults.kinds = ['cut-body'];
    const err = await load().catch((e) => e);
    expect(err).toBeInstanceOf(CompactCutError);
    expect(err.message).toMatch(/the answer was cut 4 times running/);
    expect(server.stats.faults['cut-body']).toBe(4);
  });

  it('reads gzip from a server that offers gzip only (as Cloudflare compresses JSON): the same panel in fewer bytes on the wire', async () => {
    server.compression = 'none';
    const plain = await load();
    const none = rest!.snapshot();
    expect(none.bytes_wire).toBe(none.bytes_received);
    await rest!.close();
    server.compression = 'text';
    const gzipped = await load();
    const c = rest!.snapshot();
    expect(c.bytes_received).toBe(none.bytes_received);
    expect(c.bytes_wire).toBeLessThan(none.bytes_wire * 0.6);
    expectSamePanel(gzipped.panel, plain.panel);
  });

  it('asks for brotli first and reads it: a server that offers it too (as the Envoy in front of a Supabase project) answers br on both paths, the same panel', async () => {
    server.compression = 'none';
    const plain = await load();
    const none = rest!.snapshot();
    await rest!.close();
    server.compression = 'text';
    server.encodings = ['br', 'gzip'];
    const compact = await load();
    const c = rest!.snapshot();
    expect(c.bytes_received).toBe(none.bytes_received);
    expect(c.bytes_wire).toBeLessThan(none.bytes_wire * 0.6);
    expectSamePanel(compact.panel, plain.panel);
    await rest!.close();
    const keyset = await load({ read: 'keyset' });
    expectSamePanel(keyset.panel, plain.panel);
    expect(server.stats.encoded.gzip).toBeUndefined();
    expect(server.stats.encoded.br).toBeGreaterThanOrEqual(2); // the compact call and the keyset pages (the universe too)
  });

  it('counts the bytes that came over the wire, compressed, also when the gateway sends no Content-Length (as Envoy, chunked)', async () => {
    server.compression = 'all';
    server.encodings = ['br', 'gzip'];
    server.chunkedCompressed = true;
    await load();
    const c = rest!.snapshot();
    expect(c.bytes_wire).toBe(server.stats.bytesSent);
    expect(c.bytes_wire).toBeLessThan(c.bytes_received * 0.6);
    expect(server.stats.encoded.br).toBeGreaterThanOrEqual(1);
  });

  it('a brotli body cut in the middle, or cut off with the connection, is retried and never taken as data', async () => {
    server.encodings = ['br'];
    const clean = await load({ rowsPerCall: 100 });
    await rest!.close();
    server.faults.applies = (req) => req.url?.includes('/rpc/') === true;
    server.faults.next = ['cut-body', 'reset-mid', 'cut-body', 'cut-body'];
    const faulty = await load({ rowsPerCall: 100 });
    expectSamePanel(faulty.panel, clean.panel);
    const c = rest!.snapshot();
    expect(c.failures).toBe(0);
    expect(server.stats.faults).toEqual({ 'cut-body': 3, 'reset-mid': 1 });
    expect(c.retries).toBe(4);
    expect(server.stats.encoded.br).toBeGreaterThanOrEqual(14); // every call compressed, brotli only
    await rest!.close();
    server.faults.rate = 1;
    server.faults.kinds = ['cut-body'];
    const err = await load().catch((e) => e);
    expect(err).toBeInstanceOf(CompactCutError);
  });

  it('sizes calls from the window, and splits a call that hits the statement timeout', async () => {
    // 15 symbols; at 2,000 rows a call: 2025-09-03 … 2025-09-30 (28 days, 20 trading days estimated, 300 rows) is one call,
    // 2025-06-03 … 2025-12-31 (212 days, ⌈212 × 5 / 7⌉ = 152 trading days, 2,280 rows) two, after one for no symbols
    // (which function answers: the scaled one).
    const short = await load({ rowsPerCall: 2_000 }, { ...REQUEST, startDay: day('2025-09-03'), endDay: day('2025-09-30'), warmupBars: 0 });
    expect(short.info.calls).toBe(1);
    await rest!.close();
    const long = await load({ rowsPerCall: 2_000 }, { ...REQUEST, startDay: day('2025-06-03'), endDay: day('2025-12-31'), warmupBars: 0 });
    expect(long.info.calls).toBe(1 + 2);
    await rest!.close();
    server.faults.statementTimeoutSymbols = 4; // a call of more than 4 symbols times out: 8 + 7 (two calls) → 4 + 4 + 4 + 3 (four)
    const split = await load({ rowsPerCall: 2_000 }, { ...REQUEST, startDay: day('2025-06-03'), endDay: day('2025-12-31'), warmupBars: 0 });
    expectSamePanel(split.panel, long.panel);
    expect(split.info.calls).toBe(1 + 2 + 4);
    expect(rest!.snapshot()).toMatchObject({ failures: 0, retries: 0 }); // 57014 is not retried: the call is split
  });
});
