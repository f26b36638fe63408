import type { Database } from './postgrest/database.ts';
import { hardDoubles } from './bits.ts';
import { mulberry32 } from './random.ts';

/**
 * The two bodies of `backtest_prices_window` (supabase/migrations/20261130000000_window_one_sort.sql)
 * side by side, on PGlite and on a real PostgreSQL alike:
 * - `WINDOW_FIXTURE`: a season of symbols with gaps and missing fields (GAP), a symbol without rows
 *   (NONE), and, outside any season, values no source accepts but a window must carry as they
 *   are (ODD: NaN, ±Infinity) and 2,000 hard doubles (HARD), its rows inserted in a shuffled order
 *   so that the table's physical order is not the date order;
 * - `windowText`: one body's answer as the text Postgres writes (compared byte for byte);
 * - `bodiesCalled`: which body the dispatcher called (the transaction's function statistics).
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
export async function windowText(db: Database, fn: string, symbols: readonly string[], from: string, to: string): Promise<string> {
  const { rows } = await db.query<{ j: string }>(`select public.${fn}('prices', $1::text[], $2::date, $3::date)::text as j`, [`{${symbols.join(',')}}`, from, to]);
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
