import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DATA_DIR } from '../../src/config/run-config.ts';
import { fingerprintPanel } from '../../src/panel/fingerprint.ts';
import { LocalSource } from '../../src/source/local/local-source.ts';
import { RowOrder } from '../../src/source/supabase/paginate.ts';
import { SupabaseSource, type SupabaseSourceOptions } from '../../src/source/supabase/supabase-source.ts';
import { loadSupabaseSettings, SupabaseRest } from '../../src/supabase/index.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { clientFor, sampleServer, serverEnv, type PostgrestServer } from '../support/postgrest/index.ts';

const day = (s: string) => parseIsoDate(s)!;

/**
 * The Supabase source must build the very panel the local source builds from the same data, by
 * the compact bulk read (the migration applied) and by keyset pages (the fallback) alike.
 */
describe.each(['compact', 'keyset'] as const)('SupabaseSource on the sample market, read %s', (mode) => {
  const source = (r: SupabaseRest, options: SupabaseSourceOptions = {}) => new SupabaseSource(r, { read: mode === 'keyset' ? 'keyset' : 'auto', ...options });
  let server: PostgrestServer;
  let local: LocalSource;
  let rest: SupabaseRest | undefined;

  beforeAll(async () => {
    server = await sampleServer();
    local = new LocalSource(SAMPLE_DATA_DIR);
  });
  afterEach(async () => {
    await rest?.close();
    rest = undefined;
    server.reset();
  });
  afterAll(async () => {
    await local.close();
    await server?.close();
  });

  const both = async (request: { season: number; startDay: number; endDay: number; warmupBars: number; shared?: boolean }, maxRows: number | null = 1000) => {
    server.maxRows = maxRows;
    rest = clientFor(server, 8);
    const remote = await source(rest).loadWindow(request);
    const mine = await local.loadWindow(request);
    expect(remote.info.read).toBe(mode);
    return { remote, mine };
  };

  it('reads the README window into the same panel as the local source (same fingerprint)', async () => {
    const { remote, mine } = await both({ season: 2025, startDay: day('2025-10-07'), endDay: day('2026-01-03'), warmupBars: 1, shared: true });
    // Asked for shared memory (a run whose variants go to threads), both sources give it.
    for (const panel of [remote.panel, mine.panel]) {
      for (const column of [panel.close, panel.open, panel.groupOf]) expect(column.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    expect(remote.panel.symbols).toEqual(mine.panel.symbols);
    expect(remote.panel.dates).toEqual(mine.panel.dates);
    expect(fingerprintPanel(remote.panel)).toBe(fingerprintPanel(mine.panel));
    expect(remote.info.rows).toBe(mine.info.rows);
  });

  it('finds a long warm-up exactly as the local source does, reading more history when the estimate falls short', async () => {
    // 200 bars before start: more than the first calendar estimate covers around year ends.
    const { remote, mine } = await both({ season: 2025, startDay: day('2025-03-03'), endDay: day('2025-06-30'), warmupBars: 200 });
    expect(remote.panel.dates[0]).toBe(mine.panel.dates[0]);
    expect(fingerprintPanel(remote.panel)).toBe(fingerprintPanel(mine.panel));
    await rest!.close();
    // A 3-month hole in the history: the calendar estimate falls short and more is read.
    await server.db.exec(`create temp table hole as select * from prices where date between '2024-10-01' and '2024-12-31'; delete from prices where date between '2024-10-01' and '2024-12-31'`);
    try {
      server.maxRows = 1000;
      rest = clientFor(server, 8);
      const holed = await source(rest).loadWindow({ season: 2025, startDay: day('2025-03-03'), endDay: day('2025-06-30'), warmupBars: 200 });
      const { rows } = await server.db.query<{ first: string }>(`select min(date)::text as first from (select distinct date from prices where date < '2025-03-03'
        and symbol in (select symbol from universe where season = 2025) order by date desc limit 200) d`);
      expect(holed.panel.dates[0]).toBe(rows[0]!.first);
      expect(holed.panel.dates[0]! < '2024-10-01').toBe(true);
    } finally {
      await server.db.exec(`insert into prices select * from hole; drop table hole`);
      await rest!.close();
    }
    // The data begin (2023-01-02) after the warm-up would: it starts at the data.
    const early = await both({ season: 2023, startDay: day('2023-01-10'), endDay: day('2023-01-31'), warmupBars: 64 });
    expect(early.remote.panel.dates[0]).toBe('2023-01-02');
    expect(fingerprintPanel(early.remote.panel)).toBe(fingerprintPanel(early.mine.panel));
  });

  it('N+1: 300 symbols × 1 year in ceil(rows ÷ cap) + a small constant requests (keyset), in ceil(rows ÷ rows per call) calls (compact)', async () => {
    // Season 2099 holds every symbol of the data: 300 columns.
    await server.db.exec(`insert into universe select 2099, symbol, 'g', null from (select distinct symbol from prices) s`);
    try {
      server.maxRows = 1000;
      rest = clientFor(server, 8);
      const { panel, info } = await source(rest).loadWindow({ season: 2099, startDay: day('2025-01-02'), endDay: day('2025-12-31'), warmupBars: 1 });
      expect(panel.symbols).toHaveLength(300);
      // A second, obvious count of the same rows, straight from Postgres.
      const { rows } = await server.db.query<{ n: number }>(`select count(*)::int as n from prices where date between $1 and '2025-12-31'`, [panel.dates[0]]);
      expect(info.rows).toBe(rows[0]!.n);
      const requests = server.stats.requests;
      expect(requests).toBe(rest.snapshot().requests);
      if (mode === 'keyset') {
        // universe (1) + one page per 1,000 rows per partition + at most one short page per partition (8).
        expect(requests).toBeLessThanOrEqual(Math.ceil(info.rows / 1000) + 1 + 8);
        expect(info.row_cap).toBe(1000);
      } else {
        // Calls are sized from the window: 2024-12-21 (start less 12 calendar days for a 1-bar warm-up) … 2025-12-31 is
        // 376 days, ≈ ⌈376 × 5 / 7⌉ = 269 trading days × 300 symbols = 80,700 rows: one call of ≤ 100,000 rows would do,
        // but a window of ≥ 20,000 rows a call is shared out over the connections: ⌊80,700 ÷ 20,000⌋ = 4 calls, after one
        // for no symbols that says which function answers (the scaled one).
        expect(info.calls).toBe(1 + 4);
        expect(requests).toBe(1 + 1 + 4); // and the universe; no row cap applies
        expect(info.requests).toBe(requests);
        expect(info.row_cap).toBe(null);
      }
    } finally {
      await server.db.exec(`delete from universe where season = 2099`);
    }
  });

  it('detects a lower cap, halves pages on a statement timeout, and loses no row at page boundaries', async () => {
    if (mode === 'compact') return; // the compact read's statement timeouts: test/supabase/compact.test.ts
    const request = { season: 2025, startDay: day('2025-10-07'), endDay: day('2026-01-03'), warmupBars: 1 };
    const capped = await both(request, 700);
    expect(capped.remote.info.row_cap).toBe(700);
    expect(fingerprintPanel(capped.remote.panel)).toBe(fingerprintPanel(capped.mine.panel));
    await rest!.close();
    server.faults.statementTimeoutRows = 600; // a page of more than 600 rows times out
    const halved = await both(request, null);
    expect(fingerprintPanel(halved.remote.panel)).toBe(fingerprintPanel(halved.mine.panel));
    expect(rest!.snapshot().failures).toBe(0);
    expect(rest!.snapshot().retries).toBe(0); // 57014 is never retried as such: the page shrinks
  });

  it('stops its progress bar when a read fails (a bar left running keeps the process alive on a terminal)', async () => {
    rest = SupabaseRest.open(loadSupabaseSettings({ ...serverEnv(server), SUPABASE_PRICES_TABLE: 'no_prices' }, { connections: 2 }));
    const bars: { label: string; stopped: number }[] = [];
    const progress = (label: string) => {
      const bar = { label, stopped: 0 };
      bars.push(bar);
      return Object.assign(() => {}, { stop: () => { bar.stopped++; } });
    };
    const err = await source(rest, { progress }).loadWindow({ season: 2025, startDay: day('2025-10-07'), endDay: day('2026-01-03'), warmupBars: 1 }).catch((e) => e);
    // Keyset: PostgREST has no such table; compact: the function's query finds no such relation.
    expect(err).toMatchObject({ status: 404, pgCode: mode === 'keyset' ? 'PGRST205' : '42P01' });
    expect(bars).toEqual([{ label: `prices ${new URL(server.url).host}`, stopped: 1 }]);
  });

  it('keyset pages bound the index scan at the last symbol read (symbol=gte), or each page would scan the partition from its start', async () => {
    if (mode === 'compact') return;
    const urls: string[] = [];
    server.faults.applies = (req) => {
      if (req.url?.includes('/prices?')) urls.push(decodeURIComponent(req.url));
      return false;
    };
    await both({ season: 2025, startDay: day('2025-10-07'), endDay: day('2026-01-03'), warmupBars: 1 }, 500);
    const later = urls.filter((u) => u.includes('or=('));
    expect(later.length).toBeGreaterThan(10);
    for (const u of later) {
      const last = /or=\(symbol\.gt\."([^"]+)"/.exec(u)?.[1];
      expect(u, u).toContain(`symbol=gte.${last}&`);
    }
  });

  it('lists the seasons that exist when one has none', async () => {
    rest = clientFor(server, 2);
    const err = await source(rest).loadWindow({ season: 2031, startDay: day('2031-01-02'), endDay: day('2031-02-01'), warmupBars: 1 }).catch((e) => e);
    expect(err.message).toMatch(/season 2031 has no universe rows in universe at 127\.0\.0\.1:\d+; seasons that exist: 2023, 2024, 2025, 2026/);
  });

  it('reads symbols that Postgres orders otherwise than JavaScript does (collate "C": UTF-8 bytes, not UTF-16 units)', async () => {
    const { rows: collations } = await server.db.query<{ table_name: string; collation_name: string }>(
      `select table_name, collation_name from information_schema.columns where column_name = 'symbol' and table_name in ('prices', 'universe') order by table_name`,
    );
    expect(collations).toEqual([{ table_name: 'prices', collation_name: 'C' }, { table_name: 'universe', collation_name: 'C' }]);
    // 'Ａ' (U+FF21) comes before '😀' (U+1F600) in UTF-8 bytes, after it in UTF-16 code units.
    await server.db.exec(`insert into universe values (2098, 'Ａ', 'g', null), (2098, '😀', 'g', null);
      insert into prices select s, d::date, 1, 1, 1, 1, 1 from unnest(array['Ａ', '😀']) s, generate_series('2025-01-02'::date, '2025-03-31'::date, '1 day') d where extract(isodow from d) < 6`);
    try {
      server.maxRows = 30; // several pages, one of them across the two symbols
      rest = clientFor(server, 1); // one partition: both symbols in one keyset read
      const { panel, info } = await source(rest).loadWindow({ season: 2098, startDay: day('2025-02-03'), endDay: day('2025-03-31'), warmupBars: 5 });
      expect([...panel.symbols].sort()).toEqual(['Ａ', '😀'].sort());
      const { rows } = await server.db.query<{ n: number }>(`select count(*)::int as n from prices where symbol in ('Ａ', '😀') and date between $1 and '2025-03-31'`, [panel.dates[0]]);
      expect(info.rows).toBe(rows[0]!.n);
    } finally {
      await server.db.exec(`delete from prices where symbol in ('Ａ', '😀'); delete from universe where season = 2098`);
    }
  });
});

describe('RowOrder', () => {
  it('takes any order of symbols, refuses a date that does not increase and a symbol that comes back', () => {
    const order = new RowOrder();
    expect(['b 2025-01-02', 'b 2025-01-03', 'a 2025-01-02', 'c 2025-01-01'].every((r) => order.accept(r.split(' ')[0]!, r.split(' ')[1]!))).toBe(true);
    expect(order.accept('c', '2025-01-01')).toBe(false);
    expect(order.accept('b', '2025-01-04')).toBe(false);
  });
});
