import { numberOrNull, query, type SummaryRow } from '../../inspect/index.ts';
import { METRIC_GROUPS } from '../../metrics/columns.ts';
import type { PartContext } from './context.ts';

/**
 * What a trade looks like:
 * 1. summary.csv's round-trip statistics (win rate, profit factor, average win and loss, payoff,
 *    holding days, expectancy) with the fills, round trips, turnover and average positions, for the
 *    top variants side by side;
 * 2. the detail variant's best and worst 10 closed round trips by P&L (round_trips.csv), and how
 *    many were closed and still open at the end.
 */
export const TRIPS_SHOWN = 10;
export const TRADE_METRICS = ['fills', 'round_trips', 'turnover', 'avg_positions', ...METRIC_GROUPS.trips] as const;
export const TRIP_COLUMNS = ['symbol', 'side', 'open_date', 'close_date', 'quantity', 'entry', 'exit', 'pnl', 'return', 'holding_days'] as const;

export interface TradingPart {
  readonly stats: { readonly labels: readonly string[]; readonly metrics: readonly string[]; readonly values: ReadonlyArray<ReadonlyArray<number | null>> } | null;
  readonly trips: { readonly label: string; readonly columns: readonly string[]; readonly best: ReadonlyArray<readonly unknown[]>; readonly worst: ReadonlyArray<readonly unknown[]>; readonly closed: number; readonly open: number } | null;
}

export function tradeStats(ctx: PartContext): TradingPart['stats'] {
  const metrics = TRADE_METRICS.filter((m) => ctx.summary.metrics.includes(m));
  if (!metrics.length || !ctx.top.length) return null;
  return { labels: ctx.labels, metrics, values: metrics.map((m) => ctx.top.map((r: SummaryRow) => numberOrNull(r[m]))) };
}

export async function roundTripsPart(ctx: PartContext, variant: number, label: string): Promise<TradingPart['trips']> {
  const { tables } = ctx;
  if (!tables.present.includes('round_trips')) {
    ctx.notes.push('no round_trips.csv (a run from before it was written, or trades not saved): no table of round trips');
    return null;
  }
  const r = await query(tables, `SELECT ${TRIP_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM round_trips WHERE variant = ${variant}`);
  const pnl = TRIP_COLUMNS.indexOf('pnl'), close = TRIP_COLUMNS.indexOf('close_date');
  const closed = r.rows.filter((row) => row[close] !== null && typeof row[pnl] === 'number');
  // By P&L, ties by opening day then symbol (the order is the same whatever the file's).
  const order = (a: readonly unknown[], b: readonly unknown[]) => String(a[2]).localeCompare(String(b[2])) || String(a[0]).localeCompare(String(b[0]));
  const best = [...closed].sort((a, b) => (b[pnl] as number) - (a[pnl] as number) || order(a, b)).slice(0, TRIPS_SHOWN);
  const worst = [...closed].sort((a, b) => (a[pnl] as number) - (b[pnl] as number) || order(a, b)).slice(0, TRIPS_SHOWN);
  const open = r.rows.filter((row) => row[close] === null).length;
  return { label, columns: TRIP_COLUMNS, best, worst, closed: closed.length, open };
}
