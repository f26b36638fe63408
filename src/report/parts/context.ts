import { numberOrNull, query, variantLabel, type RankedSummary, type RunTables, type SummaryRow } from '../../inspect/index.ts';

/**
 * What every part of the report reads: the run's tables, summary.csv ranked, the variants drawn
 * (the top K and the best), the run's starting cash and risk-free rate, and the notes list each
 * part adds to when it leaves something out (and why).
 */
export interface PartContext {
  readonly tables: RunTables;
  readonly summary: RankedSummary;
  readonly rankBy: string;
  /** The top K variants by rank, best first (their labels below). */
  readonly top: readonly SummaryRow[];
  readonly labels: readonly string[];
  /** The best-ranked variant (undefined only for an empty summary, which is refused before). */
  readonly best: SummaryRow | undefined;
  readonly bestLabel: string;
  readonly cash: number;
  /** `--risk-free`, annual (0 when the run did not record one). */
  readonly riskFree: number;
  readonly notes: string[];
}

export function partContext(tables: RunTables, summary: RankedSummary, top: number, notes: string[]): PartContext {
  const settings = tables.run.manifest.settings ?? {};
  const rows = summary.rows.slice(0, top);
  const best = summary.rows[0];
  return {
    tables,
    summary,
    rankBy: summary.rankBy,
    top: rows,
    labels: rows.map((r) => variantLabel(r, summary.varying)),
    best,
    bestLabel: best ? variantLabel(best, summary.varying) : '',
    cash: numberOrNull(settings.cash) ?? 1_000_000,
    riskFree: numberOrNull(settings.risk_free) ?? 0,
    notes,
  };
}

/** One variant's daily rows of equity.csv, as columns (NaN where a cell is empty), and the benchmark's over the same days. */
export interface DailyColumns {
  readonly variant: number;
  readonly dates: readonly string[];
  readonly equity: Float64Array;
  readonly ret: Float64Array;
  readonly drawdown: Float64Array;
  readonly cash: Float64Array;
  readonly gross: Float64Array;
  readonly net: Float64Array;
  readonly long: Float64Array;
  readonly short: Float64Array;
  readonly positions: Float64Array;
  /** benchmark.csv on the same dates (NaN where it has no row), or null when the run has none. */
  readonly benchmark: { readonly equity: Float64Array; readonly ret: Float64Array; readonly drawdown: Float64Array } | null;
}

/** A SELECT list of `names` from a table: a column the file lacks reads as NULL (files from older runs, or formats that moved). */
export function columnsOrNull(tables: RunTables, table: keyof RunTables['columns'], names: readonly string[]): string {
  const have = new Set(tables.columns[table] ?? []);
  return names.map((c) => (have.has(c) ? `"${c.replaceAll('"', '""')}"` : `NULL AS "${c}"`)).join(', ');
}

const EQUITY_FIELDS = ['equity', 'return', 'drawdown', 'cash', 'gross', 'net', 'long', 'short', 'positions'] as const;

/**
 * equity.csv's rows of some variants as columns (one scan of the file), each with benchmark.csv
 * aligned to its dates.
 */
export async function dailyColumns(tables: RunTables, variants: readonly number[]): Promise<Map<number, DailyColumns>> {
  const out = new Map<number, DailyColumns>();
  if (!variants.length) return out;
  const r = await query(tables, `SELECT variant, date, ${columnsOrNull(tables, 'equity', EQUITY_FIELDS)} FROM equity WHERE variant IN (${variants.map(Number).join(', ')}) ORDER BY variant, date`);
  const bench = tables.present.includes('benchmark') ? await query(tables, 'SELECT date, equity, "return", drawdown FROM benchmark') : null;
  const byDate = new Map((bench?.rows ?? []).map((row) => [String(row[0]), row]));
  let start = 0;
  while (start < r.rows.length) {
    const variant = Number(r.rows[start]![0]);
    let end = start;
    while (end < r.rows.length && Number(r.rows[end]![0]) === variant) end++;
    const rows = r.rows.slice(start, end);
    const col = (k: number) => Float64Array.from(rows, (row) => numberOrNull(row[k + 2]) ?? NaN);
    const dates = rows.map((row) => String(row[1]));
    const pick = (k: number) => Float64Array.from(dates, (d) => numberOrNull(byDate.get(d)?.[k]) ?? NaN);
    out.set(variant, {
      variant, dates, equity: col(0), ret: col(1), drawdown: col(2), cash: col(3), gross: col(4), net: col(5), long: col(6), short: col(7), positions: col(8),
      benchmark: bench ? { equity: pick(1), ret: pick(2), drawdown: pick(3) } : null,
    });
    start = end;
  }
  return out;
}

/**
 * Variants that have rows in a per-variant table: every variant of summary.csv when the run saved
 * them all; a large sweep (settings.save_top) saves the best few only, and the file is read to see which.
 */
export async function variantsIn(tables: RunTables, table: 'equity' | 'trades' | 'diagnostics', all: readonly SummaryRow[]): Promise<Set<number>> {
  if (!tables.present.includes(table)) return new Set();
  if (typeof tables.run.manifest.settings?.save_top !== 'number') return new Set(all.map((r) => Number(r.variant)));
  const r = await query(tables, `SELECT DISTINCT variant FROM ${table}`);
  return new Set(r.rows.map((row) => Number(row[0])));
}

/** A Float64Array's values for JSON: NaN as null. */
export function nullable(values: ArrayLike<number>): (number | null)[] {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : null));
}
