-- Point-in-time membership within a season (`backtest … --universe rolling`): a member of a season is
-- in the universe from start_date to end_date inclusive; null is open (the whole season). For index
-- membership histories where names join or leave during the year. Universes without dates stay valid.
alter table public.universe add column if not exists start_date date;
alter table public.universe add column if not exists end_date date;
do $$ begin
  alter table public.universe add constraint universe_dates_ordered check (end_date is null or start_date is null or end_date >= start_date);
exception when duplicate_object then null;
end $$;
