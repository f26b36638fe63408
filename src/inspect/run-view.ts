import { dirname } from 'node:path';
import { DataError } from '../errors.ts';
import { partialFolders } from '../writers/run-dir.ts';
import { rankSummary, type RankedSummary, type SummaryRow } from './ranking.ts';
import type { RunManifest } from './run-folder.ts';
import { queryObjects, query, sqlName, type RunTables } from './run-tables.ts';

/**
 * What `backtest inspect` shows, as data (printed as tables, or as JSON with --json): the run in
 * brief, the top variants by the ranking metric, and the best variant's IC by peer group.
 */
export interface InspectView {
  readonly run: RunBrief;
  readonly rank_by: string;
  readonly variants: number;
  /** Parameters that vary across the variants. */
  readonly varying: readonly string[];
  readonly params: readonly string[];
  readonly metrics: readonly string[];
  /** The top variants, best first, each with its rank and every summary column. */
  readonly top: readonly SummaryRow[];
  /** Mean IC within each peer group for the best variant (empty without diagnostics). */
  readonly peer_group_ic: readonly PeerGroupIc[];
  readonly benchmark: Readonly<Record<string, unknown>> | null;
  /** The sweep's overfitting statistics in brief (manifest.json; the whole is overfitting.json). */
  readonly statistics: Readonly<Record<string, unknown>> | null;
  /**
   * A walk-forward's folds (folds.csv's rows), its stitched record (summary.csv's `oos` row) and the
   * manifest's efficiency and stability; null for a run without one.
   */
  readonly walk_forward: WalkForwardView | null;
  /** Half-written run folders beside this run (`.<run-id>.partial`): a run writing now, or one that was killed. */
  readonly partial_folders: readonly PartialFolderBrief[];
}

export interface WalkForwardView {
  readonly spec: string | null;
  readonly rank_by: string | null;
  readonly folds: readonly Record<string, unknown>[];
  readonly oos: Readonly<Record<string, unknown>> | null;
  readonly walk_forward_efficiency: number | null;
  readonly oos_annual_return: number | null;
  readonly is_annual_return: number | null;
  readonly why_missing: string | null;
  readonly stability: Readonly<Record<string, unknown>> | null;
  readonly first_oos_day: string | null;
  readonly last_oos_day: string | null;
}

export interface PartialFolderBrief {
  readonly folder: string;
  readonly run_id: string;
  readonly modified: string;
  /** Older than a day: the next run in this folder removes it. */
  readonly stale: boolean;
}

export interface RunBrief {
  readonly id: string;
  readonly folder: string;
  readonly status: string;
  readonly created_at: string | null;
  readonly command: string | null;
  readonly strategy: string | null;
  readonly range: RunManifest['range'] | null;
  readonly universe: RunManifest['universe'] | null;
  readonly settings: Readonly<Record<string, unknown>> | null;
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly files: Readonly<Record<string, number>> | null;
  readonly warnings: readonly string[];
}

export interface PeerGroupIc {
  readonly group: string;
  /** Mean of the group's IC over the decision days that have one. */
  readonly ic_mean: number | null;
  /** Decision days with an IC for the group. */
  readonly days: number;
}

export function runBrief(tables: RunTables): RunBrief {
  const { manifest: m, dir, id } = tables.run;
  return {
    id,
    folder: dir,
    status: m.status,
    created_at: m.created_at ?? null,
    command: m.command ?? null,
    strategy: m.strategy?.name ?? null,
    range: m.range ?? null,
    universe: m.universe ?? (m.range?.season != null ? { mode: 'pinned', seasons: [m.range.season] } : null),
    settings: m.settings ?? null,
    data: m.data ?? null,
    files: m.files ?? null,
    warnings: m.warnings ?? [],
  };
}

/** summary.csv, ranked by `rankBy` (checked against the run's metrics). */
export async function rankedSummary(tables: RunTables, rankBy: string): Promise<RankedSummary> {
  const rows = await queryObjects(tables, 'SELECT * FROM summary ORDER BY variant');
  if (!rows.length) throw new DataError(`run ${tables.run.id} has no variant in its summary.csv (status "${tables.run.manifest.status}"): nothing to show`, 'E_RUN_EMPTY');
  return rankSummary(tables.columns.summary ?? [], rows, rankBy);
}

/** Peer groups from diagnostics.csv's `ic_<group>` columns. */
export function peerGroups(tables: RunTables): string[] {
  return (tables.columns.diagnostics ?? []).filter((c) => c.startsWith('ic_')).map((c) => c.slice(3));
}

/** Mean IC per peer group of one variant over its decision days. */
export async function peerGroupIc(tables: RunTables, variant: number): Promise<PeerGroupIc[]> {
  const groups = peerGroups(tables);
  if (!groups.length) return [];
  const select = groups.map((g, k) => `avg(${sqlName(`ic_${g}`)}) AS m${k}, count(${sqlName(`ic_${g}`)}) AS n${k}`).join(', ');
  const r = await query(tables, `SELECT ${select} FROM diagnostics WHERE variant = ${Number(variant)}`);
  const row = r.rows[0] ?? [];
  return groups.map((group, k) => ({ group, ic_mean: (row[2 * k] as number | null) ?? null, days: Number(row[2 * k + 1] ?? 0) }));
}

export interface InspectOptions {
  readonly rankBy: string;
  readonly top: number;
}

export async function buildInspectView(tables: RunTables, options: InspectOptions): Promise<InspectView> {
  const summary = await rankedSummary(tables, options.rankBy);
  const top = summary.rows.slice(0, options.top).map((row, k) => ({ rank: k + 1, ...row }));
  const best = summary.rows[0];
  return {
    run: runBrief(tables),
    rank_by: summary.rankBy,
    variants: summary.rows.length,
    varying: summary.varying,
    params: summary.params,
    metrics: summary.metrics,
    top,
    peer_group_ic: best ? await peerGroupIc(tables, Number(best.variant)) : [],
    benchmark: tables.run.manifest.benchmark ?? null,
    statistics: tables.run.manifest.statistics && !tables.run.manifest.statistics.off ? tables.run.manifest.statistics : null,
    walk_forward: await walkForwardView(tables),
    partial_folders: partialFolders(dirname(tables.run.dir)).map((f) => ({ folder: f.path, run_id: f.runId, modified: f.modified.toISOString(), stale: f.stale })),
  };
}

/** The walk-forward of a run, from folds.csv, summary.csv's `oos` row and the manifest (null without one). */
export async function walkForwardView(tables: RunTables): Promise<WalkForwardView | null> {
  const m = tables.run.manifest.walk_forward;
  if (!m || !tables.present.includes('folds')) return null;
  const folds = await queryObjects(tables, 'SELECT * FROM folds ORDER BY fold');
  const oos = tables.present.includes('oos_summary') ? (await queryObjects(tables, 'SELECT * FROM oos_summary'))[0] ?? null : null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    spec: text(m.spec),
    rank_by: text(m.rank_by),
    folds,
    oos,
    walk_forward_efficiency: num(m.walk_forward_efficiency),
    oos_annual_return: num(m.oos_annual_return),
    is_annual_return: num(m.is_annual_return),
    why_missing: text(m.why_missing),
    stability: (m.stability as Record<string, unknown> | undefined) ?? null,
    first_oos_day: text(m.first_oos_day),
    last_oos_day: text(m.last_oos_day),
  };
}
