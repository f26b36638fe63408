import type { BenchmarkOutcome, VariantOutcome } from '../metrics/outcome.ts';
import type { SweepSummary } from '../statistics/sweep.ts';
import type { RunConfig } from '../config/run-config.ts';
import { dailyReturns, drawdowns, rankOrder, summaryMetrics } from '../metrics/index.ts';
import { eligibility } from '../panel/eligibility.ts';
import { seasonAt, type Panel } from '../panel/panel.ts';
import { roundTrips, runEnd } from '../metrics/round-trips.ts';
import { ROUND_TRIP_COLUMNS, roundTripRows } from '../metrics/round-trip-rows.ts';
import { tradeReason } from '../recorder/trade-log.ts';
import type { Schedule } from '../runner/schedule.ts';
import type { SourceInfo } from '../source/types.ts';
import type { WarningGroup } from '../util/warnings.ts';
import { CAPACITY_COLUMNS, type CapacityRow } from '../metrics/capacity.ts';
import { writeCsvFile, type Cell } from './csv.ts';
import { writeTextFile } from './write-file.ts';

/** Everything a finished run hands to the writers. */
export interface RunRecord {
  readonly runId: string;
  readonly config: RunConfig;
  readonly panel: Panel;
  readonly source: SourceInfo;
  readonly fingerprint: string;
  /** Outcomes in variant order (a partial run holds those that finished). */
  readonly variants: readonly VariantOutcome[];
  /** `partial` when interrupted: the files hold the variants that finished. */
  readonly status: 'complete' | 'partial';
  /** Threads that ran the variants. */
  readonly threads: number;
  /** How the variants were run when not by this machine's threads (a queue: jobs, workers). */
  readonly execution?: Readonly<Record<string, unknown>> | undefined;
  /** What the variants are compared with (`--benchmark`), over the same days. */
  readonly benchmark?: BenchmarkOutcome | undefined;
  /** The overfitting statistics of the sweep (overfitting.json); null with --no-statistics. */
  readonly statistics?: SweepSummary | null | undefined;
  /** `--capacity`: each variant at each starting capital (capacity.csv). */
  readonly capacity?: readonly CapacityRow[] | undefined;
  readonly createdAt: Date;
  /** The run's schedule: the evaluation window every variant is scored over. */
  readonly schedule: Schedule;
  /** One line per kind of warning (grouped: see app/warnings.ts), and the groups with their examples. */
  readonly warnings: readonly string[];
  readonly warningGroups?: readonly WarningGroup[];
  readonly timings: Record<string, number>;
  /** Peak resident memory of the process, in MB, when the manifest was written. */
  readonly peakRssMb?: number | undefined;
  readonly versions: Record<string, string>;
  /** The Supabase client's counters (requests, retries, sockets) when the run used one. Never the key. */
  readonly supabase?: object;
}

/** exposure.csv: each day's long and short market value in each peer group, as fractions of equity. */
export const EXPOSURE_COLUMNS = ['date', 'variant', 'peer_group', 'long', 'short'] as const;

export const EQUITY_COLUMNS = ['date', 'variant', 'equity', 'cash', 'gross', 'net', 'return', 'drawdown', 'long', 'short', 'positions'] as const;
export const TRADE_COLUMNS = ['date', 'variant', 'symbol', 'side', 'quantity', 'price', 'notional', 'cost', 'reason', 'asked'] as const;

/** Parameter names, in the strategy's declared order. */
export function paramColumns(record: RunRecord): string[] {
  return Object.keys(record.config.strategy.strategy.params);
}

/** Metric columns of summary.csv (metrics/columns.ts): every group, the signal's when the strategy has one. */
export function metricColumns(record: RunRecord): string[] {
  return summaryMetrics(Boolean(record.config.strategy.strategy.signal));
}

export function summaryHeader(record: RunRecord): string[] {
  return ['variant', 'strategy', 'status', ...paramColumns(record), ...metricColumns(record)];
}

/** `ruined` when the variant's equity reached 0 (liquidated, stopped), else `ok`. */
export function variantStatus(v: VariantOutcome): 'ok' | 'ruined' {
  return v.result.ruinedAt >= 0 ? 'ruined' : 'ok';
}

