import type { Member } from '../../panel/universe.ts';
import { WindowBlock, type CachedSeries } from '../../cache/index.ts';
import { DataError } from '../../errors.ts';
import { PriceCheck } from '../../panel/check.ts';
import { isoDate } from '../../util/dates.ts';
import { allocatePanel, type Panel } from '../../panel/panel.ts';

/**
 * A window held per symbol, columnar, as the compact read, the keyset pages and the cache all
 * deliver it, and the panel built from it:
 * 1. a `Series` is one symbol's rows in ascending dates, a typed array per field (NaN: missing);
 * 2. a `WindowStore` keeps, per symbol, the pieces read so far and the one contiguous range of
 *    dates they cover (a range read for a symbol holds every row of it there), with the
 *    revisions that came with them;
 * 3. `panelFromSeries` builds the panel: members sorted by symbol, the calendar every day on which
 *    some member has a close, every row checked (panel/check.ts) as the local source checks it.
 */
export type Series = CachedSeries; // one symbol's rows as the cache keeps them, so windows go to and from it as they are

export const SERIES_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * A price value as a server sent it, into a series: a number as it is, null (or absent) as NaN
 * (missing), Postgres's "Infinity" / "-Infinity" as themselves (the panel's checks refuse them).
 * Anything else — Postgres's "NaN", which a series could not tell from a missing value, or text —
 * is bad input at once, named with `where`, before anything is kept or cached.
 */
export function priceValue(v: unknown, where: string, symbol: string, day: number, field: string): number {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new DataError(`${where}: ${symbol} on ${isoDate(day)}: ${field} ${JSON.stringify(v)} (not a number; a missing value is null)`, 'E_BAD_PRICES');
}

/** A revision that conflicts (the same month read twice, changed in between): it never matches the server's. */
export const UNKNOWN_REVISION = '?';

export function emptySeries(): Series {
  return { days: new Int32Array(0), open: new Float64Array(0), high: new Float64Array(0), low: new Float64Array(0), close: new Float64Array(0), volume: new Float64Array(0) };
}

/** Index of the first row on or after `day`. */
function lowerBound(days: Int32Array, day: number): number {
  let lo = 0, hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! < day) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** The rows of [from, to], as views (no copy). */
export function sliceSeries(s: Series, from: number, to: number): Series {
  const a = lowerBound(s.days, from);
  const b = lowerBound(s.days, to + 1);
  return { days: s.days.subarray(a, b), open: s.open.subarray(a, b), high: s.high.subarray(a, b), low: s.low.subarray(a, b), close: s.close.subarray(a, b), volume: s.volume.subarray(a, b) };
}

