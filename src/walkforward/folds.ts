import { UsageError } from '../errors.ts';
import { describeSpec, type WalkForwardSpec } from './spec.ts';

/**
 * The folds of a walk-forward over the run's evaluation window (its N trading days, numbered
 * 0 … N − 1; day 0 is the schedule's first trading day):
 * 1. fold k (k = 0, 1, …) tests from s_k = trainEnd_k + 1 + embargo, where trainEnd_k =
 *    train − 1 + k·step; its training window starts at k·step (rolling) or at day 0 (anchored),
 *    so a rolling window keeps `train` days and an anchored one grows by `step` each fold;
 * 2. folds are made while s_k is inside the window; the first must fit whole
 *    (train + embargo + test ≤ N);
 * 3. fold k trades from s_k until the day before s_{k+1} (step days; step ≤ test), the last fold
 *    `test` days or to the window's end, whichever comes first: the test windows tile the days
 *    from s_0 to the end, with no gap and no overlap, so one account can trade them in turn;
 * 4. the embargo leaves days out between a fold's training end and its test start; those days
 *    are the previous fold's test days (the account is never idle), or, before the first fold,
 *    days on which the account holds cash;
 * 5. `--holdout D` is one fold: train on days 0 … N − D − 1, test on the last D; `--holdout DATE`
 *    tests from the first trading day on or after DATE.
 */
export interface Fold {
  /** 0-based (folds.csv numbers them from 1). */
  readonly index: number;
  /** Days of the evaluation window, inclusive. */
  readonly trainStart: number;
  readonly trainEnd: number;
  readonly testStart: number;
  readonly testEnd: number;
}

/** What the checks need of the run: its evaluation window and its longest warm-up. */
export interface FoldWindow {
  /** Trading days in the evaluation window (N). */
  readonly days: number;
  /** ISO date of each day of the window (days[0] is the first trading day). */
  readonly dates: readonly string[];
  /** The longest warm-up of the variants, in bars, and who needs it (for --holdout's check). */
  readonly warmup: number;
  readonly warmupOf?: string | undefined;
}

/** The folds of `spec` over the window (outline above); bad input (exit 2) when it does not fit. */
export function planFolds(spec: WalkForwardSpec, w: FoldWindow): Fold[] {
  const N = w.days;
  const range = `the evaluation window has ${N} trading day${N === 1 ? '' : 's'} (${w.dates[0]} → ${w.dates[N - 1]})`;
  if (spec.kind === 'holdout') return [holdoutFold(spec, w, range)];
  const { train, test, step, embargo, anchored } = spec;
  const need = train + embargo + test;
  if (need > N) {
    const room = N - embargo - test;
    const allows = room >= 1 ? `; it allows train=${room} with test=${test}${embargo ? ` and embargo=${embargo}` : ''}, or a shorter test` : '; shorten train and test, or widen the range';
    throw new UsageError(`${describeSpec(spec)}: ${range}: train + embargo + test (${need}) must fit in it${allows}`, 'E_WALK_FORWARD_RANGE');
  }
  const folds: Fold[] = [];
  for (let k = 0; ; k++) {
    const trainEnd = train - 1 + k * step;
    const testStart = trainEnd + 1 + embargo;
    if (testStart > N - 1) break;
    const next = testStart + step;
    const testEnd = Math.min(next <= N - 1 ? next - 1 : testStart + test - 1, N - 1);
    folds.push({ index: k, trainStart: anchored ? 0 : k * step, trainEnd, testStart, testEnd });
  }
  return folds;
}

function holdoutFold(spec: Extract<WalkForwardSpec, { kind: 'holdout' }>, w: FoldWindow, range: string): Fold {
  const N = w.days;
  // Training must cover at least the longest warm-up (and a day): the earliest the holdout may start.
  const minTrain = Math.max(1, w.warmup);
  const who = w.warmupOf ? ` (${w.warmupOf})` : '';
  const allows = minTrain <= N - 1
    ? `the range allows --holdout 1 … ${N - minTrain} (days), or a date from ${w.dates[minTrain]} to ${w.dates[N - 1]}`
    : 'the range is too short for a holdout: widen it';
  let testStart: number;
  if ('date' in spec) {
    testStart = w.dates.findIndex((d) => d >= spec.date);
    if (testStart < 0) throw new UsageError(`--holdout ${spec.date}: after the evaluation window's last day (${w.dates[N - 1]}); ${allows}`, 'E_WALK_FORWARD_RANGE');
  } else {
    if (spec.days >= N) throw new UsageError(`--holdout ${spec.days}: ${range}, so it leaves no training days; ${allows}`, 'E_WALK_FORWARD_RANGE');
    testStart = N - spec.days;
  }
  if (testStart < minTrain) {
    const shown = 'date' in spec ? spec.date : String(spec.days);
    throw new UsageError(`--holdout ${shown} leaves ${testStart} training day${testStart === 1 ? '' : 's'}, fewer than the longest warm-up (${w.warmup} bars${who}); ${allows}`, 'E_WALK_FORWARD_RANGE');
  }
  return { index: 0, trainStart: 0, trainEnd: testStart - 1, testStart, testEnd: N - 1 };
}
