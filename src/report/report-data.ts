import { checkParam, hasSignal, LOWER_IS_BETTER, numberOrNull, peerGroupIc, query, rankedSummary, runBrief, saveOption, variantLabel, type RunBrief, type RunTables, type SummaryRow } from '../inspect/index.ts';
import { sqlString } from '../source/local/duckdb.ts';
import { UsageError } from '../errors.ts';
import { metricKind } from '../writers/terminal.ts';
import { alignSeries, downsample, gridCells, monthlyReturns, trailingMean, type AlignedSeries, type GridCell, type MonthlyReturns } from './series.ts';

/**
 * Everything the report page draws, assembled from a run's tables (embedded in the page as JSON):
 * 1. summary.csv ranked by the ranking metric (the sortable table);
 * 2. equity and drawdown of the top K variants beside the benchmark, thinned past MAX_POINTS days;
 * 3. monthly returns of the best variant;
 * 4. the best variant's IC per decision day with a trailing mean, and its mean IC per peer group;
 * 5. mean quintile spread per variant (top variants);
 * 6. for grids, the ranking metric over two parameters.
 * A part a run cannot fill is null, with a note saying why (a strategy without a signal, a table
 * `--save` left out, a single variant).
 */
export interface ReportOptions {
  /** Metric ranking the variants (default sharpe). */
  readonly rankBy?: string | undefined;
  /** Variants drawn in the equity and drawdown charts (default 5). */
  readonly top?: number | undefined;
  /** Parameters on the grid heat map's axes (default: the first two that vary). */
  readonly x?: string | undefined;
  readonly y?: string | undefined;
}

export const DEFAULT_TOP = 5;
/** IC trailing mean: the last 10 decision days (from the third on). */
export const IC_WINDOW = 10;
/** Variants in the quintile-spread chart. */
export const QUINTILE_VARIANTS = 30;

export interface ReportData {
  readonly run: RunBrief;
  readonly benchmark: Readonly<Record<string, unknown>> | null;
  readonly rankBy: string;
  readonly lowerIsBetter: boolean;
  readonly table: { readonly columns: readonly string[]; readonly kinds: readonly string[]; readonly rows: ReadonlyArray<readonly unknown[]> };
  readonly top: { readonly variants: readonly number[]; readonly labels: readonly string[] };
  readonly equity: ChartSeries | null;
  readonly drawdown: ChartSeries | null;
  readonly monthly: (MonthlyReturns & { readonly label: string }) | null;
  readonly ic: { readonly label: string; readonly dates: readonly string[]; readonly ic: ReadonlyArray<number | null>; readonly mean: ReadonlyArray<number | null>; readonly window: number } | null;
  readonly icGroups: { readonly label: string; readonly groups: readonly string[]; readonly mean: ReadonlyArray<number | null>; readonly icMean: number | null } | null;
  readonly quintile: { readonly labels: readonly string[]; readonly spread: ReadonlyArray<number | null> } | null;
  readonly grid: { readonly x: string; readonly y: string; readonly xValues: readonly unknown[]; readonly yValues: readonly unknown[]; readonly cells: readonly GridCell[]; readonly others: readonly string[] } | null;
  readonly notes: readonly string[];
  /** Ids of the charts the page draws, in page order. */
  readonly charts: readonly ChartId[];
}

export type ChartId = 'equity' | 'drawdown' | 'monthly' | 'ic-time' | 'ic-groups' | 'quintile' | 'grid';

/** Daily series of the top variants, and the benchmark's on the same dates; `bucket` > 1 when thinned. */
export interface ChartSeries extends AlignedSeries {
  readonly bucket: number;
  readonly benchmark: ReadonlyArray<number | null> | null;
}

