-- The compact bulk read in fewer bytes again: backtest_prices_window_scaled (from
-- 20261201000000_window_scaled.sql, applied before this one) answers the same window in format
-- vopa-window-3, which writes high and low from the bar's own extremes and volumes as hexadecimal
-- digits at one width per symbol. Clients read vopa-window-2 and vopa-window-3 from this function
-- (a project with the migration before this one still reads, in more bytes); nothing else changes.
--
-- 1. Why. A bar's high is at least the greater of its open and close and its low at most the
--    lesser (Yahoo's and every exchange's bars, when the data is valid), so written from those
--    instead of from the close, high and low are small numbers with no sign to spell; and a
--    symbol's volumes written as fixed-width hexadecimal digits from the least of them need no
--    separator and no decimal digit that carries less than its 3.3 bits. Measured with brotli at
--    Envoy's quality 3 (README, "Scaled integers"): on the bench's data 12.1 → 11.0 bytes a row;
--    on the real S&P 500 slice of the tests 11.4 → 10.1, where arrays of doubles take 13.2. The
--    server's time for a call grows 15 to 20 % (the README's performance table has both). The
--    values the client decodes are the same, to the bit.
-- 2. What stays as in vopa-window-2 (20261201000000_window_scaled.sql, whose notes 2 and 4 hold
--    unchanged): dates, the exactness of every integer (k / 10000 the stored double bit for bit,
--    |price| < 4.5e11, else the symbol's four prices go as doubles), close and open, the revisions.
-- 3. Format:
--      {"format": "vopa-window-3", "tracked": bool, "symbols": [
--        {"s": symbol, "rev": symbol revision (text) or null, "d": [days since 1970-01-01],
--         "p": true → "c": [close k minus the previous row's close k, or minus 0 on the first row
--                             and after a missing close],
--                     "o": [open k minus the same row's close k, or minus 0 where it is missing],
--                     "h": [high k minus the greater of the row's open k and close k (the one
--                           there is, where one is missing; 0 where both are)],
--                     "l": [the lesser of the row's open k and close k (likewise) minus low k];
--              false → "o", "h", "l", "c": doubles, as vopa-window-1,
--         "q": true → "v": one string of vw characters a row: the row's volume minus vm in
--                          lowercase hexadecimal, zero-padded to vw digits, or vw "-" where it is
--                          missing; "vm": the least volume (null when every volume is missing),
--                          "vw": the digits of the greatest volume minus the least (1 when every
--                          volume is missing);
--              false → "v": doubles, "vm" and "vw" null,
--         "m": [months, as days of their 1st], "r": [month revisions (text)]}, …]}
--    Volumes go as integers ("q") when every volume is an integer of magnitude below 2^53 (as in
--    vopa-window-2) and the greatest minus the least is below 2^53, so that the client adds two
--    safe integers to a safe integer; it checks each digit, each width and each sum.
--    Negative and zero volumes are integers like any other (vm is then ≤ 0). Bigint arithmetic
--    here cannot overflow: |volume k| < 2^53, so a difference of two is below 2^54.
-- 4. High and low need the row's open and close k: greatest and least leave a null out (Postgres
--    docs, 9.18.4), so a row missing its open is written from its close and one missing both from
--    0, and the client does the same. |k| < 4.5e15 for every price, so every difference stays
--    below 2^53, as in vopa-window-2.
-- 5. The volumes' string is written from the symbol's array of volumes once its least and greatest
--    are known, in the array's order by its ordinality (docs, 7.2.1.4: WITH ORDINALITY numbers a
--    function's rows from 1), an ORDER BY the aggregate is documented to follow; that array is in
--    date order with the others (note 4 of the migration before). The client cannot see a
--    volume out of place, so that order is asked for, not assumed (it costs about 4 % of a call).

create or replace function public.backtest_prices_window_scaled(tbl text, symbols text[], date_from date, date_to date) returns json
language plpgsql stable set search_path = public set extra_float_digits = 3 set max_parallel_workers_per_gather = 0 as $$
declare
  answer json;
begin
  execute format($q$
    with s as (select distinct u.symbol from unnest($1::text[]) as u(symbol)),
    p as (
      select s.symbol, a.*, coalesce(length(to_hex(a.vr)), 1) as vw from s cross join lateral (
        select array_agg(y.day) as d, coalesce(bool_and(y.px), true) as px, coalesce(bool_and(y.vx), true) and coalesce(max(y.kv) - min(y.kv) < 9007199254740992, true) as vx,
          array_agg(y.ko - y.kr) as io, array_agg(y.kh - coalesce(greatest(y.ko, y.kc), 0)) as ih,
          array_agg(coalesce(least(y.ko, y.kc), 0) - y.kl) as il, min(y.kv) as vm, max(y.kv) - min(y.kv) as vr,
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
        'v', case when p.vx then to_json(coalesce((select string_agg(coalesce(lpad(to_hex(u.v - p.vm), p.vw, '0'), repeat('-', p.vw)), '' order by u.i)
                                              from unnest(p.iv) with ordinality u(v, i)), ''))
               else to_json(coalesce(p.v, '{}')) end,
        'vm', case when p.vx then p.vm end, 'vw', case when p.vx then p.vw end,
        'm', coalesce(r.m, '{}'), 'r', coalesce(r.rr, '{}')) order by p.symbol), '[]')
    from p left join r using (symbol)
      left join public.backtest_symbol_revisions x on x.tbl = $4 and x.symbol = p.symbol$q$, tbl)
  into answer using symbols, date_from, date_to, tbl;
  return json_build_object('format', 'vopa-window-3', 'tracked', public.backtest_tracks_revisions(tbl), 'symbols', answer);
end $$;
