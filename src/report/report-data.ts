import { checkParam, hasSignal, LOWER_IS_BETTER, queryObjects, rankedSummary, runBrief, saveOption, variantLabel, type RunBrief, type RunTables, type SummaryRow } from '../inspect/index.ts';
import { UsageError } from '../errors.ts';
import { metricKind } from '../writers/terminal.ts';
import { dailyColumns, partContext, variantsIn, type PartContext } from './parts/context.ts';
import { costsPart, type CostsPart } from './parts/costs.ts';
import { exposurePart, type ExposurePart } from './parts/exposure.ts';
import { headerPart, type HeaderPart } from './parts/header.ts';
import { overfittingPart, type OverfittingPart } from './parts/overfitting.ts';
import { performancePart, type PerformancePart } from './parts/performance.ts';
import { signalPart, type SignalPart } from './parts/signal.ts';
import { roundTripsPart, tradeStats, type TradingPart } from './parts/trading.ts';
import { walkForwardPart, type WalkForwardPart } from './parts/walk-forward.ts';
import { gridCells, type GridCell } from './series.ts';

/**
 * Everything the report page draws, assembled from a run folder through inspect's views (embedded in
 * the page as JSON; the page only draws it):
 * 1. summary.csv ranked by the ranking metric: the header's best variant, the sortable table, the
 *    grid heat map of the ranking metric over two parameters;
 * 2. the detail variant — the best-ranked one whose daily rows the run saved — read once from
 *    equity.csv and benchmark.csv; its performance (parts/performance.ts) and exposure
 *    (parts/exposure.ts) charts, trades (parts/trading.ts) and signal (parts/signal.ts);
 * 3. overfitting.json ("Is it real?"), the cost columns and capacity.csv, and the walk-forward files;
 * 4. `charts`: the ids of the charts the page will draw, in page order (the browser test checks each).
 * A part a run cannot fill is null, with a note saying why.
 */
export interface ReportOptions {
  /** Metric ranking the variants (default sharpe). */
  readonly rankBy?: string | undefined;
  /** Variants drawn in the equity chart and compared in the trade and cost parts (default 5). */
  readonly top?: number | undefined;
  /** Parameters on the grid heat map's axes (default: the first two that vary). */
  readonly x?: string | undefined;
  readonly y?: string | undefined;
}

export const DEFAULT_TOP = 5;
export { IC_WINDOW, QUINTILE_VARIANTS } from './parts/signal.ts';

export type ChartId =
  | 'equity' | 'cumulative' | 'underwater' | 'rolling' | 'yearly' | 'monthly' | 'distribution'
  | 'exposure' | 'exposure-groups' | 'turnover'
  | 'ic-time' | 'ic-groups' | 'quintile'
  | 'pbo-logits' | 'pbo-scatter' | 'dsr' | 'sharpe-intervals'
  | 'costs' | 'break-even' | 'capacity'
  | 'wf-equity' | 'wf-params' | 'wf-metric'
  | 'grid';

export interface ReportData extends SignalPart {
  readonly run: RunBrief;
  readonly header: HeaderPart;
  readonly rankBy: string;
  readonly lowerIsBetter: boolean;
  readonly table: { readonly columns: readonly string[]; readonly kinds: readonly string[]; readonly rows: ReadonlyArray<readonly unknown[]>; readonly pinned: number };
  readonly top: { readonly variants: readonly number[]; readonly labels: readonly string[] };
  /** The variant the one-variant charts show (the best with daily rows), or null without any. */
  readonly detail: { readonly variant: number; readonly label: string } | null;
  readonly performance: PerformancePart | null;
  readonly exposure: ExposurePart | null;
  readonly trading: TradingPart;
  readonly overfitting: OverfittingPart | null;
  readonly costs: CostsPart | null;
  readonly walkForward: WalkForwardPart | null;
  readonly grid: { readonly x: string; readonly y: string; readonly xValues: readonly unknown[]; readonly yValues: readonly unknown[]; readonly cells: readonly GridCell[]; readonly others: readonly string[] } | null;
  readonly notes: readonly string[];
  readonly charts: readonly ChartId[];
}

