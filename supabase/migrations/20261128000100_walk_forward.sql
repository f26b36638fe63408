-- Walk-forward (issue 16): a run's folds and its stitched out-of-sample record.
-- * backtest_folds: one row per fold (folds.csv): its windows, the variant chosen on the training
--   days and its parameters, the ranking metric in sample (is_value) and the account's out of sample
--   (oos_value; rank_by names the metric), the account's headline metrics over the fold's test days,
--   and the rank the chosen variant had out of sample among all variants (oos_rank of oos_rank_of).
-- * backtest_oos_equity: the stitched record day by day (oos_equity.csv): one account, so one row a
--   day, with the fold trading it and the benchmark grown from the same cash.
-- * summary.csv's `oos` row goes to backtest_variants as variant_id 0 (variants are numbered from 1;
--   its params are {}: they change by fold, and backtest_folds has them).
create table if not exists public.backtest_folds (
  run_id                  text    not null references public.backtest_runs (run_id) on delete cascade,
  fold                    integer not null,
  train_start             date    not null,
  train_end               date    not null,
  test_start              date    not null,
  test_end                date    not null,
  train_days              integer,
  test_days               integer,
  variant_id              integer not null,
  params                  jsonb   not null default '{}'::jsonb,
  rank_by                 text    not null,
  is_value                double precision,
  oos_value               double precision,
  oos_total_return        double precision,
  oos_sharpe              double precision,
  oos_max_drawdown        double precision,
  oos_rank                integer,
  oos_rank_of             integer,
  oos_best_variant        integer,
  is_annual_return        double precision,
  oos_annual_return       double precision,
  benchmark_total_return  double precision,
  primary key (run_id, fold)
);

create table if not exists public.backtest_oos_equity (
  run_id            text    not null references public.backtest_runs (run_id) on delete cascade,
  date              date    not null,
  fold              integer not null,
  equity            double precision,
  cash              double precision,
  gross             double precision,
  net               double precision,
  return            double precision,
  drawdown          double precision,
  long              double precision,
  short             double precision,
  positions         double precision,
  benchmark_equity  double precision,
  primary key (run_id, date)
);
