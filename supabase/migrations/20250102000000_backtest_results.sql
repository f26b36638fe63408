-- Results of backtest runs, uploaded after the run's CSVs are complete (`backtest upload`).
-- Every row has a natural primary key, so a retried batch (an upsert merging duplicates)
-- can never duplicate a row. A run is `running` while it uploads and `complete` only once
-- every table has all its rows (`partial` for a run interrupted with Ctrl-C: every row of the
-- variants that finished); an upload that stopped on an error is `failed`.

create table if not exists public.backtest_runs (
  run_id            text        primary key,
  created_at        timestamptz not null,
  status            text        not null check (status in ('running', 'complete', 'partial', 'failed')),
  command           text,
  strategy          text        not null,
  start_date        date        not null,
  end_date          date        not null,
  season            integer     not null,
  source            text,
  data_fingerprint  text,
  row_counts        jsonb,
  manifest          jsonb,
  uploaded_at       timestamptz not null default now()
);
create index if not exists backtest_runs_strategy_idx on public.backtest_runs (strategy, created_at desc);
create index if not exists backtest_runs_status_idx on public.backtest_runs (status);

-- One row per variant: its parameters and every summary metric (null when undefined or not computed).
create table if not exists public.backtest_variants (
  run_id             text    not null references public.backtest_runs (run_id) on delete cascade,
  variant_id         integer not null,
  strategy           text    not null,
  params             jsonb   not null default '{}'::jsonb,
  final_equity       double precision,
  total_return       double precision,
  cagr               double precision,
  volatility         double precision,
  sharpe             double precision,
  sortino            double precision,
  max_drawdown       double precision,
  max_drawdown_days  integer,
  calmar             double precision,
  fills              integer,
  round_trips        integer,
  turnover           double precision,
  gross_exposure     double precision,
  ic_mean            double precision,
  ic_sd              double precision,
  ic_ir              double precision,
  ic_t               double precision,
  quintile_spread    double precision,
  coverage           double precision,
  primary key (run_id, variant_id)
);
create index if not exists backtest_variants_sharpe_idx on public.backtest_variants (run_id, sharpe desc);

create table if not exists public.backtest_equity (
  run_id      text    not null references public.backtest_runs (run_id) on delete cascade,
  variant_id  integer not null,
  date        date    not null,
  equity      double precision,
  cash        double precision,
  gross       double precision,
  net         double precision,
  return      double precision,
  drawdown    double precision,
  primary key (run_id, variant_id, date)
);

-- A symbol can be filled twice on one day (a rebalance at the open, then a delisting sale at the
-- close; both may even be sells), so the key holds `seq`: 0, 1, … per (variant, date, symbol) in
-- trades.csv order, which is deterministic.
create table if not exists public.backtest_trades (
  run_id      text    not null references public.backtest_runs (run_id) on delete cascade,
  variant_id  integer not null,
  date        date    not null,
  symbol      text    not null,
  seq         integer not null default 0,
  side        text    not null check (side in ('buy', 'sell')),
  quantity    double precision not null,
  price       double precision not null,
  notional    double precision not null,
  cost        double precision not null,
  reason      text,
  primary key (run_id, variant_id, date, symbol, seq)
);
create index if not exists backtest_trades_symbol_idx on public.backtest_trades (symbol, date);

-- Signal diagnostics per day (strategies that declare a signal): the information coefficient,
-- the quintile spread, coverage, and the IC within each peer group (`{"Energy": 0.12, …}`).
create table if not exists public.backtest_diagnostics (
  run_id           text    not null references public.backtest_runs (run_id) on delete cascade,
  variant_id       integer not null,
  date             date    not null,
  ic               double precision,
  quintile_spread  double precision,
  coverage         double precision,
  group_ic         jsonb   not null default '{}'::jsonb,
  primary key (run_id, variant_id, date)
);
