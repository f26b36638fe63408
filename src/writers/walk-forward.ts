import { dailyReturns, drawdowns } from '../metrics/index.ts';
import { describeSpec } from '../walkforward/spec.ts';
import { FOLD_OOS_METRICS, type WalkForwardOutcome } from '../walkforward/run.ts';
import type { Cell } from './csv.ts';

/**
 * The walk-forward's files (issue 16), one function each:
 * - folds.csv: one row per fold — its windows (dates), the chosen variant and its parameters, its
 *   ranking metric in sample (`is_<metric>`), the account's metrics over the fold's test days
 *   (`oos_total_return`, `oos_sharpe`, `oos_max_drawdown`, and `oos_<metric>`), the rank the chosen
 *   variant's own run had out of sample among all variants (`oos_rank` of `oos_rank_of`; 1 = it was
 *   the best there too) and the variant that was best (`oos_best_variant`), annualised returns in
 *   and out of sample, the benchmark's return over the test days, and the window lengths;
 * - oos_equity.csv: the stitched record day by day, equity.csv's columns (variant `oos`) plus the
 *   fold of the day and the benchmark's equity over the same days, grown from the same cash;
 * - summary.csv's last row, `variant = oos`: the stitched record's metrics (parameters empty: they
 *   change by fold; folds.csv has them);
 * - the manifest's `walk_forward`.
 */

/** folds.csv's columns, for the strategy's parameters and the run's ranking metric. */
export function foldsHeader(wf: WalkForwardOutcome, params: readonly string[]): string[] {
  const extra = (FOLD_OOS_METRICS as readonly string[]).includes(wf.rankBy) ? [] : [`oos_${wf.rankBy}`];
  return [
    'fold', 'train_start', 'train_end', 'test_start', 'test_end', 'variant', ...params, `is_${wf.rankBy}`,
    ...FOLD_OOS_METRICS.map((m) => `oos_${m}`), 'oos_rank', ...extra, 'oos_rank_of', 'oos_best_variant',
    'is_annual_return', 'oos_annual_return', 'benchmark_total_return', 'train_days', 'test_days',
  ];
}

/** folds.csv's rows; `dates[d]` is day d of the evaluation window. */
export function* foldsRows(wf: WalkForwardOutcome, params: readonly string[], dates: readonly string[]): Generator<Cell[]> {
  const extra = (FOLD_OOS_METRICS as readonly string[]).includes(wf.rankBy) ? [] : [wf.rankBy];
  for (const f of wf.folds) {
    yield [
      f.fold, dates[f.trainStart], dates[f.trainEnd], dates[f.testStart], dates[f.testEnd], f.variant, ...params.map((k) => f.params[k]), f.isValue,
      ...FOLD_OOS_METRICS.map((m) => f.oos[m]), f.oosRank, ...extra.map((m) => f.oos[m]), f.oosOf, f.oosBestVariant,
      f.isAnnualReturn, f.oosAnnualReturn, f.benchmarkTotalReturn, f.trainEnd - f.trainStart + 1, f.testEnd - f.testStart + 1,
    ];
  }
}

export const OOS_EQUITY_COLUMNS = ['date', 'variant', 'equity', 'cash', 'gross', 'net', 'return', 'drawdown', 'long', 'short', 'positions', 'fold', 'benchmark_equity'] as const;

/** oos_equity.csv's rows; `dates[d]` is day d of the evaluation window, `cash` the run's. */
export function* oosEquityRows(wf: WalkForwardOutcome, dates: readonly string[], cash: number): Generator<Cell[]> {
  const { equity, cash: held, gross, net, long, short, positions } = wf.oos.result.curve;
  const returns = dailyReturns(equity, cash);
  const dd = drawdowns(equity, cash);
  for (let d = 0; d < equity.length; d++) {
    yield [dates[wf.firstDay + d], 'oos', equity[d], held[d], gross[d], net[d], returns[d], dd[d], long[d], short[d], positions[d], wf.foldOfDay[d], wf.benchmarkEquity[d]];
  }
}

/** The manifest's `walk_forward`: what was asked, the folds in brief, the efficiency and the stability. */
export function walkForwardManifest(wf: WalkForwardOutcome, dates: readonly string[], panelDates: readonly string[]): Record<string, unknown> {
  const s = wf.spec;
  const r = wf.oos.result;
  return {
    spec: describeSpec(s),
    ...(s.kind === 'walk-forward'
      ? { kind: s.kind, train: s.train, test: s.test, step: s.step, anchored: s.anchored, embargo: s.embargo }
      : { kind: s.kind, ...('date' in s ? { holdout_from: s.date } : { holdout_days: s.days }) }),
    rank_by: wf.rankBy,
    folds: wf.folds.length,
    first_oos_day: dates[wf.firstDay],
    last_oos_day: dates[wf.firstDay + r.curve.equity.length - 1],
    oos_days: r.curve.equity.length,
    // What the account does on days no test window covers: before the first, it holds its cash.
    before_first_test: 'cash',
    ...wf.efficiency,
    stability: wf.stability,
    chosen: wf.folds.map((f) => ({ fold: f.fold, variant: f.variant, test_start: dates[f.testStart], test_end: dates[f.testEnd] })),
    oos: {
      status: r.ruinedAt >= 0 ? 'ruined' : 'ok',
      ruined_on: r.ruinedAt >= 0 ? panelDates[r.ruinedAt] : undefined,
      decisions: r.decisions.length,
      skipped_orders: r.skipped.length,
      buys_cut_for_cash: r.cutBuys,
      leverage_scaled: r.leverageScaled,
      margin_calls: r.marginCalls,
      weights_dropped: r.droppedWeights,
      warnings: wf.oos.warnings,
    },
    files: ['folds.csv', 'oos_equity.csv'],
  };
}