export async function reportData(tables: RunTables, options: ReportOptions = {}): Promise<ReportData> {
  const summary = await rankedSummary(tables, options.rankBy ?? 'sharpe');
  if (options.x !== undefined) checkParam('--x', options.x, summary.params);
  if (options.y !== undefined) checkParam('--y', options.y, summary.params);
  if (options.x !== undefined && options.x === options.y) throw new UsageError(`--x and --y both name ${options.x}: the heat map needs two different parameters`, 'E_BAD_OPTION');
  const notes: string[] = [];
  const K = options.top ?? DEFAULT_TOP;
  const ctx = partContext(tables, summary, K, notes);
  const labelOf = (row: SummaryRow) => variantLabel(row, summary.varying);

  // The variants with daily rows (all, or the best 20 of a large sweep), and the detail variant.
  const withEquity = await variantsIn(tables, 'equity', summary.rows);
  const daily = summary.rows.filter((r) => withEquity.has(Number(r.variant)));
  const detailRow = daily[0];
  if (!tables.present.includes('equity')) notes.push(absent(tables, 'equity', 'no performance or exposure charts'));
  else if (detailRow && detailRow !== ctx.best) notes.push(`the best variant by ${ctx.rankBy} (${ctx.bestLabel}) has no daily rows (a large sweep keeps those of the best ${tables.run.manifest.settings?.save_top ?? 20} by its own --rank-by): the charts of one variant show ${labelOf(detailRow)}`);
  const detailLabel = detailRow ? labelOf(detailRow) : '';
  const drawnTop = daily.slice(0, K);
  const columns = await dailyColumns(tables, drawnTop.map((r) => Number(r.variant)));
  const detail = detailRow ? columns.get(Number(detailRow.variant)) ?? null : null;
  const performance = detail && detailRow ? performancePart(ctx, drawnTop.map((r) => columns.get(Number(r.variant))), detail, detailRow, detailLabel) : null;
  const withTrades = await variantsIn(tables, 'trades', summary.rows);
  const tradesOfDetail = detail !== null && withTrades.has(detail.variant);
  if (tables.present.includes('equity') && !tables.present.includes('trades')) notes.push(absent(tables, 'trades', 'no turnover per rebalance or round trips'));
  const exposure = detail ? await exposurePart(ctx, detail, detailLabel, tradesOfDetail) : null;
  const trading: TradingPart = { stats: tradeStats(ctx), trips: detail && tradesOfDetail ? await roundTripsPart(ctx, detail.variant, detailLabel) : null };

  const signal = hasSignal(tables);
  const withDiagnostics = await variantsIn(tables, 'diagnostics', summary.rows);
  if (!signal) notes.push(`strategy ${tables.run.manifest.strategy?.name ?? '?'} declares no signal, so this run has no diagnostics.csv: no IC or quintile charts`);
  else if (!tables.present.includes('diagnostics')) notes.push(absent(tables, 'diagnostics', 'no IC charts'));
  const icRow = summary.rows.find((r) => withDiagnostics.has(Number(r.variant)));
  const signals = await signalPart(ctx, icRow, icRow ? labelOf(icRow) : '', signal, labelOf);

  const walkForward = await walkForwardPart(ctx);
  const oos = walkForward?.summary ?? (tables.present.includes('oos_summary') ? (await queryObjects(tables, 'SELECT * FROM oos_summary LIMIT 1'))[0] ?? null : null);
  const parts = {
    run: runBrief(tables),
    header: headerPart(ctx, runBrief(tables), oos),
    rankBy: summary.rankBy,
    lowerIsBetter: LOWER_IS_BETTER.has(summary.rankBy),
    table: variantsTable(ctx),
    top: { variants: drawnTop.map((r) => Number(r.variant)), labels: drawnTop.map(labelOf) },
    detail: detail ? { variant: detail.variant, label: detailLabel } : null,
    performance,
    exposure,
    trading,
    ...signals,
    overfitting: overfittingPart(ctx, labelOf),
    costs: await costsPart(ctx, labelOf),
    walkForward,
    grid: gridPart(ctx, options),
  };
  const thinned = performance && performance.equity.bucket > 1 ? [`daily series thinned to one point per ${performance.equity.bucket} trading days (levels: the bucket's last value; drawdowns: its lowest); the statistics use every day`] : [];
  return { ...parts, notes: [...notes, ...thinned], charts: drawnCharts(parts) };
}

