import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { UsageError } from '../errors.ts';
import { METRIC_COLUMNS, type MetricColumn, type RowOf } from '../supabase/schema.ts';
import { csvText } from '../writers/csv.ts';

/**
 * A finished run folder as rows for the results tables, read from its CSVs and manifest.json
 * alone (so an automatic upload and `backtest upload` share one path):
 * summary.csv → backtest_variants, equity.csv → backtest_equity, trades.csv → backtest_trades,
 * diagnostics.csv → backtest_diagnostics, capacity.csv → backtest_capacity; a table the run did not
 * write (`--save`, `--capacity`) is left out.
 * benchmark.csv is not uploaded.
 * The CSVs are streamed, never held whole: each table's rows are parsed as the upload asks for
 * them (a 100 MB trades.csv costs a few batches of memory), and its row count comes from
 * manifest.json's `files` (or a counting pass when the manifest has none).
 * Every row of a table has exactly its columns (`RowOf`, from supabase/schema.ts: the list
 * `backtest doctor` checks), the same keys in every row, as PostgREST requires of one batch.
 * Text cells are read back as they were before the writer protected them from spreadsheets
 * (`csvText`: `'=HYPERLINK(…)` in trades.csv is `=HYPERLINK(…)` in backtest_trades).
 */
export type Row = Record<string, unknown>;

/** The states of a run in backtest_runs. */
export type RunStatus = 'running' | 'complete' | 'partial' | 'failed';

export interface TableRows {
  /** Key into SupabaseTables. */
  readonly table: 'variants' | 'equity' | 'trades' | 'diagnostics' | 'capacity';
  readonly file: string;
  readonly primaryKey: readonly string[];
  /** Rows in the file. */
  readonly count: number;
  /** The rows in file order, parsed as they are read (each call reads the file again). */
  rows(): AsyncGenerator<Row>;
}

export interface RunFolder {
  readonly dir: string;
  readonly runId: string;
  readonly manifest: Record<string, unknown>;
  readonly tables: readonly TableRows[];
}

/** One CSV line as header → text. */
type CsvRecord = Record<string, string>;

export async function readRunFolder(dir: string): Promise<RunFolder> {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new UsageError(`${dir} is not a complete run folder: it has no manifest.json`, 'E_NO_RUN');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  const runId = String(manifest.run_id);
  const counted = (manifest.files ?? {}) as Record<string, unknown>;
  const variantParams = new Map(((manifest.variants as { variant: number; params: Row }[] | undefined) ?? []).map((v) => [v.variant, v.params]));
  const tables: TableRows[] = [];
  const add = async (table: TableRows['table'], file: string, primaryKey: readonly string[], toRow: () => (r: CsvRecord, line: number) => Row) => {
    const path = join(dir, file);
    const known = counted[file];
    const count = Number.isInteger(known) && (known as number) >= 0 ? (known as number) : await countRecords(path);
    tables.push({
      table, file, primaryKey, count,
      async *rows() {
        const row = toRow();
        for await (const { record, line } of readRecords(path)) yield row(record, line);
      },
    });
  };

  await add('variants', 'summary.csv', ['run_id', 'variant_id'], () => (r, line): RowOf<'variants'> => {
    const id = int(r.variant, 'summary.csv', line);
    const params: Row = variantParams.get(id) ?? Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'variant' && k !== 'strategy' && k !== 'status' && !(METRIC_COLUMNS as readonly string[]).includes(k)).map(([k, v]) => [k, csvText(v)]));
    return { run_id: runId, variant_id: id, strategy: csvText(r.strategy ?? ''), status: r.status || null, params, ...metrics(r) };
  });

  if (existsSync(join(dir, 'equity.csv'))) {
    await add('equity', 'equity.csv', ['run_id', 'variant_id', 'date'], () => (r, line): RowOf<'equity'> => ({
      run_id: runId, variant_id: int(r.variant, 'equity.csv', line), date: r.date, equity: num(r.equity), cash: num(r.cash), gross: num(r.gross), net: num(r.net), return: num(r.return), drawdown: num(r.drawdown),
      long: num(r.long), short: num(r.short), positions: num(r.positions),
    }));
  }

  if (existsSync(join(dir, 'trades.csv'))) {
    await add('trades', 'trades.csv', ['run_id', 'variant_id', 'date', 'symbol', 'seq'], () => {
      const seq = tradeSequence();
      return (r, line): RowOf<'trades'> => ({
        run_id: runId, variant_id: int(r.variant, 'trades.csv', line), date: r.date, symbol: r.symbol === undefined ? r.symbol : csvText(r.symbol), seq: seq(r, line), side: r.side,
        quantity: num(r.quantity), price: num(r.price), notional: num(r.notional), cost: num(r.cost), reason: r.reason || null, asked: num(r.asked),
      });
    });
  }

  if (existsSync(join(dir, 'diagnostics.csv'))) {
    await add('diagnostics', 'diagnostics.csv', ['run_id', 'variant_id', 'date'], () => (r, line): RowOf<'diagnostics'> => ({
      run_id: runId, variant_id: int(r.variant, 'diagnostics.csv', line), date: r.date, ic: num(r.ic), quintile_spread: num(r.quintile_spread), coverage: num(r.coverage),
      group_ic: Object.fromEntries(Object.entries(r).filter(([k]) => k.startsWith('ic_')).map(([k, v]) => [k.slice(3), num(v)])),
    }));
  }
  if (existsSync(join(dir, 'capacity.csv'))) {
    await add('capacity', 'capacity.csv', ['run_id', 'variant_id', 'capital'], () => (r, line): RowOf<'capacity'> => ({
      run_id: runId, variant_id: int(r.variant, 'capacity.csv', line), capital: num(r.capital), total_return: num(r.total_return), sharpe: num(r.sharpe),
      cost_total_bps: num(r.cost_total_bps), unfilled_share: num(r.unfilled_share),
    }));
  }
  return { dir, runId, manifest, tables };
}

