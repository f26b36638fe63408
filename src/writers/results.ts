import { writeFileSync } from 'node:fs';
import type { VariantOutcome } from '../app/variant.ts';
import type { RunConfig } from '../config/run-config.ts';
import { dailyReturns, drawdowns, PERFORMANCE_COLUMNS } from '../metrics/index.ts';
import type { Panel } from '../panel/panel.ts';
import { tradeReason } from '../recorder/trade-log.ts';
import type { SourceInfo } from '../source/types.ts';
import { writeCsvFile, type Cell } from './csv.ts';

/** Everything a finished run hands to the writers. */
export interface RunRecord {
  readonly runId: string;
  readonly config: RunConfig;
  readonly panel: Panel;
  readonly source: SourceInfo;
  readonly fingerprint: string;
  readonly variants: readonly VariantOutcome[];
  readonly createdAt: Date;
  readonly warnings: readonly string[];
  readonly timings: Record<string, number>;
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

export function summaryHeader(record: RunRecord): string[] {
  return ['variant', 'strategy', ...paramColumns(record), ...PERFORMANCE_COLUMNS];
}

export function summaryRow(record: RunRecord, v: VariantOutcome): Cell[] {
  const metrics = v.metrics as unknown as Record<string, Cell>;
  return [v.id, record.config.strategy.strategy.name, ...paramColumns(record).map((k) => v.params[k]), ...PERFORMANCE_COLUMNS.map((k) => metrics[k])];
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

/** Writes summary.csv, equity.csv and trades.csv into `dir`; returns their row counts. */
export function writeTables(dir: (file: string) => string, record: RunRecord): Record<string, number> {
  const rows: Record<string, number> = {};
  rows['summary.csv'] = writeCsvFile(dir('summary.csv'), summaryHeader(record), record.variants.map((v) => summaryRow(record, v)));
  rows['equity.csv'] = writeCsvFile(dir('equity.csv'), EQUITY_COLUMNS, equityRows(record));
  rows['trades.csv'] = writeCsvFile(dir('trades.csv'), TRADE_COLUMNS, tradeRows(record));
  return rows;
}

/** Writes manifest.json, last: a folder with a manifest has all its tables. */
export function writeManifest(dir: (file: string) => string, record: RunRecord, rows: Record<string, number>): void {
  writeFileSync(dir('manifest.json'), `${JSON.stringify(manifest(record, rows), null, 2)}\n`);
}

/** The run's manifest: what was asked, what was read, what came out. Holds no secret. */
export function manifest(record: RunRecord, rows: Record<string, number>): Record<string, unknown> {
  const { config, panel } = record;
  const first = record.variants[0]?.schedule;
  return {
    run_id: record.runId,
    status: 'complete',
    created_at: record.createdAt.toISOString(),
    command: config.command,
    strategy: { name: config.strategy.strategy.name, source: config.strategy.source, builtin: config.strategy.builtin },
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
    },
    variants: record.variants.map((v) => ({
      variant: v.id,
      params: v.params,
      first_decision: v.schedule.firstDecision <= v.schedule.lastDecision ? panel.dates[v.schedule.firstDecision] : null,
      decisions: v.result.decisions.length,
      skipped_orders: v.result.skipped.length,
      skipped_examples: v.result.skipped.slice(0, 10).map((s) => ({ date: panel.dates[s.bar], symbol: panel.symbols[s.column] })),
      buys_cut_for_cash: v.result.cutBuys,
      warnings: v.warnings,
    })),
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
    warnings: record.warnings,
  };
}
