import { holdingDays, type RoundTrips } from './round-trips.ts';

/** round_trips.csv's columns, in order. */
export const ROUND_TRIP_COLUMNS = [
  'variant', 'symbol', 'side', 'open_date', 'close_date', 'quantity', 'entry', 'exit', 'pnl', 'return', 'holding_days',
] as const;

/** One CSV cell: a number, a text, or empty (null). */
export type RoundTripCell = string | number | null;

/**
 * The rows of round_trips.csv for one variant: `dates[bar]` and `symbols[column]` name the panel's bars
 * and columns. A trip still open at the end has an empty close date; its exit, pnl and return are
 * marked at the last close and its holding days run to the last bar.
 *
 * @example [...roundTripRows(trips, 3, panel.dates, panel.symbols)]
 * // [[3, 'AAA', 'long', '2025-01-02', '2025-02-03', 100, 10, 11, 99.5, 0.0995, 21], …]
 */
export function* roundTripRows(
  trips: RoundTrips,
  variant: number | string,
  dates: readonly string[],
  symbols: readonly string[],
): Generator<RoundTripCell[]> {
  for (let k = 0; k < trips.length; k++) {
    yield [
      variant,
      symbols[trips.column[k]!]!,
      trips.side[k] === 1 ? 'long' : 'short', // side is +1 or −1
      dates[trips.openBar[k]!]!,
      trips.open[k] ? null : dates[trips.closeBar[k]!]!,
      trips.quantity[k]!,
      trips.entry[k]!,
      trips.exit[k]!,
      trips.pnl[k]!,
      trips.ret[k]!,
      holdingDays(trips, k),
    ];
  }
}
