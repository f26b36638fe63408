import { ALL_METRICS, type MetricName } from '../metrics/columns.ts';
import type { SupabaseTables } from './config.ts';

/** The summary metrics (metrics/columns.ts), each a column of backtest_variants (null where a run has none). */
export const METRIC_COLUMNS = ALL_METRICS;

export type MetricColumn = MetricName;

/**
 * The columns our migrations (supabase/migrations) create, by table role: the one list that
 * `backtest import --to supabase` and the upload build their rows from (`RowOf`) and that
 * `backtest doctor` checks a project for. Columns with a server default the upload never sends
 * (backtest_runs.uploaded_at) are left out. Prices and universe are needed to read; the others
 * to upload.
 */
export const TABLE_COLUMNS = {
  prices: ['symbol', 'date', 'open', 'high', 'low', 'close', 'volume'],
  universe: ['season', 'symbol', 'peer_group', 'name'],
  runs: ['run_id', 'created_at', 'status', 'command', 'strategy', 'start_date', 'end_date', 'season', 'source', 'data_fingerprint', 'row_counts', 'manifest'],
  variants: ['run_id', 'variant_id', 'strategy', 'status', 'params', ...METRIC_COLUMNS],
  equity: ['run_id', 'variant_id', 'date', 'equity', 'cash', 'gross', 'net', 'return', 'drawdown', 'long', 'short', 'positions'],
  trades: ['run_id', 'variant_id', 'date', 'symbol', 'seq', 'side', 'quantity', 'price', 'notional', 'cost', 'reason', 'asked'],
  diagnostics: ['run_id', 'variant_id', 'date', 'ic', 'quintile_spread', 'coverage', 'group_ic'],
  folds: [
    'run_id', 'fold', 'train_start', 'train_end', 'test_start', 'test_end', 'train_days', 'test_days', 'variant_id', 'params', 'rank_by', 'is_value', 'oos_value',
    'oos_total_return', 'oos_sharpe', 'oos_max_drawdown', 'oos_rank', 'oos_rank_of', 'oos_best_variant', 'is_annual_return', 'oos_annual_return', 'benchmark_total_return',
  ],
  oos_equity: ['run_id', 'date', 'fold', 'equity', 'cash', 'gross', 'net', 'return', 'drawdown', 'long', 'short', 'positions', 'benchmark_equity'],
  borrow: ['symbol', 'date', 'fee_bps'],
  capacity: ['run_id', 'variant_id', 'capital', 'total_return', 'sharpe', 'cost_total_bps', 'unfilled_share'],
} as const satisfies Record<keyof SupabaseTables, readonly string[]>;

/** A row of a table: exactly its columns (an object literal with one more or one less does not type-check). */
export type RowOf<T extends keyof typeof TABLE_COLUMNS> = { [K in (typeof TABLE_COLUMNS)[T][number]]: unknown };

/** The migration that installs the compact bulk read and the revisions that validate a cached window. */
export const COMPACT_MIGRATION = 'supabase/migrations/20250103000000_compact_reads.sql';

/**
 * The migration after it that makes the window function sort once on Postgres 15 too (the same
 * answer; without it a read works, its calls take longer on the server).
 */
export const WINDOW_MIGRATION = 'supabase/migrations/20261130000000_window_one_sort.sql';

/**
 * The migration after those that answers windows in fewer bytes (`backtest_prices_window_scaled`,
 * format vopa-window-2: prices as scaled integers where that is exact); without it a read works,
 * its answers are larger.
 */
export const SCALED_MIGRATION = 'supabase/migrations/20261201000000_window_scaled.sql';

/**
 * The migration after it that makes `backtest_prices_window_scaled` answer in format vopa-window-3:
 * high and low from the bar's extremes, volumes as hexadecimal digits (fewer bytes again). Without
 * it the function answers vopa-window-2, which this version reads too.
 */
export const PACKED_MIGRATION = 'supabase/migrations/20261202000000_window_packed.sql';

/** What to apply when the compact read is missing or answers in another shape: all four, in order. */
export const APPLY_COMPACT = `apply ${COMPACT_MIGRATION}, then ${WINDOW_MIGRATION}, then ${SCALED_MIGRATION}, then ${PACKED_MIGRATION}, to the project`;

/** Its functions, called through `/rpc/`. */
export const COMPACT_FUNCTIONS = {
  window: 'backtest_prices_window',
  check: 'backtest_prices_check',
  latestBefore: 'backtest_prices_latest_before',
  /** The window's one-sort body (WINDOW_MIGRATION), which `window` calls below Postgres 16. */
  windowOneSort: 'backtest_prices_window_one_sort',
  /** The window in fewer bytes (SCALED_MIGRATION), called first; `window` when it is missing. */
  windowScaled: 'backtest_prices_window_scaled',
} as const;

/** The migration that reads the universe in one request and validates it with a cached window (needs COMPACT_MIGRATION). */
export const UNIVERSE_MIGRATION = 'supabase/migrations/20261129000000_universe_check.sql';

/** Its functions, called through `/rpc/`. */
export const UNIVERSE_FUNCTIONS = {
  rows: 'backtest_universe_rows',
  check: 'backtest_window_check',
} as const;

/** The format of the `backtest_prices_window` answers this version reads. */
export const WINDOW_FORMAT = 'vopa-window-1';
/** The format of `backtest_prices_window_scaled` as SCALED_MIGRATION installs it, which this version reads. */
export const WINDOW_FORMAT_SCALED = 'vopa-window-2';
/** The format of `backtest_prices_window_scaled` as PACKED_MIGRATION installs it, which this version reads. */
export const WINDOW_FORMAT_PACKED = 'vopa-window-3';

/** The functions that answer windows, and the formats this version reads from each (the newest first). */
export const WINDOW_FORMATS = {
  [COMPACT_FUNCTIONS.window]: [WINDOW_FORMAT],
  [COMPACT_FUNCTIONS.windowScaled]: [WINDOW_FORMAT_PACKED, WINDOW_FORMAT_SCALED],
} as const;
export type WindowFunction = keyof typeof WINDOW_FORMATS;

/** Tables without which a backtest cannot read its data. */
export const REQUIRED_FOR_READING: readonly (keyof SupabaseTables)[] = ['prices', 'universe'];
