import Table from 'cli-table3';
import { SIGNAL_COLUMNS } from '../metrics/signal-diagnostics.ts';
import type { Cell } from '../writers/csv.ts';
import { fitColumns, formatMetric, HEADLINE, horizontalTable, sideBySide, terminalText, terminalWidth } from '../writers/terminal.ts';
import type { QueryResult } from './run-tables.ts';
import type { InspectView } from './run-view.ts';

/** Metrics in the top-variants table, most important first, as many as the terminal's width holds (all are in --json). */
const SHOWN_METRICS = ['total_return', 'sharpe', 'dsr', 'max_drawdown', 'cagr', 'alpha', 'turnover', 'volatility', 'sortino', 'calmar', 'information_ratio', 'win_rate'];

/** `backtest inspect` as text: the run in brief, the top variants, their signal diagnostics, the verdict. */
export function renderInspect(view: InspectView, width = terminalWidth()): string {
  const out: string[] = [...runLines(view)];
  const shownParams = view.varying.length ? view.varying : view.params;
  const ruined = view.top.some((r) => r.status === 'ruined');
  const wanted = [...new Set(['rank', 'variant', ...(ruined ? ['status'] : []), ...shownParams, view.rank_by, ...SHOWN_METRICS.filter((m) => view.metrics.includes(m) && view.top.some((r) => r[m] !== null && r[m] !== undefined))])];
  const shown = fitColumns(wanted, view.top as ReadonlyArray<Record<string, Cell>>, width);
  out.push('', `top ${view.top.length} of ${view.variants} variant(s) by ${view.rank_by}${view.varying.length ? '' : ' (parameters: the same for all)'}:`);
  out.push(horizontalTable(shown, view.top.map((r) => shown.map((c) => (c === 'rank' ? String(r.rank) : r[c]) as Cell))));
  const b0 = view.benchmark;
  if (view.variants === 1 && b0) {
    // One variant: its headline numbers beside the benchmark's, as the run printed them.
    const names = HEADLINE.filter((m) => view.metrics.includes(m) && view.top[0]![m] !== null && view.top[0]![m] !== undefined);
    out.push('', sideBySide(names, [view.run.strategy ?? 'strategy', `benchmark: ${String(b0.label ?? b0.strategy ?? 'buy-and-hold')}`], [view.top[0] as Record<string, Cell>, b0 as Record<string, Cell>]));
  }

  const signal = SIGNAL_COLUMNS.filter((c) => view.metrics.includes(c));
  if (signal.length) {
    out.push('', 'signal diagnostics (IC: rank correlation of the signal with the forward return):');
    out.push(horizontalTable(['rank', 'variant', ...signal], view.top.map((r) => [String(r.rank), r.variant as Cell, ...signal.map((m) => r[m] as Cell)])));
  }
  if (view.peer_group_ic.length) {
    out.push('', `mean IC by peer group, variant ${view.top[0]?.variant} (best):`);
    out.push(horizontalTable(['peer group', 'ic_mean', 'days'], view.peer_group_ic.map((g) => [g.group, g.ic_mean, String(g.days)])));
  }
  const b = view.benchmark;
  if (b) out.push('', `benchmark ${terminalText(String(b.label ?? b.strategy ?? 'buy-and-hold'))}: total return ${formatMetric('total_return', b.total_return as Cell)}, sharpe ${formatMetric('sharpe', b.sharpe as Cell)}, max drawdown ${formatMetric('max_drawdown', b.max_drawdown as Cell)}`);
  if (view.statistics?.verdict) out.push(`is it real? ${terminalText(String(view.statistics.verdict))}`);
  if (view.partial_folders.length) {
    const stale = view.partial_folders.filter((f) => f.stale).length;
    out.push('', `partial run folders beside this run (being written, or left by a run that was killed)${stale ? `; ${stale} older than a day, which the next run in this folder removes` : ''}:`);
    for (const f of view.partial_folders) out.push(`  ${f.folder} (last changed ${f.modified}${f.stale ? ', older than a day' : ''})`);
  }
  return `${out.join('\n')}\n`;
}

function runLines(view: InspectView): string[] {
  const { run } = view;
  const r = run.range;
  const s = run.settings ?? {};
  const d = run.data ?? {};
  const lines = [
    `run ${run.id} (${run.status}): ${run.strategy ?? '?'}, ${view.variants} variant(s)` +
      (r ? `, ${r.first_trading_day} → ${r.last_trading_day} (${r.trading_days} trading days)` : ''),
    `folder: ${run.folder}`,
  ];
  const u = run.universe;
  if (u) lines.push(u.mode === 'rolling' ? `universe: rolling (point in time), seasons ${u.seasons.join(', ')}` : `universe: pinned to season ${u.seasons.join(', ')}`);
  if (run.command) lines.push(`command: ${run.command}`);
  if (run.created_at) lines.push(`created: ${run.created_at}`);
  if (run.data) {
    const fp = typeof d.fingerprint === 'string' ? `, ${d.fingerprint.slice(0, 19)}…` : '';
    lines.push(`data: ${d.kind ?? '?'} ${d.location ?? ''} (${d.symbols ?? '?'} symbols, ${d.peer_groups ?? '?'} peer groups${fp})`);
  }
  if (run.settings) {
    const margin = s.max_leverage === undefined ? '' : `, max leverage ${s.max_leverage}, maintenance margin ${s.maintenance_margin}`;
    lines.push(`settings: fill ${s.fill}, cash ${Number(s.cash).toLocaleString('en-US')}, commission ${s.commission_bps} bps, slippage ${s.slippage_bps} bps${s.fractional ? ', fractional shares' : ''}${margin}`);
  }
  if (run.files) lines.push(`files: ${Object.entries(run.files).map(([f, n]) => `${f} (${n.toLocaleString('en-US')} rows)`).join(', ')}`);
  if (run.warnings.length) lines.push(`warnings: ${run.warnings.length}: ${run.warnings.slice(0, 3).join('; ')}${run.warnings.length > 3 ? '; …' : ''}`);
  return lines;
}

/** Rows printed as a table for --sql; --json prints them all. */
export const SQL_TABLE_ROWS = 1000;

/** A query's result as a terminal table: values as they are (no percent), NULL for missing. */
export function renderQuery(result: QueryResult): string {
  const table = new Table({ head: result.columns.map((c) => terminalText(c, false)), style: { head: [], border: [] } });
  for (const row of result.rows.slice(0, SQL_TABLE_ROWS)) table.push(row.map(sqlCell));
  const more = result.rows.length > SQL_TABLE_ROWS ? `\n… ${result.rows.length - SQL_TABLE_ROWS} more row(s); add LIMIT, or use --json for all` : '';
  return `${table.toString()}\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})${more}\n`;
}

function sqlCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(10)));
  if (typeof value === 'object') return terminalText(JSON.stringify(value));
  return terminalText(String(value)); // line breaks stay: an EXPLAIN's plan is meant to span lines
}

/** Rows as JSON objects keyed by column name. */
export function queryJson(result: QueryResult): Record<string, unknown>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, k) => [c, row[k] ?? null])));
}
