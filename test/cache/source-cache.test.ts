import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WindowCache } from '../../src/cache/index.ts';
import { fingerprintPanel } from '../../src/panel/fingerprint.ts';
import type { WindowRequest } from '../../src/source/index.ts';
import { SupabaseSource } from '../../src/source/supabase/supabase-source.ts';
import type { SupabaseRest } from '../../src/supabase/index.ts';
import { parseIsoDate } from '../../src/util/dates.ts';
import { tempDir } from '../support/cli.ts';
import { clientFor, sampleServer, type PostgrestServer } from '../support/postgrest/index.ts';

const day = (s: string) => parseIsoDate(s)!;
/** The README window (VOPA's default warm-up: 63 bars of returns, 64 closes, and the decision close). */
const README: WindowRequest = { season: 2025, startDay: day('2025-10-07'), endDay: day('2026-01-03'), warmupBars: 65 };

describe('the local cache of windows', () => {
  let server: PostgrestServer;
  let rest: SupabaseRest | undefined;
  let root: string;
  const files = () => readdirSync(root, { recursive: true }).map(String).filter((f) => f.endsWith('.vwin'));
  /** A run's read: through the cache (a fresh client, as a new process has), or none. */
  const read = async (request = README, cached = true, warnings: string[] = []) => {
    await rest?.close();
    rest = clientFor(server, 8);
    const cache = cached ? WindowCache.open({ root, env: {} }) : 'off';
    const { panel, info } = await new SupabaseSource(rest, { cache, warn: (w) => warnings.push(w) }).loadWindow(request);
    const cacheInfo = info.cache as { status: string; symbols_from_cache: number; symbols_read: number; rows_read: number; saved: string | null };
    return { panel, info, cache: cacheInfo, fingerprint: fingerprintPanel(panel), requests: rest.snapshot().requests };
  };
  /** After a change: the cached read reads `changed` symbols again, and only those, and equals a read without the cache. */
  const readsOnly = async (changed: number, request = README) => {
    const again = await read(request);
    const fresh = await read(request, false);
    expect(again.cache).toMatchObject({ status: changed ? 'partial' : 'hit', symbols_read: changed });
    expect(again.fingerprint).toBe(fresh.fingerprint);
    return again;
  };

  beforeAll(async () => {
    server = await sampleServer({ from: '2025-06-01', to: '2026-01-31' });
  });
  afterEach(async () => {
    await rest?.close();
    rest = undefined;
    server.reset();
  });
  afterAll(async () => server?.close());

  it('a second read of an unchanged window takes 1 request (one check of the universe and the prices) and nothing else', async () => {
    root = tempDir();
    const first = await read();
    expect(first.cache).toMatchObject({ status: 'miss', symbols_from_cache: 0 });
    expect(first.info.universe_read).toBe('function');
    expect(files()).toHaveLength(1);
    const second = await read();
    expect(second.cache).toMatchObject({ status: 'hit', symbols_read: 0, rows_read: 0, saved: null });
    expect(second.cache.symbols_from_cache).toBe(second.panel.symbols.length);
    expect(second.info.universe_read).toBe('cache');
    expect(second.requests).toBe(1);
    expect(second.info.price_requests).toBe(1);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.info.rows).toBe(first.info.rows);
  });

  it('an insert, an update or a delete in the window reads that symbol again, and only that one', async () => {
    root = tempDir();
    await read();
    const [a, b, c] = (await server.db.query<{ symbol: string }>(`select symbol from universe where season = 2025 order by symbol limit 3`)).rows.map((r) => r.symbol);
    await server.db.exec(`update prices set close = close * 1.01 where symbol = '${a}' and date = '2025-11-12'`);
    await readsOnly(1);
    await server.db.exec(`delete from prices where symbol = '${b}' and date = '2025-12-02'`);
    const afterDelete = await readsOnly(1);
    expect(afterDelete.info.rows).toBe((await read(README, false)).info.rows);
    await server.db.exec(`insert into prices values ('${b}', '2025-12-02', 1, 2, 0.5, 1.5, 100)`);
    await readsOnly(1);
    // Two symbols in one statement: both, and only they.
    await server.db.exec(`update prices set volume = volume + 1 where symbol in ('${a}', '${c}') and date = '2025-08-01'`);
    await readsOnly(2);
    await readsOnly(0);
  });

  it('a new symbol in the universe is read alone; the others come from the cache', async () => {
    root = tempDir();
    await read();
    const newcomer = (await server.db.query<{ symbol: string }>(`select symbol from universe where season = 2026 except select symbol from universe where season = 2025 order by 1 limit 1`)).rows[0]!.symbol;
    await server.db.exec(`insert into universe select 2025, symbol, peer_group, name from universe where season = 2026 and symbol = '${newcomer}'`);
    try {
      const after = await readsOnly(1);
      expect(after.panel.symbols).toContain(newcomer);
    } finally {
      await server.db.exec(`delete from universe where season = 2025 and symbol = '${newcomer}'`);
    }
  });

  it('a change outside the window\'s months leaves it valid; the file is brought up to date so the next check is the quick one', async () => {
    root = tempDir();
    const autumn: WindowRequest = { season: 2025, startDay: day('2025-10-07'), endDay: day('2025-11-28'), warmupBars: 5 }; // months 2025-09 … 2025-11
    await read(autumn);
    const symbol = (await server.db.query<{ symbol: string }>(`select symbol from universe where season = 2025 order by symbol limit 1`)).rows[0]!.symbol;
    await server.db.exec(`update prices set close = close + 1 where symbol = '${symbol}' and date = '2025-07-01'`);
    const after = await readsOnly(0, autumn);
    expect(after.cache.saved).not.toBe(null); // its revision moved: written again with the new one
    const next = await read(autumn);
    expect(next.cache).toMatchObject({ status: 'hit', saved: null });
  });

  it('a damaged or half-written cache file is discarded (one warning) and the window read again, the same', async () => {
    root = tempDir();
    const first = await read();
    const file = join(root, files()[0]!);
    const bytes = readFileSync(file);
    for (const damage of [(b: Buffer) => { const c = Buffer.from(b); c[c.length >> 1]! ^= 1; return c; }, (b: Buffer) => b.subarray(0, b.length - 100)]) {
      writeFileSync(file, damage(bytes));
      const warnings: string[] = [];
      const again = await read(README, true, warnings);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^cache: .*\.vwin: .* the file was discarded and its window is read from Supabase again$/);
      expect(again.cache).toMatchObject({ status: 'miss', symbols_from_cache: 0 });
      expect(again.fingerprint).toBe(first.fingerprint);
      expect(statSync(file).size).toBe(bytes.length); // written again, whole
    }
  });

  it('when the data begin inside the warm-up, a second read still takes at most 2 requests for prices', async () => {
    root = tempDir();
    const early: WindowRequest = { season: 2025, startDay: day('2025-07-15'), endDay: day('2025-08-29'), warmupBars: 64 }; // the data begin 2025-06-02
    const first = await read(early);
    expect(first.panel.dates[0]).toBe('2025-06-02');
    const second = await read(early);
    expect(second.cache.status).toBe('hit');
    expect(second.info.price_requests).toBeLessThanOrEqual(2); // the check, and whether anything precedes the data
    expect(second.fingerprint).toBe(first.fingerprint);
    // History added before the data's first day (inside the warm-up) is found.
    const symbol = second.panel.symbols[0]!;
    await server.db.exec(`insert into prices values ('${symbol}', '2025-05-30', 1, 1, 1, 1, 1)`);
    try {
      const third = await read(early);
      expect(third.panel.dates[0]).toBe('2025-05-30');
      expect(third.fingerprint).toBe((await read(early, false)).fingerprint);
    } finally {
      await server.db.exec(`delete from prices where symbol = '${symbol}' and date = '2025-05-30'`);
    }
  });

  it('a prices table without the revision triggers: the cache is not used, with one warning', async () => {
    root = tempDir();
    await server.db.exec('drop trigger backtest_revisions_update on prices');
    try {
      const warnings: string[] = [];
      const first = await read(README, true, warnings);
      const second = await read(README, true, warnings);
      expect([first.cache.status, second.cache.status]).toEqual(['untracked', 'untracked']);
      expect(warnings).toHaveLength(2); // one per run
      expect(warnings[0]).toMatch(/table prices has no revision triggers.*select backtest_track_revisions\('prices'\)/);
      expect(files()).toEqual([]);
    } finally {
      await server.db.exec(`select backtest_track_revisions('prices')`);
    }
  });
});
