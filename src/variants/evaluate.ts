import type { Params, Strategy } from '../strategy/types.ts';
import { UsageError } from '../errors.ts';
import { curveStats, performanceFrom, type Metrics } from '../metrics/index.ts';
import { dailyRiskFree } from '../metrics/risk-free.ts';
import { roundTripTotals, runEnd } from '../metrics/round-trips.ts';
import { roundTripMetrics } from '../metrics/tear-sheet.ts';
import { costMetrics } from '../metrics/costs.ts';
import type { VariantOutcome, VariantSignal } from '../metrics/outcome.ts';
import { signalDiagnostics, summarizeSignal } from '../metrics/signal-diagnostics.ts';
import type { Panel } from '../panel/panel.ts';
import { tradedNotional } from '../recorder/trade-log.ts';
import { actingStrategy } from '../runner/acting.ts';
import type { FactorCache } from '../runner/factor-cache.ts';
import { planSchedule, strategyRows, type FillTiming, type Schedule } from '../runner/schedule.ts';
import { simulate, type SimulationResult, type SimulationSettings } from '../runner/simulate.ts';
import { simulateSingleSymbol, singleSymbolApplies } from '../runner/single-symbol.ts';
import { createContext, type SupabaseLike } from '../strategy/context.ts';

export type { VariantOutcome, VariantSignal };

export interface VariantJob {
  readonly panel: Panel;
  readonly strategy: Strategy;
  readonly id: number;
  readonly params: Params;
  /** The starting capital when not the run's `settings.cash` (a `--capacity` point). */
  readonly cash?: number | undefined;
  /** The run's schedule (`runSchedule`): every variant of a run is scored over the same days. */
  readonly schedule: Schedule;
  readonly settings: SimulationSettings;
  readonly factors: FactorCache;
  readonly supabase?: SupabaseLike | undefined;
  /** What the strategy's `setup` returned for the run. */
  readonly setupData?: unknown;
  /** Compute the signal diagnostics (default true; benchmarks time the simulation alone). */
  readonly diagnostics?: boolean;
  /** Always run the general simulation (tests and benchmarks compare the one-symbol path with it). */
  readonly generalPath?: boolean;
}

/** Checks a variant's parameters against the loaded universe (bad input: exit 2). */
export function validateVariant(strategy: Strategy, params: Params, panel: Panel): void {
  const problem = strategy.validate?.(params as never, { symbols: panel.symbols });
  if (problem) throw new UsageError(problem, 'E_BAD_PARAM');
}

/**
 * A run's one schedule: its variants' longest warm-up decides when every one of them starts (named in
 * the warning when the data begin too late for it).
 */
export function runSchedule(panel: Panel, strategy: Strategy, variants: readonly Params[], startDay: number, endDay: number, fill: FillTiming): Schedule {
  let warmup = 0, longest = 0;
  variants.forEach((p, k) => {
    const w = strategy.warmup(p as never);
    if (w > warmup) { warmup = w; longest = k; }
  });
  const varying = Object.keys(strategy.params).filter((key) => new Set(variants.map((p) => String(p[key]))).size > 1);
  const label = variants.length > 1 ? `variant ${longest + 1}${varying.length ? ` (${varying.map((key) => `${key}=${variants[longest]![key]}`).join(', ')})` : ''}` : undefined;
  return planSchedule(panel, startDay, endDay, warmup, fill, label);
}

/** Simulates and measures one variant over the run's schedule. */
export function evaluateVariant(job: VariantJob): VariantOutcome {
  const { panel, strategy, params, schedule } = job;
  const settings = job.cash === undefined ? job.settings : { ...job.settings, cash: job.cash };
  let ctx = createContext(job.supabase, job.setupData);
  // One symbol without a market model or financing: the same run, stepped only where something happens
  // (runner/single-symbol.ts); one that reaches the margin or ruin is run again by the general path.
  let result = singleSymbolApplies(panel, settings, job.factors) && job.generalPath !== true
    ? simulateSingleSymbol(panel, strategy, params, schedule, settings, job.factors, ctx)
    : undefined;
  if (result === undefined) {
    if (ctx.warnings.length) ctx = createContext(job.supabase, job.setupData); // a given-back run's warnings go with it
    result = simulate(panel, actingStrategy(strategy, params, job.factors, panel), params, schedule, settings, job.factors, ctx);
  }
  const metrics = measureVariant(panel, schedule, result, settings);
  // A capacity point (another capital) needs no signal diagnostics: the variant's own run has them.
  const signal = strategy.signal && job.diagnostics !== false && job.cash === undefined ? evaluateSignal(job, result.decisions, schedule.last) : undefined;
  const warnings = [...ctx.warnings];
  if (result.skipped.length) warnings.push(`${result.skipped.length} order(s) not executed: no price on the fill day`);
  if (result.droppedWeights) warnings.push(`${result.droppedWeights} weight(s) on symbols outside the universe that day were dropped`);
  warnings.push(...costWarnings(result.costs));
  return { id: job.id, params, schedule, result, metrics, signal, warnings };
}

