import type { VariantOutcome } from '../metrics/outcome.ts';
import type { RunConfig } from '../config/run-config.ts';
import { dailyReturns, drawdowns, PERFORMANCE_COLUMNS, rankOrder } from '../metrics/index.ts';
import { SIGNAL_COLUMNS } from '../metrics/signal-diagnostics.ts';
import type { Panel } from '../panel/panel.ts';
import { tradeReason } from '../recorder/trade-log.ts';
import type { SourceInfo } from '../source/types.ts';
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
  /** Buy-and-hold of the season's universe over the same days, for comparison. */
  readonly benchmark?: VariantOutcome | undefined;
  readonly createdAt: Date;
  readonly warnings: readonly string[];
  readonly timings: Record<string, number>;
  /** Peak resident memory of the process, in MB, when the manifest was written. */
  readonly peakRssMb?: number | undefined;
  readonly versions: Record<string, string>;
  /** The Supabase client's counters (requests, retries, sockets) when the run used one. Never the key. */
  readonly supabase?: object;
}

export const EQUITY_COLUMNS = ['date', 'variant', 'equity', 'cash', 'gross', 'net', 'return', 'drawdown'] as const;
export const TRADE_COLUMNS = ['date', 'variant', 'symbol', 'side', 'quantity', 'price', 'notional', 'cost', 'reason'] as const;

/** Parameter names, in the strategy's declared order. */
export function paramColumns(record: RunRecord): string[] {
  return Object.keys(record.config.strategy.strategy.params);
}

/** Metric columns of summary.csv: performance, then signal diagnostics when the strategy has a signal. */
export function metricColumns(record: RunRecord): string[] {
  return [...PERFORMANCE_COLUMNS, ...(record.config.strategy.strategy.signal ? SIGNAL_COLUMNS : [])];
}

export function summaryHeader(record: RunRecord): string[] {
  return ['variant', 'strategy', ...paramColumns(record), ...metricColumns(record)];
}

/** A variant's metrics by column name. */
export function variantMetrics(v: VariantOutcome): Record<string, Cell> {
  return { ...v.metrics, ...v.signal?.summary };
}

/** Variants best first by the run's `--rank-by` metric. */
export function rankedVariants(record: RunRecord): VariantOutcome[] {
  return rankOrder(record.variants, record.config.rankBy, (v) => variantMetrics(v)[record.config.rankBy]);
}

