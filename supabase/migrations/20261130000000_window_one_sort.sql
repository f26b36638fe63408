-- The compact bulk read sorts once, on Postgres 15 too. backtest_prices_window (from
-- 20250103000000_compact_reads.sql, applied before this one) answers as before, format
-- vopa-window-1, the same JSON text for the same rows: clients and caches are unchanged. Only how
-- Postgres builds the answer changes.
--
-- 1. Why. The answer gathers each symbol's rows into six arrays (days, open, high, low, close,
--    volume), each in date order. Written as six `array_agg(x order by date)`, Postgres 16 and
--    later sort a symbol's rows once for all six (the planner sorts the input when aggregates
--    share an ORDER BY: commit 1349d27, "Improve performance of ORDER BY / DISTINCT aggregates"), but Postgres 15 — Debian 12's, and
--    what many Supabase projects still run — sorts each aggregate's input on its own, six sorts
--    per symbol. Measured on Postgres 15.18, the bench's data (3,000 symbols × 2,520 days), a call
--    of the size the client sends (40 symbols × 2,520 days, 100,800 rows): 187 ms of the server's
--    CPU with six sorts, 126 ms with the one-sort body below (median of 21 alternating calls; the
--    same answer, byte for byte). The README (One sort below Postgres 16) has the alternatives measured.
-- 2. backtest_prices_window_ordered: the six ORDER BY aggregates, as before. Their order is what
--    the SQL standard and Postgres document (docs, 4.2.7 Aggregate Expressions: an aggregate's
--    ORDER BY orders its input). Used on Postgres 16 and later, where it sorts once.
-- 3. backtest_prices_window_one_sort: for each symbol, six plain `array_agg` over a subquery that
--    selects that symbol's rows `order by date` (an index scan of the primary key (symbol, date),
--    no sort at all; a Sort if the planner prefers another scan). Used below Postgres 16.
--    - The six arrays stay aligned: they are aggregates of one Agg node, and the executor advances
--      all of a node's aggregates on each input tuple before it fetches the next (nodeAgg.c:
--      "foreach input_tuple do transvalue = transfunc(transvalue, input_value(s))";
--      advance_aggregates evaluates every aggregate's transition for the one tuple in hand), and
--      array_agg is not strict: a null is kept, as null, so no array skips a row the others take.
--      The k-th element of every array comes from the same row.
--    - The order: the documentation does not promise it (9.21 Aggregate Functions, pointing to
--      4.2.7 for the ORDER BY form: "supplying the input values from a sorted subquery will usually
--      work", and it warns that more processing at the aggregate's level, such as a join, can
--      reorder the subquery's output before the aggregate is computed). Here the aggregate's
--      level has nothing but the aggregate over the subquery (the join to the symbols is a level
--      above it, a lateral call per symbol); a subquery with ORDER BY is never merged into its parent (prepjointree.c,
--      is_simple_subquery: a sortClause keeps it a subquery), so the Agg node reads the subquery's
--      rows as its Sort or index scan gives them; there is no partial aggregation (array_agg has no
--      combine function before Postgres 16, and the function sets max_parallel_workers_per_gather
--      = 0 besides), so no two halves of a symbol's rows are combined in an arbitrary order. That is
--      the executor's behaviour, not a documented promise: so the client checks every answer (each
--      symbol's dates strictly increasing, its arrays as long as its dates) and refuses one that is
--      not, naming this migration (src/source/supabase/compact-format.ts), never reorders.
-- 4. backtest_prices_window chooses by server_version_num (160000 = Postgres 16.0). Both bodies
--    answer the same; tests call both on PGlite (Postgres 16 or later) and compare the text.

-- The two bodies share everything but how p gathers a symbol's rows: one function builds the answer,
-- and the two named bodies call it (the names are what the dispatcher, doctor and the tests see).
create or replace function public.backtest_prices_window_answer(tbl text, symbols text[], date_from date, date_to date, one_sort boolean) returns json
language plpgsql stable set search_path = public set extra_float_digits = 3 as $$
declare
  answer json;
  p text;
begin
  if one_sort then
    p := format($p$
      select s.symbol, a.d, a.o, a.h, a.l, a.c, a.v
      from s cross join lateral (
        select array_agg(date - date '1970-01-01') as d, array_agg(open) as o, array_agg(high) as h,
          array_agg(low) as l, array_agg(close) as c, array_agg(volume) as v
        from (select q.date, q.open, q.high, q.low, q.close, q.volume from public.%I q
              where q.symbol = s.symbol and q.date between $2 and $3 order by q.date) y) a$p$, tbl);
  else
    p := format($p$
      select symbol, array_agg(date - date '1970-01-01' order by date) as d, array_agg(open order by date) as o,
        array_agg(high order by date) as h, array_agg(low order by date) as l, array_agg(close order by date) as c,
        array_agg(volume order by date) as v
      from public.%I where symbol = any($1) and date between $2 and $3 group by symbol$p$, tbl);
  end if;
  execute format($q$
    with s as (select distinct u.symbol from unnest($1::text[]) as u(symbol)),
    p as (%s),
    r as (
      select symbol, array_agg(month - date '1970-01-01' order by month) as m, array_agg(rev::text order by month) as rr
      from public.backtest_price_revisions
      where tbl = $4 and symbol = any($1) and month between date_trunc('month', $2)::date and $3 group by symbol)
    select coalesce(json_agg(json_build_object(
        's', s.symbol, 'rev', x.rev::text,
        'd', coalesce(p.d, '{}'), 'o', coalesce(p.o, '{}'), 'h', coalesce(p.h, '{}'), 'l', coalesce(p.l, '{}'),
        'c', coalesce(p.c, '{}'), 'v', coalesce(p.v, '{}'), 'm', coalesce(r.m, '{}'), 'r', coalesce(r.rr, '{}')) order by s.symbol), '[]')
    from s left join p using (symbol) left join r using (symbol)
      left join public.backtest_symbol_revisions x on x.tbl = $4 and x.symbol = s.symbol$q$, p)
  into answer using symbols, date_from, date_to, tbl;
  return json_build_object('format', 'vopa-window-1', 'tracked', public.backtest_tracks_revisions(tbl), 'symbols', answer);
end $$;

create or replace function public.backtest_prices_window_ordered(tbl text, symbols text[], date_from date, date_to date) returns json
language plpgsql stable set search_path = public as $$
begin
  return public.backtest_prices_window_answer(tbl, symbols, date_from, date_to, false);
end $$;

-- No parallel plan inside (a setting of the function holds for what it calls).
create or replace function public.backtest_prices_window_one_sort(tbl text, symbols text[], date_from date, date_to date) returns json
language plpgsql stable set search_path = public set max_parallel_workers_per_gather = 0 as $$
begin
  return public.backtest_prices_window_answer(tbl, symbols, date_from, date_to, true);
end $$;

create or replace function public.backtest_prices_window(tbl text, symbols text[], date_from date, date_to date) returns json
language plpgsql stable set search_path = public as $$
begin
  if current_setting('server_version_num')::int >= 160000 then
    return public.backtest_prices_window_ordered(tbl, symbols, date_from, date_to);
  end if;
  return public.backtest_prices_window_one_sort(tbl, symbols, date_from, date_to);
end $$;
