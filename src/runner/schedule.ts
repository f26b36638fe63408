import { DataError } from '../errors.ts';
import { barOnOrAfter, barOnOrBefore, type Panel } from '../panel/panel.ts';
import { isoDate } from '../util/dates.ts';

/** When fills happen: at the next trading day's open (default) or at the decision close. */
export type FillTiming = 'open' | 'close';

/**
 * The bars a run trades and decides on.
 * - Trading days are the panel's bars from `start` to `end` inclusive: [first, last].
 * - With next-open fills the first decision is at the last close before `start`, so positions
 *   exist from the first day; decisions stop at the close before `end` (a later one would fill
 *   after `end`). With close fills, decisions run from `start`'s close to `end`'s.
 * - A decision needs `warmup` earlier bars; when the data begin too late, decisions begin once
 *   that history exists, with a warning.
 */
export interface Schedule {
  readonly first: number;
  readonly last: number;
  readonly firstDecision: number;
  readonly lastDecision: number;
  readonly fill: FillTiming;
  readonly warnings: readonly string[];
}

export function planSchedule(panel: Panel, startDay: number, endDay: number, warmup: number, fill: FillTiming): Schedule {
  const first = barOnOrAfter(panel, startDay);
  const last = barOnOrBefore(panel, endDay);
  if (first > last) {
    throw new DataError(`no trading days between ${isoDate(startDay)} and ${isoDate(endDay)} in the data`, 'E_NO_TRADING_DAYS');
  }
  const ideal = fill === 'open' ? first - 1 : first;
  const firstDecision = Math.max(ideal, warmup, 0);
  const lastDecision = fill === 'open' ? last - 1 : last;
  const warnings: string[] = [];
  if (firstDecision > lastDecision) {
    warnings.push(`the data hold too little history for a warm-up of ${warmup} bars before ${panel.dates[last]}: no decision was made`);
  } else if (firstDecision > ideal) {
    const wanted = ideal >= 0 ? `the close of ${panel.dates[ideal]}` : `a close before ${panel.dates[first]}`;
    warnings.push(
      `the data begin too late for a warm-up of ${warmup} bars: the first decision is at the close of ${panel.dates[firstDecision]} instead of ${wanted}`,
    );
  }
  return { first, last, firstDecision, lastDecision, fill, warnings };
}
