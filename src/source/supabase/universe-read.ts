import { DataError } from '../../errors.ts';
import { checkedShares, type UniverseRow } from '../../panel/universe.ts';
import type { SupabaseRest } from '../../supabase/client.ts';
import { UNIVERSE_FUNCTIONS, UNIVERSE_MIGRATION } from '../../supabase/schema.ts';
import { parseIsoDate } from '../../util/dates.ts';
import { CompactShapeError } from './compact-format.ts';
import { rpcJson } from './compact-read.ts';
import { PAGE_ROWS } from './paginate.ts';

/**
 * A universe's rows of seasons first … last, every column (`select=*` or `row_to_json`: the
 * optional start_date / end_date and shares_outstanding are used when the table has them):
 * 1. with the universe migration, in one request (`backtest_universe_rows`: one JSON answer,
 *    which the server's row cap does not page), with the fingerprint the server computed for
 *    them, so that the rows can be cached and validated later in the window's check;
 * 2. without it (`CompactUnavailable`), in keyset pages on (season, symbol) as before;
 * 3. each row checked (`universeRow`): a date that is not one, shares that are not a number,
 *    are bad input naming the row.
 */
export interface UniverseAnswer {
  readonly fingerprint: string;
  /** The rows as sent (for the cache). */
  readonly raw: readonly Record<string, unknown>[];
  readonly rows: UniverseRow[];
}

/** One universe row as a server sent it (every column of the table), checked. */
export function universeRow(table: string, r: Record<string, unknown>, season = Number(r.season)): UniverseRow {
  const day = (v: unknown, key: string): number | null => {
    if (v === null || v === undefined || v === '') return null;
    const d = parseIsoDate(String(v));
    if (d === null) throw new DataError(`${table}: season ${season}, ${String(r.symbol)}: ${key} "${String(v)}" is not a date`, 'E_BAD_UNIVERSE');
    return d;
  };
  return {
    season, symbol: String(r.symbol), peer_group: String(r.peer_group ?? 'default'), name: r.name == null ? '' : String(r.name), start_day: day(r.start_date, 'start_date'), end_day: day(r.end_date, 'end_date'),
    shares_outstanding: checkedShares(r.shares_outstanding, `${table}: season ${season}, ${String(r.symbol)}`),
  };
}

/** Rows of a `backtest_universe_rows` or `backtest_window_check` answer, checked for shape (`what` names the function). */
export function universeRows(table: string, raw: unknown, first: number, last: number, what: string): { raw: Record<string, unknown>[]; rows: UniverseRow[] } {
  const shape = (why: string) => new CompactShapeError(`${what} answered in another shape (${why}); apply ${UNIVERSE_MIGRATION} to the project`);
  if (!Array.isArray(raw)) throw shape('its rows are not an array');
  const rows = raw.map((r: unknown) => {
    const o = r as Record<string, unknown> | null;
    if (!o || typeof o !== 'object' || Array.isArray(o) || typeof o.symbol !== 'string' || !Number.isInteger(o.season) || (o.season as number) < first || (o.season as number) > last) {
      throw shape(`a row ${JSON.stringify(r)?.slice(0, 80)}`);
    }
    return universeRow(table, o);
  });
  return { raw: raw as Record<string, unknown>[], rows };
}

/** Seasons first … last in one request, with their fingerprint; `CompactUnavailable` (compact-read.ts) without the migration. */
export async function readUniverseFunction(rest: SupabaseRest, first: number, last: number): Promise<UniverseAnswer> {
  const table = rest.tables.universe;
  const fn = UNIVERSE_FUNCTIONS.rows;
  const answer = await rpcJson(rest, `read ${table} (${fn})`, fn, { tbl: table, season_from: first, season_to: last }) as { format?: unknown; fingerprint?: unknown; rows?: unknown } | null;
  if (!answer || answer.format !== 'vopa-universe-1' || typeof answer.fingerprint !== 'string') {
    throw new CompactShapeError(`${fn} answered in another shape (no format vopa-universe-1 with a fingerprint); apply ${UNIVERSE_MIGRATION} to the project`);
  }
  return { fingerprint: answer.fingerprint, ...universeRows(table, answer.rows, first, last, fn) };
}

/** Seasons first … last in keyset pages on (season, symbol): the way without the migration. */
export async function readUniversePages(rest: SupabaseRest, first: number, last: number): Promise<UniverseRow[]> {
  const table = rest.tables.universe;
  const out: UniverseRow[] = [];
  for (let season = first; season <= last; season++) {
    let total: number | null = null, got = 0, after: string | undefined;
    for (;;) {
      let q = rest.client.from(table).select('*', got ? undefined : { count: 'exact' }).eq('season', season);
      if (after !== undefined) q = q.gt('symbol', after);
      const res = await rest.run<Record<string, unknown>[]>(`read ${table}`, q.order('symbol', { ascending: true }).limit(PAGE_ROWS));
      if (!got) total = res.count;
      if (!res.data?.length) break;
      for (const r of res.data) out.push(universeRow(table, r, season));
      got += res.data.length;
      after = String(res.data[res.data.length - 1]!.symbol);
      if (total !== null && got >= total) break;
    }
  }
  return out;
}
