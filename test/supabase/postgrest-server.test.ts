import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgrest, type PostgrestServer } from '../support/postgrest/index.ts';

/** The test server must behave as PostgREST does, or the client's tests prove nothing. */
describe('the PostgREST-compatible server', () => {
  let server: PostgrestServer;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/rest/v1/${path}`, { headers: { apikey: server.key, ...headers } });
  const post = (path: string, body: unknown, prefer: string) =>
    fetch(`${server.url}/rest/v1/${path}`, { method: 'POST', headers: { apikey: server.key, 'content-type': 'application/json', prefer }, body: JSON.stringify(body) });

  beforeAll(async () => {
    server = await startPostgrest({ maxRows: 5 });
    const rows = Array.from({ length: 12 }, (_, k) => ({ symbol: k < 6 ? 'A' : 'B', date: `2024-01-${String((k % 6) + 2).padStart(2, '0')}`, close: k + 1 }));
    const r = await post('prices', rows, 'return=minimal');
    expect(r.status).toBe(201);
  });
  afterAll(async () => server?.close());

  it('truncates silently at max-rows: 200 with Content-Range 0-4/*', async () => {
    const r = await get('prices?select=symbol,date,close&order=symbol.asc,date.asc');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-range')).toBe('0-4/*');
    expect(await r.json()).toHaveLength(5);
  });

  it('answers a counted partial range with 206 and Content-Range a-b/N, and 416 PGRST103 past the end', async () => {
    const r = await get('prices?select=close&order=close.asc', { range: '2-3', prefer: 'count=exact' });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('2-3/12');
    expect(await r.json()).toEqual([{ close: 3 }, { close: 4 }]);
    const past = await get('prices?select=close', { range: '20-25', prefer: 'count=exact' });
    expect(past.status).toBe(416);
    expect(((await past.json()) as { code: string }).code).toBe('PGRST103');
    const all = await get('prices?select=close&symbol=eq.A&limit=6', { prefer: 'count=exact' });
    expect(all.status).toBe(206); // max-rows 5 < 6 rows
    expect(all.headers.get('content-range')).toBe('0-4/6');
  });

  it('answers HEAD with Prefer: count=exact as PostgREST documents it: the range and the total in Content-Range, no body', async () => {
    // PostgREST, "Pagination and Count" → Exact Count: `HEAD /bigtable`, `Range: 0-24`, `Prefer: count=exact`
    // answers `206 Partial Content` with `Content-Range: 0-24/3573458`.
    const head = (path: string, headers: Record<string, string>) => fetch(`${server.url}/rest/v1/${path}`, { method: 'HEAD', headers: { apikey: server.key, ...headers } });
    const r = await head('prices', { 'range-unit': 'items', range: '0-2', prefer: 'count=exact' });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('0-2/12');
    expect(await r.text()).toBe('');
    const filtered = await head('prices?symbol=eq.B', { prefer: 'count=exact' });
    expect(filtered.status).toBe(206); // max-rows 5 < 6 rows of B
    expect(filtered.headers.get('content-range')).toBe('0-4/6');
    const none = await head('prices?symbol=eq.Z', { prefer: 'count=exact' });
    expect(none.status).toBe(200);
    expect(none.headers.get('content-range')).toBe('*/0');
  });

  it('filters with in, gt/gte/lt/lte and or/and trees (keyset pagination)', async () => {
    const r = await get(`prices?select=symbol,date&symbol=in.(A,B)&date=gte.2024-01-03&date=lte.2024-01-05&or=(symbol.gt."A",and(symbol.eq."A",date.gt.2024-01-04))&order=symbol.asc,date.asc`);
    expect(await r.json()).toEqual([
      { symbol: 'A', date: '2024-01-05' },
      { symbol: 'B', date: '2024-01-03' },
      { symbol: 'B', date: '2024-01-04' },
      { symbol: 'B', date: '2024-01-05' },
    ]);
  });

  it('returns PostgREST error bodies: 400 for a bad filter, 404 PGRST205 for a missing table, 401 for a bad key', async () => {
    const bad = await get('prices?close=foo.1');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'PGRST100' });
    const missing = await get('pricez');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'PGRST205', message: "Could not find the table 'public.pricez' in the schema cache" });
    const key = await fetch(`${server.url}/rest/v1/prices`, { headers: { apikey: 'wrong' } });
    expect(key.status).toBe(401);
  });

  it('upserts with merge-duplicates, and refuses mixed keys (PGRST102), repeated keys in a batch (21000), plain duplicates (409 23505), unknown columns (PGRST204)', async () => {
    const up = await post('universe?on_conflict=season,symbol', [{ season: 2024, symbol: 'A', peer_group: 'x', name: null }], 'resolution=merge-duplicates,return=minimal');
    expect(up.status).toBe(201);
    const again = await post('universe?on_conflict=season,symbol', [{ season: 2024, symbol: 'A', peer_group: 'y', name: 'Alpha' }], 'resolution=merge-duplicates,return=representation');
    expect(await again.json()).toEqual([{ season: 2024, symbol: 'A', peer_group: 'y', name: 'Alpha', start_date: null, end_date: null }]);
    const mixed = await post('universe', [{ season: 2024, symbol: 'B', peer_group: 'x' }, { season: 2024, symbol: 'C' }], 'resolution=merge-duplicates');
    expect(mixed.status).toBe(400);
    expect(((await mixed.json()) as { code: string }).code).toBe('PGRST102');
    const twice = await post('universe', [{ season: 2024, symbol: 'D', peer_group: 'x' }, { season: 2024, symbol: 'D', peer_group: 'y' }], 'resolution=merge-duplicates');
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { code: string }).code).toBe('21000');
    const dup = await post('universe', [{ season: 2024, symbol: 'A', peer_group: 'x' }], 'return=minimal');
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { code: string }).code).toBe('23505');
    const unknown = await post('universe', [{ season: 2024, symbol: 'E', peer_group: 'x', sector: 'z' }], 'return=minimal');
    expect(unknown.status).toBe(400);
    expect((await unknown.json())).toMatchObject({ code: 'PGRST204', message: "Could not find the 'sector' column of 'universe' in the schema cache" });
  });
});
