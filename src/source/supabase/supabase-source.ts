import type { WindowCache } from '../../cache/index.ts';
import { DataError } from '../../errors.ts';
import type { Member } from '../../panel/from-rows.ts';
import type { SupabaseRest } from '../../supabase/index.ts';
import type { DataSource, LoadedWindow, WindowRequest } from '../types.ts';
import type { ProgressReporter } from '../../util/progress.ts';
import { PAGE_ROWS } from './paginate.ts';
import { readPriceWindow } from './price-window.ts';
import { panelFromSeries } from './series.ts';

export type { ProgressReporter };

export interface SupabaseSourceOptions {
  /** Rows asked per page; the server's cap lowers it (default `PAGE_ROWS`, 10,000; Supabase's cap is 1,000). */
  readonly pageSize?: number;
  /** Told of progress while prices are read (rows so far of an expected total, null while unknown: a progress bar on a terminal). */
  readonly progress?: (label: string) => ProgressReporter & { stop(): void };
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
 * 1. the season's members, sorted by symbol (keyset pages on symbol);
 * 2. their prices over the window and its warm-up (price-window.ts): from the local cache when
 *    it is still valid, else by the compact bulk read, else (without its migration) by keyset
 *    pages; the first day is the `warmupBars`-th trading day before start, as the local source
 *    finds it;
 * 3. the panel, built by `panelFromSeries` (calendar: days on which some member has a close;
 *    NaN for missing values).
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
    const members = await this.members(request.season);
    if (members.length === 0) {
      const seasons = await this.seasons();
      throw new DataError(
        `season ${request.season} has no universe rows in ${this.rest.tables.universe} at ${this.rest.host}; seasons that exist: ${seasons.join(', ') || 'none'}`,
        'E_NO_SEASON',
      );
    }
    const priceRequestsBefore = this.rest.counters.requests;
    const bar = this.options.progress?.(`prices ${this.rest.host}`);
    let window;
    try {
      window = await readPriceWindow(this.rest, members.map((m) => m.symbol), request, {
        mode: this.options.read, cache: this.options.cache ?? 'off', pageSize: this.options.pageSize ?? PAGE_ROWS,
        rowsPerCall: this.options.rowsPerCall, warn: this.options.warn, bar,
      });
    } finally {
      bar?.stop(); // also when a read fails: a bar left running keeps the terminal's cursor hidden
    }
    const { panel, rows } = panelFromSeries(members, (symbol) => window.store.series(symbol), window.firstDay, request.endDay, request.shared);
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

  /** The season's members, sorted by symbol, in keyset pages. */
  private async members(season: number): Promise<Member[]> {
    const table = this.rest.tables.universe;
    const out: Member[] = [];
    let total: number | null = null;
    for (;;) {
      let q = this.rest.client.from(table).select('symbol,peer_group,name', out.length ? undefined : { count: 'exact' }).eq('season', Math.trunc(season));
      if (out.length) q = q.gt('symbol', out[out.length - 1]!.symbol);
      const res = await this.rest.run<{ symbol: string; peer_group: string | null; name: string | null }[]>(`read ${table}`, q.order('symbol', { ascending: true }).limit(PAGE_ROWS));
      if (!out.length) total = res.count;
      if (!res.data?.length) break;
      for (const r of res.data) out.push({ symbol: String(r.symbol), peer_group: String(r.peer_group ?? 'default'), name: r.name ?? '' });
      if (total !== null && out.length >= total) break;
    }
    return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }
}
