import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WindowCache } from '../../src/cache/index.ts';
import { fingerprintPanel } from '../../src/panel/fingerprint.ts';
import type { Panel } from '../../src/panel/panel.ts';
import type { WindowRequest } from '../../src/source/index.ts';
import { CompactShapeError } from '../../src/source/supabase/compact-format.ts';
import { SupabaseSource } from '../../src/source/supabase/supabase-source.ts';
import { runDoctor } from '../../src/supabase/doctor.ts';
import { loadSupabaseSettings, type SupabaseRest } from '../../src/supabase/index.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { tempDir } from '../support/cli.ts';
import { openDatabase } from '../support/postgrest/database.ts';
import { clientFor, sampleServer, serverEnv, startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';

const day = (s: string) => parseIsoDate(s)!;
const MIGRATION = readFileSync(new URL('../../supabase/migrations/20261129000000_universe_check.sql', import.meta.url), 'utf8');
const DROP = `drop function backtest_window_check(text, text[], bigint[], date, date, text, integer, integer, text);
  drop function backtest_universe_rows(text, integer, integer);`;

/** A source's read through the cache of `root` (a fresh client, as a new process has). */
function reader(serverOf: () => PostgrestServer) {
  let rest: SupabaseRest | undefined;
  const read = async (root: string | undefined, request: WindowRequest, warnings: string[] = []) => {
    await rest?.close();
    rest = clientFor(serverOf(), 8);
    const cache = root ? WindowCache.open({ root, env: {} }) ?? 'unwritable' : 'off';
    const { panel, info } = await new SupabaseSource(rest, { cache, warn: (w) => warnings.push(w) }).loadWindow(request);
    return { panel, info, cache: info.cache as { status: string; symbols_read: number }, fingerprint: fingerprintPanel(panel), requests: rest.snapshot().requests };
  };
  return { read, close: async () => { await rest?.close(); rest = undefined; } };
}

/** What a panel says about its universe: members, their names, peer groups and days of membership. */
function universeOf(panel: Panel) {
  return { symbols: panel.symbols, names: panel.names, groups: panel.symbols.map((_, i) => panel.groups[panel.groupOf[i]!]), member: [...panel.member] };
}

describe('the universe cached with the window, validated in the same request', () => {
  let server: PostgrestServer;
  const { read, close } = reader(() => server);
  const README: WindowRequest = { season: 2025, startDay: day('2025-10-07'), endDay: day('2026-01-03'), warmupBars: 65 };
  const ROLLING: WindowRequest = { season: 2025, universe: 'rolling', startDay: day('2025-10-07'), endDay: day('2025-12-31'), warmupBars: 5 };

  beforeAll(async () => {
    server = await sampleServer({ from: '2025-06-01', to: '2026-01-31' });
  });
  afterEach(async () => {
    await close();
    server.reset();
  });
  afterAll(async () => server?.close());

  it('every kind of universe change is seen by the one check, which brings the new rows: the panel is a fresh read\'s', async () => {
    const members = (await server.db.query<{ symbol: string }>(`select symbol from universe where season = 2025 order by symbol limit 3`)).rows.map((r) => r.symbol);
    const newcomer = (await server.db.query<{ symbol: string }>(`select symbol from universe where season = 2026 except select symbol from universe where season = 2025 order by 1 limit 1`)).rows[0]!.symbol;
    const [a, b, c] = members as [string, string, string];
    const changes: { what: string; request: WindowRequest; change: string; undo: string; reads: number }[] = [
      { what: 'a member added', request: README, reads: 1,
        change: `insert into universe select 2025, symbol, peer_group, name from universe where season = 2026 and symbol = '${newcomer}'`,
        undo: `delete from universe where season = 2025 and symbol = '${newcomer}'` },
      { what: 'a member removed', request: README, reads: 0,
        change: `create table gone as select * from universe where season = 2025 and symbol = '${a}'; delete from universe where season = 2025 and symbol = '${a}'`,
        undo: `insert into universe select * from gone; drop table gone` },
      { what: 'a peer group changed', request: README, reads: 0,
        change: `update universe set peer_group = peer_group || '-x' where season = 2025 and symbol = '${b}'`,
        undo: `update universe set peer_group = left(peer_group, -2) where season = 2025 and symbol = '${b}'` },
      { what: 'a name changed', request: README, reads: 0,
        change: `create table named as select symbol, name from universe where season = 2025 and symbol = '${c}'; update universe set name = 'Renamed' where season = 2025 and symbol = '${c}'`,
        undo: `update universe u set name = n.name from named n where u.season = 2025 and u.symbol = n.symbol; drop table named` },
      { what: 'an end date set (rolling membership)', request: ROLLING, reads: 0,
        change: `update universe set end_date = '2025-11-14' where season = 2025 and symbol = '${b}'`,
        undo: `update universe set end_date = null where season = 2025 and symbol = '${b}'` },
      { what: 'a start date set (rolling membership)', request: ROLLING, reads: 0,
        change: `update universe set start_date = '2025-11-03' where season = 2025 and symbol = '${c}'`,
        undo: `update universe set start_date = null where season = 2025 and symbol = '${c}'` },
    ];
    for (const { what, request, change, undo, reads } of changes) {
      const root = tempDir();
      const before = await read(root, request);
      const unchanged = await read(root, request);
      expect(unchanged.info.universe_read, what).toBe('cache');
      expect(unchanged.requests, what).toBe(1);
      await server.db.exec(change);
      try {
        const after = await read(root, request);
        const fresh = await read(undefined, request);
        expect(after.info.universe_read, what).toBe('function'); // its rows came with the check
        expect(after.requests, what).toBe(1 + (reads ? 1 : 0)); // the check, and the newcomer's prices
        expect(after.cache.symbols_read, what).toBe(reads);
        expect(universeOf(after.panel), what).toEqual(universeOf(fresh.panel));
        expect(after.fingerprint, what).toBe(fresh.fingerprint);
        expect(universeOf(after.panel), what).not.toEqual(universeOf(before.panel));
        // And the new universe is what the cache holds now: the next read is one request again.
        const next = await read(root, request);
        expect([next.info.universe_read, next.requests, next.fingerprint], what).toEqual(['cache', 1, fresh.fingerprint]);
      } finally {
        await server.db.exec(undo);
      }
      expect((await read(root, request)).fingerprint, `${what}, undone`).toBe(before.fingerprint);
    }
  });

  it('a damaged cached universe is discarded (one warning) and read again', async () => {
    const root = tempDir();
    const first = await read(root, README);
    const file = readdirSync(root, { recursive: true }).map(String).find((f) => f.endsWith('.vuni'))!;
    const bytes = readFileSync(join(root, file));
    for (const damage of [(x: Buffer) => { const y = Buffer.from(x); y[y.length >> 1]! ^= 1; return y; }, (x: Buffer) => x.subarray(0, x.length - 10)]) {
      writeFileSync(join(root, file), damage(bytes));
      const warnings: string[] = [];
      const again = await read(root, README, warnings);
      expect(warnings).toEqual([expect.stringMatching(/^cache: .*\.vuni: .*; the file was discarded and the universe is read from Supabase again$/)]);
      expect(again.info.universe_read).toBe('function');
      expect(again.fingerprint).toBe(first.fingerprint);
      expect(readFileSync(join(root, file)).length).toBe(bytes.length); // written again, whole
      expect((await read(root, README)).requests).toBe(1);
    }
  });

  it('without the universe migration: the universe in keyset pages, not cached, one warning naming the migration; a cached universe is read again; doctor warns', async () => {
    const root = tempDir();
    const cached = await read(root, README); // a universe cached while the functions were there
    await server.db.exec(DROP);
    await server.refreshSchema();
    try {
      for (const k of [0, 1]) {
        const warnings: string[] = [];
        const r = await read(root, README, warnings);
        expect(warnings).toEqual([expect.stringMatching(/the universe read is not installed \(function backtest_(window_check|universe_rows) is missing\): the universe is read in keyset pages and not cached.*apply supabase\/migrations\/20261129000000_universe_check\.sql/)]);
        expect(r.info.universe_read).toBe('pages');
        expect(r.cache.status, `run ${k}`).toBe('hit'); // the prices still from the cache (the old check)
        expect(r.fingerprint).toBe(cached.fingerprint);
      }
      const doctor = await runDoctor(loadSupabaseSettings(serverEnv(server), { connections: 2 }));
      expect(doctor.findings).toContainEqual(expect.objectContaining({
        ok: true, warn: true, what: expect.stringMatching(/^universe read: not installed \(function backtest_universe_rows is missing\)/), fix: 'apply supabase/migrations/20261129000000_universe_check.sql to the project',
      }));
    } finally {
      await server.db.exec(MIGRATION);
      await server.refreshSchema();
    }
  });

  it('a check answer of another shape stops with an error naming the universe migration', async () => {
    const root = tempDir();
    await read(root, README);
    await server.db.exec(`create or replace function backtest_window_check(tbl text, symbols text[], revisions bigint[], date_from date, date_to date,
      universe_tbl text, season_from integer, season_to integer, universe_fingerprint text) returns json language sql as $$ select '{"format": "vopa-check-1", "tracked": true, "changed": {}}'::json $$`);
    await server.refreshSchema();
    try {
      const err = await read(root, README).catch((e) => e);
      expect(err).toBeInstanceOf(CompactShapeError);
      expect(err.code).toBe('E_SUPABASE_SHAPE');
      expect(err.message).toMatch(/backtest_window_check answered in another shape .*apply supabase\/migrations\/20261129000000_universe_check\.sql to the project/);
    } finally {
      await server.db.exec(MIGRATION);
      await server.refreshSchema();
    }
  });

  it('a check cut short is asked again, never taken as data', async () => {
    const root = tempDir();
    const first = await read(root, README);
    await server.db.exec(`create table named as select symbol, name from universe where season = 2025 order by symbol limit 1;
      update universe u set name = 'Cut' from named n where u.season = 2025 and u.symbol = n.symbol`); // the answer carries rows
    try {
      server.faults.applies = (req) => req.url?.includes('/rpc/backtest_window_check') === true;
      server.faults.next = ['cut-body', 'cut-body'];
      const after = await read(root, README);
      expect(server.stats.faults['cut-body']).toBe(2);
      expect(after.info.universe_read).toBe('function');
      expect(after.fingerprint).toBe((await read(undefined, README)).fingerprint);
    } finally {
      await server.db.exec(`update universe u set name = n.name from named n where u.season = 2025 and u.symbol = n.symbol; drop table named`);
    }
    expect((await read(root, README)).fingerprint).toBe(first.fingerprint);
  });
});

describe('a universe larger than the row cap', () => {
  let server: PostgrestServer;
  const { read, close } = reader(() => server);
  const MEMBERS = 2_500;
  const REQUEST: WindowRequest = { season: 2030, startDay: day('2030-01-14'), endDay: day('2030-01-25'), warmupBars: 3 };

  beforeAll(async () => {
    const db = await openDatabase();
    await db.exec(`insert into universe select 2030, 'U' || lpad(s::text, 4, '0'), 'G' || (s % 7), 'Member ' || s from generate_series(1, ${MEMBERS}) s;
      insert into prices select 'U' || lpad(s::text, 4, '0'), d::date, 10 + s % 13, 11 + s % 13, 9 + s % 13, 10.5 + s % 13 + extract(day from d) / 100, 1000 + s
        from generate_series(1, ${MEMBERS}) s, generate_series('2030-01-07'::date, '2030-01-25'::date, '1 day') d where extract(isodow from d) < 6`);
    server = await startPostgrest({ db, maxRows: 1_000, closeDb: true });
  });
  afterEach(async () => {
    await close();
    server.reset();
  });
  afterAll(async () => server?.close());

  it(`${MEMBERS.toLocaleString('en-US')} members: one request for the universe on a first run (not 3 pages), one request in all on the second`, async () => {
    const root = tempDir();
    const first = await read(root, REQUEST);
    expect(first.panel.symbols).toHaveLength(MEMBERS);
    expect(first.info.universe_read).toBe('function');
    expect(first.requests - (first.info.price_requests as number)).toBe(1);
    const second = await read(root, REQUEST);
    expect(second.requests).toBe(1);
    expect(second.cache.status).toBe('hit');
    expect(second.fingerprint).toBe(first.fingerprint);
    // The way without the migration, for comparison: 3 pages under the cap of 1,000.
    await server.db.exec(DROP);
    await server.refreshSchema();
    try {
      const pages = await read(undefined, REQUEST, []);
      expect(pages.info.universe_read).toBe('pages');
      expect(pages.requests - (pages.info.price_requests as number)).toBe(1 + 3); // the call that finds the function missing, then 3 pages
      expect(pages.fingerprint).toBe(first.fingerprint);
    } finally {
      await server.db.exec(MIGRATION);
      await server.refreshSchema();
    }
  });
});
