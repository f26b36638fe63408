-- The compact bulk read in fewer bytes: backtest_prices_window_scaled answers the same window as
-- backtest_prices_window (20250103000000_compact_reads.sql and 20261130000000_window_one_sort.sql,
-- applied before this one), in format vopa-window-2, which writes prices as scaled integers where
-- that gives every value back bit for bit. Clients call it first and fall back to
-- backtest_prices_window when it is missing; nothing else changes.
--
-- 1. Why. Prices are mostly decimals with few places (a close of 45.08), but a double's shortest
--    text still spells every digit of every value: the JSON arrays of vopa-window-1 compress to
--    about 16.5 bytes a row on the bench's data (brotli at Envoy's quality 3). As integers in units
--    of 10⁻⁴, each close written as its change from the day before and open, high and low as their
--    distance from the same day's close, the numbers are short and their digits repeat: about 12.1
--    bytes a row (the README, "Scaled integers", and its performance table have the measurements).
--    Supabase meters egress, so this is what a user pays for; the server spends more time on a call
--    (on the bench's call of 40 symbols × 2,520 days, about twice the one-sort body's on Postgres 15).
-- 2. Exact or not at all. For each symbol the function checks that every price it writes as an
--    integer k comes back bit for bit as the division k / 10000 in double precision, the division
--    the client does (IEEE 754 division is correctly rounded, in Postgres' C as in JavaScript):
--    k / 10000 = price (float8 equality, which for numbers other than NaN holds only between the
--    same double or between 0 and -0) and, for a zero, its eight bytes those of +0 (float8send), so
--    -0 never passes. k is computed for |price| < 4.5e11 (|k| < 4.5e15, so k, a change of k and a
--    distance between two k stay below 2^53 and every JavaScript number on the way is an exact
--    integer); for NaN, ±Infinity or a larger price k is 0, which cannot pass. One price that does
--    not pass (adjusted prices, float32 leftovers, a fifth decimal, NaN, a price of 450 billion)
--    and the symbol's four price fields go as in vopa-window-1, doubles; volumes likewise, as
--    integers when every volume is one below 2^53, else doubles. A missing value (null) is null
--    either way, and passes (bool_and leaves nulls out).
-- 3. Format:
--      {"format": "vopa-window-2", "tracked": bool, "symbols": [
--        {"s": symbol, "rev": symbol revision (text) or null, "d": [days since 1970-01-01],
--         "p": true → "c": [close k minus the previous row's close k, or minus 0 on the first row
--                             and after a missing close],
--                     "o", "h", "l": [k minus the same row's close k, or minus 0 where it is missing];
--              false → "o", "h", "l", "c": doubles, as vopa-window-1,
--         "q": true → "v": [integers], false → "v": doubles,
--         "m": [months, as days of their 1st], "r": [month revisions (text)]}, …]}
--    Dates stay absolute: the client checks that they increase, so an answer whose rows came out of
--    order is refused, as for vopa-window-1 (the changes of close are computed in date order by the
--    window function; rows reordered after it would show as dates out of order).
-- 4. The rows of a symbol are gathered as in the one-sort body (20261130000000_window_one_sort.sql,
--    which says why the arrays stay aligned and in date order): an aggregate per field over a
--    subquery that selects the symbol's rows in date order, here through the window that takes
--    each row's previous close. The same on every Postgres version. The answer is built from those
--    rows alone (the lateral aggregate gives one row per symbol asked, with rows or not), not joined
--    back to the symbols: on Postgres 15 (work_mem 4 MB) that join was planned as a nested loop over
--    the rows' arrays materialized, spilled to disk and read again for every symbol (a call of 300
--    symbols × 2,520 days took 5.8 s instead of 1.6 s on the bench's data; 40 × 2,520 days, 275
--    instead of 205 ms).

create or replace function public.backtest_prices_window_scaled(tbl text, symbols text[], date_from date, date_to date) returns json
language plpgsql stable set search_path = public set extra_float_digits = 3 set max_parallel_workers_per_gather = 0 as $$
declare
  answer json;
begin
  execute format($q$
    with s as (select distinct u.symbol from unnest($1::text[]) as u(symbol)),
    p as (
      select s.symbol, a.* from s cross join lateral (
        select array_agg(y.day) as d, coalesce(bool_and(y.px), true) as px, coalesce(bool_and(y.vx), true) as vx,
          array_agg(y.ko - y.kr) as io, array_agg(y.kh - y.kr) as ih, array_agg(y.kl - y.kr) as il,
          array_agg(y.kc - y.kp) as ic, array_agg(y.kv) as iv,
          array_agg(y.open) as o, array_agg(y.high) as h, array_agg(y.low) as l, array_agg(y.close) as c, array_agg(y.volume) as v
        from (
          select x.*, coalesce(x.kc, 0) as kr, coalesce(lag(x.kc) over w, 0) as kp,
            x.ko / 10000::float8 = x.open and (x.open <> 0 or float8send(x.open) = float8send(0::float8))
              and x.kh / 10000::float8 = x.high and (x.high <> 0 or float8send(x.high) = float8send(0::float8))
              and x.kl / 10000::float8 = x.low and (x.low <> 0 or float8send(x.low) = float8send(0::float8))
              and x.kc / 10000::float8 = x.close and (x.close <> 0 or float8send(x.close) = float8send(0::float8)) as px,
            x.kv::float8 = x.volume and (x.volume <> 0 or float8send(x.volume) = float8send(0::float8)) as vx
          from (
            select q.date, q.date - date '1970-01-01' as day, q.open, q.high, q.low, q.close, q.volume,
              case when q.open is null then null when abs(q.open) < 4.5e11 then round(q.open * 10000)::bigint else 0 end as ko,
              case when q.high is null then null when abs(q.high) < 4.5e11 then round(q.high * 10000)::bigint else 0 end as kh,
              case when q.low is null then null when abs(q.low) < 4.5e11 then round(q.low * 10000)::bigint else 0 end as kl,
              case when q.close is null then null when abs(q.close) < 4.5e11 then round(q.close * 10000)::bigint else 0 end as kc,
              case when q.volume is null then null when abs(q.volume) < 9007199254740992 then round(q.volume)::bigint else 0 end as kv
            from public.%I q where q.symbol = s.symbol and q.date between $2 and $3) x
          window w as (order by x.date)
          order by x.date) y) a),
    r as (
      select symbol, array_agg(month - date '1970-01-01' order by month) as m, array_agg(rev::text order by month) as rr
      from public.backtest_price_revisions
      where tbl = $4 and symbol = any($1) and month between date_trunc('month', $2)::date and $3 group by symbol)
    select coalesce(json_agg(json_build_object(
        's', p.symbol, 'rev', x.rev::text, 'd', coalesce(p.d, '{}'), 'p', p.px, 'q', p.vx,
        'o', case when p.px then to_json(coalesce(p.io, '{}')) else to_json(coalesce(p.o, '{}')) end,
        'h', case when p.px then to_json(coalesce(p.ih, '{}')) else to_json(coalesce(p.h, '{}')) end,
        'l', case when p.px then to_json(coalesce(p.il, '{}')) else to_json(coalesce(p.l, '{}')) end,
        'c', case when p.px then to_json(coalesce(p.ic, '{}')) else to_json(coalesce(p.c, '{}')) end,
        'v', case when p.vx then to_json(coalesce(p.iv, '{}')) else to_json(coalesce(p.v, '{}')) end,
        'm', coalesce(r.m, '{}'), 'r', coalesce(r.rr, '{}')) order by p.symbol), '[]')
    from p left join r using (symbol)
      left join public.backtest_symbol_revisions x on x.tbl = $4 and x.symbol = p.symbol$q$, tbl)
  into answer using symbols, date_from, date_to, tbl;
  return json_build_object('format', 'vopa-window-2', 'tracked', public.backtest_tracks_revisions(tbl), 'symbols', answer);
end $$;
