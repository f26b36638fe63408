import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SupabaseRest } from '../../supabase/client.ts';
import { isMissingFunction, SupabaseHttpError } from '../../supabase/errors.ts';
import { isoDate, parseIsoDate } from '../../util/dates.ts';
import { COMPACT_FUNCTIONS as FUNCTIONS, COMPACT_MIGRATION, PACKED_MIGRATION, SCALED_MIGRATION, UNIVERSE_FUNCTIONS, UNIVERSE_MIGRATION } from '../../supabase/schema.ts';
import { CompactCutError, CompactShapeError, decodeWindow, type WindowSymbol } from './compact-format.ts';
import { UNKNOWN_REVISION } from './series.ts';

/**
 * The compact bulk read: windows through the functions of the compact-reads migration, called
 * with `POST /rpc/` (the symbols go in the body, not the URL) through the run's one client,
 * answered as one JSON object per call (compact-format.ts), compressed where the server offers it.
 * 1. Calls are sized from the window: about `rowsPerCall` rows each (symbols × the range's
 *    estimated trading days), so that each stays far below the statement timeout; a smaller
 *    window still goes out as up to one call per connection (of 20,000 rows or more), side by
 *    side; every call gets an even share of the symbols.
 * 2. Each call is retried like any read (the functions only read); a body that is not whole
 *    is asked for again (`cut body`, up to 4 attempts); a statement timeout (57014) splits the
 *    call's symbols in two.
 * 3. Windows are asked of `backtest_prices_window_scaled` (fewer bytes: 20261201000000_window_scaled.sql,
 *    redefined by 20261202000000_window_packed.sql; either format is read) and, once it answers
 *    that it is missing, of `backtest_prices_window` for the rest of the run.
 *    Before a window of several calls, one call for no symbols learns which (so that calls sent
 *    side by side do not each learn it with a request of their own); a window of one call learns
 *    it from its own call.
 * 4. A missing function (404 PGRST202: the migration is not applied) is `CompactUnavailable`,
 *    for the caller to fall back on keyset pages; an answer of another shape is an error that
 *    names the migration (`CompactShapeError`).
 */
/**
 * Rows per call. Measured on the test server (PGlite, single-threaded WebAssembly, much slower
 * than a real Postgres): about 0.5 s per 100,000 rows on its 2-core machine, so a call stays an
 * order of magnitude under Supabase's 8 s statement timeout for the service role even there
 * (bench/supabase-scale.ts measures it).
 */
export const ROWS_PER_CALL = 100_000;
/** Below this a window is read in one call: splitting it would cost more in requests than it saves. */
const MIN_ROWS_TO_SPLIT = 20_000;
const CUT_ATTEMPTS = 4;

/** The function is not on the server (the migration is not applied). */
export class CompactUnavailable extends Error {
  readonly fn: string;
  constructor(fn: string, options?: ErrorOptions) {
    super(`function ${fn} is missing`, options);
    this.fn = fn;
  }
}

/** What the check answered for a symbol whose revision moved: its revision now, and the digest of its months in the range. */
export interface Moved {
  readonly revision: string | null;
  readonly months: string | null;
}

export class CompactReader {
  private readonly rest: SupabaseRest;
  private readonly rowsPerCall: number;
  /** Calls sent for windows (for the manifest). */
  calls = 0;
  /** Whether the scaled window function is there (undefined: not known yet). */
  private scaled: boolean | undefined;

  constructor(rest: SupabaseRest, rowsPerCall = ROWS_PER_CALL) {
    this.rest = rest;
    this.rowsPerCall = rowsPerCall;
  }

