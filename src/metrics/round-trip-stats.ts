import { holdingDays, type RoundTrips } from './round-trips.ts';

/**
 * Statistics of a run's closed round trips (round-trips.ts; open trips, marked at the last close, are
 * left out). A trip wins when its pnl (net of fees) is > 0 and loses when < 0; a trip with pnl exactly
 * 0 is neither, but counts in win_rate's denominator and in expectancy (pyfolio's round-trip stats:
 * "Percent profitable" = winners / all, with "even" trips apart). Returns are each trip's
 * pnl / (entry × quantity), so a trip's return and its pnl have the same sign.
 *
 * avg_win, avg_loss and expectancy are in trip returns (fractions), not currency, so that variants
 * holding 5 names and 50 compare; profit_factor is the classic ratio of currency sums.
 * Each is null when its set is empty or its denominator is zero.
 */

/** win_rate = winning closed trips / closed trips. */
export function winRate(trips: RoundTrips): number | null {
  if (trips.closed === 0) return null;
  let wins = 0;
  for (let k = 0; k < trips.closed; k++) if (trips.pnl[k]! > 0) wins++;
  return wins / trips.closed;
}

/** profit_factor = Σ pnl of winners / |Σ pnl of losers| (gross profit over gross loss); null without a loser. */
export function profitFactor(trips: RoundTrips): number | null {
  let profit = 0, loss = 0;
  for (let k = 0; k < trips.closed; k++) {
    const p = trips.pnl[k]!;
    if (p > 0) profit += p;
    else if (p < 0) loss -= p;
  }
  return loss === 0 ? null : profit / loss;
}

/** Mean return of the closed trips whose pnl has the given sign; null when there are none. */
function meanReturn(trips: RoundTrips, sign: 1 | -1): number | null {
  let s = 0, count = 0;
  for (let k = 0; k < trips.closed; k++) {
    if (sign > 0 ? trips.pnl[k]! > 0 : trips.pnl[k]! < 0) {
      s += trips.ret[k]!;
      count++;
    }
  }
  return count === 0 ? null : s / count;
}

/** avg_win = mean return of the winning trips (> 0). */
export function avgWin(trips: RoundTrips): number | null {
  return meanReturn(trips, 1);
}

/** avg_loss = mean return of the losing trips (< 0, so the value is negative). */
export function avgLoss(trips: RoundTrips): number | null {
  return meanReturn(trips, -1);
}

/** payoff_ratio = avg_win / |avg_loss| (pyfolio's "Ratio Avg. Win:Avg. Loss", here in returns). */
export function payoffRatio(trips: RoundTrips): number | null {
  const win = avgWin(trips), loss = avgLoss(trips);
  return win === null || loss === null ? null : win / -loss;
}

/** avg_holding_days = mean over closed trips of close bar − open bar (trading days). */
export function avgHoldingDays(trips: RoundTrips): number | null {
  if (trips.closed === 0) return null;
  let s = 0;
  for (let k = 0; k < trips.closed; k++) s += holdingDays(trips, k);
  return s / trips.closed;
}

/**
 * expectancy = mean return over all closed trips = win_rate × avg_win + loss_rate × avg_loss
 * (even trips add 0): what a trip is worth on average, as a fraction of what it put in.
 */
export function expectancy(trips: RoundTrips): number | null {
  if (trips.closed === 0) return null;
  let s = 0;
  for (let k = 0; k < trips.closed; k++) s += trips.ret[k]!;
  return s / trips.closed;
}