export async function reportData(tables: RunTables, options: ReportOptions = {}): Promise<ReportData> {
  const rankBy = options.rankBy ?? 'sharpe';
  const summary = await rankedSummary(tables, rankBy);
  if (options.x !== undefined) checkParam('--x', options.x, summary.params);
  if (options.y !== undefined) checkParam('--y', options.y, summary.params);
  if (options.x !== undefined && options.x === options.y) throw new UsageError(`--x and --y both name ${options.x}: the heat map needs two different parameters`, 'E_BAD_OPTION');
  const notes: string[] = [];
  const ranked = summary.rows;
  const top = ranked.slice(0, options.top ?? DEFAULT_TOP);
  const labels = top.map((r) => variantLabel(r, summary.varying));
  const best = ranked[0];
  const bestLabel = best ? variantLabel(best, summary.varying) : '';

  const columns = ['rank', ...summary.columns];
  const kinds = columns.map((c) => (c === 'rank' || c === 'variant' ? 'integer' : summary.metrics.includes(c) ? metricKind(c) : 'text'));
  const rows = ranked.map((r, k) => [k + 1, ...summary.columns.map((c) => r[c] ?? null)]);

  const hasEquity = tables.present.includes('equity');
  if (!hasEquity) notes.push(absent(tables, 'equity', 'no equity, drawdown or monthly-returns charts'));
  const daily = hasEquity ? await dailySeries(tables, top) : { equity: null, drawdown: null, monthly: null };
  // The IC charts read diagnostics.csv; the quintile spreads are summary.csv's, there whenever the strategy has a signal.
  const signal = hasSignal(tables);
  const hasDiagnostics = tables.present.includes('diagnostics');
  if (!signal) notes.push(`strategy ${tables.run.manifest.strategy?.name ?? '?'} declares no signal, so this run has no diagnostics.csv: no IC or quintile charts`);
  else if (!hasDiagnostics) notes.push(absent(tables, 'diagnostics', 'no IC charts'));
  const ic = hasDiagnostics && best ? await icSeries(tables, Number(best.variant), bestLabel) : null;
  const groups = hasDiagnostics && best ? await peerGroupIc(tables, Number(best.variant)) : [];
  const quintileRows = ranked.slice(0, QUINTILE_VARIANTS);
  const quintile = signal && summary.metrics.includes('quintile_spread')
    ? { labels: quintileRows.map((r) => variantLabel(r, summary.varying)), spread: quintileRows.map((r) => numberOrNull(r.quintile_spread)) }
    : null;

  const parts: Omit<ReportData, 'charts'> = {
    run: runBrief(tables),
    benchmark: tables.run.manifest.benchmark ?? null,
    rankBy,
    lowerIsBetter: LOWER_IS_BETTER.has(rankBy),
    table: { columns, kinds, rows },
    top: { variants: top.map((r) => Number(r.variant)), labels },
    equity: daily.equity,
    drawdown: daily.drawdown,
    monthly: daily.monthly ? { ...daily.monthly, label: bestLabel } : null,
    ic,
    icGroups: groups.length ? { label: bestLabel, groups: groups.map((g) => g.group), mean: groups.map((g) => g.ic_mean), icMean: numberOrNull(best?.ic_mean) } : null,
    quintile,
    grid: gridPart(ranked, summary.varying, rankBy, options, notes),
    notes: [...notes, ...(daily.equity && daily.equity.bucket > 1 ? [`daily series thinned to one point per ${daily.equity.bucket} trading days (equity: the bucket's last value; drawdown: its lowest)`] : [])],
  };
  const drawn: Record<ChartId, boolean> = {
    equity: !!parts.equity, drawdown: !!parts.drawdown, monthly: !!parts.monthly?.cells.length,
    'ic-time': !!parts.ic, 'ic-groups': !!parts.icGroups, quintile: !!parts.quintile, grid: !!parts.grid,
  };
  return { ...parts, charts: (Object.keys(drawn) as ChartId[]).filter((id) => drawn[id]) };
}

/** The note for a per-variant table the run folder lacks: not saved (`--save`), or missing from the folder. */
function absent(tables: RunTables, table: 'equity' | 'diagnostics', charts: string): string {
  const why = tables.run.saved.has(table) ? `${table}.csv is missing from the run folder` : `${table}.csv was not saved (${saveOption(tables.run)})`;
  return `${why}: ${charts}`;
}