export function summaryRow(record: RunRecord, v: VariantOutcome): Cell[] {
  const metrics = variantMetrics(v);
  return [v.id, record.config.strategy.strategy.name, ...paramColumns(record).map((k) => v.params[k]), ...metricColumns(record).map((k) => metrics[k])];
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

function* signalsRows(record: RunRecord): Generator<Cell[]> {
  const { panel } = record;
  const n = panel.symbols.length;
  for (const v of record.variants) {
    if (!v.signal) continue;
    const names = Object.keys(v.signal.values);
    const signal = v.signal.values[v.signal.factor]!;
    for (const d of v.signal.days) {
      const row = d.bar * n;
      const ranked = Array.from({ length: n }, (_, i) => i)
        .filter((i) => Number.isFinite(signal[row + i]!))
        .sort((a, b) => signal[row + b]! - signal[row + a]! || a - b);
      const rank = new Map(ranked.map((i, k) => [i, k + 1]));
      for (let i = 0; i < n; i++) {
        yield [panel.dates[d.bar], v.id, panel.symbols[i], panel.groups[panel.groupOf[i]!], ...names.map((name) => v.signal!.values[name]![row + i]), rank.get(i)];
      }
    }
  }
}

function* benchmarkRows(record: RunRecord, b: VariantOutcome): Generator<Cell[]> {
  const { equity } = b.result.curve;
  const returns = dailyReturns(equity, record.config.cash);
  const dd = drawdowns(equity, record.config.cash);
  for (let d = 0; d < equity.length; d++) yield [record.panel.dates[b.schedule.first + d], equity[d], returns[d], dd[d]];
}

function* equityRows(record: RunRecord): Generator<Cell[]> {
  const { dates } = record.panel;
  for (const v of record.variants) {
    const { equity, cash, gross, net } = v.result.curve;
    const returns = dailyReturns(equity, record.config.cash);
    const dd = drawdowns(equity, record.config.cash);
    for (let d = 0; d < equity.length; d++) {
      yield [dates[v.schedule.first + d], v.id, equity[d], cash[d], gross[d], net[d], returns[d], dd[d]];
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
      yield [dates[t.bar[k]!], v.id, symbols[t.column[k]!], q > 0 ? 'buy' : 'sell', Math.abs(q), p, Math.abs(q * p), t.fee[k], tradeReason(t.reason[k]!)];
    }
  }
}

/**
 * Writes summary.csv (one row per variant, best first by --rank-by) and, as --save asks, equity.csv,
 * trades.csv and diagnostics.csv (all variants in one file each, with a `variant` column).
 * Returns the row counts.
 */
export function writeTables(dir: (file: string) => string, record: RunRecord): Record<string, number> {
  const rows: Record<string, number> = {};
  const save = record.config.save;
  rows['summary.csv'] = writeCsvFile(dir('summary.csv'), summaryHeader(record), rankedVariants(record).map((v) => summaryRow(record, v)));
  if (save.has('equity')) rows['equity.csv'] = writeCsvFile(dir('equity.csv'), EQUITY_COLUMNS, equityRows(record));
  if (save.has('trades')) rows['trades.csv'] = writeCsvFile(dir('trades.csv'), TRADE_COLUMNS, tradeRows(record));
  if (record.variants.some((v) => v.signal)) {
    if (save.has('diagnostics')) rows['diagnostics.csv'] = writeCsvFile(dir('diagnostics.csv'), diagnosticsHeader(record), diagnosticsRows(record));
    if (record.config.signals) rows['signals.csv'] = writeCsvFile(dir('signals.csv'), signalsHeader(record), signalsRows(record));
  }
  if (record.benchmark) rows['benchmark.csv'] = writeCsvFile(dir('benchmark.csv'), ['date', 'equity', 'return', 'drawdown'], benchmarkRows(record, record.benchmark));
  return rows;
}

/** Writes manifest.json, last: a folder with a manifest has all its tables (scrubbed of secrets; a failed write names the file). */
export function writeManifest(dir: (file: string) => string, record: RunRecord, rows: Record<string, number>): void {
  writeTextFile(dir('manifest.json'), `${JSON.stringify(manifest(record, rows), null, 2)}\n`);
}

/** The run's manifest: what was asked, what was read, what came out. Holds no secret. */
export function manifest(record: RunRecord, rows: Record<string, number>): Record<string, unknown> {
  const { config, panel } = record;
  const first = record.variants[0]?.schedule;
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
      season: config.season,
      first_trading_day: first ? panel.dates[first.first] : null,
      last_trading_day: first ? panel.dates[first.last] : null,
      trading_days: first ? first.last - first.first + 1 : 0,
    },
    settings: {
      fill: config.fill,
      cash: config.cash,
      fractional: config.fractional,
      commission_bps: config.commissionBps,
      slippage_bps: config.slippageBps,
      // Which per-variant tables were written (inspect and report read what is there).
      save: [...config.save],
      signals: config.signals,
    },
    variants: record.variants.map((v) => ({
      variant: v.id,
      params: v.params,
      first_decision: v.schedule.firstDecision <= v.schedule.lastDecision ? panel.dates[v.schedule.firstDecision] : null,
      decisions: v.result.decisions.length,
      skipped_orders: v.result.skipped.length,
      skipped_examples: v.result.skipped.slice(0, 10).map((s) => ({ date: panel.dates[s.bar], symbol: panel.symbols[s.column] })),
      buys_cut_for_cash: v.result.cutBuys,
      signal: v.signal ? { factor: v.signal.factor, horizon: v.signal.horizon } : undefined,
      warnings: v.warnings,
    })),
    benchmark: record.benchmark ? { strategy: 'buy-and-hold', ...record.benchmark.metrics } : undefined,
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
  };
}
