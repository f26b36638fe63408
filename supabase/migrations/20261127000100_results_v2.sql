-- Results, second version: what a trader needs to trust the numbers.
-- * a run may pin no season (a rolling, point-in-time universe): backtest_runs.season becomes optional;
-- * each variant says whether it stayed solvent (`ok`) or was `ruined` (equity reached 0);
-- * every new summary.csv metric is a column of backtest_variants (src/metrics/columns.ts lists them);
-- * the equity curve keeps its long and short sides and the number of positions.
alter table public.backtest_runs alter column season drop not null;
alter table public.backtest_variants add column if not exists status text check (status in ('ok', 'ruined'));
-- benchmark-relative (issue 20)
alter table public.backtest_variants add column if not exists alpha double precision;
alter table public.backtest_variants add column if not exists beta double precision;
alter table public.backtest_variants add column if not exists information_ratio double precision;
alter table public.backtest_variants add column if not exists tracking_error double precision;
alter table public.backtest_variants add column if not exists correlation double precision;
alter table public.backtest_variants add column if not exists up_capture double precision;
alter table public.backtest_variants add column if not exists down_capture double precision;
-- distribution of daily returns
alter table public.backtest_variants add column if not exists skewness double precision;
alter table public.backtest_variants add column if not exists kurtosis double precision;
alter table public.backtest_variants add column if not exists var_95 double precision;
alter table public.backtest_variants add column if not exists cvar_95 double precision;
alter table public.backtest_variants add column if not exists best_day double precision;
alter table public.backtest_variants add column if not exists worst_day double precision;
alter table public.backtest_variants add column if not exists positive_days double precision;
-- exposure
alter table public.backtest_variants add column if not exists avg_net_exposure double precision;
alter table public.backtest_variants add column if not exists max_gross_exposure double precision;
alter table public.backtest_variants add column if not exists avg_positions double precision;
-- round trips
alter table public.backtest_variants add column if not exists win_rate double precision;
alter table public.backtest_variants add column if not exists profit_factor double precision;
alter table public.backtest_variants add column if not exists avg_win double precision;
alter table public.backtest_variants add column if not exists avg_loss double precision;
alter table public.backtest_variants add column if not exists payoff_ratio double precision;
alter table public.backtest_variants add column if not exists avg_holding_days double precision;
alter table public.backtest_variants add column if not exists expectancy double precision;
-- costs (issue 14)
alter table public.backtest_variants add column if not exists cost_commission double precision;
alter table public.backtest_variants add column if not exists cost_spread double precision;
alter table public.backtest_variants add column if not exists cost_slippage double precision;
alter table public.backtest_variants add column if not exists cost_impact double precision;
alter table public.backtest_variants add column if not exists cost_borrow double precision;
alter table public.backtest_variants add column if not exists cash_interest double precision;
alter table public.backtest_variants add column if not exists cost_total_bps double precision;
alter table public.backtest_variants add column if not exists break_even_bps double precision;
alter table public.backtest_variants add column if not exists unfilled_notional double precision;
-- confidence (issue 15)
alter table public.backtest_variants add column if not exists psr double precision;
alter table public.backtest_variants add column if not exists dsr double precision;
alter table public.backtest_variants add column if not exists min_track_record_days double precision;
alter table public.backtest_variants add column if not exists sharpe_ci_low double precision;
alter table public.backtest_variants add column if not exists sharpe_ci_high double precision;
alter table public.backtest_equity add column if not exists long double precision;
alter table public.backtest_equity add column if not exists short double precision;
alter table public.backtest_equity add column if not exists positions double precision;