/**
 * `seq` of each fill: 0, 1, … per (variant, date, symbol) in file order. trades.csv holds all
 * fills of one (variant, date) together (variant by variant, day by day), so only the current
 * group's counts are kept; a group that comes back after another began is refused, since its
 * numbering would repeat a key and one fill would overwrite another.
 */
function tradeSequence(): (r: CsvRecord, line: number) => number {
  let group = '';
  let counts = new Map<string, number>();
  const finished = new Set<string>();
  return (r, line) => {
    const g = `${r.variant}|${r.date}`;
    if (g !== group) {
      if (finished.has(g)) throw new UsageError(`trades.csv line ${line}: the fills of variant ${r.variant} on ${r.date} are not together (they were interrupted by another day or variant)`, 'E_BAD_RUN');
      if (group) finished.add(group);
      group = g;
      counts = new Map();
    }
    const n = counts.get(r.symbol ?? '') ?? 0;
    counts.set(r.symbol ?? '', n + 1);
    return n;
  };
}

/** The records of a CSV with a header, as objects, with the line each starts on. */
async function* readRecords(file: string): AsyncGenerator<{ record: CsvRecord; line: number }> {
  const parser = createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, info: true }));
  for await (const { record, info } of parser as AsyncIterable<{ record: CsvRecord; info: { lines: number } }>) yield { record, line: info.lines };
}

async function countRecords(file: string): Promise<number> {
  let n = 0;
  for await (const _ of createReadStream(file).pipe(parse({ from_line: 2, skip_empty_lines: true }))) n++;
  return n;
}

/** The backtest_runs row of a run, in a given state. */
export function runRow(folder: RunFolder, status: RunStatus, source: string): RowOf<'runs'> {
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
    row_counts: Object.fromEntries(folder.tables.map((t) => [t.table, t.count])),
    manifest: folder.manifest,
  };
}

/** The metric columns of a summary.csv line (null where the run has none). */
function metrics(r: CsvRecord): Record<MetricColumn, number | null> {
  return Object.fromEntries(METRIC_COLUMNS.map((m) => [m, num(r[m])])) as Record<MetricColumn, number | null>;
}

function num(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

function int(text: string | undefined, file: string, line: number): number {
  const v = Number(text);
  if (!Number.isInteger(v)) throw new UsageError(`run folder: ${file} line ${line}: variant "${text}" is not a whole number`, 'E_BAD_RUN');
  return v;
}
