-- Reads at the scale of a real universe: the compact bulk read and what lets a local cache of
-- windows know when it is stale. Nothing here changes the data contract of
-- 20250101000000_prices_universe.sql; without this migration a backtest still runs, reading
-- keyset pages, and does not cache.
--
-- 1. Revisions. Statement triggers on the prices table give every (symbol, calendar month) that
--    an insert, update, delete or truncate touches a new revision (backtest_price_revisions), and
--    the symbol itself a new one (backtest_symbol_revisions). Revisions come from a sequence and
--    are never reused, so a revision that is still the same means nothing changed there.
-- 2. backtest_prices_window: a window for a set of symbols in one JSON answer, one object per
--    symbol: its dates once (days since 1970-01-01), each field as one array of numbers, and its
--    revisions, all from one snapshot. Numbers are written with extra_float_digits = 3, which
--    (Postgres 12 and later) writes the shortest text that reads back as the same double: values
--    arrive bit for bit; null where a value is missing; NaN and ±Infinity as the strings Postgres
--    gives them. JSON rather than a packed bytea because gateways compress JSON (Cloudflare, in
--    front of Supabase, does not compress application/octet-stream): see the README. Format:
--      {"format": "vopa-window-1", "tracked": bool, "symbols": [
--        {"s": symbol, "rev": symbol revision (text) or null, "d": [days], "o": [open], "h": [high],
--         "l": [low], "c": [close], "v": [volume], "m": [months, as days of their 1st], "r": [month revisions (text)]}, …]}
-- 3. backtest_prices_check: the one cheap request that validates a cached window. Given the symbol
--    revisions the client holds, it answers only for the symbols whose revision moved: the new
--    revision, and md5 of the revisions of the months the range touches ('YYYY-MM=rev' joined by
--    ',' in month order), so a change outside the window's dates does not discard it.
-- 4. backtest_prices_latest_before: the latest date before a day among some symbols.
-- 5. backtest_track_revisions(table) puts the triggers on a prices table: done below for `prices`;
--    a project that renamed it (SUPABASE_PRICES_TABLE) runs it once for its own table.
-- The read functions run with the caller's rights (security invoker): they show nothing the
-- caller could not select from the table itself.

create table if not exists public.backtest_price_revisions (
  tbl     text             not null,
  symbol  text collate "C" not null,
  month   date             not null,
  rev     bigint           not null,
  primary key (tbl, symbol, month)
);

create table if not exists public.backtest_symbol_revisions (
  tbl     text             not null,
  symbol  text collate "C" not null,
  rev     bigint           not null,
  primary key (tbl, symbol)
);

create sequence if not exists public.backtest_revision_seq;
-- A database's revisions start at a random point: two projects loaded the same way never share
-- revisions, so a cache filled from one is never taken as valid for the other.
select setval('public.backtest_revision_seq', 1 + floor(random() * 4e15)::bigint)
where not exists (select 1 from public.backtest_symbol_revisions);

-- One new revision per statement, given to every month and symbol it touched.
create or replace function public.backtest_bump_revisions() returns trigger
language plpgsql security definer set search_path = public as $$
declare
  v bigint := nextval('backtest_revision_seq');
begin
  if tg_op = 'TRUNCATE' then
    update backtest_price_revisions set rev = v where tbl = tg_table_name;
    update backtest_symbol_revisions set rev = v where tbl = tg_table_name;
    return null;
  end if;
  if tg_op = 'INSERT' then
    with t as (select distinct symbol, date_trunc('month', date)::date as month from new_rows),
    m as (insert into backtest_price_revisions (tbl, symbol, month, rev) select tg_table_name, symbol, month, v from t
          on conflict (tbl, symbol, month) do update set rev = excluded.rev)
    insert into backtest_symbol_revisions (tbl, symbol, rev) select distinct tg_table_name, symbol, v from t
      on conflict (tbl, symbol) do update set rev = excluded.rev;
  elsif tg_op = 'UPDATE' then
    with t as (select symbol, date_trunc('month', date)::date as month from old_rows
               union select symbol, date_trunc('month', date)::date from new_rows),
    m as (insert into backtest_price_revisions (tbl, symbol, month, rev) select tg_table_name, symbol, month, v from t
          on conflict (tbl, symbol, month) do update set rev = excluded.rev)
    insert into backtest_symbol_revisions (tbl, symbol, rev) select distinct tg_table_name, symbol, v from t
      on conflict (tbl, symbol) do update set rev = excluded.rev;
  else
    with t as (select distinct symbol, date_trunc('month', date)::date as month from old_rows),
    m as (insert into backtest_price_revisions (tbl, symbol, month, rev) select tg_table_name, symbol, month, v from t
          on conflict (tbl, symbol, month) do update set rev = excluded.rev)
    insert into backtest_symbol_revisions (tbl, symbol, rev) select distinct tg_table_name, symbol, v from t
      on conflict (tbl, symbol) do update set rev = excluded.rev;
  end if;
  return null;
end $$;

create or replace function public.backtest_track_revisions(tbl text) returns void
language plpgsql as $$
declare
  v bigint := nextval('public.backtest_revision_seq');
