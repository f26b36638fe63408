import type { WindowCache } from '../../cache/index.ts';
import { DataError } from '../../errors.ts';
import { borrowRates, type BorrowRecord } from '../../panel/borrow.ts';
import type { Panel } from '../../panel/panel.ts';
import { applyUniverse, checkedShares, missingSeasons, missingSeasonsError, universeColumns, universeGroups, withExtra, type UniverseRow } from '../../panel/universe.ts';
import type { SupabaseRest } from '../../supabase/index.ts';
import { SupabaseHttpError } from '../../supabase/errors.ts';
import { parseIsoDate, yearOf } from '../../util/dates.ts';
import type { DataSource, LoadedWindow, WindowRequest } from '../types.ts';
import type { ProgressFactory, ProgressReporter } from '../../util/progress.ts';
import { PAGE_ROWS, readPartition, type PageState } from './paginate.ts';
import { partitionSymbols } from './partitions.ts';
import { readPriceWindow } from './price-window.ts';
import { panelFromSeries } from './series.ts';

export type { ProgressReporter };

export interface SupabaseSourceOptions {
  /** Rows asked per page; the server's cap lowers it (default `PAGE_ROWS`, 10,000; Supabase's cap is 1,000). */
  readonly pageSize?: number;
  /** Told of progress while prices are read (rows so far of an expected total, null while unknown: a progress bar on a terminal). */
  readonly progress?: ProgressFactory | undefined;
  /** Told the window's columns once the universe is read, before any price is: may refuse the run by throwing (the memory guard). */
  readonly admit?: ((window: { readonly symbols: number }) => void) | undefined;
  /** Told once of each thing worth knowing that does not stop the run (the migration missing, a damaged cache file). */
  readonly warn?: (message: string) => void;
  /** The local cache of windows, or why there is none (default `off`). */
  readonly cache?: WindowCache | 'off' | 'unwritable';
  /** `keyset` reads JSON pages even when the compact read is installed (tests, the benchmark). */
  readonly read?: 'auto' | 'keyset';
  /** Rows per compact call (default: compact-read.ts `ROWS_PER_CALL`). */
  readonly rowsPerCall?: number;
}

/**
 * Prices and universes in a Supabase project (the tables of supabase/migrations), read over
 * the run's one client. It builds the same panel as the local source for the same data:
 * 1. the universe's rows (one season, or start's year … end's for a rolling universe; keyset pages),
 *    whose symbols, sorted, are the panel's columns (with any extra symbol, a benchmark's);
 * 2. their prices over the window and its warm-up (price-window.ts): from the local cache when
 *    it is still valid, else by the compact bulk read, else (without its migration) by keyset
 *    pages; the first day is the `warmupBars`-th trading day before start, as the local source
 *    finds it;
 * 3. the panel, built by `panelFromSeries` (calendar: days on which some member has a close;
 *    NaN for missing values; every row checked as the local source checks it), with the
 *    membership of each day (panel/universe.ts);
 * 4. with `borrow`, the borrow table's rows of the members over the panel's days, in keyset pages
 *    by symbol partitions (panel/borrow.ts).
 */
export class SupabaseSource implements DataSource {
  readonly kind = 'supabase' as const;
  private readonly rest: SupabaseRest;
  private readonly options: SupabaseSourceOptions;

  constructor(rest: SupabaseRest, options: SupabaseSourceOptions = {}) {
    this.rest = rest;
    this.options = options;
  }

  async seasons(): Promise<number[]> {
    const seasons: number[] = [];
    const table = this.rest.tables.universe;
    for (;;) {
      let q = this.rest.client.from(table).select('season').order('season', { ascending: true }).limit(1);
      if (seasons.length) q = q.gt('season', seasons[seasons.length - 1]!);
      const { data } = await this.rest.run<{ season: number }[]>(`read ${table}`, q);
      if (!data?.length) return seasons;
      seasons.push(Number(data[0]!.season));
    }
  }