/** The charts the page draws for these parts, in page order (page/main.js draws exactly these). */
function drawnCharts(d: Omit<ReportData, 'charts' | 'notes'>): ChartId[] {
  const p = d.performance, o = d.overfitting, c = d.costs, w = d.walkForward;
  // In page order (page/main.js).
  const drawn: Record<ChartId, boolean> = {
    'wf-equity': !!w?.equity, 'wf-params': !!w?.params.length, 'wf-metric': !!w && w.compare.is.some((v) => v !== null),
    equity: !!p, cumulative: !!p, underwater: !!p, rolling: !!p?.rolling, yearly: !!p?.yearly.years.length, monthly: !!p?.monthly.cells.length, distribution: !!p?.distribution,
    grid: !!d.grid,
    'pbo-logits': !!o?.logits, 'pbo-scatter': !!o?.scatter, dsr: !!o?.top?.dsr.some((v) => v !== null), 'sharpe-intervals': !!o?.top?.low.some((v) => v !== null),
    exposure: !!d.exposure?.gross.some((v) => v !== null), 'exposure-groups': !!d.exposure?.groups, turnover: !!d.exposure?.turnover,
    costs: !!c?.breakdown, 'break-even': !!c?.breakEven, capacity: !!c?.capacity,
    'ic-time': !!d.ic, 'ic-groups': !!d.icGroups, quintile: !!d.quintile,
  };
  return (Object.keys(drawn) as ChartId[]).filter((id) => drawn[id]);
}

/**
 * summary.csv ranked, with a rank column, its columns ordered for reading: rank, variant, the
 * parameters that vary (pinned while the table scrolls sideways: `pinned` columns), then status,
 * strategy, the parameters that are the same for all, and the metrics in summary.csv's order.
 */
function variantsTable(ctx: PartContext): ReportData['table'] {
  const { summary } = ctx;
  const fixed = summary.params.filter((p) => !summary.varying.includes(p));
  const lead = ['variant', ...summary.varying, 'status', 'strategy', ...fixed].filter((c) => summary.columns.includes(c));
  const ordered = [...lead, ...summary.columns.filter((c) => !lead.includes(c))];
  const columns = ['rank', ...ordered];
  const kinds = columns.map((c) => (c === 'rank' || c === 'variant' ? 'integer' : summary.metrics.includes(c) ? metricKind(c) : 'text'));
  const rows = summary.rows.map((r, k) => [k + 1, ...ordered.map((c) => r[c] ?? null)]);
  return { columns, kinds, rows, pinned: 2 + summary.varying.length };
}

/** The note for a per-variant table the run folder lacks: not saved (`--save`), or missing from the folder. */
function absent(tables: RunTables, table: 'equity' | 'trades' | 'diagnostics', charts: string): string {
  const why = tables.run.saved.has(table) ? `${table}.csv is missing from the run folder` : `${table}.csv was not saved (${saveOption(tables.run)})`;
  return `${why}: ${charts}`;
}

function gridPart(ctx: PartContext, options: ReportOptions): ReportData['grid'] {
  const { summary, notes, rankBy } = ctx;
  const ranked = summary.rows, varying = summary.varying;
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
