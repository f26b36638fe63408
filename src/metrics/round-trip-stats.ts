import type { TripTotals } from './round-trips.ts';

/**
 * Statistics of a run's closed round trips (round-trips.ts; open trips, marked at the last close, are
 * left out), from their totals (roundTripTotals, or tripTotals of a table). A trip wins when its pnl
 * (net of fees) is > 0 and loses when < 0; a trip with pnl exactly 0 is neither, but counts in
 * win_rate's denominator and in expectancy (pyfolio's round-trip stats: "Percent profitable" =
 * winners / all, with "even" trips apart). Returns are each trip's pnl / (entry × quantity), so a
 * trip's return and its pnl have the same sign.
 *
 * avg_win, avg_loss and expectancy are in trip returns (fractions), not currency, so that variants
 * holding 5 names and 50 compare; profit_factor is the classic ratio of currency sums.
 * Each is null when its set is empty or its denominator is zero.
 */

/** win_rate = winning closed trips / closed trips. */
export function winRate(t: TripTotals): number | null {
  return t.closed === 0 ? null : t.wins / t.closed;
}

/** profit_factor = Σ pnl of winners / |Σ pnl of losers| (gross profit over gross loss); null without a loser. */
export function profitFactor(t: TripTotals): number | null {
  return t.grossLoss === 0 ? null : t.grossProfit / t.grossLoss;
}

/** avg_win = mean return of the winning trips (> 0). */
export function avgWin(t: TripTotals): number | null {
  return t.wins === 0 ? null : t.winReturns / t.wins;
}

/** avg_loss = mean return of the losing trips (< 0, so the value is negative). */
export function avgLoss(t: TripTotals): number | null {
  return t.losses === 0 ? null : t.lossReturns / t.losses;
}

/** payoff_ratio = avg_win / |avg_loss| (pyfolio's "Ratio Avg. Win:Avg. Loss", here in returns). */
export function payoffRatio(t: TripTotals): number | null {
  const win = avgWin(t), loss = avgLoss(t);
  return win === null || loss === null ? null : win / -loss;
}

/** avg_holding_days = mean over closed trips of close bar − open bar (trading days). */
export function avgHoldingDays(t: TripTotals): number | null {
  return t.closed === 0 ? null : t.holdingDays / t.closed;
}

/**
 * expectancy = mean return over all closed trips = win_rate × avg_win + loss_rate × avg_loss
 * (even trips add 0): what a trip is worth on average, as a fraction of what it put in.
 */
export function expectancy(t: TripTotals): number | null {
  return t.closed === 0 ? null : t.returns / t.closed;
}