/** A variant's metrics by column name. */
export function variantMetrics(v: VariantOutcome): Record<string, Cell> {
  return { ...v.metrics, ...v.signal?.summary };
}

/** Variants best first by the run's `--rank-by` metric, solvent ones before ruined ones. */
export function rankedVariants(record: RunRecord): VariantOutcome[] {
  return rankOrder(record.variants, record.config.rankBy, (v) => variantMetrics(v)[record.config.rankBy], (v) => variantStatus(v) === 'ruined');
}

export function summaryRow(record: RunRecord, v: VariantOutcome): Cell[] {
  const metrics = variantMetrics(v);
  return [v.id, record.config.strategy.strategy.name, variantStatus(v), ...paramColumns(record).map((k) => v.params[k]), ...metricColumns(record).map((k) => metrics[k])];
}

/** diagnostics.csv: one row per decision day and variant; one IC column per peer group. */
export function diagnosticsHeader(record: RunRecord): string[] {
  return ['date', 'variant', 'ic', 'quintile_spread', 'coverage', ...record.panel.groups.map((g) => `ic_${g}`)];
}

function* diagnosticsRows(record: RunRecord): Generator<Cell[]> {
  for (const v of record.variants) {
    for (const d of v.signal?.days ?? []) yield [record.panel.dates[d.bar], v.id, d.ic, d.quintileSpread, d.coverage, ...d.groupIc];
  }
}

/** signals.csv columns: the signal's companions, the signal, and its rank (1 = highest). */
function signalsHeader(record: RunRecord): string[] {
  const first = record.variants.find((v) => v.signal)?.signal;
  const names = first ? Object.keys(first.values) : [];
  return ['date', 'variant', 'symbol', 'peer_group', ...names, 'rank'];
}

/** signals.csv: each member (of that decision's universe, in its peer group of that day) on each decision day. */
function* signalsRows(record: RunRecord): Generator<Cell[]> {
  const { panel } = record;
  const n = panel.symbols.length;
  const universe = eligibility(panel, record.config.fill);
  for (const v of record.variants) {
    if (!v.signal) continue;
    const names = Object.keys(v.signal.values);
    const signal = v.signal.values[v.signal.factor]!;
    for (const d of v.signal.days) {
      const row = d.bar * n;
      const groupOf = universe.span(d.bar).groupOf;
      const ranked = Array.from({ length: n }, (_, i) => i)
        .filter((i) => Number.isFinite(signal[row + i]!))
        .sort((a, b) => signal[row + b]! - signal[row + a]! || a - b);
      const rank = new Map(ranked.map((i, k) => [i, k + 1]));
      for (let i = 0; i < n; i++) {
        if (universe.mask[row + i] === 0) continue;
        yield [panel.dates[d.bar], v.id, panel.symbols[i], panel.groups[groupOf[i]!], ...names.map((name) => v.signal!.values[name]![row + i]), rank.get(i)];
      }
    }
  }
}

function* benchmarkRows(record: RunRecord, b: BenchmarkOutcome): Generator<Cell[]> {
  const { equity, returns } = b;
  const dd = drawdowns(equity, record.config.cash);
  for (let d = 0; d < equity.length; d++) yield [record.panel.dates[record.schedule.first + d], equity[d], returns[d], dd[d]];
}

function* equityRows(record: RunRecord): Generator<Cell[]> {
  const { dates } = record.panel;
  for (const v of record.variants) {
    const { equity, cash, gross, net, long, short, positions } = v.result.curve;
    const returns = dailyReturns(equity, record.config.cash);
    const dd = drawdowns(equity, record.config.cash);
    for (let d = 0; d < equity.length; d++) {
      yield [dates[v.schedule.first + d], v.id, equity[d], cash[d], gross[d], net[d], returns[d], dd[d], long[d], short[d], positions[d]];
    }
  }
}

/** round_trips.csv: each variant's round trips, flat to flat (metrics/round-trips.ts), open ones last. */
function* roundTripRowsOf(record: RunRecord): Generator<Cell[]> {
  const { dates, symbols } = record.panel;
  const end = runEnd(record.panel, record.schedule.last);
  for (const v of record.variants) yield* roundTripRows(roundTrips(v.result.trades, end), v.id, dates, symbols);
}

