import { rankOrder } from '../metrics/index.ts';
import type { VariantOutcome } from '../metrics/outcome.ts';
import type { Fold } from './folds.ts';
import { annualReturn, ruinedBy, windowMetric, type CurveWindow, type WindowContext } from './window-metrics.ts';

/**
 * Each fold's choice, from the sweep's curves alone (every variant simulated once over the whole
 * window, by whichever executor ran the sweep):
 * 1. every variant's `rankBy` over the fold's training days (window-metrics.ts), solvent first —
 *    a variant counts as ruined only if its equity reached 0 by the training window's end (a later
 *    ruin is the future) — then by the metric (smaller first for LOWER_IS_BETTER), missing values
 *    last, ties to the lower variant id: summary.csv's order (metrics/index.ts rankOrder);
 * 2. the first is chosen;
 * 3. for how lucky the choice was: every variant's same metric over the fold's test days, ranked
 *    the same way; the chosen variant's place in it (1 = it was the best out of sample too) and
 *    the variant that was best.
 * Nothing here reads a day after the training window's end but for step 3, which only reports.
 */
export interface FoldChoice {
  readonly fold: Fold;
  /** Index into the outcomes (not the variant id). */
  readonly chosen: number;
  /** The chosen variant's metric over its training days (what it was chosen on). */
  readonly isValue: number | null;
  /** Its annualised return over the training days (for the walk-forward efficiency). */
  readonly isAnnualReturn: number | null;
  /** Its rank among all variants by the metric over the test days (1-based), and of how many. */
  readonly oosRank: number;
  readonly oosOf: number;
  /** Index of the variant best by the metric over the test days. */
  readonly oosBest: number;
}

export interface ChooseContext extends WindowContext {
  readonly rankBy: string;
  readonly cash: number;
  /** The panel bar of the evaluation window's first day (to turn ruinedAt into a day of the window). */
  readonly first: number;
}

/** The ranking of every variant over days [from, to] of the window: indices into `outcomes`, best first. */
export function rankWindow(outcomes: readonly VariantOutcome[], from: number, to: number, ctx: ChooseContext): { order: number[]; values: (number | null)[] } {
  // Stryker disable next-line ArrayDeclaration: equivalent, every slot is written below before it is read
  const values: (number | null)[] = [];
  // Stryker disable next-line ArrayDeclaration: equivalent, as above
  const ruined: boolean[] = [];
  outcomes.forEach((v, k) => {
    const w: CurveWindow = { equity: v.result.curve.equity, cash: ctx.cash, from, to };
    const dead = ruinedBy(w, v.result.ruinedAt >= 0 ? v.result.ruinedAt - ctx.first : -1);
    ruined[k] = dead;
    values[k] = windowMetric(ctx.rankBy, w, dead, ctx);
  });
  const items = outcomes.map((v, k) => ({ id: v.id, k }));
  const order = rankOrder(items, ctx.rankBy, (item) => values[item.k], (item) => ruined[item.k]!).map((item) => item.k);
  return { order, values };
}

/** The choice of every fold (outline above). */
export function chooseFolds(outcomes: readonly VariantOutcome[], folds: readonly Fold[], ctx: ChooseContext): FoldChoice[] {
  return folds.map((fold) => {
    const training = rankWindow(outcomes, fold.trainStart, fold.trainEnd, ctx);
    const chosen = training.order[0]!;
    const test = rankWindow(outcomes, fold.testStart, fold.testEnd, ctx);
    return {
      fold,
      chosen,
      isValue: training.values[chosen]!,
      isAnnualReturn: annualReturn({ equity: outcomes[chosen]!.result.curve.equity, cash: ctx.cash, from: fold.trainStart, to: fold.trainEnd }),
      oosRank: test.order.indexOf(chosen) + 1,
      oosOf: outcomes.length,
      oosBest: test.order[0]!,
    };
  });
}
