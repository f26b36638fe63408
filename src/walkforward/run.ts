import type { VariantOutcome } from '../metrics/outcome.ts';
import { dailyRiskFree } from '../metrics/risk-free.ts';
import type { Panel } from '../panel/panel.ts';
import type { FactorCache } from '../runner/factor-cache.ts';
import type { Schedule } from '../runner/schedule.ts';
import type { SimulationSettings } from '../runner/simulate.ts';
import type { SupabaseLike } from '../strategy/context.ts';
import type { Params, Strategy } from '../strategy/types.ts';
import type { SweepOptions } from '../statistics/sweep.ts';
import { chooseFolds } from './choose.ts';
import { parameterStability, walkForwardEfficiency, type Efficiency, type Stability } from './efficiency.ts';
import type { Fold } from './folds.ts';
import { runOutOfSample } from './oos.ts';
import type { WalkForwardSpec } from './spec.ts';
import { annualReturn, ruinedBy, windowMetric, type CurveWindow } from './window-metrics.ts';

/**
 * A walk-forward, once the sweep has run (every variant simulated once over the whole evaluation
 * window, by whichever executor):
 * 1. each fold's choice from the variants' curves over its training days (choose.ts);
 * 2. the stitched out-of-sample record: one account trading the chosen variants in turn, one
 *    simulation (oos.ts);
 * 3. per fold, the account's metrics over the fold's test days (and the ranking metric);
 * 4. the walk-forward efficiency and the stability of the choices (efficiency.ts).
 * The same inputs give the same numbers bit for bit: a queue run and a local run agree.
 */
export interface WalkForwardInput {
  readonly spec: WalkForwardSpec;
  readonly folds: readonly Fold[];
  /** The sweep's outcomes, in variant order (every variant: a walk-forward of a partial sweep is not run). */
  readonly variants: readonly VariantOutcome[];
  readonly rankBy: string;
  readonly panel: Panel;
  readonly strategy: Strategy;
  readonly schedule: Schedule;
  readonly settings: SimulationSettings;
  readonly factors: FactorCache;
  /** The benchmark's daily returns over the evaluation window. */
  readonly benchmark: Float64Array;
  readonly statistics: SweepOptions | null;
  readonly supabase?: SupabaseLike | undefined;
  readonly setupData?: unknown;
}

/** One fold as folds.csv writes it. */
export interface FoldResult {
  /** 1-based. */
  readonly fold: number;
  /** Days of the evaluation window (0 = its first trading day), inclusive. */
  readonly trainStart: number;
  readonly trainEnd: number;
  readonly testStart: number;
  readonly testEnd: number;
  /** The chosen variant. */
  readonly variant: number;
  readonly params: Params;
  /** Its ranking metric over the training days, and its annualised return there. */
  readonly isValue: number | null;
  readonly isAnnualReturn: number | null;
  /** Where it ranked among all variants by the metric over the test days (their own runs), of how many, and who was best. */
  readonly oosRank: number;
  readonly oosOf: number;
  readonly oosBestVariant: number;
  /** The account over the fold's test days: the ranking metric and the headline numbers. */
  readonly oos: Readonly<Record<string, number | null>>;
  readonly oosAnnualReturn: number | null;
  readonly benchmarkTotalReturn: number | null;
}

export interface WalkForwardOutcome {
  readonly spec: WalkForwardSpec;
  readonly rankBy: string;
  readonly folds: readonly FoldResult[];
  /** The stitched record as a variant (id 0): its curve covers the out-of-sample days. */
  readonly oos: VariantOutcome;
  /** Day of the evaluation window on which the out-of-sample record starts. */
  readonly firstDay: number;
  /** The fold (1-based) of each out-of-sample day. */
  readonly foldOfDay: Int32Array;
  /** The benchmark over the out-of-sample days, grown from the run's cash. */
  readonly benchmarkEquity: Float64Array;
  readonly efficiency: Efficiency;
  readonly stability: Stability;
}