/**
 * exposure.csv: the positions after each day's fills, replayed from the trades, valued at that day's
 * close (the last known one through gaps), summed by the peer group of the day's season (a symbol
 * outside the universe that day keeps its latest group), as fractions of the day's equity; a row for
 * each group held that day.
 */
function* exposureRows(record: RunRecord): Generator<Cell[]> {
  const { panel, schedule } = record;
  const n = panel.symbols.length;
  const marks = new Float64Array(n).fill(NaN);
  const long = new Float64Array(panel.groups.length), short = new Float64Array(panel.groups.length);
  for (const v of record.variants) {
    const t0 = v.result.trades;
    const q = new Float64Array(n);
    const held = new Set<number>();
    let k = 0;
    marks.fill(NaN);
    for (let t = 0; t <= schedule.last; t++) {
      for (let i = 0; i < n; i++) {
        const c = panel.close[t * n + i]!;
        if (c === c) marks[i] = c;
      }
      for (; k < t0.length && t0.bar[k]! <= t; k++) {
        const i = t0.column[k]!;
        q[i]! += t0.quantity[k]!;
        if (Math.abs(q[i]!) < 1e-12) { q[i] = 0; held.delete(i); } else held.add(i);
      }
      if (t < schedule.first) continue;
      const equity = v.result.curve.equity[t - schedule.first]!;
      if (!(equity > 0)) continue;
      long.fill(0);
      short.fill(0);
      const groupOf = seasonAt(panel, t).groupOf;
      for (const i of held) {
        const g = groupOf[i]! >= 0 ? groupOf[i]! : panel.groupOf[i]!;
        if (g < 0) continue;
        const value = q[i]! * marks[i]!;
        if (value > 0) long[g]! += value; else short[g]! += value;
      }
      for (let g = 0; g < long.length; g++) {
        if (long[g] !== 0 || short[g] !== 0) yield [panel.dates[t], v.id, panel.groups[g], long[g]! / equity, short[g]! / equity];
      }
    }
  }
}

function* tradeRows(record: RunRecord): Generator<Cell[]> {
  const { dates, symbols } = record.panel;
  for (const v of record.variants) {
    const t = v.result.trades;
    for (let k = 0; k < t.length; k++) {
      const q = t.quantity[k]!;
      const p = t.price[k]!;
      yield [dates[t.bar[k]!], v.id, symbols[t.column[k]!], q > 0 ? 'buy' : 'sell', Math.abs(q), p, Math.abs(q * p), t.fee[k], tradeReason(t.reason[k]!), Math.abs(t.asked[k]!)];
    }
  }
}

/**
 * Writes summary.csv (one row per variant, best first by --rank-by) and, as --save asks, equity.csv and
 * exposure.csv, trades.csv and round_trips.csv, diagnostics.csv (all variants in one file each, with a
 * `variant` column; only the top `saveTop` variants' for a large sweep by default). Returns the row counts.
 */
export function writeTables(dir: (file: string) => string, record: RunRecord): Record<string, number> {
  const rows: Record<string, number> = {};
  const save = record.config.save;
  const ranked = rankedVariants(record);
  rows['summary.csv'] = writeCsvFile(dir('summary.csv'), summaryHeader(record), ranked.map((v) => summaryRow(record, v)));
  const top = record.config.saveTop;
  const saved: RunRecord = top === null ? record : { ...record, variants: ranked.slice(0, top).sort((a, b) => a.id - b.id) };
  if (save.has('equity')) {
    rows['equity.csv'] = writeCsvFile(dir('equity.csv'), EQUITY_COLUMNS, equityRows(saved));
    rows['exposure.csv'] = writeCsvFile(dir('exposure.csv'), EXPOSURE_COLUMNS, exposureRows(saved));
  }
  if (save.has('trades')) {
    rows['trades.csv'] = writeCsvFile(dir('trades.csv'), TRADE_COLUMNS, tradeRows(saved));
    rows['round_trips.csv'] = writeCsvFile(dir('round_trips.csv'), ROUND_TRIP_COLUMNS, roundTripRowsOf(saved));
  }
  if (record.variants.some((v) => v.signal)) {
    if (save.has('diagnostics')) rows['diagnostics.csv'] = writeCsvFile(dir('diagnostics.csv'), diagnosticsHeader(record), diagnosticsRows(saved));
    if (record.config.signals) rows['signals.csv'] = writeCsvFile(dir('signals.csv'), signalsHeader(record), signalsRows(saved));
  }
  if (record.capacity) rows['capacity.csv'] = writeCsvFile(dir('capacity.csv'), CAPACITY_COLUMNS, record.capacity.map((r) => CAPACITY_COLUMNS.map((c) => r[c])));
  if (record.benchmark) rows['benchmark.csv'] = writeCsvFile(dir('benchmark.csv'), ['date', 'equity', 'return', 'drawdown'], benchmarkRows(record, record.benchmark));
  if (record.statistics) writeTextFile(dir('overfitting.json'), `${JSON.stringify(overfittingFile(record.statistics), null, 2)}\n`);
  return rows;
}

