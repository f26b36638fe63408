import type { SupabaseTables } from './config.ts';

/**
 * The columns our migrations (supabase/migrations) create, by table role: what `backtest
 * doctor` checks a project for. Prices and universe are needed to read; the others to upload.
 */
export const EXPECTED_COLUMNS: Readonly<Record<keyof SupabaseTables, readonly string[]>> = {
  prices: ['symbol', 'date', 'open', 'high', 'low', 'close', 'volume'],
  universe: ['season', 'symbol', 'peer_group', 'name'],
  runs: ['run_id', 'created_at', 'status', 'command', 'strategy', 'start_date', 'end_date', 'season', 'source', 'data_fingerprint', 'row_counts', 'manifest'],
  variants: ['run_id', 'variant_id', 'strategy', 'params', 'final_equity', 'sharpe', 'ic_mean', 'coverage'],
  equity: ['run_id', 'variant_id', 'date', 'equity', 'cash', 'gross', 'net', 'return', 'drawdown'],
  trades: ['run_id', 'variant_id', 'date', 'symbol', 'seq', 'side', 'quantity', 'price', 'notional', 'cost', 'reason'],
  diagnostics: ['run_id', 'variant_id', 'date', 'ic', 'quintile_spread', 'coverage', 'group_ic'],
};

/** Tables without which a backtest cannot read its data. */
export const REQUIRED_FOR_READING: readonly (keyof SupabaseTables)[] = ['prices', 'universe'];