/** Equity, drawdown and monthly returns of the top variants, with the benchmark over the same days. */
async function dailySeries(tables: RunTables, top: readonly SummaryRow[]) {
  if (!top.length) return { equity: null, drawdown: null, monthly: null };
  const ids = top.map((r) => Number(r.variant));
  const rows = await query(tables, `SELECT date, variant, equity, drawdown, "return" FROM equity WHERE variant IN (${ids.join(', ')}) ORDER BY variant, date`);
  const perVariant = ids.map(() => ({ equity: new Map<string, number | null>(), drawdown: new Map<string, number | null>(), returns: new Map<string, number | null>() }));
  for (const [date, variant, equity, drawdown, ret] of rows.rows as [string, number, number | null, number | null, number | null][]) {
    const s = perVariant[ids.indexOf(variant)]!;
    s.equity.set(date, equity);
    s.drawdown.set(date, drawdown);
    s.returns.set(date, ret);
  }
  const equity = alignSeries(perVariant.map((s) => s.equity));
  const drawdown = alignSeries(perVariant.map((s) => s.drawdown));
  let benchEquity: (number | null)[] | null = null, benchDrawdown: (number | null)[] | null = null;
  if (tables.present.includes('benchmark') && equity.dates.length) {
    const b = await query(tables, `SELECT date, equity, drawdown FROM benchmark WHERE date BETWEEN ${sqlString(equity.dates[0]!)} AND ${sqlString(equity.dates.at(-1)!)} ORDER BY date`);
    const byDate = new Map((b.rows as [string, number | null, number | null][]).map(([d, e, dd]) => [d, [e, dd] as const]));
    benchEquity = equity.dates.map((d) => byDate.get(d)?.[0] ?? null);
    benchDrawdown = equity.dates.map((d) => byDate.get(d)?.[1] ?? null);
  }
  const best = perVariant[0]!;
  const bestDates = [...best.returns.keys()];
  return {
    equity: thinWithBenchmark(equity, benchEquity, 'last'),
    drawdown: thinWithBenchmark(drawdown, benchDrawdown, 'min'),
    monthly: monthlyReturns(bestDates, bestDates.map((d) => best.returns.get(d) ?? null)),
  };
}

/** Thins the variants' series and the benchmark's alike (the benchmark rides along as the last series). */
function thinWithBenchmark(s: AlignedSeries, bench: (number | null)[] | null, pick: 'last' | 'min'): ChartSeries {
  const thin = downsample(bench ? { dates: s.dates, values: [...s.values, bench] } : s, pick);
  return { dates: thin.dates, bucket: thin.bucket, values: bench ? thin.values.slice(0, -1) : thin.values, benchmark: bench ? thin.values.at(-1)! : null };
}

async function icSeries(tables: RunTables, variant: number, label: string): Promise<ReportData['ic']> {
  const r = await query(tables, `SELECT date, ic FROM diagnostics WHERE variant = ${variant} ORDER BY date`);
  const dates = r.rows.map((row) => row[0] as string);
  const ic = r.rows.map((row) => row[1] as number | null);
  return { label, dates, ic, mean: trailingMean(ic, IC_WINDOW, 3), window: IC_WINDOW };
}

function gridPart(ranked: readonly SummaryRow[], varying: readonly string[], rankBy: string, options: ReportOptions, notes: string[]): ReportData['grid'] {
  if (ranked.length < 2) {
    notes.push('a single variant: no parameter heat map');
    return null;
  }
  const x = options.x ?? varying.find((p) => p !== options.y);
  const y = options.y ?? varying.find((p) => p !== x);
  if (x === undefined || y === undefined) {
    notes.push(`${varying.length} parameter(s) vary (${varying.join(', ') || 'none'}): the heat map needs two; choose them with --x and --y`);
    return null;
  }
  const others = varying.filter((p) => p !== x && p !== y);
  if (others.length) notes.push(`heat map: each cell shows the best variant by ${rankBy} over ${others.join(', ')}`);
  return { x, y, ...gridCells(ranked, x, y, rankBy), others };
}
