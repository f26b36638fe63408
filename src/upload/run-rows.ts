import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../errors.ts';
import type { SupabaseTables } from '../supabase/index.ts';

/**
 * A finished run folder as rows for the results tables, read from its CSVs and manifest.json
 * alone (so an automatic upload and `backtest upload` share one path):
 * summary.csv → backtest_variants, equity.csv → backtest_equity, trades.csv → backtest_trades,
 * diagnostics.csv → backtest_diagnostics; a table the run did not write (`--save`) is left out.
 * benchmark.csv is not uploaded.
 * Every row of a table has the same keys, as PostgREST requires of one batch.
 */
export type Row = Record<string, unknown>;

/** The states of a run in backtest_runs. */
export type RunStatus = 'running' | 'complete' | 'partial' | 'failed';

export interface TableRows {
  /** Key into SupabaseTables. */
  readonly table: 'variants' | 'equity' | 'trades' | 'diagnostics';
  readonly file: string;
  readonly primaryKey: readonly string[];
  readonly rows: readonly Row[];
}

export interface RunFolder {
  readonly dir: string;
  readonly runId: string;
  readonly manifest: Record<string, unknown>;
  readonly tables: readonly TableRows[];
}

/** The summary metrics, each a column of backtest_variants (null where a run has none). */
export const METRIC_COLUMNS = [
  'final_equity', 'total_return', 'cagr', 'volatility', 'sharpe', 'sortino', 'max_drawdown', 'max_drawdown_days', 'calmar',
  'fills', 'round_trips', 'turnover', 'gross_exposure', 'ic_mean', 'ic_sd', 'ic_ir', 'ic_t', 'quintile_spread', 'coverage',
] as const;

export function readRunFolder(dir: string): RunFolder {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new UsageError(`${dir} is not a complete run folder: it has no manifest.json`, 'E_NO_RUN');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  const runId = String(manifest.run_id);
  const csv = (file: string) => parse(readFileSync(join(dir, file)), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const variantParams = new Map(((manifest.variants as { variant: number; params: Row }[] | undefined) ?? []).map((v) => [v.variant, v.params]));
  const tables: TableRows[] = [];

  const summary = csv('summary.csv');
  tables.push({
    table: 'variants', file: 'summary.csv', primaryKey: ['run_id', 'variant_id'],
    rows: summary.map((r) => {
      const id = int(r.variant);
      const params: Row = variantParams.get(id) ?? Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'variant' && k !== 'strategy' && !(METRIC_COLUMNS as readonly string[]).includes(k)));
      return { run_id: runId, variant_id: id, strategy: r.strategy ?? '', params, ...Object.fromEntries(METRIC_COLUMNS.map((m) => [m, num(r[m])])) };
    }),
  });

  if (existsSync(join(dir, 'equity.csv'))) {
    tables.push({
      table: 'equity', file: 'equity.csv', primaryKey: ['run_id', 'variant_id', 'date'],
      rows: csv('equity.csv').map((r) => ({
        run_id: runId, variant_id: int(r.variant), date: r.date, equity: num(r.equity), cash: num(r.cash), gross: num(r.gross), net: num(r.net), return: num(r.return), drawdown: num(r.drawdown),
      })),
    });
  }

  const seq = new Map<string, number>();
  if (existsSync(join(dir, 'trades.csv'))) tables.push({
    table: 'trades', file: 'trades.csv', primaryKey: ['run_id', 'variant_id', 'date', 'symbol', 'seq'],
    rows: csv('trades.csv').map((r) => {
      const key = `${r.variant}|${r.date}|${r.symbol}`;
      const n = seq.get(key) ?? 0;
      seq.set(key, n + 1);
      return {
        run_id: runId, variant_id: int(r.variant), date: r.date, symbol: r.symbol, seq: n, side: r.side,
        quantity: num(r.quantity), price: num(r.price), notional: num(r.notional), cost: num(r.cost), reason: r.reason || null,
      };
    }),
  });

  if (existsSync(join(dir, 'diagnostics.csv'))) {
    tables.push({
      table: 'diagnostics', file: 'diagnostics.csv', primaryKey: ['run_id', 'variant_id', 'date'],
      rows: csv('diagnostics.csv').map((r) => ({
        run_id: runId, variant_id: int(r.variant), date: r.date, ic: num(r.ic), quintile_spread: num(r.quintile_spread), coverage: num(r.coverage),
        group_ic: Object.fromEntries(Object.entries(r).filter(([k]) => k.startsWith('ic_')).map(([k, v]) => [k.slice(3), num(v)])),
      })),
    });
  }
  return { dir, runId, manifest, tables };
}

/** The backtest_runs row of a run, in a given state. */
export function runRow(folder: RunFolder, status: RunStatus, source: string): Row {
  const m = folder.manifest as {
    created_at?: string; command?: string; strategy?: { name?: string }; range?: { start?: string; end?: string; season?: number };
    data?: { kind?: string; location?: string; fingerprint?: string };
  };
  return {
    run_id: folder.runId,
    created_at: m.created_at ?? new Date().toISOString(),
    status,
    command: m.command ?? null,
    strategy: m.strategy?.name ?? '',
    start_date: m.range?.start ?? null,
    end_date: m.range?.end ?? null,
    season: m.range?.season ?? null,
    source,
    data_fingerprint: m.data?.fingerprint ?? null,
    row_counts: Object.fromEntries(folder.tables.map((t) => [t.table, t.rows.length])),
    manifest: folder.manifest,
  };
}

/** Tables of a run as `SupabaseTables` names. */
export function tableName(tables: SupabaseTables, t: TableRows['table']): string {
  return tables[t];
}

function num(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

function int(text: string | undefined): number {
  const v = Number(text);
  if (!Number.isInteger(v)) throw new UsageError(`run folder: variant "${text}" is not a whole number`, 'E_BAD_RUN');
  return v;
}
