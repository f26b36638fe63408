import { DataError } from '../../errors.ts';
import { borrowRates, type BorrowRecord } from '../../panel/borrow.ts';
import { panelFromRows, type PriceRow } from '../../panel/from-rows.ts';
import type { Panel } from '../../panel/panel.ts';
import { applyUniverse, checkedShares, missingSeasons, missingSeasonsError, universeColumns, universeGroups, withExtra, type UniverseRow } from '../../panel/universe.ts';
import type { SupabaseRest } from '../../supabase/index.ts';
import { SupabaseHttpError } from '../../supabase/errors.ts';
import { isoDate, parseIsoDate, yearOf } from '../../util/dates.ts';
import type { DataSource, LoadedWindow, WindowRequest } from '../types.ts';
import type { ProgressReporter } from '../../util/progress.ts';
import { PAGE_ROWS, readPartition, type PageState, type PriceRecord } from './paginate.ts';
import { partitionSymbols } from './partitions.ts';

export type { ProgressReporter };

export interface SupabaseSourceOptions {
  /** Rows asked per page; the server's cap lowers it (default `PAGE_ROWS`, 10,000; Supabase's cap is 1,000). */
  readonly pageSize?: number;
  /** Told of progress while prices are read (rows so far of an expected total, null while unknown: a progress bar on a terminal). */
  readonly progress?: (label: string) => ProgressReporter & { stop(): void };
}

