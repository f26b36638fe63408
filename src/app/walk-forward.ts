import type { RunConfig } from '../config/run-config.ts';
import type { VariantOutcome } from '../metrics/outcome.ts';
import type { Panel } from '../panel/panel.ts';
import type { Schedule } from '../runner/schedule.ts';
import { planFolds, runWalkForward, type Fold, type WalkForwardInput, type WalkForwardOutcome } from '../walkforward/index.ts';

/**
 * The walk-forward's two steps in a run (`--walk-forward`, `--holdout`):
 * 1. before the sweep, its folds over the run's evaluation window — windows that do not fit the
 *    range are bad input, found before any work;
 * 2. after the sweep (and only for a complete one: the choice among the variants that happened to
 *    finish before a Ctrl-C would be another walk-forward), each fold's choice and the stitched
 *    out-of-sample record, from the sweep's curves, in this process — whichever executor ran it.
 */
export function planWalkForward(config: RunConfig, panel: Panel, schedule: Schedule, warmup: number): Fold[] | null {
  if (!config.walkForward) return null;
  const days = schedule.last - schedule.first + 1;
  const strategy = config.strategy.strategy;
  const longest = config.variants.findIndex((p) => strategy.warmup(p as never) === warmup);
  return planFolds(config.walkForward, {
    days,
    dates: panel.dates.slice(schedule.first, schedule.last + 1),
    warmup,
    warmupOf: longest >= 0 ? `variant ${longest + 1}` : undefined,
  });
}

/** What the run holds that a walk-forward needs beside the config and the sweep. */
export type WalkForwardRun = Omit<WalkForwardInput, 'spec' | 'folds' | 'variants' | 'rankBy' | 'statistics'>;

export function walkForwardOf(
  config: RunConfig,
  folds: readonly Fold[] | null,
  sweep: { readonly outcomes: readonly VariantOutcome[]; readonly interrupted: boolean },
  run: WalkForwardRun,
  warnings: string[],
): WalkForwardOutcome | undefined {
  if (!config.walkForward || !folds) return undefined;
  // The run's variants (an executor may also return other runs of them, numbered after: capacity's).
  const outcomes = sweep.outcomes.filter((o) => o.id <= config.variants.length);
  if (sweep.interrupted || outcomes.length < config.variants.length) {
    warnings.push(`the walk-forward was not run: the sweep was interrupted with ${outcomes.length} of ${config.variants.length} variants finished, and a choice among those would not be the one asked for`);
    return undefined;
  }
  const statistics = config.statistics && { seed: config.statistics.seed, bootstrapReps: config.statistics.bootstrapReps, pboBlocks: config.statistics.pboBlocks };
  return runWalkForward({ spec: config.walkForward, folds, variants: outcomes, rankBy: config.rankBy, statistics, ...run });
}
