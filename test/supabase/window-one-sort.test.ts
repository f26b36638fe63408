import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompactShapeError } from '../../src/source/supabase/compact-format.ts';
import { SupabaseSource, type SupabaseSourceOptions } from '../../src/source/supabase/supabase-source.ts';
import type { SupabaseRest } from '../../src/supabase/index.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { expectSamePanel } from '../support/bits.ts';
import { MIGRATIONS_DIR } from '../support/postgrest/database.ts';
import { clientFor, sampleServer, type PostgrestServer } from '../support/postgrest/index.ts';
import { bodiesCalled, FIXTURE_SEASON, HARD_DAYS, HARD_FIRST_DAY, hardRows, windowFixture, windowText } from '../support/window-bodies.ts';

/**
 * backtest_prices_window's two bodies (supabase/migrations/20261130000000_window_one_sort.sql) on
 * PGlite, which is Postgres 16 or later and so dispatches to the ORDER BY body: the one-sort body
 * (what Postgres 15 runs) is called here by name and must give the same text, byte for byte; put
 * behind the dispatcher, it must give the panel keyset pages give. On a real Postgres 15 the
 * dispatcher's own choice is tested in test/source/supabase-real-postgres.test.ts.
 */
const day = (s: string) => parseIsoDate(s)!;
const ONE_SORT = readFileSync(join(MIGRATIONS_DIR, '20261130000000_window_one_sort.sql'), 'utf8');
const FIXTURE = { season: FIXTURE_SEASON, startDay: day('2025-09-01'), endDay: day('2025-12-31'), warmupBars: 20 };
const SAMPLE = { season: 2025, startDay: day('2025-02-03'), endDay: day('2025-12-31'), warmupBars: 20 };

/** The dispatcher made to call one body whatever the version (restored from the migration after). */
const dispatchTo = (body: 'ordered' | 'one_sort' | 'reversed') => `create or replace function public.backtest_prices_window(tbl text, symbols text[], date_from date, date_to date)
  returns json language plpgsql stable as $$ begin return public.backtest_prices_window_${body}(tbl, symbols, date_from, date_to); end $$`;