/** Pieces of disjoint date ranges, joined in date order. */
export function concatSeries(pieces: readonly Series[]): Series {
  if (pieces.length === 1) return pieces[0]!;
  const sorted = pieces.filter((p) => p.days.length > 0).sort((a, b) => a.days[0]! - b.days[0]!);
  const n = sorted.reduce((k, p) => k + p.days.length, 0);
  const out = { days: new Int32Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let at = 0;
  for (const p of sorted) {
    out.days.set(p.days, at);
    for (const f of SERIES_FIELDS) out[f].set(p[f], at);
    at += p.days.length;
  }
  return out;
}

interface Held {
  from: number;
  to: number;
  pieces: Series[];
  joined: Series | undefined;
  /** Revision of the symbol as read (null: none); `UNKNOWN_REVISION` when two reads disagree. */
  revision: string | null | undefined;
  months: Map<number, string>;
}

export class WindowStore {
  private readonly held = new Map<string, Held>();
  /** Rows received from the server (not from the cache), for the manifest. */
  rowsRead = 0;

  /** The range of dates held for a symbol, or undefined. */
  coverage(symbol: string): { from: number; to: number } | undefined {
    const h = this.held.get(symbol);
    return h && { from: h.from, to: h.to };
  }

  /**
   * Adds every row of `symbol` in [from, to], contiguous with what is held; revisions (when
   * the read brought them) are merged, and a month or symbol revision that differs from one
   * already held becomes `UNKNOWN_REVISION`.
   */
  add(symbol: string, from: number, to: number, series: Series, revisions?: { revision: string | null; months: ReadonlyMap<number, string> }): void {
    let h = this.held.get(symbol);
    if (!h) {
      h = { from, to, pieces: [], joined: undefined, revision: undefined, months: new Map() };
      this.held.set(symbol, h);
    } else {
      if (from !== h.to + 1 && to !== h.from - 1) throw new Error(`internal: ${symbol}: [${from}, ${to}] does not extend [${h.from}, ${h.to}]`);
      h.from = Math.min(h.from, from);
      h.to = Math.max(h.to, to);
    }
    h.pieces.push(series);
    h.joined = undefined;
    if (revisions) {
      h.revision = h.revision === undefined || h.revision === revisions.revision ? revisions.revision : UNKNOWN_REVISION;
      for (const [month, rev] of revisions.months) {
        const had = h.months.get(month);
        h.months.set(month, had === undefined || had === rev ? rev : UNKNOWN_REVISION);
      }
    }
  }

  /** The symbol's rows held, joined (empty when none). */
  series(symbol: string): Series {
    const h = this.held.get(symbol);
    if (!h) return emptySeries();
    h.joined ??= concatSeries(h.pieces);
    h.pieces = [h.joined];
    return h.joined;
  }

  revisions(symbol: string): { revision: string | null | undefined; months: ReadonlyMap<number, string> } {
    const h = this.held.get(symbol);
    return { revision: h?.revision, months: h?.months ?? new Map() };
  }

  /** Distinct days before `day` on which some symbol has a row, latest first. */
  daysBefore(day: number): number[] {
    const days = new Set<number>();
    for (const symbol of this.held.keys()) {
      const s = this.series(symbol);
      const end = lowerBound(s.days, day);
      for (let i = 0; i < end; i++) days.add(s.days[i]!);
    }
    return [...days].sort((a, b) => b - a);
  }

  /**
   * The latest day before `day` among `symbols`, when what is held decides it: every symbol's
   * unknown history (before its range) lies at or before the latest day held. Else undefined.
   */
  latestBeforeHeld(symbols: readonly string[], day: number): number | undefined {
    let latest = -Infinity;
    let unknownUpTo = -Infinity;
    for (const symbol of symbols) {
      const c = this.coverage(symbol);
      if (!c || c.from >= day) {
        unknownUpTo = Math.max(unknownUpTo, day - 1);
        continue;
      }
      unknownUpTo = Math.max(unknownUpTo, c.from - 1);
      const s = this.series(symbol);
      const end = lowerBound(s.days, day);
      if (end > 0) latest = Math.max(latest, s.days[end - 1]!);
    }
    return Number.isFinite(latest) && latest >= unknownUpTo ? latest : undefined;
  }
}

/**
 * The panel of `members` over [fromDay, toDay], as the local source builds it from the same
 * rows: columns sorted by symbol, a bar for every day on which some member has a close,
 * every field of a row with a close copied (NaN where missing; a row without a close is no row,
 * as in the local source's window), every such row checked (panel/check.ts: bad values or a
 * repeated day are bad input, named with `where`). Two passes over the typed arrays, no
 * object per row:
 * 1. per column, in its own order: each row with a close checked by a numeric test that
 *    accepts exactly what `rowProblem` accepts (a row that fails it goes to `PriceCheck`,
 *    which names the problem), a repeated or backward day noted, the day marked as a bar;
 * 2. the calendar, then the time-major panel filled in tiles of 64 columns × 64 bars, all
 *    five fields at once: a tile's writes (64 rows of 512 bytes per field) and reads (64 runs of
 *    512 bytes per field) stay within a few hundred pages, where writing one column down all
 *    bars at once touches a page per bar (n × 8 bytes apart) and misses the TLB on every write;
 * 3. each column's first and last bar with a close, from its first and last such row.
 */
export function panelFromSeries(
  members: readonly Member[],
  seriesOf: (symbol: string) => Series,
  fromDay: number,
  toDay: number,
  shared = false,
  options: { where?: string; otherGroups?: readonly string[]; season?: number } = {},
): { panel: Panel; rows: number } {
  const sorted = [...members].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const direct = panelFromBlock(sorted, seriesOf, fromDay, toDay, shared, options);
  if (direct) return direct;
  const windows = sorted.map((m) => sliceSeries(seriesOf(m.symbol), fromDay, toDay));
  const span = Math.max(0, toDay - fromDay + 1);
  const hasClose = new Uint8Array(span);
  let rows = 0;
  const check = new PriceCheck();
  // A series holds a missing value as NaN (a Postgres NaN reads the same): checked as missing.
  const given = (v: number) => (v === v ? v : null);
  for (let col = 0; col < windows.length; col++) {
    const { days, open, high, low, close, volume } = windows[col]!;
    let last = -Infinity;
    for (let i = 0; i < days.length; i++) {
      const c = close[i]!;
      if (c !== c) continue;
      const day = days[i]!;
      const o = open[i]!, h = high[i]!, l = low[i]!, v = volume[i]!;
      if (!accepted(o, h, l, c, v)) {
        check.row(sorted[col]!.symbol, day, { open: given(o), high: given(h), low: given(l), close: c, volume: given(v) });
      }
      if (day <= last) check.duplicate(sorted[col]!.symbol, day);
      last = day;
      hasClose[day - fromDay] = 1;
      rows++;
    }
  }
  check.verdict(options.where ?? 'prices');
  const days: number[] = [];
  const barOf = new Int32Array(span).fill(-1);
  for (let d = 0; d < span; d++) if (hasClose[d]) barOf[d] = days.push(fromDay + d) - 1;
  const panel = allocatePanel({
    days,
    symbols: sorted.map((m) => m.symbol),
    names: sorted.map((m) => m.name ?? ''),
    peerGroups: sorted.map((m) => m.peer_group),
    otherGroups: options.otherGroups,
    season: options.season,
  }, shared, { filled: true }); // every cell is written below, NaN where missing
  const n = sorted.length;
  const bars = days.length;
  const { open: po, high: ph, low: pl, close: pc, volume: pv } = panel;
  const cursor = new Int32Array(TILE);
  for (let c0 = 0; c0 < n; c0 += TILE) {
    const c1 = Math.min(n, c0 + TILE);
    cursor.fill(0);
    for (let t0 = 0; t0 < bars; t0 += TILE) {
      const t1 = Math.min(bars, t0 + TILE);
      for (let col = c0; col < c1; col++) {
        const { days: sd, open, high, low, close, volume } = windows[col]!;
        let i = cursor[col - c0]!;
        let next = t0; // the first bar of the tile not yet written for this column
        for (; i < sd.length; i++) {
          const t = barOf[sd[i]! - fromDay]!;
          if (t >= t1) break;
          const c = close[i]!;
          if (t < 0 || c !== c) continue;
          for (; next < t; next++) {
            const gap = next * n + col;
            po[gap] = NaN; ph[gap] = NaN; pl[gap] = NaN; pc[gap] = NaN; pv[gap] = NaN;
          }
          const at = t * n + col;
          po[at] = open[i]!; ph[at] = high[i]!; pl[at] = low[i]!; pc[at] = c; pv[at] = volume[i]!;
          next = t + 1;
        }
        for (; next < t1; next++) {
          const gap = next * n + col;
          po[gap] = NaN; ph[gap] = NaN; pl[gap] = NaN; pc[gap] = NaN; pv[gap] = NaN;
        }
        cursor[col - c0] = i;
      }
    }
  }
  for (let col = 0; col < n; col++) {
    const { days: sd, close } = windows[col]!;
    let a = 0, b = sd.length - 1;
    while (a < sd.length && close[a] !== close[a]) a++;
    while (b >= 0 && close[b] !== close[b]) b--;
    panel.firstBar[col] = a < sd.length ? barOf[sd[a]! - fromDay]! : -1;
    panel.lastBar[col] = b >= 0 ? barOf[sd[b]! - fromDay]! : -1;
  }
  return { panel, rows };
}

/**
 * A row with a close passes panel/check.ts's `rowProblem` exactly when this holds (a numeric test,
 * without building the row): close positive and finite; open missing (NaN) or positive and finite;
 * high and low missing or finite, high not below low; volume missing or finite and not negative.
 */
function accepted(o: number, h: number, l: number, c: number, v: number): boolean {
  return c > 0 && c < Infinity && (o !== o || (o > 0 && o < Infinity)) && (h !== h || (h > -Infinity && h < Infinity))
    && (l !== l || (l > -Infinity && l < Infinity)) && !(h < l) && (v !== v || (v >= 0 && v < Infinity));
}

/**
 * The panel straight from a cached window's matrices (cache/window-block.ts), when they are its
 * cells already: the members are exactly the block's symbols in its order (each series the
 * block's own, none read again), every day of the block's calendar in [fromDay, toDay] has some
 * close (so the calendars agree), and every row passes the check. One pass over the closes (and
 * the other fields of rows with one) checks the rows and finds each column's first and last bar;
 * the matrices become the panel's arrays as they are (whole calendar, not shared) or copied once
 * (a part of it, or shared memory). Otherwise undefined: the general build below decides (and
 * names any bad row).
 */
function panelFromBlock(sorted: readonly Member[], seriesOf: (symbol: string) => Series, fromDay: number, toDay: number, shared: boolean,
  options: { where?: string; otherGroups?: readonly string[]; season?: number }): { panel: Panel; rows: number } | undefined {
  const n = sorted.length;
  const head = n > 0 ? WindowBlock.of(seriesOf(sorted[0]!.symbol)) : undefined;
  if (!head || head.block.symbols.length !== n) return undefined;
  const block = head.block;
  for (let j = 0; j < n; j++) {
    const at = WindowBlock.of(seriesOf(sorted[j]!.symbol));
    if (!at || at.block !== block || at.column !== j) return undefined;
  }
  const cal = block.calendar;
  const b0 = lowerBound(cal, fromDay), b1 = lowerBound(cal, toDay + 1);
  const bars = b1 - b0;
  if (bars <= 0) return undefined;
  const { open, high, low, close, volume } = block.fields;
  const firstBar = new Int32Array(n).fill(-1), lastBar = new Int32Array(n).fill(-1);
  let rows = 0;
  for (let t = 0; t < bars; t++) {
    const base = (b0 + t) * n;
    const before = rows;
    for (let j = 0; j < n; j++) {
      const c = close[base + j]!;
      if (c !== c) continue;
      if (!accepted(open[base + j]!, high[base + j]!, low[base + j]!, c, volume[base + j]!)) return undefined;
      if (firstBar[j] === -1) firstBar[j] = t;
      lastBar[j] = t;
      rows++;
    }
    if (rows === before) return undefined; // a day with rows but no close: not a bar of the panel
  }
  const panel = allocatePanel({
    days: Array.from(cal.subarray(b0, b1)),
    symbols: sorted.map((m) => m.symbol),
    names: sorted.map((m) => m.name ?? ''),
    peerGroups: sorted.map((m) => m.peer_group),
    otherGroups: options.otherGroups,
    season: options.season,
  }, shared, { filled: true });
  panel.firstBar.set(firstBar);
  panel.lastBar.set(lastBar);
  if (shared) {
    for (const f of SERIES_FIELDS) panel[f].set(block.fields[f].subarray(b0 * n, b1 * n));
    return { panel, rows };
  }
  const whole = b0 === 0 && b1 === cal.length;
  const take = (a: Float64Array) => (whole && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice(b0 * n, b1 * n));
  return { panel: { ...panel, open: take(open), high: take(high), low: take(low), close: take(close), volume: take(volume) }, rows };
}

/** Columns and bars of a tile of the panel fill. */
const TILE = 64;
