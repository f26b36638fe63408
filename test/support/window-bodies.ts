import { expect } from 'vitest';
import { decodeWindow } from '../../src/source/supabase/compact-format.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import type { Database } from './postgrest/database.ts';
import { hardDoubles, sameBits } from './bits.ts';
import { mulberry32 } from './random.ts';

/**
 * The two bodies of `backtest_prices_window` (supabase/migrations/20261130000000_window_one_sort.sql)
 * side by side, on PGlite and on a real PostgreSQL alike:
 * - `WINDOW_FIXTURE`: a season of symbols with gaps and missing fields (GAP), a symbol without rows
 *   (NONE), and, outside any season, values no source accepts but a window must carry as they
 *   are (ODD: NaN, ±Infinity) and 2,000 hard doubles (HARD), its rows inserted in a shuffled order
 *   so that the table's physical order is not the date order;
 * - `windowText`: one body's answer as the text Postgres writes (compared byte for byte);
 * - `bodiesCalled`: which body the dispatcher called (the transaction's function statistics);
 * - `expectScaledSame`: `backtest_prices_window_scaled` (20261201000000_window_scaled.sql, format
 *   vopa-window-2, as 20261202000000_window_packed.sql redefines it, vopa-window-3) answers what
 *   `backtest_prices_window` answers, value for value to the bit.
 */
export const FIXTURE_SEASON = 2096;
export const HARD_FIRST_DAY = '2024-01-01';
export const HARD_DAYS = 400;

/** The hard doubles of HARD, day by day: open, high, low, close (|x|, 1 for a zero), volume. */
export function hardRows(): { open: number; high: number; low: number; close: number; volume: number }[] {
  const xs = hardDoubles();
  return Array.from({ length: HARD_DAYS }, (_, k) => {
    const [open, high, low, c, volume] = xs.slice(5 * k, 5 * k + 5) as [number, number, number, number, number];
    return { open, high, low, close: c === 0 ? 1 : Math.abs(c), volume };
  });
}

const literal = (x: number) => `'${Object.is(x, -0) ? '-0' : String(x)}'::float8`;

export function windowFixture(): string {
  const rows = hardRows().map((r, k) => `('HARD', date '${HARD_FIRST_DAY}' + ${k}, ${literal(r.open)}, ${literal(r.high)}, ${literal(r.low)}, ${literal(r.close)}, ${literal(r.volume)})`);
  const random = mulberry32(5);
  for (let k = rows.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [rows[k], rows[j]] = [rows[j]!, rows[k]!];
  }
  return `
    insert into universe select ${FIXTURE_SEASON}, symbol, peer_group, name from universe where season = 2025 order by symbol limit 6;
    insert into universe values (${FIXTURE_SEASON}, 'GAP', 'g', null), (${FIXTURE_SEASON}, 'NONE', 'g', null);
    -- Every third day, open and volume missing on some of them; inserted latest first.
    insert into prices select 'GAP', d::date, case when extract(day from d)::int % 4 = 0 then null else 20 + extract(day from d) / 7 end,
        21, 19, 20 + extract(day from d) / 3, case when extract(day from d)::int % 5 = 0 then null else 1000 end
      from generate_series('2025-12-31'::date, '2025-08-01'::date, '-3 days') d where extract(isodow from d) < 6;
    insert into prices values
      ('ODD', '2025-10-03', 'NaN', 'Infinity', '-Infinity', 'Infinity', 'NaN'),
      ('ODD', '2025-10-01', null, null, null, 'NaN', '-0'),
      ('ODD', '2025-10-02', '-Infinity', 'NaN', 1e-300, 5e-324, null);
    insert into prices values ${rows.join(',\n')};`;
}

/** One body's answer (`backtest_prices_window`, `_ordered` or `_one_sort`) as Postgres writes it. */
export async function windowText(db: Database, fn: string, symbols: readonly string[], from: string, to: string, table = 'prices'): Promise<string> {
  const { rows } = await db.query<{ j: string }>(`select public.${fn}($4, $1::text[], $2::date, $3::date)::text as j`, [`{${symbols.join(',')}}`, from, to, table]);
  return rows[0]!.j;
}

