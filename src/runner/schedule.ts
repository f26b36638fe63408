import { DataError, UsageError } from '../errors.ts';
import type { Params, Strategy } from '../strategy/types.ts';
import { barOnOrAfter, barOnOrBefore, type Panel } from '../panel/panel.ts';
import { isoDate } from '../util/dates.ts';

/** When fills happen: at the next trading day's open (default) or at the decision close. */
export type FillTiming = 'open' | 'close';

/**
 * The bars a run trades and decides on — one schedule for every variant of a run, so that all are
 * scored over the same days (a variant never looks better for having skipped a bad period).
 * 1. Trading days are the panel's bars from `start` to `end` inclusive: [first, last].
 * 2. With next-open fills the first decision is at the last close before `start`, so positions
 *    exist from the first day; decisions stop at the close before `end` (a later one would fill
 *    after `end`). With close fills, decisions run from `start`'s close to `end`'s.
 * 3. A decision needs `warmup` earlier bars: the run's longest warm-up (its variants'). When the data
 *    begin too late for it, every variant's first decision waits until that history exists, and the
 *    evaluation window starts at that decision's fill (one warning for the run). When no decision
 *    can be made at all, the run is refused (bad input).
 * 4. A range reaching more than a few days past the data's last trading day (or starting more than a
 *    few days before its first) is cut to the data, with a warning giving the dates used.
 */
export interface Schedule {
  /** First and last bar of the evaluation window (metrics, equity, ranking). */
  readonly first: number;
  readonly last: number;
  readonly firstDecision: number;
  readonly lastDecision: number;
  readonly fill: FillTiming;
  readonly warnings: readonly string[];
}

/** A gap of more days than this between the range's end (or start) and the data is a cut, not a weekend or holiday. */
export const CUT_DAYS = 5;

/**
 * The run's schedule. `longest` names the variant that needs the most history in a sweep (e.g.
 * `variant 7 (lookback=250)`), for the warning; without it the run is one strategy's.
 */
export function planSchedule(panel: Panel, startDay: number, endDay: number, warmup: number, fill: FillTiming, longest?: string): Schedule {
  const rangeFirst = barOnOrAfter(panel, startDay);
  const last = barOnOrBefore(panel, endDay);
  if (rangeFirst > last) {
    throw new DataError(`no trading days between ${isoDate(startDay)} and ${isoDate(endDay)} in the data`, 'E_NO_TRADING_DAYS');
  }
  const ideal = fill === 'open' ? rangeFirst - 1 : rangeFirst;
  const firstDecision = Math.max(ideal, warmup, 0);
  const lastDecision = fill === 'open' ? last - 1 : last;
  if (firstDecision > lastDecision) {
    throw new DataError(
      `the data hold too little history: ${longest ?? 'the strategy'} needs a warm-up of ${warmup} bars, and only ${Math.max(0, lastDecision)} bar(s) come before the last decision close (${panel.dates[Math.max(0, lastDecision)]}); start later, or give data from further back`,
      'E_SHORT_HISTORY',
    );
  }
  const warnings: string[] = [];
  let first = rangeFirst;
  if (firstDecision > ideal) {
    first = fill === 'open' ? firstDecision + 1 : firstDecision;
    const when = `from ${panel.dates[first]} (first decision at the close of ${panel.dates[firstDecision]}) instead of ${panel.dates[rangeFirst]}`;
    warnings.push(longest
      ? `the data begin too late for the longest warm-up (${longest}: ${warmup} bars): every variant trades ${when}, and all are scored from that day`
      : `the data begin too late for a warm-up of ${warmup} bars: the run trades ${when}, and is scored from that day`);
  }
  const cut = rangeCut(panel, startDay, endDay, rangeFirst, last);
  if (cut) warnings.push(cut);
  return { first, last, firstDecision, lastDecision, fill, warnings };
}

/** The range reaches past the data: one line with the dates used, or undefined. */
function rangeCut(panel: Panel, startDay: number, endDay: number, first: number, last: number): string | undefined {
  const lateStart = panel.days[first]! - startDay > CUT_DAYS;
  const earlyEnd = endDay - panel.days[last]! > CUT_DAYS;
  if (!lateStart && !earlyEnd) return undefined;
  const parts = [];
  if (lateStart) parts.push(`starts ${isoDate(startDay)} but the data's first trading day in it is ${panel.dates[first]}`);
  if (earlyEnd) parts.push(`ends ${isoDate(endDay)} but the data's last trading day is ${panel.dates[last]}`);
  return `the range ${parts.join(', and ')}: the run covers ${panel.dates[first]} → ${panel.dates[last]}`;
}

/**
 * R of a strategy's `every` for these parameters, or undefined when it decides on every decision
 * bar; anything but a whole number ≥ 1 is a bad strategy (exit 2).
 */
export function decisionEvery(strategy: Strategy, params: Params): number | undefined {
  if (!strategy.every) return undefined;
  const every = strategy.every(params as never);
  if (!Number.isSafeInteger(every) || every < 1) throw new UsageError(`strategy ${strategy.name}: every must give a whole number ≥ 1, got ${String(every)}`, 'E_BAD_STRATEGY');
  return every;
}

/**
 * The bars on which a strategy deciding every R-th decision bar decides (1; else 0): firstDecision,
 * firstDecision + R, … up to lastDecision — the only rows its sparse factors need. Undefined without
 * `every`: every row is needed.
 */
export function decisionRows(schedule: Schedule, bars: number, every: number | undefined): Uint8Array | undefined {
  if (every === undefined) return undefined;
  const rows = new Uint8Array(bars);
  for (let t = schedule.firstDecision; t <= schedule.lastDecision; t += every) rows[t] = 1;
  return rows;
}

/** The rows a strategy with these parameters decides on (decisionRows of its `every`), or undefined: every row. */
export function strategyRows(strategy: Strategy, params: Params, schedule: Schedule, bars: number): Uint8Array | undefined {
  return decisionRows(schedule, bars, decisionEvery(strategy, params));
}