/** What the cost models could not do as asked, for the run's warnings (grouped across variants). */
function costWarnings(c: SimulationResult['costs']): string[] {
  const out: string[] = [];
  if (c.untradable) out.push(`${c.untradable} order(s) not filled under --max-participation: the symbol had no volume that day nor in the --adv-days before`);
  if (c.noImpactData) out.push(`${c.noImpactData} fill(s) charged no market impact: no volume or too few closes in the --adv-days before the fill day`);
  if (c.noShares) out.push(`${c.noShares} fill(s) priced with --impact almgren without shares outstanding: the (Θ/V)^¼ term was taken as 1`);
  return out;
}

/** An outcome without its signal values (the factors themselves, kept for signals.csv only), so that released factors can go. */
export function withoutSignalValues(o: VariantOutcome): VariantOutcome {
  return o.signal ? { ...o, signal: { ...o.signal, values: {} } } : o;
}

/** IC, quintile spread and coverage of the declared signal on the decision days. */
function evaluateSignal(job: VariantJob, decisions: Int32Array, lastBar: number): VariantSignal {
  const { strategy, params } = job;
  const spec = strategy.signal!(params as never);
  const declared = strategy.factors?.(params as never) ?? {};
  const values = signalValues(strategy, params, job.schedule, job.factors);
  // Variants with the same signal, horizon and decision days share their diagnostics.
  const key = `diagnostics|${declared[spec.factor]!.key}|${spec.horizon}|${lastBar}|${decisions.join(',')}`;
  const { days, summary } = job.factors.memo(key, () => {
    const d = signalDiagnostics(job.panel, values[spec.factor]!, spec.horizon, decisions, lastBar, job.factors.universe);
    return { days: d, summary: summarizeSignal(d) };
  });
  return { factor: spec.factor, horizon: spec.horizon, days, summary, values };
}

/**
 * The factors of a strategy's signal (its companions, then the signal itself), by name, on the rows
 * its run read them (its decision bars: the diagnostics' days and signals.csv's are among them).
 */
export function signalValues(strategy: Strategy, params: Params, schedule: Schedule, factors: FactorCache): Record<string, Float64Array> {
  const spec = strategy.signal!(params as never);
  const declared = strategy.factors?.(params as never) ?? {};
  const rows = strategyRows(strategy, params, schedule, factors.bars);
  const values: Record<string, Float64Array> = {};
  for (const name of [...(spec.extra ?? []), spec.factor]) {
    const factor = declared[name];
    if (!factor) throw new UsageError(`strategy ${strategy.name}: its signal names factor "${name}", which factors() does not declare`, 'E_BAD_STRATEGY');
    values[name] = factors.get(factor, rows);
  }
  return values;
}

/**
 * What a variant's own run tells (summary.csv's columns that need nothing else): performance (Sharpe
 * and Sortino net of the risk-free rate), exposure, and its closed round trips' statistics. The columns
 * that need the whole run — against the benchmark, across the variants — come after (app/measures.ts).
 */
export function measureVariant(panel: Panel, schedule: Schedule, result: SimulationResult, settings: SimulationSettings): Metrics {
  const ruined = result.ruinedAt >= 0;
  const { curve, trades } = result;
  const startCash = settings.cash;
  const riskFree = dailyRiskFree(settings.riskFree ?? 0);
  // One pass over the curve for performance and exposure (metrics/curve-pass.ts).
  const stats = curveStats(curve, startCash, riskFree);
  const base = performanceFrom({
    curve,
    startCash,
    fills: trades.length,
    roundTrips: result.roundTrips,
    tradedNotional: tradedNotional(trades),
    ruined,
    riskFree,
  }, stats);
  return {
    ...base,
    avg_net_exposure: stats.avgNetExposure,
    max_gross_exposure: stats.maxGrossExposure,
    avg_positions: stats.avgPositions,
    ...roundTripMetrics(roundTripTotals(trades, runEnd(panel, schedule.last))),
    // Costs per unit of everything traded, the first book included (it paid its costs too).
    ...costMetrics({ costs: result.costs, startCash, finalEquity: base.final_equity, tradedNotional: tradedNotional(trades, true), ruined }),
  };
}
