import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { SupabaseSource, type SupabaseSourceOptions } from '../../src/source/supabase/supabase-source.ts';
import type { SupabaseRest } from '../../src/supabase/index.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataFolder, MIGRATIONS_DIR, type Database } from '../support/postgrest/database.ts';
import { clientFor, sampleServer, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';
import { findPostgres, startPostgresCluster, type PostgresCluster } from '../support/real-postgres.ts';
import { expectSamePanel, hardDoubles } from '../support/bits.ts';
import { bodiesCalled, expectScaledSame, FIXTURE_SEASON, windowFixture, windowText } from '../support/window-bodies.ts';

/**
 * The PostgREST-compatible server over a real PostgreSQL (node-postgres, a pool) answers as it
 * does over PGlite: the compact read and keyset pages give the panel PGlite gives, bit for bit.
 * Needs the PostgreSQL binaries (and, as root, the `postgres` OS user): skipped, saying why, where
 * they are absent.
 */
const found = findPostgres();
const why = 'missing' in found ? ` (skipped: ${found.missing})` : '';

const day = (s: string) => parseIsoDate(s)!;
const REQUEST = { season: 2025, startDay: day('2025-03-03'), endDay: day('2025-12-31'), warmupBars: 20 };
/** Values at the edges of float64, in a symbol of its own, on both databases. */
const EDGE = `insert into universe values (2025, 'EDGE', 'g', null);
  insert into prices values
    ('EDGE', '2025-10-02', 5e-324, 1.7976931348623157e308, 5e-324, 0.30000000000000004, '-0'::float8),
    ('EDGE', '2025-10-03', 1e-300, null, null, 1e300, 4503599627370497),
    ('EDGE', '2025-12-31', 0.1, 0.3, 0.2, 123456.789012345678, 0)`;

describe.skipIf('missing' in found)(`the test server over a real PostgreSQL${why}`, () => {
  let cluster: PostgresCluster;
  let real: PostgrestServer;
  let lite: PostgrestServer;
  const clients: SupabaseRest[] = [];
  const load = (server: PostgrestServer, options: SupabaseSourceOptions) => {
    const rest = clientFor(server, 8);
    clients.push(rest);
    return new SupabaseSource(rest, options).loadWindow(REQUEST);
  };

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    const db = await cluster.createDatabase();
    const range = { from: '2025-01-01', to: '2025-12-31' };
    await loadDataFolder(db, SAMPLE_DATA_DIR, range);
    await db.exec(EDGE);
    await db.exec(windowFixture());
    real = await startPostgrest({ db, maxRows: 1_000, closeDb: true });
    lite = await sampleServer(range);
    await lite.db.exec(EDGE);
    await lite.db.exec(windowFixture());
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    real?.reset();
    lite?.reset();
  });
  afterAll(async () => {
    await Promise.allSettled([real?.close(), lite?.close()]);
    await cluster?.stop();
  });

  it('is a real Postgres (15 or later), with extra_float_digits 1 as PGlite: shortest-exact text for float8', async () => {
    expect(real.db.kind).toBe('postgres');
    expect(Number(/^postgres (\d+)/.exec(real.db.version)?.[1])).toBeGreaterThanOrEqual(15);
    for (const db of [real.db, lite.db]) {
      expect((await db.query<{ v: string }>(`select current_setting('extra_float_digits') as v`)).rows[0]!.v).toBe('1');
    }
  });

  it('reads float8 back bit for bit through node-postgres (parseFloat of the shortest text) and through JSON', async () => {
    const xs = hardDoubles();
    const texts = xs.map((x) => (Object.is(x, -0) ? '-0' : String(x)));
    const check = (db: Database) => async () => {
      const { rows } = await db.query<{ x: number }>('select x from unnest($1::float8[]) with ordinality as t(x, k) order by k', [`{${texts.join(',')}}`]);
      const json = JSON.parse((await db.query<{ j: string }>('select json_agg(x order by k)::text as j from unnest($1::float8[]) with ordinality as t(x, k)', [`{${texts.join(',')}}`])).rows[0]!.j) as number[];
      for (let k = 0; k < xs.length; k++) {
        if (!Object.is(rows[k]!.x, xs[k])) expect.fail(`${db.kind}: ${texts[k]} came back as ${rows[k]!.x}`);
        if (json[k] !== xs[k]) expect.fail(`${db.kind}, JSON: ${texts[k]} came back as ${json[k]}`);
      }
    };
    await check(real.db)();
    await check(lite.db)();
  });

  it('gives the panel PGlite gives, bit for bit, by the compact read and by keyset pages', async () => {
    const [compact, keyset, liteCompact, liteKeyset] = await Promise.all([
      load(real, {}), load(real, { read: 'keyset' }), load(lite, {}), load(lite, { read: 'keyset' }),
    ]);
    expect(compact.info.read).toBe('compact');
    expect(keyset.info.read).toBe('keyset');
    expect(liteCompact.info.read).toBe('compact');
    expectSamePanel(compact.panel, liteCompact.panel);
    expectSamePanel(keyset.panel, liteKeyset.panel);
    expectSamePanel(compact.panel, keyset.panel);
    expect(compact.info.rows).toBe(liteCompact.info.rows);
    const col = compact.panel.symbols.indexOf('EDGE');
    const row = compact.panel.dates.indexOf('2025-10-02');
    expect(Object.is(compact.panel.volume[row * compact.panel.symbols.length + col], -0)).toBe(true);
    expect(compact.panel.open[row * compact.panel.symbols.length + col]).toBe(5e-324);
  });

  it('sorts once below Postgres 16: the window function calls its one-sort body there (the ORDER BY body from 16 on), and both answer the same text', async () => {
    const version = Number((await real.db.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0]!.v);
    expect(await bodiesCalled(real.db)).toBe(version < 160_000 ? 'backtest_prices_window_one_sort=1' : 'backtest_prices_window_ordered=1');
    const all = (await real.db.query<{ symbol: string }>('select distinct symbol from prices order by symbol')).rows.map((r) => r.symbol);
    for (const [from, to] of [['2023-12-01', '2025-12-31'], ['2025-06-14', '2025-09-02']] as const) {
      const ordered = await windowText(real.db, 'backtest_prices_window_ordered', all, from, to);
      expect(await windowText(real.db, 'backtest_prices_window_one_sort', all, from, to)).toBe(ordered);
      expect(await windowText(real.db, 'backtest_prices_window', all, from, to)).toBe(ordered);
      // The same text PGlite's ORDER BY body writes (the revisions aside: each database draws its own).
      const revisions = (t: string) => t.replace(/"(rev|r)" : (null|"\d+"|\[[^\]]*\])/g, '"$1" : …');
      expect(revisions(ordered)).toBe(revisions(await windowText(lite.db, 'backtest_prices_window', all, from, to)));
    }
  });

  it('the scaled answers (vopa-window-3, and vopa-window-2 as the migration before installs it) decode to what backtest_prices_window answers, to the bit, and are the text PGlite writes', async () => {
    const all = (await real.db.query<{ symbol: string }>('select distinct symbol from prices order by symbol')).rows.map((r) => r.symbol);
    const withOdd = [...all, 'NONE', 'NOT-THERE'];
    const migration = (file: string) => readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
    const revisions = (t: string) => t.replace(/"(rev|r)" : (null|"\d+"|\[[^\]]*\])/g, '"$1" : …');
    try {
      for (const [format, from, to] of [['vopa-window-3', '2023-12-01', '2025-12-31'], ['vopa-window-3', '2025-06-14', '2025-09-02'], ['vopa-window-2', '2023-12-01', '2025-12-31']] as const) {
        if (format === 'vopa-window-2') for (const db of [real.db, lite.db]) await db.exec(migration('20261201000000_window_scaled.sql'));
        const chosen = await expectScaledSame(real.db, withOdd, from, to, 'prices', format);
        // HARD's and ODD's values are doubles, as are EDGE's (5e-324, a volume of -0) and GAP's prices (20 + day / 7); the sample market's are integers.
        expect(Object.entries(chosen).filter(([, c]) => c !== 'pq').sort()).toEqual(from === '2023-12-01'
          ? [['EDGE', ''], ['GAP', 'q'], ['HARD', ''], ['ODD', '']]
          : [['GAP', 'q']]);
        expect(revisions(await windowText(real.db, 'backtest_prices_window_scaled', withOdd, from, to))).toBe(revisions(await windowText(lite.db, 'backtest_prices_window_scaled', withOdd, from, to)));
      }
    } finally {
      for (const db of [real.db, lite.db]) await db.exec(migration('20261202000000_window_packed.sql'));
    }
  });

  it('on gaps and missing fields too: the compact read (scaled, and one sort below 16 without it) gives the keyset pages\' panel and fingerprint, and PGlite\'s', async () => {
    const request = { season: FIXTURE_SEASON, startDay: day('2025-09-01'), endDay: day('2025-12-31'), warmupBars: 20 };
    const read = (server: PostgrestServer, options: SupabaseSourceOptions) => {
      const rest = clientFor(server, 8);
      clients.push(rest);
      return new SupabaseSource(rest, options).loadWindow(request);
    };
    const [compact, keyset, liteCompact] = await Promise.all([read(real, {}), read(real, { read: 'keyset' }), read(lite, {})]);
    expect(compact.info.read).toBe('compact');
    expect(keyset.info.read).toBe('keyset');
    expectSamePanel(compact.panel, keyset.panel);
    expectSamePanel(compact.panel, liteCompact.panel);
    expect(compact.panel.symbols).toContain('GAP');
    expect(real.stats.rpc.backtest_prices_window).toBeUndefined();
    await real.db.exec('alter function backtest_prices_window_scaled(text, text[], date, date) rename to backtest_prices_window_scaled_gone');
    await real.refreshSchema();
    try {
      const doubles = await read(real, {});
      expect(real.stats.rpc.backtest_prices_window).toBeGreaterThan(0);
      expectSamePanel(doubles.panel, keyset.panel);
    } finally {
      await real.db.exec('alter function backtest_prices_window_scaled_gone(text, text[], date, date) rename to backtest_prices_window_scaled');
      await real.refreshSchema();
    }
  });

  it('cancels a call past the statement timeout in Postgres itself (57014)', async () => {
    await real.db.exec(`create function public.bench_slow() returns int language sql as 'select 1 from pg_sleep(120)'`);
    await real.refreshSchema();
    real.faults.statementTimeoutMs = 200;
    // Without the cancel the call would sleep 120 s, past the test's own timeout.
    const res = await fetch(`${real.url}/rest/v1/rpc/bench_slow`, { method: 'POST', headers: { apikey: real.key, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
  });
});