  /** Reads [from, to] of `symbols`; each symbol is handed to `onSymbol` as its call is decoded. Answers whether the table is tracked. */
  async read(symbols: readonly string[], from: number, to: number, onSymbol: (s: WindowSymbol) => void): Promise<{ tracked: boolean }> {
    if (symbols.length === 0 || to < from) return { tracked: true };
    const rows = symbols.length * tradingDays(from, to);
    const calls = Math.min(symbols.length, Math.max(1, Math.ceil(rows / this.rowsPerCall), rows >= MIN_ROWS_TO_SPLIT ? Math.min(this.rest.connections, Math.floor(rows / MIN_ROWS_TO_SPLIT)) : 1));
    const groups = Array.from({ length: calls }, (_, k) => symbols.slice(Math.floor((k * symbols.length) / calls), Math.floor(((k + 1) * symbols.length) / calls)));
    if (groups.length > 1 && this.scaled === undefined) await this.call([], from, to, () => {});
    // Every call settles before the first failure is thrown: nothing arrives after the caller moved on.
    const results = await Promise.allSettled(groups.map((group) => this.call(group, from, to, onSymbol)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { tracked: results.every((r) => r.status === 'fulfilled' && r.value) };
  }

  private async call(symbols: string[], from: number, to: number, onSymbol: (s: WindowSymbol) => void): Promise<boolean> {
    const args = { tbl: this.rest.tables.prices, symbols, date_from: isoDate(from), date_to: isoDate(to) };
    for (let attempt = 1; ; attempt++) {
      const scaled = this.scaled !== false;
      const fn = scaled ? FUNCTIONS.windowScaled : FUNCTIONS.window;
      const what = `read ${this.rest.tables.prices} (${fn})`;
      let body: Uint8Array;
      try {
        this.calls++;
        ({ body } = await this.rest.rpc(what, fn, args, { readOnly: true }));
      } catch (err) {
        if (err instanceof SupabaseHttpError && err.pgCode === '57014' && symbols.length > 1) {
          const half = Math.ceil(symbols.length / 2);
          const parts = await Promise.allSettled([this.call(symbols.slice(0, half), from, to, onSymbol), this.call(symbols.slice(half), from, to, onSymbol)]);
          const failed = parts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (failed) throw failed.reason;
          return parts.every((r) => r.status === 'fulfilled' && r.value);
        }
        const translated = this.translate(err, fn);
        if (scaled && translated instanceof CompactUnavailable) {
          // Not installed: backtest_prices_window answers the same window in more bytes.
          this.scaled = false;
          attempt--;
          continue;
        }
        throw translated;
      }
      try {
        const answer = decodeWindow(body, symbols, from, to, `${this.rest.tables.prices} at ${this.rest.host}`, fn);
        this.scaled = scaled;
        for (const s of answer.symbols) onSymbol(s);
        return answer.tracked;
      } catch (err) {
        if (!(err instanceof CompactCutError) || attempt >= CUT_ATTEMPTS) {
          if (err instanceof CompactCutError) throw new CompactCutError(`${what}: the answer was cut ${attempt} times running (${err.message}); if it keeps happening, check that ${scaled ? `${SCALED_MIGRATION} (or ${PACKED_MIGRATION})` : COMPACT_MIGRATION} is the version applied`);
          throw err;
        }
        this.rest.counters.retry('cut body');
        await sleep(50 * 2 ** attempt);
      }
    }
  }

  /**
   * One request: which of `symbols` changed since their revisions were read. Symbols whose
   * revision is the same are not in the answer; for the others, their revision now and the
   * digest of their months' revisions over [from, to].
   */
  async check(symbols: readonly string[], revisions: readonly (string | null)[], from: number, to: number, universe?: UniverseHeld): Promise<CheckAnswer> {
    const fn = universe ? UNIVERSE_FUNCTIONS.check : FUNCTIONS.check;
    const format = universe ? 'vopa-check-2' : 'vopa-check-1';
    const what = `check ${this.rest.tables.prices} (${fn})`;
    const args = {
      tbl: this.rest.tables.prices, symbols, revisions: revisions.map((r) => (r === UNKNOWN_REVISION ? null : r)), date_from: isoDate(from), date_to: isoDate(to),
      ...(universe && { universe_tbl: universe.table, season_from: universe.first, season_to: universe.last, universe_fingerprint: universe.fingerprint }),
    };
    const answer = await this.json(what, fn, args);
    const shape = (why: string) => new CompactShapeError(`${fn} answered in another shape (${why}); apply ${universe ? UNIVERSE_MIGRATION : COMPACT_MIGRATION} to the project`);
    if (!answer || typeof answer !== 'object' || (answer as { format?: unknown }).format !== format) throw shape(`no format ${format}`);
    let universeNow: CheckAnswer['universe'];
    if (universe) {
      const u = (answer as { universe?: { fingerprint?: unknown; rows?: unknown } }).universe;
      if (!u || typeof u !== 'object' || typeof u.fingerprint !== 'string' || !(u.rows === null || Array.isArray(u.rows))) throw shape('universe missing');
      if ((u.fingerprint === universe.fingerprint) !== (u.rows === null)) throw shape('universe rows and fingerprint disagree');
      universeNow = { fingerprint: u.fingerprint, rows: u.rows as unknown[] | null };
    }
    const { tracked, changed } = answer as { tracked?: unknown; changed?: unknown };
    if (typeof tracked !== 'boolean' || !changed || typeof changed !== 'object' || Array.isArray(changed)) throw shape('tracked or changed missing');
    const asked = new Set(symbols);
    const moved = new Map<string, Moved>();
    for (const [symbol, value] of Object.entries(changed as Record<string, unknown>)) {
      const v = value as { rev?: unknown; months?: unknown } | null;
      const rev = v?.rev;
      const months = v?.months;
      if (!asked.has(symbol) || !v || !(rev === null || typeof rev === 'string' || Number.isSafeInteger(rev)) || !(months === null || typeof months === 'string')) {
        throw shape(`an entry for ${JSON.stringify(symbol)}`);
      }
      moved.set(symbol, { revision: rev === null ? null : String(rev), months });
    }
    return { tracked, moved, universe: universeNow };
  }

  /** The latest date before `day` among `symbols` (one request), or undefined when none. */
  async latestBefore(symbols: readonly string[], day: number): Promise<number | undefined> {
    const what = `read ${this.rest.tables.prices} (${FUNCTIONS.latestBefore})`;
    const answer = await this.json(what, FUNCTIONS.latestBefore, { tbl: this.rest.tables.prices, symbols, before: isoDate(day) });
    if (answer === null) return undefined;
    const parsed = typeof answer === 'string' ? parseIsoDate(answer) : null;
    if (parsed === null) throw new CompactShapeError(`${FUNCTIONS.latestBefore} answered ${JSON.stringify(answer)}, not a date; apply ${COMPACT_MIGRATION} to the project`);
    return parsed;
  }

  private json(what: string, fn: string, args: Record<string, unknown>): Promise<unknown> {
    return rpcJson(this.rest, what, fn, args);
  }

  /** A missing function → `CompactUnavailable`. */
  private translate(err: unknown, fn: string): unknown {
    return missingFunction(err, fn);
  }
}

/** The cached universe a check validates: its table, seasons, and the fingerprint the server gave it. */
export interface UniverseHeld {
  readonly table: string;
  readonly first: number;
  readonly last: number;
  readonly fingerprint: string;
}

export interface CheckAnswer {
  readonly tracked: boolean;
  readonly moved: Map<string, Moved>;
  /** With a universe asked about: its fingerprint now, and its rows when that is not the one held. */
  readonly universe?: { readonly fingerprint: string; readonly rows: unknown[] | null } | undefined;
}

/** A missing function (404 PGRST202; 42883 inside it) → `CompactUnavailable`. */
export function missingFunction(err: unknown, fn: string): unknown {
  if (isMissingFunction(err)) return new CompactUnavailable(fn, { cause: err });
  return err;
}

/**
 * A function's JSON answer, through the run's client (retried like any read). A body that is
 * not whole JSON (cut short) is asked for again, up to 4 attempts, never taken as data.
 */
export async function rpcJson(rest: SupabaseRest, what: string, fn: string, args: Record<string, unknown>): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    let body: Uint8Array;
    try {
      ({ body } = await rest.rpc(what, fn, args, { readOnly: true }));
    } catch (err) {
      throw missingFunction(err, fn);
    }
    try {
      return JSON.parse(new TextDecoder().decode(body));
    } catch {
      if (attempt >= CUT_ATTEMPTS) throw new CompactCutError(`${what}: the answer was cut ${attempt} times running (not whole JSON, ${body.byteLength} bytes)`);
      rest.counters.retry('cut body');
      await sleep(50 * 2 ** attempt);
    }
  }
}

/** Trading days in [from, to], estimated from the calendar (5 in 7). */
export function tradingDays(from: number, to: number): number {
  return Math.max(1, Math.ceil(((to - from + 1) * 5) / 7));
}

/**
 * The digest the check computes for a symbol's months in [from, to], from the revisions held:
 * md5 of 'YYYY-MM=rev' in month order, joined by ','; null when no month has a revision;
 * undefined when one is `UNKNOWN_REVISION` (it can match nothing).
 */
export function monthsDigest(months: ReadonlyMap<number, string>, from: number, to: number): string | null | undefined {
  const first = monthStart(from);
  const parts: [number, string][] = [...months].filter(([m]) => m >= first && m <= to).sort((a, b) => a[0] - b[0]);
  if (parts.some(([, r]) => r === UNKNOWN_REVISION)) return undefined;
  if (parts.length === 0) return null;
  return createHash('md5').update(parts.map(([m, r]) => `${isoDate(m).slice(0, 7)}=${r}`).join(',')).digest('hex');
}

/** The day number of the 1st of `day`'s month. */
export function monthStart(day: number): number {
  const d = new Date(day * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 86_400_000;
}
