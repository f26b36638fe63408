import type { WalkForwardOutcome } from '../../walkforward/run.ts';
import { describeSpec } from '../../walkforward/spec.ts';
import type { Cell } from '../../writers/csv.ts';
import { oosSummaryRow, paramColumns, summaryHeader, type RunRecord } from '../../writers/results.ts';
import { fitColumns, formatMetric, horizontalTable, terminalWidth } from '../../writers/terminal.ts';
import { foldsHeader, foldsRows } from '../../writers/walk-forward.ts';

/**
 * The walk-forward in the terminal, after the sweep's table: one line per fold (its test window, the
 * variant chosen and the parameters that vary, the ranking metric in and out of sample, the
 * account's return over the fold, and the rank the choice had out of sample), the stitched record
 * beside the benchmark, the efficiency and the stability of the choices. `--json` gives folds.csv's
 * rows, the efficiency, the stability and summary.csv's `oos` row.
 */
export function walkForwardLines(record: RunRecord, wf: WalkForwardOutcome, wide: boolean): string {
  const dates = record.panel.dates.slice(record.schedule.first, record.schedule.last + 1);
  const m = wf.rankBy;
  const variants = record.config.variants;
  const varying = paramColumns(record).filter((k) => new Set(variants.map((p) => String(p[k]))).size > 1);
  const rows = wf.folds.map((f) => ({
    fold: String(f.fold),
    test: `${dates[f.testStart]} → ${dates[f.testEnd]}`,
    variant: String(f.variant),
    ...Object.fromEntries(varying.map((k) => [k, formatMetric(k, f.params[k] as Cell)])),
    [`is_${m}`]: formatMetric(m, f.isValue),
    [`oos_${m}`]: formatMetric(m, f.oos[m] ?? null),
    oos_return: formatMetric('total_return', f.oos.total_return ?? null),
    benchmark: formatMetric('total_return', f.benchmarkTotalReturn),
    oos_rank: `${f.oosRank}/${f.oosOf}`,
  })) as Array<Record<string, string>>;
  const wanted = ['fold', 'test', 'variant', ...varying, `is_${m}`, `oos_${m}`, 'oos_return', 'oos_rank', 'benchmark'];
  const shown = wide ? wanted : fitColumns(wanted, rows, terminalWidth());
  const r = wf.oos.result;
  const o = wf.oos.metrics;
  const b = wf.benchmarkEquity;
  const days = r.curve.equity.length;
  const e = wf.efficiency;
  const lines = [
    '',
    `walk-forward (${describeSpec(wf.spec)}): ${wf.folds.length === 1 ? 'one fold, choosing' : `${wf.folds.length} folds, each choosing`} by ${m} on its training days:`,
    horizontalTable(shown, rows.map((row) => shown.map((h) => row[h]))),
    `out of sample, one account (${dates[wf.firstDay]} → ${dates[wf.firstDay + days - 1]}, ${days} days${r.ruinedAt >= 0 ? ', RUINED' : ''}): ` +
      `total return ${formatMetric('total_return', o.total_return)}, sharpe ${formatMetric('sharpe', o.sharpe ?? null)}, max drawdown ${formatMetric('max_drawdown', o.max_drawdown)}` +
      `${o.psr !== undefined && o.psr !== null ? `, PSR ${formatMetric('psr', o.psr)}` : ''}; benchmark over the same days: total return ${formatMetric('total_return', days ? b[days - 1]! / record.config.cash - 1 : null)}`,
    e.walk_forward_efficiency === null
      ? `walk-forward efficiency: none (${e.why_missing})`
      : `walk-forward efficiency ${e.walk_forward_efficiency.toFixed(2)}: annualised ${formatMetric('cagr', e.oos_annual_return)} out of sample ÷ ${formatMetric('cagr', e.is_annual_return)} in sample (the chosen variants', weighted by the days each traded)`,
    stabilityLine(wf),
  ];
  return `${lines.join('\n')}\n`;
}

function stabilityLine(wf: WalkForwardOutcome): string {
  const s = wf.stability;
  if (s.folds < 2) return `one fold: variant ${wf.folds[0]!.variant} chosen`;
  const moves = Object.entries(s.parameters)
    .map(([k, p]) => (p.mean_abs_change !== undefined && p.mean_abs_change !== null
      ? `${k} moved by ${p.mean_abs_change.toLocaleString('en-US', { maximumFractionDigits: 2 })} a boundary on average (${formatMetric('total_return', p.relative_change ?? null)} of its range)`
      : `${k} changed ${p.changes} time${p.changes === 1 ? '' : 's'}`));
  return `choices: the variant changed at ${s.changes} of ${s.folds - 1} fold boundaries (${s.distinct_variants} distinct)${moves.length ? `; ${moves.join(', ')}` : ''}`;
}

/** `--json`'s `walk_forward`: folds.csv's rows as objects, the efficiency, the stability and the `oos` summary row. */
export function walkForwardJson(record: RunRecord, wf: WalkForwardOutcome): Record<string, unknown> {
  const dates = record.panel.dates.slice(record.schedule.first, record.schedule.last + 1);
  const params = paramColumns(record);
  const header = foldsHeader(wf, params);
  const folds = [...foldsRows(wf, params, dates)].map((row) => Object.fromEntries(header.map((h, k) => [h, row[k] ?? null])));
  const summary = summaryHeader(record);
  const oos = oosSummaryRow(record, wf);
  return {
    spec: describeSpec(wf.spec),
    rank_by: wf.rankBy,
    folds,
    ...wf.efficiency,
    stability: wf.stability,
    oos: Object.fromEntries(summary.map((h, k) => [h, oos[k] ?? null])),
  };
}
