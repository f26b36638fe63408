import { RUIN_BLANKS, type Metrics } from '../metrics/index.ts';
import type { VariantOutcome } from '../metrics/outcome.ts';
import { dailyReturns } from '../metrics/returns.ts';
import { dailyRiskFree } from '../metrics/risk-free.ts';
import { benchmarkMetrics, distributionMetrics } from '../metrics/tear-sheet.ts';
import type { Panel } from '../panel/panel.ts';
import type { FactorCache } from '../runner/factor-cache.ts';
import type { Schedule } from '../runner/schedule.ts';
import { simulate, type SimulationSettings } from '../runner/simulate.ts';
import { createContext, type SupabaseLike } from '../strategy/context.ts';
import type { Params, Strategy } from '../strategy/types.ts';
import { returnsMatrixFrom } from '../statistics/returns-matrix.ts';
import { sweepStatistics, type SweepOptions } from '../statistics/sweep.ts';
import { measureVariant } from '../variants/evaluate.ts';
import { walkForwardStrategy, type Segment } from './composite.ts';
import type { Fold } from './folds.ts';

/**
 * The stitched out-of-sample record: one account, trading each fold's chosen variant over the
 * fold's test days in turn (composite.ts), simulated once, in this process, after the sweep:
 * 1. its schedule is the run's from the first test day on: the first decision is the one whose
 *    fill is the first test day (the close before it with next-open fills), the last the run's;
 * 2. one simulate() of the composite strategy with the run's settings (cash, costs, fractional
 *    shares, leverage limit, maintenance margin, ruin) and the run's factor cache;
 * 3. its summary.csv row: the variant's own metrics (measureVariant: performance, exposure, round
 *    trips), against the benchmark's returns over the same days, their distribution, and — with the
 *    statistics on — PSR(0), MinTRL against 0 and the bootstrap interval of its Sharpe, as a sweep of
 *    one trial (statistics/sweep.ts); DSR is left empty (it deflates a choice among trials, and the
 *    record was not chosen on its own returns). A ruined record's ratios are empty.
 */
export interface OutOfSampleInput {
  readonly panel: Panel;
  readonly strategy: Strategy;
  readonly schedule: Schedule;
  readonly settings: SimulationSettings;
  readonly factors: FactorCache;
  readonly folds: readonly Fold[];
  /** The variant chosen for each fold (id, parameters), in fold order. */
  readonly chosen: ReadonlyArray<{ readonly id: number; readonly params: Params }>;
  /** The benchmark's daily returns over the run's evaluation window. */
  readonly benchmark: Float64Array;
  readonly statistics: SweepOptions | null;
  readonly supabase?: SupabaseLike | undefined;
  readonly setupData?: unknown;
}

export interface OutOfSample {
  /** The account as a variant of id 0: its curve covers the out-of-sample days only. */
  readonly outcome: VariantOutcome;
  /** Its daily returns (0 after a ruin) and the benchmark's over the same days. */
  readonly returns: Float64Array;
  readonly benchmark: Float64Array;
}

/** Runs and measures the stitched record (outline above). */
export function runOutOfSample(o: OutOfSampleInput): OutOfSample {
  const { panel, schedule, settings } = o;
  const open = schedule.fill === 'open';
  const firstDay = o.folds[0]!.testStart;
  // Decisions whose fill lands on a test day of the fold: the close before it (next-open fills) or that close.
  const decisionOf = (day: number) => schedule.first + day - (open ? 1 : 0);
  const segments: Segment[] = o.folds.map((f, k) => ({
    id: o.chosen[k]!.id,
    params: o.chosen[k]!.params,
    firstDecision: decisionOf(f.testStart),
    // Stryker disable next-line MethodExpression: equivalent, the last test day's decision is the run's last decision (either fill timing)
    lastDecision: Math.min(decisionOf(f.testEnd), schedule.lastDecision),
  }));
  const oosSchedule: Schedule = { ...schedule, first: schedule.first + firstDay, firstDecision: segments[0]!.firstDecision, warnings: [] };
  const strategy = walkForwardStrategy(o.strategy, segments, panel.dates.length);
  const ctx = createContext(o.supabase, o.setupData);
  const result = simulate(panel, strategy, {}, oosSchedule, settings, o.factors, ctx);
  // Stryker disable next-line EqualityOperator: equivalent for > 0, the record starts after bar 0 (on its first test day), so it cannot be ruined there
  const ruined = result.ruinedAt >= 0;
  const returns = dailyReturns(result.curve.equity, settings.cash);
  if (ruined) for (let d = 0; d < returns.length; d++) if (!Number.isFinite(returns[d]!)) returns[d] = 0;
  const benchmark = o.benchmark.subarray(firstDay);
  const rf = dailyRiskFree(settings.riskFree ?? 0);
  let metrics: Metrics = { ...measureVariant(panel, oosSchedule, result, settings), ...benchmarkMetrics(returns, benchmark, rf), ...distributionMetrics(returns) };
  if (o.statistics) {
    const stats = sweepStatistics(returnsMatrixFrom(Float64Array.from(returns), returns.length, 1), benchmark, o.statistics).perVariant;
    const value = (a: Float64Array) => (Number.isFinite(a[0]!) ? a[0]! : null);
    metrics = { ...metrics, psr: value(stats.psr), dsr: null, min_track_record_days: value(stats.min_track_record_days), sharpe_ci_low: value(stats.sharpe_ci_low), sharpe_ci_high: value(stats.sharpe_ci_high) };
  }
  if (ruined) metrics = blank(metrics);
  const warnings = [...ctx.warnings];
  if (result.skipped.length) warnings.push(`${result.skipped.length} order(s) not executed: no price on the fill day`);
  if (result.droppedWeights) warnings.push(`${result.droppedWeights} weight(s) on symbols outside the universe that day were dropped`);
  const outcome: VariantOutcome = { id: 0, params: {}, schedule: oosSchedule, result, metrics, signal: undefined, warnings };
  return { outcome, returns, benchmark };
}

function blank(m: Metrics): Metrics {
  const out: Record<string, unknown> = { ...m };
  for (const k of Object.keys(out)) if (RUIN_BLANKS.has(k)) out[k] = null;
  return out as unknown as Metrics;
}
