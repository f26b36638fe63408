import { allocatePanel, indexCloses, type Panel } from './panel.ts';

/** A member of a season's universe. */
export interface Member {
  readonly symbol: string;
  readonly peer_group: string;
  readonly name?: string | null;
}

/** One price row; `day` is a day number (days since 1970-01-01). Missing values are null or NaN. */
export interface PriceRow {
  readonly symbol: string;
  readonly day: number;
  readonly open?: number | null;
  readonly high?: number | null;
  readonly low?: number | null;
  readonly close: number | null;
  readonly volume?: number | null;
}

/**
 * Builds a panel from price rows (any order) and the season's members. The calendar is every
 * day on which some member has a close; rows of non-members are ignored.
 */
export function panelFromRows(members: readonly Member[], rows: Iterable<PriceRow>, shared = false): Panel {
  const sorted = [...members].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const column = new Map(sorted.map((m, i) => [m.symbol, i]));
  const kept: PriceRow[] = [];
  const daySet = new Set<number>();
  for (const row of rows) {
    if (!column.has(row.symbol)) continue;
    kept.push(row);
    if (row.close != null && !Number.isNaN(row.close)) daySet.add(row.day);
  }
  const days = [...daySet].sort((a, b) => a - b);
  const barOf = new Map(days.map((d, t) => [d, t]));
  const panel = allocatePanel({
    days,
    symbols: sorted.map((m) => m.symbol),
    names: sorted.map((m) => m.name ?? ''),
    peerGroups: sorted.map((m) => m.peer_group),
  }, shared);
  const n = sorted.length;
  for (const row of kept) {
    const t = barOf.get(row.day);
    if (t === undefined) continue; // a day on which no member has a close
    const cell = t * n + column.get(row.symbol)!;
    panel.open[cell] = row.open ?? NaN;
    panel.high[cell] = row.high ?? NaN;
    panel.low[cell] = row.low ?? NaN;
    panel.close[cell] = row.close ?? NaN;
    panel.volume[cell] = row.volume ?? NaN;
  }
  return indexCloses(panel);
}
