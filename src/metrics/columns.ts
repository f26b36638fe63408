import { SIGNAL_COLUMNS } from './signal-diagnostics.ts';

/**
 * summary.csv's metric columns, in order, by group: the one list that the writers, `--rank-by`,
 * inspect, the report, the terminal and the upload (supabase/schema.ts) read. A column a run cannot
 * fill is empty (a strategy without a signal has no signal columns at all).
 */
export const METRIC_GROUPS = {
  performance: ['final_equity', 'total_return', 'cagr', 'volatility', 'sharpe', 'sortino', 'max_drawdown', 'max_drawdown_days', 'calmar'],
  benchmark: ['alpha', 'beta', 'information_ratio', 'tracking_error', 'correlation', 'up_capture', 'down_capture'],
  distribution: ['skewness', 'kurtosis', 'var_95', 'cvar_95', 'best_day', 'worst_day', 'positive_days'],
  trading: ['fills', 'round_trips', 'turnover', 'gross_exposure', 'avg_net_exposure', 'max_gross_exposure', 'avg_positions'],
  trips: ['win_rate', 'profit_factor', 'avg_win', 'avg_loss', 'payoff_ratio', 'avg_holding_days', 'expectancy'],
  costs: ['cost_commission', 'cost_spread', 'cost_slippage', 'cost_impact', 'cost_borrow', 'cash_interest', 'cost_total_bps', 'break_even_bps', 'unfilled_notional'],
  confidence: ['psr', 'dsr', 'min_track_record_days', 'sharpe_ci_low', 'sharpe_ci_high'],
  signal: SIGNAL_COLUMNS,
} as const satisfies Record<string, readonly string[]>;

export type MetricGroup = keyof typeof METRIC_GROUPS;
export type MetricName = (typeof METRIC_GROUPS)[MetricGroup][number];

/** Every metric column, in summary.csv's order. */
export const ALL_METRICS: readonly MetricName[] = Object.values(METRIC_GROUPS).flat();

/** The metric columns of a run: all, less the signal's when the strategy declares none. */
export function summaryMetrics(hasSignal: boolean): MetricName[] {
  return (Object.entries(METRIC_GROUPS) as Array<[MetricGroup, readonly MetricName[]]>).flatMap(([group, names]) => (group === 'signal' && !hasSignal ? [] : names));
}

/**
 * Metrics where a smaller value ranks first (`--rank-by`); every other metric ranks larger first
 * (VaR and CVaR are losses, negative numbers: the larger, the smaller the loss).
 */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set([
  'volatility', 'max_drawdown_days', 'turnover', 'ic_sd', 'tracking_error', 'min_track_record_days',
  'cost_commission', 'cost_spread', 'cost_slippage', 'cost_impact', 'cost_borrow', 'cost_total_bps', 'unfilled_notional',
]);

/**
 * Statistics that mean nothing for a ruined variant (its equity reached 0: the returns after are 0/0,
 * and a positive Sharpe of a bankrupt book must never rank it first): left empty.
 */
export const RUIN_BLANKS: ReadonlySet<string> = new Set([
  'sharpe', 'sortino', 'calmar', 'volatility', 'alpha', 'beta', 'information_ratio', 'tracking_error', 'correlation', 'up_capture', 'down_capture',
  'skewness', 'kurtosis', 'var_95', 'cvar_95', 'psr', 'dsr', 'min_track_record_days', 'sharpe_ci_low', 'sharpe_ci_high',
]);
