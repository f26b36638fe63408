import { PriceCheck } from './check.ts';
import { allocatePanel, indexCloses, type Panel } from './panel.ts';

/** A member of a season's universe. */
export interface Member {
  readonly symbol: string;
  /** null: a column outside the universe (a benchmark symbol read beside it). */
  readonly peer_group: string | null;
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
 * Builds a panel from price rows (any order) and the universe's columns. The calendar is every
 * day on which some member has a close; rows of other symbols are ignored. Every row is checked
 * (panel/check.ts): bad values or a repeated (symbol, date) are bad input, named with `where`.
 */
export function panelFromRows(
  members: readonly Member[],
  rows: Iterable<PriceRow>,
  shared = false,
  options: { where?: string; otherGroups?: readonly string[]; season?: number } = {},
): Panel {
  const sorted = [...members].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const column = new Map(sorted.map((m, i) => [m.symbol, i]));
  const kept: PriceRow[] = [];
  const daySet = new Set<number>();
  const check = new PriceCheck();
  for (const row of rows) {
    if (!column.has(row.symbol) || row.close === null || row.close === undefined) continue;
    check.row(row.symbol, row.day, row);
    kept.push(row);
    daySet.add(row.day);
  }
  check.verdict(options.where ?? 'prices');
  const days = [...daySet].sort((a, b) => a - b);
  const barOf = new Map(days.map((d, t) => [d, t]));
  const panel = allocatePanel({
    days,
    symbols: sorted.map((m) => m.symbol),
    names: sorted.map((m) => m.name ?? ''),
    peerGroups: sorted.map((m) => m.peer_group),
    otherGroups: options.otherGroups,
    season: options.season,
  }, shared);
  const n = sorted.length;
  for (const row of kept) {
    const t = barOf.get(row.day)!;
    const cell = t * n + column.get(row.symbol)!;
    if (panel.close[cell] === panel.close[cell]) check.duplicate(row.symbol, row.day);
    panel.open[cell] = row.open ?? NaN;
    panel.high[cell] = row.high ?? NaN;
    panel.low[cell] = row.low ?? NaN;
    panel.close[cell] = row.close ?? NaN;
    panel.volume[cell] = row.volume ?? NaN;
  }
  check.verdict(options.where ?? 'prices');
  return indexCloses(panel);
}