/** Writes manifest.json, last: a folder with a manifest has all its tables (scrubbed of secrets; a failed write names the file). */
export function writeManifest(dir: (file: string) => string, record: RunRecord, rows: Record<string, number>): void {
  writeTextFile(dir('manifest.json'), `${JSON.stringify(manifest(record, rows), null, 2)}\n`);
}

/** The run's manifest: what was asked, what was read, what came out. Holds no secret. */
export function manifest(record: RunRecord, rows: Record<string, number>): Record<string, unknown> {
  const { config, panel } = record;
  const first = record.schedule;
  const finished = new Set(record.variants.map((v) => v.id));
  const missing = config.variants.map((_, k) => k + 1).filter((id) => !finished.has(id));
  return {
    run_id: record.runId,
    status: record.status,
    created_at: record.createdAt.toISOString(),
    command: config.command,
    strategy: { name: config.strategy.strategy.name, source: config.strategy.source, builtin: config.strategy.builtin },
    variants_planned: config.variants.length,
    variants_finished: record.variants.length,
    missing_variants: missing.length ? missing : undefined,
    grid: {
      axes: Object.fromEntries(config.plan.grid.map((a) => [a.key, a.values])),
      fixed: config.plan.fixed,
      variants_file: config.plan.variantsFile,
      skipped_by_constraints: config.plan.skipped,
      skipped_examples: config.plan.skippedExamples,
      duplicates_removed: config.plan.duplicates,
    },
    rank_by: config.rankBy,
    threads: record.threads,
    ...(record.execution ? { execution: record.execution } : {}),
    range: {
      start: config.start,
      end: config.end,
      season: config.universe === 'pinned' ? config.season : null,
      // The evaluation window: the days every variant is scored over (the same for all).
      first_trading_day: panel.dates[first.first],
      last_trading_day: panel.dates[first.last],
      trading_days: first.last - first.first + 1,
      first_decision: panel.dates[first.firstDecision],
    },
    universe: universeSummary(record),
    settings: {
      fill: config.fill,
      cash: config.cash,
      fractional: config.fractional,
      commission_bps: config.commissionBps,
      slippage_bps: config.slippageBps,
      max_leverage: config.maxLeverage,
      maintenance_margin: config.maintenanceMargin,
      risk_free: config.riskFree,
      benchmark: config.benchmark,
      statistics: config.statistics ? { seed: config.statistics.seed, bootstrap_reps: config.statistics.bootstrapReps, pbo_blocks: config.statistics.pboBlocks } : null,
      costs: costSettings(config),
      // Which per-variant tables were written (inspect and report read what is there).
      save: [...config.save],
      // A large sweep writes its per-variant tables for its best variants only (by rank_by); null: all.
      save_top: config.saveTop,
      signals: config.signals,
    },
    variants: record.variants.map((v) => ({
      variant: v.id,
      params: v.params,
      status: variantStatus(v),
      ruined_on: v.result.ruinedAt >= 0 ? panel.dates[v.result.ruinedAt] : undefined,
      decisions: v.result.decisions.length,
      skipped_orders: v.result.skipped.length,
      skipped_examples: v.result.skipped.slice(0, 10).map((s) => ({ date: panel.dates[s.bar], symbol: panel.symbols[s.column] })),
      buys_cut_for_cash: v.result.cutBuys,
      leverage_scaled: v.result.leverageScaled,
      margin_calls: v.result.marginCalls,
      weights_dropped: v.result.droppedWeights,
      signal: v.signal ? { factor: v.signal.factor, horizon: v.signal.horizon } : undefined,
      warnings: v.warnings,
    })),
    benchmark: record.benchmark ? { kind: record.benchmark.kind, label: record.benchmark.label, ...record.benchmark.metrics } : undefined,
    statistics: record.statistics ? statisticsBrief(record.statistics) : config.statistics ? undefined : { off: true },
    data: {
      ...record.source,
      fingerprint: record.fingerprint,
      symbols: panel.symbols.length,
      peer_groups: panel.groups.length,
      bars: panel.dates.length,
      window: { from: panel.dates[0] ?? null, to: panel.dates[panel.dates.length - 1] ?? null },
    },
    files: rows,
    ...(record.supabase ? { supabase: record.supabase } : {}),
    versions: record.versions,
    timings_ms: record.timings,
    peak_rss_mb: record.peakRssMb,
    warnings: record.warnings,
    warning_details: record.warningGroups,
  };
}