/**
 * Prices and universes in a Supabase project (the tables of supabase/migrations), read over
 * the run's one client. It builds the same panel as the local source for the same data:
 * 1. the universe's rows (one season, or start's year … end's for a rolling universe; keyset pages),
 *    whose symbols, sorted, are the panel's columns;
 * 2. the window from a calendar estimate of the warm-up (`warmupBars` trading days ≈ 7/5 as
 *    many calendar days, plus a margin) to `end`, read by symbol partitions concurrently,
 *    each with keyset pagination (see paginate.ts);
 * 3. when fewer than `warmupBars` trading days came back before `start`, earlier history is
 *    read until there are enough or the data begin (exactly as the local source finds them);
 * 4. rows before the first warm-up day are dropped and the panel is built by `panelFromRows`
 *    (calendar: days on which some member has a close; NaN for missing values);
 * 5. with `borrow`, the borrow table's rows of the members over the panel's days, by the same
 *    partitions and pagination (panel/borrow.ts).
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
    const symbols = members.map((m) => m.symbol);
    const partitions = partitionSymbols(symbols, this.rest.connections);
    const state: PageState = { limit: this.options.pageSize ?? PAGE_ROWS, cap: undefined, requests: 0 };
    const warmup = Math.max(0, Math.trunc(request.warmupBars));
    const rows: PriceRow[] = [];
    const bar = this.options.progress?.(`prices ${this.rest.host}`);
    let firstDay = request.startDay;
    try {
      // 2. The window with an estimated warm-up.
      let fromDay = request.startDay - calendarDays(warmup);
      await this.readRange(partitions, fromDay, request.endDay, state, rows, bar);
      // 3. More history while the warm-up is short and earlier data exist.
      for (;;) {
        const before = [...new Set(rows.filter((r) => r.day < request.startDay).map((r) => r.day))].sort((a, b) => b - a);
        if (before.length >= warmup) {
          firstDay = warmup === 0 ? request.startDay : before[warmup - 1]!;
          break;
        }
        const earlier = await this.latestBefore(partitions, fromDay);
        if (earlier === undefined) {
          firstDay = before.length ? before[before.length - 1]! : request.startDay;
          break;
        }
        const nextFrom = Math.min(earlier, fromDay - 1) - calendarDays(warmup - before.length);
        await this.readRange(partitions, nextFrom, fromDay - 1, state, rows, bar);
        fromDay = nextFrom;
      }
    } finally {
      bar?.stop(); // also when a read fails: a bar left running keeps the terminal's cursor hidden
    }
    // 4. The panel.
    const kept = rows.filter((r) => r.day >= firstDay);
    const where = `${this.rest.tables.prices} at ${this.rest.host}`;
    const built = applyUniverse(panelFromRows(members, kept, request.shared, { where, otherGroups: universeGroups(universe), season: firstSeason }), universe, mode, firstSeason);
    if (mode === 'rolling') {
      const missing = missingSeasons(built, request.startDay, request.endDay, universe);
      if (missing.length) throw missingSeasonsError(missing, `${this.rest.tables.universe} at ${this.rest.host}`, await this.seasons());
    }
    const panel = request.borrow ? { ...built, borrow: await this.borrowRates(partitions, built, state) } : built;
    return {
      panel,
      info: {
        kind: 'supabase',
        location: this.rest.url,
        rows: kept.length,
        tables: { prices: this.rest.tables.prices, universe: this.rest.tables.universe },
        requests: this.rest.counters.requests - requestsBefore,
        partitions: partitions.length,
        row_cap: state.cap ?? null,
      },
    };
  }

  async close(): Promise<void> {
    // The client belongs to the run, which closes it.
  }

  /**
   * The universe's rows of seasons first … last, in keyset pages on (season, symbol), with the optional
   * start_date / end_date columns when the table has them (a universe table from before they existed
   * is read without them).
   */
  private async universeRows(first: number, last: number): Promise<UniverseRow[]> {
    const table = this.rest.tables.universe;
    const out: UniverseRow[] = [];
    // Optional columns, dropped in turn when the table lacks them (42703): shares_outstanding, then the dates.
    const sets = ['symbol,peer_group,name,start_date,end_date,shares_outstanding', 'symbol,peer_group,name,start_date,end_date', 'symbol,peer_group,name'];
    let set = 0;
    for (let season = first; season <= last; season++) {
      let total: number | null = null, got = 0, after: string | undefined;
      for (;;) {
        const columns = sets[set]!;
        let q = this.rest.client.from(table).select(columns, got ? undefined : { count: 'exact' }).eq('season', season);
        if (after !== undefined) q = q.gt('symbol', after);
        let res;
        try {
          res = await this.rest.run<Record<string, unknown>[]>(`read ${table}`, q.order('symbol', { ascending: true }).limit(PAGE_ROWS));
        } catch (err) {
          // 42703: undefined column — a universe table from before the shares' or the dates' migration.
          if (set < sets.length - 1 && err instanceof SupabaseHttpError && err.pgCode === '42703') { set++; continue; }
          throw err;
        }
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
  private async borrowRates(partitions: string[][], panel: Panel, state: PageState): Promise<Float64Array> {
    const table = this.rest.tables.borrow;
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

  /** Reads [from, to] of every partition concurrently (the client bounds what is in flight). */
  private async readRange(partitions: string[][], from: number, to: number, state: PageState, rows: PriceRow[], bar: ProgressReporter | undefined): Promise<void> {
    if (to < from) return;
    const totals = new Map<number, number>();
    let done = 0;
    await Promise.all(partitions.map((symbols, p) =>
      readPartition(this.rest, symbols, isoDate(from), isoDate(to), state, (page: readonly PriceRecord[], total) => {
        if (total !== null) totals.set(p, total);
        for (const r of page) rows.push(toPriceRow(r));
        done += page.length;
        bar?.(done, totals.size === partitions.length ? [...totals.values()].reduce((a, b) => a + b, 0) : null);
      })));
  }

  /** The latest day with a price before `day` among the members, or undefined when none. */
  private async latestBefore(partitions: string[][], day: number): Promise<number | undefined> {
    const table = this.rest.tables.prices;
    const found = await Promise.all(partitions.map(async (symbols) => {
      const q = this.rest.client.from(table).select('date').in('symbol', symbols).lt('date', isoDate(day)).order('date', { ascending: false }).limit(1);
      const { data } = await this.rest.run<{ date: string }[]>(`read ${table}`, q);
      return data?.[0] ? parseIsoDate(String(data[0].date)) ?? undefined : undefined;
    }));
    const days = found.filter((d): d is number => d !== undefined);
    return days.length ? Math.max(...days) : undefined;
  }
}

/** Calendar days that surely hold `bars` trading days: 7/5 as many, plus a margin for holidays. */
function calendarDays(bars: number): number {
  return bars <= 0 ? 0 : Math.ceil((bars * 7) / 5) + 10;
}

function toPriceRow(r: PriceRecord): PriceRow {
  const day = parseIsoDate(String(r.date));
  if (day === null) throw new DataError(`prices: "${r.date}" is not a date (symbol ${r.symbol})`, 'E_SUPABASE_DATE');
  return { symbol: r.symbol, day, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume };
}