/** The bodies the dispatcher called for one window, with their number of calls (`backtest_prices_window_ordered=1`). */
export async function bodiesCalled(db: Database): Promise<string> {
  await db.exec(`create or replace function public.test_window_bodies_called() returns text language plpgsql as $$
    begin
      perform set_config('track_functions', 'pl', true);
      perform public.backtest_prices_window('prices', '{GAP}', '2025-01-01', '2025-12-31');
      return (select string_agg(funcname || '=' || calls, ',' order by funcname) from pg_stat_xact_user_functions
              where funcname in ('backtest_prices_window_ordered', 'backtest_prices_window_one_sort'));
    end $$`);
  return (await db.query<{ b: string }>('select public.test_window_bodies_called() as b')).rows[0]!.b;
}

type Entry = { s: string; p: boolean; q: boolean; [field: string]: unknown };

/**
 * The scaled answer (`format`: the function as installed answers it) of a window against backtest_prices_window's (vopa-window-1):
 * both decoded, every symbol's days, prices, volumes, revisions and months the same to the bit.
 * A symbol whose prices hold Postgres's NaN (which the decoder refuses) is compared as JSON
 * instead: its fields must then be the doubles of vopa-window-1, as they are. Answers each
 * symbol's choice, `p` and `q` ('pq', 'p', 'q' or '').
 */
export async function expectScaledSame(db: Database, symbols: readonly string[], from: string, to: string, table = 'prices', format: 'vopa-window-2' | 'vopa-window-3' = 'vopa-window-3'): Promise<Record<string, string>> {
  const doublesText = await windowText(db, 'backtest_prices_window', symbols, from, to, table);
  const scaledText = await windowText(db, 'backtest_prices_window_scaled', symbols, from, to, table);
  const doubles = JSON.parse(doublesText) as { format: string; symbols: Entry[] };
  const scaled = JSON.parse(scaledText) as { format: string; symbols: Entry[] };
  expect([doubles.format, scaled.format]).toEqual(['vopa-window-1', format]);
  expect(scaled.symbols.map((x) => x.s)).toEqual(doubles.symbols.map((x) => x.s));
  const nan = new Set(doubles.symbols.filter((x) => ['o', 'h', 'l', 'c', 'v'].some((f) => (x[f] as unknown[]).includes('NaN'))).map((x) => x.s));
  for (const x of scaled.symbols.filter((y) => nan.has(y.s))) {
    const y = doubles.symbols.find((z) => z.s === x.s)!;
    expect(x.p, x.s).toBe(false);
    for (const f of ['d', 'o', 'h', 'l', 'c', 'v', 'rev', 'm', 'r']) expect(x[f], `${x.s}.${f}`).toEqual(y[f]);
  }
  // The others decoded, asked for again without the NaN ones (re-encoding parsed JSON would turn -0 into 0).
  const decodable = [...new Set(symbols)].filter((s) => !nan.has(s));
  const [fromDay, toDay] = [parseIsoDate(from)!, parseIsoDate(to)!];
  const decoded = async (fn: 'backtest_prices_window' | 'backtest_prices_window_scaled', whole: string) => {
    const text = nan.size ? await windowText(db, fn, decodable, from, to, table) : whole;
    return decodeWindow(new TextEncoder().encode(text), decodable, fromDay, toDay, 'prices', fn);
  };
  const a = await decoded('backtest_prices_window', doublesText);
  const b = await decoded('backtest_prices_window_scaled', scaledText);
  expect(b.tracked).toBe(a.tracked);
  a.symbols.forEach((x, k) => {
    const y = b.symbols[k]!;
    expect(y.symbol).toBe(x.symbol);
    expect(Array.from(y.series.days), x.symbol).toEqual(Array.from(x.series.days));
    for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) {
      if (!sameBits(y.series[f], x.series[f])) expect.fail(`${x.symbol}.${f}: the scaled answer decodes to other values`);
    }
    expect([y.revision, [...y.months]]).toEqual([x.revision, [...x.months]]);
  });
  return Object.fromEntries(scaled.symbols.map((x) => [x.s, `${x.p ? 'p' : ''}${x.q ? 'q' : ''}`]));
}
