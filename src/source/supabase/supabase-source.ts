import type { WindowCache } from '../../cache/index.ts';
import { DataError } from '../../errors.ts';
import { borrowRates, type BorrowRecord } from '../../panel/borrow.ts';
import type { Panel } from '../../panel/panel.ts';
import { applyUniverse, missingSeasons, missingSeasonsError, universeColumns, universeGroups, withExtra, type Member, type UniverseRow } from '../../panel/universe.ts';
import type { SupabaseRest } from '../../supabase/index.ts';
import { SupabaseHttpError } from '../../supabase/errors.ts';
import { UNIVERSE_FUNCTIONS, UNIVERSE_MIGRATION } from '../../supabase/schema.ts';
import { yearOf } from '../../util/dates.ts';
import type { DataSource, LoadedWindow, WindowRequest } from '../types.ts';
import type { ProgressFactory, ProgressReporter } from '../../util/progress.ts';
import { PAGE_ROWS, readPartition, type PageState } from './paginate.ts';
import { partitionSymbols } from './partitions.ts';
import { CompactUnavailable } from './compact-read.ts';
import { readPriceWindow, UniverseUnvalidated } from './price-window.ts';
import { readUniverseFunction, readUniversePages, universeRows } from './universe-read.ts';
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
 * 1. the universe's rows (one season, or start's year … end's for a rolling universe), whose
 *    symbols, sorted, are the panel's columns (with any extra symbol, a benchmark's): from the
 *    cache, validated in the window's one check request (and its new rows brought by that
 *    request when it changed); else in one request (`backtest_universe_rows`); else, without
 *    the universe migration, in keyset pages (one warning);
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
  /** False once the universe migration's functions were found missing (one warning). */
  private universeFunctions = true;

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
    try {
      return await this.load(request, true);
    } catch (err) {
      if (!(err instanceof UniverseUnvalidated)) throw err;
      // A cached universe, and a server that lost the check that validates it: everything again, the universe read afresh.
      this.missingUniverseFunctions(err.fn);
      return this.load(request, false);
    }
  }

  private async load(request: WindowRequest, cachedUniverse: boolean): Promise<LoadedWindow> {
    const requestsBefore = this.rest.counters.requests;
    const mode = request.universe ?? 'pinned';
    const firstSeason = mode === 'pinned' ? Math.trunc(request.season) : yearOf(request.startDay);
    const lastSeason = mode === 'pinned' ? Math.trunc(request.season) : yearOf(request.endDay);
    const table = this.rest.tables.universe;
    const cache = typeof this.options.cache === 'object' && this.options.read !== 'keyset' ? this.options.cache : undefined;
    let held = cache && cachedUniverse && this.universeFunctions ? cache.loadUniverse(this.rest.host, table, firstSeason, lastSeason) : undefined;
    if (held && 'damaged' in held) {
      this.options.warn?.(`cache: ${held.damaged}; the file was discarded and the universe is read from Supabase again`);
      held = undefined;
    }
    let universe: UniverseRow[];
    let universeFrom: 'cache' | 'function' | 'pages';
    if (held) {
      universe = universeRows(table, held.rows, firstSeason, lastSeason, 'the cached universe').rows;
      universeFrom = 'cache';
    } else {
      ({ rows: universe, from: universeFrom } = await this.readUniverse(firstSeason, lastSeason, cache));
    }
    const asked = firstSeason === lastSeason ? `season ${firstSeason} has` : `seasons ${firstSeason}–${lastSeason} have`;
    if (universe.length === 0) {
      const seasons = await this.seasons();
      throw new DataError(`${asked} no universe rows in ${table} at ${this.rest.host}; seasons that exist: ${seasons.join(', ') || 'none'}`, 'E_NO_SEASON');
    }
    let members: Member[] = withExtra(universeColumns(universe), request.extraSymbols);
    this.options.admit?.({ symbols: members.length });
    const priceRequestsBefore = this.rest.counters.requests;
    const bar = this.options.progress?.(`prices ${this.rest.host}`, 'rows');
    let window;
    try {
      window = await readPriceWindow(this.rest, members.map((m) => m.symbol), request, {
        mode: this.options.read, cache: this.options.cache ?? 'off', pageSize: this.options.pageSize ?? PAGE_ROWS,
        rowsPerCall: this.options.rowsPerCall, warn: this.options.warn, bar,
        universe: held && cache && {
          held: { table, first: firstSeason, last: lastSeason, fingerprint: held.fingerprint },
          changed: (raw, fingerprint) => {
            // The universe changed on the server: its rows came with the check (one request, not one more).
            const fresh = universeRows(table, raw, firstSeason, lastSeason, UNIVERSE_FUNCTIONS.check);
            universe = fresh.rows;
            universeFrom = 'function';
            if (universe.length === 0) throw new DataError(`${asked} no universe rows in ${table} at ${this.rest.host} any more`, 'E_NO_SEASON');
            this.keepUniverse(cache, firstSeason, lastSeason, fingerprint, fresh.raw);
            members = withExtra(universeColumns(universe), request.extraSymbols);
            this.options.admit?.({ symbols: members.length });
            return members.map((m) => m.symbol);
          },
        },
      });
    } finally {
      bar?.stop(); // also when a read fails: a bar left running keeps the terminal's cursor hidden
    }
    const where = `${this.rest.tables.prices} at ${this.rest.host}`;
    const { panel: read, rows } = panelFromSeries(members, (symbol) => window.store.series(symbol), window.firstDay, request.endDay, request.shared, { where, otherGroups: universeGroups(universe), season: firstSeason });
    const built = applyUniverse(read, universe, mode, firstSeason);
    if (mode === 'rolling') {
      const missing = missingSeasons(built, request.startDay, request.endDay, universe);
      if (missing.length) throw missingSeasonsError(missing, `${table} at ${this.rest.host}`, await this.seasons());
    }
    const panel = request.borrow ? { ...built, borrow: await this.borrowRates(built) } : built;
    return {
      panel,
      info: {
        kind: 'supabase',
        location: this.rest.url,
        rows,
        tables: { prices: this.rest.tables.prices, universe: table },
        requests: this.rest.counters.requests - requestsBefore,
        price_requests: this.rest.counters.requests - priceRequestsBefore,
        universe_read: universeFrom,
        ...window.info,
      },
    };
  }

  async close(): Promise<void> {
    // The client belongs to the run, which closes it.
  }

  /**
   * The universe's rows of seasons first … last: in one request with the universe migration (kept
   * in the cache with the fingerprint the server gave them), else in keyset pages (one warning).
   */
  private async readUniverse(first: number, last: number, cache: WindowCache | undefined): Promise<{ rows: UniverseRow[]; from: 'function' | 'pages' }> {
    if (this.universeFunctions) {
      try {
        const answer = await readUniverseFunction(this.rest, first, last);
        if (cache && answer.rows.length) this.keepUniverse(cache, first, last, answer.fingerprint, answer.raw);
        return { rows: answer.rows, from: 'function' };
      } catch (err) {
        if (!(err instanceof CompactUnavailable)) throw err;
        this.missingUniverseFunctions(err.fn);
      }
    }
    return { rows: await readUniversePages(this.rest, first, last), from: 'pages' };
  }

  /** Writes a universe to the cache; a failure to write is a warning, not the run's end. */
  private keepUniverse(cache: WindowCache, first: number, last: number, fingerprint: string, rows: readonly Record<string, unknown>[]): void {
    try {
      cache.saveUniverse({ host: this.rest.host, table: this.rest.tables.universe, first, last, fingerprint, rows });
    } catch (err) {
      this.options.warn?.(`cache: the universe could not be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the run goes on without it`);
    }
  }

  private missingUniverseFunctions(fn: string): void {
    if (!this.universeFunctions) return;
    this.universeFunctions = false;
    this.options.warn?.(`${this.rest.host}: the universe read is not installed (function ${fn} is missing): the universe is read in keyset pages and not cached, and a re-run makes a request more per 1,000 members; apply ${UNIVERSE_MIGRATION} to the project`);
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
