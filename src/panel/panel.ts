import type { Field } from '../strategy/types.ts';
import { isoDate } from '../util/dates.ts';

/** A universe season over a span of bars: from which bar it applies, and each symbol's peer group in it (−1: not a member). */
export interface SeasonSpan {
  readonly season: number;
  readonly firstBar: number;
  readonly groupOf: Int32Array;
  /** Shares outstanding per symbol in this season (NaN where not given), when the universe has the column. */
  readonly shares?: Float64Array | undefined;
}

/**
 * The run's data, read once: T trading days × N symbols in columnar typed arrays,
 * time-major (`close[t * n + i]`), NaN where a value is missing. Columns are the universe's
 * symbols, sorted: one season's members (a pinned universe), or every member of the seasons the
 * window spans (a rolling one), with `member` saying who belongs to the universe on which day
 * and `seasons` each symbol's peer group season by season. `groupOf[i]` is a symbol's peer group
 * in the latest season it belongs to (for display).
 * The arrays may live in SharedArrayBuffers so that worker threads read them without a copy.
 */
export interface Panel {
  /** Trading days (ISO), ascending: every date on which some member has a close. */
  readonly dates: readonly string[];
  /** Trading days as day numbers (days since 1970-01-01). */
  readonly days: Int32Array;
  readonly symbols: readonly string[];
  readonly names: readonly string[];
  readonly groups: readonly string[];
  readonly groupOf: Int32Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** First and last bar with a close, per symbol; −1 when the symbol has none in the window. */
  readonly firstBar: Int32Array;
  readonly lastBar: Int32Array;
  /** 1 where symbol i belongs to the universe on bar t (bars × n, time-major), else 0. */
  readonly member: Uint8Array;
  /** The seasons over the window, ascending by first bar (one span for a pinned universe). */
  readonly seasons: readonly SeasonSpan[];
  /**
   * Annual borrow fees in bps (bars × n), each symbol's latest borrow-table row on or before the bar
   * within the window, NaN before its first; present only when the run read the table (`--borrow-table`).
   */
  readonly borrow?: Float64Array | undefined;
}

export const FIELDS: readonly Field[] = ['open', 'high', 'low', 'close', 'volume'];

/** Number of bars (trading days) and of symbols. */
export function shape(panel: Panel): { bars: number; n: number } {
  return { bars: panel.days.length, n: panel.symbols.length };
}

export interface PanelLayout {
  readonly days: readonly number[] | Int32Array;
  readonly symbols: readonly string[];
  readonly names?: readonly string[];
  /** Peer group per symbol (same order as symbols); null for a column outside the universe (a benchmark symbol). */
  readonly peerGroups: readonly (string | null)[];
  /** Further peer group names (those of other seasons), so that `groups` lists them all. */
  readonly otherGroups?: readonly string[];
  /** The season every bar belongs to until `applyUniverse` says otherwise (default 0). */
  readonly season?: number;
}

/**
 * Allocates an empty panel (all NaN) for a calendar and a universe; sources fill it. Every symbol
 * is a member on every bar, in one season span, until `applyUniverse` (panel/universe.ts) sets them.
 * `shared` puts the arrays in SharedArrayBuffers.
 */
export function allocatePanel(layout: PanelLayout, shared = false, options: { readonly filled?: boolean } = {}): Panel {
  const bars = layout.days.length;
  const n = layout.symbols.length;
  const cells = bars * n;
  const floats = (): Float64Array => {
    const a = shared ? new Float64Array(new SharedArrayBuffer(cells * 8)) : new Float64Array(cells);
    // `filled`: the caller writes every cell (NaN where missing) itself, so the fill is a pass it need not pay for.
    return options.filled ? a : a.fill(NaN);
  };
  const ints = (len: number): Int32Array => (shared ? new Int32Array(new SharedArrayBuffer(len * 4)) : new Int32Array(len));
  const groups = [...new Set([...layout.peerGroups, ...(layout.otherGroups ?? [])])].filter((g): g is string => g !== null).sort();
  const groupOf = ints(n);
  layout.peerGroups.forEach((g, i) => { groupOf[i] = g === null ? -1 : groups.indexOf(g); });
  const days = ints(bars);
  days.set(layout.days);
  const member = shared ? new Uint8Array(new SharedArrayBuffer(cells)) : new Uint8Array(cells);
  member.fill(1);
  return {
    dates: Array.from(days, isoDate),
    days,
    symbols: layout.symbols,
    names: layout.names ?? layout.symbols.map(() => ''),
    groups,
    groupOf,
    open: floats(),
    high: floats(),
    low: floats(),
    close: floats(),
    volume: floats(),
    firstBar: ints(n).fill(-1),
    lastBar: ints(n).fill(-1),
    member,
    seasons: [{ season: layout.season ?? 0, firstBar: 0, groupOf }],
  };
}

/** The season span that bar t belongs to. */
export function seasonAt(panel: Panel, t: number): SeasonSpan {
  const spans = panel.seasons;
  let k = spans.length - 1;
  while (k > 0 && spans[k]!.firstBar > t) k--;
  return spans[k]!;
}

/** Sets firstBar/lastBar from the closes; sources call it once the arrays are filled. */
export function indexCloses(panel: Panel): Panel {
  const { bars, n } = shape(panel);
  panel.firstBar.fill(-1);
  panel.lastBar.fill(-1);
  for (let t = 0; t < bars; t++) {
    const base = t * n;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(panel.close[base + i]!)) continue;
      if (panel.firstBar[i] === -1) panel.firstBar[i] = t;
      panel.lastBar[i] = t;
    }
  }
  return panel;
}

/** Index of the first bar on or after `day`, or `bars` when none. */
export function barOnOrAfter(panel: Panel, day: number): number {
  const days = panel.days;
  let lo = 0, hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! < day) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Index of the last bar on or before `day`, or −1 when none. */
export function barOnOrBefore(panel: Panel, day: number): number {
  return barOnOrAfter(panel, day + 1) - 1;
}
