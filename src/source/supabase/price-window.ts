import type { WindowCache } from '../../cache/index.ts';
import type { SupabaseRest } from '../../supabase/client.ts';
import type { ProgressReporter } from '../../util/progress.ts';
import { CompactReader, CompactUnavailable, monthsDigest, monthStart, type UniverseHeld } from './compact-read.ts';
import { KeysetReader } from './keyset-read.ts';
import { APPLY_COMPACT, COMPACT_MIGRATION } from '../../supabase/schema.ts';
import { emptySeries, sliceSeries, UNKNOWN_REVISION, WindowStore, type Series } from './series.ts';

/**
 * The prices of "these symbols, these dates": [start, end] and `warmupBars` trading days before
 * start, read into a `WindowStore`, whatever decides the symbols (one season's members, the
 * union of several, a benchmark).
 * 1. Cache: the cached file that holds the most of these symbols and dates is validated with one
 *    request (`backtest_prices_check`); the symbols unchanged since it was written are taken
 *    from it, the others (changed, or not in it) are read. When the symbols come from a cached
 *    universe, that request (`backtest_window_check`) validates the universe too, and brings its
 *    rows when it changed: the symbols are then those of the new rows (`universe.changed`).
 * 2. The window from a calendar estimate of the warm-up (`warmupBars` trading days ≈ 7/5 as many
 *    calendar days, plus a margin) to `end`: every symbol's missing dates, by the compact read
 *    (one `backtest_prices_window` call per ~100,000 rows) or, without the migration, keyset
 *    pages (with one warning).
 * 3. While fewer than `warmupBars` trading days are held before `start` over the dates every
 *    symbol covers, earlier history is read (from the latest day before them, asked of the
 *    server unless what is held decides it) until there are enough or the data begin: the
 *    first day is then exactly the one the local source finds, whatever came from the cache.
 * 4. What was read from the server is written back to the cache as one file for these symbols.
 */
export interface PriceWindowRequest {
  readonly startDay: number;
  readonly endDay: number;
  readonly warmupBars: number;
}

export interface PriceWindowOptions {
  /** `keyset` reads JSON pages even when the compact read is installed (tests, the benchmark). */
  readonly mode?: 'auto' | 'keyset';
  /** The cache, or why there is none (`off`: --no-cache; `unwritable`: its folder). */
  readonly cache?: WindowCache | 'off' | 'unwritable';
  readonly pageSize?: number;
  readonly rowsPerCall?: number;
  readonly warn?: (message: string) => void;
  readonly bar?: ProgressReporter;
  /**
   * The cached universe the symbols come from, validated in the cache's check; `changed` is told
   * its rows when the server's differ, and answers the symbols of those rows.
   */
  readonly universe?: { readonly held: UniverseHeld; readonly changed: (rows: unknown[], fingerprint: string) => readonly string[] } | undefined;
}

/** The check that validates a cached universe is not on the server: the universe must be read again. */
export class UniverseUnvalidated extends Error {
  readonly fn: string;
  constructor(fn: string, options?: ErrorOptions) {
    super(`function ${fn} is missing`, options);
    this.fn = fn;
  }
}

/** How the window was read, for the manifest. */
export interface PriceWindowInfo {
  readonly read: 'compact' | 'keyset';
  readonly calls: number;
  readonly row_cap: number | null;
  readonly cache: CacheInfo;
}

export interface CacheInfo {
  /** hit: every symbol from the cache; partial: some; miss: none; else why the cache was not used. */
  status: 'hit' | 'partial' | 'miss' | 'off' | 'unwritable' | 'unavailable' | 'untracked';
  file: string | null;
  symbols_from_cache: number;
  symbols_read: number;
  rows_read: number;
  saved: string | null;
  damaged?: string;
}

export interface PriceWindow {
  readonly store: WindowStore;
  readonly firstDay: number;
  readonly info: PriceWindowInfo;
}

