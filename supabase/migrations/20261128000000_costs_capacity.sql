-- Costs, liquidity and capacity (issue 14).
-- * borrow: per-symbol borrow fees, read with `backtest … --borrow-table`: the annual fee, in bps of the
--   market value, of borrowing a symbol to short it; a row holds from its date until the symbol's next one.
-- * backtest_trades.asked: the order's shares at each fill (more than `quantity` when a participation
--   limit or the cash cut it).
-- * backtest_capacity: capacity.csv, each variant at each starting capital of `--capacity`.
-- universe.shares_outstanding (for `--impact almgren`) is optional and not added here: a project that has the
-- figures adds it (`alter table public.universe add column shares_outstanding double precision`), and the
-- reader uses it when it is there.
create table if not exists public.borrow (
  symbol   text collate "C"  not null,
  date     date             not null,
  fee_bps  double precision not null check (fee_bps >= 0 and fee_bps < 'Infinity'::double precision),
  primary key (symbol, date)
);

alter table public.backtest_trades add column if not exists asked double precision;

create table if not exists public.backtest_capacity (
  run_id          text             not null references public.backtest_runs (run_id) on delete cascade,
  variant_id      integer          not null,
  capital         double precision not null,
  total_return    double precision,
  sharpe          double precision,
  cost_total_bps  double precision,
  unfilled_share  double precision,
  primary key (run_id, variant_id, capital)
);