describe('the window function sorts once: its two bodies', () => {
  let server: PostgrestServer;
  let rest: SupabaseRest | undefined;
  let sample: string[];
  const load = (request: typeof SAMPLE, options: SupabaseSourceOptions = {}) => {
    rest = clientFor(server, 8);
    return new SupabaseSource(rest, options).loadWindow(request);
  };

  beforeAll(async () => {
    server = await sampleServer({ from: '2024-11-01', to: '2025-12-31' });
    await server.db.exec(windowFixture());
    sample = (await server.db.query<{ symbol: string }>('select distinct symbol from prices order by symbol')).rows.map((r) => r.symbol);
  });
  afterEach(async () => {
    await rest?.close();
    rest = undefined;
    server.reset();
  });
  afterAll(async () => server?.close());
  /** The scaled answers (20261201000000_window_scaled.sql), which the client asks for first, out of the way (or back), so that it reads backtest_prices_window. */
  const withoutScaled = async (gone: boolean) => {
    const [from, to] = gone ? ['backtest_prices_window_scaled', 'backtest_prices_window_scaled_gone'] : ['backtest_prices_window_scaled_gone', 'backtest_prices_window_scaled'];
    await server.db.exec(`alter function ${from}(text, text[], date, date) rename to ${to}`);
    await server.refreshSchema();
  };

  it('PGlite is Postgres 16 or later: the dispatcher calls the ORDER BY body', async () => {
    expect(Number((await server.db.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0]!.v)).toBeGreaterThanOrEqual(160_000);
    expect(await bodiesCalled(server.db)).toBe('backtest_prices_window_ordered=1');
  });

  it('both bodies give the same text on the sample market, every symbol and day, and on windows cut at any edge', async () => {
    expect(sample.length).toBeGreaterThan(50);
    for (const [from, to] of [['2024-11-01', '2025-12-31'], ['2025-03-07', '2025-03-07'], ['2025-06-14', '2025-09-02'], ['2030-01-01', '2030-12-31']] as const) {
      const ordered = await windowText(server.db, 'backtest_prices_window_ordered', sample, from, to);
      expect(await windowText(server.db, 'backtest_prices_window_one_sort', sample, from, to)).toBe(ordered);
      expect(await windowText(server.db, 'backtest_prices_window', sample, from, to)).toBe(ordered);
    }
  });

  it('both bodies give the same text on gaps, missing fields, a symbol without rows, NaN, ±Infinity, -0 and hard doubles; HARD arrives bit for bit in date order', async () => {
    const symbols = ['GAP', 'NONE', 'ODD', 'HARD', 'GAP', 'AAA-not-there'];
    const ordered = await windowText(server.db, 'backtest_prices_window_ordered', symbols, '2023-12-01', '2025-12-31');
    const oneSort = await windowText(server.db, 'backtest_prices_window_one_sort', symbols, '2023-12-01', '2025-12-31');
    expect(oneSort).toBe(ordered);
    type Entry = { s: string; d: number[]; o: unknown[]; h: unknown[]; l: unknown[]; c: unknown[]; v: unknown[] };
    const answer = JSON.parse(oneSort) as { format: string; symbols: Entry[] };
    expect(answer.format).toBe('vopa-window-1');
    expect(answer.symbols.map((x) => x.s)).toEqual(['AAA-not-there', 'GAP', 'HARD', 'NONE', 'ODD']);
    const odd = answer.symbols.find((x) => x.s === 'ODD')!;
    expect(odd.d).toEqual([day('2025-10-01'), day('2025-10-02'), day('2025-10-03')]);
    expect([odd.o, odd.h, odd.l, odd.c, odd.v]).toEqual([[null, '-Infinity', 'NaN'], [null, 'NaN', 'Infinity'], [null, 1e-300, '-Infinity'], ['NaN', 5e-324, 'Infinity'], [-0, null, 'NaN']]);
    expect(Object.is(odd.v[0], -0)).toBe(true);
    const hard = answer.symbols.find((x) => x.s === 'HARD')!;
    expect(hard.d).toEqual(Array.from({ length: HARD_DAYS }, (_, k) => day(HARD_FIRST_DAY) + k));
    hardRows().forEach((r, k) => {
      for (const [field, values] of [['open', hard.o], ['high', hard.h], ['low', hard.l], ['close', hard.c], ['volume', hard.v]] as const) {
        if (!Object.is(values[k], r[field])) expect.fail(`HARD ${field}[${k}]: ${String(values[k])}, inserted ${r[field]}`);
      }
    });
    const gap = answer.symbols.find((x) => x.s === 'GAP')!;
    expect(gap.o.filter((x) => x === null).length).toBeGreaterThan(0);
    expect(gap.d).toEqual([...gap.d].sort((a, b) => a - b));
    expect(answer.symbols.find((x) => x.s === 'NONE')).toMatchObject({ d: [], o: [], h: [], l: [], c: [], v: [] });
  });

  it('behind the dispatcher, the one-sort body gives the panel and fingerprint keyset pages give (sample market; gaps and missing fields)', async () => {
    await server.db.exec(dispatchTo('one_sort'));
    await withoutScaled(true);
    try {
      for (const request of [SAMPLE, FIXTURE]) {
        server.reset();
        const compact = await load(request);
        expect(compact.info.read).toBe('compact');
        expect(server.stats.rpc.backtest_prices_window).toBeGreaterThan(0);
        await rest!.close();
        const keyset = await load(request, { read: 'keyset' });
        expect(keyset.info.read).toBe('keyset');
        expectSamePanel(compact.panel, keyset.panel);
        expect(compact.info.rows).toBe(keyset.info.rows);
        await rest!.close();
        rest = undefined;
      }
      expect(await bodiesCalled(server.db)).toBe('backtest_prices_window_one_sort=1');
    } finally {
      await server.db.exec(ONE_SORT);
      await withoutScaled(false);
    }
  });

  it('an answer with a symbol\'s dates out of order is refused with the shape error naming the migrations, never reordered', async () => {
    // A body that answers every array in descending date order: aligned, but not in order.
    const migration = readFileSync(join(MIGRATIONS_DIR, '20261130000000_window_one_sort.sql'), 'utf8');
    const answer = migration.slice(migration.indexOf('create or replace function public.backtest_prices_window_answer'), migration.indexOf('create or replace function public.backtest_prices_window_ordered'));
    await server.db.exec(answer.replace('backtest_prices_window_answer', 'backtest_prices_window_answer_reversed').replaceAll(' order by date)', ' order by date desc)'));
    await server.db.exec(`create or replace function public.backtest_prices_window_reversed(tbl text, symbols text[], date_from date, date_to date) returns json
      language sql stable as $$ select public.backtest_prices_window_answer_reversed(tbl, symbols, date_from, date_to, false) $$`);
    await server.db.exec(dispatchTo('reversed'));
    await withoutScaled(true);
    try {
      const err = await load(FIXTURE).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CompactShapeError);
      expect((err as CompactShapeError).code).toBe('E_SUPABASE_SHAPE');
      expect((err as Error).message).toMatch(
        /^backtest_prices_window answered in another shape \(\S+: dates out of order, \d{4}-\d\d-\d\d after \d{4}-\d\d-\d\d\); apply supabase\/migrations\/20250103000000_compact_reads\.sql, then supabase\/migrations\/20261130000000_window_one_sort\.sql, then supabase\/migrations\/20261201000000_window_scaled\.sql, then supabase\/migrations\/20261202000000_window_packed\.sql, to the project/,
      );
    } finally {
      await server.db.exec(`${ONE_SORT}; drop function public.backtest_prices_window_reversed(text, text[], date, date); drop function public.backtest_prices_window_answer_reversed(text, text[], date, date, boolean)`);
      await withoutScaled(false);
    }
  });
});