begin
  execute format('drop trigger if exists backtest_revisions_insert on public.%I', tbl);
  execute format('drop trigger if exists backtest_revisions_update on public.%I', tbl);
  execute format('drop trigger if exists backtest_revisions_delete on public.%I', tbl);
  execute format('drop trigger if exists backtest_revisions_truncate on public.%I', tbl);
  execute format('create trigger backtest_revisions_insert after insert on public.%I referencing new table as new_rows
    for each statement execute function public.backtest_bump_revisions()', tbl);
  execute format('create trigger backtest_revisions_update after update on public.%I referencing old table as old_rows new table as new_rows
    for each statement execute function public.backtest_bump_revisions()', tbl);
  execute format('create trigger backtest_revisions_delete after delete on public.%I referencing old table as old_rows
    for each statement execute function public.backtest_bump_revisions()', tbl);
  execute format('create trigger backtest_revisions_truncate after truncate on public.%I
    for each statement execute function public.backtest_bump_revisions()', tbl);
  -- Rows already there get revisions (those they have are kept).
  execute format('insert into public.backtest_price_revisions (tbl, symbol, month, rev)
    select distinct %L, symbol, date_trunc(''month'', date)::date, %s from public.%I
    on conflict (tbl, symbol, month) do nothing', tbl, v, tbl);
  execute format('insert into public.backtest_symbol_revisions (tbl, symbol, rev)
    select distinct %L, symbol, %s from public.%I
    on conflict (tbl, symbol) do nothing', tbl, v, tbl);
end $$;

select public.backtest_track_revisions('prices');

-- Whether a table has the four triggers (without them its revisions say nothing).
create or replace function public.backtest_tracks_revisions(tbl text) returns boolean
language sql stable as $$
  select count(*) = 4 from pg_trigger
  where tgrelid = to_regclass(format('public.%I', tbl)) and not tgisinternal
    and tgname in ('backtest_revisions_insert', 'backtest_revisions_update', 'backtest_revisions_delete', 'backtest_revisions_truncate')
$$;

create or replace function public.backtest_prices_window(tbl text, symbols text[], date_from date, date_to date) returns json
language plpgsql stable set search_path = public set extra_float_digits = 3 as $$
declare
  answer json;
begin
  execute format($q$
    with s as (select distinct u.symbol from unnest($1::text[]) as u(symbol)),
    p as (
      select symbol, array_agg(date - date '1970-01-01' order by date) as d, array_agg(open order by date) as o,
        array_agg(high order by date) as h, array_agg(low order by date) as l, array_agg(close order by date) as c,
        array_agg(volume order by date) as v
      from public.%I where symbol = any($1) and date between $2 and $3 group by symbol),
    r as (
      select symbol, array_agg(month - date '1970-01-01' order by month) as m, array_agg(rev::text order by month) as rr
      from public.backtest_price_revisions
      where tbl = $4 and symbol = any($1) and month between date_trunc('month', $2)::date and $3 group by symbol)
    select coalesce(json_agg(json_build_object(
        's', s.symbol, 'rev', x.rev::text,
        'd', coalesce(p.d, '{}'), 'o', coalesce(p.o, '{}'), 'h', coalesce(p.h, '{}'), 'l', coalesce(p.l, '{}'),
        'c', coalesce(p.c, '{}'), 'v', coalesce(p.v, '{}'), 'm', coalesce(r.m, '{}'), 'r', coalesce(r.rr, '{}')) order by s.symbol), '[]')
    from s left join p using (symbol) left join r using (symbol)
      left join public.backtest_symbol_revisions x on x.tbl = $4 and x.symbol = s.symbol$q$, tbl)
  into answer using symbols, date_from, date_to, tbl;
  return json_build_object('format', 'vopa-window-1', 'tracked', public.backtest_tracks_revisions(tbl), 'symbols', answer);
end $$;

create or replace function public.backtest_prices_check(tbl text, symbols text[], revisions bigint[], date_from date, date_to date) returns json
language sql stable set search_path = public as $$
  with given as (select * from unnest(symbols, revisions) as g(symbol, rev)),
  moved as (
    select g.symbol, x.rev
    from given g left join public.backtest_symbol_revisions x on x.tbl = backtest_prices_check.tbl and x.symbol = g.symbol
    where x.rev is distinct from g.rev)
  select json_build_object(
    'format', 'vopa-check-1',
    'tracked', public.backtest_tracks_revisions(tbl),
    'changed', coalesce((
      select json_object_agg(m.symbol, json_build_object('rev', m.rev::text, 'months', (
        select md5(string_agg(to_char(r.month, 'YYYY-MM') || '=' || r.rev::text, ',' order by r.month))
        from public.backtest_price_revisions r
        where r.tbl = backtest_prices_check.tbl and r.symbol = m.symbol
          and r.month between date_trunc('month', date_from)::date and date_to)))
      from moved m), '{}'::json))
$$;

create or replace function public.backtest_prices_latest_before(tbl text, symbols text[], before date) returns date
language plpgsql stable set search_path = public as $$
declare
  result date;
begin
  -- One probe of the primary key (symbol, date) per symbol, not a scan of their history.
  execute format('select max(x.date) from unnest($1::text[]) as s(symbol),
      lateral (select p.date from public.%I p where p.symbol = s.symbol and p.date < $2 order by p.date desc limit 1) x', tbl)
    into result using symbols, before;
  return result;
end $$;