export async function readPriceWindow(rest: SupabaseRest, asked: readonly string[], request: PriceWindowRequest, options: PriceWindowOptions = {}): Promise<PriceWindow> {
  let symbols = asked;
  const warn = options.warn ?? (() => {});
  const { startDay: start, endDay: end } = request;
  const warmup = Math.max(0, Math.trunc(request.warmupBars));
  const store = new WindowStore();
  const keyset = new KeysetReader(rest, options.pageSize);
  let compact: CompactReader | undefined = options.mode === 'keyset' ? undefined : new CompactReader(rest, options.rowsPerCall);
  const calls = compact;
  let tracked = true;
  let revalidated = 0;
  let fetched = false;
  const cache = typeof options.cache === 'object' ? options.cache : undefined;
  const cacheInfo: CacheInfo = {
    status: typeof options.cache === 'string' ? options.cache : cache ? 'miss' : 'off',
    file: null, symbols_from_cache: 0, symbols_read: 0, rows_read: 0, saved: null,
  };
  const host = rest.host;
  const table = rest.tables.prices;
  let done = 0;

  const fallBack = (err: CompactUnavailable) => {
    if (!compact) return;
    warn(`${host}: the compact bulk read is not installed (function ${err.fn} is missing): prices are read in keyset pages, and not cached; ${APPLY_COMPACT} to read in far fewer requests`);
    compact = undefined;
    if (cache) cacheInfo.status = 'unavailable';
  };

  // 1. The cache.
  let entry: { file: string; from: number; to: number; symbols: readonly string[] } | undefined;
  const from0 = start - calendarDays(warmup);
  if (cache && compact) {
    const { best: found, damaged } = cache.find(host, table, symbols, from0, end);
    if (found || options.universe) {
      const h = found?.header;
      const wanted = new Set(symbols);
      const common = h ? h.symbols.map((s, k) => [s, k] as const).filter(([s]) => wanted.has(s)) : [];
      // The check travels while the file is read and its checksum verified.
      const checking = compact.check(common.map(([s]) => s), common.map(([, k]) => h!.revisions[k]!), h?.from ?? from0, h?.to ?? end, options.universe?.held)
        .then((answer) => ({ answer }), (error: unknown) => ({ error }));
      const data = found ? await cache.load(found.file) : undefined;
      const checked = await checking;
      if (data && 'damaged' in data) damaged.push(data.damaged);
      if ('error' in checked) {
        if (!(checked.error instanceof CompactUnavailable)) throw checked.error;
        if (options.universe) throw new UniverseUnvalidated(checked.error.fn, { cause: checked.error });
        fallBack(checked.error);
      } else {
        const now = checked.answer.universe;
        if (options.universe && now?.rows) symbols = options.universe.changed(now.rows, now.fingerprint);
        const still = new Set(symbols);
        if (!checked.answer.tracked) {
          tracked = false;
        } else if (h && data && !('damaged' in data) && data.header.created === h.created) { // not replaced by another run meanwhile
          entry = { file: found!.file, from: h.from, to: h.to, symbols: h.symbols };
          cacheInfo.file = found!.file;
          for (const [symbol, k] of common) {
            if (!still.has(symbol)) continue; // left the universe
            const moved = checked.answer.moved.get(symbol);
            let revision: string | null = h.revisions[k]!;
            if (moved) {
              const held = monthsDigest(data.months[k]!, h.from, h.to);
              if (held === undefined || held !== moved.months) continue; // changed in these dates: read again
              revision = moved.revision; // changed elsewhere only: still good here
              revalidated++;
            }
            store.add(symbol, h.from, h.to, data.series[k]!, { revision, months: data.months[k]! });
            cacheInfo.symbols_from_cache++;
          }
        }
      }
    }
    for (const reason of damaged) warn(`cache: ${reason}; the file was discarded and its window is read from Supabase again`);
    if (damaged.length) cacheInfo.damaged = damaged.join('; ');
  }

  /** Reads what `symbols` lack of [from, to] (as one contiguous range each). */
  const ensure = async (from: number, to: number): Promise<void> => {
    const groups = new Map<string, { lo: number; hi: number; symbols: string[] }>();
    const need = (symbol: string, lo: number, hi: number) => {
      if (hi < lo) return;
      const key = `${lo}:${hi}`;
      if (!groups.has(key)) groups.set(key, { lo, hi, symbols: [] });
      groups.get(key)!.symbols.push(symbol);
    };
    for (const symbol of symbols) {
      const c = store.coverage(symbol);
      if (!c) need(symbol, from, to);
      else {
        need(symbol, Math.min(from, c.from), c.from - 1);
        need(symbol, c.to + 1, Math.max(to, c.to));
      }
    }
    // Every group settles before a fallback reads again what is still missing (never twice).
    const results = await Promise.allSettled([...groups.values()].map((g) => readGroup(g.symbols, g.lo, g.hi)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) return;
    if (!(failed.reason instanceof CompactUnavailable) || !results.every((r) => r.status === 'fulfilled' || r.reason instanceof CompactUnavailable)) throw failed.reason;
    fallBack(failed.reason);
    return ensure(from, to);
  };

  const readGroup = async (group: string[], lo: number, hi: number): Promise<void> => {
    fetched = true;
    const got = new Set<string>();
    const take = (symbol: string, series: Series, revisions?: { revision: string | null; months: ReadonlyMap<number, string> }) => {
      got.add(symbol);
      store.add(symbol, lo, hi, series, revisions);
      store.rowsRead += series.days.length;
      done += series.days.length;
      if (compact) options.bar?.(done, null); // keyset pages report their own progress, with the total once counted
    };
    if (compact) {
      const answer = await compact.read(group, lo, hi, (p) => take(p.symbol, p.series, { revision: p.revision, months: p.months }));
      tracked &&= answer.tracked;
    } else {
      await keyset.read(group, lo, hi, (symbol, series) => take(symbol, series), options.bar);
    }
    for (const symbol of group) if (!got.has(symbol)) store.add(symbol, lo, hi, emptySeries());
  };

  // 2. The window with an estimated warm-up.
  await ensure(from0, end);
  // 3. More history while the warm-up is short and earlier data exist.
  let firstDay: number;
  for (;;) {
    const common = bound(store, symbols, 'from');
    const before = store.daysBefore(start).filter((d) => d >= common);
    if (before.length >= warmup) {
      firstDay = warmup === 0 ? start : before[warmup - 1]!;
      break;
    }
    const earlier = store.latestBeforeHeld(symbols, common) ?? (await latestBefore(common));
    if (earlier === undefined) {
      firstDay = before.length ? before[before.length - 1]! : start;
      break;
    }
    const nextFrom = Math.min(earlier, common - 1) - calendarDays(warmup - before.length);
    await ensure(nextFrom, common - 1);
  }

  async function latestBefore(day: number): Promise<number | undefined> {
    if (compact) {
      try {
        return await compact.latestBefore(symbols, day);
      } catch (err) {
        if (!(err instanceof CompactUnavailable)) throw err;
        fallBack(err);
      }
    }
    return keyset.latestBefore(symbols, day);
  }

  // 4. Back to the cache.
  cacheInfo.rows_read = store.rowsRead;
  cacheInfo.symbols_read = symbols.length - cacheInfo.symbols_from_cache;
  if (!tracked && cache) {
    cacheInfo.status = 'untracked';
    warn(`${host}: table ${table} has no revision triggers, so a cached window could not be validated: the cache is not used; run \`select backtest_track_revisions('${table}')\` in the project (see ${COMPACT_MIGRATION})`);
  } else if (cache && compact && cacheInfo.status !== 'unavailable') {
    cacheInfo.status = cacheInfo.symbols_from_cache === 0 ? 'miss' : store.rowsRead === 0 ? 'hit' : 'partial';
    if (fetched || revalidated > 0) cacheInfo.saved = save(cache, store, symbols, host, table, entry, warn);
  }
  return { store, firstDay, info: { read: calls && compact ? 'compact' : 'keyset', calls: calls?.calls ?? 0, row_cap: keyset.state.cap ?? null, cache: cacheInfo } };
}

/** Writes the window held as one file: the dates every symbol covers, their revisions within them. */
function save(cache: WindowCache, store: WindowStore, symbols: readonly string[], host: string, table: string,
  entry: { file: string; from: number; to: number; symbols: readonly string[] } | undefined, warn: (m: string) => void): string | null {
  const from = bound(store, symbols, 'from');
  const to = bound(store, symbols, 'to');
  const first = monthStart(from);
  const revisions = symbols.map((s) => store.revisions(s));
  const months = revisions.map((r) => new Map([...r.months].filter(([m]) => m >= first && m <= to)));
  const inside = (e: NonNullable<typeof entry>) => e.from >= from && e.to <= to && e.symbols.every((s) => symbols.includes(s));
  try {
    const saved = cache.save(
      { host, table, from, to, symbols: [...symbols], revisions: revisions.map((r) => (r.revision === undefined ? UNKNOWN_REVISION : r.revision)) },
      symbols.map((s) => sliceSeries(store.series(s), from, to)), months, entry && inside(entry) ? entry.file : undefined,
    );
    return saved?.file ?? null;
  } catch (err) {
    warn(`cache: the window could not be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the run goes on without it`);
    return null;
  }
}

/** The dates every symbol covers: the latest start (`from`) or the earliest end (`to`). */
function bound(store: WindowStore, symbols: readonly string[], side: 'from' | 'to'): number {
  let out = side === 'from' ? -Infinity : Infinity;
  for (const s of symbols) {
    const c = store.coverage(s)!;
    out = side === 'from' ? Math.max(out, c.from) : Math.min(out, c.to);
  }
  return out;
}

/** Calendar days that surely hold `bars` trading days: 7/5 as many, plus a margin for holidays. */
export function calendarDays(bars: number): number {
  return bars <= 0 ? 0 : Math.ceil((bars * 7) / 5) + 10;
}