  async loadWindow(request: WindowRequest): Promise<LoadedWindow> {
    const requestsBefore = this.rest.counters.requests;
    const mode = request.universe ?? 'pinned';
    const firstSeason = mode === 'pinned' ? Math.trunc(request.season) : yearOf(request.startDay);
    const lastSeason = mode === 'pinned' ? Math.trunc(request.season) : yearOf(request.endDay);
    const universe = await this.universeRows(firstSeason, lastSeason);
    if (universe.length === 0) {
      const seasons = await this.seasons();
      const asked = firstSeason === lastSeason ? `season ${firstSeason} has` : `seasons ${firstSeason}–${lastSeason} have`;
      throw new DataError(`${asked} no universe rows in ${this.rest.tables.universe} at ${this.rest.host}; seasons that exist: ${seasons.join(', ') || 'none'}`, 'E_NO_SEASON');
    }
    const members = withExtra(universeColumns(universe), request.extraSymbols);
    this.options.admit?.({ symbols: members.length });
    const priceRequestsBefore = this.rest.counters.requests;
    const bar = this.options.progress?.(`prices ${this.rest.host}`, 'rows');
    let window;
    try {
      window = await readPriceWindow(this.rest, members.map((m) => m.symbol), request, {
        mode: this.options.read, cache: this.options.cache ?? 'off', pageSize: this.options.pageSize ?? PAGE_ROWS,
        rowsPerCall: this.options.rowsPerCall, warn: this.options.warn, bar,
      });
    } finally {
      bar?.stop(); // also when a read fails: a bar left running keeps the terminal's cursor hidden
    }
    const where = `${this.rest.tables.prices} at ${this.rest.host}`;
    const { panel: read, rows } = panelFromSeries(members, (symbol) => window.store.series(symbol), window.firstDay, request.endDay, request.shared, { where, otherGroups: universeGroups(universe), season: firstSeason });
    const built = applyUniverse(read, universe, mode, firstSeason);
    if (mode === 'rolling') {
      const missing = missingSeasons(built, request.startDay, request.endDay, universe);
      if (missing.length) throw missingSeasonsError(missing, `${this.rest.tables.universe} at ${this.rest.host}`, await this.seasons());
    }
    const panel = request.borrow ? { ...built, borrow: await this.borrowRates(built) } : built;
    return {
      panel,
      info: {
        kind: 'supabase',
        location: this.rest.url,
        rows,
        tables: { prices: this.rest.tables.prices, universe: this.rest.tables.universe },
        requests: this.rest.counters.requests - requestsBefore,
        price_requests: this.rest.counters.requests - priceRequestsBefore,
        ...window.info,
      },
    };
  }

  async close(): Promise<void> {
    // The client belongs to the run, which closes it.
  }

  /**
   * The universe's rows of seasons first … last, in keyset pages on (season, symbol), with the optional
   * start_date / end_date and shares_outstanding columns when the table has them (a universe table
   * from before they existed is read without them).
   */
  private async universeRows(first: number, last: number): Promise<UniverseRow[]> {
    const table = this.rest.tables.universe;
    const out: UniverseRow[] = [];
    // Every column (`*`): the optional ones — start_date / end_date, shares_outstanding — are used when the
    // table has them, with no request to learn which it has.
    for (let season = first; season <= last; season++) {
      let total: number | null = null, got = 0, after: string | undefined;
      for (;;) {
        let q = this.rest.client.from(table).select('*', got ? undefined : { count: 'exact' }).eq('season', season);
        if (after !== undefined) q = q.gt('symbol', after);
        const res = await this.rest.run<Record<string, unknown>[]>(`read ${table}`, q.order('symbol', { ascending: true }).limit(PAGE_ROWS));
        if (!got) total = res.count;
        if (!res.data?.length) break;
        for (const r of res.data) {
          const day = (v: unknown, key: string): number | null => {
            if (v === null || v === undefined || v === '') return null;
            const d = parseIsoDate(String(v));
            if (d === null) throw new DataError(`${table}: season ${season}, ${String(r.symbol)}: ${key} "${String(v)}" is not a date`, 'E_BAD_UNIVERSE');
            return d;
          };
          out.push({
            season, symbol: String(r.symbol), peer_group: String(r.peer_group ?? 'default'), name: r.name == null ? '' : String(r.name), start_day: day(r.start_date, 'start_date'), end_day: day(r.end_date, 'end_date'),
            shares_outstanding: checkedShares(r.shares_outstanding, `${table}: season ${season}, ${String(r.symbol)}`),
          });
        }
        got += res.data.length;
        after = String(res.data[res.data.length - 1]!.symbol);
        if (total !== null && got >= total) break;
      }
    }
    return out;
  }

  /** The members' borrow-table rows over the panel's days, as its fees; a project without the table is bad input. */
  private async borrowRates(panel: Panel): Promise<Float64Array> {
    const table = this.rest.tables.borrow;
    const partitions = partitionSymbols(panel.symbols, this.rest.connections);
    const state: PageState = { limit: this.options.pageSize ?? PAGE_ROWS, cap: undefined, requests: 0 };
    const rows: BorrowRecord[] = [];
    const from = panel.dates[0]!, to = panel.dates[panel.dates.length - 1]!;
    try {
      await Promise.all(partitions.map((symbols) =>
        readPartition<{ symbol: string; date: string; fee_bps: unknown }>(this.rest, symbols, from, to, state, (page) => {
          for (const r of page) rows.push({ symbol: r.symbol, date: r.date, fee: r.fee_bps });
        }, { table, columns: 'symbol,date,fee_bps' })));
    } catch (err) {
      // 42P01 / PGRST205: no such table (supabase/migrations adds it).
      if (err instanceof SupabaseHttpError && (err.pgCode === '42P01' || err.pgCode === 'PGRST205' || err.status === 404)) {
        throw new DataError(`--borrow-table: ${table} at ${this.rest.host} cannot be read (${err.pgCode || err.status}); create it with supabase/migrations (borrow(symbol, date, fee_bps))`, 'E_NO_BORROW');
      }
      throw err;
    }
    return borrowRates(panel, rows, `${table} at ${this.rest.host}`);
  }
}
