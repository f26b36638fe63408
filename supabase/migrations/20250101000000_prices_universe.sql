-- The data contract, the same locally (data/*/prices.parquet, universe.parquet) and in Supabase.
-- Prices are taken as adjusted. Close is required; the other fields may be null.
-- Symbols collate "C" (byte order): the same order in every database whatever its locale, and
-- the order readers page through with keyset pagination on (symbol, date).

create table if not exists public.prices (
  symbol  text collate "C" not null,
  date    date             not null,
  open    double precision,
  high    double precision,
  low     double precision,
  close   double precision not null check (close > 0),
  volume  double precision,
  primary key (symbol, date)
);

-- Windows are read by date range for a set of symbols; the primary key serves (symbol, date) order.
create index if not exists prices_date_idx on public.prices (date);

-- The instruments tradable in a season (the universe year) and each one's peer group (sector).
create table if not exists public.universe (
  season      integer not null,
  symbol      text    collate "C" not null,
  peer_group  text    not null,
  name        text,
  primary key (season, symbol)
);
