-- The universe read in one request and validated with the cached window (needs
-- 20250103000000_compact_reads.sql). Nothing here changes the data contract; without this
-- migration a backtest still runs, reading the universe in keyset pages and not caching it.
--
-- 1. backtest_universe_fingerprint: sha256 (hex) of the universe rows of seasons
--    season_from … season_to, each row as its JSON (row_to_json: every column, whatever the
--    table has — start_date, end_date, peer_group, name, shares_outstanding …), one a line, in
--    (season, symbol) order. Computed in the database from the rows themselves: any row added,
--    removed or changed in any column, and any column added or dropped, changes it; no trigger
--    is needed, and nothing a trigger could miss goes unseen.
-- 2. backtest_universe_rows: those rows in one answer (a scalar JSON, so the server's row cap,
--    1,000 on Supabase, does not page it) with their fingerprint, from one snapshot:
--      {"format": "vopa-universe-1", "fingerprint": hex, "rows": [row, …]}
-- 3. backtest_window_check: the one request that validates a cached window and the cached
--    universe it was chosen from: the answer of backtest_prices_check (which symbols' prices
--    moved) and the universe's fingerprint now, with its rows when it differs from the one the
--    client holds (so a changed universe costs no request more):
--      {"format": "vopa-check-2", "tracked": bool, "changed": {…as vopa-check-1…},
--       "universe": {"fingerprint": hex, "rows": null | [row, …]}}
-- The functions run with the caller's rights (security invoker) and only read. Idempotent.

create or replace function public.backtest_universe_fingerprint(tbl text, season_from integer, season_to integer) returns text
language plpgsql stable set search_path = public set extra_float_digits = 3 as $$
declare
  result text;
begin
  execute format($q$
    select encode(sha256(convert_to(coalesce(string_agg(row_to_json(u)::text, E'\n' order by u.season, u.symbol), ''), 'UTF8')), 'hex')
    from public.%I u where u.season between $1 and $2$q$, tbl)
  into result using season_from, season_to;
  return result;
end $$;

create or replace function public.backtest_universe_rows(tbl text, season_from integer, season_to integer) returns json
language plpgsql stable set search_path = public set extra_float_digits = 3 as $$
declare
  result json;
begin
  execute format($q$
    select coalesce(json_agg(row_to_json(u) order by u.season, u.symbol), '[]'::json)
    from public.%I u where u.season between $1 and $2$q$, tbl)
  into result using season_from, season_to;
  return json_build_object('format', 'vopa-universe-1', 'fingerprint', public.backtest_universe_fingerprint(tbl, season_from, season_to), 'rows', result);
end $$;

create or replace function public.backtest_window_check(tbl text, symbols text[], revisions bigint[], date_from date, date_to date,
  universe_tbl text, season_from integer, season_to integer, universe_fingerprint text) returns json
language plpgsql stable set search_path = public as $$
declare
  prices json := public.backtest_prices_check(tbl, symbols, revisions, date_from, date_to);
  now text := public.backtest_universe_fingerprint(universe_tbl, season_from, season_to);
begin
  return json_build_object(
    'format', 'vopa-check-2',
    'tracked', prices -> 'tracked',
    'changed', prices -> 'changed',
    'universe', json_build_object('fingerprint', now, 'rows',
      case when now is distinct from universe_fingerprint then public.backtest_universe_rows(universe_tbl, season_from, season_to) -> 'rows' end));
end $$;