/** The cost, liquidity and financing models of the run, as the manifest records them (README, "Costs, liquidity and capacity"). */
function costSettings(config: RunConfig): Record<string, unknown> {
  const c = config.costs;
  return {
    spread_bps: c.spreadBps, commission_per_share: c.commissionPerShare, min_commission: c.minCommission,
    max_participation: c.maxParticipation ?? null, adv_days: c.advDays, impact: c.impact,
    ...(c.impact === 'sqrt' ? { impact_k: c.impactK } : c.impact === 'almgren' ? { impact_horizon: c.impactHorizon } : {}),
    borrow_bps: c.borrowBps, borrow_table: c.borrowTable, cash_rate: c.cashRate,
    capacity: c.capacity.length ? c.capacity : undefined,
  };
}

/** The universe in the manifest: the mode, the seasons the evaluation window trades in, and how many members each has. */
function universeSummary(record: RunRecord): Record<string, unknown> {
  const { panel, config, schedule } = record;
  const seasons = panel.seasons.filter((s, k) => {
    const end = panel.seasons[k + 1]?.firstBar ?? panel.days.length;
    return end > schedule.first && s.firstBar <= schedule.last;
  });
  return {
    mode: config.universe,
    seasons: seasons.map((s) => s.season),
    members: Object.fromEntries(seasons.map((s) => [s.season, s.groupOf.reduce((a, g) => a + (g >= 0 ? 1 : 0), 0)])),
    symbols: panel.symbols.length,
  };
}

/** Splits kept of the in-sample / out-of-sample scatter in overfitting.json (12,870 would be ~0.8 MB). */
export const SCATTER_POINTS = 2000;

/**
 * overfitting.json: the sweep's statistics, with the PBO's logits as their histogram and the in-sample /
 * out-of-sample Sharpe pairs thinned to every k-th split (at most SCATTER_POINTS).
 */
export function overfittingFile(s: SweepSummary): Record<string, unknown> {
  const { pbo_logits: _, pbo_is_sharpe: is, pbo_oos_sharpe: oos, ...rest } = s;
  const step = Math.max(1, Math.ceil(is.length / SCATTER_POINTS));
  const thin = (a: readonly number[]) => a.filter((_x, k) => k % step === 0);
  return { ...rest, pbo_scatter: { every: step, is_sharpe: thin(is), oos_sharpe: thin(oos) } };
}

/** The sweep's statistics in the manifest: the headline numbers and the verdict (the rest is overfitting.json). */
function statisticsBrief(s: SweepSummary): Record<string, unknown> {
  return {
    file: 'overfitting.json', verdict: s.verdict, trials: s.trials, effective_trials: s.effective_trials, best_variant: s.best_variant,
    best_sharpe: s.best_sharpe, best_dsr: s.best_dsr, pbo: s.pbo, spa_pvalue: s.spa_pvalue, reality_check_pvalue: s.reality_check_pvalue,
    min_backtest_years: s.min_backtest_years, seed: s.seed, bootstrap_reps: s.bootstrap_reps, pbo_blocks: s.pbo_blocks, why_missing: s.why_missing,
  };
}