/** The metrics folds.csv gives of the account in each fold, beside the ranking metric. */
export const FOLD_OOS_METRICS = ['total_return', 'sharpe', 'max_drawdown'] as const;

export function runWalkForward(o: WalkForwardInput): WalkForwardOutcome {
  const { variants, folds, settings, schedule } = o;
  const cash = settings.cash;
  const riskFree = dailyRiskFree(settings.riskFree ?? 0);
  const choices = chooseFolds(variants, folds, { rankBy: o.rankBy, cash, riskFree, benchmark: o.benchmark, first: schedule.first });
  const chosen = choices.map((c) => ({ id: variants[c.chosen]!.id, params: variants[c.chosen]!.params }));
  const record = runOutOfSample({
    panel: o.panel, strategy: o.strategy, schedule, settings, factors: o.factors, folds, chosen, benchmark: o.benchmark,
    statistics: o.statistics, supabase: o.supabase, setupData: o.setupData,
  });
  const firstDay = folds[0]!.testStart;
  const equity = record.outcome.result.curve.equity;
  const ruinedDay = record.outcome.result.ruinedAt >= 0 ? record.outcome.result.ruinedAt - record.outcome.schedule.first : -1;
  const ctx = { benchmark: record.benchmark, riskFree };
  const metrics = [...new Set<string>([o.rankBy, ...FOLD_OOS_METRICS])];
  const results: FoldResult[] = choices.map((c, k) => {
    const w: CurveWindow = { equity, cash, from: c.fold.testStart - firstDay, to: c.fold.testEnd - firstDay };
    const dead = ruinedBy(w, ruinedDay);
    let growth = 1;
    for (let d = w.from; d <= w.to; d++) growth *= 1 + record.benchmark[d]!;
    return {
      fold: k + 1,
      trainStart: c.fold.trainStart, trainEnd: c.fold.trainEnd, testStart: c.fold.testStart, testEnd: c.fold.testEnd,
      variant: chosen[k]!.id,
      params: chosen[k]!.params,
      isValue: c.isValue,
      isAnnualReturn: c.isAnnualReturn,
      oosRank: c.oosRank,
      oosOf: c.oosOf,
      oosBestVariant: variants[c.oosBest]!.id,
      oos: Object.fromEntries(metrics.map((m) => [m, windowMetric(m, w, dead, ctx)])),
      oosAnnualReturn: annualReturn(w),
      benchmarkTotalReturn: Number.isFinite(growth) ? growth - 1 : null,
    };
  });
  const foldOfDay = new Int32Array(equity.length);
  // Stryker disable next-line ArithmeticOperator: equivalent for a fill past a fold's end, the folds come in order and each overwrites the next one's days
  for (const f of results) foldOfDay.fill(f.fold, f.testStart - firstDay, f.testEnd - firstDay + 1);
  const benchmarkEquity = new Float64Array(equity.length);
  let b = cash;
  // Stryker disable next-line EqualityOperator: equivalent for <=, the write past the end is ignored by the typed array
  for (let d = 0; d < benchmarkEquity.length; d++) benchmarkEquity[d] = b *= 1 + record.benchmark[d]!;
  // Stryker disable next-line ArithmeticOperator: equivalent, a window past the curve's end is cut to it (subarray)
  const oosAnnual = annualReturn({ equity, cash, from: 0, to: equity.length - 1 });
  return {
    spec: o.spec,
    rankBy: o.rankBy,
    folds: results,
    oos: record.outcome,
    firstDay,
    foldOfDay,
    benchmarkEquity,
    efficiency: walkForwardEfficiency(oosAnnual, results.map((f) => ({ isAnnualReturn: f.isAnnualReturn, testDays: f.testEnd - f.testStart + 1 }))),
    stability: parameterStability(chosen, variants.map((v) => v.params), Object.keys(o.strategy.params)),
  };
}
